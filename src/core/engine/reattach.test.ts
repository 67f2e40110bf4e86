// A page that reloads mid-call: the next engine of the tab carries the call on under the same id
// while the adapter takes it back (TelephonyPort.reattaching), and logs it once, whole, whether it
// came back or ended during the reload. Driven on the fakes: the in-memory phone system, a
// recording CRM, a fake clock and in-memory storage shared by both engines.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectorEngine } from './connector-engine.ts';
import { RECOVERED_NOTE } from './call-journal.ts';
import type { ReattachingCall } from '../ports/telephony-port.ts';
import { SwitchboardError } from '../errors/catalog.ts';
import { CapturingLogger, FakeClock, MemoryStorage, RecordingCrm, settingsMap } from '../testing/index.ts';
import { FakePhoneSystem, type FakeTelephony } from '../../telephony/fake/index.ts';

const AGENT = { username: '1001', password: 'secret' };

async function startEngine(phone: FakePhoneSystem, storage: MemoryStorage, clock: FakeClock, owner: string, reattaching?: readonly ReattachingCall[]) {
  const crm = new RecordingCrm({ settings: settingsMap({ '/switchboard/wrapUpEnabled': 'false' }) });
  let telephony: FakeTelephony | undefined;
  const engine = new ConnectorEngine({
    crm,
    createTelephony: () => {
      const t = phone.createTelephony();
      // What the SIP adapter answers when it finds dialogs the previous page kept.
      if (reattaching) Object.defineProperty(t, 'reattaching', { value: reattaching });
      telephony = t;
      return t;
    },
    storage,
    clock,
    logger: new CapturingLogger(),
    journal: { owner, staleMs: 0, heartbeatMs: 10_000 },
  });
  await engine.start();
  await engine.execute({ type: 'sign-in', ...AGENT });
  await phone.settle();
  assert.ok(telephony);
  return { engine, crm, telephony };
}

/** A page answers a call, talks `talkMs`, and leaves (pagehide: no hangup, no log). */
async function callLeftByAPage(phone: FakePhoneSystem, storage: MemoryStorage, clock: FakeClock, talkMs: number) {
  const a = await startEngine(phone, storage, clock, 'page-1');
  const far = phone.callAgent({ from: '+14155550134' });
  await phone.settle();
  await a.engine.execute({ type: 'answer', callId: far.callId });
  await phone.settle();
  const answeredAt = a.engine.state.calls[0]?.timestamps.answered;
  assert.ok(answeredAt !== undefined);
  await a.engine.execute({ type: 'set-wrap-up', callId: far.callId, notes: 'Asked about the invoice' });
  clock.advance(talkMs);
  await phone.settle();
  a.engine.dispose();
  assert.equal(a.crm.count('logCall'), 0, 'the page that left logged nothing');
  const left: ReattachingCall = {
    callId: far.callId,
    direction: 'inbound',
    internal: false,
    remote: { number: '+14155550134' },
    answeredAt,
    leftAt: clock.now(),
    held: false,
    muted: false,
  };
  return { callId: far.callId, answeredAt, left };
}

