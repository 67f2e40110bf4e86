import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../core/index.ts';
import { DialogTracker } from './dialog-tracker.ts';
import { ReplacesPolicy } from './replaces-policy.ts';
import { readSipMessage, type SipRequest } from './sip-message.ts';

const ANN = 'sip:1001@switchboard.test';
const BOB = 'sip:1002@switchboard.test';
const CAROL = 'sip:1003@switchboard.test';

/** A call a (tag "a1", connection 1) → b (tag "b1", connection 2), answered. */
function setup() {
  let now = 1_000;
  const tracker = new DialogTracker(() => now, { changed: () => {} });
  const caller = tracker.start({ callId: 'call-1', entity: ANN, direction: 'initiator', remote: BOB, localTag: 'a1', connectionId: 1 });
  const callee = tracker.start({ callId: 'call-1', entity: BOB, direction: 'recipient', remote: ANN, localTag: 'a1', remoteTag: 'b1', connectionId: 2 });
  tracker.transition(caller.id, 'confirmed', 'b1');
  tracker.transition(callee.id, 'confirmed');
  const policy = new ReplacesPolicy({ tracker, clock: { now: () => now }, logger: silentLogger });
  return {
    tracker,
    policy,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function refer(callId: string, replaces: string): SipRequest {
  const text = [
    `REFER sip:1003@switchboard.test SIP/2.0`,
    'Via: SIP/2.0/WS a.invalid;branch=z9hG4bKrefer1',
    'Max-Forwards: 70',
    'From: <sip:1002@switchboard.test>;tag=x1',
    'To: <sip:1003@switchboard.test>;tag=y1',
    `Call-ID: ${callId}`,
    'CSeq: 2 REFER',
    `Refer-To: <sip:1001@switchboard.test?Replaces=${encodeURIComponent(replaces)}>`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const read = readSipMessage(text);
  assert.ok(read.ok && read.message.kind === 'request', 'the REFER parses');
  return read.message;
}

describe('who may send an INVITE with Replaces', () => {
  test('a party of the dialog with its own tag may; anyone else, or with the other tag, may not', () => {
    const { policy } = setup();
    assert.equal(policy.refuse('call-1;to-tag=b1;from-tag=a1', ANN), undefined, 'the caller taking its call back');
    assert.equal(policy.refuse('call-1;to-tag=a1;from-tag=b1', BOB), undefined, 'the callee taking its call back');
    assert.deepEqual(policy.refuse('call-1;to-tag=a1;from-tag=b1', ANN), { status: 403, reason: 'Forbidden (not a party of the replaced dialog)' });
    assert.deepEqual(policy.refuse('call-1;to-tag=b1;from-tag=a1', CAROL), { status: 403, reason: 'Forbidden (not a party of the replaced dialog)' });
  });

  test('an unknown or ended dialog is 481, an unreadable value 400', () => {
    const { policy, tracker } = setup();
    assert.deepEqual(policy.refuse('nope;to-tag=b1;from-tag=a1', ANN), { status: 481, reason: 'Call/Transaction Does Not Exist' });
    assert.deepEqual(policy.refuse('   ', ANN), { status: 400, reason: 'Bad Request (unreadable Replaces)' });
    tracker.terminateCall('call-1');
    assert.deepEqual(policy.refuse('call-1;to-tag=b1;from-tag=a1', ANN), { status: 481, reason: 'Call/Transaction Does Not Exist' });
  });

  test('a party REFERring with Replaces lets the other side of the REFER in, for 64 s', () => {
    const { policy, tracker, advance } = setup();
    // Bob (connection 2) consults Carol on call-2, then refers her to his call with Ann.
    tracker.start({ callId: 'call-2', entity: BOB, direction: 'initiator', remote: CAROL, localTag: 'x1', connectionId: 2 });
    tracker.start({ callId: 'call-2', entity: CAROL, direction: 'recipient', remote: BOB, localTag: 'x1', remoteTag: 'y1', connectionId: 3 });
    const value = 'call-1;to-tag=a1;from-tag=b1';
    assert.ok(policy.refuse(value, CAROL), 'not before the REFER');
    policy.referred(refer('call-2', value), 3);
    assert.ok(policy.refuse(value, CAROL), 'a REFER from someone not in the replaced dialog grants nothing');
    policy.referred(refer('call-2', value), 2);
    assert.equal(policy.refuse(value, CAROL), undefined);
    advance(64_001);
    assert.ok(policy.refuse(value, CAROL), 'the grant expires');
  });
});
