/**
 * Time, injected. The core MUST NOT read the wall clock or schedule timers any other way, so tests
 * can drive it with a fake clock and get the same result every run.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Schedules `fn` after `ms` milliseconds; the returned function cancels it (idempotent). */
  setTimeout(fn: () => void, ms: number): () => void;
}
