// The engine's screen pop, click-to-dial and the records a call is related to, on the behaving fakes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordRef } from '../call/call-types.ts';
import { MemoryStorage, RecordingCrm, settingsMap } from '../testing/index.ts';
import { FakePhoneSystem } from '../../telephony/fake/index.ts';
import { ALICE, ACME, BOB_LEAD, CASE, setup, rejectsWith } from '../../../test/support/engine-harness.ts';

// ── screen pop ───────────────────────────────────────────────────────────────────────────────

describe('screen pop timing', () => {
  it('pops on ring by default, and relates a single match', async () => {
    const h = await setup({ records: { '+14155550134': [ALICE] } });
    const far = await h.ring({ attachedData: { caseNumber: '00001042' } });
    assert.equal(h.call(far.callId).state, 'offering');
    assert.equal(h.crm.pops.length, 1);
    assert.deepEqual(h.crm.pops[0], { callId: far.callId, direction: 'inbound', remote: { number: '+14155550134' }, attachedData: { caseNumber: '00001042' } });
    assert.deepEqual(h.call(far.callId).relations.who, ALICE);
    await h.run({ type: 'answer', callId: far.callId });
    assert.equal(h.crm.pops.length, 1, 'answering does not pop again');
  });

  it('pops on answer when popTiming is answer', async () => {
    const h = await setup({ items: { popTiming: 'answer' }, records: { '+14155550134': [ALICE] } });
    const far = await h.ring();
    assert.equal(h.crm.pops.length, 0);
    await h.run({ type: 'answer', callId: far.callId });
    assert.equal(h.crm.pops.length, 1);
    assert.deepEqual(h.call(far.callId).relations.who, ALICE);
  });

  it('does not pop a call nobody answered when popTiming is answer', async () => {
    const h = await setup({ items: { popTiming: 'answer' } });
    const far = await h.ring();
    await h.callerGivesUp(far);
    assert.equal(h.crm.pops.length, 0);
  });

  for (const popTiming of ['ring', 'answer']) {
    it(`never pops an internal call (popTiming ${popTiming})`, async () => {
      const h = await setup({ items: { popTiming } });
      const far = await h.ring({ from: '1002', displayName: 'Bob Colleague', internal: true });
      assert.equal(h.call(far.callId).direction, 'internal');
      await h.run({ type: 'answer', callId: far.callId });
      assert.equal(h.crm.pops.length, 0);
      assert.ok(h.call(far.callId).timeline.some((t) => t.kind === 'pop' && /internal call/.test(t.text)));
    });
  }

  it('a keypad dial searches the dialled number and relates the single match, through to the log', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'false' }, records: { '+14155550134': [ALICE] } });
    const far = await h.dial('+14155550134');
    assert.deepEqual(
      h.crm.pops.map((p) => [p.direction, p.remote.number]),
      [['outbound', '+14155550134']],
    );
    assert.deepEqual(h.call(far.callId).relations.who, ALICE);
    await h.farHangsUp(far);
    assert.deepEqual(h.logsFor(far.callId)[0]?.who, ALICE);
  });

  it('a keypad dial with several matches lets the agent choose, as for an inbound call', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'false' }, records: { '+14155550134': [ALICE, BOB_LEAD] } });
    const far = await h.dial('+14155550134');
    assert.deepEqual(h.call(far.callId).relations.candidates, [ALICE, BOB_LEAD]);
    assert.equal(h.call(far.callId).relations.who, undefined, 'nobody is chosen for the agent');
    await h.run({ type: 'choose-record', callId: far.callId, record: BOB_LEAD });
    await h.farHangsUp(far);
    assert.deepEqual(h.logsFor(far.callId)[0]?.who, BOB_LEAD);
  });

  it('a click-to-dial or an internal dial is not searched', async () => {
    const h = await setup({ records: { '+14155550134': [ALICE], '1002': [BOB_LEAD] } });
    const clicked = await h.dial('+14155550134', ACME);
    assert.deepEqual(h.call(clicked.callId).relations.what, ACME);
    assert.equal(h.call(clicked.callId).relations.who, undefined);
    await h.farHangsUp(clicked);
    await h.wrapUp(clicked.callId);
    await h.dial('1002');
    assert.equal(h.crm.pops.length, 0);
  });

  it('a single match brings its related records along without making them choices (a Case and its contact)', async () => {
    const crm = new RecordingCrm({ settings: settingsMap({}) });
    const original = crm.screenPop.bind(crm);
    crm.screenPop = async (request) => ({ ...(await original(request)), kind: 'single', records: [CASE], related: [ALICE] });
    const h = await setup({ crm });
    const far = await h.ring({ attachedData: { caseNumber: '00001042' } });
    const rel = h.call(far.callId).relations;
    assert.deepEqual([rel.what, rel.who, rel.candidates], [CASE, ALICE, [CASE]]);
  });

  it('does not pop when the surface does not want pops', async () => {
    const h = await setup({ capabilities: { screenPop: false }, records: { '+14155550134': [ALICE] } });
    await h.talk();
    assert.equal(h.crm.pops.length, 0);
  });

  it('call waiting: the second caller is looked up but not opened while the agent talks; it opens on answer; each call keeps its own records', async () => {
    const ALAN: RecordRef = { id: '003000000000009AAA', objectType: 'Contact', name: 'Alan Turing' };
    const h = await setup({ records: { '+14155550134': [ALICE], '+442079460958': [ALAN] } });
    const tick = () => new Promise((r) => setTimeout(r, 5));
    const first = await h.talk();
    await tick();
    assert.equal(h.crm.shown?.id, ALICE.id);
    const second = await h.ring({ from: '+442079460958' });
    await tick();
    await h.settle();
    assert.equal(h.crm.pops.at(-1)?.navigate, false, 'searched without opening');
    assert.equal(h.crm.shown?.id, ALICE.id, 'the conversation in progress keeps its record on screen');
    assert.equal(h.call(second.callId).relations.who?.id, ALAN.id, 'the ringing card knows who calls');
    await h.run({ type: 'answer', callId: second.callId });
    await tick();
    await h.settle();
    assert.equal(h.crm.shown?.id, ALAN.id, 'answered: its record opens');
    assert.equal(h.crm.count('openRecord'), 1);
    assert.equal(h.call(first.callId).state, 'held');
    assert.deepEqual(
      [h.call(first.callId).relations.who?.id, (h.call(first.callId).relations.opened ?? []).map((r) => r.id)],
      [ALICE.id, []],
      "the first call did not take the second caller's record",
    );
    first.hangup();
    second.hangup();
    await h.settle();
    await h.wrapUp(first.callId);
    await h.wrapUp(second.callId);
    assert.deepEqual(
      h.crm.logs.map((l) => [l.callId, l.who?.id, l.what?.id]),
      [
        [first.callId, ALICE.id, undefined],
        [second.callId, ALAN.id, undefined],
      ],
    );
  });

  it('call waiting with an unknown second caller: the no-match form runs when the agent answers, not while they talk', async () => {
    const h = await setup({ records: { '+14155550134': [ALICE] } });
    await h.talk();
    const second = await h.ring({ from: '+16505550123' });
    assert.deepEqual(
      h.crm.pops.map((p) => p.navigate),
      [undefined, false],
    );
    await h.run({ type: 'answer', callId: second.callId });
    await h.settle();
    assert.deepEqual(
      h.crm.pops.map((p) => [p.remote.number, p.navigate]),
      [
        ['+14155550134', undefined],
        ['+16505550123', false],
        ['+16505550123', undefined],
      ],
    );
  });

  /** Holds every screen pop of `h` until the returned function is called (a slow Salesforce search). */
  function holdPops(h: Awaited<ReturnType<typeof setup>>): () => void {
    const original = h.crm.screenPop.bind(h.crm);
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    h.crm.screenPop = async (request) => {
      await gate;
      return original(request);
    };
    return release;
  }

  it('a caller who hangs up while the pop still searches: the missed call is logged on whom the pop found, once it has', async () => {
    const h = await setup({ records: { '+14155550134': [ALICE] } });
    const release = holdPops(h);
    const far = await h.ring();
    await h.callerGivesUp(far);
    assert.equal(h.crm.logs.length, 0, 'the log waits for the pop');
    release();
    await h.settle();
    await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(
      h.crm.logs.map((l) => [l.endReason, l.who?.id]),
      [['missed', ALICE.id]],
    );
  });

  it('a missed call whose pop still searches does not put the agent in wrap-up: the next caller rings', async () => {
    const h = await setup({ records: { '+14155550134': [ALICE] } });
    const release = holdPops(h);
    const first = await h.ring();
    await h.callerGivesUp(first);
    assert.equal(h.engine.state.presence.status, 'available', 'nothing to wrap up after a call nobody answered');
    await h.ring();
    assert.equal(h.offered.length, 2, 'the next call was offered');
    release();
    await h.settle();
  });

  it("a pop that lands after its call ended relates nothing to the next call; a dial does not take another call's record in view", async () => {
    const h = await setup({ items: { wrapUpEnabled: 'false' }, records: { '+14155550134': [ALICE] } });
    const missed = await h.ring();
    await h.callerGivesUp(missed);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(h.engine.state.recordInView?.id, ALICE.id, "the missed call's pop is on screen");
    const out = await h.dial('+442079460958');
    assert.equal(h.call(out.callId).relations.who, undefined, "the dial did not take the missed caller's record");
    h.crm.navigate(ALICE); // the missed call's pop, landing late
    await h.settle();
    assert.deepEqual(h.call(out.callId).relations.opened ?? [], []);
    h.crm.navigate(ACME); // a record the agent opens: related
    await h.settle();
    assert.equal(h.call(out.callId).relations.what?.id, ACME.id);
  });

  it('History survives the page: the next engine of the same extension shows the calls, another extension does not', async () => {
    const storage = new MemoryStorage();
    const phone = new FakePhoneSystem({ users: { '1001': 'secret', '1003': 'secret' } });
    const first = await setup({ storage, phone, items: { wrapUpEnabled: 'false' } });
    const far = await first.callEndedByCaller();
    await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(
      first.engine.state.recent.map((c) => c.id),
      [far.callId],
    );
    first.engine.dispose();
    const again = await setup({ storage, phone, items: { wrapUpEnabled: 'false' } });
    assert.deepEqual(
      again.engine.state.recent.map((c) => [c.id, c.state, c.endReason]),
      [[far.callId, 'closed', 'remote-hangup']],
    );
    const next = await again.callEndedByCaller({ from: '+14155550199' });
    assert.deepEqual(
      again.engine.state.recent.map((c) => c.id),
      [next.callId, far.callId],
      'newest first',
    );
    again.engine.dispose();
    const other = await setup({ storage, phone, signIn: false });
    await other.run({ type: 'sign-in', username: '1003', password: 'secret' });
    assert.deepEqual(other.engine.state.recent, [], 'another extension has its own History');
  });

  it('several matches become candidates; the agent chooses one, which is related, opened and logged', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'false' }, records: { '+14155550134': [ALICE, BOB_LEAD, ACME] } });
    const far = await h.talk();
    const rel = h.call(far.callId).relations;
    assert.deepEqual(rel.candidates, [ALICE, BOB_LEAD, ACME]);
    assert.equal(rel.who, undefined);
    assert.equal(rel.what, undefined);
    await h.run({ type: 'choose-record', callId: far.callId, record: BOB_LEAD });
    await h.run({ type: 'choose-record', callId: far.callId, record: ACME });
    assert.deepEqual(
      h.crm.calls.filter((c) => c.method === 'openRecord').map((c) => c.args[0]),
      [BOB_LEAD, ACME],
    );
    await h.farHangsUp(far);
    const [log] = h.logsFor(far.callId);
    assert.deepEqual(log?.who, BOB_LEAD);
    assert.deepEqual(log?.what, ACME);
  });

  it('a failing screen pop is reported but the call goes on', async () => {
    const h = await setup();
    h.crm.failNext('screenPop');
    const far = await h.talk();
    assert.equal(h.call(far.callId).state, 'active');
    assert.deepEqual(
      h.errors.map((e) => e.code),
      ['SB30002'],
    );
    assert.ok(h.call(far.callId).timeline.some((t) => t.kind === 'error' && /screen pop failed/.test(t.text)));
  });
});

