// The call-lifecycle outlet: the pure differ on hand-made snapshots, then the engine running it on
// every commit, driven on the behaving fakes (in-memory phone system, recording CRM) with a surface
// that owns pop, logging, presence and wrap-up (Salesforce Voice's capabilities).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Call } from '../call/call.ts';
import { diffCalls, type CallLifecycleEvent } from './call-lifecycle.ts';
import { ConnectorEngine } from './connector-engine.ts';
import type { EngineHandle } from './engine-handle.ts';
import type { ReattachingCall } from '../ports/telephony-port.ts';
import { CapturingLogger, FakeClock, MemoryStorage, RecordingCrm, settingsMap } from '../testing/index.ts';
import { FakePhoneSystem } from '../../telephony/fake/index.ts';

function offered(id: string, at = 0): Call {
  return new Call({ id, direction: 'inbound', origin: 'offered', remote: { number: '+14155550134' }, at });
}

const types = (events: readonly CallLifecycleEvent[]) => events.map((e) => e.type);

describe('diffCalls', () => {
  it('a new offered call is started (not restored); answering connects it; hold, mute, hangup and wrap-up follow', () => {
    const call = offered('c1');
    const s0 = call.snapshot();
    assert.deepEqual(diffCalls([], [s0]), [{ type: 'started', call: s0, restored: false }]);
    call.transition('active', 10, 'answered');
    const s1 = call.snapshot();
    assert.deepEqual(types(diffCalls([s0], [s1])), ['connected']);
    call.transition('held', 20, 'held');
    const s2 = call.snapshot();
    assert.deepEqual(
      diffCalls([s1], [s2]).map((e) => e.type === 'hold' && e.held),
      [true],
    );
    call.transition('active', 30, 'resumed');
    call.update({ muted: true });
    const s3 = call.snapshot();
    assert.deepEqual(
      diffCalls([s2], [s3]).map((e) => (e.type === 'hold' ? `hold:${e.held}` : e.type === 'mute' ? `mute:${e.muted}` : e.type)),
      ['hold:false', 'mute:true'],
    );
    call.end('remote-hangup', 40, 'bye');
    call.transition('wrap-up', 40, 'acw');
    const s4 = call.snapshot();
    const ended = diffCalls([s3], [s4]);
    assert.deepEqual(types(ended), ['ended', 'wrap-up-started']);
    assert.equal(ended[0]?.type === 'ended' && ended[0].reason, 'remote-hangup');
    call.transition('closed', 50, 'done');
    const s5 = call.snapshot();
    assert.deepEqual(types(diffCalls([s4], [], [s5])), ['wrap-up-ended']);
  });

  it('a call that appears already answered is a restored one (a reload took it back); nothing changes, nothing is emitted', () => {
    const call = offered('c1');
    call.transition('active', 10, 'answered');
    const s = call.snapshot();
    assert.deepEqual(diffCalls([], [s]), [{ type: 'started', call: s, restored: true }]);
    assert.deepEqual(diffCalls([s], [s]), []);
  });

  it('a consultation is a participant of the call it is about: added, connected, removed with its reason', () => {
    const consult = new Call({ id: 'k1', direction: 'internal', origin: 'dialed', remote: { number: '1002' }, at: 0, consultationFor: 'c1' });
    const k0 = consult.snapshot();
    assert.deepEqual(diffCalls([], [k0]), [{ type: 'participant-added', call: k0, parentId: 'c1' }]);
    consult.transition('active', 5, 'connected');
    const k1 = consult.snapshot();
    assert.deepEqual(diffCalls([k0], [k1]), [{ type: 'participant-connected', call: k1, parentId: 'c1' }]);
    consult.end('transferred', 9, 'joined');
    const k2 = consult.snapshot();
    assert.deepEqual(diffCalls([k1], [k2]), [{ type: 'participant-removed', call: k2, parentId: 'c1', reason: 'transferred' }]);
    // A consultation has no wrap-up of its own: closing it says nothing more.
    consult.transition('closed', 9, 'folded');
    assert.deepEqual(diffCalls([k2], [], [consult.snapshot()]), []);
  });

  it('a live call that leaves without a trace in `finished` ended (local hangup); a transfer in progress is not a hold toggle', () => {
    const call = offered('c1');
    call.transition('active', 1, 'a');
    const s0 = call.snapshot();
    const gone = diffCalls([s0], [], []);
    assert.deepEqual(
      gone.map((e) => e.type === 'ended' && e.reason),
      ['local-hangup'],
    );
    call.transition('transferring', 2, 't');
    const s1 = call.snapshot();
    assert.deepEqual(diffCalls([s0], [s1]), []);
    call.transition('held', 3, 'failed');
    assert.deepEqual(diffCalls([s1], [call.snapshot()]), []);
  });

  it('conferencing is reported once per change of members', () => {
    const a = offered('a');
    a.transition('active', 1, 'x');
    const a0 = a.snapshot();
    a.update({ conferencedWith: ['b'] });
    const a1 = a.snapshot();
    assert.deepEqual(
      diffCalls([a0], [a1]).map((e) => e.type === 'conferenced' && e.with),
      [['b']],
    );
    assert.deepEqual(diffCalls([a1], [a1]), []);
  });
});

