import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Connection } from 'jsforce';
import { openConsoleDb, type OpenConsoleDb } from '../db/index.ts';
import { seedConsoleDb, DEMO } from '../seed/index.ts';
import { createRestHandler, EMULATOR_ACCESS_TOKEN, parameterizedToSosl, releaseLabel } from './index.ts';

let db: OpenConsoleDb;
let server: Server;
let base: string;
let conn: Connection;

before(async () => {
  db = openConsoleDb({ file: ':memory:', now: () => Date.parse('2026-11-21T10:00:00Z') });
  seedConsoleDb(db);
  const handle = createRestHandler(db);
  server = createServer((req, res) => {
    handle(req, res).then(
      (handled) => {
        if (!handled) {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('not REST');
        }
      },
      (e: unknown) => {
        res.writeHead(500);
        res.end(String(e));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  conn = new Connection({ instanceUrl: base, accessToken: EMULATOR_ACCESS_TOKEN, version: '62.0' });
});

after(async () => {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
  db.close();
});

test('jsforce: create, retrieve, update, query, describe, delete a Contact', async () => {
  const created = await conn.sobject('Contact').create({ FirstName: 'Jo', LastName: 'Jsforce', Phone: '+1 415 555 0111' });
  assert.equal(created.success, true);
  assert.ok(created.id?.startsWith('003'));
  const id = created.id!;
  const got = (await conn.sobject('Contact').retrieve(id)) as Record<string, unknown>;
  assert.equal(got.Name, 'Jo Jsforce');
  assert.equal(got.OwnerId, DEMO.agent.id);
  await conn.sobject('Contact').update({ Id: id, Title: 'Tester' });
  const q = await conn.query<{ Id: string; Title: string }>(`SELECT Id, Title FROM Contact WHERE Phone = '+1 415 555 0111'`);
  assert.equal(q.totalSize, 1);
  assert.equal(q.records[0]!.Title, 'Tester');
  const d = await conn.sobject('Task').describe();
  const callType = d.fields.find((f) => f.name === 'CallType')!;
  assert.deepEqual(
    callType.picklistValues?.map((p) => p.value),
    ['Inbound', 'Outbound', 'Internal'],
  );
  assert.equal(d.keyPrefix, '00T');
  const global = await conn.describeGlobal();
  assert.ok(global.sobjects.some((s) => s.name === 'Opportunity'));
  await conn.sobject('Contact').destroy(id);
  // As an org answers for a record in the recycle bin; an Id that never existed is NOT_FOUND.
  await assert.rejects(
    conn.sobject('Contact').retrieve(id),
    (e: Error & { errorCode?: string }) => e.errorCode === 'ENTITY_IS_DELETED' && e.message === 'entity is deleted',
  );
  await assert.rejects(conn.sobject('Contact').update({ Id: id, Title: 'Ghost' }), (e: Error & { errorCode?: string }) => e.errorCode === 'ENTITY_IS_DELETED');
  await assert.rejects(conn.sobject('Contact').retrieve('003000000000999AAA'), (e: Error & { errorCode?: string }) => e.errorCode === 'NOT_FOUND');
});

test('a large query comes in batches of at most 2,000 (or Sforce-Query-Options batchSize): nextRecordsUrl, queryMore, autoFetch', async () => {
  const before = (await conn.query('SELECT COUNT() FROM Account')).totalSize;
  db.transaction(() => {
    for (let i = 0; i < 5000; i++) db.create('Account', { Name: `Bulk Account ${String(i).padStart(4, '0')}` }, { userId: DEMO.agent.id });
  });
  const total = before + 5000;
  const first = await conn.query<{ Id: string }>('SELECT Id, Name FROM Account');
  assert.equal(first.totalSize, total);
  assert.equal(first.records.length, 2000);
  assert.equal(first.done, false);
  assert.match(first.nextRecordsUrl ?? '', /\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]+-2000$/);
  const second = await conn.queryMore<{ Id: string }>(first.nextRecordsUrl!);
  assert.equal(second.records.length, 2000);
  assert.match(second.nextRecordsUrl ?? '', /-4000$/);
  const all = await conn.query<{ Id: string }>('SELECT Id FROM Account').run({ autoFetch: true, maxFetch: 100_000 });
  assert.equal(all.records.length, total, 'autoFetch reads every batch');
  assert.equal(new Set(all.records.map((r) => r.Id)).size, total, 'no record twice across batches');

  const small = await fetch(`${base}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM Account')}`, {
    headers: { authorization: `Bearer ${EMULATOR_ACCESS_TOKEN}`, 'sforce-query-options': 'batchSize=500' },
  });
  const page = (await small.json()) as { records: unknown[]; done: boolean; nextRecordsUrl: string };
  assert.deepEqual([page.records.length, page.done], [500, false]);
  assert.match(page.nextRecordsUrl, /^\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]{15}-500$/, 'relative, as an org gives it');
  const tooSmall = await fetch(`${base}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM Account')}`, {
    headers: { authorization: `Bearer ${EMULATOR_ACCESS_TOKEN}`, 'sforce-query-options': 'batchSize=10' },
  });
  assert.equal(((await tooSmall.json()) as { records: unknown[] }).records.length, 200, 'batchSize is at least 200');
  const bad = await fetch(`${base}/services/data/v62.0/query/01gAAAAAAAAAAAAAAA-2000`, { headers: { authorization: `Bearer ${EMULATOR_ACCESS_TOKEN}` } });
  assert.equal(bad.status, 400);
  assert.deepEqual(await bad.json(), [{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }]);
});

test('jsforce: log a call as a Task and read it back', async () => {
  const r = await conn.sobject('Task').create({
    Subject: 'Inbound call +14155550134',
    Status: 'Completed',
    ActivityDate: '2026-11-21',
    CallType: 'Inbound',
    CallDurationInSeconds: 95,
    CallObject: 'call-42',
    CallDisposition: 'Resolved',
    Type: 'Call',
    TaskSubtype: 'Call',
    WhoId: DEMO.uniqueContact.id,
    WhatId: DEMO.case.id,
  });
  const task = (await conn.sobject('Task').retrieve(r.id!, { fields: ['CallType', 'CallDurationInSeconds', 'WhoId'] })) as Record<string, unknown>;
  assert.deepEqual([task.CallType, task.CallDurationInSeconds, task.WhoId], ['Inbound', 95, DEMO.uniqueContact.id]);
  const count = await conn.query(`SELECT COUNT() FROM Task WHERE CallObject = 'call-42'`);
  assert.equal(count.totalSize, 1);
});

test('jsforce: errors come back with Salesforce codes', async () => {
  await assert.rejects(conn.sobject('Task').create({ Subject: 'x', CallType: 'Sideways' }), (e: Error & { errorCode?: string }) => {
    assert.equal(e.errorCode, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    return true;
  });
  await assert.rejects(
    async () => {
      await conn.query('SELECT Id FORM Contact');
    },
    (e: Error & { errorCode?: string }) => {
      assert.equal(e.errorCode, 'MALFORMED_QUERY');
      assert.match(e.message, /Column:11/);
      return true;
    },
  );
  await assert.rejects(conn.sobject('Contact').create({ LastName: 'x', Nope: 1 }), (e: Error & { errorCode?: string }) => e.errorCode === 'INVALID_FIELD');
});

test('jsforce: collections (create/update/retrieve/destroy arrays)', async () => {
  const created = await conn.sobject('Lead').create([{ LastName: 'A', Company: 'X' }, { LastName: 'B' }]);
  assert.deepEqual(
    created.map((r) => r.success),
    [true, false],
  );
  assert.equal((created[1] as { errors: { errorCode?: string; statusCode?: string }[] }).errors[0]!.statusCode ?? '', 'REQUIRED_FIELD_MISSING');
  const id = created[0]!.id!;
  await conn.sobject('Lead').update([{ Id: id, Company: 'Y' }]);
  const got = (await conn.sobject('Lead').retrieve([id], { fields: ['Company'] })) as unknown as { Company: string }[];
  assert.equal(got[0]!.Company, 'Y');
  const destroyed = await conn.sobject('Lead').destroy([id]);
  assert.equal(destroyed[0]!.success, true);
  await assert.rejects(conn.sobject('Lead').create([{ LastName: 'C', Company: 'X' }, { LastName: 'D' }], { allOrNone: true }));
  assert.equal((await conn.query("SELECT COUNT() FROM Lead WHERE LastName = 'C'")).totalSize, 0);
});

test('jsforce: SOSL search by phone', async () => {
  const r = await conn.search(`FIND {${DEMO.sharedPhone}} IN PHONE FIELDS RETURNING Contact(Id, Name), Account(Id, Name)`);
  const ids = new Set(r.searchRecords.map((x) => x.Id));
  assert.deepEqual(ids, new Set(DEMO.sharedBy.map((x) => x.id)));
});

test('raw HTTP: auth, versions, status codes, error shape, parameterized search', async () => {
  const noAuth = await fetch(`${base}/services/data/v62.0/sobjects`);
  assert.equal(noAuth.status, 401);
  assert.deepEqual(await noAuth.json(), [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  const headers = { authorization: `Bearer ${EMULATOR_ACCESS_TOKEN}` };
  const versions = (await (await fetch(`${base}/services/data`)).json()) as { version: string; label: string }[];
  assert.deepEqual(versions.at(-1), { label: "Summer '26", url: '/services/data/v67.0', version: '67.0' });
  assert.equal(releaseLabel(62), "Winter '25");
  assert.equal((await fetch(`${base}/services/data/v99.0/sobjects`, { headers })).status, 404);
  assert.equal((await fetch(`${base}/services/data/v62.0/sobjects/Nope/describe`, { headers })).status, 404);
  const missing = await fetch(`${base}/services/data/v62.0/sobjects/Lead`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ FirstName: 'x' }),
  });
  assert.equal(missing.status, 400);
  assert.deepEqual(await missing.json(), [
    { message: 'Required fields are missing: [LastName, Company]', errorCode: 'REQUIRED_FIELD_MISSING', fields: ['LastName', 'Company'] },
  ]);
  // A Lead as Name with a Related To record: the 400 Salesforce answers, nothing stored.
  const leadWithWhat = await fetch(`${base}/services/data/v62.0/sobjects/Task`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ Subject: 'Call', WhoId: DEMO.lead.id, WhatId: DEMO.account.id }),
  });
  assert.equal(leadWithWhat.status, 400);
  assert.deepEqual(await leadWithWhat.json(), [
    { message: `Related To ID: id value of incorrect type: ${DEMO.account.id}`, errorCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['WhatId'] },
  ]);
  const badJson = await fetch(`${base}/services/data/v62.0/sobjects/Lead`, { method: 'POST', headers, body: '{' });
  assert.equal(((await badJson.json()) as { errorCode: string }[])[0]!.errorCode, 'JSON_PARSER_ERROR');
  const ps = await fetch(`${base}/services/data/v62.0/parameterizedSearch?q=${encodeURIComponent(DEMO.lead.e164)}&in=PHONE&sobject=Lead&Lead.fields=Id,Name`, {
    headers,
  });
  assert.deepEqual(
    ((await ps.json()) as { searchRecords: { Id: string }[] }).searchRecords.map((r) => r.Id),
    [DEMO.lead.id],
  );
  assert.equal(
    parameterizedToSosl(new URLSearchParams('q=a{b}&sobject=Contact&Contact.limit=2')),
    'FIND {a\\{b\\}} IN ALL FIELDS RETURNING Contact(Id LIMIT 2)',
  );
  const other = await fetch(`${base}/not-rest`);
  assert.equal(await other.text(), 'not REST');
});

