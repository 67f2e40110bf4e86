import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openConsoleDb, SalesforceError, makeId, normalizeId, type OpenConsoleDb } from './index.ts';

const NOW = Date.parse('2026-03-10T12:00:00Z');

function withUser(db: OpenConsoleDb): OpenConsoleDb {
  db.defaultUserId = db.create('User', { Username: 'u@x.test', LastName: 'User', Alias: 'u', Email: 'u@x.test' });
  return db;
}

function fresh(): OpenConsoleDb {
  return withUser(openConsoleDb({ file: ':memory:', now: () => NOW }));
}

function errorsOf(fn: () => unknown): SalesforceError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SalesforceError) return e;
    throw e;
  }
  assert.fail('expected a SalesforceError');
}

test('Ids are 18 characters with the right prefix and a checksum normalizeId verifies', () => {
  const id = makeId('003', 1);
  assert.equal(id.length, 18);
  assert.ok(id.startsWith('003'));
  assert.equal(normalizeId(id.slice(0, 15)), id);
  assert.equal(normalizeId(id.slice(0, 15) + 'ZZZ'), undefined);
  assert.equal(normalizeId('not-an-id'), undefined);
});

test('create fills defaults, audit fields, Name and CaseNumber', () => {
  const db = fresh();
  const c = db.create('Contact', { FirstName: 'Maria', LastName: 'Lopez' });
  const r = db.retrieve('Contact', c);
  assert.equal(r.Name, 'Maria Lopez');
  assert.equal(r.OwnerId, db.defaultUserId);
  assert.equal(r.CreatedDate, '2026-03-10T12:00:00.000+0000');
  assert.equal(r.DoNotCall, false);
  const case1 = db.create('Case', { Subject: 'a' });
  const case2 = db.create('Case', { Subject: 'b' });
  assert.equal(db.retrieve('Case', case1).CaseNumber, '00001001');
  assert.equal(db.retrieve('Case', case2).CaseNumber, '00001002');
  assert.equal(db.retrieve('Case', case1).Status, 'New');
  const t = db.create('Task', { Subject: 'Call', CallType: 'Inbound', CallDurationInSeconds: '42', ActivityDate: '2026-03-10', WhoId: c });
  const task = db.retrieve('Task', t, ['Status', 'Priority', 'CallDurationInSeconds', 'IsClosed']);
  assert.deepEqual(
    { ...task, attributes: undefined },
    { attributes: undefined, Id: t, Status: 'Not Started', Priority: 'Normal', CallDurationInSeconds: 42, IsClosed: false },
  );
});

test('unknown field: INVALID_FIELD naming it', () => {
  const e = errorsOf(() => fresh().create('Task', { Subject: 'x', Bogus__c: 1 }));
  assert.equal(e.errorCode, 'INVALID_FIELD');
  assert.deepEqual(e.fields, ['Bogus__c']);
  assert.match(e.message, /No such column 'Bogus__c' on sobject of type Task/);
});

test('missing required fields: REQUIRED_FIELD_MISSING with the field names', () => {
  const e = errorsOf(() => fresh().create('Lead', { FirstName: 'x' }));
  assert.equal(e.errorCode, 'REQUIRED_FIELD_MISSING');
  assert.deepEqual(e.fields, ['LastName', 'Company']);
  assert.match(e.message, /Required fields are missing: \[LastName, Company\]/);
});

test('bad values: picklist, type, length, email, references; all reported together', () => {
  const db = fresh();
  const account = db.create('Account', { Name: 'Acme' });
  const e = errorsOf(() =>
    db.create('Task', {
      CallType: 'Sideways',
      CallDurationInSeconds: 'long',
      Subject: 'x'.repeat(256),
      WhoId: account,
      WhatId: 'garbage',
    }),
  );
  const codes = Object.fromEntries(e.errors.map((x) => [x.fields[0], x.errorCode]));
  assert.deepEqual(codes, {
    CallType: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
    CallDurationInSeconds: 'INVALID_TYPE_ON_FIELD_IN_RECORD',
    Subject: 'STRING_TOO_LONG',
    WhoId: 'INVALID_CROSS_REFERENCE_KEY',
    WhatId: 'MALFORMED_ID',
  });
  const missing = errorsOf(() => db.create('Task', { WhatId: makeId('001', 999) }));
  assert.equal(missing.errorCode, 'INVALID_CROSS_REFERENCE_KEY');
  assert.equal(errorsOf(() => db.create('Contact', { LastName: 'x', Email: 'nope' })).errorCode, 'INVALID_EMAIL_ADDRESS');
  assert.equal(errorsOf(() => db.create('Contact', { LastName: 'x', Birthdate: '2026-02-30' })).errorCode, 'INVALID_TYPE_ON_FIELD_IN_RECORD');
});

