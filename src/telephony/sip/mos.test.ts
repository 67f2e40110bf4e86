import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateMos, qualityOf } from './mos.ts';

test('a clean loopback call scores near the top of the scale', () => {
  const mos = estimateMos(0, 1, 1);
  assert.ok(mos > 4.3 && mos <= 4.5, `mos ${mos}`);
});

test('loss, jitter and delay each lower the score, monotonically', () => {
  const clean = estimateMos(0, 5, 40);
  assert.ok(estimateMos(5, 5, 40) < clean);
  assert.ok(estimateMos(0, 60, 40) < clean);
  assert.ok(estimateMos(0, 5, 600) < clean);
  assert.ok(estimateMos(10, 5, 40) < estimateMos(5, 5, 40));
});

test('the score stays within 1 and 4.5 for any input', () => {
  assert.equal(estimateMos(100, 500, 5000), 1);
  assert.ok(estimateMos(-3, -3, -3) <= 4.5);
});

test('qualityOf rounds the figures it reports', () => {
  const q = qualityOf(1.23456, 12.345, 80.06);
  assert.deepEqual({ ...q, mos: 0 }, { packetLossPercent: 1.23, jitterMs: 12.3, roundTripMs: 80.1, mos: 0 });
  assert.ok(q.mos > 3.5 && q.mos < 4.5);
});
