/**
 * A ring group's call queue (a small ACD, in the manner of Asterisk app_queue and FreeSWITCH
 * mod_callcenter): calls the group cannot offer at once wait, first in first out, and each is
 * offered to the next member who becomes free (registered, available by presence, not in a call).
 *
 *   arrive ──► (free member and nobody waiting) ──► offering ──► answered   (done)
 *      │                                              │  ▲  └──► caller gave up (done)
 *      │                                              │  │
 *      │                       offer failed (declined,│  │ a member became free
 *      │                       no answer): to the head│  │
 *      ▼                                              ▼  │
 *   waiting ───────────────────────────────────────► waiting ──► max wait reached: 480 (done)
 *      └── queue full: 486 (done) · nobody signed in: 480 (done) · caller cancels: 487 (done)
 *
 * The queue decides; the server acts (forward, reply) through `CallQueuePort`. It MUST be told
 * when an offer ends (`offerEnded`) and when members may have become free (`drain`, which the
 * server calls deferred, never from inside a proxy callback).
 */
import type { Clock } from '../../core/index.ts';
import type { MemberStatus } from './ring-group.ts';

/**
 * - `ringall`: a call is offered to every free member at once; the first answer wins.
 * - `least-recent`: to the one free member who was offered a call least recently (the longest
 *   idle): no colleague sees an offer that someone else answers.
 */
export type QueueStrategy = 'ringall' | 'least-recent';

export interface CallQueueOptions {
  /** How long a call may wait for an answer before it gets 480 (default 120000 ms). */
  readonly maxWaitMs?: number;
  /** How many calls may wait at once; the next caller gets 486 (default 50). */
  readonly maxLength?: number;
  /** Default `ringall`. */
  readonly strategy?: QueueStrategy;
  /** How long one offer may ring before the call goes back to the head of the queue (default 30000 ms). */
  readonly offerTimeoutMs?: number;
  /** A member who refused or missed an offer gets no other queued call for this long (default 2000 ms). */
  readonly rejectDelayMs?: number;
}

export type QueueEvent = {
  readonly kind: 'queued' | 'offered' | 'answered' | 'requeued' | 'abandoned' | 'timeout' | 'full';
  readonly callId: string;
  readonly depth: number;
  readonly members?: readonly string[];
};

export interface CallQueuePort<T> {
  /** The members who could take `call` now, with their state (the caller itself left out). */
  members(call: T): readonly MemberStatus[];
  /** Offers `call` to these members; the outcome MUST come back through `offerEnded`. */
  offer(call: T, members: readonly string[], ringTimeoutMs: number): void;
  /** Answers a waiting call with a final failure (timeout, queue full, nobody signed in). */
  reject(call: T, status: number, reason: string, cause: string): void;
  /** Tells the caller it is waiting (182 Queued). */
  queued(call: T): void;
  changed(event: QueueEvent): void;
  /** Runs `fn` soon, outside the current call stack (offers are never made from inside a proxy callback). */
  defer(fn: () => void): void;
}

interface Entry<T> {
  readonly key: string;
  readonly callId: string;
  readonly call: T;
  readonly arrivedAt: number;
  expired: boolean;
  stopTimer: () => void;
}

export type ArriveOutcome = 'offered' | 'queued' | 'rejected';

export class CallQueue<T> {
  readonly maxWaitMs: number;
  readonly maxLength: number;
  readonly strategy: QueueStrategy;
  readonly offerTimeoutMs: number;
  readonly rejectDelayMs: number;
  private readonly waiting: Entry<T>[] = [];
  private readonly offering = new Map<string, Entry<T>>();
  private readonly lastOffered = new Map<string, number>();
  private readonly resting = new Map<string, number>();
  private restWake: { at: number; cancel: () => void } | undefined;
  private maxDepthSeen = 0;

