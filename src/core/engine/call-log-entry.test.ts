// How a call is written down, on calls driven through their states by hand (the engine tests
// check the logs the recording CRM receives).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Call } from '../call/call.ts';
import type { RecordRef } from '../call/call-types.ts';
import { consultationOutcome, consultationRecord, toLogEntry } from './call-log-entry.ts';

const ALICE: RecordRef = { id: '003000000000001AAA', objectType: 'Contact', name: 'Alice Caller' };

function answered(id: string, at: number, answeredAt: number): Call {
  const call = new Call({ id, direction: 'inbound', origin: 'offered', remote: { number: '+14155550134' }, at });
  call.transition('active', answeredAt, 'answered');
  return call;
}

describe('toLogEntry', () => {
  it('logs talk and hold time, the end, the notes and disposition, and the records the call is related to', () => {
    const call = answered('c1', 1_000, 3_000);
    call.transition('held', 13_000, 'hold');
    call.transition('active', 18_000, 'resumed');
    call.relate(ALICE);
    call.update({ notes: 'wants a refund' });
    call.setDisposition('resolved');
    call.end('remote-hangup', 63_000);
    const entry = toLogEntry(call.snapshot(), 99_000);
    assert.equal(entry.callId, 'c1');
    assert.equal(entry.startedAt, 1_000);
    assert.equal(entry.answeredAt, 3_000);
    assert.equal(entry.endedAt, 63_000);
    assert.equal(entry.durationSeconds, 60);
    assert.equal(entry.holdSeconds, 5);
    assert.equal(entry.endReason, 'remote-hangup');
    assert.equal(entry.notes, 'wants a refund');
    assert.equal(entry.disposition, 'resolved');
    assert.deepEqual(entry.who, ALICE);
    assert.equal(entry.what, undefined);
  });

  it('takes `now` as the end of a call that has not ended, and leaves out what the call does not have', () => {
    const call = new Call({ id: 'c2', direction: 'outbound', origin: 'dialed', remote: { number: '1002' }, at: 5_000 });
    const entry = toLogEntry(call.snapshot(), 7_000);
    assert.equal(entry.endedAt, 7_000);
    assert.equal(entry.durationSeconds, 0);
    assert.equal(entry.endReason, 'local-hangup');
    for (const key of ['answeredAt', 'disposition', 'who', 'what', 'transfer', 'consultations']) assert.ok(!(key in entry), `${key} is in the entry`);
  });
});

describe('consultation records', () => {
  it('counts talk time until the end (or now while it is up), and names why an unanswered one ended', () => {
    const up = answered('k1', 10_000, 12_000);
    assert.deepEqual(consultationRecord(up.snapshot(), 'open', 42_000), {
      callId: 'k1',
      target: { number: '+14155550134' },
      startedAt: 10_000,
      answeredAt: 12_000,
      talkSeconds: 30,
      outcome: 'open',
    });
    const missed = new Call({ id: 'k2', direction: 'internal', origin: 'dialed', remote: { number: '1002' }, at: 10_000 });
    missed.end('busy', 11_000);
    assert.deepEqual(consultationRecord(missed.snapshot(), 'not-answered', 50_000), {
      callId: 'k2',
      target: { number: '1002' },
      startedAt: 10_000,
      talkSeconds: 0,
      outcome: 'not-answered',
      endReason: 'busy',
    });
  });

  it('says what became of a consultation by how the call it was about was handed on', () => {
    const talked = answered('k3', 0, 1_000).snapshot();
    assert.equal(consultationOutcome(talked, 'transferred', 'consultative'), 'transferred');
    assert.equal(consultationOutcome(talked, 'transferred', 'conference'), 'conferenced');
    assert.equal(consultationOutcome(talked, 'remote-hangup', undefined), 'ended');
    const unanswered = new Call({ id: 'k4', direction: 'internal', origin: 'dialed', remote: { number: '1002' }, at: 0 }).snapshot();
    assert.equal(consultationOutcome(unanswered, 'busy', undefined), 'not-answered');
    assert.equal(consultationOutcome(unanswered, 'transferred', 'consultative'), 'transferred');
  });
});
