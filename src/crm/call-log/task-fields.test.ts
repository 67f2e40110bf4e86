// Tests run in Node; the crm layer rule has no *.test.ts exception for node:* (told the lead).
 
import { test } from 'node:test';
 
import assert from 'node:assert/strict';
import type { CallLogEntry } from '../../core/index.ts';
import { testSettings } from '../testing/test-fixtures.ts';
import { activityDate, renderSubject, taskFields, withoutOptionalFields } from './task-fields.ts';

const entry: CallLogEntry = {
  callId: 'a84b4c76e66710@pbx', direction: 'inbound', remote: { number: '+1 415-555-0134', displayName: 'Ada Lovelace' },
  startedAt: new Date(2026, 2, 3, 23, 58).getTime(), answeredAt: new Date(2026, 2, 3, 23, 58, 10).getTime(), endedAt: new Date(2026, 2, 4, 0, 1).getTime(),
  durationSeconds: 170.4, holdSeconds: 12, endReason: 'remote-hangup', disposition: 'FollowUp', notes: 'Call back tomorrow',
  who: { id: '003000000000000001', objectType: 'Contact', name: 'Ada Lovelace' }, what: { id: '500000000000000001', objectType: 'Case', name: '00001042' }, attachedData: { caseNumber: '00001042' },
};

test('a call maps to a Task with the call fields', () => {
  const fields = taskFields(entry, testSettings());
  assert.deepEqual(fields, {
    Subject: 'Inbound call +1 415-555-0134',
    Status: 'Completed', Priority: 'Normal', Type: 'Call', TaskSubtype: 'Call', CallType: 'Inbound',
    CallDurationInSeconds: 170, CallObject: 'a84b4c76e66710@pbx', ActivityDate: '2026-03-04', Description: 'Call back tomorrow',
    CallDisposition: 'FollowUp', WhoId: '003000000000000001', WhatId: '500000000000000001',
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