  constructor(
    readonly name: string,
    options: CallQueueOptions,
    private readonly clock: Clock,
    private readonly port: CallQueuePort<T>,
  ) {
    this.maxWaitMs = positive('maxWaitMs', options.maxWaitMs ?? 120_000);
    this.maxLength = positive('maxLength', options.maxLength ?? 50);
    this.strategy = options.strategy ?? 'ringall';
    if (this.strategy !== 'ringall' && this.strategy !== 'least-recent')
      throw new Error(`queue ${name}: strategy must be ringall or least-recent (got "${String(this.strategy)}")`);
    this.offerTimeoutMs = positive('offerTimeoutMs', options.offerTimeoutMs ?? 30_000);
    this.rejectDelayMs = Math.max(0, options.rejectDelayMs ?? 2000);
  }

  /** Calls waiting (not being offered). */
  get depth(): number {
    return this.waiting.length;
  }

  /** The most calls that waited at once since the queue was made. */
  get maxDepth(): number {
    return this.maxDepthSeen;
  }

  /** True when the call (by INVITE key) waits or is being offered. */
  has(key: string): boolean {
    return this.offering.has(key) || this.waiting.some((e) => e.key === key);
  }

  /**
   * A new call. Offered at once when nobody waits and a member is free; else it waits (the port
   * is asked to send 182), or is refused: 480 when no member is signed in, 486 when the queue is full.
   */
  arrive(key: string, callId: string, call: T): ArriveOutcome {
    const members = this.port.members(call);
    if (!members.some((m) => m.registered)) {
      this.port.reject(call, 480, 'Temporarily Unavailable (no agent signed in)', 'SIP;cause=480;text="No agent signed in"');
      return 'rejected';
    }
    const entry: Entry<T> = { key, callId, call, arrivedAt: this.clock.now(), expired: false, stopTimer: () => {} };
    if (this.waiting.length === 0 && this.tryOffer(entry)) {
      this.arm(entry);
      return 'offered';
    }
    if (this.waiting.length >= this.maxLength) {
      this.port.changed({ kind: 'full', callId, depth: this.waiting.length });
      this.port.reject(call, 486, 'Busy Here (queue full)', 'SIP;cause=486;text="Queue full"');
      return 'rejected';
    }
    this.arm(entry);
    this.waiting.push(entry);
    this.maxDepthSeen = Math.max(this.maxDepthSeen, this.waiting.length);
    this.port.queued(call);
    this.port.changed({ kind: 'queued', callId, depth: this.waiting.length });
    return 'queued';
  }

  /**
   * An offer ended. `answered`: the call is done. `callerGone`: the caller cancelled or left: done.
   * Otherwise every offered member refused or let it ring out: the members rest for
   * `rejectDelayMs` and the call goes back to the head of the queue (or gets 480 if it has
   * waited its maximum). Returns true when the queue keeps the call (the proxy MUST then not
   * relay the failure to the caller).
   */
  offerEnded(key: string, outcome: { readonly answered: boolean; readonly callerGone: boolean; readonly members: readonly string[] }): boolean {
    const entry = this.offering.get(key);
    if (!entry) return false;
    this.offering.delete(key);
    if (outcome.answered || outcome.callerGone) {
      entry.stopTimer();
      this.port.changed({ kind: outcome.answered ? 'answered' : 'abandoned', callId: entry.callId, depth: this.waiting.length });
      return false;
    }
    const until = this.clock.now() + this.rejectDelayMs;
    for (const m of outcome.members) this.resting.set(m, until);
    if (entry.expired) {
      this.port.changed({ kind: 'timeout', callId: entry.callId, depth: this.waiting.length });
      this.port.reject(entry.call, 480, 'Temporarily Unavailable (no agent answered in time)', 'SIP;cause=480;text="Queue timeout"');
      return true;
    }
    this.waiting.unshift(entry);
    this.maxDepthSeen = Math.max(this.maxDepthSeen, this.waiting.length);
    this.port.changed({ kind: 'requeued', callId: entry.callId, depth: this.waiting.length });
    this.port.defer(() => this.drain());
    return true;
  }

