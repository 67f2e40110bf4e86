import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openConsoleDb, SalesforceError, type OpenConsoleDb } from './index.ts';

const T0 = Date.parse('2026-12-07T01:00:00Z');

function org(): { db: OpenConsoleDb; clock: { now: number }; agent: string; callCenter: string; contact: string } {
  const clock = { now: T0 };
  const db = openConsoleDb({ file: ':memory:', now: () => clock.now });
  const admin = db.create('User', { Username: 'admin@x.test', LastName: 'Admin', Alias: 'adm', Email: 'admin@x.test' });
  db.defaultUserId = admin;
  const agent = db.create('User', { Username: 'agent@x.test', FirstName: 'Ann', LastName: 'Agent', Alias: 'ann', Email: 'agent@x.test' });
  const callCenter = db.callCenters.import({
    items: [
      { section: 'reqGeneralInfo', item: 'reqInternalName', value: 'SwitchboardVoice', sortOrder: 0 },
      { section: 'reqGeneralInfo', item: 'reqDisplayName', value: 'Switchboard Voice', sortOrder: 1 },
    ],
  }).id;
  const contact = db.create('Contact', { LastName: 'Caller', Phone: '+14155550134' });
  return { db, clock, agent, callCenter, contact };
}

function refusal(fn: () => unknown): SalesforceError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SalesforceError) return e;
    throw e;
  }
  assert.fail('expected a SalesforceError');
}

test('createOrGet makes a VoiceCall (0LQ Id, VC- auto-number, new and active) and answers the same record for the same key', () => {
  const { db, callCenter } = org();
  const first = db.voiceCalls.createOrGet({
    vendorCallKey: 'abc@pbx',
    callCenter: 'SwitchboardVoice',
    from: '+14155550134',
    to: '+18005550100',
    startTime: '2026-12-07T00:59:30Z',
  });
  assert.equal(first.created, true);
  const call = first.voiceCall;
  assert.match(call.id, /^0LQ[A-Za-z0-9]{15}$/);
  assert.equal(call.name, 'VC-00000001');
  assert.equal(call.callCenterId, callCenter);
  assert.equal(call.callType, 'Inbound');
  assert.equal(call.callDisposition, 'new');
  assert.equal(call.isActiveCall, true);
  assert.equal(call.startTime, '2026-12-07T00:59:30.000+0000');
  assert.equal(call.durationSeconds, null);
  assert.equal(call.ownerId, db.defaultUserId);

  const again = db.voiceCalls.createOrGet({ vendorCallKey: 'abc@pbx', callCenter: callCenter, from: 'other', to: 'other' });
  assert.equal(again.created, false);
  assert.equal(again.voiceCall.id, call.id);
  assert.equal(again.voiceCall.fromNumber, '+14155550134', 'the repeat changes nothing');
  assert.equal(db.voiceCalls.list().length, 1);

  const second = db.voiceCalls.createOrGet({ vendorCallKey: 'def@pbx', callCenter: 'switchboardvoice', from: '1', to: '2' }).voiceCall;
  assert.equal(second.name, 'VC-00000002');
  assert.equal(second.startTime, '2026-12-07T01:00:00.000+0000', 'start defaults to now');
});

test("a transfer with its parent's key is a call of its own, linked to the parent (by Id or key)", () => {
  const { db } = org();
  const parent = db.voiceCalls.createOrGet({ vendorCallKey: 'k1', callCenter: 'SwitchboardVoice', from: '1', to: '2' }).voiceCall;
  const transfer = db.voiceCalls.createOrGet({
    vendorCallKey: 'k1',
    callCenter: 'SwitchboardVoice',
    callType: 'Transfer',
    parentVoiceCall: 'k1',
    from: '1',
    to: '3',
  });
  assert.equal(transfer.created, true);
  assert.notEqual(transfer.voiceCall.id, parent.id);
  assert.equal(transfer.voiceCall.parentVoiceCallId, parent.id);
  assert.equal(db.voiceCalls.get('k1')?.id, transfer.voiceCall.id, 'the key finds the newest call');
  assert.equal(db.voiceCalls.get(parent.id)?.id, parent.id);
  assert.equal(
    db.voiceCalls.createOrGet({ vendorCallKey: 'k1', callCenter: 'SwitchboardVoice', callType: 'Transfer', parentVoiceCall: parent.id, from: '1', to: '3' })
      .voiceCall.id,
    transfer.voiceCall.id,
  );
});

