/**
 * Leader election over BroadcastChannel, for frames where Web Locks are denied. Chromium denies
 * Web Locks and IndexedDB to a cross-site iframe when third-party storage is blocked — exactly
 * where a softphone hosted on its own domain runs inside lightning.force.com — while
 * BroadcastChannel still connects the tabs.
 *
 * ```
 *   listening ──no heartbeat within ELECTION_WAIT──▶ claiming ──no earlier claim or leader
 *      │                                                │       within CLAIM_WAIT──▶ leader
 *      └──heartbeat──▶ follower ◀──earlier claim/leader─┘                             │
 *                         │  ▲                                                         │
 *   no heartbeat for      │  └──────────── a leader with an earlier `since` ◀──────────┘
 *   LEADER_TIMEOUT, or ───┘ (claiming again)
 *   the leader resigned
 * ```
 * The leader sends a heartbeat every HEARTBEAT_MS and answers `who` and `claim` at once; it
 * resigns on release(). A tab that closes without resigning is replaced after LEADER_TIMEOUT +
 * CLAIM_WAIT (+ jitter) ≈ 1.6 s, inside the two seconds allowed. Ties go to the earlier claim,
 * then the smaller tab id, so two tabs that claim together agree on one leader.
 *
 * takeOver() (the agent signs in in this tab) makes this tab the leader at once and announces
 * `election-take`: the leader and any claimer follow it. A heartbeat the old leader sent before it
 * heard the take may still arrive; it carries the old leader's `since`, and is ignored, or the
 * "led first keeps the phone" rule would hand the phone straight back.
 */
import type { Clock, Logger } from '../../core/index.ts';
import type { ChannelLike } from './tab-relay.ts';

export const HEARTBEAT_MS = 400;
export const LEADER_TIMEOUT_MS = 1200;
export const ELECTION_WAIT_MS = 200;
export const CLAIM_WAIT_MS = 200;
const WATCHDOG_MS = 100;
const MAX_JITTER_MS = 100;

type ElectionMessage =
  | { readonly v: 1; readonly t: 'election-who'; readonly from: string }
  | { readonly v: 1; readonly t: 'election-claim'; readonly from: string; readonly at: number }
  | { readonly v: 1; readonly t: 'election-lead'; readonly from: string; readonly since: number }
  | { readonly v: 1; readonly t: 'election-resign'; readonly from: string }
  | { readonly v: 1; readonly t: 'election-take'; readonly from: string; readonly since: number };

export function parseElectionMessage(data: unknown): ElectionMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const m = data as Record<string, unknown>;
  if (m['v'] !== 1 || typeof m['from'] !== 'string') return undefined;
  switch (m['t']) {
    case 'election-who':
    case 'election-resign':
      return m as ElectionMessage;
    case 'election-claim':
      return typeof m['at'] === 'number' ? (m as ElectionMessage) : undefined;
    case 'election-lead':
    case 'election-take':
      return typeof m['since'] === 'number' ? (m as ElectionMessage) : undefined;
    default:
      return undefined;
  }
}

/** Whether (at, id) comes before (otherAt, otherId): earlier first, then the smaller id. */
function before(at: number, id: string, otherAt: number, otherId: string): boolean {
  return at < otherAt || (at === otherAt && id < otherId);
}

export interface ChannelElectionOptions {
  readonly channel: ChannelLike;
  readonly tabId: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** 0 ≤ x < 1; spreads simultaneous claims apart. */
  readonly random?: () => number;
  readonly onRole: (role: 'leader' | 'follower', since?: number) => void;
}

export class ChannelElection {
  private state: 'listening' | 'claiming' | 'leader' | 'follower' | 'stopped' = 'listening';
  private lastHeartbeat = -Infinity;
  private claimAt = 0;
  private leaderSince = 0;
  /** The leadership this tab last heard of, `from` and `since` (a takeover ignores its stale heartbeats). */
  private heardLeader?: { readonly from: string; readonly since: number };
  private deposed?: { readonly from: string; readonly since: number };
  private readonly cancels = new Set<() => void>();
  private readonly onMessage = (event: { readonly data: unknown }): void => this.receive(event.data);

  constructor(private readonly options: ChannelElectionOptions) {}

  get role(): 'listening' | 'claiming' | 'leader' | 'follower' | 'stopped' {
    return this.state;
  }

  start(): void {
    this.options.channel.addEventListener('message', this.onMessage);
    this.post({ v: 1, t: 'election-who', from: this.options.tabId });
    this.after(ELECTION_WAIT_MS, () => {
      if (this.state === 'listening') this.claim();
    });
    this.watchdog();
  }

