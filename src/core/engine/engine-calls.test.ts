// Several calls at once and the in-call commands, on the behaving fakes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setup, rejectsWith } from '../../../test/support/engine-harness.ts';

// ── several calls ────────────────────────────────────────────────────────────────────────────

describe('several calls at once', () => {
  it('call waiting: a second call is offered while on a call; answering it holds the first; a third is refused', async () => {
    const h = await setup();
    const first = await h.talk({ from: '+14155550101' });
    const second = await h.ring({ from: '+14155550102' });
    assert.equal(second.status, 'ringing');
    assert.equal(h.call(second.callId).state, 'offering');
    assert.equal(h.engine.state.activeCallId, first.callId);
    await h.run({ type: 'answer', callId: second.callId });
    assert.equal(h.call(first.callId).state, 'held');
    assert.equal(first.held, true);
    assert.equal(h.call(second.callId).state, 'active');
    assert.equal(h.engine.state.activeCallId, second.callId);
    const third = await h.ring({ from: '+14155550103' });
    assert.equal(third.status, 'refused');
    assert.equal(h.engine.state.calls.length, 2);
    await rejectsWith(h, { type: 'dial', number: '1002' }, 'SB40003');
  });

  it('without call waiting a second call is refused', async () => {
    const h = await setup({ items: { callWaiting: 'false' } });
    await h.talk();
    const second = await h.ring({ from: '+14155550102' });
    assert.equal(second.status, 'refused');
  });

  it('callers arriving in the same instant count against the limit before they are announced', async () => {
    const h = await setup();
    const burst = [1, 2, 3].map((n) => h.phone.callAgent({ from: `+1415555010${n}` }));
    assert.deepEqual(
      burst.map((f) => f.status),
      ['ringing', 'ringing', 'refused'],
    );
    await h.settle();
    assert.equal(h.engine.state.calls.length, 2);
    const single = await setup({ items: { callWaiting: 'false' } });
    const pair = [1, 2].map((n) => single.phone.callAgent({ from: `+1415555020${n}` }));
    assert.deepEqual(
      pair.map((f) => f.status),
      ['ringing', 'refused'],
    );
  });

  it('a call accepted but never announced does not block the line for ever', async () => {
    const h = await setup({ items: { callWaiting: 'false' } });
    // An adapter that asked the delegate, then lost the call before announcing it (a CANCEL raced it).
    const ghost = { callId: 'ghost', remote: { number: '+1' }, attachedData: {}, internal: false };
    assert.equal(h.telephony.consultDelegate(ghost), true);
    assert.equal(h.phone.callAgent({ from: '+14155550301' }).status, 'refused');
    h.clock.advance(60_000);
    assert.equal(h.phone.callAgent({ from: '+14155550302' }).status, 'ringing');
  });

  it('swap: one active, the other held', async () => {
    const h = await setup();
    const first = await h.talk({ from: '+14155550101' });
    const second = await h.talk({ from: '+14155550102' });
    await h.run({ type: 'swap', callId: first.callId });
    assert.deepEqual([h.call(first.callId).state, h.call(second.callId).state], ['active', 'held']);
    assert.equal(h.engine.state.activeCallId, first.callId);
    await h.run({ type: 'swap', callId: second.callId });
    assert.deepEqual([h.call(first.callId).state, h.call(second.callId).state], ['held', 'active']);
    // Resuming the held one also holds the active one.
    await h.run({ type: 'resume', callId: first.callId });
    assert.deepEqual([h.call(first.callId).state, h.call(second.callId).state], ['active', 'held']);
    assert.deepEqual([first.held, second.held], [false, true]);
  });

  it('dialing while on a call holds that call first', async () => {
    const h = await setup();
    const first = await h.talk();
    const out = await h.dial('+442079460958');
    assert.equal(h.call(first.callId).state, 'held');
    assert.equal(h.call(out.callId).state, 'active');
  });

  it('consultation and transfer: caller held, consult a colleague, complete; both end transferred, each logged once', async () => {
    const h = await setup();
    const caller = await h.talk();
    const consultation = await h.consult(caller.callId, '1002');
    const c = h.call(consultation.callId);
    assert.deepEqual([c.direction, c.consultationFor, c.remote.displayName, c.state], ['internal', caller.callId, 'Bob Colleague', 'active']);
    assert.equal(h.call(caller.callId).state, 'held');
    h.clock.advance(20_000);
    await h.run({ type: 'complete-transfer', callId: caller.callId, consultationId: consultation.callId });
    assert.deepEqual([caller.endReason, consultation.endReason], ['transferred', 'transferred']);
    // One conversation, one wrap-up, one Task: the consultation is folded into the caller's.
    assert.deepEqual(
      h.engine.state.calls.map((c) => [c.id, c.state]),
      [[caller.callId, 'wrap-up']],
    );
    await h.wrapUp(caller.callId, { disposition: 'Resolved' });
    assert.deepEqual(
      h.crm.logs.map((l) => [l.callId, l.endReason]),
      [[caller.callId, 'transferred']],
    );
    const log = h.crm.logs[0]!;
    assert.deepEqual(log.transfer && [log.transfer.kind, log.transfer.target.number, log.transfer.target.displayName], [
      'consultative',
      '1002',
      'Bob Colleague',
    ]);
    assert.deepEqual(
      log.consultations?.map((c) => [c.callId, c.target.number, c.talkSeconds, c.outcome]),
      [[consultation.callId, '1002', 20, 'transferred']],
    );
    assert.equal(h.presence, 'available');
  });

  it('logConsultations separate: the consultation has its own Task too, but never a wrap-up', async () => {
    const h = await setup({ items: { logConsultations: 'separate' } });
    const caller = await h.talk();
    const consultation = await h.consult(caller.callId, '1002');
    await h.run({ type: 'complete-transfer', callId: caller.callId, consultationId: consultation.callId });
    assert.deepEqual(
      h.crm.logs.map((l) => [l.callId, l.direction]),
      [[consultation.callId, 'internal']],
    );
    await h.wrapUp(caller.callId);
    assert.deepEqual(
      h.crm.logs.map((l) => l.callId),
      [consultation.callId, caller.callId],
    );
  });

  it('leaving a two-party conference hands the caller to the colleague: one wrap-up, one Task saying so', async () => {
    const h = await setup();
    const caller = await h.talk();
    const consultation = await h.consult(caller.callId, '1002');
    await h.run({ type: 'conference', callIds: [caller.callId, consultation.callId] });
    await rejectsWith(h, { type: 'leave-conference', callId: 'nope' }, 'SB20006');
    await h.run({ type: 'leave-conference', callId: consultation.callId });
    // The caller's call is the one handed on, whichever card the agent pressed.
    assert.deepEqual([caller.endReason, consultation.endReason, caller.transferredTo], ['transferred', 'transferred', '1002']);
    assert.deepEqual(
      h.engine.state.calls.map((c) => [c.id, c.state]),
      [[caller.callId, 'wrap-up']],
    );
    await h.wrapUp(caller.callId, { notes: 'Bob takes it from here' });
    assert.equal(h.crm.logs.length, 1);
    const log = h.crm.logs[0]!;
    assert.deepEqual([log.callId, log.transfer?.kind, log.transfer?.target.number], [caller.callId, 'conference', '1002']);
    assert.deepEqual(
      log.consultations?.map((c) => c.outcome),
      ['conferenced'],
    );
  });

  it('leaving a conference needs exactly one other party in it', async () => {
    const h = await setup();
    const caller = await h.talk();
    await rejectsWith(h, { type: 'leave-conference', callId: caller.callId }, 'SB40001');
    assert.equal(h.call(caller.callId).state, 'active');
  });

  it('a consultation that ends leaves the caller held, and the agent resumes it', async () => {
    const h = await setup();
    const caller = await h.talk();
    const consultation = await h.consult(caller.callId, '1002');
    h.clock.advance(15_000);
    await h.farHangsUp(consultation);
    assert.equal(h.call(caller.callId).state, 'held');
    assert.deepEqual(
      h.engine.state.calls.map((c) => c.id),
      [caller.callId],
      'the consultation has no wrap-up of its own',
    );
    await h.run({ type: 'resume', callId: caller.callId });
    assert.equal(h.call(caller.callId).state, 'active');
    assert.equal(h.presence, 'on-call');
    await h.farHangsUp(caller);
    await h.wrapUp(caller.callId);
    assert.deepEqual(
      h.crm.logs.map((l) => l.callId),
      [caller.callId],
    );
    assert.deepEqual(
      h.crm.logs[0]!.consultations?.map((c) => [c.talkSeconds, c.outcome]),
      [[15, 'ended']],
    );
    assert.equal(h.crm.logs[0]!.transfer, undefined);
  });

  it('a completed transfer the phone system refuses leaves the caller held (SB20005)', async () => {
    const h = await setup();
    const caller = await h.talk();
    const consultation = await h.consult(caller.callId, '1002');
    h.phone.failNext('completeTransfer');
    await rejectsWith(h, { type: 'complete-transfer', callId: caller.callId, consultationId: consultation.callId }, 'SB20005');
    assert.equal(h.call(caller.callId).state, 'held');
    assert.equal(h.call(consultation.callId).state, 'active');
  });

  it('conference: the held call joins, both are active and mixed', async () => {
    const h = await setup();
    const caller = await h.talk();
    const consultation = await h.consult(caller.callId, '1002');
    await h.run({ type: 'conference', callIds: [caller.callId, consultation.callId] });
    assert.deepEqual([h.call(caller.callId).state, h.call(consultation.callId).state], ['active', 'active']);
    assert.deepEqual(h.call(caller.callId).conferencedWith, [consultation.callId]);
    assert.deepEqual(caller.conferencedWith, [consultation.callId]);
    assert.equal(caller.held, false);
    await rejectsWith(h, { type: 'conference', callIds: [caller.callId] }, 'SB40001');
  });
  it('when a conference partner leaves, the remaining call is an ordinary call again (held when another is answered)', async () => {
    const h = await setup();
    const caller = await h.talk();
    const consultation = await h.consult(caller.callId, '1002');
    await h.run({ type: 'conference', callIds: [caller.callId, consultation.callId] });
    await h.farHangsUp(consultation);
    assert.deepEqual(h.call(caller.callId).conferencedWith, []);
    const next = await h.talk({ from: '+14155550199' });
    assert.equal(h.call(caller.callId).state, 'held');
    assert.equal(h.call(next.callId).state, 'active');
  });

  it('an outbound call that connects after the agent went back to another call puts that one on hold', async () => {
    const h = await setup();
    h.phone.setFarEnd('+442079460958', 'manual');
    const first = await h.talk();
    const out = await h.dial('+442079460958');
    assert.equal(h.call(first.callId).state, 'held');
    await h.run({ type: 'resume', callId: first.callId });
    assert.deepEqual([h.call(first.callId).state, h.call(out.callId).state], ['active', 'ringing-out']);
    out.answer();
    await h.settle();
    assert.deepEqual([h.call(first.callId).state, h.call(out.callId).state], ['held', 'active']);
    assert.equal(first.held, true);
  });

  it('no consultation while a second call is up (it would be a third line)', async () => {
    const h = await setup();
    const caller = await h.talk({ from: '+14155550101' });
    await h.ring({ from: '+14155550102' });
    await rejectsWith(h, { type: 'consult', callId: caller.callId, target: '1002' }, 'SB40003');
    assert.equal(h.phone.outboundCalls.length, 0);
    assert.equal(h.call(caller.callId).state, 'active');
  });

  it("a consultation the colleague refuses is folded into the caller's log as busy; the caller stays held", async () => {
    const h = await setup();
    h.phone.setFarEnd('1002', 'busy');
    const caller = await h.talk();
    const consultation = await h.consult(caller.callId, '1002');
    assert.deepEqual(h.logsFor(consultation.callId), []);
    assert.equal(h.call(caller.callId).state, 'held');
    assert.equal(h.presence, 'on-call');
    assert.deepEqual(
      h.call(caller.callId).consultations?.map((c) => [c.outcome, c.endReason]),
      [['not-answered', 'busy']],
    );
  });

  it('two calls ending into wrap-up: presence stays wrap-up until both are completed, each logged once', async () => {
    const h = await setup();
    const first = await h.talk({ from: '+14155550101' });
    const second = await h.ring({ from: '+14155550102' });
    await h.farHangsUp(first);
    assert.equal(h.call(first.callId).state, 'wrap-up');
    assert.equal(h.presence, 'on-call', 'a call is still ringing');
    await h.run({ type: 'answer', callId: second.callId });
    await h.farHangsUp(second);
    assert.equal(h.presence, 'wrap-up');
    await h.wrapUp(first.callId);
    assert.equal(h.presence, 'wrap-up');
    await h.wrapUp(second.callId);
    assert.equal(h.presence, 'available');
    assert.deepEqual(
      h.crm.logs.map((l) => l.callId),
      [first.callId, second.callId],
    );
  });
});

