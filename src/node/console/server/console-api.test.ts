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

const opened = openConsoleData({ file: ':memory:' });
const { data } = opened;
const agent = data.defaultUser();
let server: Server;
let base: string;

before(async () => {
  const handle = createConsoleApi({ data, apex: new ApexRegistry(), log: new ConsoleEventLog(), describeOrigins: () => ({}) });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    handle(req, res, url.pathname, url).catch((e: unknown) => { res.writeHead(500); res.end(String(e)); });
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
  const r = await fetch(`${base}${CONSOLE_API}opencti/saveLog`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ args: { object: value } }) });
  assert.equal(r.status, 200, 'Open CTI answers every call, success or not');
  return await r.json() as OpenCtiReply;
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