  /** The caller cancelled or left while waiting: returns the call when it was waiting here (the server answers 487). */
  abandon(key: string): T | undefined {
    const i = this.waiting.findIndex((e) => e.key === key);
    if (i === -1) return undefined;
    const [entry] = this.waiting.splice(i, 1);
    entry.stopTimer();
    this.port.changed({ kind: 'abandoned', callId: entry.callId, depth: this.waiting.length });
    return entry.call;
  }

  /** Drops every waiting call that matches (e.g. its caller's socket closed). */
  abandonWhere(match: (call: T) => boolean): void {
    for (const entry of this.waiting.filter((e) => match(e.call))) this.abandon(entry.key);
  }

  /** Offers waiting calls, oldest first, while members are free. */
  drain(): void {
    while (this.waiting.length > 0) {
      const head = this.waiting[0];
      if (!this.tryOffer(head)) {
        this.wakeWhenRested();
        return;
      }
      this.waiting.shift();
    }
  }

  /**
   * Calls wait while a member rests: drain again when the first rest ends. Checked against the
   * clock rather than trusted to one timer per refusal, since a Node timer may fire a millisecond
   * before Date.now() reaches its deadline, and nothing else would wake the queue then.
   */
  private wakeWhenRested(): void {
    const now = this.clock.now();
    let next = Infinity;
    for (const [member, until] of this.resting) {
      if (until <= now) this.resting.delete(member);
      else next = Math.min(next, until);
    }
    if (next === Infinity || (this.restWake && this.restWake.at <= next)) return;
    this.restWake?.cancel();
    const wake = { at: next, cancel: () => {} };
    wake.cancel = this.clock.setTimeout(
      () => {
        if (this.restWake === wake) this.restWake = undefined;
        this.drain();
      },
      Math.max(1, next - now + 1),
    );
    this.restWake = wake;
  }

  /** Every waiting call, in order (for failing them all when the server closes). */
  clear(): T[] {
    const all = [...this.waiting, ...this.offering.values()];
    for (const e of all) e.stopTimer();
    this.restWake?.cancel();
    this.restWake = undefined;
    this.waiting.length = 0;
    this.offering.clear();
    return all.map((e) => e.call);
  }

  private tryOffer(entry: Entry<T>): boolean {
    const now = this.clock.now();
    const free = this.port
      .members(entry.call)
      .filter((m) => m.registered && m.available && !m.busy && (this.resting.get(m.aor) ?? 0) <= now)
      .map((m) => m.aor);
    if (free.length === 0) return false;
    let chosen = free;
    if (this.strategy === 'least-recent') {
      // Stable: members never offered come first, in the group's order.
      chosen = [free.reduce((best, m) => ((this.lastOffered.get(m) ?? -Infinity) < (this.lastOffered.get(best) ?? -Infinity) ? m : best))];
    }
    for (const m of chosen) this.lastOffered.set(m, now);
    this.offering.set(entry.key, entry);
    this.port.changed({ kind: 'offered', callId: entry.callId, depth: this.waiting.length - (this.waiting[0] === entry ? 1 : 0), members: chosen });
    this.port.offer(entry.call, chosen, this.offerTimeoutMs);
    return true;
  }

  private arm(entry: Entry<T>): void {
    entry.stopTimer = this.clock.setTimeout(() => {
      entry.expired = true;
      const i = this.waiting.indexOf(entry);
      if (i === -1) return; // being offered: it ends when the offer does
      this.waiting.splice(i, 1);
      this.port.changed({ kind: 'timeout', callId: entry.callId, depth: this.waiting.length });
      this.port.reject(entry.call, 480, 'Temporarily Unavailable (no agent answered in time)', 'SIP;cause=480;text="Queue timeout"');
    }, this.maxWaitMs);
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`queue option ${name} must be a positive number (got ${value})`);
  return value;
}
