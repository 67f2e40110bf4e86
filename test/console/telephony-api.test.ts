/**
 * The emulator's Telephony Integration REST API over HTTP, as a telephony system (Switchboard's voice
 * bridge) calls it: JWT auth against the call center's certificate, creating VoiceCalls idempotently,
 * updating them by key or Id, transcripts and routing requests; and the VoiceCalls it makes read back
 * through the org's REST API with jsforce (SOQL with relationship fields, describe, retrieve) where
 * creating one is refused and only the user-editable fields update. The whole emulator (startConsole).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from 'jsforce';
import { DEMO, startConsole, type RunningConsole } from '../../src/node/console/index.ts';
import { openConsoleDb, type OpenConsoleDb } from '../../src/node/console/db/index.ts';
import { ORG_ID } from '../../src/node/console/server/api-login.ts';
import { makeTelephonyKeys, telephonyToken, type TelephonyKeys } from '../../src/node/console/rest/test-support/telephony-keys.ts';

let app: RunningConsole;
let dir: string;
let keys: TelephonyKeys;
let conn: Connection;
/** A second handle on the emulator's SQLite file, to read what the API stored beyond VoiceCall fields. */
let reader: OpenConsoleDb;
const VERSION = '62.0';

const callCenterXml = (name: string, certificate: string) => `<callCenter>
  <section sortOrder="0" name="reqGeneralInfo" label="General Information">
    <item sortOrder="0" name="reqInternalName" label="Internal Name">${name}</item>
    <item sortOrder="1" name="reqDisplayName" label="Display Name">${name} Contact Center</item>
    <item sortOrder="2" name="reqAdapterUrl" label="CTI Adapter URL">/voice/</item>
    <item sortOrder="3" name="reqVendorInfoApiName" label="Conversation Vendor Info Developer Name">switchboard__SwitchboardVoice</item>
  </section>
  <section sortOrder="1" name="reqHvcc" label="SCV Settings">
    <item sortOrder="0" name="reqTelephonyIntegrationCertificate" label="Telephony Integration Certificate">${certificate}</item>
  </section>
</callCenter>`;

