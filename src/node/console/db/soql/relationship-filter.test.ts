import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openConsoleDb, type OpenConsoleDb } from '../index.ts';
import { failure } from './test-support.ts';

interface Seed {
  readonly db: OpenConsoleDb;
  readonly caseNumber: string;
}

/**
 * Two owners, a parent account, contacts with and without an account, a Lead and a Contact both
 * called Ada, and Tasks whose Who and What point at each kind of parent (and at none; a Task
 * about a Lead has no What, as Salesforce insists).
 */
function seed(): Seed {
  const db = openConsoleDb({ file: ':memory:', now: () => Date.parse('2026-03-10T12:00:00Z') });
  const una = db.create('User', { Username: 'una@x.test', FirstName: 'Una', LastName: 'User', Alias: 'una', Email: 'una@x.test' });
  const olga = db.create('User', { Username: 'olga@x.test', FirstName: 'Olga', LastName: 'Owner', Alias: 'olga', Email: 'olga@x.test' });
  db.defaultUserId = una;
  const holding = db.create('Account', { Name: 'Acme Holding', OwnerId: olga });
  const acme = db.create('Account', { Name: 'Acme', ParentId: holding, OwnerId: olga });
  const globex = db.create('Account', { Name: 'Globex' });
  db.create('Contact', { FirstName: 'Ann', LastName: 'Alpha', AccountId: acme });
  const bob = db.create('Contact', { FirstName: 'Bob', LastName: 'Beta', AccountId: globex });
  db.create('Contact', { FirstName: 'Cy', LastName: 'Nobody' });
  const adaContact = db.create('Contact', { FirstName: 'Ada', LastName: 'Byron', AccountId: holding, Email: 'ada@byron.test' });
  const adaLead = db.create('Lead', { FirstName: 'Ada', LastName: 'Lovelace', Company: 'Engines Ltd', Email: 'ada@engines.test' });
  const leo = db.create('Lead', { FirstName: 'Leo', LastName: 'Lead', Company: 'Leo & Co' });
  const opp = db.create('Opportunity', { Name: 'Big deal', StageName: 'Prospecting', CloseDate: '2026-06-30', AccountId: acme });
  const kase = db.create('Case', { Subject: 'Broken', AccountId: globex });
  db.create('Task', { Subject: 'T1 call Ada (contact)', WhoId: adaContact, WhatId: acme });
  db.create('Task', { Subject: 'T2 call Ada (lead)', WhoId: adaLead });
  db.create('Task', { Subject: 'T3 case for Bob', WhoId: bob, WhatId: kase });
  db.create('Task', { Subject: 'T4 nobody', WhatId: opp });
  db.create('Task', { Subject: 'T5 call Leo', WhoId: leo });
  const caseNumber = db.query(`SELECT CaseNumber FROM Case WHERE Id = '${kase}'`).records[0]!.CaseNumber as string;
  return { db, caseNumber };
}

const column = (db: OpenConsoleDb, soql: string, field: string) => db.query(soql).records.map((r) => r[field]);

test('WHERE on a parent field: Account.Name, case-insensitive, LIKE, IN, != keeping contacts without an account', () => {
  const { db } = seed();
  assert.deepEqual(column(db, "SELECT Name FROM Contact WHERE Account.Name = 'acme'", 'Name'), ['Ann Alpha']);
  assert.deepEqual(column(db, "SELECT Name FROM Contact WHERE Account.Name LIKE 'Acme%' ORDER BY Name", 'Name'), ['Ada Byron', 'Ann Alpha']);
  assert.deepEqual(column(db, "SELECT Name FROM Contact WHERE Account.Name IN ('Globex', 'Initech')", 'Name'), ['Bob Beta']);
  assert.deepEqual(column(db, "SELECT Name FROM Contact WHERE Account.Name != 'Acme' ORDER BY Name", 'Name'), ['Ada Byron', 'Bob Beta', 'Cy Nobody']);
  assert.deepEqual(column(db, "SELECT Name FROM Contact WHERE Account.Name NOT IN ('Acme', 'Globex') ORDER BY Name", 'Name'), ['Ada Byron', 'Cy Nobody']);
  assert.deepEqual(column(db, "SELECT Name FROM Contact WHERE NOT Account.Name = 'Acme' ORDER BY Name", 'Name'), ['Ada Byron', 'Bob Beta', 'Cy Nobody']);
  assert.equal(db.query("SELECT COUNT() FROM Contact WHERE Account.Name LIKE 'acme%'").totalSize, 2);
  // A plain field and a parent field in one filter, and the parent's own lookup Id.
  const olga = db.query("SELECT Id FROM User WHERE Alias = 'olga'").records[0]!.Id as string;
  assert.deepEqual(column(db, `SELECT Name FROM Contact WHERE Account.OwnerId = '${olga}' AND FirstName = 'Ann'`, 'Name'), ['Ann Alpha']);
});

