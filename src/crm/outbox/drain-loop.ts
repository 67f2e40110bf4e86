/**
 * When the outbox drains: one pass at a time (a pass asked for meanwhile runs right after), under
 * the Web Lock when the browser has Web Locks, and again at the earliest time a pass asked for on
 * the Clock. What a pass does is the outbox's; this only runs it.
 */
import type { Clock, Logger } from '../../core/index.ts';
import type { LockManagerLike } from '../shared/environment.ts';

export interface DrainLoopOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Web Locks (navigator.locks) when the browser has them. */
  readonly locks?: LockManagerLike;
  /** The Web Lock every drainer takes. */
  readonly lockName: string;
  /** When the Web Lock is held by another tab, look again after this long. */
  readonly lockRetryMs: number;
  /** When a pass itself failed, look again after this long. */
  readonly failureRetryMs: number;
  /** One pass over the journal; `underLock` when this instance holds the Web Lock. */
  readonly pass: (underLock: boolean) => Promise<void>;
}

export class DrainLoop {
  private running?: Promise<void>;
  private again = false;
  private timer?: { at: number; cancel: () => void };
  private stopped = false;

  constructor(private readonly options: DrainLoopOptions) {}

  /**
   * Runs a drain pass (or joins the one running, and runs once more after it if asked meanwhile).
   * Resolves when the pass is over; retries due later are scheduled on the Clock.
   */
  run(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          try {
            await this.lockedPass();
          } catch (error) {
            // Storage itself failed (quota, a closing database): keep the entries, look again later.
            this.options.logger.log('error', 'call-log outbox pass failed; will retry', { error: error instanceof Error ? error.message : String(error) });
            this.schedule(this.options.clock.now() + this.options.failureRetryMs);
          }
        } while (this.again && !this.stopped);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Runs a pass at `at` (epoch ms) unless one is scheduled earlier already. */
  schedule(at: number): void {
    if (this.stopped) return;
    if (this.timer && this.timer.at <= at) return;
    this.timer?.cancel();
    const delay = Math.max(0, at - this.options.clock.now());
    const cancel = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, delay);
    this.timer = { at, cancel };
  }

  /** No pass runs from now on; the scheduled one is cancelled. */
  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private async lockedPass(): Promise<void> {
    const { locks, pass } = this.options;
    if (!locks) return pass(false);
    const got = await locks.request(this.options.lockName, { ifAvailable: true }, async (lock) => {
      if (!lock) return false;
      await pass(true);
      return true;
    });
    // Another tab drains now; look again later in case it goes away (its leases then expire).
    if (!got) this.schedule(this.options.clock.now() + this.options.lockRetryMs);
  }
}