test('emulator API: users, layouts, call centers', async () => {
  const json = async (path: string, init?: RequestInit) => {
    const r = await fetch(`${base}/emulator/api/${path}`, init);
    return { status: r.status, body: r.status === 204 ? undefined : ((await r.json()) as unknown) };
  };
  const users = (await json('users')).body as { id: string; username: string; callCenterId: string | null }[];
  assert.ok(users.some((u) => u.id === DEMO.agent.id && u.callCenterId === DEMO.callCenter.id));
  const layout = (await json(`users/${DEMO.agent.id}/softphone-layout`)).body as { id: string; layout: { Inbound: unknown } };
  assert.equal(layout.id, DEMO.softphoneLayout.id);
  const put = await json(`users/${DEMO.secondAgent.id}/softphone-layout`, {
    method: 'PUT',
    body: JSON.stringify({ layout: { Inbound: { objects: { Lead: [{ displayName: 'Name', apiName: 'Name' }] } }, Outbound: {}, Internal: {} } }),
  });
  assert.equal(put.status, 200);
  assert.notEqual((put.body as { id: string }).id, DEMO.softphoneLayout.id);
  assert.equal(
    (await json(`users/${DEMO.agent.id}/softphone-layout`)).body && ((await json(`users/${DEMO.agent.id}/softphone-layout`)).body as { id: string }).id,
    DEMO.softphoneLayout.id,
  );
  const bad = await json(`users/${DEMO.agent.id}/softphone-layout`, { method: 'PUT', body: JSON.stringify({ layout: { Inbound: 3 } }) });
  assert.equal(bad.status, 400);
  const cc = (await json(`users/${DEMO.agent.id}/call-center`)).body as { callCenter: { settings: Record<string, string> } };
  assert.equal(cc.callCenter.settings['/reqGeneralInfo/reqInternalName'], 'SwitchboardDemo');
  const imported = await json('call-centers/import', {
    method: 'POST',
    body: JSON.stringify({
      xml: '<callCenter/>',
      items: [
        { section: 'reqGeneralInfo', item: 'reqInternalName', value: 'Other', sortOrder: 0 },
        { section: 'reqGeneralInfo', item: 'reqDisplayName', value: 'Other CC', sortOrder: 1 },
      ],
    }),
  });
  assert.equal(imported.status, 201);
  const otherId = (imported.body as { id: string }).id;
  assert.equal((await json(`users/${DEMO.admin.id}/call-center`, { method: 'PUT', body: JSON.stringify({ callCenterId: 'Other' }) })).status, 204);
  const adminCc = (await json(`users/${DEMO.admin.id}/call-center`)).body as { callCenter: { id: string } };
  assert.equal(adminCc.callCenter.id, otherId);
  const list = (await json('call-centers')).body as { internalName: string }[];
  assert.deepEqual(
    list.map((c) => c.internalName),
    ['SwitchboardDemo', 'Other'],
  );
  assert.equal(((await json('call-centers/Other')).body as { xml: string }).xml, '<callCenter/>');
  assert.equal((await json('users/nobody/call-center')).status, 404);
});

