// The Salesforce Voice connector driven through the real scv-connector-base 3.6.2, the way its own
// tests drive it: a synthetic window `message` (SETUP_CONNECTOR from a Lightning origin, with one
// end of a real MessageChannel), then the wire messages Salesforce sends on the port; what comes
// back on the port (TELEPHONY_EVENT_DISPATCHED, CONNECTOR_READY) is asserted. Underneath, the real
// engine on the behaving in-memory phone system.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Call, ConnectorEngine, type LineState, type MintedSipCredentials, type ReattachingCall } from '../../core/index.ts';
import { CapturingLogger, FakeClock, MemoryStorage } from '../../core/testing/index.ts';
import { FakePhoneSystem, type FakeTelephony } from '../../telephony/fake/index.ts';
import { scv } from './scv.ts';
import { SwitchboardVoiceConnector, VoiceCrm } from './index.ts';

// The base library listens on `window` (a browser iframe); Node has none.
const g = globalThis as { window?: EventTarget };
g.window ??= new EventTarget();
const win = g.window;

const LIGHTNING = 'https://x.lightning.force.com';
const VOICE_CALL_ID = '0LQ5g000000ABCDGA4';

interface Wire {
  readonly type: string;
  readonly payload?: { readonly telephonyEventType?: string; readonly telephonyEventPayload?: unknown } & Record<string, unknown>;
}

type Payload = Record<string, unknown> & {
  callId?: string;
  callType?: string;
  state?: string;
  reason?: string;
  phoneNumber?: string;
  message?: string;
  callAttributes?: Record<string, unknown>;
  calls?: Payload[];
  isMuted?: boolean;
  isCustomerOnHold?: boolean;
  isThirdPartyOnHold?: boolean;
  initialCallHasEnded?: boolean;
  success?: boolean;
  isReplayedCall?: boolean;
};

function config(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '/reqGeneralInfo/reqInternalName': 'SwitchboardVoice',
    '/reqGeneralInfo/reqDisplayName': 'Switchboard Voice',
    '/reqGeneralInfo/reqVendorInfoApiName': 'switchboard__Switchboard',
    '/reqHvcc/reqTelephonyIntegrationCertificate': '-----BEGIN CERTIFICATE-----',
    '/switchboard/sipWebSocketUrl': 'wss://pbx.example.com:8089/ws',
    '/switchboard/sipDomain': 'pbx.example.com',
    '/switchboard/sipUsername': '1001',
    '/switchboard/sipPassword': 'secret',
    '/switchboard/directory': '1002:Bob Builder;1003:Carol',
    isACWAllowed: true,
    orgDomainName: 'x.my.salesforce.com',
    ...overrides,
  };
}

const open: MessagePort[] = [];
const engines: ConnectorEngine[] = [];
afterEach(() => {
  for (const p of open.splice(0)) p.close();
  for (const e of engines.splice(0)) e.dispose();
});

interface Setup {
  readonly config?: Record<string, unknown>;
  readonly mint?: () => Promise<MintedSipCredentials>;
  readonly reattaching?: readonly ReattachingCall[];
  readonly origin?: string;
  readonly settleMs?: number;
}

