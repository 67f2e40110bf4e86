// The engine's presence on the behaving fakes: on-call, wrap-up, the status chosen before, Omni-Channel.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../ports/storage.ts';
import { MemoryStorage } from '../testing/index.ts';
import { AGENT, setup, rejectsWith, type Harness } from '../../../test/support/engine-harness.ts';

// ── presence ──────────────────────────────────────────────────────────────────────────────────

describe('presence', () => {
  for (const [status, prepare] of [
    ['away', async (h: Harness) => h.run({ type: 'set-presence', status: 'away', reasonId: 'Lunch' })],
    ['offline', async (h: Harness) => h.run({ type: 'set-presence', status: 'offline' })],
    [
      'wrap-up',
      async (h: Harness) => {
        await h.callEndedByCaller();
      },
    ],
  ] as const) {
    it(`refuses inbound calls through the delegate when ${status} (486, never announced)`, async () => {
      const h = await setup();
      await prepare(h);
      assert.equal(h.presence, status);
      const callsBefore = h.engine.state.calls.length;
      const popsBefore = h.crm.pops.length;
      const far = await h.ring({ from: '+14155550177' });
      assert.equal(far.status, 'refused');
      assert.equal(far.sipCode, 486);
      assert.equal(await far.answeredPromise, false);
      assert.equal(h.engine.state.calls.length, callsBefore);
      assert.ok(!h.offered.includes(far.callId));
      assert.ok(!h.telephony.emitted.some((e) => e.event === 'incoming' && (e.args[0] as { callId: string }).callId === far.callId));
      assert.equal(h.crm.pops.length, popsBefore);
      assert.equal(h.logsFor(far.callId).length, 0);
    });
  }

  it('a status cannot be chosen before sign-in, by the panel or by Omni-Channel', async () => {
    const h = await setup({ signIn: false });
    await rejectsWith(h, { type: 'set-presence', status: 'available' }, 'SB40002');
    h.crm.omniChannelPresence({ status: 'available' });
    await h.settle();
    assert.equal(h.presence, 'offline');
    assert.equal(h.storage.peek('engine/presence'), undefined);
    await h.run({ type: 'sign-in', ...AGENT });
    assert.equal(h.presence, 'available');
  });

  it('refuses calls before sign-in', async () => {
    const h = await setup({ signIn: false });
    const far = h.phone.callAgent({ from: '+14155550134', to: '1001' });
    assert.notEqual(far.status, 'ringing');
  });

  it('offers calls to an available agent and goes on-call automatically; back to available after', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'false' } });
    const far = await h.ring();
    assert.equal(h.presence, 'on-call');
    await h.run({ type: 'answer', callId: far.callId });
    assert.equal(h.presence, 'on-call');
    await h.farHangsUp(far);
    assert.equal(h.presence, 'available');
    assert.deepEqual(h.phone.publishedPresence('1001'), ['available', 'on-call', 'available']);
  });

  it('with wrap-up: on-call → wrap-up → the status chosen before the call', async () => {
    const h = await setup();
    const far = await h.callEndedByCaller();
    assert.equal(h.presence, 'wrap-up');
    await h.wrapUp(far.callId);
    assert.equal(h.presence, 'available');
  });

  it('after a call, returns to away with the reason chosen before an outbound call', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'false' } });
    await h.run({ type: 'set-presence', status: 'away', reasonId: 'Training' });
    const far = await h.dial('1002');
    assert.equal(h.presence, 'on-call');
    await h.farHangsUp(far);
    assert.deepEqual([h.presence, h.engine.state.presence.reasonId], ['away', 'Training']);
  });

  it('a status chosen during the call applies after wrap-up', async () => {
    const h = await setup();
    const far = await h.talk();
    await h.run({ type: 'set-presence', status: 'away', reasonId: 'Lunch' });
    assert.equal(h.presence, 'on-call');
    assert.deepEqual(h.engine.state.presence.returnTo, { status: 'away', reasonId: 'Lunch' });
    await h.farHangsUp(far);
    assert.equal(h.presence, 'wrap-up');
    await h.wrapUp(far.callId);
    assert.deepEqual([h.presence, h.engine.state.presence.reasonId], ['away', 'Lunch']);
  });

  it('a status chosen during wrap-up applies when wrap-up ends', async () => {
    const h = await setup();
    const far = await h.callEndedByCaller();
    await h.run({ type: 'set-presence', status: 'offline' });
    assert.equal(h.presence, 'wrap-up');
    await h.wrapUp(far.callId);
    assert.equal(h.presence, 'offline');
  });

  it('a status Omni-Channel chooses during the call applies after the call', async () => {
    const h = await setup();
    const far = await h.talk();
    h.crm.omniChannelPresence({ status: 'away', reasonId: 'Break' });
    await h.settle();
    assert.equal(h.presence, 'on-call');
    await h.farHangsUp(far);
    await h.wrapUp(far.callId);
    assert.deepEqual([h.presence, h.engine.state.presence.reasonId], ['away', 'Break']);
  });

  it('Omni-Channel changes presence when idle, and an echo of the current status is ignored', async () => {
    const h = await setup();
    h.crm.omniChannelPresence({ status: 'away', reasonId: 'Meeting' });
    await h.settle();
    assert.deepEqual([h.presence, h.engine.state.presence.reasonId], ['away', 'Meeting']);
    const published = h.crm.presence.length;
    h.crm.omniChannelPresence({ status: 'away', reasonId: 'Meeting' });
    await h.settle();
    assert.equal(h.crm.presence.length, published, 'no echo back to the CRM');
  });

  it('going offline with a call up is refused', async () => {
    const h = await setup();
    await h.talk();
    await rejectsWith(h, { type: 'set-presence', status: 'offline' }, 'SB40002');
    assert.equal(h.presence, 'on-call');
    assert.equal(h.engine.state.presence.returnTo.status, 'available');
  });

  it('validates away reasons against the call center', async () => {
    const h = await setup();
    await rejectsWith(h, { type: 'set-presence', status: 'away', reasonId: 'Nap' }, 'SB40002');
    assert.equal(h.presence, 'available');
    await h.run({ type: 'set-presence', status: 'away', reasonId: 'Lunch' });
    assert.deepEqual([h.presence, h.engine.state.presence.reasonId], ['away', 'Lunch']);
    await h.run({ type: 'set-presence', status: 'away', reasonId: 'Break' });
    assert.deepEqual([h.presence, h.engine.state.presence.reasonId], ['away', 'Break']);
    await h.run({ type: 'set-presence', status: 'available' });
    assert.equal(h.engine.state.presence.reasonId, undefined);
    await h.talk();
    await rejectsWith(h, { type: 'set-presence', status: 'away', reasonId: 'Nap' }, 'SB40002');
  });

  it('restores the status chosen in an earlier session on sign-in', async () => {
    const storage = new MemoryStorage();
    const first = await setup({ storage });
    await first.run({ type: 'set-presence', status: 'away', reasonId: 'Training' });
    first.engine.dispose();
    const second = await setup({ storage });
    assert.deepEqual([second.presence, second.engine.state.presence.reasonId], ['away', 'Training']);
    const third = await setup({ storage: new MemoryStorage({ 'engine/presence': { status: 'available', reasonId: null } }) });
    assert.equal(third.presence, 'available');
  });

  it('restores nothing strange: a stored offline or garbage means available', async () => {
    const values: JsonValue[] = [{ status: 'offline', reasonId: null }, 'garbage', { status: 'on-call' }, ['away']];
    for (const stored of values) {
      const h = await setup({ storage: new MemoryStorage({ 'engine/presence': stored }) });
      assert.equal(h.presence, 'available', JSON.stringify(stored));
    }
  });

  it('signs in available when storage cannot be read', async () => {
    const storage = new MemoryStorage();
    storage.failNext('get');
    const h = await setup({ storage });
    assert.equal(h.presence, 'available');
  });
});
