/**
 * Brings an established call's media path back after a network change (new Wi-Fi, VPN up, a TURN
 * server gone) by restarting ICE: a re-INVITE whose offer has new ICE credentials, so both ends
 * gather candidates again and find a new path. The call and its dialog stay; only the path changes.
 *
 * ```
 *   idle ──pathDown──▶ waiting ──delay──▶ restarting ──accepted──▶ checking ──pathUp──▶ idle
 *   restarting ──glare (491) / no connection──▶ waiting (backoff; RFC 3261 §14.1 delay after a 491)
 *   checking ──no path within attemptTimeoutMs──▶ waiting
 *   restarting ──refused (the far end cannot restart)──▶ exhausted
 *   waiting / checking ──attempts spent──▶ exhausted          any ──pathUp──▶ idle (attempts reset)
 *   waiting / exhausted ──peerRestarting──▶ checking (the far end restarts; we answer)
 *   any ──stop()──▶ stopped (terminal)
 * ```
 *
 * Both ends may try at once. The end that sent the dialog's first INVITE goes first; the other
 * waits `answererDelayMs` longer (more than an offer takes to gather), so the first one's
 * re-INVITE arrives before it starts its own, and it just answers. If they still cross, each gets
 * a 491 (or a 488 from an end busy gathering for its own offer) and tries again after a random
 * wait (RFC 3261 §14.1: 2.1-4 s for the Call-ID's owner, 0-2 s for the other).
 */
import type { Clock, Logger } from '../../core/index.ts';
import { backoffDelay, glareDelay, type BackoffPolicy, type RandomSource } from './backoff.ts';

export type IceRestartState = 'idle' | 'waiting' | 'restarting' | 'checking' | 'exhausted' | 'stopped';

export const ICE_RESTART_TRANSITIONS: Readonly<Record<IceRestartState, readonly IceRestartState[]>> = {
  idle: ['waiting', 'checking', 'stopped'],
  waiting: ['restarting', 'checking', 'idle', 'exhausted', 'stopped'],
  restarting: ['checking', 'waiting', 'idle', 'exhausted', 'stopped'],
  checking: ['waiting', 'idle', 'exhausted', 'stopped'],
  exhausted: ['idle', 'checking', 'stopped'],
  stopped: [],
};

/** What sending one restart re-INVITE came to. */
export type RestartOutcome =
  /** 2xx: new ICE credentials on both ends; the path should come up now. */
  | 'accepted'
  /** 491, or a re-INVITE of ours or theirs still pending: try again a little later. */
  | 'glare'
  /** No connection to the phone system right now: try again later. */
  | 'unavailable'
  /** 488 and the like: the far end could not take this offer now (it may be restarting too). */
  | 'rejected'
  /** The dialog is gone (481, 408) or the call moved on: trying again would not help. */
  | 'refused';

export interface IceRestartPolicy {
  /** How long a path that is only `disconnected` gets to come back by itself before a restart. */
  readonly disconnectedDelayMs: number;
  /** Extra wait for the end that did not send the dialog's first INVITE (avoids crossing re-INVITEs). */
  readonly answererDelayMs: number;
  /** An accepted restart whose path is not up after this long counts as failed. */
  readonly attemptTimeoutMs: number;
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
}

export const DEFAULT_ICE_RESTART: IceRestartPolicy = {
  disconnectedDelayMs: 2000,
  answererDelayMs: 2000,
  attemptTimeoutMs: 6000,
  maxAttempts: 3,
  backoff: { initialMs: 1000, maxMs: 8000, factor: 2, jitter: 0.3 },
};

export interface IceRestartHandlers {
  /** Sends one restart re-INVITE (MUST NOT throw: failures are outcomes). */
  restart(): Promise<RestartOutcome>;
  /** No attempt left (or the far end refused); the path did not come back. Called once per outage. */
  exhausted(detail: string): void;
}

export class IceRestarter {
  private state: IceRestartState = 'idle';
  private attempts = 0;
  private accepted = 0;
  private cancelTimer: (() => void) | undefined;
  private lastProblem = '';