test('read-only fields and objects are refused', () => {
  const db = fresh();
  const e = errorsOf(() => db.create('Case', { CaseNumber: '1', Subject: 'x' }));
  assert.equal(e.errorCode, 'INVALID_FIELD_FOR_INSERT_UPDATE');
  assert.deepEqual(e.fields, ['CaseNumber']);
  const t = db.create('Task', { Subject: 'x', TaskSubtype: 'Call' });
  assert.equal(errorsOf(() => db.update('Task', t, { TaskSubtype: 'Email' })).errorCode, 'INVALID_FIELD_FOR_INSERT_UPDATE');
  assert.equal(errorsOf(() => db.create('CallCenter', { Name: 'x', InternalName: 'x' })).errorCode, 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY');
});

test('update, clearing a required field, delete, ENTITY_IS_DELETED, NOT_FOUND', () => {
  const db = fresh();
  const c = db.create('Contact', { LastName: 'Old', Phone: '415 555 0100' });
  db.update('Contact', c, { LastName: 'New', FirstName: 'Ana' });
  assert.equal(db.retrieve('Contact', c).Name, 'Ana New');
  assert.equal(errorsOf(() => db.update('Contact', c, { LastName: null })).errorCode, 'REQUIRED_FIELD_MISSING');
  const task = db.create('Task', { Subject: 'x', WhoId: c });
  db.delete('Contact', c);
  assert.equal(errorsOf(() => db.retrieve('Contact', c)).errorCode, 'ENTITY_IS_DELETED', 'a deleted record is in the recycle bin');
  assert.equal(errorsOf(() => db.retrieve('Contact', '003000000000999AAA')).errorCode, 'NOT_FOUND', 'an Id that never was');
  assert.equal(db.retrieve('Task', task).WhoId, null);
  assert.deepEqual(db.searchPhone('4155550100', ['Contact']), []);
  assert.equal(errorsOf(() => db.delete('Contact', c)).errorCode, 'ENTITY_IS_DELETED');
  assert.equal(errorsOf(() => db.retrieve('Nope', c)).errorCode, 'INVALID_TYPE');
});

test('a Task with a Lead as Name takes no Related To: FIELD_INTEGRITY_EXCEPTION on WhatId, on insert and on update', () => {
  const db = fresh();
  const lead = db.create('Lead', { LastName: 'Lane', Company: 'Initech' });
  const contact = db.create('Contact', { LastName: 'Cole' });
  const account = db.create('Account', { Name: 'Acme' });
  const tasks = () => db.query('SELECT COUNT() FROM Task').totalSize;
  const before = tasks();
  const insert = errorsOf(() => db.create('Task', { Subject: 'Call', WhoId: lead, WhatId: account }));
  assert.deepEqual(insert.errors, [
    { errorCode: 'FIELD_INTEGRITY_EXCEPTION', message: `Related To ID: id value of incorrect type: ${account}`, fields: ['WhatId'] },
  ]);
  assert.equal(tasks(), before, 'nothing stored');
  // The same pair is fine with a Contact as Name, and a Lead alone is fine.
  const onContact = db.create('Task', { Subject: 'Call', WhoId: contact, WhatId: account });
  const onLead = db.create('Task', { Subject: 'Call', WhoId: lead, WhatId: null });
  // An update is judged on the whole record: the field it leaves alone still counts.
  assert.equal(errorsOf(() => db.update('Task', onLead, { WhatId: account })).errorCode, 'FIELD_INTEGRITY_EXCEPTION');
  assert.equal(errorsOf(() => db.update('Task', onContact, { WhoId: lead })).errorCode, 'FIELD_INTEGRITY_EXCEPTION');
  assert.equal(db.retrieve('Task', onContact).WhoId, contact, 'the refused update changed nothing');
  // Clearing the What in the same update makes the Lead acceptable.
  db.update('Task', onContact, { WhoId: lead, WhatId: null });
  assert.deepEqual([db.retrieve('Task', onContact).WhoId, db.retrieve('Task', onContact).WhatId], [lead, null]);
});

test('duplicate username is refused', () => {
  const db = fresh();
  assert.equal(errorsOf(() => db.create('User', { Username: 'U@x.test', LastName: 'B', Alias: 'b', Email: 'b@x.test' })).errorCode, 'DUPLICATE_USERNAME');
});

test('phone search matches E.164, national and formatted forms, across objects and phone fields', () => {
  const db = fresh();
  const us = db.create('Contact', { LastName: 'US', Phone: '(415) 555-0134' });
  const uk = db.create('Contact', { LastName: 'UK', Phone: '+44 20 7946 0958' });
  const ukNational = db.create('Contact', { LastName: 'UKN', MobilePhone: '020 7946 0959', MailingCountry: 'United Kingdom' });
  const account = db.create('Account', { Name: 'Shared', Phone: '+1 415-555-0100' });
  const c1 = db.create('Contact', { LastName: 'S1', Phone: '415.555.0100', AccountId: account });
  const c2 = db.create('Contact', { LastName: 'S2', OtherPhone: '001 415 555 0100' });
  const ids = (n: string, objects = ['Contact', 'Account', 'Lead']) => db.searchPhone(n, objects).map((r) => r.Id);
  for (const n of ['+14155550134', '4155550134', '(415) 555-0134', '1-415-555-0134']) assert.deepEqual(ids(n), [us], n);
  for (const n of ['+442079460958', '02079460958', '0044 20 7946 0958']) assert.deepEqual(ids(n), [uk], n);
  assert.deepEqual(ids('+442079460959'), [ukNational]);
  assert.deepEqual(new Set(ids('+14155550100')), new Set([c1, c2, account]));
  assert.deepEqual(ids('+14155550100', ['Account']), [account]);
  assert.deepEqual(ids('+16505550123'), []);
  const withFields = db.searchPhone('4155550134', [{ object: 'Contact', fields: ['Name', 'Phone'] }]);
  assert.deepEqual(Object.keys(withFields[0]!), ['attributes', 'Id', 'Name', 'Phone']);
  // Updating the number moves the index.
  db.update('Contact', us, { Phone: '+1 415 555 0199' });
  assert.deepEqual(ids('4155550134'), []);
  assert.deepEqual(ids('+14155550199'), [us]);
});

test('defaultRegion reads national numbers in that country', () => {
  const db = withUser(openConsoleDb({ file: ':memory:', defaultRegion: 'GB' }));
  const c = db.create('Contact', { LastName: 'x', Phone: '020 7946 0958' });
  assert.deepEqual(
    db.searchPhone('+442079460958', ['Contact']).map((r) => r.Id),
    [c],
  );
  assert.throws(() => openConsoleDb({ file: ':memory:', defaultRegion: 'Narnia' }), /defaultRegion/);
});

test('SOSL: FIND in name, phone and all fields, RETURNING with WHERE and LIMIT; searchText', () => {
  const db = fresh();
  const acme = db.create('Account', { Name: 'Acme Corporation', Phone: '+1 415 555 0100' });
  const ann = db.create('Contact', { FirstName: 'Ann', LastName: 'Acme-Fan', Email: 'ann@example.com', Phone: '(415) 555-0100' });
  db.create('Contact', { FirstName: 'Bob', LastName: 'Other', Email: 'bob@acme.example.com' });
  const r = db.search('FIND {acme} IN NAME FIELDS RETURNING Account(Id, Name), Contact(Id, Name ORDER BY Name)');
  assert.deepEqual(
    r.searchRecords.map((x) => x.Id),
    [acme, ann],
  );
  const phone = db.search('FIND {4155550100} IN PHONE FIELDS RETURNING Contact(Id, Name), Account');
  assert.deepEqual(
    phone.searchRecords.map((x) => x.attributes.type),
    ['Contact', 'Account'],
  );
  const all = db.search("FIND {acme*} RETURNING Contact(Name WHERE FirstName = 'Bob')");
  assert.deepEqual(
    all.searchRecords.map((x) => x.Name),
    ['Bob Other'],
  );
  assert.equal(db.search('FIND {acme} RETURNING Account, Contact LIMIT 1').searchRecords.length, 1);
  assert.equal(db.searchText('+1 415 555 0100', ['Account', 'Contact']).length, 2);
  assert.equal(errorsOf(() => db.search('FIND {a}')).errorCode, 'INVALID_SEARCH');
  const bad = errorsOf(() => db.search('FIND {acme} RETURNING Contact(Name WHER x)'));
  assert.equal(bad.errorCode, 'MALFORMED_SEARCH');
  assert.match(bad.message, /Row:1:Column:36\nunexpected token: 'WHER'/);
});

test('migrations are idempotent on a file database and data survives reopening', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const file = join(mkdtempSync(join(tmpdir(), 'console-db-')), 'nested', 'console.sqlite');
  const db = withUser(openConsoleDb({ file }));
  const id = db.create('Account', { Name: 'Persisted', Phone: '+49 30 23125 000' });
  db.close();
  const again = openConsoleDb({ file });
  assert.equal(again.retrieve('Account', id).Name, 'Persisted');
  assert.deepEqual(
    again.searchPhone('030 23125000', ['Account']).map((r) => r.Id),
    [id],
  ); // the German national form
  assert.deepEqual(
    again.searchPhone('+493023125000', ['Account']).map((r) => r.Id),
    [id],
  );
  again.close();
});