test('a null parent: Account.Name = null matches the contact without an account, != null the others', () => {
  const { db } = seed();
  assert.deepEqual(column(db, 'SELECT Name FROM Contact WHERE Account.Name = null', 'Name'), ['Cy Nobody']);
  assert.deepEqual(column(db, 'SELECT Name FROM Contact WHERE Account.Name != null ORDER BY Name', 'Name'), ['Ada Byron', 'Ann Alpha', 'Bob Beta']);
  assert.deepEqual(column(db, 'SELECT Name FROM Account WHERE Parent.Name = null ORDER BY Name', 'Name'), ['Acme Holding', 'Globex']);
});

test('ORDER BY a parent field, nulls first or last, ascending and descending, then a tie-breaker', () => {
  const { db } = seed();
  assert.deepEqual(column(db, 'SELECT Name FROM Contact ORDER BY Account.Name, Name', 'Name'), ['Cy Nobody', 'Ann Alpha', 'Ada Byron', 'Bob Beta']);
  assert.deepEqual(column(db, 'SELECT Name FROM Contact ORDER BY Account.Name NULLS LAST, Name', 'Name'), ['Ann Alpha', 'Ada Byron', 'Bob Beta', 'Cy Nobody']);
  assert.deepEqual(column(db, 'SELECT Name FROM Contact ORDER BY Account.Name DESC, Name', 'Name'), ['Bob Beta', 'Ada Byron', 'Ann Alpha', 'Cy Nobody']);
  assert.deepEqual(column(db, 'SELECT Name FROM Contact ORDER BY Account.Name DESC NULLS FIRST, Name LIMIT 2', 'Name'), ['Cy Nobody', 'Bob Beta']);
});

test('two and more levels: Account.Owner.Name, Account.Parent.Owner.Alias, through self-lookups', () => {
  const { db } = seed();
  assert.deepEqual(column(db, "SELECT Name FROM Contact WHERE Account.Owner.Name = 'Olga Owner' ORDER BY Name", 'Name'), ['Ada Byron', 'Ann Alpha']);
  assert.deepEqual(column(db, "SELECT Name FROM Contact WHERE Account.Owner.Name != 'Olga Owner' ORDER BY Name", 'Name'), ['Bob Beta', 'Cy Nobody']);
  assert.deepEqual(column(db, "SELECT Name FROM Contact WHERE Account.Parent.Owner.Alias = 'olga'", 'Name'), ['Ann Alpha']);
  assert.deepEqual(column(db, 'SELECT Name FROM Contact WHERE Account.Parent.Name = null ORDER BY Name', 'Name'), ['Ada Byron', 'Bob Beta', 'Cy Nobody']);
  assert.deepEqual(column(db, 'SELECT Name FROM Account ORDER BY Parent.Name NULLS LAST, Owner.Name DESC, Name', 'Name'), ['Acme', 'Globex', 'Acme Holding']);
  assert.deepEqual(column(db, "SELECT Name FROM Opportunity WHERE Account.Parent.Parent.Name = null AND Account.Parent.Name = 'Acme Holding'", 'Name'), [
    'Big deal',
  ]);
  // Five levels is Salesforce's limit and works; the sixth is refused where the path starts.
  assert.equal(db.query("SELECT COUNT() FROM Contact WHERE Account.Parent.Parent.Parent.Owner.Name = 'x'").totalSize, 0);
  const six = failure(() => db.query("SELECT Id FROM Contact WHERE Account.Parent.Parent.Parent.Parent.Owner.Name = 'x'"));
  assert.equal(six.errorCode, 'MALFORMED_QUERY');
  assert.match(six.message, /Row:1:Column:30\nSOQL statements cannot query relationships that are more than 5 levels away from the root entity object\./);
});

