/**
 * When to stop waiting for ICE gathering. Without trickle ICE every candidate must be in the SDP,
 * so sip.js waits for gathering to reach `complete`, bounded by `iceGatheringTimeout`. But
 * `complete` can take far longer than the candidates that matter: with several interfaces, or in
 * a loopback-only network namespace, Chromium reports it only after seconds (or never), so every
 * offer and answer paid the whole timeout. This decides instead when the candidates that can
 * carry the call are in:
 * - the type the configuration can produce last must have arrived over UDP for the current ICE
 *   generation (a relay candidate when a TURN server is configured or the policy is relay-only, a
 *   server-reflexive one with only STUN, else a host candidate; a TCP candidate alone is not
 *   enough: under load Chromium may report it first, and an SDP with only TCP candidates connects
 *   late or not at all);
 * - then gathering must be quiet for `quietMs` (the other interfaces' candidates come together).
 * The timeout still bounds the wait when the awaited type never comes (an unreachable TURN server).
 */
export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

export interface GatheringConfig {
  readonly iceServers?: readonly { readonly urls: string | readonly string[] }[];
  readonly iceTransportPolicy?: 'all' | 'relay';
}

/** The candidate type worth waiting for under this configuration. */
export function awaitedCandidateType(config: GatheringConfig): CandidateType {
  const urls = (config.iceServers ?? []).flatMap((s) => (typeof s.urls === 'string' ? [s.urls] : [...s.urls]));
  if (config.iceTransportPolicy === 'relay' || urls.some((u) => /^turns?:/i.test(u))) return 'relay';
  if (urls.some((u) => /^stuns?:/i.test(u))) return 'srflx';
  return 'host';
}

export const QUIET_MS = 150;

/**
 * Watches one peer connection's candidates and calls `enough()` once the awaited type arrived in
 * the generation named by `currentUfrag()` and no candidate came for `quietMs`.
 */
export class EnoughCandidates {
  private readonly seen: { readonly type: string; readonly ufrag: string | null; readonly udp: boolean }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly awaited: CandidateType,
    private readonly currentUfrag: () => string | undefined,
    private readonly enough: () => void,
    private readonly quietMs = QUIET_MS,
  ) {}

  /** A candidate from `icecandidate` (null at the end of gathering is ignored: `complete` handles it). */
  candidate(c: { readonly type?: string | null; readonly usernameFragment?: string | null; readonly protocol?: string | null } | null): void {
    if (!c?.type) return;
    this.seen.push({ type: c.type, ufrag: c.usernameFragment ?? null, udp: (c.protocol ?? 'udp').toLowerCase() === 'udp' });
    this.check();
  }

  /** Re-evaluates (call when a wait starts: the awaited candidates may already be in). */
  check(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.ready()) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.ready()) this.enough();
    }, this.quietMs);
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private ready(): boolean {
    const ufrag = this.currentUfrag();
    // A candidate without a ufrag (older browsers) counts for any generation.
    return this.seen.some((s) => s.type === this.awaited && s.udp && (s.ufrag === null || s.ufrag === ufrag));
  }
}