describe('a call the previous page of the tab left up is carried on, and logged once', () => {
  it('taken back: shown at once under the same id with its notes, never logged by the journal recovery, then logged whole when it ends', async () => {
    const clock = new FakeClock();
    const phone = new FakePhoneSystem({ users: { '1001': 'secret' }, now: () => clock.now() });
    const storage = new MemoryStorage();
    const { callId, answeredAt, left } = await callLeftByAPage(phone, storage, clock, 20_000);
    clock.advance(2000); // the reload

    const b = await startEngine(phone, storage, clock, 'page-2', [left]);
    const shown = b.engine.state.calls.find((c) => c.id === callId);
    assert.ok(shown, 'the call is shown again');
    assert.equal(shown.state, 'active');
    assert.equal(shown.timestamps.answered, answeredAt, 'its timer runs from the original answer');
    assert.equal(shown.notes, 'Asked about the invoice', 'the notes kept in the journal are back');
    assert.equal(b.engine.state.presence.status, 'on-call');

    b.telephony.emitSoon('established', callId);
    await phone.settle();
    assert.equal(b.crm.count('logCall'), 0, 'a call taken back is not logged as failed by the journal recovery');
    assert.equal(b.engine.state.calls.find((c) => c.id === callId)?.state, 'active');

    clock.advance(30_000);
    b.telephony.emitSoon('ended', callId, 'remote-hangup');
    await phone.settle();
    const logs = b.crm.logs.filter((l) => l.callId === callId);
    assert.equal(logs.length, 1, 'logged once');
    assert.equal(logs[0]?.durationSeconds, 52, 'the whole call: 20 s before the reload, 2 s of reload, 30 s after');
    assert.equal(logs[0]?.endReason, 'remote-hangup');
    assert.equal(logs[0]?.notes, 'Asked about the invoice');
    assert.deepEqual(await storage.keys('engine/journal/'), [], 'the journal is cleared');
  });

  it('ended during the reload: the panel is told, and it is logged once, ending when the page left', async () => {
    const clock = new FakeClock();
    const phone = new FakePhoneSystem({ users: { '1001': 'secret' }, now: () => clock.now() });
    const storage = new MemoryStorage();
    const { callId, left } = await callLeftByAPage(phone, storage, clock, 12_000);
    clock.advance(3000);

    const b = await startEngine(phone, storage, clock, 'page-2', [left]);
    clock.advance(1000);
    b.telephony.emitSoon('ended', callId, 'remote-hangup', 'the call ended during the reload (481 Call/Transaction Does Not Exist)');
    await phone.settle();
    assert.equal(b.engine.state.lastError?.code, 'SB20006');
    assert.match(b.engine.state.lastError?.message ?? '', /ended during the reload/);
    const logs = b.crm.logs.filter((l) => l.callId === callId);
    assert.equal(logs.length, 1, 'logged once');
    assert.equal(logs[0]?.durationSeconds, 12, 'talk time up to when the page left, not the reload');
    assert.equal(logs[0]?.endedAt, left.leftAt);
    assert.ok(!(logs[0]?.notes ?? '').includes(RECOVERED_NOTE), 'not logged as a call a closed softphone left open');

    // A later start of the tab finds nothing more to log.
    b.engine.dispose();
    const c = await startEngine(phone, storage, clock, 'page-3');
    await phone.settle();
    assert.equal(c.crm.count('logCall'), 0);
  });

  it('a conference the page left up is mixed again once both of its calls are taken back; the journal kept who was in it', async () => {
    const clock = new FakeClock();
    const phone = new FakePhoneSystem({ users: { '1001': 'secret', '1002': { password: 'secret', displayName: 'Bob Colleague' } }, now: () => clock.now() });
    const storage = new MemoryStorage();
    const a = await startEngine(phone, storage, clock, 'page-1');
    const far = phone.callAgent({ from: '+14155550134' });
    await phone.settle();
    await a.engine.execute({ type: 'answer', callId: far.callId });
    await phone.settle();
    await a.engine.execute({ type: 'consult', callId: far.callId, target: '1002' });
    await phone.settle();
    const consultation = phone.outboundCalls.at(-1);
    assert.ok(consultation);
    await a.engine.execute({ type: 'conference', callIds: [far.callId, consultation.callId] });
    await phone.settle();
    clock.advance(5000);
    await phone.settle();
    assert.deepEqual(phone.farEnd(far.callId).conferencedWith, [consultation.callId], 'mixed before the reload');
    a.engine.dispose();
    phone.pageLeft(a.telephony);
    const left = (callId: string, internal: boolean): ReattachingCall => {
      return {
        callId,
        direction: internal ? 'outbound' : 'inbound',
        internal,
        remote: { number: internal ? '1002' : '+14155550134' },
        answeredAt: clock.now() - 5000,
        leftAt: clock.now(),
        held: false,
        muted: false,
      };
    };
    clock.advance(1500); // the reload: the new page's media is not mixed yet

    const b = await startEngine(phone, storage, clock, 'page-2', [left(far.callId, false), left(consultation.callId, true)]);
    const shown = (id: string) => b.engine.state.calls.find((c) => c.id === id);
    assert.deepEqual(shown(far.callId)?.conferencedWith, [consultation.callId], "the customer's call is shown in the conference again");
    assert.deepEqual(shown(consultation.callId)?.conferencedWith, [far.callId], "and so is the colleague's");
    b.telephony.emitSoon('established', far.callId);
    await phone.settle();
    assert.deepEqual(phone.farEnd(far.callId).conferencedWith, [], 'not mixed while the other call is still being taken back');
    b.telephony.emitSoon('established', consultation.callId);
    await phone.settle();
    assert.deepEqual(phone.farEnd(far.callId).conferencedWith, [consultation.callId], 'mixed again: the customer hears the colleague');
    assert.deepEqual(phone.farEnd(consultation.callId).conferencedWith, [far.callId]);
    assert.deepEqual([shown(far.callId)?.state, shown(consultation.callId)?.state], ['active', 'active']);
  });
});

/**
 * The page does not hold a call it is still taking back (the SIP adapter's INVITE with Replaces is
 * not sent or not answered yet): like that adapter, the telephony refuses to act on it until it is
 * back (`back`: `established`). What it was asked, and refused, is recorded.
 */