// ── click-to-dial and relating records ─────────────────────────────────────────────────────────

describe('click-to-dial', () => {
  it('dials the clicked number and relates the record (Contact → who), through to the log', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'false' } });
    const far = await h.clickToDial({ number: '+1 (415) 555-0134', record: ALICE });
    assert.deepEqual(far.attachedData, { recordId: ALICE.id });
    const c = h.call(far.callId);
    assert.deepEqual([c.direction, c.state, c.relations.who], ['outbound', 'active', ALICE]);
    assert.ok(c.timeline.some((t) => /click-to-dial/.test(t.text)));
    await h.run({ type: 'hangup', callId: far.callId });
    assert.deepEqual(h.crm.logs[0]?.who, ALICE);
    assert.equal(h.crm.logs[0]?.what, undefined);
  });

  it('a click-to-dial on a Case relates it as what', async () => {
    const h = await setup();
    const far = await h.clickToDial({ number: '+14155550134', record: CASE });
    assert.deepEqual(h.call(far.callId).relations.what, CASE);
  });

  it('a plain dial relates the record in view; an internal dial does not', async () => {
    const h = await setup();
    h.crm.navigate(ACME);
    await h.settle();
    assert.deepEqual(h.engine.state.recordInView, ACME);
    const external = await h.dial('+442079460958');
    assert.deepEqual(h.call(external.callId).relations.what, ACME);
    await h.farHangsUp(external);
    await h.wrapUp(external.callId);
    const internal = await h.dial('1002');
    assert.equal(h.call(internal.callId).relations.what, undefined);
    h.crm.navigate(null);
    await h.settle();
    assert.equal(h.engine.state.recordInView, undefined);
  });

  it('a click-to-dial that cannot be placed is reported as an error', async () => {
    const h = await setup();
    h.phone.failNext('dial');
    h.crm.clickToDial({ number: '+14155550134' });
    await h.settle();
    assert.deepEqual(
      h.errors.map((e) => e.code),
      ['SB20004'],
    );
    assert.equal(h.engine.state.calls.length, 0);
    assert.equal(h.presence, 'available');
  });
});