test('jsforce: parent relationship fields (Account.Name; polymorphic Who and What) in the select list, WHERE and ORDER BY; clear errors otherwise', async () => {
  const contact = await conn.query<{ Name: string; Account: { Name: string; Phone: string; attributes: { type: string } } | null }>(
    `SELECT Name, Account.Name, Account.Phone FROM Contact WHERE Id = '${DEMO.uniqueContact.id}'`,
  );
  assert.equal(contact.records[0]!.Account?.Name, 'Acme Corporation');
  assert.equal(contact.records[0]!.Account?.attributes.type, 'Account');
  const task = await conn.sobject('Task').create({ Subject: 'Relationship check', Status: 'Completed', WhoId: DEMO.uniqueContact.id });
  const orphan = await conn.sobject('Task').create({ Subject: 'Nobody', Status: 'Completed' });
  const tasks = await conn.query<{ Subject: string; Who: { Name: string; attributes: { type: string } } | null; What: unknown }>(
    `SELECT Subject, Who.Name, What.Name FROM Task WHERE Id IN ('${task.id}', '${orphan.id}') ORDER BY Subject`,
  );
  assert.deepEqual(
    tasks.records.map((r) => [r.Subject, r.Who?.Name ?? null, r.Who?.attributes.type ?? null, r.What]),
    [
      ['Nobody', null, null, null],
      ['Relationship check', DEMO.uniqueContact.name, 'Contact', null],
    ],
  );
  await assert.rejects(
    async () => conn.query('SELECT Name, Acount.Name FROM Contact'),
    (e: Error & { errorCode?: string }) => e.errorCode === 'INVALID_FIELD' && /Didn't understand relationship 'Acount'/.test(e.message),
  );
  const acmeContacts = await conn.query<{ Name: string }>("SELECT Name FROM Contact WHERE Account.Name = 'acme corporation' ORDER BY Account.Owner.Name, Name");
  assert.ok(
    acmeContacts.records.some((r) => r.Name === DEMO.uniqueContact.name),
    acmeContacts.records.map((r) => r.Name).join(', '),
  );
  const byWho = await conn.query<{ Subject: string }>(
    `SELECT Subject FROM Task WHERE Who.Type = 'Contact' AND Who.Name = '${DEMO.uniqueContact.name}' AND Id IN ('${task.id}', '${orphan.id}') ORDER BY What.Name NULLS LAST`,
  );
  assert.deepEqual(
    byWho.records.map((r) => r.Subject),
    ['Relationship check'],
  );
  await assert.rejects(
    async () => conn.query("SELECT Name FROM Contact WHERE Acount.Name = 'Acme Corporation'"),
    (e: Error & { errorCode?: string }) => e.errorCode === 'INVALID_FIELD' && /Row:1:Column:32\nDidn't understand relationship 'Acount'/.test(e.message),
  );
});

