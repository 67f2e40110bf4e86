/**
 * A Clock for tests: time stands still until the test moves it. `advance(ms)` runs every timer that
 * falls due within the window, in due order (timers scheduled while advancing run too if they fall
 * inside the window); `runAll()` runs timers until none is left. Nothing here touches the real clock.
 */
import type { Clock } from '../ports/clock.ts';

interface Timer {
  readonly id: number;
  readonly due: number;
  readonly fn: () => void;
}

export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Map<number, Timer>();

  /** `start` is the epoch ms the clock shows first; a fixed date keeps timelines reproducible. */
  constructor(start = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): () => void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`FakeClock.setTimeout: delay must be a finite number ≥ 0, got ${ms}.`);
    const id = ++this.seq;
    this.timers.set(id, { id, due: this.time + ms, fn });
    return () => {
      this.timers.delete(id);
    };
  }

  /** Number of timers waiting to fire. */
  get pending(): number {
    return this.timers.size;
  }

  /** Due time of the next timer, if any. */
  nextDue(): number | undefined {
    return this.next()?.due;
  }

  /** Moves time forward by `ms`, firing due timers in order; time ends exactly `ms` later. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`FakeClock.advance: ms must be a finite number ≥ 0, got ${ms}.`);
    const target = this.time + ms;
    for (let timer = this.next(); timer && timer.due <= target; timer = this.next()) {
      this.timers.delete(timer.id);
      this.time = Math.max(this.time, timer.due);
      timer.fn();
    }
    this.time = target;
  }

  /** Fires timers (moving time to each one's due time) until none is left. */
  runAll(limit = 10_000): void {
    for (let n = 0; ; n++) {
      const timer = this.next();
      if (!timer) return;
      // A timer that keeps re-arming itself would loop for ever; stop and say so.
      if (n >= limit) throw new Error(`FakeClock.runAll: more than ${limit} timers fired; a timer re-arms itself.`);
      this.timers.delete(timer.id);
      this.time = Math.max(this.time, timer.due);
      timer.fn();
    }
  }

  private next(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers.values()) if (!best || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t;
    return best;
  }
}
