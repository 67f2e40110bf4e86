/**
 * The voice bridge against the emulator instead of Salesforce: the phone system's `POST /v1/calls`
 * and `/end` go through the real bridge (its JWTs, its retries) to the emulator's Telephony
 * Integration REST API, and the VoiceCall they make is the org's record, read back with jsforce.
 * Proves the two sides of the shared contract fit without either's test double.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from 'jsforce';
import { silentLogger } from '../../src/core/index.ts';
import { startConsole, type RunningConsole } from '../../src/node/console/index.ts';
import { ORG_ID } from '../../src/node/console/server/api-login.ts';
import { ScrtClient, startVoiceBridge, type VoiceBridge } from '../../src/node/voice-bridge/index.ts';
import { makeTelephonyKeys } from '../../src/node/console/rest/test-support/telephony-keys.ts';

let app: RunningConsole;
let bridge: VoiceBridge;
let conn: Connection;

before(async () => {
  const keys = makeTelephonyKeys();
  app = await startConsole({ dbFile: ':memory:' });
  app.data.importCallCenter(`<callCenter>
  <section sortOrder="0" name="reqGeneralInfo" label="General Information">
    <item sortOrder="0" name="reqInternalName" label="Internal Name">BridgeVoice</item>
    <item sortOrder="1" name="reqDisplayName" label="Display Name">Bridge Voice</item>
    <item sortOrder="2" name="reqVendorInfoApiName" label="Conversation Vendor Info Developer Name">switchboard__SwitchboardVoice</item>
  </section>
  <section sortOrder="1" name="reqHvcc" label="SCV Settings">
    <item sortOrder="0" name="reqTelephonyIntegrationCertificate" label="Telephony Integration Certificate">${keys.certificate}</item>
  </section>
</callCenter>`);
  const client = new ScrtClient({
    scrtUrl: app.lightningOrigin,
    orgId: ORG_ID,
    callCenter: 'BridgeVoice',
    providerName: 'Switchboard',
    key: keys.privateKey,
    logger: silentLogger,
    timeoutMs: 5000,
  });
  bridge = await startVoiceBridge({ client, port: 0, logger: silentLogger });
  conn = new Connection({ instanceUrl: app.lightningOrigin, accessToken: app.apiToken, version: '62.0' });
});

after(async () => {
  await bridge?.close();
  await app?.close();
});

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${bridge.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

test('a call through the voice bridge: one VoiceCall per Call-ID, ended with its duration and recording', { timeout: 30_000 }, async () => {
  const callId = 'f81d4fae-7dec@198.51.100.7';
  const start = { vendorCallKey: callId, from: '+14155550134', to: '+18005550100', startTime: '2026-12-07T01:00:00.000Z', callAttributes: { ivrChoice: '2' } };
  const created = await post('/v1/calls', start);
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const voiceCallId = String(created.body.voiceCallId);
  assert.match(voiceCallId, /^0LQ[A-Za-z0-9]{15}$/);
  const again = await post('/v1/calls', start);
  assert.equal(again.body.voiceCallId, voiceCallId, 'a retried INVITE gets the same VoiceCall');

  const ended = await post(`/v1/calls/${encodeURIComponent(callId)}/end`, {
    endTime: '2026-12-07T01:03:20.000Z',
    disconnectReason: 'CUSTOMER_DISCONNECT',
    recordingLocation: 'https://pbx.example/rec/1.wav',
    totalRecordingDuration: 190,
  });
  assert.equal(ended.status, 200, JSON.stringify(ended.body));

  const q = await conn.query<Record<string, unknown> & { CallCenter: { Name: string } }>(
    `SELECT Id, CallType, FromPhoneNumber, CallDurationInSeconds, DisconnectReason, IsActiveCall, CallRecordingId, CallCenter.Name FROM VoiceCall WHERE VendorCallKey = '${callId}'`,
  );
  assert.equal(q.totalSize, 1);
  const r = q.records[0]!;
  assert.deepEqual(
    [r.Id, r.CallType, r.FromPhoneNumber, r.CallDurationInSeconds, r.DisconnectReason, r.IsActiveCall, r.CallCenter.Name],
    [voiceCallId, 'Inbound', '+14155550134', 200, 'CUSTOMER_DISCONNECT', false, 'Bridge Voice'],
  );
  const recording = (await conn.sobject('VoiceCallRecording').retrieve(String(r.CallRecordingId))) as Record<string, unknown>;
  assert.deepEqual([recording.RecordingLocation, recording.DurationInSeconds], ['https://pbx.example/rec/1.wav', 190]);
});
