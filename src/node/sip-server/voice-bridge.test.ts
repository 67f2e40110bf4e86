import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inviter, UserAgent } from 'sip.js';
import type { Logger } from '../../core/index.ts';
import { generateKeyPair } from '../voice-bridge/keygen.ts';
import { loadPrivateKey } from '../voice-bridge/private-key.ts';
import { ScrtClient } from '../voice-bridge/scrt-client.ts';
import { startVoiceBridge, type VoiceBridge } from '../voice-bridge/bridge-server.ts';
import { startFakeScrt, type FakeScrt } from '../voice-bridge/test-support/fake-scrt.ts';
import { fixture, DOMAIN, type Fixture } from './test-support/fixture.ts';
import { reach, SessionState } from './test-support/sip-phone.ts';
import { until } from './test-support/wait.ts';
import type { VoiceCallEvent } from './voice-calls.ts';

const ORG = '00D5g000000SwBdEAK';
const CENTER = 'Switchboard_Voice';
const TOKEN = 'sip-server-bridge-token-0123';
const WAIT_MS = 700;

// The real bridge in front of a behaving Salesforce: the server is tested against what it will call.
let dir: string;
let scrt: FakeScrt;
let bridge: VoiceBridge;
let f: Fixture;
const events: VoiceCallEvent[] = [];
const logs: string[] = [];
const logger: Logger = { log: (level, message, data) => logs.push(`${level} ${message} ${JSON.stringify(data ?? {})}`) };

