/**
 * Test harness page: exposes the SIP adapter on `window.harness` so Playwright can drive one agent
 * per page (test/telephony/). It records every adapter event in order, with a timestamp, and adds
 * the few probes a test needs that the port does not offer (bytes received, DTMF tones sent).
 */
import { parseConnectorSettings, silentLogger } from '../../../core/index.ts';
import type { LogLevel, Logger } from '../../../core/index.ts';
import { browserClock, createSipTelephony, type SipTelephony } from '../index.ts';
import type { IceRestartPolicy } from '../ice-restart.ts';

export interface HarnessConfig {
  readonly wsUrl: string;
  readonly domain: string;
  readonly username: string;
  /** Digest username when it differs from the SIP user, e.g. a short-lived `<expiry>:<extension>`. */
  readonly authorizationUsername?: string;
  readonly password: string;
  readonly displayName?: string;
  /** Extra `/switchboard/<item>` or `/reqDialingOptions/<item>` settings. */
  readonly settings?: Readonly<Record<string, string>>;
  readonly qualityIntervalMs?: number;
  /** How long an interrupted media path may last before the call ends (default: the browser's `failed`). */
  readonly mediaLossGraceMs?: number;
  /** `relay`: media only through the TURN servers of the `sipIceServers` setting. */
  readonly iceTransportPolicy?: RTCIceTransportPolicy;
  /** Shorter ICE restart waits for tests. */
  readonly iceRestart?: Partial<IceRestartPolicy>;
  /** Backoff for reconnects (tests want quick ones). */
  readonly backoff?: { initialMs: number; maxMs: number; factor: number; jitter: number };
  /** Keeps calls' dialogs in this tab's sessionStorage: after `telephony.suspend()` and a reload, `start` takes them back. */
  readonly keepDialogs?: boolean;
}

export interface PairEnd {
  readonly type: string;
  readonly address: string;
  readonly port: number;
}

export interface SelectedPair {
  readonly id: string;
  readonly local: PairEnd;
  readonly remote: PairEnd;
}

export interface HarnessEvent {
  /** Epoch milliseconds, sub-millisecond resolution (comparable across pages). */
  readonly at: number;
  readonly event: string;
  readonly args: readonly unknown[];
}

const EVENTS = ['registration', 'incoming', 'progress', 'established', 'held', 'ended', 'transfer', 'lineState', 'quality', 'devices', 'dtmfReceived'] as const;

export class Harness {
  tel: SipTelephony | undefined;
  readonly events: HarnessEvent[] = [];
  readonly logs: { level: LogLevel; message: string; data?: unknown }[] = [];
  /** The answer acceptIncoming gives. */
  acceptIncoming = true;
  /** Benchmarks: decline (486) every call as soon as it was announced. */
  autoDecline = false;
  /** Tones RTCDTMFSender reported as played, per call. */
  readonly tones: Record<string, string> = {};