async function connect(options: Setup = {}) {
  const clock = new FakeClock();
  const phone = new FakePhoneSystem({ users: { '1001': 'secret', '1002': { password: 'x', displayName: 'Bob Builder' } }, now: () => clock.now() });
  const logger = new CapturingLogger();
  const crm = new VoiceCrm(options.mint ? { mint: options.mint } : {});
  let telephony: FakeTelephony | undefined;
  const engine = new ConnectorEngine({
    crm,
    createTelephony: () => {
      telephony = phone.createTelephony();
      if (options.reattaching) Object.defineProperty(telephony, 'reattaching', { value: options.reattaching });
      return telephony;
    },
    storage: new MemoryStorage(),
    clock,
    logger,
  });
  engines.push(engine);
  const saved: { filename: string; text: string }[] = [];
  const connector = new SwitchboardVoiceConnector({
    crm,
    logger,
    settleMs: options.settleMs ?? 2000,
    supportLog: () => 'support log line\n',
    saveLog: (filename, text) => saved.push({ filename, text }),
  });
  const started = engine.start();
  scv.initializeConnector(connector);
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  const wire: Wire[] = [];
  port2.on('message', (m: Wire) => wire.push(m));
  const setup = Object.assign(new Event('message'), {
    data: { type: 'SETUP_CONNECTOR', connectorConfig: options.config ?? config() },
    origin: options.origin ?? LIGHTNING,
    ports: [port1],
  });
  win.dispatchEvent(setup);
  // The engine starts once Salesforce's setup delivered the call center (never for a refused origin).
  if (!options.origin) await started;

  const events = (type: string): Payload[] =>
    wire
      .filter((m) => m.type === 'TELEPHONY_EVENT_DISPATCHED' && m.payload?.telephonyEventType === type)
      .map((m) => m.payload?.telephonyEventPayload as Payload);
  const until = async (what: string, ok: () => boolean, ms = 3000) => {
    const end = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > end) assert.fail(`timed out waiting for ${what}; wire: ${JSON.stringify(wire.map((m) => m.payload?.telephonyEventType ?? m.type))}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const send = (data: Record<string, unknown>) => port2.postMessage(data);
  /** Waits until `type` was dispatched `count` times in all. */
  const dispatched = async (type: string, count = 1) => {
    await until(`${count} × ${type}`, () => events(type).length >= count);
    return events(type)[count - 1]!;
  };
  const ready = () => wire.filter((m) => m.type === 'CONNECTOR_READY');
  return { clock, phone, logger, crm, engine, connector, wire, events, until, send, dispatched, ready, saved, telephony: () => telephony };
}

type Conn = Awaited<ReturnType<typeof connect>>;

/** HANGUP carries one call or a list of them (the base library passes on what the connector answered). */
function hungUp(p: Payload): Payload | undefined {
  const list = p as unknown;
  return Array.isArray(list) ? (list[0] as Payload | undefined) : (p.calls?.[0] ?? p);
}

/** Signed in (call center credentials), an inbound call offered and announced to Salesforce. */
async function ringing(c: Conn) {
  await c.until('CONNECTOR_READY', () => c.ready().length === 1);
  const far = c.phone.callAgent({ from: '+14155550134', displayName: 'Ada Lovelace', attachedData: { voiceCallId: VOICE_CALL_ID } });
  const started = await c.dispatched('CALL_STARTED');
  return { far, started };
}

async function talking(c: Conn) {
  const r = await ringing(c);
  c.send({ type: 'ACCEPT_CALL', call: { callId: r.far.callId, callType: 'Inbound' } });
  await c.dispatched('CALL_CONNECTED');
  return r;
}

describe('Salesforce Voice connector: setup and sign-in', () => {
  it("signs in with the call center's credentials and is ready: capabilities told truthfully, the softphone as the phone, no call in progress", async () => {
    const c = await connect();
    await c.until('CONNECTOR_READY', () => c.ready().length === 1);
    assert.deepEqual(c.events('SHOW_LOGIN'), []);
    const payload = c.ready()[0]!.payload as { capabilities: Record<string, unknown>; agentConfig: Record<string, unknown>; callInProgress: unknown };
    assert.deepEqual(
      {
        mute: payload.capabilities['MUTE'],
        record: payload.capabilities['RECORD'],
        merge: payload.capabilities['MERGE'],
        swap: payload.capabilities['SWAP'],
        blind: payload.capabilities['BLIND_TRANSFER'],
        mos: payload.capabilities['MOS'],
        phonebook: payload.capabilities['PHONEBOOK'],
        availability: payload.capabilities['VENDOR_PROVIDED_AVAILABILITY'],
        recordingUrl: payload.capabilities['SIGNED_RECORDING_URL'],
      },
      { mute: true, record: false, merge: true, swap: true, blind: true, mos: true, phonebook: true, availability: true, recordingUrl: false },
    );
    assert.deepEqual(payload.agentConfig['PHONES'], ['SOFT_PHONE']);
    assert.equal((payload.agentConfig['SELECTED_PHONE'] as { type: string }).type, 'SOFT_PHONE');
    assert.equal(payload.callInProgress, null);
    assert.equal(c.engine.state.signedInAs?.extension, '1001');
    assert.deepEqual(c.crm.capabilities, { screenPop: false, callLogging: false, clickToDial: false, presenceSync: false, externalWrapUp: true });
  });

  it("without credentials in the call center Salesforce is asked to show the connector's sign-in; a wrong password is refused, the right one reports LOGIN_RESULT and readiness", async () => {
    const c = await connect({ config: config({ '/switchboard/sipUsername': '', '/switchboard/sipPassword': '' }) });
    assert.deepEqual(await c.dispatched('SHOW_LOGIN'), { loginFrameHeight: 350 });
    assert.equal(c.ready().length, 0);
    await assert.rejects(c.connector.signIn('1001', 'wrong'), /SB20001|password|credentials/i);
    assert.deepEqual(c.events('LOGIN_RESULT'), []);
    await c.connector.signIn('1001', 'secret');
    assert.deepEqual(await c.dispatched('LOGIN_RESULT'), { success: true });
    await c.until('CONNECTOR_READY', () => c.ready().length === 1);
  });

  it('settings Switchboard cannot use are INVALID_PARAMS, naming the item', async () => {
    const c = await connect({ config: config({ '/reqGeneralInfo/reqInternalName': undefined, '/switchboard/sipWebSocketUrl': 'not a url' }) });
    assert.deepEqual(await c.dispatched('ERROR'), { message: 'INVALID_PARAMS' });
    assert.equal(c.engine.state.phase, 'misconfigured');
    assert.match(c.engine.state.lastError?.message ?? '', /reqInternalName/);
    assert.match(c.engine.state.lastError?.message ?? '', /sipWebSocketUrl/);
  });

  it('call center credentials that the phone system refuses are CAN_NOT_LOG_IN', async () => {
    const c = await connect({ config: config({ '/switchboard/sipPassword': 'nope' }) });
    assert.deepEqual(await c.dispatched('ERROR'), { message: 'CAN_NOT_LOG_IN' });
  });

  it('ephemeral credentials are minted (never typed): signed in without a form; without a way to mint, CAN_NOT_LOG_IN', async () => {
    const expiresAt = Date.now() + 3_600_000;
    const minted = await connect({
      config: config({ '/switchboard/credentialScheme': 'ephemeral', '/switchboard/sipUsername': '', '/switchboard/sipPassword': '' }),
      mint: async () => ({ username: '1001', password: 'secret', extension: '1001', expiresAt, ttlSeconds: 3600 }),
    });
    await minted.until('CONNECTOR_READY', () => minted.ready().length === 1);
    assert.equal(minted.engine.state.signedInAs?.extension, '1001');
    assert.deepEqual(minted.events('SHOW_LOGIN'), []);
    const none = await connect({
      config: config({ '/switchboard/credentialScheme': 'ephemeral', '/switchboard/sipUsername': '', '/switchboard/sipPassword': '' }),
    });
    assert.deepEqual(await none.dispatched('ERROR'), { message: 'CAN_NOT_LOG_IN' });
  });

  it('a SETUP_CONNECTOR from an origin that is not Salesforce is ignored by the base library: nothing starts', async () => {
    const c = await connect({ origin: 'https://evil.example.com' });
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(c.wire, []);
    assert.equal(c.engine.state.phase, 'loading');
  });
});

describe('Salesforce Voice connector: an inbound call', () => {
  it('CALL_STARTED carries callId = the SIP Call-ID (vendorCallKey) and the VoiceCall id from the INVITE; ACCEPT_CALL → one CALL_CONNECTED', async () => {
    const c = await connect();
    const { far, started } = await ringing(c);
    assert.equal(started.callId, far.callId);
    assert.equal(started.callType, 'Inbound');
    assert.equal(started.state, 'ringing');
    assert.equal(started.phoneNumber, '+14155550134');
    assert.equal(started.callAttributes?.['voiceCallId'], VOICE_CALL_ID);
    assert.equal(started.callAttributes?.['participantType'], 'Initial_Caller');
    c.send({ type: 'ACCEPT_CALL', call: { callId: far.callId, callType: 'Inbound' } });
    const connected = await c.dispatched('CALL_CONNECTED');
    assert.equal(connected.callId, far.callId);
    assert.equal(connected.state, 'connected');
    assert.equal(far.status, 'active');
    await c.phone.settle();
    assert.equal(c.events('CALL_CONNECTED').length, 1, "the answer is reported once (the method's result, not also the lifecycle event)");
  });

  it('hold and resume, mute and unmute: each one toggle event; digits reach the far end', async () => {
    const c = await connect();
    const { far } = await talking(c);
    c.send({ type: 'HOLD', call: { callId: far.callId } });
    const held = await c.dispatched('HOLD_TOGGLE');
    assert.equal(held.isCustomerOnHold, true);
    assert.equal(held.isThirdPartyOnHold, false);
    assert.equal(held.calls?.[0]?.callId, far.callId);
    c.send({ type: 'RESUME', call: { callId: far.callId } });
    assert.equal((await c.dispatched('HOLD_TOGGLE', 2)).isCustomerOnHold, false);
    c.send({ type: 'MUTE', call: { callId: far.callId } });
    assert.equal((await c.dispatched('MUTE_TOGGLE')).isMuted, true);
    assert.equal(far.muted, true);
    c.send({ type: 'UNMUTE', call: { callId: far.callId } });
    assert.equal((await c.dispatched('MUTE_TOGGLE', 2)).isMuted, false);
    c.send({ type: 'SEND_DIGITS', digits: '12#' });
    await c.until('DTMF at the far end', () => far.dtmf === '12#');
    await c.phone.settle();
    assert.equal(c.events('HOLD_TOGGLE').length, 2);
    assert.equal(c.events('MUTE_TOGGLE').length, 2);
  });

  it("the far end holding is not the agent's hold; hold failures are CAN_NOT_HOLD_CALL, a call Salesforce names that does not exist INVALID_PARTICIPANT", async () => {
    const c = await connect();
    const { far } = await talking(c);
    c.phone.failNext('hold');
    c.send({ type: 'HOLD', call: { callId: far.callId } });
    assert.deepEqual(await c.dispatched('ERROR'), { message: 'CAN_NOT_HOLD_CALL' });
    c.send({ type: 'HOLD', call: { callId: 'no-such-call' } });
    assert.deepEqual(await c.dispatched('ERROR', 2), { message: 'CAN_NOT_HOLD_CALL' });
    c.send({ type: 'RESUME', call: {} });
    assert.deepEqual(await c.dispatched('ERROR', 3), { message: 'INVALID_PARTICIPANT' });
  });

  it('the caller hangs up: HANGUP; after-call work (isACWAllowed) starts; WRAP_UP_CALL ends it in the engine without a WRAP_UP_ENDED echo', async () => {
    const c = await connect();
    const { far } = await talking(c);
    far.hangup();
    const hangup = await c.dispatched('HANGUP');
    assert.equal(hungUp(hangup)?.callId, far.callId);
    assert.deepEqual(await c.dispatched('AFTER_CALL_WORK_STARTED'), { callId: far.callId });
    c.clock.advance(3_600_000);
    assert.equal(c.engine.state.calls[0]?.state, 'wrap-up', 'Salesforce owns after-call work: no engine timer ends it');
    c.send({ type: 'WRAP_UP_CALL', call: { callId: far.callId } });
    await c.until('wrap-up completed', () => c.engine.state.calls.length === 0);
    assert.equal(c.engine.state.presence.status, 'available');
    await c.phone.settle();
    assert.deepEqual(c.events('WRAP_UP_ENDED'), []);
  });

  it('END_CALL by the agent: one HANGUP (the last call), then after-call work; without isACWAllowed no after-call work', async () => {
    const c = await connect();
    const { far } = await talking(c);
    c.send({ type: 'END_CALL', call: { callId: far.callId } });
    const hangup = await c.dispatched('HANGUP');
    assert.ok(Array.isArray(hangup), 'the base library sends the calls the method answered');
    assert.equal(hungUp(hangup)?.callId, far.callId);
    await c.dispatched('AFTER_CALL_WORK_STARTED');
    assert.equal(far.status, 'ended');
    await c.phone.settle();
    assert.equal(c.events('HANGUP').length, 1);

    const noAcw = await connect({ config: config({ isACWAllowed: false }) });
    const second = await talking(noAcw);
    noAcw.send({ type: 'END_CALL', call: { callId: second.far.callId } });
    await noAcw.dispatched('HANGUP');
    await noAcw.phone.settle();
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(noAcw.events('AFTER_CALL_WORK_STARTED'), []);
    assert.equal(noAcw.engine.state.calls.length, 0);
  });

  it('DECLINE_CALL releases this agent only: HANGUP with the call; a caller who gives up while it rings is a HANGUP too', async () => {
    const c = await connect();
    const { far } = await ringing(c);
    c.send({ type: 'DECLINE_CALL', call: { callId: far.callId } });
    const hangup = await c.dispatched('HANGUP');
    assert.equal(hangup.callId, far.callId);
    assert.equal(far.status, 'ended');
    assert.equal(c.engine.state.calls.length, 0, 'a declined call has no after-call work');

    const second = c.phone.callAgent({ from: '+14155550135', attachedData: { voiceCallId: '0LQ5g000000ABCEGA4' } });
    await c.dispatched('CALL_STARTED', 2);
    second.cancel();
    const missed = await c.dispatched('HANGUP', 2);
    assert.equal(hungUp(missed)?.callId, second.callId);
    assert.equal(hungUp(missed)?.reason, 'ended');
  });

  it("a decline that fails is CAN_NOT_DECLINE_THE_CALL; an answer that fails is the base library's INFO", async () => {
    const c = await connect();
    const { far } = await ringing(c);
    c.send({ type: 'DECLINE_CALL', call: { callId: 'unknown' } });
    assert.deepEqual(await c.dispatched('ERROR'), { message: 'CAN_NOT_DECLINE_THE_CALL' });
    c.phone.failNext('answer');
    c.send({ type: 'ACCEPT_CALL', call: { callId: far.callId } });
    assert.deepEqual(await c.dispatched('INFO'), { message: 'CAN_NOT_ACCEPT_THE_CALL' });
    c.send({ type: 'END_CALL', call: { callId: 'unknown' } });
    assert.deepEqual(await c.dispatched('ERROR', 2), { message: 'CAN_NOT_END_THE_CALL' });
  });

  it('a call with no VoiceCall id is still announced, and the gap is logged', async () => {
    const c = await connect();
    await c.until('ready', () => c.ready().length === 1);
    c.phone.callAgent({ from: '+14155550134' });
    const started = await c.dispatched('CALL_STARTED');
    assert.equal(started.callAttributes?.['voiceCallId'], undefined);
    assert.equal(c.logger.find('warn', 'X-Salesforce-VoiceCall-Id').length, 1);
  });
});

describe('Salesforce Voice connector: dialling', () => {
  it("DIAL: CALL_STARTED (Outbound) as the method's answer, then CALL_CONNECTED when the far end answers; the far end hanging up is HANGUP", async () => {
    const c = await connect();
    await c.until('ready', () => c.ready().length === 1);
    c.phone.setFarEnd('+14155550100', 'manual');
    c.send({ type: 'DIAL', contact: { phoneNumber: '+14155550100' } });
    const started = await c.dispatched('CALL_STARTED');
    assert.equal(started.callType, 'Outbound');
    assert.equal(started.state, 'ringing');
    const callId = started.callId!;
    await c.phone.settle();
    assert.equal(c.events('CALL_STARTED').length, 1);
    c.phone.farEnd(callId).answer();
    const connected = await c.dispatched('CALL_CONNECTED');
    assert.equal(connected.callId, callId);
    c.phone.farEnd(callId).hangup();
    await c.dispatched('HANGUP');
  });

  it('a dial the phone system refuses is CALL_FAILED and ERROR CAN_NOT_START_THE_CALL; a contact without a number INVALID_DESTINATION; a busy number ends as an error', async () => {
    const c = await connect();
    await c.until('ready', () => c.ready().length === 1);
    c.phone.failNext('dial');
    c.send({ type: 'DIAL', contact: { phoneNumber: '+14155550100' } });
    await c.dispatched('CALL_FAILED');
    assert.deepEqual(await c.dispatched('ERROR'), { message: 'CAN_NOT_START_THE_CALL' });
    c.send({ type: 'DIAL', contact: { name: 'Nobody' } });
    await c.dispatched('CALL_FAILED', 2);
    assert.deepEqual(await c.dispatched('ERROR', 2), { message: 'INVALID_DESTINATION' });
    c.phone.setFarEnd('+14155550111', 'busy');
    c.send({ type: 'DIAL', contact: { phoneNumber: '+14155550111' } });
    await c.dispatched('CALL_STARTED');
    const hangup = await c.dispatched('HANGUP');
    assert.equal(hungUp(hangup)?.reason, 'error');
    assert.equal(c.engine.state.calls.length, 0);
  });

  it('a consult call through dial options (the 4.x base passes isConsultCall) is a participant of the call in progress', async () => {
    const c = await connect();
    const { far } = await talking(c);
    const result = await c.connector.dial({ phoneNumber: '1002' }, { isConsultCall: true });
    assert.equal(result.call?.callType, 'AddParticipant');
    assert.equal((result.call?.callAttributes as { parentId?: string }).parentId, far.callId);
    await assert.rejects(c.connector.dial({ phoneNumber: '1003' }, { isConsultCall: true }), /SB40003|line|call/i);
  });
});

describe('Salesforce Voice connector: participants (consult, transfer, conference, swap)', () => {
  it('ADD_PARTICIPANT (consult): PARTICIPANT_ADDED as the answer, PARTICIPANT_CONNECTED when the colleague answers; ending the colleague (not the last call) is PARTICIPANT_REMOVED, ending the customer then HANGUP', async () => {
    const c = await connect();
    const { far } = await talking(c);
    c.send({ type: 'ADD_PARTICIPANT', contact: { phoneNumber: '1002', type: 'PhoneBook' }, call: { callId: far.callId }, isBlindTransfer: false });
    const added = await c.dispatched('PARTICIPANT_ADDED');
    assert.equal(added.initialCallHasEnded, false);
    assert.equal(added.phoneNumber, '1002');
    const consultId = added.callId!;
    assert.notEqual(consultId, far.callId);
    const connected = await c.dispatched('PARTICIPANT_CONNECTED');
    assert.equal(connected.callId, consultId);
    await c.phone.settle();
    assert.equal(c.events('PARTICIPANT_ADDED').length, 1);
    assert.deepEqual(c.events('HOLD_TOGGLE'), [], 'the customer put on hold for the consult is part of the answer');
    c.send({ type: 'END_CALL', call: { callId: consultId } });
    const removed = await c.dispatched('PARTICIPANT_REMOVED');
    assert.equal(removed.callId, consultId);
    assert.deepEqual(c.events('HANGUP'), []);
    c.send({ type: 'END_CALL', call: { callId: far.callId } });
    await c.dispatched('HANGUP');
  });

  it('the colleague hangs up by themselves: PARTICIPANT_REMOVED published by the connector', async () => {
    const c = await connect();
    const { far } = await talking(c);
    c.send({ type: 'ADD_PARTICIPANT', contact: { phoneNumber: '1002' }, call: { callId: far.callId }, isBlindTransfer: false });
    const added = await c.dispatched('PARTICIPANT_ADDED');
    await c.dispatched('PARTICIPANT_CONNECTED');
    c.phone.farEnd(added.callId!).hangup();
    const removed = await c.dispatched('PARTICIPANT_REMOVED');
    assert.equal(removed.reason, 'ended');
  });

  it('SWAP_PARTICIPANTS and CONFERENCE answer with the hold state of both; leaving the conference hands the customer to the colleague (a transfer): HANGUP', async () => {
    const c = await connect();
    const { far } = await talking(c);
    c.send({ type: 'ADD_PARTICIPANT', contact: { phoneNumber: '1002' }, call: { callId: far.callId }, isBlindTransfer: false });
    const added = await c.dispatched('PARTICIPANT_ADDED');
    await c.dispatched('PARTICIPANT_CONNECTED');
    await c.phone.settle();
    c.send({ type: 'SWAP_PARTICIPANTS', callToHold: { callId: added.callId }, callToResume: { callId: far.callId } });
    const swapped = await c.dispatched('HOLD_TOGGLE');
    assert.deepEqual({ customer: swapped.isCustomerOnHold, third: swapped.isThirdPartyOnHold }, { customer: false, third: true });
    c.send({ type: 'CONFERENCE', calls: [{ callId: far.callId }, { callId: added.callId }] });
    const merged = await c.dispatched('HOLD_TOGGLE', 2);
    assert.deepEqual({ customer: merged.isCustomerOnHold, third: merged.isThirdPartyOnHold }, { customer: false, third: false });
    assert.deepEqual(far.conferencedWith, [added.callId]);
    await c.phone.settle();
    assert.equal(c.events('HOLD_TOGGLE').length, 2, 'no echo of the holds the commands made');
    c.send({ type: 'END_CALL', call: { callId: far.callId } });
    await c.dispatched('HANGUP');
    await c.until('both legs gone', () => c.engine.state.calls.every((x) => x.state === 'wrap-up'));
    assert.equal(far.transferredTo, '1002');
  });

  it('a swap or conference the phone system refuses is CAN_NOT_SWAP_PARTICIPANTS / CAN_NOT_CONFERENCE', async () => {
    const c = await connect();
    const { far } = await talking(c);
    c.send({ type: 'SWAP_PARTICIPANTS', callToHold: { callId: far.callId }, callToResume: { callId: 'nope' } });
    assert.deepEqual(await c.dispatched('ERROR'), { message: 'CAN_NOT_SWAP_PARTICIPANTS' });
    c.send({ type: 'CONFERENCE', calls: [{ callId: far.callId }] });
    assert.deepEqual(await c.dispatched('ERROR', 2), { message: 'CAN_NOT_CONFERENCE' });
  });

  it('ADD_PARTICIPANT blind: PARTICIPANT_ADDED with the initial call ended, then HANGUP of the call; a refused transfer is PARTICIPANT_REMOVED {reason: error} + CAN_NOT_ADD_PARTICIPANT and the call goes on', async () => {
    const c = await connect();
    const { far } = await talking(c);
    c.phone.setFarEnd('+14155550177', 'busy');
    c.send({ type: 'ADD_PARTICIPANT', contact: { phoneNumber: '+14155550177' }, call: { callId: far.callId }, isBlindTransfer: true });
    assert.deepEqual(await c.dispatched('PARTICIPANT_REMOVED'), { reason: 'error' });
    assert.deepEqual(await c.dispatched('ERROR'), { message: 'CAN_NOT_ADD_PARTICIPANT' });
    assert.equal(far.status, 'active');
    c.send({ type: 'RESUME', call: { callId: far.callId } });
    await c.until('resumed', () => c.engine.state.calls[0]?.state === 'active');

    c.send({ type: 'ADD_PARTICIPANT', contact: { phoneNumber: '+14155550188' }, call: { callId: far.callId }, isBlindTransfer: true });
    const added = await c.dispatched('PARTICIPANT_ADDED');
    assert.equal(added.initialCallHasEnded, true);
    const hangup = await c.dispatched('HANGUP');
    assert.equal(hangup.callId, far.callId);
    assert.equal(far.transferredTo, '+14155550188');
    await c.dispatched('AFTER_CALL_WORK_STARTED');
    await c.phone.settle();
    assert.equal(c.events('HANGUP').length, 1);
  });

  it('ADD_PARTICIPANT with no number is INVALID_DESTINATION; with no call to add to, CAN_NOT_ADD_PARTICIPANT', async () => {
    const c = await connect();
    await c.until('ready', () => c.ready().length === 1);
    c.send({ type: 'ADD_PARTICIPANT', contact: {}, call: { callId: 'x' }, isBlindTransfer: false });
    assert.deepEqual(await c.dispatched('ERROR'), { message: 'INVALID_DESTINATION' });
    c.send({ type: 'ADD_PARTICIPANT', contact: { phoneNumber: '1002' }, isBlindTransfer: false });
    assert.deepEqual(await c.dispatched('ERROR', 2), { message: 'CAN_NOT_ADD_PARTICIPANT' });
  });
});

describe('Salesforce Voice connector: the agent', () => {
  it('SET_AGENT_STATUS maps Omni statuses onto presence; GET_AGENT_STATUS answers the chosen one; a bad status is INVALID_AGENT_STATUS', async () => {
    const c = await connect();
    await c.until('ready', () => c.ready().length === 1);
    c.send({ type: 'SET_AGENT_STATUS', agentStatus: 'Busy', statusInfo: { statusId: '0N5000000000001', statusApiName: 'Busy' } });
    assert.deepEqual(await c.dispatched('SET_AGENT_STATUS_RESULT'), { success: true });
    assert.deepEqual({ status: c.engine.state.presence.status, reason: c.engine.state.presence.reasonId }, { status: 'away', reason: '0N5000000000001' });
    c.send({ type: 'GET_AGENT_STATUS' });
    const status = await c.dispatched('GET_AGENT_STATUS_RESULT');
    assert.deepEqual({ id: status['statusId'], type: status['statusType'] }, { id: '0N5000000000001', type: 'away' });
    c.send({ type: 'SET_AGENT_STATUS', agentStatus: 'Online', statusInfo: { statusId: '0N5000000000002' } });
    await c.dispatched('SET_AGENT_STATUS_RESULT', 2);
    assert.equal(c.engine.state.presence.status, 'available');
    c.send({ type: 'SET_AGENT_STATUS', agentStatus: 'AfterCallWork', statusInfo: { statusId: 'acw' } });
    await c.dispatched('SET_AGENT_STATUS_RESULT', 3);
    assert.equal(c.engine.state.presence.status, 'available', "after-call work is Salesforce's state");
    c.send({ type: 'SET_AGENT_STATUS', agentStatus: 42, statusInfo: {} });
    assert.deepEqual(await c.dispatched('SET_AGENT_STATUS_RESULT', 4), { success: false });
    assert.deepEqual(await c.dispatched('ERROR'), { message: 'INVALID_AGENT_STATUS' });
    c.send({ type: 'SET_AGENT_STATUS', agentStatus: ' ', statusInfo: {} });
    assert.deepEqual(await c.dispatched('ERROR', 2), { message: 'INVALID_AGENT_STATUS' });
  });

  it('a status chosen during a call applies after it, and GET_AGENT_STATUS answers it meanwhile (not on-call)', async () => {
    const c = await connect();
    await talking(c);
    c.send({ type: 'SET_AGENT_STATUS', agentStatus: 'Break', statusInfo: { statusId: '0N5000000000003' } });
    await c.dispatched('SET_AGENT_STATUS_RESULT');
    assert.equal(c.engine.state.presence.status, 'on-call');
    c.send({ type: 'GET_AGENT_STATUS' });
    assert.equal((await c.dispatched('GET_AGENT_STATUS_RESULT'))['statusType'], 'away');
  });

  it('SET_AGENT_CONFIG takes the softphone only; GET_PHONE_CONTACTS lists the call center directory, filtered', async () => {
    const c = await connect();
    await c.until('ready', () => c.ready().length === 1);
    c.send({ type: 'SET_AGENT_CONFIG', config: { selectedPhone: { type: 'SOFT_PHONE' } } });
    assert.deepEqual(await c.dispatched('AGENT_CONFIG_UPDATED'), { success: true });
    c.send({ type: 'SET_AGENT_CONFIG', config: { selectedPhone: { type: 'DESK_PHONE', number: '+1415' } } });
    assert.deepEqual(await c.dispatched('ERROR'), { message: 'CAN_NOT_SET_AGENT_CONFIG' });
    c.send({ type: 'GET_PHONE_CONTACTS', filter: { contains: 'bob' } });
    const contacts = await c.dispatched('PHONE_CONTACTS');
    assert.deepEqual(
      (contacts['contacts'] as Payload[]).map((x) => [x['name'], x['phoneNumber'], x['type']]),
      [['Bob Builder', '1002', 'Agent']],
    );
    c.send({ type: 'GET_PHONE_CONTACTS' });
    assert.equal(((await c.dispatched('PHONE_CONTACTS', 2))['contacts'] as Payload[]).length, 2);
  });

  it("GET_PHONE_CONTACTS gives each colleague's availability from their lamp: free, busy (ringing, on a call, Away), offline, or none when unknown", async () => {
    const c = await connect();
    await c.until('ready', () => c.ready().length === 1);
    const availability = async (n: number): Promise<unknown[]> => {
      c.send({ type: 'GET_PHONE_CONTACTS' });
      return ((await c.dispatched('PHONE_CONTACTS', n))['contacts'] as Payload[]).map((x) => [x['phoneNumber'], x['availability']]);
    };
    const directory = (c.engine.state.settings?.directory ?? []).map((d) => d.extension);
    const other = directory.find((e) => e !== '1002')!;
    // As the Voice page does once registered (app/runtime/directory-lamps.ts).
    await c.telephony()!.watchLines(directory);
    const cases: [LineState, string | undefined][] = [
      ['idle', 'AVAILABLE'],
      ['ringing', 'BUSY'],
      ['busy', 'BUSY'],
      ['away', 'BUSY'],
      ['offline', 'OFFLINE'],
      ['unknown', undefined],
    ];
    let n = 0;
    for (const [lamp, expected] of cases) {
      c.phone.setLineState('1002', lamp);
      await c.until(`1002's lamp ${lamp}`, () => c.engine.state.lines['1002'] === lamp);
      const got = await availability(++n);
      assert.deepEqual(
        got.find((x) => (x as unknown[])[0] === '1002'),
        ['1002', expected],
        `lamp ${lamp}`,
      );
      assert.ok(got.some((x) => (x as unknown[])[0] === other));
    }
  });

  it('LOGOUT signs out (LOGOUT_RESULT); with a call up it cannot (CAN_NOT_LOG_OUT)', async () => {
    const c = await connect();
    const { far } = await talking(c);
    c.send({ type: 'LOGOUT' });
    assert.deepEqual(await c.dispatched('ERROR'), { message: 'CAN_NOT_LOG_OUT' });
    far.hangup();
    await c.dispatched('HANGUP');
    c.send({ type: 'LOGOUT' });
    assert.deepEqual(await c.dispatched('LOGOUT_RESULT'), { success: true, loginFrameHeight: 350 });
    assert.equal(c.engine.state.phase, 'signed-out');
  });

  it("DOWNLOAD_VENDOR_LOGS saves the support log with the library's log; LOG and MESSAGE go to the connector's log", async () => {
    const c = await connect();
    await c.until('ready', () => c.ready().length === 1);
    c.send({ type: 'LOG', logLevel: 'ERROR', logMessage: 'from Salesforce', payload: { a: 1 } });
    c.send({ type: 'MESSAGE', message: { hello: 'lwc' } });
    c.send({ type: 'DOWNLOAD_VENDOR_LOGS' });
    await c.until('a saved log', () => c.saved.length === 1);
    assert.match(c.saved[0]!.filename, /^switchboard-voice-.*\.log$/);
    assert.match(c.saved[0]!.text, /^support log line\n/);
    assert.match(c.saved[0]!.text, /Salesforce Voice connector library log[\s\S]*SETUP_CONNECTOR/);
    assert.equal(c.logger.find('error', 'Salesforce Voice: from Salesforce').length, 1);
    assert.equal(c.logger.find('info', 'Salesforce Voice message').length, 1);
  });
});

