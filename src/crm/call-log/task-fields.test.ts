import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallLogEntry } from '../../core/index.ts';
import { testSettings } from '../testing/test-fixtures.ts';
import { activityDate, callEventLines, renderSubject, taskFields, withoutOptionalFields } from './task-fields.ts';

const entry: CallLogEntry = {
  callId: 'a84b4c76e66710@pbx',
  direction: 'inbound',
  remote: { number: '+1 415-555-0134', displayName: 'Ada Lovelace' },
  startedAt: new Date(2026, 2, 3, 23, 58).getTime(),
  answeredAt: new Date(2026, 2, 3, 23, 58, 10).getTime(),
  endedAt: new Date(2026, 2, 4, 0, 1).getTime(),
  durationSeconds: 170.4,
  holdSeconds: 12,
  endReason: 'remote-hangup',
  disposition: 'FollowUp',
  notes: 'Call back tomorrow',
  who: { id: '003000000000000001', objectType: 'Contact', name: 'Ada Lovelace' },
  what: { id: '500000000000000001', objectType: 'Case', name: '00001042' },
  attachedData: { caseNumber: '00001042' },
};

test('a call maps to a Task with the call fields', () => {
  const fields = taskFields(entry, testSettings());
  assert.deepEqual(fields, {
    Subject: 'Inbound call +1 415-555-0134',
    Status: 'Completed',
    Priority: 'Normal',
    Type: 'Call',
    TaskSubtype: 'Call',
    CallType: 'Inbound',
    CallDurationInSeconds: 170,
    CallObject: 'a84b4c76e66710@pbx',
    ActivityDate: '2026-03-04',
    Description: 'Call back tomorrow',
    CallDisposition: 'FollowUp',
    WhoId: '003000000000000001',
    WhatId: '500000000000000001',
  });
});

test('subject template: {direction} {number} {name} {disposition}; empty placeholders leave no gaps', () => {
  const settings = testSettings({ '/switchboard/logSubject': '{direction} call with {name} ({number}): {disposition}' });
  assert.equal(renderSubject(settings.log.subject, entry, settings), 'Inbound call with Ada Lovelace (+1 415-555-0134): Follow-up needed');
  const bare = { ...entry, direction: 'outbound' as const, remote: { number: '1002' }, who: undefined, what: undefined, disposition: undefined };
  assert.equal(renderSubject('{direction} {name} {number} {disposition}', bare, settings), 'Outbound 1002');
  assert.equal(renderSubject('x'.repeat(400), entry, settings).length, 255);
});

test('who/what: a Lead is WhoId, an Account is WhatId, whichever slot they came in', () => {
  const fields = taskFields({ ...entry, who: undefined, what: { id: '00Q000000000000001', objectType: 'Lead' } }, testSettings());
  assert.equal(fields.WhoId, '00Q000000000000001');
  assert.equal(fields.WhatId, undefined);
  assert.equal(taskFields({ ...entry, disposition: undefined }, testSettings()).CallDisposition, undefined);
});

test('ActivityDate is the local calendar day; the optional call fields can be stripped', () => {
  assert.equal(activityDate(new Date(2026, 11, 31, 23, 59).getTime()), '2026-12-31');
  const stripped = withoutOptionalFields(taskFields(entry, testSettings()));
  assert.equal(stripped.TaskSubtype, undefined);
  assert.equal(stripped.CallType, undefined);
  assert.equal(stripped.CallDisposition, undefined);
  assert.equal(stripped.CallObject, entry.callId);
});

// Calls that never connected: before, each was logged as "Inbound call …", 0 s, no Call Result,
// which reports cannot tell apart from a short conversation.
const unanswered = (patch: Partial<CallLogEntry>): CallLogEntry => {
  const { answeredAt: _answered, disposition: _disposition, ...rest } = entry;
  return { ...rest, durationSeconds: 0, holdSeconds: 0, notes: '', ...patch };
};

test('missed and declined calls name what happened in the Subject and the Call Result', () => {
  const missed = taskFields(unanswered({ origin: 'offered', endReason: 'missed' }), testSettings());
  assert.deepEqual(
    [missed.Subject, missed.CallDisposition, missed.CallType, missed.CallDurationInSeconds],
    ['Missed call from +1 415-555-0134', 'Missed', 'Inbound', 0],
  );
  const declined = taskFields(unanswered({ origin: 'offered', endReason: 'declined' }), testSettings());
  assert.deepEqual([declined.Subject, declined.CallDisposition], ['Declined call from +1 415-555-0134', 'Declined']);
  // An offer lost to the network is no conversation either.
  const lost = taskFields(unanswered({ origin: 'offered', endReason: 'failed' }), testSettings());
  assert.deepEqual([lost.Subject, lost.CallDisposition], ['Failed call from +1 415-555-0134 (network error)', 'Failed']);
  // The relations and the rest of the Task are kept: the missed call shows on Ada's record.
  assert.equal(missed.WhoId, '003000000000000001');
  assert.equal(missed.Status, 'Completed');
});

