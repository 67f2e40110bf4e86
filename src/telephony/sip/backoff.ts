/**
 * Reconnection schedule: capped exponential backoff with jitter.
 *
 * The delay before attempt `n` (1-based) is `min(maxMs, initialMs * factor^(n-1))`, then scaled
 * into `[base * (1 - jitter), base]` by the injected random source, so many agents that lost the
 * same server do not all come back in the same millisecond (thundering herd).
 */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
  /** Fraction of the delay that is random, 0 (none) to 1 (full jitter). */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.3 };

/** A random source in [0, 1); injected so tests get a fixed schedule. */
export type RandomSource = () => number;

export function backoffDelay(attempt: number, policy: BackoffPolicy, random: RandomSource): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`backoffDelay: attempt must be an integer >= 1, got ${attempt}`);
  const base = Math.min(policy.maxMs, policy.initialMs * Math.pow(policy.factor, attempt - 1));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(base * (1 - policy.jitter * r));
}

/** RFC 3261 §14.1: after a 491 the Call-ID's owner (it sent the dialog's first INVITE) waits 2.1-4 s, the other end 0-2 s. */
export function glareDelay(owner: boolean, random: RandomSource): number {
  return owner ? 2100 + random() * 1900 : random() * 2000;
}
