import { test } from 'node:test';
import assert from 'node:assert/strict';
import { elapsedSeconds, formatDuration, secondsUntil } from './duration.ts';

test('formatDuration reads like a call timer', () => {
  assert.equal(formatDuration(0), '0:00');
  assert.equal(formatDuration(7), '0:07');
  assert.equal(formatDuration(59.9), '0:59');
  assert.equal(formatDuration(60), '1:00');
  assert.equal(formatDuration(754), '12:34');
  assert.equal(formatDuration(3600), '1:00:00');
  assert.equal(formatDuration(3723), '1:02:03');
  assert.equal(formatDuration(-5), '0:00');
  assert.equal(formatDuration(Number.NaN), '0:00');
});

test('elapsedSeconds floors and never goes negative', () => {
  assert.equal(elapsedSeconds(1_000, 3_999), 2);
  assert.equal(elapsedSeconds(5_000, 1_000), 0);
});

test('secondsUntil rounds up so a countdown reaches 0 only at the deadline', () => {
  assert.equal(secondsUntil(10_000, 9_001), 1);
  assert.equal(secondsUntil(10_000, 10_000), 0);
  assert.equal(secondsUntil(10_000, 12_000), 0);
  assert.equal(secondsUntil(70_000, 10_000), 60);
});