function takingBack(telephony: FakeTelephony, callIds: readonly string[]) {
  const pending = new Set(callIds);
  const refused: string[] = [];
  const guard =
    <A extends unknown[]>(name: string, act: (callId: string, ...rest: A) => Promise<void>) =>
    async (callId: string, ...rest: A): Promise<void> => {
      if (pending.has(callId)) {
        refused.push(`${name} ${callId}`);
        throw new SwitchboardError('SB20006', `Call ${callId} is still being taken back.`);
      }
      return act(callId, ...rest);
    };
  Object.assign(telephony, {
    hangup: guard('hangup', telephony.hangup.bind(telephony)),
    hold: guard('hold', telephony.hold.bind(telephony)),
    resume: guard('resume', telephony.resume.bind(telephony)),
    setMuted: guard('setMuted', telephony.setMuted.bind(telephony)),
    sendDtmf: guard('sendDtmf', telephony.sendDtmf.bind(telephony)),
  });
  return {
    refused,
    back(callId: string): void {
      pending.delete(callId);
      telephony.emitSoon('established', callId);
    },
  };
}

describe('call control on a call still being taken back after a reload waits for it', () => {
  it("a hang-up is carried out once the call is back: the customer's call ends, and the call is not reported ended before", async () => {
    const clock = new FakeClock();
    const phone = new FakePhoneSystem({ users: { '1001': 'secret' }, now: () => clock.now() });
    const storage = new MemoryStorage();
    const { callId, left } = await callLeftByAPage(phone, storage, clock, 10_000);
    clock.advance(1000);

    const b = await startEngine(phone, storage, clock, 'page-2', [left]);
    const page = takingBack(b.telephony, [callId]);
    let done = false;
    const hangingUp = b.engine.execute({ type: 'hangup', callId }).then(() => {
      done = true;
    });
    await phone.settle();
    assert.equal(done, false, 'the hang-up waits for the take-back');
    assert.equal(phone.farEnd(callId).status, 'active', 'the customer is still connected');
    assert.equal(b.engine.state.calls.find((c) => c.id === callId)?.state, 'active', 'not reported ended while the customer is connected');
    assert.equal(b.crm.count('logCall'), 0);

    clock.advance(500);
    page.back(callId);
    await hangingUp;
    await phone.settle();
    assert.deepEqual(page.refused, [], 'nothing was sent to a call the page did not hold yet');
    assert.equal(phone.farEnd(callId).status, 'ended', "the customer's call ended");
    assert.equal(phone.farEnd(callId).endReason, 'local-hangup', 'the agent hung up');
    const logs = b.crm.logs.filter((l) => l.callId === callId);
    assert.equal(logs.length, 1, 'logged once');
    assert.equal(logs[0]?.endReason, 'local-hangup');
    assert.equal(b.engine.state.lastError, undefined);
  });

  it('a hang-up of a call that ended during the reload (its take-back refused, 481) is done: the call is reported ended during the reload, logged once', async () => {
    const clock = new FakeClock();
    const phone = new FakePhoneSystem({ users: { '1001': 'secret' }, now: () => clock.now() });
    const storage = new MemoryStorage();
    const { callId, left } = await callLeftByAPage(phone, storage, clock, 8000);
    clock.advance(1000);

    const b = await startEngine(phone, storage, clock, 'page-2', [left]);
    const page = takingBack(b.telephony, [callId]);
    const hangingUp = b.engine.execute({ type: 'hangup', callId });
    await phone.settle();
    // The customer had hung up meanwhile: the take-back is answered 481 and the call ends.
    phone.farEnd(callId).hangup();
    await hangingUp;
    await phone.settle();
    assert.deepEqual(page.refused, []);
    assert.equal(b.engine.state.lastError?.code, 'SB20006', 'the panel is told the call ended during the reload');
    const logs = b.crm.logs.filter((l) => l.callId === callId);
    assert.equal(logs.length, 1, 'logged once');
    assert.equal(logs[0]?.endReason, 'remote-hangup', 'the customer ended it, not the agent');
    assert.equal(logs[0]?.endedAt, left.leftAt, 'when the page left');
  });

  it('hold and mute asked while the call is being taken back are applied once it is back', async () => {
    const clock = new FakeClock();
    const phone = new FakePhoneSystem({ users: { '1001': 'secret' }, now: () => clock.now() });
    const storage = new MemoryStorage();
    const { callId, left } = await callLeftByAPage(phone, storage, clock, 5000);

    const b = await startEngine(phone, storage, clock, 'page-2', [left]);
    const page = takingBack(b.telephony, [callId]);
    const holding = b.engine.execute({ type: 'hold', callId });
    const muting = b.engine.execute({ type: 'mute', callId, muted: true });
    await phone.settle();
    assert.equal(phone.farEnd(callId).held, false, 'not held before the call is back');
    page.back(callId);
    await Promise.all([holding, muting]);
    await phone.settle();
    assert.deepEqual(page.refused, []);
    assert.equal(phone.farEnd(callId).held, true);
    assert.equal(phone.farEnd(callId).muted, true);
    const shown = b.engine.state.calls.find((c) => c.id === callId);
    assert.deepEqual([shown?.state, shown?.muted], ['held', true]);
  });
});
