// The connector engine's decisions, driven against the behaving fakes: the in-memory phone system
// (src/telephony/fake), a recording CRM, a fake clock and in-memory storage.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectorEngine } from './connector-engine.ts';
import type { CallSnapshot } from '../call/call.ts';
import type { RecordRef } from '../call/call-types.ts';
import { SwitchboardError } from '../errors/catalog.ts';
import type { CrmCapabilities, CrmPort } from '../ports/crm-port.ts';
import type { PresenceStatus } from '../presence/presence.ts';
import type { JsonValue } from '../ports/storage.ts';
import { CapturingLogger, FakeClock, MemoryStorage, RecordingCrm, settingsMap } from '../testing/index.ts';
import { FakePhoneSystem, FakeTelephony, type CallAgentOptions, type FarEnd } from '../../telephony/fake/index.ts';
import { FakeCrm, type FakeRecord } from '../../crm/fake/index.ts';
import { parseConnectorSettings } from '../settings/connector-settings.ts';

const AGENT = { username: '1001', password: 'secret' };
const ALICE: RecordRef = { id: '003000000000001AAA', objectType: 'Contact', name: 'Alice Caller' };
const ACME: RecordRef = { id: '001000000000001AAA', objectType: 'Account', name: 'Acme' };
const BOB_LEAD: RecordRef = { id: '00Q000000000001AAA', objectType: 'Lead', name: 'Bob Lead' };
const CASE: RecordRef = { id: '500000000000001AAA', objectType: 'Case', name: '00001042' };

interface SetupOptions {
  /** Items of the switchboard section, as short names: `{ popTiming: 'answer' }`. */
  readonly items?: Readonly<Record<string, string>>;
  /** Raw settings-map overrides (full slash keys). */
  readonly map?: Readonly<Record<string, string>>;
  readonly capabilities?: Partial<CrmCapabilities>;
  readonly records?: Readonly<Record<string, readonly RecordRef[]>>;
  readonly storage?: MemoryStorage;
  readonly crm?: CrmPort;
  /** Sign in as 1001 after start (default true). */
  readonly signIn?: boolean;
  readonly phone?: FakePhoneSystem;
  /** Makes the telephony factory throw this (an adapter refusing the settings). */
  readonly telephonyError?: Error;
  /** The call journal's options (call-journal.ts). */
  readonly journal?: ConstructorParameters<typeof ConnectorEngine>[0]['journal'];
  /** Shares one clock between engines (two tabs, or a page and its reload). */
  readonly clock?: FakeClock;
}

/** Starts an engine on the fakes and (by default) signs the agent in. */
async function setup(options: SetupOptions = {}) {
  const clock = options.clock ?? new FakeClock();
  const phone = options.phone ?? new FakePhoneSystem({ users: { '1001': 'secret', '1002': { password: 'secret', displayName: 'Bob Colleague' }, '1003': 'secret' }, now: () => clock.now() });
  const items = Object.fromEntries(Object.entries(options.items ?? {}).map(([k, v]) => [`/switchboard/${k}`, v]));
  const crm = new RecordingCrm({ settings: settingsMap({ ...items, ...options.map }), ...(options.capabilities ? { capabilities: options.capabilities } : {}), ...(options.records ? { records: options.records } : {}) });
  const storage = options.storage ?? new MemoryStorage();
  const logger = new CapturingLogger();
  const telephonies: FakeTelephony[] = [];
  const engine = new ConnectorEngine({
    crm: options.crm ?? crm,
    createTelephony: () => {
      if (options.telephonyError) throw options.telephonyError;
      const t = phone.createTelephony();
      telephonies.push(t);
      return t;
    },
    storage,
    // The same store stands for the tab's sessionStorage here.
    historyStorage: storage,
    clock,
    logger,
    ...(options.journal ? { journal: options.journal } : {}),
  });
  const errors: SwitchboardError[] = [];
  const offered: string[] = [];
  const offerEnded: string[] = [];
  engine.events.on('error', (e) => errors.push(e));
  engine.events.on('offered', (c) => offered.push(c.id));
  engine.events.on('offerEnded', (id) => offerEnded.push(id));
  await engine.start();
  // Every settle also checks that no engine handler threw inside a telephony event.
  const settle = async () => {
    await phone.settle();
    for (const t of telephonies) assert.deepEqual(t.listenerErrors, [], 'an engine listener threw');
  };
  if (options.signIn !== false) {
    await engine.execute({ type: 'sign-in', ...AGENT });
    await settle();
  }
  const h = {
    engine, phone, crm, clock, storage, logger, errors, offered, offerEnded, settle,
    get telephony(): FakeTelephony {
      const t = telephonies[0];
      assert.ok(t, 'the engine built no telephony adapter');
      return t;
    },
    get presence(): PresenceStatus {
      return engine.state.presence.status;
    },
    call(id: string): CallSnapshot {
      const c = engine.state.calls.find((x) => x.id === id);
      assert.ok(c, `no live call ${id} in the engine state (calls: ${engine.state.calls.map((x) => `${x.id}=${x.state}`).join(', ') || 'none'})`);
      return c;
    },
    recent(id: string): CallSnapshot {
      const c = engine.state.recent.find((x) => x.id === id);
      assert.ok(c, `no finished call ${id} in the engine state`);
      return c;
    },
    logsFor(id: string) {
      return crm.logs.filter((l) => l.callId === id);
    },
    /** A caller rings the agent; resolves once the engine has seen the offer. */
    async ring(options: Partial<CallAgentOptions> = {}): Promise<FarEnd> {
      const far = phone.callAgent({ from: '+14155550134', ...options });
      await settle();
      return far;
    },
    /** A caller rings and the agent answers. */
    async talk(options: Partial<CallAgentOptions> = {}): Promise<FarEnd> {
      const far = await h.ring(options);
      assert.equal(far.status, 'ringing', 'the call was refused');
      await engine.execute({ type: 'answer', callId: far.callId });
      await settle();
      return far;
    },
    async run(command: Parameters<ConnectorEngine['execute']>[0]): Promise<void> {
      await engine.execute(command);
      await settle();
    },
    /** The agent dials; resolves with the far end once the engine holds the call. */
    async dial(number: string, record?: RecordRef): Promise<FarEnd> {
      await engine.execute({ type: 'dial', number, ...(record ? { record } : {}) });
      const far = phone.outboundCalls.at(-1);
      assert.ok(far);
      await settle();
      return far;
    },
  };
  return h;
}

type Harness = Awaited<ReturnType<typeof setup>>;

async function rejectsWith(h: Harness, command: Parameters<ConnectorEngine['execute']>[0], code: string): Promise<void> {
  await assert.rejects(h.engine.execute(command), (e: SwitchboardError) => {
    assert.equal(e.code, code, e.message);
    return true;
  });
  assert.equal(h.engine.state.lastError?.code, code);
}

// ── start, settings, registration ───────────────────────────────────────────────────────────