before(async () => {
  keys = makeTelephonyKeys();
  dir = mkdtempSync(join(tmpdir(), 'sb-telephony-api-'));
  app = await startConsole({ dbFile: join(dir, 'console.sqlite') });
  app.data.importCallCenter(callCenterXml('TelVoice', keys.certificate));
  // The same certificate as one line without its BEGIN/END lines, as admins sometimes paste it.
  app.data.importCallCenter(callCenterXml('TelVoiceBare', keys.certificate.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')));
  app.data.importCallCenter(callCenterXml('TelNoCert', ''));
  conn = new Connection({ instanceUrl: app.lightningOrigin, accessToken: app.apiToken, version: VERSION });
  reader = openConsoleDb({ file: join(dir, 'console.sqlite') });
});

after(async () => {
  reader?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const token = (callCenter = 'TelVoice', over: { iat?: number; lifetime?: number } = {}) =>
  telephonyToken(keys.privateKey, { orgId: ORG_ID, callCenter, ...over });

async function call(
  method: string,
  path: string,
  body?: unknown,
  options: { token?: string | null; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown }> {
  const bearer = options.token === undefined ? await token() : options.token;
  const res = await fetch(`${app.lightningOrigin}/telephony/v1${path}`, {
    method,
    headers: {
      ...(bearer !== null ? { authorization: `Bearer ${bearer}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      'telephony-provider-name': 'Switchboard',
      ...options.headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

const inbound = (vendorCallKey: string, over: Record<string, unknown> = {}) => ({
  callCenterApiName: 'TelVoice',
  vendorCallKey,
  to: '+18005550100',
  from: '+14155550134',
  initiationMethod: 'Inbound',
  startTime: '2026-12-07T01:00:00.000Z',
  participants: [{ participantKey: '+14155550134', type: 'END_USER' }],
  ...over,
});

test('POST /voiceCalls creates the VoiceCall and answers its Id; the same vendorCallKey again answers the same Id', { timeout: 30_000 }, async () => {
  const first = await call('POST', '/voiceCalls', inbound('a84d@pbx.example', { callAttributes: JSON.stringify({ ivrPath: 'billing', priority: 2 }) }));
  assert.equal(first.status, 200);
  const id = (first.body as { voiceCallId: string }).voiceCallId;
  assert.match(id, /^0LQ[A-Za-z0-9]{15}$/);
  const again = await call('POST', '/voiceCalls', inbound('a84d@pbx.example', { from: '+10000000000' }));
  assert.deepEqual(again, { status: 200, body: { voiceCallId: id } });

  const q = await conn.query<Record<string, unknown> & { CallCenter: { Name: string } }>(
    `SELECT Id, Name, VendorCallKey, CallType, CallDisposition, FromPhoneNumber, ToPhoneNumber, CallStartDateTime, IsActiveCall, CallCenter.Name FROM VoiceCall WHERE VendorCallKey = 'a84d@pbx.example'`,
  );
  assert.equal(q.totalSize, 1, 'one record for the repeated key');
  const r = q.records[0]!;
  assert.equal(r.Id, id);
  assert.match(String(r.Name), /^VC-\d{8}$/);
  assert.deepEqual(
    [r.CallType, r.CallDisposition, r.FromPhoneNumber, r.ToPhoneNumber, r.CallStartDateTime, r.IsActiveCall],
    ['Inbound', 'new', '+14155550134', '+18005550100', '2026-12-07T01:00:00.000+0000', true],
  );
  assert.equal(r.CallCenter.Name, 'TelVoice Contact Center');
  assert.deepEqual(reader.voiceCalls.attributes(id), { ivrPath: 'billing', priority: '2' });
});

test('POST /voiceCalls refusals name the field; a transfer needs and links its parent', { timeout: 30_000 }, async () => {
  const missing = await call('POST', '/voiceCalls', inbound('k-missing', { vendorCallKey: undefined, participants: undefined }));
  assert.deepEqual(missing, {
    status: 400,
    body: { errorCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: vendorCallKey, participants' },
  });
  const method = await call('POST', '/voiceCalls', inbound('k-method', { initiationMethod: 'Outbound' }));
  assert.equal(method.status, 400);
  assert.match((method.body as { message: string }).message, /initiationMethod must be one of Inbound, Transfer/);
  const time = await call('POST', '/voiceCalls', inbound('k-time', { startTime: 'soon' }));
  assert.equal(time.status, 400);
  assert.match((time.body as { message: string }).message, /^startTime must be an ISO 8601/);
  const other = await call('POST', '/voiceCalls', inbound('k-other', { callCenterApiName: 'TelVoiceBare' }));
  assert.equal(other.status, 403);
  assert.equal((other.body as { errorCode: string }).errorCode, 'INVALID_CALL_CENTER');
  const orphan = await call('POST', '/voiceCalls', inbound('k-orphan', { initiationMethod: 'Transfer' }));
  assert.equal(orphan.status, 400);
  assert.match((orphan.body as { message: string }).message, /parentVoiceCallId is required for a Transfer/);
  const ghost = await call('POST', '/voiceCalls', inbound('k-ghost', { initiationMethod: 'Transfer', parentVoiceCallId: 'no-such-call' }));
  assert.equal(ghost.status, 400);
  assert.match((ghost.body as { message: string }).message, /^parentVoiceCallId: /);

  const parent = (await call('POST', '/voiceCalls', inbound('k-parent'))).body as { voiceCallId: string };
  const transfer = await call('POST', '/voiceCalls', inbound('k-transfer', { initiationMethod: 'Transfer', parentVoiceCallId: 'k-parent' }));
  assert.equal(transfer.status, 200);
  const linked = (await conn.sobject('VoiceCall').retrieve((transfer.body as { voiceCallId: string }).voiceCallId)) as Record<string, unknown>;
  assert.deepEqual([linked.CallType, linked.ParentVoiceCallId], ['Transfer', parent.voiceCallId]);
  const none = await conn.query(`SELECT Id FROM VoiceCall WHERE VendorCallKey IN ('k-missing', 'k-method', 'k-time', 'k-other', 'k-orphan', 'k-ghost')`);
  assert.equal(none.totalSize, 0, 'no refused request left a record');
});

test(
  'PATCH /voiceCalls/{key or Id}: end time and duration, hold metrics, agent, recording; unknown fields and calls refused; a missed call created after the fact',
  { timeout: 30_000 },
  async () => {
    const { voiceCallId: id } = (await call('POST', '/voiceCalls', inbound('k-patch'))).body as { voiceCallId: string };
    assert.equal(
      (await call('PATCH', '/voiceCalls/k-patch', { acceptTime: '2026-12-07T01:00:04Z', agent: DEMO.agent.username, queue: 'Support' })).status,
      204,
    );
    const ended = await call('PATCH', `/voiceCalls/${encodeURIComponent('k-patch')}`, {
      endTime: '2026-12-07T01:02:05.000Z',
      totalHoldDuration: 30,
      longestHoldDuration: 20,
      numberOfHolds: 2,
      agentInteractionDuration: 95,
      disconnectReason: 'AGENT_DISCONNECT',
      recordingLocation: 'https://recordings.example/k-patch.wav',
      totalRecordingDuration: 121,
    });
    assert.deepEqual(ended, { status: 204, body: undefined });
    const r = (await conn.sobject('VoiceCall').retrieve(id)) as Record<string, unknown>;
    assert.deepEqual(
      [
        r.CallAcceptDateTime,
        r.UserId,
        r.QueueName,
        r.CallEndDateTime,
        r.CallDurationInSeconds,
        r.TotalHoldDuration,
        r.LongestHoldDuration,
        r.NumberOfHolds,
        r.AgentInteractionDuration,
        r.DisconnectReason,
        r.IsActiveCall,
      ],
      ['2026-12-07T01:00:04.000+0000', DEMO.agent.id, 'Support', '2026-12-07T01:02:05.000+0000', 125, 30, 20, 2, 95, 'AGENT_DISCONNECT', false],
    );
    const rec = await conn.query<{ RecordingLocation: string; DurationInSeconds: number; VoiceCall: { Name: string } }>(
      `SELECT RecordingLocation, DurationInSeconds, VoiceCall.Name FROM VoiceCallRecording WHERE VoiceCallId = '${id}'`,
    );
    assert.equal(rec.totalSize, 1);
    assert.deepEqual(
      [rec.records[0]!.RecordingLocation, rec.records[0]!.DurationInSeconds, rec.records[0]!.VoiceCall.Name],
      ['https://recordings.example/k-patch.wav', 121, r.Name],
    );
    // By Id as well as by key.
    assert.equal((await call('PATCH', `/voiceCalls/${id}`, { isActiveCall: true })).status, 204);
    assert.equal(((await conn.sobject('VoiceCall').retrieve(id)) as Record<string, unknown>).IsActiveCall, true);

    const unknownField = await call('PATCH', '/voiceCalls/k-patch', { endTme: '2026-12-07T01:02:05Z' });
    assert.deepEqual(unknownField, { status: 400, body: { errorCode: 'INVALID_FIELD', message: 'Unknown field: endTme' } });
    const negative = await call('PATCH', '/voiceCalls/k-patch', { numberOfHolds: -1 });
    assert.equal(negative.status, 400);
    assert.match((negative.body as { message: string }).message, /^numberOfHolds must be a whole number/);
    const stranger = await call('PATCH', '/voiceCalls/k-patch', { agent: 'nobody@example.com' });
    assert.equal(stranger.status, 400);
    assert.match((stranger.body as { message: string }).message, /agent 'nobody@example.com' is not a user/);
    const nothing = await call('PATCH', '/voiceCalls/k-never-seen', { endTime: '2026-12-07T01:02:05Z' });
    assert.equal(nothing.status, 404);
    // Another call center's JWT does not reach this call.
    const foreign = await call('PATCH', '/voiceCalls/k-patch', { numberOfHolds: 9 }, { token: await token('TelVoiceBare') });
    assert.equal(foreign.status, 404);

    const missed = await call('PATCH', '/voiceCalls/k-missed', { ...inbound('ignored'), vendorCallKey: undefined, endTime: '2026-12-07T01:00:20Z' });
    assert.equal(missed.status, 204);
    const m = await conn.query<Record<string, unknown>>(
      `SELECT CallDisposition, CallDurationInSeconds, IsActiveCall FROM VoiceCall WHERE VendorCallKey = 'k-missed'`,
    );
    assert.deepEqual([m.totalSize, m.records[0]!.CallDisposition, m.records[0]!.CallDurationInSeconds, m.records[0]!.IsActiveCall], [1, 'new', 20, false]);
  },
);

test('messages are stored with the call; omniFlow and clearRouting are recorded', { timeout: 30_000 }, async () => {
  const { voiceCallId: id } = (await call('POST', '/voiceCalls', inbound('k-talk'))).body as { voiceCallId: string };
  const say = (messageId: string, senderType: string, content: string, startTime: number) =>
    call('POST', '/voiceCalls/k-talk/messages', {
      participantId: senderType === 'END_USER' ? '+14155550134' : 'agent',
      messageId,
      senderType,
      content,
      startTime,
      endTime: startTime + 900,
    });
  assert.equal((await say('m1', 'END_USER', 'My invoice is wrong', 1_796_000_000_000)).status, 204);
  assert.equal((await say('m2', 'HUMAN_AGENT', 'Let me check', 1_796_000_001_000)).status, 204);
  assert.equal((await say('m1', 'END_USER', 'My invoice is wrong', 1_796_000_000_000)).status, 204, 'a retried message is accepted');
  assert.deepEqual(
    reader.voiceCalls.messages(id).map((m) => [m.messageId, m.senderType, m.content]),
    [
      ['m1', 'END_USER', 'My invoice is wrong'],
      ['m2', 'HUMAN_AGENT', 'Let me check'],
    ],
  );
  const robot = await say('m3', 'ROBOT', 'beep', 1_796_000_002_000);
  assert.equal(robot.status, 400);
  assert.match((robot.body as { message: string }).message, /senderType/);

  assert.equal(
    (await call('PATCH', `/voiceCalls/${id}/omniFlow`, { flowDevName: 'Route_Voice_Calls', fallbackQueue: 'Support', flowInputParameters: { lang: 'en' } }))
      .status,
    204,
  );
  const noFlow = await call('PATCH', `/voiceCalls/${id}/omniFlow`, { fallbackQueue: 'Support' });
  assert.deepEqual(noFlow.status, 400);
  assert.equal((await call('PATCH', `/voiceCalls/${id}/clearRouting`)).status, 204);
  assert.deepEqual(
    reader.voiceCalls.routing(id).map((r) => [r.action, r.request]),
    [
      ['omniFlow', { flowDevName: 'Route_Voice_Calls', fallbackQueue: 'Support', flowInputParameters: { lang: 'en' } }],
      ['clearRouting', {}],
    ],
  );
  assert.equal((await call('GET', '/voiceCalls')).status, 405);
  assert.equal((await call('POST', '/voiceCalls/k-talk/unknown', {})).status, 404);
});

test(
  'auth over HTTP: no token, an expired one, a call center without certificate or unknown; the bare certificate works; no console session or CSRF rule applies, the Host check does',
  { timeout: 30_000 },
  async () => {
    const none = await call('POST', '/voiceCalls', inbound('k-auth'), { token: null });
    assert.equal(none.status, 401);
    assert.equal((none.body as { errorCode: string }).errorCode, 'MISSING_AUTH_TOKEN');
    const expired = await call('POST', '/voiceCalls', inbound('k-auth'), { token: await token('TelVoice', { iat: Math.floor(Date.now() / 1000) - 900 }) });
    assert.deepEqual([expired.status, (expired.body as { errorCode: string }).errorCode], [401, 'EXPIRED_AUTH_TOKEN']);
    const noCert = await call('POST', '/voiceCalls', inbound('k-auth', { callCenterApiName: 'TelNoCert' }), { token: await token('TelNoCert') });
    assert.deepEqual([noCert.status, (noCert.body as { errorCode: string }).errorCode], [403, 'MISSING_CERTIFICATE']);
    const unknown = await call('POST', '/voiceCalls', inbound('k-auth', { callCenterApiName: 'Ghost' }), { token: await token('Ghost') });
    assert.deepEqual([unknown.status, (unknown.body as { errorCode: string }).errorCode], [403, 'INVALID_CALL_CENTER']);
    const bare = await call('POST', '/voiceCalls', inbound('k-auth-bare', { callCenterApiName: 'TelVoiceBare' }), { token: await token('TelVoiceBare') });
    assert.equal(bare.status, 200);
    // A cross-site Origin does not matter to a JWT-signed server-to-server API; the JWT does.
    const crossSite = await call('POST', '/voiceCalls', inbound('k-auth-origin'), { headers: { origin: 'https://elsewhere.example' } });
    assert.equal(crossSite.status, 200);
    const xml = await call('POST', '/voiceCalls', undefined, { headers: { 'content-type': 'application/xml' } });
    assert.equal(xml.status, 415);

    const rebound = await new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const req = httpRequest(
        `${app.lightningOrigin}/telephony/v1/voiceCalls`,
        { method: 'POST', headers: { host: `attacker.example:${app.port}`, 'content-type': 'application/json' } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    assert.equal(rebound.status, 403);
    assert.equal((rebound.body as { errorCode: string }).errorCode, 'INVALID_HOST');
  },
);

test("the org's REST API: VoiceCall described, created only by Voice, user-editable fields updated, the rest refused", { timeout: 30_000 }, async () => {
  const { voiceCallId: id } = (await call('POST', '/voiceCalls', inbound('k-rest'))).body as { voiceCallId: string };
  const d = await conn.sobject('VoiceCall').describe();
  assert.equal(d.keyPrefix, '0LQ');
  assert.equal(d.createable, false);
  assert.deepEqual(d.fields.find((f) => f.name === 'RelatedRecordId')?.referenceTo, ['Account', 'Contact', 'Lead', 'Case', 'Opportunity']);
  const refused = await conn
    .sobject('VoiceCall')
    .create({ CallType: 'Inbound' })
    .then(
      () => undefined,
      (e: { errorCode?: string }) => e,
    );
  assert.equal(refused?.errorCode, 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY');
  await conn.sobject('VoiceCall').update({ Id: id, RelatedRecordId: DEMO.uniqueContact.id, Description: 'Billing question' });
  const q = await conn.query<{ RelatedRecord: { Name: string } }>(`SELECT RelatedRecord.Name FROM VoiceCall WHERE Id = '${id}'`);
  assert.equal(q.records[0]!.RelatedRecord.Name, DEMO.uniqueContact.name);
  const locked = await conn
    .sobject('VoiceCall')
    .update({ Id: id, CallDurationInSeconds: 5 })
    .then(
      (r) => r,
      (e: { errorCode?: string }) => e,
    );
  assert.equal(
    (locked as { errorCode?: string }).errorCode ?? (locked as { errors?: { errorCode: string }[] }).errors?.[0]?.errorCode,
    'INVALID_FIELD_FOR_INSERT_UPDATE',
  );
});