test('jsforce: child subqueries (Account → Contacts, Contact → Tasks), null where there are none', async () => {
  const r = await conn.query<{ Name: string; Contacts: { totalSize: number; done: boolean; records: { LastName: string }[] } | null; Cases: unknown }>(
    `SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName), (SELECT Subject FROM Cases WHERE Subject = 'no such case') FROM Account WHERE Id = '${DEMO.account.id}'`,
  );
  const acme = r.records[0]!;
  assert.equal(acme.Name, 'Acme Corporation');
  assert.ok(acme.Contacts && acme.Contacts.done);
  const names = acme.Contacts.records.map((c) => c.LastName);
  assert.ok(names.includes('Lopez'), names.join(', '));
  assert.deepEqual(
    names,
    [...names].sort((a, b) => a.localeCompare(b)),
    'ORDER BY inside the subquery',
  );
  assert.equal(acme.Contacts.totalSize, names.length);
  assert.equal(acme.Cases, null, 'no child rows: null, as an org gives it');
  const described = await conn.sobject('Account').describe();
  assert.ok(
    described.childRelationships.some((c) => c.relationshipName === 'Contacts' && c.childSObject === 'Contact' && c.field === 'AccountId'),
    'describe lists the relationship the subquery used',
  );
  await assert.rejects(
    async () => conn.query('SELECT Name, (SELECT Id FROM Contactz) FROM Account'),
    (e: Error & { errorCode?: string }) => e.errorCode === 'INVALID_TYPE' && /Didn't understand relationship 'Contactz' in FROM part/.test(e.message),
  );
});