describe('engine start and sign-in', () => {
  it('reads the settings, tells the CRM it is ready, enables click-to-dial, waits signed out', async () => {
    const h = await setup({ signIn: false });
    assert.equal(h.engine.state.phase, 'signed-out');
    assert.equal(h.engine.state.settings?.sip.domain, 'pbx.example.com');
    assert.deepEqual(h.crm.methods.slice(0, 3), ['loadSettings', 'notifyReady', 'enableClickToDial']);
    assert.equal(h.engine.state.clickToDialEnabled, true);
    assert.equal(h.presence, 'offline');
  });

  it('goes misconfigured (and still tells the CRM it is ready) when the settings do not parse', async () => {
    const h = await setup({ signIn: false, map: { '/switchboard/sipWebSocketUrl': '', '/switchboard/wrapUpSeconds': 'soon' } });
    assert.equal(h.engine.state.phase, 'misconfigured');
    assert.equal(h.engine.state.lastError?.code, 'SB10001');
    assert.match(h.engine.state.lastError?.message ?? '', /sipWebSocketUrl is required/);
    assert.match(h.engine.state.lastError?.message ?? '', /wrapUpSeconds must be a whole number/);
    assert.deepEqual(h.errors.map((e) => e.code), ['SB10001']);
    assert.ok(h.crm.methods.includes('notifyReady'));
    await rejectsWith(h, { type: 'dial', number: '1002' }, 'SB20001');
    // The phone system adapter was never built: nothing to sign in to.
    await rejectsWith(h, { type: 'sign-in', ...AGENT }, 'SB10001');
  });

  it('goes misconfigured (and still tells the CRM it is ready) when the phone adapter refuses the settings', async () => {
    const h = await setup({ signIn: false, telephonyError: new SwitchboardError('SB10002', 'sipWebSocketUrl is not a WebSocket URL.') });
    assert.equal(h.engine.state.phase, 'misconfigured');
    assert.equal(h.engine.state.lastError?.code, 'SB10002');
    assert.deepEqual(h.errors.map((e) => e.code), ['SB10002']);
    assert.ok(h.crm.methods.includes('notifyReady'));
    const other = await setup({ signIn: false, telephonyError: new TypeError('bad ICE server') });
    assert.equal(other.engine.state.lastError?.code, 'SB10001');
  });

  it('tells the CRM it is ready while an asynchronous phone adapter is still loading, then waits signed out', async () => {
    const clock = new FakeClock();
    const phone = new FakePhoneSystem({ users: { '1001': 'secret' }, now: () => clock.now() });
    const crm = new RecordingCrm({ settings: settingsMap({}) });
    let release!: () => void;
    const loaded = new Promise<void>((resolve) => { release = resolve; });
    const engine = new ConnectorEngine({
      crm,
      createTelephony: async () => {
        await loaded;
        return phone.createTelephony();
      },
      storage: new MemoryStorage(),
      clock,
      logger: new CapturingLogger(),
    });
    const started = engine.start();
    // The adapter's code has not arrived, yet the panel is already declared ready.
    for (let i = 0; i < 20 && !crm.methods.includes('notifyReady'); i++) await Promise.resolve();
    assert.deepEqual(crm.methods, ['loadSettings', 'notifyReady']);
    assert.equal(engine.state.phase, 'loading');
    release();
    await started;
    assert.equal(engine.state.phase, 'signed-out');
    assert.deepEqual(crm.methods.filter((m) => m === 'notifyReady'), ['notifyReady']);
    await engine.execute({ type: 'sign-in', ...AGENT });
    assert.equal(engine.state.registration.state, 'registered');
    engine.dispose();
  });

  it('goes misconfigured (and tells the CRM it is ready once) when an asynchronous phone adapter fails to load', async () => {
    const crm = new RecordingCrm({ settings: settingsMap({}) });
    const engine = new ConnectorEngine({
      crm,
      createTelephony: () => Promise.reject(new TypeError('Failed to fetch dynamically imported module')),
      storage: new MemoryStorage(),
      clock: new FakeClock(),
      logger: new CapturingLogger(),
    });
    const errors: string[] = [];
    engine.events.on('error', (e) => errors.push(e.code));
    await engine.start();
    assert.equal(engine.state.phase, 'misconfigured');
    assert.equal(engine.state.lastError?.code, 'SB10001');
    assert.deepEqual(errors, ['SB10001']);
    assert.deepEqual(crm.methods, ['loadSettings', 'notifyReady']);
    engine.dispose();
  });

  it('signs in: registers, becomes available, publishes presence to the phone system and the CRM', async () => {
    const h = await setup();
    assert.equal(h.engine.state.phase, 'ready');
    assert.equal(h.engine.state.registration.state, 'registered');
    assert.equal(h.presence, 'available');
    assert.deepEqual(h.phone.publishedPresence('1001'), ['available']);
    assert.equal(h.crm.presence.at(-1)?.status, 'available');
  });

  it('calls notifyReady before registration completes, and a hanging registration does not block start()', { timeout: 30_000 }, async () => {
    const clock = new FakeClock();
    const phone = new FakePhoneSystem({ users: { '1001': 'secret' }, now: () => clock.now() });
    phone.pauseRegistrations();
    const h = await setup({ phone, signIn: false, items: { sipUsername: '1001', sipPassword: 'secret' } });
    // start() returned although the registration is still pending.
    await h.settle();
    assert.equal(h.engine.state.registration.state, 'connecting');
    assert.equal(h.engine.state.phase, 'ready');
    assert.ok(h.crm.methods.includes('notifyReady'));
    assert.equal(h.presence, 'offline');
    phone.releaseRegistrations();
    await h.settle();
    assert.equal(h.engine.state.registration.state, 'registered');
    assert.equal(h.presence, 'available');
  });

  it('a wrong password fails sign-in with SB20001 and returns to the sign-in form', async () => {
    const h = await setup({ signIn: false });
    await rejectsWith(h, { type: 'sign-in', username: '1001', password: 'wrong' }, 'SB20001');
    await h.settle();
    assert.equal(h.engine.state.phase, 'signed-out');
    assert.deepEqual(h.engine.state.registration, { state: 'failed', code: 'SB20001', reason: '403 Forbidden (wrong extension or password)' });
    assert.equal(h.presence, 'offline');
    // And then the right one works.
    await h.run({ type: 'sign-in', ...AGENT });
    assert.equal(h.engine.state.phase, 'ready');
  });

  it('signing out during wrap-up completes it (the call is logged) and goes offline', async () => {
    const h = await setup();
    const far = await h.talk();
    far.hangup();
    await h.settle();
    await h.run({ type: 'set-wrap-up', callId: far.callId, notes: 'half written' });
    await h.run({ type: 'sign-out' });
    assert.deepEqual(h.crm.logs.map((l) => [l.callId, l.notes]), [[far.callId, 'half written']]);
    assert.equal(h.engine.state.calls.length, 0);
    assert.equal(h.presence, 'offline');
    assert.equal(h.engine.state.phase, 'signed-out');
    assert.deepEqual(h.phone.publishedPresence('1001').slice(-2), ['wrap-up', 'offline'], 'no flicker through available');
  });

  it('asks for credentials when neither the command nor the settings give them', async () => {
    const h = await setup({ signIn: false });
    await rejectsWith(h, { type: 'sign-in' }, 'SB20001');
  });

  it('follows a dropped connection: reconnecting, then registered again, presence re-published', async () => {
    const h = await setup();
    h.phone.dropConnection({ reason: 'WebSocket closed (1006)' });
    await h.settle();
    const r = h.engine.state.registration;
    assert.equal(r.state, 'reconnecting');
    assert.equal(r.state === 'reconnecting' ? r.reason : '', 'WebSocket closed (1006)');
    h.phone.restoreConnection();
    await h.settle();
    assert.equal(h.engine.state.registration.state, 'registered');
    assert.deepEqual(h.phone.publishedPresence('1001'), ['available', 'available']);
  });

  it('signs out: offline, unregistered; refused with a call up', async () => {
    const h = await setup();
    const far = await h.talk();
    await rejectsWith(h, { type: 'sign-out' }, 'SB40002');
    far.hangup();
    await h.settle();
    await h.run({ type: 'complete-wrap-up', callId: far.callId });
    await h.run({ type: 'sign-out' });
    assert.equal(h.engine.state.phase, 'signed-out');
    assert.equal(h.engine.state.registration.state, 'unregistered');
    assert.equal(h.presence, 'offline');
    // Unregistered: the phone system answers callers 480 itself.
    assert.equal(h.phone.callAgent({ from: '+14155550199', to: '1001' }).sipCode, 480);
  });
});

