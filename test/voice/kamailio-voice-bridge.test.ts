// Kamailio's Salesforce Voice variant (deploy/kamailio/kamailio.cfg -A WITH_VOICE_BRIDGE): a new
// inbound INVITE asks the real voice bridge (in front of a behaving Salesforce) for its VoiceCall
// with http_client before it forks to the agents, every branch carries X-Salesforce-VoiceCall-Id,
// and the dialog module's end event closes the record.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inviter, UserAgent } from 'sip.js';
import type { Logger } from '../../src/core/index.ts';
import { generateKeyPair } from '../../src/node/voice-bridge/keygen.ts';
import { loadPrivateKey } from '../../src/node/voice-bridge/private-key.ts';
import { ScrtClient } from '../../src/node/voice-bridge/scrt-client.ts';
import { startVoiceBridge, type VoiceBridge } from '../../src/node/voice-bridge/bridge-server.ts';
import { startFakeScrt, type FakeScrt } from '../../src/node/voice-bridge/test-support/fake-scrt.ts';
import { TestPhone, reach, SessionState } from '../../src/node/sip-server/test-support/sip-phone.ts';
import { until } from '../../src/node/sip-server/test-support/wait.ts';
import { startKamailio, type KamailioHandle } from '../support/kamailio.ts';

const ORG = '00D5g000000SwBdEAK';
const CENTER = 'Switchboard_Voice';
const TOKEN = 'kamailio-bridge-token-0123456';
const CUSTOMER = '+15550100';

let dir: string;
let scrt: FakeScrt;
let bridge: VoiceBridge;
let kamailio: KamailioHandle;
const phones: TestPhone[] = [];
const logger: Logger = { log: () => {} };

async function phone(user: string): Promise<TestPhone> {
  const p = await TestPhone.start({ url: kamailio.wsUrl, domain: kamailio.domain, user, password: 'secret' });
  phones.push(p);
  const registered = await p.register();
  assert.equal(registered, 'registered', `${user} registers`);
  return p;
}

function header(invitation: { request: { getHeader(name: string): string | undefined } }): string | undefined {
  return invitation.request.getHeader('X-Salesforce-VoiceCall-Id');
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-kam-voice-'));
  const files = generateKeyPair(dir);
  scrt = await startFakeScrt({ certificatePem: files.certificate, orgId: ORG, callCenter: CENTER, providerName: 'Switchboard' });
  const client = new ScrtClient({
    scrtUrl: scrt.url,
    orgId: ORG,
    callCenter: CENTER,
    providerName: 'Switchboard',
    key: loadPrivateKey({ file: files.keyPath }),
    logger,
    timeoutMs: 5000,
    attempts: 1,
  });
  bridge = await startVoiceBridge({ client, port: 0, logger, token: TOKEN });
  kamailio = await startKamailio({ ringGroups: { '5000': ['2001', '2002'] }, voiceBridge: { url: bridge.url, token: TOKEN } });
});

