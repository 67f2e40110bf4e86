/**
 * What the console's Voice phone asks of the server (`voice/...`): record linking only for exactly one
 * Contact with the caller's number, the accept stamp, one Outbound VoiceCall per connector call, the
 * disposition and notes, and clear refusals of bad requests.
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApexRegistry } from './apex-registry.ts';
import { CONSOLE_API, createConsoleApi } from './console-api.ts';
import { openConsoleData } from './console-db-data.ts';
import { ConsoleEventLog } from './event-log.ts';
import { VoiceCallStore } from '../db/voice-calls.ts';
import { voiceConsoleRoutes } from './voice-console-routes.ts';
import { DEMO } from '../seed/index.ts';

const opened = openConsoleData({ file: ':memory:' });
const { data } = opened;
const store = new VoiceCallStore(opened.db);
const agent = data.defaultUser();
let server: Server;
let base: string;

before(async () => {
  const handle = createConsoleApi({
    data,
    apex: new ApexRegistry(),
    log: new ConsoleEventLog(),
    describeOrigins: () => ({}),
    voice: voiceConsoleRoutes(store, data),
  });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    handle(req, res, url.pathname, url).catch((e: unknown) => {
      const status = (e as { status?: number }).status ?? 500;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: e instanceof Error ? e.message : String(e) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
  opened.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are asserted field by field
async function call(method: string, path: string, body: unknown = {}): Promise<{ status: number; body: Record<string, any> }> {
  const r = await fetch(`${base}${CONSOLE_API}voice/${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

const inbound = (key: string, from: string) => store.createOrGet({ vendorCallKey: key, callCenter: agent.CallCenterId!, from, to: '+18005550100' }).voiceCall;

it("the screen pop links the one Contact with the caller's number and answers the record page", async () => {
  const vc = inbound('pop-1', DEMO.uniqueContact.e164);
  const r = await call('POST', `calls/${vc.id}/pop`, { phoneNumber: DEMO.uniqueContact.e164 });
  assert.equal(r.status, 200);
  assert.equal(r.body.related.Id, DEMO.uniqueContact.id);
  assert.equal(r.body.page.record.Id, vc.id);
  assert.equal(r.body.page.object.name, 'VoiceCall');
  assert.equal(store.require(vc.id).relatedRecordId, DEMO.uniqueContact.id);
});

it('no link when several Contacts or none have the number', async () => {
  for (const [key, number] of [
    ['pop-2', DEMO.sharedPhone],
    ['pop-3', DEMO.unknownPhone],
  ] as const) {
    const vc = inbound(key, number);
    const r = await call('POST', `calls/${vc.id}/pop`, { phoneNumber: number });
    assert.equal(r.status, 200);
    assert.equal(r.body.related, null, number);
    assert.equal(store.require(vc.id).relatedRecordId, null);
  }
});

it('accept stamps the time and the agent', async () => {
  const vc = inbound('acc-1', DEMO.unknownPhone);
  const r = await call('POST', `calls/${vc.id}/accept`);
  assert.equal(r.status, 200);
  const stored = store.require(vc.id);
  assert.equal(stored.userId, agent.Id);
  assert.ok(stored.acceptTime);
});

it('an outbound call gets one VoiceCall however often the console asks', async () => {
  const first = await call('POST', 'calls', { vendorCallKey: 'out-abc', toPhoneNumber: DEMO.lead.phone });
  assert.equal(first.status, 201);
  assert.equal(first.body.voiceCall.callType, 'Outbound');
  assert.equal(first.body.voiceCall.vendorCallKey, 'out-abc');
  assert.equal(first.body.voiceCall.userId, agent.Id);
  const again = await call('POST', 'calls', { vendorCallKey: 'out-abc', toPhoneNumber: DEMO.lead.phone });
  assert.equal(again.status, 200);
  assert.equal(again.body.voiceCall.id, first.body.voiceCall.id);
  assert.equal(store.list({ limit: 2000 }).filter((c) => c.vendorCallKey === 'out-abc').length, 1);
});

it('the disposition and notes are saved; bad requests are refused with what is wrong', async () => {
  const vc = inbound('disp-1', DEMO.unknownPhone);
  const r = await call('PUT', `calls/${vc.id}/disposition`, { disposition: 'Resolved', notes: 'Reset the password.' });
  assert.equal(r.status, 200);
  assert.equal(store.require(vc.id).callDisposition, 'Resolved');
  assert.equal(store.require(vc.id).description, 'Reset the password.');
  assert.deepEqual(await call('PUT', `calls/${vc.id}/disposition`, { disposition: ' ' }), {
    status: 400,
    body: { error: 'disposition must be a non-empty string' },
  });
  assert.deepEqual(await call('POST', 'calls', { toPhoneNumber: '123' }), {
    status: 400,
    body: { error: "vendorCallKey (the connector's callId) is required" },
  });
  assert.deepEqual(await call('POST', 'calls/0LQ000000000099AAA/accept'), {
    status: 404,
    body: { error: "no VoiceCall with Id or vendorCallKey '0LQ000000000099AAA'" },
  });
});