test('failed outbound calls say why: busy, no answer, no such number, declined, network error; cancelled ones say so', () => {
  const out = (endReason: CallLogEntry['endReason']) =>
    taskFields(unanswered({ direction: 'outbound', origin: 'dialed', endReason, remote: { number: '+44 20 7946 0958' } }), testSettings());
  const table = (['busy', 'no-answer', 'not-found', 'rejected', 'failed', 'local-hangup'] as const).map((r) => [r, out(r).Subject, out(r).CallDisposition]);
  assert.deepEqual(table, [
    ['busy', 'Failed call to +44 20 7946 0958 (busy)', 'Busy'],
    ['no-answer', 'Failed call to +44 20 7946 0958 (no answer)', 'No Answer'],
    ['not-found', 'Failed call to +44 20 7946 0958 (no such number)', 'No Such Number'],
    ['rejected', 'Failed call to +44 20 7946 0958 (declined)', 'Rejected'],
    ['failed', 'Failed call to +44 20 7946 0958 (network error)', 'Failed'],
    ['local-hangup', 'Cancelled call to +44 20 7946 0958', 'Cancelled'],
  ]);
  assert.equal(out('busy').CallType, 'Outbound');
});

test('who placed a call: origin when known; logs from before it by reason and direction', () => {
  // An internal call the agent dialled that was busy, and one a colleague placed that the agent missed.
  const dialled = taskFields(unanswered({ direction: 'internal', origin: 'dialed', endReason: 'failed', remote: { number: '1002' } }), testSettings());
  assert.equal(dialled.Subject, 'Failed call to 1002 (network error)');
  const offered = taskFields(unanswered({ direction: 'internal', origin: 'offered', endReason: 'failed', remote: { number: '1002' } }), testSettings());
  assert.equal(offered.Subject, 'Failed call from 1002 (network error)');
  // A journal entry written before `origin` existed.
  assert.equal(
    taskFields(unanswered({ direction: 'internal', endReason: 'missed', remote: { number: '1002' } }), testSettings()).Subject,
    'Missed call from 1002',
  );
  assert.equal(
    taskFields(unanswered({ direction: 'outbound', endReason: 'busy', remote: { number: '1002' } }), testSettings()).Subject,
    'Failed call to 1002 (busy)',
  );
});

test("answered calls and unanswered transfers keep the subject template and the agent's disposition", () => {
  assert.equal(taskFields({ ...entry, origin: 'offered' }, testSettings()).Subject, 'Inbound call +1 415-555-0134');
  assert.equal(taskFields({ ...entry, origin: 'offered', disposition: undefined }, testSettings()).CallDisposition, undefined);
  // A consultation completed while it still rang left by transfer: not a failure.
  const handedOver = taskFields(unanswered({ direction: 'internal', origin: 'dialed', endReason: 'transferred', remote: { number: '1002' } }), testSettings());
  assert.deepEqual([handedOver.Subject, handedOver.CallDisposition], ['Internal call 1002', undefined]);
  // The Call Result goes with the optional fields when an org refuses them; the Subject still tells.
  const stripped = withoutOptionalFields(taskFields(unanswered({ origin: 'offered', endReason: 'missed' }), testSettings()));
  assert.deepEqual([stripped.Subject, stripped.CallDisposition], ['Missed call from +1 415-555-0134', undefined]);
});

test('a transferred call: the Description keeps the notes, then says where it went and who was consulted', () => {
  const transferred: CallLogEntry = {
    ...entry,
    endReason: 'transferred',
    transfer: { kind: 'consultative', target: { number: '1002', displayName: 'Bob Colleague' }, at: entry.endedAt },
    consultations: [
      { callId: 'k1', target: { number: '1003' }, startedAt: entry.startedAt, talkSeconds: 0, outcome: 'not-answered', endReason: 'busy' },
      {
        callId: 'k2',
        target: { number: '1002', displayName: 'Bob Colleague' },
        startedAt: entry.startedAt,
        answeredAt: entry.startedAt,
        talkSeconds: 75,
        outcome: 'transferred',
      },
    ],
  };
  assert.equal(
    taskFields(transferred, testSettings()).Description,
    [
      'Call back tomorrow',
      '',
      'Consulted 1003: not answered (busy).',
      'Consulted Bob Colleague (1002), talked 1:15: the call was transferred to them.',
      'Transferred to Bob Colleague (1002) after consulting them (consultative transfer).',
    ].join('\n'),
  );
  assert.deepEqual(callEventLines({ ...entry, transfer: { kind: 'blind', target: { number: '1002' }, at: 0 } }), ['Transferred to 1002 (blind transfer).']);
  assert.deepEqual(callEventLines({ ...entry, transfer: { kind: 'conference', target: { number: '1002' }, at: 0 } }), [
    'Left the conference; the caller stayed on with 1002.',
  ]);
  assert.equal(taskFields({ ...transferred, notes: '' }, testSettings()).Description, callEventLines(transferred).join('\n'));
  assert.deepEqual(callEventLines(entry), [], 'a plain call adds nothing');
});
