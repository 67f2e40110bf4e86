// The whole server side of Salesforce Voice without a test double: a customer's call through the
// embedded SIP server, which asks the real voice bridge, which signs its JWTs for the console
// emulator's Telephony Integration REST API; the agent's INVITE carries the id of the VoiceCall the
// emulator's database now holds, and hanging up closes that record. A bridge whose key the
// contact center does not trust gets Salesforce's refusal, and the call still rings.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from 'jsforce';
import { silentLogger } from '../../src/core/index.ts';
import { startConsole, type RunningConsole } from '../../src/node/console/index.ts';
import { ORG_ID } from '../../src/node/console/server/api-login.ts';
import { fixture, type Fixture } from '../../src/node/sip-server/test-support/fixture.ts';
import { until } from '../../src/node/sip-server/test-support/wait.ts';
import type { VoiceCallEvent } from '../../src/node/sip-server/voice-calls.ts';
import { generateKeyPair, loadPrivateKey, ScrtClient, startVoiceBridge, type VoiceBridge } from '../../src/node/voice-bridge/index.ts';

const CENTER = 'SipVoice';
let dir: string;
let app: RunningConsole;
let conn: Connection;
let bridge: VoiceBridge;
let untrusted: VoiceBridge;
let f: Fixture;
let g: Fixture;
const events: VoiceCallEvent[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-voice-emu-'));
  const trusted = generateKeyPair(join(dir, 'trusted'));
  const stranger = generateKeyPair(join(dir, 'stranger'));
  app = await startConsole({ dbFile: ':memory:' });
  app.data.importCallCenter(`<callCenter>
  <section sortOrder="0" name="reqGeneralInfo" label="General Information">
    <item sortOrder="0" name="reqInternalName" label="Internal Name">${CENTER}</item>
    <item sortOrder="1" name="reqDisplayName" label="Display Name">SIP Voice</item>
    <item sortOrder="2" name="reqVendorInfoApiName" label="Conversation Vendor Info Developer Name">switchboard__SwitchboardVoice</item>
  </section>
  <section sortOrder="1" name="reqHvcc" label="SCV Settings">
    <item sortOrder="0" name="reqTelephonyIntegrationCertificate" label="Telephony Integration Certificate">${trusted.certificate}</item>
  </section>
</callCenter>`);
  conn = new Connection({ instanceUrl: app.lightningOrigin, accessToken: app.apiToken, version: '62.0' });
  const client = (keyPath: string): ScrtClient =>
    new ScrtClient({
      scrtUrl: app.lightningOrigin,
      orgId: ORG_ID,
      callCenter: CENTER,
      providerName: 'Switchboard',
      key: loadPrivateKey({ file: keyPath }),
      logger: silentLogger,
      timeoutMs: 3000,
    });
  bridge = await startVoiceBridge({ client: client(trusted.keyPath), port: 0, logger: silentLogger });
  untrusted = await startVoiceBridge({ client: client(stranger.keyPath), port: 0, logger: silentLogger });
  f = await fixture({ voiceBridge: { url: bridge.url } });
  g = await fixture({ voiceBridge: { url: untrusted.url } });
  for (const server of [f.server, g.server]) server.on('voice-call', (e) => events.push(e));
});

