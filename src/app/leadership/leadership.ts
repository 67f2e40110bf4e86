/**
 * One active softphone per browser. Every console tab loads the connector, but only the tab holding
 * the Web Lock `switchboard-softphone` registers and rings (the leader); the others mirror it
 * (followers, see tab-relay.ts). The lock is held for the tab's whole life, so when the leader tab
 * closes the browser hands the lock to the next waiting tab at once: takeover takes milliseconds,
 * well inside the two seconds allowed.
 *
 * ```
 *   electing ──lock free──▶ leader ──release()──▶ released
 *      │                      ▲
 *      └──lock taken──▶ follower (waiting in the lock queue)
 * ```
 * Where Web Locks are missing or denied (a cross-site softphone frame with third-party storage
 * blocked) the tabs elect over BroadcastChannel instead (channel-election.ts): heartbeats, and a
 * takeover within about 1.6 s of the leader going silent. A leader there can also step down to
 * follower if it learns another tab led first. With neither, the tab leads by itself.
 *
 * takeOver() makes this tab the leader at once, whoever leads now: the tab where the agent types the
 * SIP password signs in itself, so the password never leaves it (see tab-relay.ts). With Web Locks
 * it steals the lock (the old leader's request rejects with an AbortError; it becomes a follower and
 * queues again); over the channel it announces `election-take`.
 */
import { Emitter, type EventSource, type Clock, type Logger } from '../../core/index.ts';
import { ChannelElection } from './channel-election.ts';
import type { ChannelLike } from './tab-relay.ts';

export const LEADERSHIP_LOCK = 'switchboard-softphone';

export interface LockRequestOptions {
  readonly mode?: 'exclusive' | 'shared';
  readonly ifAvailable?: boolean;
  readonly steal?: boolean;
  readonly signal?: AbortSignal;
}

/** The part of the Web Locks API (navigator.locks) we use; injected so tests drive a fake. */
export interface LockManagerLike {
  request<T>(name: string, options: LockRequestOptions, callback: (lock: unknown) => Promise<T> | T): Promise<T>;
}

export type LeadershipRole = 'electing' | 'leader' | 'follower' | 'released';

export interface LeadershipEvents {
  role: [LeadershipRole];
}

export interface TabLeadershipOptions {
  /** navigator.locks, or undefined where the browser lacks it (the tab then leads alone). */
  readonly locks: LockManagerLike | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly lockName?: string;
  /** The tabs' BroadcastChannel, for the election when Web Locks are unavailable or denied. */
  readonly channel?: ChannelLike;
  readonly tabId?: string;
  readonly random?: () => number;
}

export class TabLeadership {
  private readonly emitter = new Emitter<LeadershipEvents>();
  private current: LeadershipRole = 'electing';
  private leaderSince?: number;
  private releaseLock?: () => void;
  /** Aborts this tab's wait in the lock queue (on release, or before stealing the lock). */
  private queueAbort?: AbortController;
  private election?: ChannelElection;

  constructor(private readonly options: TabLeadershipOptions) {}

  get events(): EventSource<LeadershipEvents> {
    return this.emitter;
  }

  get role(): LeadershipRole {
    return this.current;
  }

  /** When this tab became the leader (epoch ms), if it is. */
  get since(): number | undefined {
    return this.leaderSince;
  }

  /** Starts the election. Resolves once the role is known (leader or follower). */
  async start(): Promise<LeadershipRole> {
    const { locks, logger } = this.options;
    if (!locks) {
      logger.log('warn', 'Web Locks unavailable: electing over BroadcastChannel');
      return this.elect();
    }
    return new Promise<LeadershipRole>((resolve) => {
      let holding = false;
      // First ask without waiting: tells leader from follower at once. The callback's promise keeps
      // the lock for as long as this tab leads, so only the decision is awaited, not the request.
      locks
        .request(this.lockName, { mode: 'exclusive', ifAvailable: true }, (lock) => {
          if (this.current === 'released') {
            resolve(this.current);
            return undefined;
          }
          if (!lock) {
            this.become('follower');
            resolve(this.current);
            this.queue();
            return undefined;
          }
          holding = true;
          const held = this.hold();
          resolve(this.current);
          return held;
        })
        .catch((e: unknown) => {
          if (holding) return this.lost(e);
          logger.log('warn', 'leadership lock request failed; electing over BroadcastChannel', { error: String(e) });
          if (this.current === 'electing') void this.elect().then(resolve);
          else resolve(this.current);
        });
    });
  }