function eventsOf(callId: string): VoiceCallEvent[] {
  return events.filter((e) => e.callId === callId);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-sip-voice-'));
  const files = generateKeyPair(dir);
  scrt = await startFakeScrt({ certificatePem: files.certificate, orgId: ORG, callCenter: CENTER, providerName: 'Switchboard' });
  const client = new ScrtClient({
    scrtUrl: scrt.url,
    orgId: ORG,
    callCenter: CENTER,
    providerName: 'Switchboard',
    key: loadPrivateKey({ file: files.keyPath }),
    logger,
    timeoutMs: 3000,
    attempts: 1,
  });
  bridge = await startVoiceBridge({ client, port: 0, logger, token: TOKEN });
  f = await fixture({ ringGroups: { support: ['1001', '1002'] }, voiceBridge: { url: bridge.url, token: TOKEN, waitMs: WAIT_MS }, logger });
  f.server.on('voice-call', (e) => events.push(e));
});
after(async () => {
  await f.close();
  await bridge.close();
  await scrt.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('embedded SIP server + voice bridge (Salesforce Voice)', () => {
  test('an inbound call to a ring group gets its VoiceCall before it rings; the id rides on every forked INVITE; the end closes it', async () => {
    const a1 = await f.phone('1001');
    const a2 = await f.phone('1002');
    const customer = await f.phone('guest');
    const call = customer.call('support');
    const [i1, i2] = await Promise.all([a1.invitations.next('offer to 1001'), a2.invitations.next('offer to 1002')]);
    const callId = i1.request.callId;
    assert.equal(i2.request.callId, callId, 'the proxy keeps the caller Call-ID: the vendorCallKey');
    const record = scrt.calls.get(callId);
    assert.ok(record, 'the VoiceCall exists before the agents ring');
    assert.equal(i1.request.getHeader('X-Salesforce-VoiceCall-Id'), record.id);
    assert.equal(i2.request.getHeader('X-Salesforce-VoiceCall-Id'), record.id);
    assert.equal(record.created.vendorCallKey, callId);
    assert.equal(record.created.from, 'guest');
    assert.equal(record.created.to, 'support');
    assert.equal(record.created.initiationMethod, 'Inbound');
    await i2.accept();
    assert.equal((await call.outcome).kind, 'established');
    await reach(i1, SessionState.Terminated);
    assert.equal(record.updates.length, 0, 'not closed while the call is up');
    await call.inviter.bye();
    await until(() => eventsOf(callId).some((e) => e.kind === 'ended') || undefined, 'the end reported');
    assert.equal(record.updates[0].disconnectReason, 'CUSTOMER_DISCONNECT');
    assert.ok(Date.parse(String(record.updates[0].endTime)) >= Date.parse(String(record.created.startTime)));
    assert.deepEqual(
      eventsOf(callId).map((e) => e.kind),
      ['created', 'ended'],
    );
  });

  test('the agent hanging up is AGENT_DISCONNECT; a caller who gives up before an answer is CUSTOMER_ABANDONED', async () => {
    const customer = await f.phone('guest');
    const agent = await f.phone('1003');
    const call = customer.call('1003');
    const offer = await agent.invitations.next('direct offer');
    await offer.accept();
    await call.outcome;
    await offer.bye();
    const id = offer.request.callId;
    await until(() => scrt.calls.get(id)?.updates.length === 1 || undefined, 'the end of the answered call');
    assert.equal(scrt.calls.get(id)?.updates[0].disconnectReason, 'AGENT_DISCONNECT');

    const second = customer.call('1003');
    const ringing = await agent.invitations.next('second offer');
    await second.inviter.cancel();
    assert.deepEqual(await second.outcome, { kind: 'rejected', status: 487 });
    const id2 = ringing.request.callId;
    await until(() => scrt.calls.get(id2)?.updates.length === 1 || undefined, 'the end of the abandoned call');
    assert.equal(scrt.calls.get(id2)?.updates[0].disconnectReason, 'CUSTOMER_ABANDONED');
  });

  test('a slow Salesforce: the call rings without the header after the wait, the late VoiceCall is still closed, exactly one record', async () => {
    const customer = await f.phone('guest');
    const agent = await f.phone('1004');
    scrt.delayNext(1, WAIT_MS + 600);
    const started = Date.now();
    const call = customer.call('1004');
    const offer = await agent.invitations.next('offer after the wait', () => true, 5000);
    const waited = Date.now() - started;
    assert.ok(waited >= WAIT_MS - 50, `rang after ${waited} ms, having waited for the bridge`);
    // No header: it rang before Salesforce answered (an answer cancels the wait and brings the id).
    assert.equal(offer.request.getHeader('X-Salesforce-VoiceCall-Id'), undefined);
    assert.ok(logs.some((l) => l.startsWith('warn') && l.includes('did not answer in time')));
    await offer.accept();
    await call.outcome;
    // The caller hangs up before Salesforce has even answered the create: the end waits for it.
    await call.inviter.bye();
    const id = offer.request.callId;
    await until(() => eventsOf(id).some((e) => e.kind === 'ended') || undefined, 'the end of the late VoiceCall', 5000);
    assert.equal([...scrt.calls.values()].filter((c) => c.vendorCallKey === id).length, 1);
    const kinds = eventsOf(id).map((e) => e.kind);
    assert.deepEqual(kinds, ['created', 'ended']);
  });

  test('a bridge that refuses: the call rings without the header, the failure is logged and no end is sent', async () => {
    const customer = await f.phone('guest');
    const agent = await f.phone('1005');
    scrt.failNext(1, 400, 'Invalid call center');
    const call = customer.call('1005');
    const offer = await agent.invitations.next('offer despite the failure');
    assert.equal(offer.request.getHeader('X-Salesforce-VoiceCall-Id'), undefined);
    const id = offer.request.callId;
    const failed = eventsOf(id).find((e) => e.kind === 'create-failed');
    assert.ok(failed && failed.kind === 'create-failed');
    assert.match(failed.error, /the voice bridge answered 400: Salesforce: FAKE_FAILURE: Invalid call center/);
    await offer.accept();
    await call.outcome;
    const before = scrt.requests.length;
    await call.inviter.bye();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(scrt.requests.length, before, 'nothing to close');
  });

  test('a caller who cancels while the server waits for Salesforce gets 487, nobody rings, and the VoiceCall is closed as abandoned', async () => {
    const customer = await f.phone('guest');
    const agent = await f.phone('1008');
    scrt.delayNext(1, 400);
    const created = new Promise<string>((resolve) =>
      f.server.on('voice-call', (e) => {
        if (e.kind === 'created') resolve(e.callId);
      }),
    );
    const call = customer.call('1008');
    await new Promise((r) => setTimeout(r, 150));
    await call.inviter.cancel();
    assert.deepEqual(await call.outcome, { kind: 'rejected', status: 487 });
    const id = await created;
    await until(() => eventsOf(id).some((e) => e.kind === 'ended') || undefined, 'the end of the call cancelled while waiting');
    assert.equal(scrt.calls.get(id)?.updates[0].disconnectReason, 'CUSTOMER_ABANDONED');
    assert.equal(agent.invitations.queued.length, 0, 'the agent never rang');
  });

  test("a blind transfer: the caller's INVITE after the agent's REFER gets a Transfer VoiceCall whose parent is the first call, which ends as TRANSFER", async () => {
    const customer = await f.phone('guest');
    const first = await f.phone('1009');
    const second = await f.phone('1003');
    const call = customer.call('1009');
    const offer = await first.invitations.next('the customer call');
    await offer.accept();
    await call.outcome;
    const parentKey = offer.request.callId;
    const referred = new Promise<number>((resolve) => {
      void offer.refer(UserAgent.makeURI(`sip:1003@${DOMAIN}`) as NonNullable<ReturnType<typeof UserAgent.makeURI>>, {
        requestDelegate: { onAccept: (r) => resolve(r.message.statusCode ?? 0), onReject: (r) => resolve(r.message.statusCode ?? 0) },
        onNotify: (n) => {
          void n.accept();
        },
      });
    });
    assert.equal(await referred, 202);
    const transferred = await second.invitations.next('the transferred call');
    const legKey = transferred.request.callId;
    assert.notEqual(legKey, parentKey);
    const leg = scrt.calls.get(legKey);
    assert.ok(leg);
    assert.equal(transferred.request.getHeader('X-Salesforce-VoiceCall-Id'), leg.id);
    assert.deepEqual([leg.created.initiationMethod, leg.created.parentVoiceCallId, leg.created.from, leg.created.to], ['Transfer', parentKey, 'guest', '1003']);
    await transferred.accept();
    await offer.bye();
    await until(() => scrt.calls.get(parentKey)?.updates.length === 1 || undefined, 'the first call closed');
    // The agent's BYE after the caller went on to the transfer target is no hang-up on the caller.
    assert.equal(scrt.calls.get(parentKey)?.updates[0].disconnectReason, 'TRANSFER');
    const legCall = await customer.transferCalls.next('the transferee call');
    await reach(legCall, SessionState.Established);
    await legCall.bye();
    await until(() => leg.updates.length === 1 || undefined, 'the transfer leg closed');
    assert.equal(leg.updates[0].disconnectReason, 'CUSTOMER_DISCONNECT');
  });

  test('a caller cannot forge the header, and calls between agents do not touch the bridge', async () => {
    const customer = await f.phone('guest');
    const agent = await f.phone('1006');
    const uri = UserAgent.makeURI(`sip:1006@${DOMAIN}`);
    assert.ok(uri);
    const inviter = new Inviter(customer.ua, uri, { extraHeaders: ['X-Salesforce-VoiceCall-Id: 0LQforged'] });
    void inviter.invite();
    const offer = await agent.invitations.next('offer with a forged header');
    const id = offer.request.callId;
    assert.equal(offer.request.getHeader('X-Salesforce-VoiceCall-Id'), scrt.calls.get(id)?.id);
    await offer.reject({ statusCode: 486 });
    await until(() => scrt.calls.get(id)?.updates[0]?.disconnectReason === 'NOT_ANSWERED' || undefined, 'a refused call ends as not answered');

    const colleague = await f.phone('1007');
    const before = scrt.requests.length;
    const internal = colleague.call('1006');
    const ring = await agent.invitations.next('internal call');
    assert.equal(ring.request.getHeader('X-Salesforce-VoiceCall-Id'), undefined);
    await ring.reject({ statusCode: 486 });
    await internal.outcome;
    assert.equal(scrt.requests.length, before);
  });
});

describe('embedded SIP server + voice bridge: a queued call', () => {
  test('a call that waits in a queue keeps its VoiceCall: the offer carries the id, and it is closed once, at the end', async () => {
    const q = await fixture({ ringGroups: { q: ['1001'] }, queues: { q: {} }, voiceBridge: { url: bridge.url, token: TOKEN, waitMs: WAIT_MS } });
    const seen: VoiceCallEvent[] = [];
    q.server.on('voice-call', (e) => seen.push(e));
    try {
      const agent = await q.phone('1001');
      const colleague = await q.phone('1002');
      const busy = colleague.call('1001');
      const first = await agent.invitations.next('the colleague rings the agent');
      await first.accept();
      await busy.outcome;
      const customer = await q.phone('guest');
      const queued = customer.call('q');
      assert.equal(await queued.progress, 182);
      const created = seen.find((e) => e.kind === 'created');
      assert.ok(created && created.kind === 'created', 'the VoiceCall is made when the call arrives, before it waits');
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(scrt.calls.get(created.callId)?.updates.length, 0, 'waiting in the queue is not the end');
      await first.bye();
      const offer = await agent.invitations.next('the queued call offered');
      assert.equal(offer.request.callId, created.callId);
      assert.equal(offer.request.getHeader('X-Salesforce-VoiceCall-Id'), created.voiceCallId);
      await offer.accept();
      assert.equal((await queued.outcome).kind, 'established');
      await queued.inviter.bye();
      await until(() => seen.some((e) => e.kind === 'ended') || undefined, 'the end of the queued call');
      assert.deepEqual(
        scrt.calls.get(created.callId)?.updates.map((u) => u.disconnectReason),
        ['CUSTOMER_DISCONNECT'],
      );
    } finally {
      await q.close();
    }
  });
});
