/**
 * A Clock that tests drive: time moves only in `advance`/`runUntilIdle`, timers fire in time order,
 * and pending promise work is flushed between timers so async code observes each step.
 */
import type { Clock } from '../../core/index.ts';

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/** Lets every queued promise continuation run (one macrotask turn drains the microtask queue). */
export function flushAsync(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  return new Promise<void>((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}

export class FakeClock implements Clock {
  private time: number;
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(start = Date.UTC(2026, 0, 15, 9, 0, 0)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): () => void {
    const timer = { id: this.nextId++, at: this.time + Math.max(0, ms), fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** When the next timer is due, if any. */
  nextTimerAt(): number | undefined {
    return this.timers.reduce<number | undefined>((min, t) => (min === undefined || t.at < min ? t.at : min), undefined);
  }

  /** Moves time forward by `ms`, firing due timers in order and flushing async work after each. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await flushAsync();
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.fn();
      await flushAsync();
    }
    this.time = target;
    await flushAsync();
  }

  /** Fires timers one after another until none is left or `limitMs` of fake time has passed. */
  async runUntilIdle(limitMs = 24 * 3600_000): Promise<void> {
    const end = this.time + limitMs;
    await flushAsync();
    for (;;) {
      const at = this.nextTimerAt();
      if (at === undefined || at > end) break;
      await this.advance(Math.max(0, at - this.time));
    }
  }
}
