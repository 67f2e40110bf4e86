import { test } from 'node:test';
import assert from 'node:assert/strict';
import { declineStatus, endReasonOfFailure, type DeclineContext } from './sip-outcomes.ts';

const direct: DeclineContext = { ownExtension: '1001', dialed: '1001', retargeted: false, unavailable: false };

test("decline: 603 only for a call to the agent's own extension that nobody retargeted", () => {
  assert.equal(declineStatus(direct), 603);
  // Escaped and unescaped user parts are the same user (RFC 3261 §19.1.4).
  assert.equal(declineStatus({ ...direct, ownExtension: '+4930 1001', dialed: '+4930%201001' }), 603);
  // Available or not, a personal call may be refused for good.
  assert.equal(declineStatus({ ...direct, unavailable: true }), 603);
});

test('decline: a ring-group, queue or forwarded offer gets 486, or 480 when the agent is not available', () => {
  // The support line 5000 forks to the agent: To keeps 5000 (a 603 would cancel every colleague's branch).
  assert.equal(declineStatus({ ...direct, dialed: '5000' }), 486);
  // Forwarded from a colleague's extension to ours, or to ours with a Diversion/History-Info.
  assert.equal(declineStatus({ ...direct, dialed: '1003' }), 486);
  assert.equal(declineStatus({ ...direct, retargeted: true }), 486);
  assert.equal(declineStatus({ ...direct, dialed: '5000', unavailable: true }), 480);
  // Cannot tell whose call it is: never risk a 603.
  assert.equal(declineStatus({ ...direct, dialed: undefined }), 486);
  assert.equal(declineStatus({ ...direct, ownExtension: undefined }), 486);
});

test('a failure response of a call we placed says why it ended', () => {
  const table: [number, string][] = [
    [486, 'busy'],
    [600, 'busy'],
    [408, 'no-answer'],
    [480, 'no-answer'],
    [404, 'not-found'],
    [410, 'not-found'],
    [484, 'not-found'],
    [485, 'not-found'],
    [604, 'not-found'],
    [487, 'local-hangup'],
    [500, 'failed'],
    [503, 'failed'],
    [504, 'failed'],
    [603, 'rejected'],
    [403, 'rejected'],
    [488, 'rejected'],
  ];
  assert.deepEqual(
    table.map(([code]) => [code, endReasonOfFailure(code)]),
    table,
  );
});
