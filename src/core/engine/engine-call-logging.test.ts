// The engine's call logging on the behaving fakes: exactly one log per call, and the call journal
// that logs the calls a closed page left open.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, MemoryStorage } from '../testing/index.ts';
import { ALICE, setup, rejectsWith } from '../../../test/support/engine-harness.ts';

// ── logging: exactly once ──────────────────────────────────────────────────────────────────────

describe('call logging: exactly one log per call', () => {
  it('hangup with wrap-up: logs once when wrap-up completes, with disposition, notes, talk and hold time', async () => {
    const h = await setup({ records: { '+14155550134': [ALICE] } });
    const far = await h.ring({ attachedData: { caseNumber: '00001042' } });
    const offeredAt = h.clock.now();
    h.clock.advance(5_000);
    await h.run({ type: 'answer', callId: far.callId });
    h.clock.advance(30_000);
    await h.run({ type: 'hold', callId: far.callId });
    assert.equal(h.call(far.callId).state, 'held');
    h.clock.advance(12_000);
    await h.run({ type: 'resume', callId: far.callId });
    h.clock.advance(18_000);
    await h.run({ type: 'hangup', callId: far.callId });
    assert.equal(h.call(far.callId).state, 'wrap-up');
    assert.equal(h.presence, 'wrap-up');
    assert.equal(h.crm.logs.length, 0, 'not logged before wrap-up completes');
    await h.run({ type: 'set-wrap-up', callId: far.callId, disposition: 'FollowUp', notes: 'draft' });
    await h.wrapUp(far.callId, { notes: 'Customer will call back.' });
    await h.wrapUp(far.callId, { disposition: 'Resolved' });
    assert.equal(h.crm.count('logCall'), 1);
    assert.deepEqual(h.crm.logs[0], {
      callId: far.callId,
      direction: 'inbound',
      origin: 'offered',
      remote: { number: '+14155550134' },
      startedAt: offeredAt,
      answeredAt: offeredAt + 5_000,
      endedAt: offeredAt + 65_000,
      durationSeconds: 60,
      holdSeconds: 12,
      endReason: 'local-hangup',
      disposition: 'FollowUp',
      notes: 'Customer will call back.',
      who: ALICE,
      attachedData: { caseNumber: '00001042' },
    });
    assert.equal(h.recent(far.callId).state, 'closed');
    assert.equal(h.engine.state.calls.length, 0);
    assert.equal(h.presence, 'available');
    assert.deepEqual(h.errors, []);
  });

  it('hangup without wrap-up: logs at once', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'false' } });
    const far = await h.talk();
    await h.run({ type: 'hangup', callId: far.callId });
    assert.equal(far.endReason, 'local-hangup');
    assert.deepEqual(
      h.crm.logs.map((l) => [l.callId, l.endReason]),
      [[far.callId, 'local-hangup']],
    );
    assert.equal(h.presence, 'available');
    assert.equal(h.engine.state.activeCallId, undefined);
  });

  it('remote hangup goes to wrap-up, then logs once', async () => {
    const h = await setup();
    const far = await h.callEndedByCaller();
    assert.equal(h.call(far.callId).state, 'wrap-up');
    assert.equal(h.call(far.callId).endReason, 'remote-hangup');
    await h.wrapUp(far.callId);
    assert.deepEqual(
      h.crm.logs.map((l) => l.endReason),
      ['remote-hangup'],
    );
  });

  it('missed: the caller gives up; logged at once without wrap-up, unanswered', async () => {
    const h = await setup();
    const far = await h.ring();
    assert.deepEqual(h.offered, [far.callId]);
    await h.callerGivesUp(far);
    assert.deepEqual(h.offerEnded, [far.callId]);
    assert.equal(h.engine.state.calls.length, 0);
    assert.equal(h.logsFor(far.callId).length, 1);
    const [log] = h.crm.logs;
    assert.equal(log?.endReason, 'missed');
    assert.equal(log?.answeredAt, undefined);
    assert.equal(log?.durationSeconds, 0);
    assert.equal(h.presence, 'available');
  });

  it('answered elsewhere (a ring group colleague took it): the offer ends, nothing is logged here, and nothing is left to recover', async () => {
    const h = await setup();
    const far = await h.ring();
    await h.callerGivesUp(far, { answeredElsewhere: true });
    assert.deepEqual(h.offerEnded, [far.callId]);
    assert.equal(h.engine.state.calls.length, 0);
    assert.equal(h.crm.count('logCall'), 0);
    assert.equal(h.recent(far.callId).endReason, 'answered-elsewhere');
    assert.equal(h.presence, 'available');
    assert.deepEqual(await h.storage.keys('engine/journal/'), []);
  });

  it('declined: logged once as declined; a direct call to the agent hears 603', async () => {
    const h = await setup();
    const far = await h.ring({ dialed: '1001' });
    await h.run({ type: 'decline', callId: far.callId });
    assert.equal(far.sipCode, 603);
    assert.deepEqual(
      h.crm.logs.map((l) => [l.endReason, l.origin]),
      [['declined', 'offered']],
    );
    assert.deepEqual(h.offerEnded, [far.callId]);
    assert.equal(h.presence, 'available');
  });

  it("declining a ring-group offer answers 486 (480 once away), so the group's other phones keep ringing", async () => {
    // A 603 is global (RFC 3261 §16.7): the forking proxy would cancel every colleague's branch.
    const h = await setup();
    const group = await h.ring({ dialed: '5000' });
    await h.run({ type: 'decline', callId: group.callId });
    assert.equal(group.sipCode, 486);
    // Away while it rings: not available, so 480 Temporarily Unavailable.
    const queued = await h.ring({ dialed: '5000', from: '+14155550135' });
    await h.run({ type: 'set-presence', status: 'away' });
    await h.run({ type: 'decline', callId: queued.callId });
    assert.equal(queued.sipCode, 480);
    assert.deepEqual(
      h.crm.logs.map((l) => l.endReason),
      ['declined', 'declined'],
    );
  });

  it('hanging up an offered call declines it', async () => {
    const h = await setup();
    const far = await h.ring();
    await h.run({ type: 'hangup', callId: far.callId });
    assert.deepEqual(
      h.crm.logs.map((l) => l.endReason),
      ['declined'],
    );
  });

  it('blind transfer: the call ends transferred, goes to wrap-up, and its one log names the target and kind', async () => {
    const h = await setup({ items: { directory: '1002:Bob Colleague' } });
    const far = await h.talk();
    await h.engine.execute({ type: 'blind-transfer', callId: far.callId, target: '1002' });
    assert.equal(h.call(far.callId).state, 'transferring');
    await h.settle();
    assert.equal(far.transferredTo, '1002');
    assert.equal(h.call(far.callId).state, 'wrap-up');
    assert.equal(h.presence, 'wrap-up');
    assert.equal(h.crm.logs.length, 0);
    await h.wrapUp(far.callId, { disposition: 'Resolved', notes: 'billing question, sent to Bob' });
    assert.equal(h.crm.logs.length, 1);
    const log = h.crm.logs[0]!;
    assert.deepEqual([log.endReason, log.disposition, log.notes], ['transferred', 'Resolved', 'billing question, sent to Bob']);
    assert.deepEqual(log.transfer && { kind: log.transfer.kind, target: log.transfer.target }, {
      kind: 'blind',
      target: { number: '1002', displayName: 'Bob Colleague' },
    });
    assert.equal(h.engine.state.calls.length, 0);
    assert.equal(h.presence, 'available');
    const notes = h
      .recent(far.callId)
      .timeline.filter((t) => t.kind === 'transfer')
      .map((t) => t.text);
    assert.deepEqual(notes, ['transfer trying', 'transfer ringing', 'transfer succeeded']);
  });

  it('a blind transfer that fails after the REFER was accepted returns the call to what the phone has: not held, it stays active', async () => {
    const h = await setup();
    h.phone.setFarEnd('1002', 'no-answer');
    const far = await h.talk();
    // A phone that does not hold before REFER (sip.js does not): the call never left 'active' there.
    h.telephony.events.on('held', () => {});
    await h.engine.execute({ type: 'blind-transfer', callId: far.callId, target: '1002' });
    h.telephony.emitSoon('held', far.callId, false);
    await h.settle();
    assert.equal(h.call(far.callId).state, 'active');
    assert.equal(h.crm.logs.length, 0);
    await h.run({ type: 'hangup', callId: far.callId });
    await h.wrapUp(far.callId);
    assert.equal(h.crm.logs.length, 1);
    assert.equal(h.crm.logs[0]!.transfer, undefined, 'a failed transfer is not logged as one');
  });

  it('a blind transfer the target refuses leaves the call held; the agent resumes it', async () => {
    const h = await setup();
    h.phone.setFarEnd('1002', 'busy');
    const far = await h.talk();
    await h.run({ type: 'blind-transfer', callId: far.callId, target: '1002' });
    assert.equal(h.call(far.callId).state, 'held');
    assert.equal(h.crm.logs.length, 0);
    await h.run({ type: 'resume', callId: far.callId });
    assert.equal(h.call(far.callId).state, 'active');
    assert.equal(far.held, false);
  });

  it('a REFER the phone system rejects returns the call to its state and reports SB20005', async () => {
    const h = await setup();
    const far = await h.talk();
    h.phone.failNext('blindTransfer');
    await rejectsWith(h, { type: 'blind-transfer', callId: far.callId, target: '1002' }, 'SB20005');
    assert.equal(h.call(far.callId).state, 'active');
  });

  it('wrap-up time limit: logs when it expires, and a late complete-wrap-up does not log again', async () => {
    const h = await setup({ items: { wrapUpSeconds: '30' } });
    const far = await h.callEndedByCaller();
    const endedAt = h.clock.now();
    assert.equal(h.call(far.callId).wrapUpDeadline, endedAt + 30_000);
    assert.equal(h.engine.state.presence.wrapUpDeadline, endedAt + 30_000);
    await h.run({ type: 'set-wrap-up', callId: far.callId, disposition: 'Voicemail' });
    h.clock.advance(29_999);
    await h.settle();
    assert.equal(h.crm.logs.length, 0);
    h.clock.advance(1);
    await h.settle();
    assert.equal(h.crm.logs.length, 1);
    assert.equal(h.crm.logs[0]?.disposition, 'Voicemail');
    assert.equal(h.presence, 'available');
    assert.match(h.recent(far.callId).timeline.at(-1)?.text ?? '', /wrap-up time limit \(30 s\) reached/);
    await h.wrapUp(far.callId, { disposition: 'Resolved' });
    assert.equal(h.crm.count('logCall'), 1);
    assert.equal(h.clock.pending, 0);
  });

  it('completing wrap-up early cancels the time limit', async () => {
    const h = await setup({ items: { wrapUpSeconds: '30' } });
    const far = await h.callEndedByCaller();
    assert.equal(h.clock.pending, 2, 'the wrap-up time limit and the call journal heartbeat');
    await h.wrapUp(far.callId);
    assert.equal(h.clock.pending, 0);
    h.clock.runAll();
    assert.equal(h.crm.count('logCall'), 1);
  });

  it('an ended event delivered twice closes and logs the call once', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'false' } });
    const far = await h.talk();
    far.hangup();
    // A misbehaving adapter repeats the event.
    h.telephony.events.emit('ended', far.callId, 'remote-hangup');
    h.telephony.events.emit('ended', far.callId, 'failed', 'again');
    await h.settle();
    assert.equal(h.crm.count('logCall'), 1);
    assert.equal(h.crm.logs[0]?.endReason, 'remote-hangup');
  });

  it('an ended event repeated during wrap-up changes nothing', async () => {
    const h = await setup();
    const far = await h.callEndedByCaller();
    const before = h.call(far.callId);
    h.telephony.events.emit('ended', far.callId, 'failed', 'late duplicate');
    await h.settle();
    assert.equal(h.call(far.callId), before);
    assert.deepEqual(h.logger.find('error'), []);
    await h.wrapUp(far.callId);
    assert.equal(h.crm.count('logCall'), 1);
  });

  it('a call id the adapter announces again after the call closed is never logged twice', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'false' } });
    const far = await h.ring();
    await h.callerGivesUp(far);
    // A misbehaving adapter re-announces the same call id (the contract says ids are unique).
    h.telephony.events.emit('incoming', { callId: far.callId, remote: { number: '+14155550134' }, attachedData: {}, internal: false });
    h.telephony.events.emit('ended', far.callId, 'missed');
    await h.settle();
    assert.equal(h.crm.count('logCall'), 1);
  });

  it('concurrent complete-wrap-up commands log once', async () => {
    const h = await setup();
    const far = await h.callEndedByCaller();
    await Promise.all([h.engine.execute({ type: 'complete-wrap-up', callId: far.callId }), h.engine.execute({ type: 'complete-wrap-up', callId: far.callId })]);
    assert.equal(h.crm.count('logCall'), 1);
  });

  it('complete-wrap-up of a live call is refused (SB40001); of an unknown call SB20006', async () => {
    const h = await setup();
    const far = await h.talk();
    await rejectsWith(h, { type: 'complete-wrap-up', callId: far.callId }, 'SB40001');
    await rejectsWith(h, { type: 'complete-wrap-up', callId: 'nope' }, 'SB20006');
    assert.equal(h.crm.logs.length, 0);
  });

  it('a log that cannot be queued is reported, not retried by the engine', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'false' } });
    h.crm.failNext('logCall', new Error('IndexedDB is full'));
    await h.callEndedByCaller();
    assert.equal(h.crm.count('logCall'), 1);
    assert.deepEqual(
      h.errors.map((e) => e.code),
      ['SB30003'],
    );
    assert.equal(h.logger.find('error', 'call log could not be queued').length, 1);
  });

  it('does not log when the surface logs by itself', async () => {
    const h = await setup({ capabilities: { callLogging: false }, items: { wrapUpEnabled: 'false' } });
    const far = await h.callEndedByCaller();
    assert.equal(h.crm.count('logCall'), 0);
    assert.equal(h.recent(far.callId).state, 'closed');
  });

  it('an outbound call the far end refuses as busy is logged once as busy', async () => {
    const h = await setup();
    h.phone.setFarEnd('+442079460958', 'busy');
    const far = await h.dial('+442079460958');
    assert.equal(far.sipCode, 486);
    assert.deepEqual(
      h.crm.logs.map((l) => [l.direction, l.endReason, l.durationSeconds]),
      [['outbound', 'busy', 0]],
    );
    assert.equal(h.presence, 'available');
  });

  it('an outbound call that fails says why: no such number, phone-system error, declined by the callee', async () => {
    const h = await setup();
    const why: [number, string][] = [];
    for (const code of [404, 503, 603]) {
      const number = `+4420794609${code - 300}`;
      h.phone.setFarEnd(number, 'manual');
      const far = await h.dial(number);
      far.reject(code);
      await h.settle();
      why.push([code, h.recent(far.callId).endReason ?? 'none']);
    }
    assert.deepEqual(why, [
      [404, 'not-found'],
      [503, 'failed'],
      [603, 'rejected'],
    ]);
    // Each is logged at once, marked as one the agent placed (a Task says "Failed call to …").
    assert.deepEqual(
      h.crm.logs.map((l) => [l.origin, l.endReason]),
      [
        ['dialed', 'not-found'],
        ['dialed', 'failed'],
        ['dialed', 'rejected'],
      ],
    );
  });

  it('an outbound call rings out, connects, and is logged once', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'false' } });
    h.phone.setFarEnd('+442079460958', 'manual');
    const far = await h.dial('+442079460958');
    assert.equal(h.call(far.callId).state, 'ringing-out');
    h.clock.advance(4_000);
    far.answer();
    await h.settle();
    assert.equal(h.call(far.callId).state, 'active');
    h.clock.advance(61_000);
    await h.run({ type: 'hangup', callId: far.callId });
    assert.deepEqual(
      h.crm.logs.map((l) => [l.direction, l.endReason, l.durationSeconds]),
      [['outbound', 'local-hangup', 61]],
    );
  });
});