after(async () => {
  await f?.close();
  await g?.close();
  await bridge?.close();
  await untrusted?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

test(
  'a customer call: the agent INVITE carries the VoiceCall the emulator holds; hanging up closes it with its hold metrics',
  { timeout: 30_000 },
  async () => {
    const agent = await f.phone('1001');
    const customer = await f.phone('guest');
    const call = customer.call('1001');
    const offer = await agent.invitations.next('the customer call');
    const callId = offer.request.callId;
    const id = offer.request.getHeader('X-Salesforce-VoiceCall-Id');
    assert.match(String(id), /^0LQ[A-Za-z0-9]{15}$/, JSON.stringify(events));
    const rows = await conn.query<Record<string, unknown>>(
      `SELECT Id, VendorCallKey, CallType, FromPhoneNumber, ToPhoneNumber, IsActiveCall FROM VoiceCall WHERE VendorCallKey = '${callId}'`,
    );
    assert.equal(rows.totalSize, 1);
    const row = rows.records[0]!;
    assert.deepEqual([row.Id, row.CallType, row.FromPhoneNumber, row.ToPhoneNumber, row.IsActiveCall], [id, 'Inbound', 'guest', '1001', true]);
    await offer.accept();
    await call.outcome;
    const answered = Date.now();
    // A hold of about two seconds, by re-INVITE (sendonly, then sendrecv), inside a call of about three.
    const reInvite = (hold: boolean): Promise<void> => {
      call.inviter.sessionDescriptionHandlerOptionsReInvite = { hold } as object;
      return new Promise<void>((resolve, reject) => {
        void call.inviter.invite({ requestDelegate: { onAccept: () => resolve(), onReject: (r) => reject(new Error(`re-INVITE ${r.message.statusCode}`)) } });
      });
    };
    await reInvite(true);
    const held = Date.now();
    await new Promise((r) => setTimeout(r, 2000));
    await reInvite(false);
    const heldMs = Date.now() - held;
    await new Promise((r) => setTimeout(r, 1000));
    await call.inviter.bye();
    const talkedMs = Date.now() - answered - heldMs;
    await until(() => events.some((e) => e.kind === 'ended' && e.callId === callId) || undefined, 'the end sent', 5000);
    const ended = await conn.query<Record<string, unknown>>(
      `SELECT CallEndDateTime, CallAcceptDateTime, CallDurationInSeconds, DisconnectReason, IsActiveCall, NumberOfHolds, TotalHoldDuration, LongestHoldDuration, AgentInteractionDuration FROM VoiceCall WHERE VendorCallKey = '${callId}'`,
    );
    const e = ended.records[0]!;
    assert.equal(e.DisconnectReason, 'CUSTOMER_DISCONNECT');
    assert.equal(e.IsActiveCall, false);
    assert.ok(typeof e.CallEndDateTime === 'string' && Number(e.CallDurationInSeconds) >= 1, JSON.stringify(e));
    assert.ok(Math.abs(Date.parse(String(e.CallAcceptDateTime)) - answered) < 1000, `accepted at ${String(e.CallAcceptDateTime)}`);
    assert.equal(e.NumberOfHolds, 1);
    assert.ok(Math.abs(Number(e.TotalHoldDuration) - heldMs / 1000) <= 1, `TotalHoldDuration ${String(e.TotalHoldDuration)} s ≈ ${heldMs} ms`);
    assert.equal(e.LongestHoldDuration, e.TotalHoldDuration);
    assert.ok(
      Math.abs(Number(e.AgentInteractionDuration) - talkedMs / 1000) <= 1,
      `AgentInteractionDuration ${String(e.AgentInteractionDuration)} s ≈ ${talkedMs} ms`,
    );
  },
);

test('a bridge whose key the contact center does not trust: Salesforce refuses, the call rings without the header', { timeout: 30_000 }, async () => {
  const agent = await g.phone('1002');
  const customer = await g.phone('guest');
  const call = customer.call('1002');
  const offer = await agent.invitations.next('the call despite the refusal');
  assert.equal(offer.request.getHeader('X-Salesforce-VoiceCall-Id'), undefined);
  const failed = events.find((e) => e.kind === 'create-failed' && e.callId === offer.request.callId);
  assert.ok(failed && failed.kind === 'create-failed');
  assert.match(failed.error, /the voice bridge answered 401: Salesforce: /);
  assert.equal((await conn.query(`SELECT Id FROM VoiceCall WHERE VendorCallKey = '${offer.request.callId}'`)).totalSize, 0);
  await offer.reject({ statusCode: 486 });
  await call.outcome;
});