test('jsforce: aggregates — COUNT(Id), GROUP BY with COUNT, SUM, MIN, MAX and aliases; an ungrouped field is refused', async () => {
  const total = (await conn.query('SELECT COUNT() FROM Contact')).totalSize;
  const counted = await conn.query<{ expr0: number }>('SELECT COUNT(Id) FROM Contact');
  assert.deepEqual(
    counted.records.map((r) => r.expr0),
    [total],
  );
  assert.equal((counted.records[0] as unknown as { attributes: { type: string } }).attributes.type, 'AggregateResult');
  for (const [name, amount] of [
    ['Agg A', 100],
    ['Agg B', 250],
    ['Agg C', 50],
  ] as const) {
    await conn.sobject('Opportunity').create({ Name: name, StageName: 'Prospecting', CloseDate: '2026-12-31', Amount: amount, AccountId: DEMO.account.id });
  }
  const byStage = await conn.query<{ StageName: string; n: number; total: number; expr0: number; biggest: number }>(
    `SELECT StageName, COUNT(Id) n, SUM(Amount) total, MIN(Amount), MAX(Amount) biggest FROM Opportunity WHERE Name LIKE 'Agg %' GROUP BY StageName`,
  );
  assert.deepEqual(
    byStage.records.map((r) => [r.StageName, r.n, r.total, r.expr0, r.biggest]),
    [['Prospecting', 3, 400, 50, 250]],
  );
  await assert.rejects(
    async () => conn.query('SELECT Name, COUNT(Id) FROM Contact GROUP BY LastName'),
    (e: Error & { errorCode?: string }) => e.errorCode === 'MALFORMED_QUERY' && /Field must be grouped or aggregated: Name/.test(e.message),
  );
  await assert.rejects(
    async () => conn.query('SELECT SUM(Name) FROM Contact'),
    (e: Error & { errorCode?: string }) => e.errorCode === 'MALFORMED_QUERY' && /does not support aggregate operator SUM/.test(e.message),
  );
});