// ── in-call commands ──────────────────────────────────────────────────────────────────────────

describe('in-call commands', () => {
  it('mute and DTMF reach the phone system; bad digits are refused', async () => {
    const h = await setup();
    const far = await h.talk();
    await h.run({ type: 'mute', callId: far.callId, muted: true });
    assert.equal(far.muted, true);
    assert.equal(h.call(far.callId).muted, true);
    await h.run({ type: 'dtmf', callId: far.callId, digits: '12#' });
    await h.run({ type: 'dtmf', callId: far.callId, digits: '*9' });
    assert.equal(far.dtmf, '12#*9');
    await rejectsWith(h, { type: 'dtmf', callId: far.callId, digits: '12x' }, 'SB40001');
  });

  it('commands on calls in the wrong state are refused with SB40001; unknown calls with SB20006', async () => {
    const h = await setup();
    const far = await h.ring();
    await rejectsWith(h, { type: 'hold', callId: far.callId }, 'SB40001');
    await rejectsWith(h, { type: 'resume', callId: far.callId }, 'SB40001');
    await rejectsWith(h, { type: 'blind-transfer', callId: far.callId, target: '1002' }, 'SB40001');
    await rejectsWith(h, { type: 'answer', callId: 'missing' }, 'SB20006');
    await h.run({ type: 'answer', callId: far.callId });
    await rejectsWith(h, { type: 'answer', callId: far.callId }, 'SB40001');
    await rejectsWith(h, { type: 'decline', callId: far.callId }, 'SB40001');
    // A successful command clears the error shown to the agent.
    await h.run({ type: 'hold', callId: far.callId });
    assert.equal(h.engine.state.lastError, undefined);
  });

  it('the far end putting the call on hold is reflected', async () => {
    const h = await setup();
    const far = await h.talk();
    far.hold();
    await h.settle();
    assert.equal(h.call(far.callId).state, 'held');
    far.resume();
    await h.settle();
    assert.equal(h.call(far.callId).state, 'active');
  });

  it('dial refuses an empty number, and dialling while offline', async () => {
    const h = await setup();
    await rejectsWith(h, { type: 'dial', number: '   ' }, 'SB20004');
    await h.run({ type: 'set-presence', status: 'offline' });
    await rejectsWith(h, { type: 'dial', number: '1002' }, 'SB40002');
  });

  it('busy lamps of the directory follow the phone system', async () => {
    const h = await setup();
    await h.telephony.watchLines(['1002', '1003']);
    await h.settle();
    assert.deepEqual(h.engine.state.lines, { '1002': 'offline', '1003': 'offline' });
    h.phone.setLineState('1002', 'busy');
    await h.settle();
    assert.equal(h.engine.state.lines['1002'], 'busy');
  });

  it('quality reports land on the call', async () => {
    const h = await setup();
    const far = await h.talk();
    far.reportQuality({ packetLossPercent: 1.5, jitterMs: 12, roundTripMs: 80, mos: 4.1 });
    await h.settle();
    assert.equal(h.call(far.callId).quality?.mos, 4.1);
  });
});
