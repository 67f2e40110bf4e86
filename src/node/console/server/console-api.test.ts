/**
 * The console's Open CTI `saveLog` as the page forwards it to the server: it writes through the same
 * data rules as the REST API, so what an org would refuse comes back as a failed Open CTI reply
 * carrying Salesforce's error items, and nothing is stored.
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApexRegistry } from './apex-registry.ts';
import { CONSOLE_API, createConsoleApi, type OpenCtiReply } from './console-api.ts';
import { openConsoleData } from './console-db-data.ts';
import { ConsoleEventLog } from './event-log.ts';
import { HttpError, sendJson } from './http-util.ts';

const opened = openConsoleData({ file: ':memory:' });
const { data } = opened;
const agent = data.defaultUser();
let server: Server;
let base: string;

before(async () => {
  const handle = createConsoleApi({ data, apex: new ApexRegistry(), log: new ConsoleEventLog(), describeOrigins: () => ({}) });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // As console-server.ts answers: an HttpError is its status and message.
    handle(req, res, url.pathname, url).catch((e: unknown) => sendJson(res, e instanceof HttpError ? e.status : 500, { error: String(e) }));
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

/** As the page forwards it: Lightning's `value` and Classic's parsed saveParams both arrive as `object`. */
async function saveLog(value: Record<string, unknown>): Promise<OpenCtiReply> {
  const r = await fetch(`${base}${CONSOLE_API}opencti/saveLog`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ args: { object: value } }),
  });
  assert.equal(r.status, 200, 'Open CTI answers every call, success or not');
  return (await r.json()) as OpenCtiReply;
}

const taskCount = (): number => data.list('Task', 100_000).length;
const detailsOf = (reply: OpenCtiReply): unknown => reply.errors?.[0]?.details;

it('saveLog refuses a Task whose Name is a Lead beside a Related To record, on create and on update', async () => {
  const lead = data.create('Lead', { LastName: 'Lane', Company: 'Initech' }, agent.Id);
  const account = data.create('Account', { Name: 'Acme' }, agent.Id);
  const item = { errorCode: 'FIELD_INTEGRITY_EXCEPTION', message: `Related To ID: id value of incorrect type: ${account}`, fields: ['WhatId'] };
  const before = taskCount();

  const created = await saveLog({ entityApiName: 'Task', Subject: 'Inbound call', Status: 'Completed', WhoId: lead, WhatId: account });
  assert.equal(created.success, false);
  assert.equal(created.returnValue, null);
  assert.equal(created.errors?.[0]?.description, item.message);
  assert.deepEqual(detailsOf(created), { errors: [item] });
  assert.equal(taskCount(), before, 'nothing stored');

  // The Lead alone is logged; then adding a Related To record to it is refused and changes nothing.
  const alone = await saveLog({ entityApiName: 'Task', Subject: 'Inbound call', Status: 'Completed', WhoId: lead });
  assert.equal(alone.success, true, JSON.stringify(alone.errors));
  const taskId = (alone.returnValue as { recordId: string }).recordId;
  const updated = await saveLog({ Id: taskId, WhatId: account });
  assert.equal(updated.success, false);
  assert.deepEqual(detailsOf(updated), { errors: [item] });
  assert.equal(data.record(taskId)?.fields.WhatId, null);
});

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  const r = await fetch(`${base}${CONSOLE_API}${path}`);
  return { status: r.status, body: (await r.json()) as T };
}

interface Page {
  activities: { Id: string }[];
  activityCount: number;
  names: Record<string, unknown>;
  related: { relationship: string; count: number; records: unknown[] }[];
}
interface RelatedPage {
  list: { label: string; count: number; records: { Id: string }[] };
  parent: { Id: string };
}

it('a record page carries its latest 10 activities, newest first, the total, and names only for those', async () => {
  const contact = data.create('Contact', { LastName: 'Called Often' }, agent.Id);
  // Each call is Related To its own Account, so the names show which activities the page carries.
  const accounts = Array.from({ length: 13 }, (_, i) => data.create('Account', { Name: `Caller Co ${i + 1}` }, agent.Id));
  const tasks = accounts.map((account, i) => data.create('Task', { Subject: `Call ${i + 1}`, WhoId: contact, WhatId: account }, agent.Id));
  const { status, body } = await get<Page>(`records/${contact}`);
  assert.equal(status, 200);
  assert.equal(body.activityCount, 13);
  assert.deepEqual(
    body.activities.map((t) => t.Id),
    [...tasks].reverse().slice(0, 10),
  );
  assert.deepEqual(
    accounts.map((a) => a in body.names),
    [false, false, false, ...Array<boolean>(10).fill(true)],
  );

  // View All: the rest a page at a time.
  const rest = await get<RelatedPage>(`records/${contact}/related/ActivityHistories?offset=10`);
  assert.equal(rest.status, 200);
  assert.deepEqual([rest.body.list.label, rest.body.list.count, rest.body.parent.Id], ['Activity History', 13, contact]);
  assert.deepEqual(
    rest.body.list.records.map((t) => t.Id),
    [...tasks].reverse().slice(10),
  );
  const whole = await get<RelatedPage>(`records/${contact}/related/ActivityHistories`);
  assert.deepEqual(
    whole.body.list.records.map((t) => t.Id),
    [...tasks].reverse(),
  );
});

it("a related list's View All lists all its records; unknown lists and pages out of range are refused", async () => {
  const account = data.create('Account', { Name: 'Many Contacts' }, agent.Id);
  const contacts = Array.from({ length: 8 }, (_, i) => data.create('Contact', { LastName: `Kid ${i + 1}`, AccountId: account }, agent.Id));
  const page = await get<Page>(`records/${account}`);
  const card = page.body.related.find((l) => l.relationship === 'Contacts');
  assert.deepEqual([card?.count, card?.records.length], [8, 5]);
  const all = await get<RelatedPage>(`records/${account}/related/Contacts`);
  assert.deepEqual([all.status, all.body.list.label, all.body.list.records.map((r) => r.Id)], [200, 'Contacts', [...contacts].reverse()]);
  assert.equal((await get(`records/${account}/related/Bogus`)).status, 404);
  assert.equal((await get(`records/${account}/related/Contacts?offset=2001`)).status, 400);
  assert.equal((await get(`records/${account}/related/Contacts?limit=0`)).status, 400);
});