test('jsforce: HAVING filters groups on aggregates (numbers, MIN/MAX of dates) and grouped fields; an ungrouped field or a missing GROUP BY is refused', async () => {
  for (const [name, stage, amount, close] of [
    ['Hav A', 'Qualification', 10, '2026-01-10'],
    ['Hav B', 'Qualification', 20, '2026-03-01'],
    ['Hav C', 'Negotiation/Review', 500, '2026-02-01'],
  ] as const) {
    await conn.sobject('Opportunity').create({ Name: name, StageName: stage, CloseDate: close, Amount: amount, AccountId: DEMO.account.id });
  }
  const base = `SELECT StageName, COUNT(Id) n FROM Opportunity WHERE Name LIKE 'Hav %' GROUP BY StageName`;
  const rows = async (having: string): Promise<[string, number][]> =>
    (await conn.query<{ StageName: string; n: number }>(`${base} HAVING ${having} ORDER BY StageName`)).records.map((r) => [r.StageName, r.n]);
  assert.deepEqual(await rows('COUNT(Id) > 1'), [['Qualification', 2]]);
  assert.deepEqual(await rows('SUM(Amount) >= 100'), [['Negotiation/Review', 1]]);
  assert.deepEqual(await rows('COUNT(Id) = 1 OR MAX(Amount) < 25'), [
    ['Negotiation/Review', 1],
    ['Qualification', 2],
  ]);
  assert.deepEqual(await rows('MAX(CloseDate) > 2026-02-15'), [['Qualification', 2]]);
  assert.deepEqual(await rows("StageName != 'Qualification' AND NOT (AVG(Amount) < 100)"), [['Negotiation/Review', 1]]);
  await assert.rejects(
    async () => conn.query(`${base} HAVING Name = 'Hav A'`),
    (e: Error & { errorCode?: string }) => e.errorCode === 'MALFORMED_QUERY' && /Field must be grouped or aggregated: Name/.test(e.message),
  );
  await assert.rejects(
    async () => conn.query(`${base} HAVING COUNT(Id) > '1'`),
    (e: Error & { errorCode?: string }) => e.errorCode === 'INVALID_QUERY_FILTER_OPERATOR' && /COUNT\(Id\) must be of type double/.test(e.message),
  );
  await assert.rejects(
    async () => conn.query(`SELECT COUNT(Id) FROM Opportunity HAVING COUNT(Id) > 1`),
    (e: Error & { errorCode?: string }) => e.errorCode === 'MALFORMED_QUERY' && /HAVING needs a GROUP BY clause/.test(e.message),
  );
  await assert.rejects(
    async () => conn.query(`SELECT Id FROM Opportunity WHERE COUNT(Id) > 1`),
    (e: Error & { errorCode?: string }) => e.errorCode === 'MALFORMED_QUERY',
  );
});