describe('engine robustness', () => {
  it('a throwing UI listener is logged and breaks nothing', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'false' } });
    h.engine.events.on('change', () => {
      throw new Error('render failed');
    });
    h.engine.events.on('offered', () => {
      throw new Error('ringer failed');
    });
    const far = await h.talk();
    far.hangup();
    await h.settle();
    assert.equal(h.crm.count('logCall'), 1);
    assert.ok(h.logger.find('error', "listener for 'change' threw").length > 0);
    assert.equal(h.logger.find('error', "listener for 'offered' threw").length, 1);
  });

  it('after dispose the engine no longer follows the phone system and cancels its timers', async () => {
    const h = await setup({ items: { wrapUpSeconds: '30' } });
    const far = await h.talk();
    far.hangup();
    await h.settle();
    assert.equal(h.clock.pending, 2, 'the wrap-up time limit and the call journal heartbeat');
    h.engine.dispose();
    assert.equal(h.clock.pending, 0);
    const before = h.engine.state;
    assert.equal(h.phone.callAgent({ from: '+14155550999' }).status, 'refused');
    h.phone.restoreConnection();
    await h.settle();
    assert.equal(h.engine.state, before);
  });
});

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
    far.cancel();
    await h.settle();
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
    assert.deepEqual(h.crm.pops.map((p) => [p.direction, p.remote.number]), [['outbound', '+14155550134']]);
    assert.deepEqual(h.call(far.callId).relations.who, ALICE);
    far.hangup();
    await h.settle();
    assert.deepEqual(h.logsFor(far.callId)[0]?.who, ALICE);
  });

  it('a keypad dial with several matches lets the agent choose, as for an inbound call', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'false' }, records: { '+14155550134': [ALICE, BOB_LEAD] } });
    const far = await h.dial('+14155550134');
    assert.deepEqual(h.call(far.callId).relations.candidates, [ALICE, BOB_LEAD]);
    assert.equal(h.call(far.callId).relations.who, undefined, 'nobody is chosen for the agent');
    await h.run({ type: 'choose-record', callId: far.callId, record: BOB_LEAD });
    far.hangup();
    await h.settle();
    assert.deepEqual(h.logsFor(far.callId)[0]?.who, BOB_LEAD);
  });

  it('a click-to-dial or an internal dial is not searched', async () => {
    const h = await setup({ records: { '+14155550134': [ALICE], '1002': [BOB_LEAD] } });
    const clicked = await h.dial('+14155550134', ACME);
    assert.deepEqual(h.call(clicked.callId).relations.what, ACME);
    assert.equal(h.call(clicked.callId).relations.who, undefined);
    clicked.hangup();
    await h.settle();
    await h.run({ type: 'complete-wrap-up', callId: clicked.callId });
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
    assert.deepEqual([h.call(first.callId).relations.who?.id, (h.call(first.callId).relations.opened ?? []).map((r) => r.id)], [ALICE.id, []], 'the first call did not take the second caller\'s record');
    first.hangup();
    second.hangup();
    await h.settle();
    await h.run({ type: 'complete-wrap-up', callId: first.callId });
    await h.run({ type: 'complete-wrap-up', callId: second.callId });
    assert.deepEqual(h.crm.logs.map((l) => [l.callId, l.who?.id, l.what?.id]), [[first.callId, ALICE.id, undefined], [second.callId, ALAN.id, undefined]]);
  });

  it('call waiting with an unknown second caller: the no-match form runs when the agent answers, not while they talk', async () => {
    const h = await setup({ records: { '+14155550134': [ALICE] } });
    await h.talk();
    const second = await h.ring({ from: '+16505550123' });
    assert.deepEqual(h.crm.pops.map((p) => p.navigate), [undefined, false]);
    await h.run({ type: 'answer', callId: second.callId });
    await h.settle();
    assert.deepEqual(h.crm.pops.map((p) => [p.remote.number, p.navigate]), [['+14155550134', undefined], ['+16505550123', false], ['+16505550123', undefined]]);
  });

  /** Holds every screen pop of `h` until the returned function is called (a slow Salesforce search). */
  function holdPops(h: Awaited<ReturnType<typeof setup>>): () => void {
    const original = h.crm.screenPop.bind(h.crm);
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
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
    far.cancel();
    await h.settle();
    assert.equal(h.crm.logs.length, 0, 'the log waits for the pop');
    release();
    await h.settle();
    await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(h.crm.logs.map((l) => [l.endReason, l.who?.id]), [['missed', ALICE.id]]);
  });

  it('a missed call whose pop still searches does not put the agent in wrap-up: the next caller rings', async () => {
    const h = await setup({ records: { '+14155550134': [ALICE] } });
    const release = holdPops(h);
    const first = await h.ring();
    first.cancel();
    await h.settle();
    assert.equal(h.engine.state.presence.status, 'available', 'nothing to wrap up after a call nobody answered');
    await h.ring();
    assert.equal(h.offered.length, 2, 'the next call was offered');
    release();
    await h.settle();
  });

  it('a pop that lands after its call ended relates nothing to the next call; a dial does not take another call\'s record in view', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'false' }, records: { '+14155550134': [ALICE] } });
    const missed = await h.ring();
    missed.cancel();
    await h.settle();
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(h.engine.state.recordInView?.id, ALICE.id, 'the missed call\'s pop is on screen');
    const out = await h.dial('+442079460958');
    assert.equal(h.call(out.callId).relations.who, undefined, 'the dial did not take the missed caller\'s record');
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
    const far = await first.talk();
    far.hangup();
    await first.settle();
    await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(first.engine.state.recent.map((c) => c.id), [far.callId]);
    first.engine.dispose();
    const again = await setup({ storage, phone, items: { wrapUpEnabled: 'false' } });
    assert.deepEqual(again.engine.state.recent.map((c) => [c.id, c.state, c.endReason]), [[far.callId, 'closed', 'remote-hangup']]);
    const next = await again.talk({ from: '+14155550199' });
    next.hangup();
    await again.settle();
    assert.deepEqual(again.engine.state.recent.map((c) => c.id), [next.callId, far.callId], 'newest first');
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
    assert.deepEqual(h.crm.calls.filter((c) => c.method === 'openRecord').map((c) => c.args[0]), [BOB_LEAD, ACME]);
    far.hangup();
    await h.settle();
    const [log] = h.logsFor(far.callId);
    assert.deepEqual(log?.who, BOB_LEAD);
    assert.deepEqual(log?.what, ACME);
  });

  it('a failing screen pop is reported but the call goes on', async () => {
    const h = await setup();
    h.crm.failNext('screenPop');
    const far = await h.talk();
    assert.equal(h.call(far.callId).state, 'active');
    assert.deepEqual(h.errors.map((e) => e.code), ['SB30002']);
    assert.ok(h.call(far.callId).timeline.some((t) => t.kind === 'error' && /screen pop failed/.test(t.text)));
  });
});

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
    await h.run({ type: 'complete-wrap-up', callId: far.callId, notes: 'Customer will call back.' });
    await h.run({ type: 'complete-wrap-up', callId: far.callId, disposition: 'Resolved' });
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
    assert.deepEqual(h.crm.logs.map((l) => [l.callId, l.endReason]), [[far.callId, 'local-hangup']]);
    assert.equal(h.presence, 'available');
    assert.equal(h.engine.state.activeCallId, undefined);
  });

  it('remote hangup goes to wrap-up, then logs once', async () => {
    const h = await setup();
    const far = await h.talk();
    far.hangup();
    await h.settle();
    assert.equal(h.call(far.callId).state, 'wrap-up');
    assert.equal(h.call(far.callId).endReason, 'remote-hangup');
    await h.run({ type: 'complete-wrap-up', callId: far.callId });
    assert.deepEqual(h.crm.logs.map((l) => l.endReason), ['remote-hangup']);
  });

  it('missed: the caller gives up; logged at once without wrap-up, unanswered', async () => {
    const h = await setup();
    const far = await h.ring();
    assert.deepEqual(h.offered, [far.callId]);
    far.cancel();
    await h.settle();
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
    far.cancel({ answeredElsewhere: true });
    await h.settle();
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
    assert.deepEqual(h.crm.logs.map((l) => [l.endReason, l.origin]), [['declined', 'offered']]);
    assert.deepEqual(h.offerEnded, [far.callId]);
    assert.equal(h.presence, 'available');
  });

  it('declining a ring-group offer answers 486 (480 once away), so the group\'s other phones keep ringing', async () => {
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
    assert.deepEqual(h.crm.logs.map((l) => l.endReason), ['declined', 'declined']);
  });

  it('hanging up an offered call declines it', async () => {
    const h = await setup();
    const far = await h.ring();
    await h.run({ type: 'hangup', callId: far.callId });
    assert.deepEqual(h.crm.logs.map((l) => l.endReason), ['declined']);
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
    await h.run({ type: 'complete-wrap-up', callId: far.callId, disposition: 'Resolved', notes: 'billing question, sent to Bob' });
    assert.equal(h.crm.logs.length, 1);
    const log = h.crm.logs[0]!;
    assert.deepEqual([log.endReason, log.disposition, log.notes], ['transferred', 'Resolved', 'billing question, sent to Bob']);
    assert.deepEqual(log.transfer && { kind: log.transfer.kind, target: log.transfer.target }, { kind: 'blind', target: { number: '1002', displayName: 'Bob Colleague' } });
    assert.equal(h.engine.state.calls.length, 0);
    assert.equal(h.presence, 'available');
    const notes = h.recent(far.callId).timeline.filter((t) => t.kind === 'transfer').map((t) => t.text);
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
    await h.run({ type: 'complete-wrap-up', callId: far.callId });
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
    const far = await h.talk();
    far.hangup();
    await h.settle();
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
    await h.run({ type: 'complete-wrap-up', callId: far.callId, disposition: 'Resolved' });
    assert.equal(h.crm.count('logCall'), 1);
    assert.equal(h.clock.pending, 0);
  });

  it('completing wrap-up early cancels the time limit', async () => {
    const h = await setup({ items: { wrapUpSeconds: '30' } });
    const far = await h.talk();
    far.hangup();
    await h.settle();
    assert.equal(h.clock.pending, 2, 'the wrap-up time limit and the call journal heartbeat');
    await h.run({ type: 'complete-wrap-up', callId: far.callId });
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
    const far = await h.talk();
    far.hangup();
    await h.settle();
    const before = h.call(far.callId);
    h.telephony.events.emit('ended', far.callId, 'failed', 'late duplicate');
    await h.settle();
    assert.equal(h.call(far.callId), before);
    assert.deepEqual(h.logger.find('error'), []);
    await h.run({ type: 'complete-wrap-up', callId: far.callId });
    assert.equal(h.crm.count('logCall'), 1);
  });

  it('a call id the adapter announces again after the call closed is never logged twice', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'false' } });
    const far = await h.ring();
    far.cancel();
    await h.settle();
    // A misbehaving adapter re-announces the same call id (the contract says ids are unique).
    h.telephony.events.emit('incoming', { callId: far.callId, remote: { number: '+14155550134' }, attachedData: {}, internal: false });
    h.telephony.events.emit('ended', far.callId, 'missed');
    await h.settle();
    assert.equal(h.crm.count('logCall'), 1);
  });

  it('concurrent complete-wrap-up commands log once', async () => {
    const h = await setup();
    const far = await h.talk();
    far.hangup();
    await h.settle();
    await Promise.all([
      h.engine.execute({ type: 'complete-wrap-up', callId: far.callId }),
      h.engine.execute({ type: 'complete-wrap-up', callId: far.callId }),
    ]);
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
    const far = await h.talk();
    far.hangup();
    await h.settle();
    assert.equal(h.crm.count('logCall'), 1);
    assert.deepEqual(h.errors.map((e) => e.code), ['SB30003']);
    assert.equal(h.logger.find('error', 'call log could not be queued').length, 1);
  });

  it('does not log when the surface logs by itself', async () => {
    const h = await setup({ capabilities: { callLogging: false }, items: { wrapUpEnabled: 'false' } });
    const far = await h.talk();
    far.hangup();
    await h.settle();
    assert.equal(h.crm.count('logCall'), 0);
    assert.equal(h.recent(far.callId).state, 'closed');
  });

  it('an outbound call the far end refuses as busy is logged once as busy', async () => {
    const h = await setup();
    h.phone.setFarEnd('+442079460958', 'busy');
    const far = await h.dial('+442079460958');
    assert.equal(far.sipCode, 486);
    assert.deepEqual(h.crm.logs.map((l) => [l.direction, l.endReason, l.durationSeconds]), [['outbound', 'busy', 0]]);
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
    assert.deepEqual(why, [[404, 'not-found'], [503, 'failed'], [603, 'rejected']]);
    // Each is logged at once, marked as one the agent placed (a Task says "Failed call to …").
    assert.deepEqual(h.crm.logs.map((l) => [l.origin, l.endReason]), [['dialed', 'not-found'], ['dialed', 'failed'], ['dialed', 'rejected']]);
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
    assert.deepEqual(h.crm.logs.map((l) => [l.direction, l.endReason, l.durationSeconds]), [['outbound', 'local-hangup', 61]]);
  });
});