  async start(config: HarnessConfig): Promise<void> {
    const map: Record<string, string> = {
      '/reqGeneralInfo/reqInternalName': 'HarnessCallCenter',
      '/switchboard/sipWebSocketUrl': config.wsUrl,
      '/switchboard/sipDomain': config.domain,
      ...config.settings,
    };
    const parsed = parseConnectorSettings(map);
    if (!parsed.ok) throw new Error(`harness settings: ${parsed.problems.map((p) => `${p.key}: ${p.message}`).join('; ')}`);
    const logger: Logger = {
      log: (level, message, data) => {
        if (level !== 'debug') this.logs.push({ level, message, ...(data ? { data } : {}) });
        silentLogger.log(level, message, data);
      },
    };
    this.tel = createSipTelephony(parsed.settings, {
      clock: browserClock,
      logger,
      ...(config.qualityIntervalMs ? { qualityIntervalMs: config.qualityIntervalMs } : {}),
      ...(config.mediaLossGraceMs !== undefined ? { mediaLossGraceMs: config.mediaLossGraceMs } : {}),
      ...(config.iceTransportPolicy ? { iceTransportPolicy: config.iceTransportPolicy } : {}),
      ...(config.iceRestart ? { iceRestart: config.iceRestart } : {}),
      ...(config.backoff ? { registration: { backoff: config.backoff } } : {}),
      ...(config.keepDialogs ? { dialogStorage: sessionStorage } : {}),
    });
    for (const event of EVENTS) {
      this.tel.events.on(event, (...args: readonly unknown[]) => this.events.push({ at: performance.timeOrigin + performance.now(), event, args }));
    }
    this.tel.setDelegate({ acceptIncoming: () => this.acceptIncoming });
    this.tel.events.on('incoming', (call) => {
      if (this.autoDecline) void this.tel?.decline(call.callId, 486);
    });
    await this.tel.register({
      username: config.username,
      password: config.password,
      ...(config.authorizationUsername ? { authorizationUsername: config.authorizationUsername } : {}),
      ...(config.displayName ? { displayName: config.displayName } : {}),
    });
  }

  get telephony(): SipTelephony {
    if (!this.tel) throw new Error('harness not started');
    return this.tel;
  }

  /** Total audio bytes received on the call (inbound-rtp), or -1 without a peer connection. */
  async bytesReceived(callId: string): Promise<number> {
    const pc = this.telephony.peerConnection(callId);
    if (!pc) return -1;
    let bytes = 0;
    (await pc.getStats()).forEach((s: Record<string, unknown>) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') bytes += Number(s.bytesReceived ?? 0);
    });
    return bytes;
  }

  /** The call's selected ICE candidate pair (type, address and port of each end), or undefined. */
  async selectedPair(callId: string): Promise<SelectedPair | undefined> {
    const pc = this.telephony.peerConnection(callId);
    if (!pc) return undefined;
    const stats = new Map<string, Record<string, unknown>>();
    (await pc.getStats()).forEach((s: Record<string, unknown>) => stats.set(String(s.id), s));
    const transport = [...stats.values()].find((s) => s.type === 'transport' && s.selectedCandidatePairId);
    const pair = transport ? stats.get(String(transport.selectedCandidatePairId)) : undefined;
    if (!pair) return undefined;
    const end = (id: unknown): PairEnd => {
      const c = stats.get(String(id)) ?? {};
      return { type: String(c.candidateType), address: String(c.address ?? c.ip), port: Number(c.port) };
    };
    return { id: String(pair.id), local: end(pair.localCandidateId), remote: end(pair.remoteCandidateId) };
  }

  /** Starts recording RTCDTMFSender tonechange events for the call. */
  watchTones(callId: string): void {
    const pc = this.telephony.peerConnection(callId);
    const dtmf = pc?.getSenders().find((s) => s.dtmf)?.dtmf;
    if (!dtmf) throw new Error(`call ${callId} has no DTMF sender`);
    this.tones[callId] = '';
    dtmf.addEventListener('tonechange', (e) => {
      if (e.tone) this.tones[callId] += e.tone;
    });
  }

  /** Total inbound audio energy (sum of squared levels × seconds): grows only while sound arrives. */
  async audioEnergy(callId: string): Promise<number> {
    const pc = this.telephony.peerConnection(callId);
    if (!pc) return -1;
    let energy = 0;
    (await pc.getStats()).forEach((s: Record<string, unknown>) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') energy += Number(s.totalAudioEnergy ?? 0);
    });
    return energy;
  }

  /** Call ids from `incoming` / dial results, newest last. */
  callIds(event: 'incoming' | 'established' | 'ended'): string[] {
    return this.events.filter((e) => e.event === event).map((e) => (event === 'incoming' ? (e.args[0] as { callId: string }).callId : (e.args[0] as string)));
  }
}

declare global {
  interface Window {
    harness: Harness;
  }
}

window.harness = new Harness();
