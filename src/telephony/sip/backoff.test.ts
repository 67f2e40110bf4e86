import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';

test('backoff doubles from the initial delay and stops at the cap', () => {
  const policy = { initialMs: 500, maxMs: 8000, factor: 2, jitter: 0 };
  const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, policy, () => 0.5));
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 8000, 8000]);
});

test('jitter shortens the delay by at most the jitter fraction, driven by the random source', () => {
  const policy = { ...DEFAULT_BACKOFF, jitter: 0.3 };
  assert.equal(
    backoffDelay(1, policy, () => 0),
    500,
  );
  assert.equal(
    backoffDelay(1, policy, () => 0.999999),
    350,
  );
  assert.equal(
    backoffDelay(3, policy, () => 0.5),
    1700,
  );
  // Out-of-range random values are clamped, never produce a negative or longer delay.
  assert.equal(
    backoffDelay(1, policy, () => 7),
    350,
  );
  assert.equal(
    backoffDelay(1, policy, () => -1),
    500,
  );
});

test('a bad attempt number is refused', () => {
  assert.throws(() => backoffDelay(0, DEFAULT_BACKOFF, Math.random), /attempt must be an integer >= 1, got 0/);
});