after(async () => {
  await Promise.all(phones.map((p) => p.stop()));
  await kamailio?.stop();
  await bridge?.close();
  await scrt?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('an inbound call to a ring group: both agents get the VoiceCall id; the caller hanging up closes it', { timeout: 30_000 }, async () => {
  const [a1, a2, customer] = [await phone('2001'), await phone('2002'), await phone(CUSTOMER)];
  const call = customer.call('5000');
  const [i1, i2] = await Promise.all([a1.invitations.next('offer to 2001'), a2.invitations.next('offer to 2002')]);
  const callId = i1.request.callId;
  const record = scrt.calls.get(callId);
  assert.ok(
    record,
    `a VoiceCall for ${callId}; bridge saw ${JSON.stringify(scrt.requests.map((r) => r.body))}\n${kamailio
      .log()
      .split('\n')
      .filter((l) => /voice bridge|http_client/i.test(l))
      .slice(-10)
      .join('\n')}`,
  );
  assert.equal(header(i1), record.id);
  assert.equal(header(i2), record.id);
  assert.deepEqual(
    { from: record.created.from, to: record.created.to, vendorCallKey: record.created.vendorCallKey },
    { from: CUSTOMER, to: '5000', vendorCallKey: callId },
  );
  assert.equal(scrt.requests.at(-1)?.headers['telephony-provider-name'], 'Switchboard');
  await i2.accept();
  assert.equal((await call.outcome).kind, 'established');
  await reach(i1, SessionState.Terminated);
  await call.inviter.bye();
  await until(
    () => record.updates.length > 0 || undefined,
    `the end: ${kamailio
      .log()
      .split('\n')
      .filter((l) => /voice bridge/i.test(l))
      .slice(-5)
      .join('\n')}`,
    5000,
  );
  assert.equal(record.updates[0].disconnectReason, 'CUSTOMER_DISCONNECT');
  assert.equal(record.updates.length, 1);
});

test('the agent hanging up, a refused call, a caller who gives up, and a forged header', { timeout: 30_000 }, async () => {
  const [agent, customer] = [await phone('2003'), await phone(CUSTOMER)];
  const call = customer.call('2003');
  const offer = await agent.invitations.next('direct offer');
  await offer.accept();
  await call.outcome;
  await offer.bye();
  const id = offer.request.callId;
  await until(() => scrt.calls.get(id)?.updates.length === 1 || undefined, 'the end of the answered call', 5000);
  assert.equal(scrt.calls.get(id)?.updates[0].disconnectReason, 'AGENT_DISCONNECT');

  const refused = customer.call('2003');
  const ring = await agent.invitations.next('second offer');
  assert.ok(header(ring));
  await ring.reject({ statusCode: 486 });
  assert.deepEqual(await refused.outcome, { kind: 'rejected', status: 486 });
  await until(() => scrt.calls.get(ring.request.callId)?.updates.length === 1 || undefined, 'the end of the refused call', 5000);
  assert.equal(scrt.calls.get(ring.request.callId)?.updates[0].disconnectReason, 'NOT_ANSWERED');

  const abandoned = customer.call('2003');
  const ringing = await agent.invitations.next('third offer');
  await abandoned.inviter.cancel();
  assert.deepEqual(await abandoned.outcome, { kind: 'rejected', status: 487 });
  await until(() => scrt.calls.get(ringing.request.callId)?.updates.length === 1 || undefined, 'the end of the abandoned call', 5000);
  assert.equal(scrt.calls.get(ringing.request.callId)?.updates[0].disconnectReason, 'CUSTOMER_ABANDONED');

  const target = UserAgent.makeURI(`sip:2003@${kamailio.domain}`);
  assert.ok(target);
  const forged = new Inviter(customer.ua, target, { extraHeaders: ['X-Salesforce-VoiceCall-Id: 0LQforged'] });
  void forged.invite();
  const offered = await agent.invitations.next('offer with a forged header');
  assert.equal(offered.request.getHeaders('X-Salesforce-VoiceCall-Id').length, 1);
  assert.equal(header(offered), scrt.calls.get(offered.request.callId)?.id);
  await offered.reject({ statusCode: 486 });
});

test('calls between agents do not touch the bridge; a slow Salesforce: the call rings without the header after 2 s', { timeout: 30_000 }, async () => {
  const [a4, a5, customer] = [await phone('2004'), await phone('2005'), await phone(CUSTOMER)];
  const before = scrt.requests.length;
  const internal = a4.call('2005');
  const ring = await a5.invitations.next('internal call');
  assert.equal(header(ring), undefined);
  await ring.reject({ statusCode: 486 });
  await internal.outcome;
  assert.equal(scrt.requests.length, before);

  scrt.delayNext(1, 4000);
  const started = Date.now();
  const slow = customer.call('2004');
  const offer = await a4.invitations.next('offer after the bridge timed out', () => true, 8000);
  const waited = Date.now() - started;
  assert.ok(waited >= 1500, `rang after ${waited} ms, having waited for the bridge`);
  // No header: it rang before Salesforce's answer (held 4 s), once http_client gave up.
  assert.equal(header(offer), undefined);
  await offer.reject({ statusCode: 486 });
  await slow.outcome;
  // The bridge still made the record: its end is sent too (after Salesforce answered the create).
  await until(() => scrt.calls.get(offer.request.callId)?.updates.length === 1 || undefined, 'the end of the late VoiceCall', 8000);
});