test('polymorphic Who across Lead and Contact: Who.Name, Who.Type, Who.Email; ORDER BY Who.Name', () => {
  const { db } = seed();
  assert.deepEqual(column(db, "SELECT Id, Subject FROM Task WHERE Who.Name LIKE 'Ada%' ORDER BY Who.Name", 'Subject'), [
    'T1 call Ada (contact)',
    'T2 call Ada (lead)',
  ]);
  assert.deepEqual(column(db, "SELECT Subject FROM Task WHERE Who.Name LIKE 'Ada%' ORDER BY Who.Name DESC", 'Subject'), [
    'T2 call Ada (lead)',
    'T1 call Ada (contact)',
  ]);
  assert.deepEqual(column(db, "SELECT Subject FROM Task WHERE Who.Type = 'Lead' ORDER BY Subject", 'Subject'), ['T2 call Ada (lead)', 'T5 call Leo']);
  assert.deepEqual(column(db, "SELECT Subject FROM Task WHERE Who.Type = 'contact' ORDER BY Subject", 'Subject'), ['T1 call Ada (contact)', 'T3 case for Bob']);
  assert.deepEqual(column(db, 'SELECT Subject FROM Task WHERE Who.Type = null', 'Subject'), ['T4 nobody']);
  assert.deepEqual(column(db, "SELECT Subject FROM Task WHERE Who.Email LIKE '%engines%'", 'Subject'), ['T2 call Ada (lead)']);
  assert.deepEqual(column(db, 'SELECT Subject FROM Task ORDER BY Who.Name NULLS LAST', 'Subject'), [
    'T1 call Ada (contact)',
    'T2 call Ada (lead)',
    'T3 case for Bob',
    'T5 call Leo',
    'T4 nobody',
  ]);
  assert.deepEqual(column(db, "SELECT Subject FROM Task WHERE Who.LastName = 'Lovelace' OR Who.FirstName = 'Leo' ORDER BY Subject", 'Subject'), [
    'T2 call Ada (lead)',
    'T5 call Leo',
  ]);
  const lovelace = String(db.query("SELECT Id FROM Lead WHERE LastName = 'Lovelace'").records[0]!.Id);
  assert.deepEqual(column(db, `SELECT Subject FROM Task WHERE Who.Id = '${lovelace.slice(0, 15)}'`, 'Subject'), ['T2 call Ada (lead)']);
});

test('polymorphic What: What.Type per key prefix, What.Name as each object names its records (a Case by its number)', () => {
  const { db, caseNumber } = seed();
  assert.deepEqual(column(db, "SELECT Subject FROM Task WHERE What.Type = 'Account'", 'Subject'), ['T1 call Ada (contact)']);
  assert.deepEqual(column(db, "SELECT Subject FROM Task WHERE What.Type IN ('Case', 'Opportunity') ORDER BY What.Type", 'Subject'), [
    'T3 case for Bob',
    'T4 nobody',
  ]);
  assert.deepEqual(column(db, "SELECT Subject FROM Task WHERE What.Type != 'Account' ORDER BY Subject", 'Subject'), [
    'T2 call Ada (lead)',
    'T3 case for Bob',
    'T4 nobody',
    'T5 call Leo',
  ]);
  assert.deepEqual(column(db, `SELECT Subject FROM Task WHERE What.Name = '${caseNumber}'`, 'Subject'), ['T3 case for Bob']);
  assert.deepEqual(column(db, 'SELECT Subject FROM Task WHERE What.Name != null ORDER BY What.Name', 'Subject'), [
    'T3 case for Bob',
    'T1 call Ada (contact)',
    'T4 nobody',
  ]);
  // What has no Email on Account/Opportunity/Case: null there, not an error (Email is a Name-object field).
  assert.equal(db.query('SELECT COUNT() FROM Task WHERE What.Email != null').totalSize, 0);
});

test('the select list reads Who and What as WHERE does: Type per object, Name as each object names its records', () => {
  const { db, caseNumber } = seed();
  type Named = { attributes: { type: string }; Type: string; Name: string } | null;
  const r = db.query('SELECT Subject, What.Type, What.Name, Who.Type FROM Task WHERE What.Type != null ORDER BY Subject');
  assert.deepEqual(
    r.records.map((t) => {
      const what = t.What as unknown as Named;
      const who = t.Who as unknown as Named;
      return [t.Subject, what?.attributes.type, what?.Type, what?.Name, who?.Type ?? null];
    }),
    [
      ['T1 call Ada (contact)', 'Account', 'Account', 'Acme', 'Contact'],
      ['T3 case for Bob', 'Case', 'Case', caseNumber, 'Contact'],
      ['T4 nobody', 'Opportunity', 'Opportunity', 'Big deal', null],
    ],
  );
});

test('parent fields in a child subquery filter and in the COUNT() form', () => {
  const { db } = seed();
  const r = db.query(
    "SELECT Name, (SELECT LastName FROM Contacts WHERE Account.Parent.Name = 'Acme Holding') FROM Account WHERE Owner.Alias = 'olga' ORDER BY Name",
  );
  assert.deepEqual(
    r.records.map((a) => [a.Name, (a.Contacts as { records: { LastName: string }[] } | null)?.records.map((c) => c.LastName) ?? null]),
    [
      ['Acme', ['Alpha']],
      ['Acme Holding', null],
    ],
  );
});