/** A surface like Salesforce Voice: it pops, logs, syncs presence and runs wrap-up itself, and drives the engine. */
class HostDrivenCrm extends RecordingCrm {
  readonly lifecycle: CallLifecycleEvent[] = [];
  handle?: EngineHandle;
  attach(engine: EngineHandle): void {
    this.handle = engine;
  }
  callLifecycle(event: CallLifecycleEvent): void {
    // The state that caused the event is already committed when it arrives.
    const known = this.handle?.state.calls.some((c) => c.id === event.call.id) || this.handle?.state.recent.some((c) => c.id === event.call.id);
    assert.ok(known, `${event.type} of ${event.call.id} arrives after its state is committed`);
    this.lifecycle.push(event);
  }
}

async function voiceLikeEngine(overrides: Record<string, string> = {}) {
  const clock = new FakeClock();
  const phone = new FakePhoneSystem({ users: { '1001': 'secret' }, now: () => clock.now() });
  const crm = new HostDrivenCrm({
    settings: settingsMap({ '/switchboard/wrapUpEnabled': 'true', '/switchboard/wrapUpSeconds': '30', ...overrides }),
    capabilities: { screenPop: false, callLogging: false, clickToDial: false, presenceSync: false, externalWrapUp: true },
  });
  const engine = new ConnectorEngine({
    crm,
    createTelephony: () => phone.createTelephony(),
    storage: new MemoryStorage(),
    clock,
    logger: new CapturingLogger(),
  });
  await engine.start();
  assert.ok(crm.handle, 'the engine attached its handle to the CRM');
  await crm.handle.execute({ type: 'sign-in', username: '1001', password: 'secret' });
  await phone.settle();
  return { clock, phone, crm, engine, handle: crm.handle };
}

describe('the engine runs the lifecycle outlet, and a host drives it through its handle', () => {
  it('inbound call: started → connected → hold → mute → ended → wrap-up-started; wrap-up waits for the host past the time limit', async () => {
    const { clock, phone, crm, handle } = await voiceLikeEngine();
    const far = phone.callAgent({ from: '+14155550134', attachedData: { voiceCallId: '0LQ000000000001' } });
    await phone.settle();
    await handle.execute({ type: 'answer', callId: far.callId });
    await phone.settle();
    await handle.execute({ type: 'hold', callId: far.callId });
    await phone.settle();
    await handle.execute({ type: 'resume', callId: far.callId });
    await phone.settle();
    await handle.execute({ type: 'mute', callId: far.callId, muted: true });
    far.hangup();
    await phone.settle();
    assert.deepEqual(types(crm.lifecycle), ['started', 'connected', 'hold', 'hold', 'mute', 'ended', 'wrap-up-started']);
    assert.equal(crm.lifecycle[0]?.call.attachedData['voiceCallId'], '0LQ000000000001');
    clock.advance(120_000);
    await phone.settle();
    assert.equal(handle.state.calls[0]?.state, 'wrap-up', "the engine's timer does not end a wrap-up the CRM owns");
    await handle.execute({ type: 'complete-wrap-up', callId: far.callId });
    assert.equal(crm.lifecycle.at(-1)?.type, 'wrap-up-ended');
    assert.equal(crm.count('logCall'), 0, 'callLogging off: nothing logged');
    assert.equal(crm.count('screenPop'), 0, 'screenPop off: nothing popped');
    assert.equal(crm.count('publishPresence'), 0, "presenceSync off: on-call and wrap-up are never pushed as the agent's status");
    assert.equal(handle.state.presence.status, 'available', 'back to the chosen status after wrap-up');
  });

  it("without external wrap-up the engine's time limit still ends it (the Open CTI behaviour is unchanged)", async () => {
    const clock = new FakeClock();
    const phone = new FakePhoneSystem({ users: { '1001': 'secret' }, now: () => clock.now() });
    const crm = new HostDrivenCrm({ settings: settingsMap({ '/switchboard/wrapUpEnabled': 'true', '/switchboard/wrapUpSeconds': '30' }) });
    const engine = new ConnectorEngine({
      crm,
      createTelephony: () => phone.createTelephony(),
      storage: new MemoryStorage(),
      clock,
      logger: new CapturingLogger(),
    });
    await engine.start();
    await engine.execute({ type: 'sign-in', username: '1001', password: 'secret' });
    const far = phone.callAgent({ from: '+14155550134' });
    await phone.settle();
    await engine.execute({ type: 'answer', callId: far.callId });
    await phone.settle();
    far.hangup();
    await phone.settle();
    clock.advance(31_000);
    await phone.settle();
    assert.equal(engine.state.calls.length, 0);
    assert.deepEqual(types(crm.lifecycle).slice(-2), ['wrap-up-started', 'wrap-up-ended']);
  });

  it('consultation: participant added, connected, then removed as transferred when the transfer completes; the customer call ends transferred', async () => {
    const { phone, crm, handle } = await voiceLikeEngine({ '/switchboard/wrapUpEnabled': 'false' });
    const far = phone.callAgent({ from: '+14155550134' });
    await phone.settle();
    await handle.execute({ type: 'answer', callId: far.callId });
    await phone.settle();
    await handle.execute({ type: 'consult', callId: far.callId, target: '+14155550199' });
    await phone.settle();
    const consultation = handle.state.calls.find((c) => c.consultationFor === far.callId);
    assert.ok(consultation);
    await handle.execute({ type: 'complete-transfer', callId: far.callId, consultationId: consultation.id });
    await phone.settle();
    const seen = crm.lifecycle.map((e) => `${e.type}:${e.call.id === far.callId ? 'customer' : 'consult'}`);
    assert.deepEqual(
      seen.filter((s) => s.endsWith('consult')),
      ['participant-added:consult', 'participant-connected:consult', 'participant-removed:consult'],
    );
    const ended = crm.lifecycle.find((e) => e.type === 'ended');
    assert.equal(ended?.type === 'ended' && ended.reason, 'transferred');
    const removed = crm.lifecycle.find((e) => e.type === 'participant-removed');
    assert.equal(removed?.type === 'participant-removed' && removed.parentId, far.callId);
  });

  it('a failed dial rejects through the handle and emits nothing; onChange follows commits until unsubscribed', async () => {
    const { phone, crm, handle } = await voiceLikeEngine();
    const seen: string[] = [];
    const off = handle.onChange((s) => seen.push(s.phase));
    phone.failNext('dial');
    await assert.rejects(handle.execute({ type: 'dial', number: '+14155550100' }));
    assert.deepEqual(crm.lifecycle, []);
    assert.ok(seen.length > 0, 'the failure was committed (lastError)');
    off();
    const count = seen.length;
    await handle.execute({ type: 'set-presence', status: 'away', reasonId: 'lunch' }).catch(() => {});
    assert.equal(seen.length, count);
  });
});