  /** Leaves the election; a leader resigns so a follower takes over at once. */
  stop(): void {
    if (this.state === 'stopped') return;
    const wasLeader = this.state === 'leader';
    this.state = 'stopped';
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
    if (wasLeader) this.post({ v: 1, t: 'election-resign', from: this.options.tabId });
    this.options.channel.removeEventListener('message', this.onMessage);
  }

  /** Leads now, whoever leads: the tab that led follows on hearing `election-take`. */
  takeOver(): void {
    if (this.state === 'leader' || this.state === 'stopped') return;
    this.deposed = this.heardLeader;
    this.state = 'leader';
    this.leaderSince = this.options.clock.now();
    this.post({ v: 1, t: 'election-take', from: this.options.tabId, since: this.leaderSince });
    this.heartbeat();
    this.beat();
    this.options.onRole('leader', this.leaderSince);
  }

  private receive(data: unknown): void {
    const m = parseElectionMessage(data);
    const me = this.options.tabId;
    if (!m || m.from === me || this.state === 'stopped') return;
    const now = this.options.clock.now();
    switch (m.t) {
      case 'election-who':
        if (this.state === 'leader') this.heartbeat();
        return;
      case 'election-claim':
        if (this.state === 'leader') this.heartbeat();
        else if (this.state === 'claiming' && before(m.at, m.from, this.claimAt, me)) this.follow();
        return;
      case 'election-take':
        this.lastHeartbeat = now;
        this.heardLeader = { from: m.from, since: m.since };
        if (this.state !== 'follower') {
          this.options.logger.log('info', 'another tab took the phone over', { other: m.from });
          this.follow();
        }
        return;
      case 'election-lead':
        if (this.deposed && this.deposed.from === m.from && this.deposed.since === m.since) return;
        this.lastHeartbeat = now;
        this.heardLeader = { from: m.from, since: m.since };
        if (this.state === 'leader') {
          // Two leaders (messages crossed): the one that led first keeps the phone.
          if (before(m.since, m.from, this.leaderSince, me)) {
            this.options.logger.log('warn', 'another tab led first; handing the phone over', { other: m.from });
            this.follow();
          } else this.heartbeat();
        } else if (this.state !== 'follower') this.follow();
        return;
      case 'election-resign':
        if (this.state === 'follower') {
          this.lastHeartbeat = -Infinity;
          this.after(this.jitter(), () => {
            if (this.state === 'follower' && this.options.clock.now() - this.lastHeartbeat > LEADER_TIMEOUT_MS) this.claim();
          });
        }
        return;
    }
  }

  private claim(): void {
    this.state = 'claiming';
    this.claimAt = this.options.clock.now();
    this.post({ v: 1, t: 'election-claim', from: this.options.tabId, at: this.claimAt });
    this.after(CLAIM_WAIT_MS, () => {
      if (this.state !== 'claiming') return;
      this.state = 'leader';
      this.leaderSince = this.options.clock.now();
      this.heartbeat();
      this.beat();
      this.options.onRole('leader', this.leaderSince);
    });
  }

  private follow(): void {
    const was = this.state;
    this.state = 'follower';
    if (was !== 'follower') this.options.onRole('follower');
  }

  /** Followers watch the heartbeat; a silent leader is replaced. */
  private watchdog(): void {
    this.after(WATCHDOG_MS, () => {
      if (this.state === 'follower' && this.options.clock.now() - this.lastHeartbeat > LEADER_TIMEOUT_MS) {
        this.options.logger.log('info', 'the phone tab went silent; claiming the phone');
        this.claim();
      }
      this.watchdog();
    });
  }

  private beat(): void {
    this.after(HEARTBEAT_MS, () => {
      if (this.state !== 'leader') return;
      this.heartbeat();
      this.beat();
    });
  }

  private heartbeat(): void {
    this.post({ v: 1, t: 'election-lead', from: this.options.tabId, since: this.leaderSince });
  }

  private jitter(): number {
    return Math.floor((this.options.random ?? Math.random)() * MAX_JITTER_MS);
  }

  private after(ms: number, fn: () => void): void {
    const cancel = this.options.clock.setTimeout(() => {
      this.cancels.delete(cancel);
      if (this.state !== 'stopped') fn();
    }, ms);
    this.cancels.add(cancel);
  }

  private post(message: ElectionMessage): void {
    try {
      this.options.channel.postMessage(message);
    } catch (error) {
      this.options.logger.log('warn', 'election message could not be posted', { error: String(error) });
    }
  }
}