describe('Salesforce Voice connector: calls that outlive the page, and call quality', () => {
  it('AGENT_AVAILABLE replays the calls in progress; a call a reload took back is not announced again, only replayed', async () => {
    const answeredAt = Date.now() - 60_000;
    const left: ReattachingCall = {
      callId: 'sip-call-id-1@pbx',
      direction: 'inbound',
      internal: false,
      remote: { number: '+14155550134' },
      answeredAt,
      leftAt: Date.now(),
      held: true,
      muted: false,
    };
    const c = await connect({ reattaching: [left] });
    await c.until('ready', () => c.ready().length === 1);
    const inProgress = (c.ready()[0]!.payload as { callInProgress: Payload }).callInProgress;
    assert.equal(inProgress.callId, 'sip-call-id-1@pbx');
    assert.equal((inProgress['callInfo'] as Payload)['isOnHold'], true);
    assert.deepEqual(c.events('CALL_STARTED'), []);
    c.send({ type: 'AGENT_AVAILABLE', isAvailable: true });
    const replayed = await c.dispatched('CALL_CONNECTED');
    assert.equal(replayed.callId, 'sip-call-id-1@pbx');
    assert.equal(replayed.isReplayedCall, true);
  });

  it('a ringing call and a ringing consultation are replayed as ringing / transferring', async () => {
    const c = await connect();
    const { far } = await ringing(c);
    c.send({ type: 'AGENT_AVAILABLE', isAvailable: true });
    const replay = await c.dispatched('CALL_STARTED', 2);
    assert.equal(replay.callId, far.callId);
    assert.equal(replay.isReplayedCall, true);
  });

  it("quality measured during the call becomes audio stats; the base library reports the call's MOS when it ends", async () => {
    const c = await connect();
    const { far } = await talking(c);
    far.reportQuality({ packetLossPercent: 1, jitterMs: 20, roundTripMs: 120, mos: 4.1 });
    await c.phone.settle();
    far.reportQuality({ packetLossPercent: 3, jitterMs: 40, roundTripMs: 200, mos: 3.6 });
    await c.phone.settle();
    far.hangup();
    const done = await c.dispatched('UPDATE_AUDIO_STATS_COMPLETED');
    assert.equal(done.callId, far.callId);
    assert.equal(typeof done['mos'], 'number');
    assert.ok((done['mos'] as number) > 1 && (done['mos'] as number) < 4.5, `MOS ${String(done['mos'])}`);
  });
});