describe('a CRM that logs by itself still has its calls carried across a reload', () => {
  async function page(phone: FakePhoneSystem, storage: MemoryStorage, clock: FakeClock, owner: string, reattaching?: readonly ReattachingCall[]) {
    const crm = new HostDrivenCrm({
      settings: settingsMap({ '/switchboard/wrapUpEnabled': 'false' }),
      capabilities: { screenPop: false, callLogging: false, clickToDial: false, presenceSync: false, externalWrapUp: true },
    });
    const engine = new ConnectorEngine({
      crm,
      storage,
      clock,
      logger: new CapturingLogger(),
      journal: { owner, staleMs: 0, heartbeatMs: 10_000 },
      createTelephony: () => {
        const t = phone.createTelephony();
        if (reattaching) Object.defineProperty(t, 'reattaching', { value: reattaching });
        return t;
      },
    });
    await engine.start();
    await engine.execute({ type: 'sign-in', username: '1001', password: 'secret' });
    await phone.settle();
    return { crm, engine };
  }

  it("the reloaded page shows the call with its attached data (the VoiceCall id); it is never logged; a dead page's entry is dropped", async () => {
    const clock = new FakeClock();
    const phone = new FakePhoneSystem({ users: { '1001': 'secret' }, now: () => clock.now() });
    const storage = new MemoryStorage();
    const first = await page(phone, storage, clock, 'page-1');
    const far = phone.callAgent({ from: '+14155550134', attachedData: { voiceCallId: '0LQ000000000009' } });
    await phone.settle();
    await first.engine.execute({ type: 'answer', callId: far.callId });
    await phone.settle();
    const answeredAt = first.engine.state.calls[0]!.timestamps.answered!;
    clock.advance(5000);
    await phone.settle();
    first.engine.dispose();

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
    const second = await page(phone, storage, clock, 'page-2', [left]);
    const shown = second.engine.state.calls.find((c) => c.id === far.callId);
    assert.equal(shown?.attachedData['voiceCallId'], '0LQ000000000009', 'what the INVITE carried is back after the reload');
    assert.deepEqual(
      second.crm.lifecycle.map((e) => e.type === 'started' && e.restored),
      [true],
      'shown as a restored call, not a new one',
    );
    second.engine.dispose();

    // A page that is gone for good (no reload takes the call back): its journal entry is dropped, not logged.
    const third = await page(phone, storage, clock, 'page-3');
    await phone.settle();
    assert.equal(third.crm.count('logCall'), 0);
    assert.deepEqual(await storage.keys('engine/journal/'), []);
  });
});