  /**
   * @param first true for the end that sent the dialog's first INVITE (it restarts first, and
   *   owns the Call-ID for the 491 wait)
   */
  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly random: RandomSource,
    private readonly policy: IceRestartPolicy,
    private readonly handlers: IceRestartHandlers,
    private readonly first: boolean,
  ) {
    if (!(Number.isInteger(policy.maxAttempts) && policy.maxAttempts >= 1)) {
      throw new RangeError(`ICE restart maxAttempts must be a whole number >= 1, got ${policy.maxAttempts}`);
    }
  }

  get current(): IceRestartState {
    return this.state;
  }

  /** Restarts the far end accepted in the current outage (new ICE credentials on both ends). */
  get acceptedRestarts(): number {
    return this.accepted;
  }

  /** True while a restart is scheduled, in flight, or waiting for its path to come up. */
  get active(): boolean {
    return this.state === 'waiting' || this.state === 'restarting' || this.state === 'checking';
  }

  /**
   * The path went down: `failed` (the browser gave it up) restarts at once, `disconnected` after
   * a delay in which it may come back by itself. Repeated reports change nothing.
   */
  pathDown(failed: boolean): void {
    if (this.state === 'idle') {
      const delay = (failed ? 0 : this.policy.disconnectedDelayMs) + (this.first ? 0 : this.policy.answererDelayMs);
      this.schedule(delay, failed ? 'the browser declared the media path failed' : 'the media path is disconnected');
    } else if (failed && this.state === 'waiting' && this.attempts === 0) {
      // No need to wait for a disconnected path to come back by itself: it will not.
      this.schedule(this.first ? 0 : this.policy.answererDelayMs, 'the browser declared the media path failed');
    }
  }

  /**
   * The far end sent an ICE restart offer (we answer it): our own scheduled attempt would cross it.
   * Wait for the path like after one of ours; if it does not come up, our attempts go on.
   */
  peerRestarting(): void {
    if (this.state !== 'idle' && this.state !== 'waiting' && this.state !== 'exhausted') return;
    this.clearTimer();
    this.transition('checking');
    this.lastProblem = 'the far end restarted ICE';
    this.logger.log('info', 'the far end restarts ICE; answering it');
    this.cancelTimer = this.clock.setTimeout(() => {
      this.cancelTimer = undefined;
      this.lastProblem = `no path ${this.policy.attemptTimeoutMs} ms after the far end restarted ICE`;
      this.retry(this.first ? 0 : this.policy.answererDelayMs);
    }, this.policy.attemptTimeoutMs);
  }

  /** The path is up again (by itself, or after a restart): done; the next outage starts afresh. */
  pathUp(): void {
    if (this.state === 'idle' || this.state === 'stopped') return;
    if (this.attempts > 0) this.logger.log('info', 'media path back after ICE restart', { attempts: this.attempts });
    this.clearTimer();
    this.attempts = 0;
    this.accepted = 0;
    this.transition('idle');
  }

  stop(): void {
    this.clearTimer();
    this.transition('stopped');
  }

  private schedule(delayMs: number, why: string): void {
    this.clearTimer();
    if (!this.transition('waiting')) return;
    this.lastProblem = why;
    this.cancelTimer = this.clock.setTimeout(() => {
      this.cancelTimer = undefined;
      void this.attempt();
    }, delayMs);
  }

  private async attempt(): Promise<void> {
    if (this.state !== 'waiting') return;
    if (this.attempts >= this.policy.maxAttempts) return this.exhaust(`no media path after ${this.attempts} ICE restart(s): ${this.lastProblem}`);
    this.attempts++;
    this.transition('restarting');
    this.logger.log('info', 'restarting ICE', { attempt: this.attempts, why: this.lastProblem });
    const outcome = await this.handlers.restart();
    if ((this.state as IceRestartState) !== 'restarting') return; // the path came back, or the call ended, meanwhile
    switch (outcome) {
      case 'accepted':
        this.accepted++;
        this.transition('checking');
        this.cancelTimer = this.clock.setTimeout(() => {
          this.cancelTimer = undefined;
          this.lastProblem = `no path ${this.policy.attemptTimeoutMs} ms after the restart was accepted`;
          this.retry(backoffDelay(this.attempts, this.policy.backoff, this.random));
        }, this.policy.attemptTimeoutMs);
        return;
      case 'glare':
        this.lastProblem = 'the re-INVITE crossed another one (491)';
        return this.retry(glareDelay(this.first, this.random));
      case 'unavailable':
        this.lastProblem = 'no connection to the phone system';
        return this.retry(backoffDelay(this.attempts, this.policy.backoff, this.random));
      case 'rejected':
        this.lastProblem = 'the far end rejected the restart offer';
        return this.retry(backoffDelay(this.attempts, this.policy.backoff, this.random) + (this.first ? 0 : this.policy.answererDelayMs));
      case 'refused':
        return this.exhaust('the far end refused to restart ICE');
    }
  }

  private retry(delayMs: number): void {
    if (this.attempts >= this.policy.maxAttempts) return this.exhaust(`no media path after ${this.attempts} ICE restart(s): ${this.lastProblem}`);
    if (!this.transition('waiting')) return;
    this.cancelTimer = this.clock.setTimeout(() => {
      this.cancelTimer = undefined;
      void this.attempt();
    }, delayMs);
  }

  private exhaust(detail: string): void {
    this.clearTimer();
    if (!this.transition('exhausted')) return;
    this.logger.log('warn', 'ICE restart gave up', { detail, attempts: this.attempts });
    this.handlers.exhausted(detail);
  }

  private clearTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private transition(to: IceRestartState): boolean {
    if (this.state === to) return true;
    if (!ICE_RESTART_TRANSITIONS[this.state].includes(to)) return false;
    this.state = to;
    return true;
  }
}
