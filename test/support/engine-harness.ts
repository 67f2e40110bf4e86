// The connector engine on the behaving fakes, for the engine's tests (src/core/engine/*.test.ts):
// the in-memory phone system (src/telephony/fake), a recording CRM, a fake clock and in-memory
// storage, with the agent signed in and helpers that drive calls and wait for them to settle.
import assert from 'node:assert/strict';
import { ConnectorEngine } from '../../src/core/engine/connector-engine.ts';
import type { CallSnapshot } from '../../src/core/call/call.ts';
import type { RecordRef } from '../../src/core/call/call-types.ts';
import type { SwitchboardError } from '../../src/core/errors/catalog.ts';
import type { ClickToDialRequest, CrmCapabilities, CrmPort } from '../../src/core/ports/crm-port.ts';
import type { PresenceStatus } from '../../src/core/presence/presence.ts';
import { CapturingLogger, FakeClock, MemoryStorage, RecordingCrm, settingsMap } from '../../src/core/testing/index.ts';
import { FakePhoneSystem, type FakeTelephony, type CallAgentOptions, type FarEnd } from '../../src/telephony/fake/index.ts';

export const AGENT = { username: '1001', password: 'secret' };
export const ALICE: RecordRef = { id: '003000000000001AAA', objectType: 'Contact', name: 'Alice Caller' };
export const ACME: RecordRef = { id: '001000000000001AAA', objectType: 'Account', name: 'Acme' };
export const BOB_LEAD: RecordRef = { id: '00Q000000000001AAA', objectType: 'Lead', name: 'Bob Lead' };
export const CASE: RecordRef = { id: '500000000000001AAA', objectType: 'Case', name: '00001042' };

/** What the agent fills in when completing wrap-up. */
export interface WrapUpFields {
  readonly disposition?: string;
  readonly notes?: string;
}

export interface SetupOptions {
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
export async function setup(options: SetupOptions = {}) {
  const clock = options.clock ?? new FakeClock();
  const phone =
    options.phone ??
    new FakePhoneSystem({
      users: { '1001': 'secret', '1002': { password: 'secret', displayName: 'Bob Colleague' }, '1003': 'secret' },
      now: () => clock.now(),
    });
  const items = Object.fromEntries(Object.entries(options.items ?? {}).map(([k, v]) => [`/switchboard/${k}`, v]));
  const crm = new RecordingCrm({
    settings: settingsMap({ ...items, ...options.map }),
    ...(options.capabilities ? { capabilities: options.capabilities } : {}),
    ...(options.records ? { records: options.records } : {}),
  });
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
    engine,
    phone,
    crm,
    clock,
    storage,
    logger,
    errors,
    offered,
    offerEnded,
    settle,
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
    /** The far end hangs up (a CANCEL while it still rings); resolves once the engine has seen it. */
    async farHangsUp(far: FarEnd): Promise<void> {
      far.hangup();
      await settle();
    },
    /** The caller gives up before the agent answers; resolves once the engine has seen it. */
    async callerGivesUp(far: FarEnd, options?: Parameters<FarEnd['cancel']>[0]): Promise<void> {
      far.cancel(options);
      await settle();
    },
    /** A caller rings, the agent answers, the caller hangs up: the call is in wrap-up (closed without wrap-up). */
    async callEndedByCaller(options: Partial<CallAgentOptions> = {}): Promise<FarEnd> {
      const far = await h.talk(options);
      await h.farHangsUp(far);
      return far;
    },
    async run(command: Parameters<ConnectorEngine['execute']>[0]): Promise<void> {
      await engine.execute(command);
      await settle();
    },
    /** The agent completes wrap-up, which logs the call. */
    async wrapUp(callId: string, fields: WrapUpFields = {}): Promise<void> {
      await h.run({ type: 'complete-wrap-up', callId, ...fields });
    },
    /** The agent consults `target` about `callId`; resolves with the consultation's far end. */
    async consult(callId: string, target: string): Promise<FarEnd> {
      await h.run({ type: 'consult', callId, target });
      const consultation = phone.outboundCalls.at(-1);
      assert.ok(consultation, 'the consultation was never dialled');
      return consultation;
    },
    /** Salesforce asks for a click-to-dial; resolves with the far end of the call the engine placed. */
    async clickToDial(request: ClickToDialRequest): Promise<FarEnd> {
      crm.clickToDial(request);
      await settle();
      const far = phone.outboundCalls.at(-1);
      assert.ok(far, 'the click-to-dial placed no call');
      return far;
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

export type Harness = Awaited<ReturnType<typeof setup>>;

export async function rejectsWith(h: Harness, command: Parameters<ConnectorEngine['execute']>[0], code: string): Promise<void> {
  await assert.rejects(h.engine.execute(command), (e: SwitchboardError) => {
    assert.equal(e.code, code, e.message);
    return true;
  });
  assert.equal(h.engine.state.lastError?.code, code);
}
