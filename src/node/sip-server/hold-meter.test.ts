import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HoldMeter } from './hold-meter.ts';

const T0 = Date.parse('2026-12-07T02:00:00.000Z');
const s = (seconds: number): number => T0 + seconds * 1000;

test('holds counted from the answer: number, total, longest, and talk time answered-to-end minus hold', () => {
  const m = new HoldMeter();
  m.held(true, s(1)); // before the answer: not the agent's hold
  m.answered(s(5));
  m.answered(s(9)); // a take-back answers again: the first answer stands
  m.held(true, s(20));
  m.held(true, s(25)); // a refresh while held: the same hold
  m.held(false, s(50));
  m.held(false, s(55)); // resumed twice: nothing more
  m.held(true, s(70.4));
  m.held(false, s(82));
  assert.deepEqual(m.end(s(100)), {
    acceptTime: '2026-12-07T02:00:05.000Z',
    numberOfHolds: 2,
    totalHoldDuration: 42,
    longestHoldDuration: 30,
    agentInteractionDuration: 53,
  });
});

test('a hold still open at the end counts until the end', () => {
  const m = new HoldMeter();
  m.answered(s(0));
  m.held(true, s(10));
  assert.equal(m.onHold, true);
  assert.deepEqual(m.end(s(25)), {
    acceptTime: '2026-12-07T02:00:00.000Z',
    numberOfHolds: 1,
    totalHoldDuration: 15,
    longestHoldDuration: 15,
    agentInteractionDuration: 10,
  });
});

test('no hold: zeros; never answered: no metrics', () => {
  const m = new HoldMeter();
  m.answered(s(3));
  assert.deepEqual(m.end(s(15)), {
    acceptTime: '2026-12-07T02:00:03.000Z',
    numberOfHolds: 0,
    totalHoldDuration: 0,
    longestHoldDuration: 0,
    agentInteractionDuration: 12,
  });
  assert.equal(new HoldMeter().end(s(15)), undefined);
});