  /**
   * Makes this tab the leader now, taking the phone from the tab that holds it (which becomes a
   * follower). Resolves once this tab leads (or is released).
   */
  async takeOver(): Promise<void> {
    if (this.current === 'leader' || this.current === 'released') return;
    if (this.election) {
      this.election.takeOver();
      return;
    }
    const { locks, logger } = this.options;
    if (!locks) return;
    this.queueAbort?.abort();
    this.queueAbort = undefined;
    await new Promise<void>((resolve) => {
      let holding = false;
      locks
        .request(this.lockName, { mode: 'exclusive', steal: true }, () => {
          holding = true;
          const held = this.hold();
          resolve();
          return held;
        })
        .catch((e: unknown) => {
          if (holding) return this.lost(e);
          logger.log('warn', 'taking the phone over failed', { error: String(e) });
          resolve();
        });
    });
  }

  private get lockName(): string {
    return this.options.lockName ?? LEADERSHIP_LOCK;
  }

  /** Waits in the lock queue; the browser grants the lock when the leader's tab closes or releases it. */
  private queue(): void {
    const { locks, logger } = this.options;
    if (!locks || this.current === 'released') return;
    const abort = new AbortController();
    this.queueAbort = abort;
    let holding = false;
    locks
      .request(this.lockName, { mode: 'exclusive', signal: abort.signal }, () => {
        holding = true;
        return this.hold();
      })
      .catch((e: unknown) => {
        if (holding) this.lost(e);
        else if (!abort.signal.aborted && this.current !== 'released') logger.log('warn', 'waiting for leadership failed', { error: String(e) });
      });
  }

  /** The lock this tab led with is gone (another tab stole it): follow, and queue again. */
  private lost(error: unknown): void {
    if (this.current === 'released') return;
    this.releaseLock = undefined;
    this.options.logger.log('info', 'another tab took the phone over', { error: String(error) });
    this.become('follower');
    this.queue();
  }

  /** Elects over the channel; resolves once this tab leads or follows. Alone without a channel. */
  private elect(): Promise<LeadershipRole> {
    const { channel, clock, logger } = this.options;
    if (!channel) {
      logger.log('warn', 'no channel to elect over: this tab holds the phone without coordination');
      this.leaderSince = clock.now();
      this.become('leader');
      return Promise.resolve(this.current);
    }
    return new Promise<LeadershipRole>((resolve) => {
      this.election = new ChannelElection({
        channel,
        clock,
        logger,
        tabId: this.options.tabId ?? `tab-${clock.now()}-${Math.random().toString(36).slice(2)}`,
        ...(this.options.random ? { random: this.options.random } : {}),
        onRole: (role, since) => {
          if (this.current === 'released') return;
          if (role === 'leader') this.leaderSince = since ?? clock.now();
          this.become(role);
          resolve(this.current);
        },
      });
      this.election.start();
    });
  }

  /** Gives up the phone (page hide, sign-out of the tab); a waiting tab takes over. */
  release(): void {
    if (this.current === 'released') return;
    this.election?.stop();
    this.queueAbort?.abort();
    this.releaseLock?.();
    this.releaseLock = undefined;
    this.become('released');
  }

  /** Holds the lock until release(): the promise the lock callback returns decides its lifetime. */
  private hold(): Promise<void> {
    if (this.current === 'released') return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.releaseLock = resolve;
      this.leaderSince = this.options.clock.now();
      this.become('leader');
    });
  }

  private become(role: LeadershipRole): void {
    if (this.current === role) return;
    this.current = role;
    if (role !== 'leader') this.leaderSince = undefined;
    this.options.logger.log('info', `softphone leadership: ${role}`);
    this.emitter.emit('role', role);
  }
}