test('SOSL RETURNING filters and orders by parent fields the same way', () => {
  const { db } = seed();
  const found = (sosl: string) => db.search(sosl).searchRecords.map((r) => r.Name);
  assert.deepEqual(found("FIND {Ada OR Ann OR Bob} IN NAME FIELDS RETURNING Contact(Name WHERE Account.Name LIKE 'acme%' ORDER BY Account.Name DESC)"), [
    'Ada Byron',
    'Ann Alpha',
  ]);
  assert.deepEqual(found("FIND {Alpha} RETURNING Contact(Name WHERE Account.Name = 'Globex')"), []);
  const deep = failure(() => db.search("FIND {Ann} RETURNING Contact(Name WHERE Account.Parent.Parent.Parent.Parent.Owner.Name = 'x')"));
  assert.equal(deep.errorCode, 'MALFORMED_SEARCH');
});

test('errors as Salesforce words them, at the field path', () => {
  const { db } = seed();
  const typo = failure(() => db.query("SELECT Id FROM Contact WHERE Acount.Name = 'Acme'"));
  assert.equal(typo.errorCode, 'INVALID_FIELD');
  assert.match(
    typo.message,
    /\nSELECT Id FROM Contact WHERE Acount\.Name = 'Acme'\n {29}\^\nERROR at Row:1:Column:30\nDidn't understand relationship 'Acount' in field path\. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name\./,
  );
  const deep = failure(() => db.query('SELECT Id FROM Contact\nORDER BY Account.Ownr.Name'));
  assert.equal(deep.errorCode, 'INVALID_FIELD');
  assert.match(deep.message, /Row:2:Column:10\nDidn't understand relationship 'Ownr' in field path/);
  const column = failure(() => db.query("SELECT Id FROM Contact WHERE Account.Nme = 'x'"));
  assert.equal(column.errorCode, 'INVALID_FIELD');
  assert.match(column.message, /Column:30\nNo such column 'Nme' on entity 'Account'\. If you are attempting to use a custom field/);
  // Polymorphic: only the Name object's fields, even where every target has the field.
  const notOnName = failure(() => db.query("SELECT Id FROM Task WHERE Who.AccountId = '001000000000000'"));
  assert.equal(notOnName.errorCode, 'INVALID_FIELD');
  assert.match(notOnName.message, /Column:27\nNo such column 'AccountId' on entity 'Name'\./);
  assert.match(failure(() => db.query('SELECT Id FROM Task ORDER BY What.OwnerId')).message, /Column:30\nNo such column 'OwnerId' on entity 'Name'\./);
  assert.match(
    failure(() => db.query("SELECT Id FROM Task WHERE What.Owner.Name = 'x'")).message,
    /Column:27\nDidn't understand relationship 'Owner' in field path/,
  );
  // The select list follows the same rule for polymorphic lookups.
  assert.match(failure(() => db.query('SELECT Subject, Who.AccountId FROM Task')).message, /Column:17\nNo such column 'AccountId' on entity 'Name'\./);
  // Types are the parent field's: a number for a text field, LIKE on a boolean.
  const wrongType = failure(() => db.query('SELECT Id FROM Contact WHERE Account.Name = 5'));
  assert.equal(wrongType.errorCode, 'INVALID_QUERY_FILTER_OPERATOR');
  assert.match(wrongType.message, /Column:45\nvalue of filter criterion for field 'Name' must be of type string and should be enclosed in quotes/);
  assert.equal(failure(() => db.query("SELECT Id FROM Task WHERE Who.IsActive LIKE 'x'")).errorCode, 'INVALID_QUERY_FILTER_OPERATOR');
  // Where the emulator still reads only plain fields, it says so.
  assert.match(
    failure(() => db.query('SELECT Account.Name, COUNT(Id) FROM Contact GROUP BY Account.Name')).message,
    /Account\.Name: the emulator reads relationship fields in a query's own select list, WHERE and ORDER BY/,
  );
});

test('values in relationship filters stay values: quotes and SQL in literals are data', () => {
  const { db } = seed();
  const evil = 'x\' OR 1=1 --"); DROP TABLE "sobj_Account"; --';
  const id = db.create('Account', { Name: evil });
  db.create('Contact', { LastName: 'Mallory', AccountId: id });
  const literal = evil.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  assert.deepEqual(column(db, `SELECT Name FROM Contact WHERE Account.Name = '${literal}'`, 'Name'), ['Mallory']);
  assert.deepEqual(column(db, `SELECT Name FROM Contact WHERE Account.Owner.Name = 'x' OR Account.Name LIKE '${literal}'`, 'Name'), ['Mallory']);
  assert.deepEqual(column(db, "SELECT Subject FROM Task WHERE What.Type = 'Account\\' OR 1=1 --'", 'Subject'), []);
  assert.equal(db.query('SELECT COUNT() FROM Account').totalSize, 4);
});