describe('Salesforce Voice connector: commands that reach the engine by another way, and a phone system that does not confirm', () => {
  it('what the engine does by itself is published: a hold of the other call, a mute, a consultation, a conference', async () => {
    const c = await connect();
    const { far } = await talking(c);
    const handle = c.crm.handle!;
    await handle.execute({ type: 'mute', callId: far.callId, muted: true });
    assert.equal((await c.dispatched('MUTE_TOGGLE')).isMuted, true);
    await handle.execute({ type: 'consult', callId: far.callId, target: '1002' });
    const added = await c.dispatched('PARTICIPANT_ADDED');
    assert.equal(added.initialCallHasEnded, false);
    assert.equal((await c.dispatched('HOLD_TOGGLE')).isCustomerOnHold, true, 'the customer held for the consultation');
    await c.dispatched('PARTICIPANT_CONNECTED');
    await handle.execute({ type: 'conference', callIds: [far.callId, added.callId!] });
    await c.until('conferenced', () => c.events('HOLD_TOGGLE').some((h) => h.isCustomerOnHold === false && h.isThirdPartyOnHold === false));
  });

  it('a hold the phone system never confirms fails after the settle time (CAN_NOT_HOLD_CALL) instead of hanging', async () => {
    const c = await connect({ settleMs: 50 });
    const { far } = await talking(c);
    const telephony = c.telephony()!;
    // A re-INVITE nobody answers: the command is sent, the hold never confirmed.
    Object.defineProperty(telephony, 'hold', { value: async () => {} });
    c.send({ type: 'HOLD', call: { callId: far.callId } });
    assert.deepEqual(await c.dispatched('ERROR'), { message: 'CAN_NOT_HOLD_CALL' });
    assert.equal(c.engine.state.calls[0]?.state, 'active');
  });

  it('before the engine started, the connector says so; the CRM side answers for what Salesforce owns without doing it', async () => {
    const crm = new VoiceCrm();
    const connector = new SwitchboardVoiceConnector({ crm, logger: new CapturingLogger(), supportLog: () => '', saveLog: () => {} });
    await assert.rejects(connector.getActiveCalls(), /not started/);
    assert.equal((await crm.screenPop()).kind, 'skipped');
    await crm.openRecord({ id: '003x', objectType: 'Contact' });
    await crm.publishPresence({ status: 'available', since: 0, returnTo: { status: 'available' } });
    await crm.enableClickToDial(true);
    await crm.setPanelVisible(true);
    assert.equal('unsavedLogs' in crm, false, 'Salesforce keeps no refused logs for the agent');
    assert.equal(crm.mintSipCredentials, undefined, 'no minting without a minter');
    // An event whose publication needs the engine (PARTICIPANT_REMOVED asks for the active calls) is
    // logged as not published, not thrown at whoever caused it.
    const logger = new CapturingLogger();
    const lonely = new SwitchboardVoiceConnector({ crm, logger, supportLog: () => '', saveLog: () => {} });
    scv.initializeConnector(lonely);
    const consult = new Call({ id: 'k', direction: 'internal', origin: 'dialed', remote: { number: '1002' }, at: 0, consultationFor: 'c' });
    consult.end('remote-hangup', 1, 'bye');
    crm.callLifecycle({ type: 'participant-removed', call: consult.snapshot(), parentId: 'c', reason: 'remote-hangup' });
    const end = Date.now() + 2000;
    while (!logger.find('error', 'could not publish').length && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    assert.equal(logger.find('error', 'could not publish').length, 1);
    // The base library's window listener goes with the first SETUP_CONNECTOR, even from a refused origin.
    win.dispatchEvent(Object.assign(new Event('message'), { data: { type: 'SETUP_CONNECTOR' }, origin: 'https://elsewhere.example', ports: [] }));
  });
});