// ── presence ──────────────────────────────────────────────────────────────────────────────────

describe('presence', () => {
  for (const [status, prepare] of [
    ['away', async (h: Harness) => h.run({ type: 'set-presence', status: 'away', reasonId: 'Lunch' })],
    ['offline', async (h: Harness) => h.run({ type: 'set-presence', status: 'offline' })],
    ['wrap-up', async (h: Harness) => {
      const far = await h.talk();
      far.hangup();
      await h.settle();
    }],
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
    far.hangup();
    await h.settle();
    assert.equal(h.presence, 'available');
    assert.deepEqual(h.phone.publishedPresence('1001'), ['available', 'on-call', 'available']);
  });

  it('with wrap-up: on-call → wrap-up → the status chosen before the call', async () => {
    const h = await setup();
    const far = await h.talk();
    far.hangup();
    await h.settle();
    assert.equal(h.presence, 'wrap-up');
    await h.run({ type: 'complete-wrap-up', callId: far.callId });
    assert.equal(h.presence, 'available');
  });

  it('after a call, returns to away with the reason chosen before an outbound call', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'false' } });
    await h.run({ type: 'set-presence', status: 'away', reasonId: 'Training' });
    const far = await h.dial('1002');
    assert.equal(h.presence, 'on-call');
    far.hangup();
    await h.settle();
    assert.deepEqual([h.presence, h.engine.state.presence.reasonId], ['away', 'Training']);
  });

  it('a status chosen during the call applies after wrap-up', async () => {
    const h = await setup();
    const far = await h.talk();
    await h.run({ type: 'set-presence', status: 'away', reasonId: 'Lunch' });
    assert.equal(h.presence, 'on-call');
    assert.deepEqual(h.engine.state.presence.returnTo, { status: 'away', reasonId: 'Lunch' });
    far.hangup();
    await h.settle();
    assert.equal(h.presence, 'wrap-up');
    await h.run({ type: 'complete-wrap-up', callId: far.callId });
    assert.deepEqual([h.presence, h.engine.state.presence.reasonId], ['away', 'Lunch']);
  });

  it('a status chosen during wrap-up applies when wrap-up ends', async () => {
    const h = await setup();
    const far = await h.talk();
    far.hangup();
    await h.settle();
    await h.run({ type: 'set-presence', status: 'offline' });
    assert.equal(h.presence, 'wrap-up');
    await h.run({ type: 'complete-wrap-up', callId: far.callId });
    assert.equal(h.presence, 'offline');
  });

  it('a status Omni-Channel chooses during the call applies after the call', async () => {
    const h = await setup();
    const far = await h.talk();
    h.crm.omniChannelPresence({ status: 'away', reasonId: 'Break' });
    await h.settle();
    assert.equal(h.presence, 'on-call');
    far.hangup();
    await h.settle();
    await h.run({ type: 'complete-wrap-up', callId: far.callId });
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
    assert.deepEqual(burst.map((f) => f.status), ['ringing', 'ringing', 'refused']);
    await h.settle();
    assert.equal(h.engine.state.calls.length, 2);
    const single = await setup({ items: { callWaiting: 'false' } });
    const pair = [1, 2].map((n) => single.phone.callAgent({ from: `+1415555020${n}` }));
    assert.deepEqual(pair.map((f) => f.status), ['ringing', 'refused']);
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
    await h.run({ type: 'consult', callId: caller.callId, target: '1002' });
    const consultation = h.phone.outboundCalls.at(-1);
    assert.ok(consultation);
    const c = h.call(consultation.callId);
    assert.deepEqual([c.direction, c.consultationFor, c.remote.displayName, c.state], ['internal', caller.callId, 'Bob Colleague', 'active']);
    assert.equal(h.call(caller.callId).state, 'held');
    h.clock.advance(20_000);
    await h.run({ type: 'complete-transfer', callId: caller.callId, consultationId: consultation.callId });
    assert.deepEqual([caller.endReason, consultation.endReason], ['transferred', 'transferred']);
    // One conversation, one wrap-up, one Task: the consultation is folded into the caller's.
    assert.deepEqual(h.engine.state.calls.map((c) => [c.id, c.state]), [[caller.callId, 'wrap-up']]);
    await h.run({ type: 'complete-wrap-up', callId: caller.callId, disposition: 'Resolved' });
    assert.deepEqual(h.crm.logs.map((l) => [l.callId, l.endReason]), [[caller.callId, 'transferred']]);
    const log = h.crm.logs[0]!;
    assert.deepEqual(log.transfer && [log.transfer.kind, log.transfer.target.number, log.transfer.target.displayName], ['consultative', '1002', 'Bob Colleague']);
    assert.deepEqual(log.consultations?.map((c) => [c.callId, c.target.number, c.talkSeconds, c.outcome]), [[consultation.callId, '1002', 20, 'transferred']]);
    assert.equal(h.presence, 'available');
  });

  it('logConsultations separate: the consultation has its own Task too, but never a wrap-up', async () => {
    const h = await setup({ items: { logConsultations: 'separate' } });
    const caller = await h.talk();
    await h.run({ type: 'consult', callId: caller.callId, target: '1002' });
    const consultation = h.phone.outboundCalls.at(-1);
    assert.ok(consultation);
    await h.run({ type: 'complete-transfer', callId: caller.callId, consultationId: consultation.callId });
    assert.deepEqual(h.crm.logs.map((l) => [l.callId, l.direction]), [[consultation.callId, 'internal']]);
    await h.run({ type: 'complete-wrap-up', callId: caller.callId });
    assert.deepEqual(h.crm.logs.map((l) => l.callId), [consultation.callId, caller.callId]);
  });

  it('leaving a two-party conference hands the caller to the colleague: one wrap-up, one Task saying so', async () => {
    const h = await setup();
    const caller = await h.talk();
    await h.run({ type: 'consult', callId: caller.callId, target: '1002' });
    const consultation = h.phone.outboundCalls.at(-1);
    assert.ok(consultation);
    await h.run({ type: 'conference', callIds: [caller.callId, consultation.callId] });
    await rejectsWith(h, { type: 'leave-conference', callId: 'nope' }, 'SB20006');
    await h.run({ type: 'leave-conference', callId: consultation.callId });
    // The caller's call is the one handed on, whichever card the agent pressed.
    assert.deepEqual([caller.endReason, consultation.endReason, caller.transferredTo], ['transferred', 'transferred', '1002']);
    assert.deepEqual(h.engine.state.calls.map((c) => [c.id, c.state]), [[caller.callId, 'wrap-up']]);
    await h.run({ type: 'complete-wrap-up', callId: caller.callId, notes: 'Bob takes it from here' });
    assert.equal(h.crm.logs.length, 1);
    const log = h.crm.logs[0]!;
    assert.deepEqual([log.callId, log.transfer?.kind, log.transfer?.target.number], [caller.callId, 'conference', '1002']);
    assert.deepEqual(log.consultations?.map((c) => c.outcome), ['conferenced']);
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
    await h.run({ type: 'consult', callId: caller.callId, target: '1002' });
    const consultation = h.phone.outboundCalls.at(-1);
    assert.ok(consultation);
    h.clock.advance(15_000);
    consultation.hangup();
    await h.settle();
    assert.equal(h.call(caller.callId).state, 'held');
    assert.deepEqual(h.engine.state.calls.map((c) => c.id), [caller.callId], 'the consultation has no wrap-up of its own');
    await h.run({ type: 'resume', callId: caller.callId });
    assert.equal(h.call(caller.callId).state, 'active');
    assert.equal(h.presence, 'on-call');
    caller.hangup();
    await h.settle();
    await h.run({ type: 'complete-wrap-up', callId: caller.callId });
    assert.deepEqual(h.crm.logs.map((l) => l.callId), [caller.callId]);
    assert.deepEqual(h.crm.logs[0]!.consultations?.map((c) => [c.talkSeconds, c.outcome]), [[15, 'ended']]);
    assert.equal(h.crm.logs[0]!.transfer, undefined);
  });

  it('a completed transfer the phone system refuses leaves the caller held (SB20005)', async () => {
    const h = await setup();
    const caller = await h.talk();
    await h.run({ type: 'consult', callId: caller.callId, target: '1002' });
    const consultation = h.phone.outboundCalls.at(-1);
    assert.ok(consultation);
    h.phone.failNext('completeTransfer');
    await rejectsWith(h, { type: 'complete-transfer', callId: caller.callId, consultationId: consultation.callId }, 'SB20005');
    assert.equal(h.call(caller.callId).state, 'held');
    assert.equal(h.call(consultation.callId).state, 'active');
  });

  it('conference: the held call joins, both are active and mixed', async () => {
    const h = await setup();
    const caller = await h.talk();
    await h.run({ type: 'consult', callId: caller.callId, target: '1002' });
    const consultation = h.phone.outboundCalls.at(-1);
    assert.ok(consultation);
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
    await h.run({ type: 'consult', callId: caller.callId, target: '1002' });
    const consultation = h.phone.outboundCalls.at(-1);
    assert.ok(consultation);
    await h.run({ type: 'conference', callIds: [caller.callId, consultation.callId] });
    consultation.hangup();
    await h.settle();
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

  it('a consultation the colleague refuses is folded into the caller\'s log as busy; the caller stays held', async () => {
    const h = await setup();
    h.phone.setFarEnd('1002', 'busy');
    const caller = await h.talk();
    await h.run({ type: 'consult', callId: caller.callId, target: '1002' });
    const consultation = h.phone.outboundCalls.at(-1);
    assert.ok(consultation);
    assert.deepEqual(h.logsFor(consultation.callId), []);
    assert.equal(h.call(caller.callId).state, 'held');
    assert.equal(h.presence, 'on-call');
    assert.deepEqual(h.call(caller.callId).consultations?.map((c) => [c.outcome, c.endReason]), [['not-answered', 'busy']]);
  });

  it('two calls ending into wrap-up: presence stays wrap-up until both are completed, each logged once', async () => {
    const h = await setup();
    const first = await h.talk({ from: '+14155550101' });
    const second = await h.ring({ from: '+14155550102' });
    first.hangup();
    await h.settle();
    assert.equal(h.call(first.callId).state, 'wrap-up');
    assert.equal(h.presence, 'on-call', 'a call is still ringing');
    await h.run({ type: 'answer', callId: second.callId });
    second.hangup();
    await h.settle();
    assert.equal(h.presence, 'wrap-up');
    await h.run({ type: 'complete-wrap-up', callId: first.callId });
    assert.equal(h.presence, 'wrap-up');
    await h.run({ type: 'complete-wrap-up', callId: second.callId });
    assert.equal(h.presence, 'available');
    assert.deepEqual(h.crm.logs.map((l) => l.callId), [first.callId, second.callId]);
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

// ── click-to-dial and relating records ─────────────────────────────────────────────────────────

describe('click-to-dial', () => {
  it('dials the clicked number and relates the record (Contact → who), through to the log', async () => {
    const h = await setup({ items: { wrapUpEnabled: 'false' } });
    h.crm.clickToDial({ number: '+1 (415) 555-0134', record: ALICE });
    await h.settle();
    const far = h.phone.outboundCalls.at(-1);
    assert.ok(far);
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
    h.crm.clickToDial({ number: '+14155550134', record: CASE });
    await h.settle();
    const far = h.phone.outboundCalls.at(-1);
    assert.ok(far);
    assert.deepEqual(h.call(far.callId).relations.what, CASE);
  });

  it('a plain dial relates the record in view; an internal dial does not', async () => {
    const h = await setup();
    h.crm.navigate(ACME);
    await h.settle();
    assert.deepEqual(h.engine.state.recordInView, ACME);
    const external = await h.dial('+442079460958');
    assert.deepEqual(h.call(external.callId).relations.what, ACME);
    external.hangup();
    await h.settle();
    await h.run({ type: 'complete-wrap-up', callId: external.callId });
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
    assert.deepEqual(h.errors.map((e) => e.code), ['SB20004']);
    assert.equal(h.engine.state.calls.length, 0);
    assert.equal(h.presence, 'available');
  });
});

// ── against the behaving Salesforce (src/crm/fake) ─────────────────────────────────────────────

describe('engine with FakeCrm (the behaving Salesforce)', () => {
  const ADA: FakeRecord = { id: '003000000000000ADA', objectType: 'Contact', name: 'Ada Lovelace', phones: ['(415) 555-0134'] };
  const ACME_ACCOUNT: FakeRecord = { id: '001000000000000ACM', objectType: 'Account', name: 'Acme', phones: ['+1 415 555 0134'] };

  async function salesforce(options: { items?: Readonly<Record<string, string>>; records?: readonly FakeRecord[]; settingsError?: string } = {}) {
    const items = Object.fromEntries(Object.entries(options.items ?? {}).map(([k, v]) => [`/switchboard/${k}`, v]));
    const parsed = parseConnectorSettings(settingsMap(items));
    assert.ok(parsed.ok);
    const fake = new FakeCrm({ settings: parsed.settings, ...(options.records ? { records: options.records } : {}), ...(options.settingsError ? { settingsError: options.settingsError } : {}) });
    const h = await setup({ crm: fake, ...(options.items ? { items: options.items } : {}), signIn: options.settingsError === undefined });
    return { h, fake };
  }

  it('pops the one matching record in the console and logs exactly one Task for the call', async () => {
    const { h, fake } = await salesforce({ records: [ADA] });
    assert.equal(fake.clickToDialEnabled, true);
    assert.equal(fake.readNotifications, 1);
    const far = await h.talk({ from: '+14155550134' });
    assert.equal(fake.pops.length, 1);
    assert.equal(h.call(far.callId).relations.who?.id, ADA.id);
    far.hangup();
    await h.settle();
    await h.run({ type: 'complete-wrap-up', callId: far.callId, disposition: 'Resolved', notes: 'Asked about engines.' });
    await h.run({ type: 'complete-wrap-up', callId: far.callId });
    await fake.settle();
    const tasks = fake.savedLogs.filter((t) => t.fields['CallObject'] === far.callId);
    assert.equal(tasks.length, 1);
    assert.equal(tasks[0]?.fields['WhoId'], ADA.id);
    assert.equal(tasks[0]?.fields['CallDisposition'], 'Resolved');
    assert.equal(fake.logRequests.length, 1);
  });

  it('several matches: candidates for the agent; the chosen one is opened and logged', async () => {
    const { h, fake } = await salesforce({ records: [ADA, ACME_ACCOUNT], items: { wrapUpEnabled: 'false' } });
    const far = await h.talk({ from: '+14155550134' });
    assert.deepEqual(h.call(far.callId).relations.candidates.map((r) => r.id).sort(), [ACME_ACCOUNT.id, ADA.id].sort());
    assert.equal(h.call(far.callId).relations.who, undefined);
    const acme = h.call(far.callId).relations.candidates.find((r) => r.id === ACME_ACCOUNT.id);
    assert.ok(acme);
    await h.run({ type: 'choose-record', callId: far.callId, record: acme });
    assert.deepEqual(fake.openedRecords.map((r) => r.id), [ACME_ACCOUNT.id]);
    far.hangup();
    await h.settle();
    await fake.settle();
    assert.deepEqual(fake.savedLogs.map((t) => [t.fields['CallObject'], t.fields['WhatId']]), [[far.callId, ACME_ACCOUNT.id]]);
  });

  it('a log whose save answer is lost is retried and still saved once', async () => {
    const { h, fake } = await salesforce({ items: { wrapUpEnabled: 'false' } });
    fake.failNextLogs(2, 'lost');
    const far = await h.talk();
    far.hangup();
    await h.settle();
    await fake.settle();
    assert.equal(fake.savedLogs.filter((t) => t.fields['CallObject'] === far.callId).length, 1);
    assert.equal(fake.logRequests.length, 1, 'the engine asked once; the outbox did the retrying');
  });

  it('click-to-dial in Salesforce places the call related to the record', async () => {
    const { h, fake } = await salesforce({ records: [ADA] });
    assert.equal(fake.clickToDial('(415) 555-0134', { id: ADA.id as string, objectType: 'Contact', name: ADA.name }), true);
    await h.settle();
    const far = h.phone.outboundCalls.at(-1);
    assert.ok(far);
    assert.equal(h.call(far.callId).relations.who?.id, ADA.id);
    assert.equal(h.call(far.callId).state, 'active');
  });

  it('Omni-Channel presence: applied when idle, deferred to after the call when on one', async () => {
    const { h, fake } = await salesforce();
    fake.omniPresence('away', 'Meeting');
    await h.settle();
    assert.deepEqual([h.presence, h.engine.state.presence.reasonId], ['away', 'Meeting']);
    await h.run({ type: 'set-presence', status: 'available' });
    const far = await h.talk();
    fake.omniPresence('away', 'Break');
    await h.settle();
    assert.equal(h.presence, 'on-call');
    far.hangup();
    await h.settle();
    await h.run({ type: 'complete-wrap-up', callId: far.callId });
    assert.deepEqual([h.presence, h.engine.state.presence.reasonId], ['away', 'Break']);
    assert.equal(fake.presenceRequests.at(-1)?.status, 'away');
  });

  it('settings Salesforce cannot give → misconfigured', async () => {
    const { h } = await salesforce({ settingsError: 'The Switchboard section is missing.' });
    assert.equal(h.engine.state.phase, 'misconfigured');
    assert.match(h.engine.state.lastError?.message ?? '', /Switchboard section is missing/);
  });
});

// ── invariants under a random mix of everything (seeded, so a failure repeats) ──────────────────

describe('engine invariants under random traffic', () => {
  for (const seed of [1, 7, 42, 2026]) {
    it(`seed ${seed}: one talking call, at most two live, presence follows calls, one log per call, phone and engine agree`, async () => {
      let state = seed;
      const rand = (n: number) => {
        state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
        return (state >>> 8) % n;
      };
      const pick = <T>(items: readonly T[]): T | undefined => (items.length ? items[rand(items.length)] : undefined);
      const h = await setup({ items: { wrapUpSeconds: '20' } });
      h.phone.setFarEnd('+15550000001', 'busy');
      h.phone.setFarEnd('+15550000002', 'manual');
      h.phone.setFarEnd('+15550000003', 'no-answer');
      h.phone.setFarEnd('1003', 'busy');
      const tolerated = new Set(['SB40001', 'SB40002', 'SB40003', 'SB20006', 'SB20005']);
      const attempt = async (command: Parameters<ConnectorEngine['execute']>[0]) => {
        await h.engine.execute(command).catch((e: SwitchboardError) => {
          assert.ok(tolerated.has(e.code), `${command.type} failed with ${e.code}: ${e.message}`);
        });
      };
      const calls = () => h.engine.state.calls;
      const inState = (...states: string[]) => calls().filter((c) => states.includes(c.state));
      const farHeld = new Set<string>();
      let steps = 0;
      for (; steps < 250; steps++) {
        const live = inState('offering', 'dialing', 'ringing-out', 'active', 'held', 'transferring');
        switch (rand(20)) {
          case 0: case 1: h.phone.callAgent({ from: `+1415555${String(1000 + rand(9000))}` }); break;
          case 2: { const c = pick(inState('offering')); if (c) await attempt({ type: 'answer', callId: c.id }); break; }
          case 3: { const c = pick(inState('offering')); if (c) await attempt({ type: 'decline', callId: c.id }); break; }
          case 4: { const c = pick(live); if (c) await attempt({ type: 'hangup', callId: c.id }); break; }
          case 5: {
            const c = pick(live.filter((x) => x.state !== 'transferring'));
            const far = c && h.phone.farEnd(c.id);
            if (far && far.status === 'ringing' && far.direction === 'inbound') far.cancel();
            else if (far && far.status === 'active') far.hangup();
            break;
          }
          case 6: { const c = pick(inState('active')); if (c) await attempt({ type: 'hold', callId: c.id }); break; }
          case 7: { const c = pick(inState('held')); if (c) await attempt({ type: 'resume', callId: c.id }); break; }
          case 8: { const c = pick(inState('active', 'held')); if (c) await attempt({ type: 'swap', callId: c.id }); break; }
          case 9: await attempt({ type: 'dial', number: pick(['+15550000001', '+15550000002', '+15550000003', '+442079460958', '1002']) ?? '1002' }); break;
          case 10: { const c = pick(inState('wrap-up')); if (c) await attempt({ type: 'complete-wrap-up', callId: c.id, disposition: 'Resolved' }); break; }
          case 11: { const c = pick(inState('active', 'held')); if (c) await attempt({ type: 'blind-transfer', callId: c.id, target: pick(['1002', '1003']) ?? '1002' }); break; }
          case 12: {
            const consultation = pick(calls().filter((c) => c.consultationFor && ['active', 'ringing-out'].includes(c.state)));
            const original = consultation && calls().find((c) => c.id === consultation.consultationFor && ['held', 'active'].includes(c.state));
            if (consultation && original) await attempt({ type: 'complete-transfer', callId: original.id, consultationId: consultation.id });
            else {
              const c = pick(inState('active'));
              if (c && !c.consultationFor) await attempt({ type: 'consult', callId: c.id, target: pick(['1002', '1003']) ?? '1002' });
            }
            break;
          }
          case 13: await attempt(pick([{ type: 'set-presence', status: 'available' }, { type: 'set-presence', status: 'away', reasonId: 'Lunch' }, { type: 'set-presence', status: 'offline' }] as const) ?? { type: 'set-presence', status: 'available' }); break;
          case 14: {
            const manual = h.phone.outboundCalls.filter((f) => f.status === 'ringing');
            const f = pick(manual);
            if (f) f.answer();
            else h.clock.advance(rand(25_000));
            break;
          }
          case 15: {
            const c = pick(inState('active', 'held'));
            const far = c && h.phone.farEnd(c.id);
            if (far && far.status === 'active') {
              if (rand(2)) {
                far.hold();
                farHeld.add(far.callId);
              } else {
                far.resume();
                farHeld.delete(far.callId);
              }
            }
            break;
          }
          case 16: {
            // Known limit: the engine assumes a conference takes every leg off hold, which a leg the
            // far end holds is not; so only legs the far end does not hold are conferenced here.
            const pair = inState('active', 'held').filter((c) => !farHeld.has(c.id)).slice(0, 2);
            if (pair.length === 2) await attempt({ type: 'conference', callIds: pair.map((c) => c.id) });
            break;
          }
          case 17: {
            const c = pick(live);
            if (c) await attempt({ type: 'mute', callId: c.id, muted: rand(2) === 0 });
            break;
          }
          case 18: h.crm.omniChannelPresence(pick([{ status: 'available' }, { status: 'away', reasonId: 'Break' }] as const) ?? { status: 'available' }); break;
          case 19:
            if (rand(4) === 0) {
              h.phone.dropConnection({ endCalls: rand(2) === 0 });
              await h.settle();
            }
            h.phone.restoreConnection();
            break;
        }
        await h.settle();
        check(h, steps);
      }
      // Wind down: everything ends, wrap-ups expire; then every call the agent heard of is logged once.
      for (const c of calls()) {
        const far = h.phone.farEnd(c.id);
        if (far.status === 'ringing' && far.direction === 'inbound') far.cancel();
        else if (far.status === 'ringing') far.reject(486);
        else if (far.status === 'active') far.hangup();
      }
      await h.settle();
      h.clock.advance(20_000);
      await h.settle();
      check(h, steps);
      assert.deepEqual(calls(), []);
      const announced = h.telephony.emitted.filter((e) => e.event === 'incoming').length + h.phone.outboundCalls.length;
      // A consultation is logged inside the call it was about (README "Call logging").
      const folded = h.crm.logs.flatMap((l) => (l.consultations ?? []).map((c) => c.callId));
      assert.equal(h.crm.logs.length + folded.length, announced, 'every announced call is logged, on its own or folded');
      assert.equal(new Set([...h.crm.logs.map((l) => l.callId), ...folded]).size, announced, 'no call is logged twice');
      for (const log of h.crm.logs) {
        const why = JSON.stringify(log);
        assert.ok(log.startedAt <= (log.answeredAt ?? log.startedAt) && (log.answeredAt ?? log.startedAt) <= log.endedAt, why);
        assert.equal(log.durationSeconds, log.answeredAt === undefined ? 0 : Math.round((log.endedAt - log.answeredAt) / 1000), why);
        assert.ok(log.holdSeconds >= 0 && log.holdSeconds <= Math.ceil((log.endedAt - log.startedAt) / 1000), why);
        if (log.answeredAt === undefined) assert.ok(['missed', 'declined', 'busy', 'no-answer', 'rejected', 'failed', 'local-hangup', 'transferred'].includes(log.endReason), why);
      }
      assert.ok(announced > 10, `only ${announced} calls in the run`);
      assert.ok(['available', 'away', 'offline'].includes(h.presence));
      assert.deepEqual(h.errors.filter((e) => !e.expected), []);
      assert.deepEqual(h.logger.find('error'), []);
    });
  }

  function check(h: Harness, step: number): void {
    const calls = h.engine.state.calls;
    const at = `step ${step}: ${calls.map((c) => `${c.id.slice(0, 7)}=${c.state}${c.consultationFor ? `(consults ${c.consultationFor.slice(0, 7)})` : ''}`).join(' ')} presence=${h.presence}`;
    const live = calls.filter((c) => ['offering', 'dialing', 'ringing-out', 'active', 'held', 'transferring'].includes(c.state));
    assert.ok(live.length <= 2, `more than two live calls; ${at}`);
    const talking = calls.filter((c) => c.state === 'active');
    assert.ok(talking.length <= 1 || talking.every((c) => talking.every((o) => o === c || c.conferencedWith.includes(o.id))), `two talking calls, not conferenced; ${at}`);
    const wrapping = calls.some((c) => c.state === 'wrap-up' || c.state === 'ended');
    const p = h.engine.state.presence;
    if (live.length) assert.equal(p.status, 'on-call', at);
    else if (wrapping) assert.equal(p.status, 'wrap-up', at);
    else assert.equal(p.status, p.returnTo.status, at);
    for (const c of live) {
      const far = h.phone.farEnd(c.id);
      assert.ok(far.status === 'ringing' || far.status === 'active', `engine thinks ${c.id} is ${c.state}, phone says ${far.status}; ${at}`);
      if (c.state === 'held' || c.state === 'active') assert.equal(far.held, c.state === 'held', `hold state of ${c.id}; ${at}`);
      assert.deepEqual([...c.conferencedWith].sort(), [...far.conferencedWith].sort(), `conference of ${c.id}; ${at}`);
    }
    const logged = new Set<string>();
    for (const l of h.crm.logs) {
      assert.ok(!logged.has(l.callId), `${l.callId} logged twice; ${at}`);
      logged.add(l.callId);
    }
  }
});

// ── the call journal: calls a closed page left open are still logged ──────────────────────

describe('call journal: a call open when its page died is logged once by the next engine', () => {
  const journalKeys = async (storage: MemoryStorage): Promise<string[]> => storage.keys('engine/journal/');

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

    const b = await setup({ storage, clock, journal: { owner: 'tab-b', staleMs: 0 } });
    await b.settle();
    const logs = b.logsFor(far.callId);
    assert.equal(logs.length, 1);
    assert.equal(logs[0]?.endReason, 'failed');
    assert.equal(logs[0]?.durationSeconds, 20);
    assert.equal(logs[0]?.direction, 'inbound');
    assert.match(logs[0]?.notes ?? '', /^Asked about the invoice\n\n\[Switchboard\] The softphone closed/);
    assert.deepEqual(await journalKeys(storage), [], 'the journal is cleared once the outbox has the log');
    assert.ok(b.logger.find('warn', 'logged a call a closed softphone left open').length === 1);

    // A third start finds nothing more to log.
    const c = await setup({ storage, clock, journal: { owner: 'tab-c', staleMs: 0 } });
    await c.settle();
    assert.equal(c.crm.count('logCall'), 0);
  });

  it('a call in wrap-up when the tab closed keeps its end reason, disposition and talk time', async () => {
    const storage = new MemoryStorage();
    const clock = new FakeClock();
    const a = await setup({ storage, clock, journal: { owner: 'tab-a' } });
    const far = await a.talk();
    clock.advance(42_000);
    far.hangup();
    await a.settle();
    await a.run({ type: 'set-wrap-up', callId: far.callId, disposition: 'Resolved', notes: 'Fixed' });
    a.engine.dispose();

    const b = await setup({ storage, clock, journal: { owner: 'tab-b', staleMs: 0 } });
    await b.settle();
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
      const far = await a.talk();
      far.hangup();
      await a.settle();
    }
    const missed = await a.ring();
    missed.cancel();
    await a.settle();
    assert.equal(a.crm.count('logCall'), 4);
    assert.deepEqual(await journalKeys(storage), []);
    assert.equal(clock.pending, 0, 'no heartbeat once no call is open');
    a.engine.dispose();
    const b = await setup({ storage, clock, journal: { owner: 'tab-b', staleMs: 0 } });
    await b.settle();
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
    far.hangup();
    await a.settle();
    assert.equal(a.logger.find('error', 'call log could not be queued').length, 1);
    assert.equal((await journalKeys(storage)).length, 1);
    a.engine.dispose();
    const b = await setup({ storage, clock, journal: { owner: 'tab-b', staleMs: 0 } });
    await b.settle();
    const [log] = b.logsFor(far.callId);
    assert.equal(log?.endReason, 'remote-hangup', 'the call had ended: its own end reason is kept');
    assert.deepEqual(await journalKeys(storage), []);
  });

  it('drops an unreadable journal entry with a warning, and logs the readable ones', async () => {
    const storage = new MemoryStorage();
    await storage.set('engine/journal/garbage', { owner: 'x', savedAt: 'yesterday' });
    await storage.set('engine/journal/half', { owner: 'x', savedAt: 0, ended: true, entry: { callId: 'half' } });
    const b = await setup({ storage, journal: { owner: 'tab-b', staleMs: 0 } });
    await b.settle();
    assert.equal(b.crm.count('logCall'), 0);
    assert.deepEqual(await journalKeys(storage), []);
    assert.equal(b.logger.find('warn', 'dropping an unreadable call journal entry').length, 2);
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
    await h.run({ type: 'complete-wrap-up', callId: far.callId });
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
    await h.run({ type: 'complete-wrap-up', callId: far.callId });
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
    await h.run({ type: 'complete-wrap-up', callId: far.callId });
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
    await h.run({ type: 'complete-wrap-up', callId: far.callId });
    assert.equal(h.logsFor(far.callId)[0]?.disposition, undefined);
  });
});