test('create refusals name the field: missing values, unknown call center, unknown parent, bad call type or time', () => {
  const { db } = org();
  const missing = refusal(() => db.voiceCalls.createOrGet({ vendorCallKey: '', callCenter: 'SwitchboardVoice', from: '1', to: '' }));
  assert.equal(missing.errorCode, 'REQUIRED_FIELD_MISSING');
  assert.deepEqual(missing.fields, ['vendorCallKey', 'to']);
  const cc = refusal(() => db.voiceCalls.createOrGet({ vendorCallKey: 'x', callCenter: 'Nope', from: '1', to: '2' }));
  assert.equal(cc.errorCode, 'INVALID_CROSS_REFERENCE_KEY');
  assert.deepEqual(cc.fields, ['CallCenterId']);
  const parent = refusal(() =>
    db.voiceCalls.createOrGet({ vendorCallKey: 'x', callCenter: 'SwitchboardVoice', callType: 'Transfer', parentVoiceCall: 'ghost', from: '1', to: '2' }),
  );
  assert.deepEqual(parent.fields, ['ParentVoiceCallId']);
  const type = refusal(() =>
    db.voiceCalls.createOrGet({ vendorCallKey: 'x', callCenter: 'SwitchboardVoice', callType: 'Sideways' as 'Inbound', from: '1', to: '2' }),
  );
  assert.equal(type.errorCode, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
  const time = refusal(() => db.voiceCalls.createOrGet({ vendorCallKey: 'x', callCenter: 'SwitchboardVoice', startTime: 'yesterday', from: '1', to: '2' }));
  assert.equal(time.errorCode, 'INVALID_TYPE_ON_FIELD_IN_RECORD');
  assert.deepEqual(time.fields, ['CallStartDateTime']);
  assert.equal(db.voiceCalls.list().length, 0, 'nothing is left half-made');
});

test('accept, relate, end: owner and agent, accept time, status, duration from start and end, hold metrics, recording', () => {
  const { db, clock, agent, contact } = org();
  db.voiceCalls.createOrGet({ vendorCallKey: 'k', callCenter: 'SwitchboardVoice', from: '+14155550134', to: '2', startTime: T0 });
  clock.now = T0 + 5_000;
  let call = db.voiceCalls.accept('k', agent);
  assert.equal(call.userId, agent);
  assert.equal(call.ownerId, agent);
  assert.equal(call.acceptTime, '2026-12-07T01:00:05.000+0000');
  assert.equal(call.callDisposition, 'in-progress');
  call = db.voiceCalls.setRelatedRecord(call.id, contact);
  assert.equal(call.relatedRecordId, contact);
  assert.equal(refusal(() => db.voiceCalls.setRelatedRecord('k', agent)).errorCode, 'INVALID_CROSS_REFERENCE_KEY', 'a User is not a related record');
  call = db.voiceCalls.update('k', {
    totalHoldDuration: 12,
    longestHoldDuration: 8,
    numberOfHolds: 2,
    agentInteractionDuration: 80,
    recording: { location: 'https://rec.example/k.wav', durationSeconds: 95 },
  });
  assert.deepEqual([call.totalHoldDuration, call.longestHoldDuration, call.numberOfHolds, call.agentInteractionDuration], [12, 8, 2, 80]);
  assert.ok(call.callRecordingId?.startsWith('0LR'));
  const recording = db.retrieve('VoiceCallRecording', call.callRecordingId!);
  assert.deepEqual([recording.VoiceCallId, recording.RecordingLocation, recording.DurationInSeconds], [call.id, 'https://rec.example/k.wav', 95]);
  assert.equal(call.durationSeconds, null, 'no duration without an end');
  call = db.voiceCalls.end('k', { at: '2026-12-07T01:01:40.400Z', disconnectReason: 'CUSTOMER_DISCONNECT' });
  assert.equal(call.isActiveCall, false);
  assert.equal(call.durationSeconds, 100);
  assert.equal(call.disconnectReason, 'CUSTOMER_DISCONNECT');
  assert.equal(call.callDisposition, 'in-progress', 'ending leaves the status to Salesforce Voice (no invented value)');
  assert.deepEqual(db.voiceCalls.list({ activeOnly: true }), []);
  assert.deepEqual(
    db.voiceCalls.list({ userId: agent }).map((c) => c.id),
    [call.id],
  );
  assert.equal(refusal(() => db.voiceCalls.update('nope', { numberOfHolds: 1 })).errorCode, 'NOT_FOUND');
});

test('attributes merge; messages are stored once per message Id in start order; routing requests are kept in order', () => {
  const { db } = org();
  const call = db.voiceCalls.createOrGet({
    vendorCallKey: 'k',
    callCenter: 'SwitchboardVoice',
    from: '1',
    to: '2',
    callAttributes: { ivrPath: 'sales' },
  }).voiceCall;
  db.voiceCalls.update(call.id, { callAttributes: { language: 'fr' } });
  assert.deepEqual(db.voiceCalls.attributes('k'), { ivrPath: 'sales', language: 'fr' });
  assert.equal(refusal(() => db.voiceCalls.update('k', { callAttributes: { n: 1 as unknown as string } })).errorCode, 'INVALID_INPUT');

  assert.deepEqual(
    db.voiceCalls.addMessage('k', { messageId: 'm2', senderType: 'HUMAN_AGENT', content: 'How can I help?', startTime: T0 + 2000, endTime: T0 + 3000 }),
    { stored: true },
  );
  assert.deepEqual(db.voiceCalls.addMessage('k', { messageId: 'm1', senderType: 'END_USER', content: 'Hello', startTime: T0, endTime: T0 + 1000 }), {
    stored: true,
  });
  assert.deepEqual(db.voiceCalls.addMessage('k', { messageId: 'm1', senderType: 'END_USER', content: 'Hello again' }), { stored: false });
  assert.deepEqual(
    db.voiceCalls.messages(call.id).map((m) => [m.messageId, m.content]),
    [
      ['m1', 'Hello'],
      ['m2', 'How can I help?'],
    ],
  );
  const bad = refusal(() => db.voiceCalls.addMessage('k', { messageId: '', senderType: 'ROBOT' as 'END_USER', content: 'x' }));
  assert.deepEqual(bad.fields, ['messageId', 'senderType']);

  db.voiceCalls.recordRouting('k', 'omniFlow', { flowDevName: 'Route_Voice' });
  db.voiceCalls.recordRouting(call.id, 'clearRouting');
  assert.deepEqual(
    db.voiceCalls.routing('k').map((r) => [r.action, r.request]),
    [
      ['omniFlow', { flowDevName: 'Route_Voice' }],
      ['clearRouting', {}],
    ],
  );
});

test('VoiceCall through the record API: describe, SOQL with relationship fields, create refused, only the user-editable fields update', () => {
  const { db, agent, contact } = org();
  const call = db.voiceCalls.createOrGet({ vendorCallKey: 'k', callCenter: 'SwitchboardVoice', from: '+14155550134', to: '2' }).voiceCall;
  db.voiceCalls.accept(call.id, agent);
  db.voiceCalls.setRelatedRecord(call.id, contact);
  const d = db.describe('VoiceCall');
  assert.equal(d.keyPrefix, '0LQ');
  assert.equal(d.createable, false);
  const field = (n: string) => d.fields.find((f) => f.name === n)!;
  assert.deepEqual(
    [field('CallStartDateTime').type, field('CallDurationInSeconds').type, field('CallType').type, field('Name').autoNumber],
    ['datetime', 'int', 'picklist', true],
  );
  assert.deepEqual(field('RelatedRecordId').referenceTo, ['Account', 'Contact', 'Lead', 'Case', 'Opportunity']);
  assert.equal(field('RelatedRecordId').polymorphicForeignKey, true);
  assert.deepEqual(
    field('CallType').picklistValues.map((p) => p.value),
    ['Inbound', 'Outbound', 'Transfer', 'Callback', 'Internal', 'Consult'],
  );

  const q = db.query(`SELECT Name, VendorCallKey, CallType, RelatedRecord.Name, CallCenter.Name, User.Name FROM VoiceCall WHERE VendorCallKey = 'k'`);
  const r = q.records[0] as unknown as Record<string, unknown> & {
    RelatedRecord: { Name: string; attributes: { type: string } };
    CallCenter: { Name: string };
    User: { Name: string };
  };
  assert.equal(r.Name, 'VC-00000001');
  assert.equal(r.RelatedRecord.Name, 'Caller');
  assert.equal(r.RelatedRecord.attributes.type, 'Contact');
  assert.equal(r.CallCenter.Name, 'Switchboard Voice');
  assert.equal(r.User.Name, 'Ann Agent');
  const sub = db.query(`SELECT Name, (SELECT Name FROM VoiceCalls) FROM Contact WHERE Id = '${contact}'`).records[0] as unknown as {
    VoiceCalls: { records: { Name: string }[] };
  };
  assert.deepEqual(
    sub.VoiceCalls.records.map((v) => v.Name),
    ['VC-00000001'],
  );

  const created = refusal(() => db.create('VoiceCall', { CallType: 'Inbound' }));
  assert.equal(created.errorCode, 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY');
  db.update('VoiceCall', call.id, { CallResolution: 'Resolved', Description: 'Asked about billing', RelatedRecordId: null });
  assert.equal(db.voiceCalls.get(call.id)?.relatedRecordId, null);
  const locked = refusal(() => db.update('VoiceCall', call.id, { CallDisposition: 'completed', CallEndDateTime: '2026-12-07T02:00:00Z' }));
  assert.equal(locked.errorCode, 'INVALID_FIELD_FOR_INSERT_UPDATE');
  assert.deepEqual(locked.fields, ['CallDisposition', 'CallEndDateTime']);
});