describe('who and what: records the agent opens during the call, chosen in wrap-up', () => {
  const NEW_CONTACT: RecordRef = { id: '003000000000009AAA', objectType: 'Contact', name: 'New Caller' };
  const OTHER_CASE: RecordRef = { id: '500000000000009AAA', objectType: 'Case', name: '00009999' };

  it('a contact created for an unknown caller and an account opened mid-call are related and logged', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'true' } });
    const far = await h.talk();
    assert.equal(h.call(far.callId).relations.who, undefined, 'no match');
    h.crm.navigate(NEW_CONTACT);
    h.crm.navigate(ACME);
    h.crm.navigate({ id: '005000000000001AAA', objectType: 'User', name: 'Ada Agent' });
    await h.settle();
    const relations = h.call(far.callId).relations;
    assert.deepEqual([relations.who, relations.what], [NEW_CONTACT, ACME]);
    assert.deepEqual(relations.opened, [NEW_CONTACT, ACME], 'a User page is not something a call is about');
    assert.deepEqual(relations.candidates, [], 'opened records are not screen-pop matches (no chooser)');
    await h.run({ type: 'hangup', callId: far.callId });
    await h.wrapUp(far.callId);
    assert.deepEqual([h.logsFor(far.callId)[0]?.who, h.logsFor(far.callId)[0]?.what], [NEW_CONTACT, ACME]);
  });

  it('opening a second record keeps the first related; wrap-up chooses among them all', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'true' }, records: { '+14155550134': [ALICE] } });
    const far = await h.talk();
    h.crm.navigate(CASE);
    h.crm.navigate(OTHER_CASE);
    h.crm.navigate(NEW_CONTACT);
    await h.settle();
    assert.deepEqual([h.call(far.callId).relations.who, h.call(far.callId).relations.what], [ALICE, CASE], 'first come stays related');
    await h.run({ type: 'hangup', callId: far.callId });
    h.crm.navigate(BOB_LEAD);
    await h.settle();
    await h.run({ type: 'relate', callId: far.callId, whoId: NEW_CONTACT.id, whatId: OTHER_CASE.id });
    await h.wrapUp(far.callId);
    const log = h.logsFor(far.callId)[0];
    assert.deepEqual([log?.who, log?.what], [NEW_CONTACT, OTHER_CASE]);
  });

  it('a Lead as Who takes no What; choices outside the call or in the wrong slot are refused', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'true' } });
    const far = await h.talk();
    h.crm.navigate(ACME);
    h.crm.navigate(BOB_LEAD);
    await h.settle();
    assert.deepEqual([h.call(far.callId).relations.who, h.call(far.callId).relations.what], [undefined, ACME], 'the lead does not join an account');
    await h.run({ type: 'hangup', callId: far.callId });
    await rejectsWith(h, { type: 'relate', callId: far.callId, whoId: BOB_LEAD.id }, 'SB40002');
    await rejectsWith(h, { type: 'relate', callId: far.callId, whoId: ACME.id }, 'SB40002');
    await rejectsWith(h, { type: 'relate', callId: far.callId, whatId: CASE.id }, 'SB40002');
    await h.run({ type: 'relate', callId: far.callId, whoId: BOB_LEAD.id, whatId: null });
    await h.wrapUp(far.callId);
    const log = h.logsFor(far.callId)[0];
    assert.deepEqual([log?.who, log?.what], [BOB_LEAD, undefined]);
  });

  it('a disposition must be one of the call center; it can be cleared', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'true', dispositionCodes: 'Resolved:Resolved;FollowUp:Follow-up' } });
    const far = await h.talk();
    await h.run({ type: 'hangup', callId: far.callId });
    await rejectsWith(h, { type: 'set-wrap-up', callId: far.callId, disposition: 'Sold' }, 'SB40002');
    await rejectsWith(h, { type: 'complete-wrap-up', callId: far.callId, disposition: 'Sold' }, 'SB40002');
    await h.run({ type: 'set-wrap-up', callId: far.callId, disposition: 'FollowUp' });
    assert.equal(h.call(far.callId).disposition, 'FollowUp');
    await h.run({ type: 'set-wrap-up', callId: far.callId, disposition: null });
    assert.equal(h.call(far.callId).disposition, undefined);
    await h.wrapUp(far.callId);
    assert.equal(h.logsFor(far.callId)[0]?.disposition, undefined);
  });
});