// ── the call journal: calls a closed page left open are still logged ──────────────────────

describe('call journal: a call open when its page died is logged once by the next engine', () => {
  const journalKeys = async (storage: MemoryStorage): Promise<string[]> => storage.keys('engine/journal/');
  /** The next page's engine on the same storage, settled: with staleMs 0 it logs every journal entry it finds. */
  const nextEngine = async (storage: MemoryStorage, owner: string, clock?: FakeClock) => {
    const h = await setup({ storage, ...(clock ? { clock } : {}), journal: { owner, staleMs: 0 } });
    await h.settle();
    return h;
  };

  it('a call up when the tab closed: logged by the next engine as failed, with talk time to the last heartbeat and the agent notes', async () => {
    const storage = new MemoryStorage();
    const clock = new FakeClock();
    const a = await setup({ storage, clock, journal: { owner: 'tab-a', heartbeatMs: 10_000 } });
    const far = await a.talk();
    await a.run({ type: 'set-wrap-up', callId: far.callId, notes: 'Asked about the invoice' });
    clock.advance(25_000); // two heartbeats: the journal knows the call was up 20 s after answer
    await a.settle();
    a.engine.dispose(); // the tab closes: no hangup, no log
    assert.equal(a.crm.count('logCall'), 0);
    assert.deepEqual(await journalKeys(storage), [`engine/journal/${far.callId}`]);

    const b = await nextEngine(storage, 'tab-b', clock);
    const logs = b.logsFor(far.callId);
    assert.equal(logs.length, 1);
    assert.equal(logs[0]?.endReason, 'failed');
    assert.equal(logs[0]?.durationSeconds, 20);
    assert.equal(logs[0]?.direction, 'inbound');
    assert.match(logs[0]?.notes ?? '', /^Asked about the invoice\n\n\[Switchboard\] The softphone closed/);
    assert.deepEqual(await journalKeys(storage), [], 'the journal is cleared once the outbox has the log');
    assert.ok(b.logger.find('warn', 'logged a call a closed softphone left open').length === 1);

    // A third start finds nothing more to log.
    const c = await nextEngine(storage, 'tab-c', clock);
    assert.equal(c.crm.count('logCall'), 0);
  });

  it('a call in wrap-up when the tab closed keeps its end reason, disposition and talk time', async () => {
    const storage = new MemoryStorage();
    const clock = new FakeClock();
    const a = await setup({ storage, clock, journal: { owner: 'tab-a' } });
    const far = await a.talk();
    clock.advance(42_000);
    await a.farHangsUp(far);
    await a.run({ type: 'set-wrap-up', callId: far.callId, disposition: 'Resolved', notes: 'Fixed' });
    a.engine.dispose();

    const b = await nextEngine(storage, 'tab-b', clock);
    const [log] = b.logsFor(far.callId);
    assert.equal(log?.endReason, 'remote-hangup');
    assert.equal(log?.disposition, 'Resolved');
    assert.equal(log?.durationSeconds, 42);
    assert.equal(b.crm.count('logCall'), 1);
  });

  it('calls that close normally leave nothing behind, and nothing is logged twice', async () => {
    const storage = new MemoryStorage();
    const clock = new FakeClock();
    const a = await setup({ storage, clock, items: { wrapUpEnabled: 'false' }, journal: { owner: 'tab-a' } });
    for (let i = 0; i < 3; i++) {
      await a.callEndedByCaller();
    }
    const missed = await a.ring();
    await a.callerGivesUp(missed);
    assert.equal(a.crm.count('logCall'), 4);
    assert.deepEqual(await journalKeys(storage), []);
    assert.equal(clock.pending, 0, 'no heartbeat once no call is open');
    a.engine.dispose();
    const b = await nextEngine(storage, 'tab-b', clock);
    assert.equal(b.crm.count('logCall'), 0);
  });

  it('never logs a call another live engine still carries; logs it once that engine is gone and its heartbeat stale', async () => {
    const storage = new MemoryStorage();
    const clock = new FakeClock();
    const a = await setup({ storage, clock, journal: { owner: 'tab-a', heartbeatMs: 1_000 } });
    const far = await a.talk();
    // A second engine starts while the first still runs (tabs electing without Web Locks).
    const b = await setup({ storage, clock, signIn: false, journal: { owner: 'tab-b', heartbeatMs: 1_000, staleMs: 5_000 } });
    for (let i = 0; i < 20; i++) {
      clock.advance(1_000);
      await b.settle();
    }
    assert.equal(b.crm.count('logCall'), 0, 'the live call of the other engine was logged');
    a.engine.dispose();
    for (let i = 0; i < 7; i++) {
      clock.advance(1_000);
      await b.settle();
    }
    assert.equal(b.logsFor(far.callId).length, 1);
    assert.equal(b.crm.count('logCall'), 1);
  });

  it('a log that could not be queued stays in the journal, and the next start logs it', async () => {
    const storage = new MemoryStorage();
    const clock = new FakeClock();
    const a = await setup({ storage, clock, items: { wrapUpEnabled: 'false' }, journal: { owner: 'tab-a' } });
    const far = await a.talk();
    a.crm.failNext('logCall');
    await a.farHangsUp(far);
    assert.equal(a.logger.find('error', 'call log could not be queued').length, 1);
    assert.equal((await journalKeys(storage)).length, 1);
    a.engine.dispose();
    const b = await nextEngine(storage, 'tab-b', clock);
    const [log] = b.logsFor(far.callId);
    assert.equal(log?.endReason, 'remote-hangup', 'the call had ended: its own end reason is kept');
    assert.deepEqual(await journalKeys(storage), []);
  });

  it('drops an unreadable journal entry with a warning, and logs the readable ones', async () => {
    const storage = new MemoryStorage();
    await storage.set('engine/journal/garbage', { owner: 'x', savedAt: 'yesterday' });
    await storage.set('engine/journal/half', { owner: 'x', savedAt: 0, ended: true, entry: { callId: 'half' } });
    const b = await nextEngine(storage, 'tab-b');
    assert.equal(b.crm.count('logCall'), 0);
    assert.deepEqual(await journalKeys(storage), []);
    assert.equal(b.logger.find('warn', 'dropping an unreadable call journal entry').length, 2);
  });
});
