import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OpenConsoleDb } from '../index.ts';
import { assertRefused, orgWithOneUser } from './test-support.ts';

/** Tasks about an Account, a Case, an Opportunity and nothing; Who a Contact or a Lead. */
function seed(): OpenConsoleDb {
  const db = orgWithOneUser();
  const acme = db.create('Account', { Name: 'Acme', Phone: '+1 415 555 0100' });
  const ann = db.create('Contact', { FirstName: 'Ann', LastName: 'Alpha', AccountId: acme, Email: 'ann@acme.test' });
  const kase = db.create('Case', { Subject: 'Broken', AccountId: acme, ContactId: ann });
  const opp = db.create('Opportunity', { Name: 'Big deal', StageName: 'Prospecting', CloseDate: '2026-06-30', AccountId: acme });
  const lead = db.create('Lead', { FirstName: 'Leo', LastName: 'Lead', Company: 'Leo & Co', Email: 'leo@leo.test' });
  db.create('Task', { Subject: '1 account', WhatId: acme, WhoId: ann });
  db.create('Task', { Subject: '2 case', WhatId: kase, WhoId: ann });
  db.create('Task', { Subject: '3 opportunity', WhatId: opp });
  db.create('Task', { Subject: '4 nothing', WhoId: lead });
  return db;
}

const fieldsOf = (v: unknown): Record<string, unknown> => v as Record<string, unknown>;
const strip = (v: unknown): unknown => {
  if (v === null || typeof v !== 'object') return v;
  const { attributes, ...rest } = v as Record<string, unknown> & { attributes?: { type: string } };
  return { type: attributes?.type, ...rest };
};

test('TYPEOF: each parent carries the fields of the WHEN for its type, the ELSE ones otherwise, null without a parent', () => {
  const db = seed();
  const rows = db.query(
    'SELECT Subject, TYPEOF What WHEN Account THEN Phone, Name WHEN Case THEN CaseNumber, Subject ELSE Name, Type END FROM Task ORDER BY Subject',
  ).records;
  assert.deepEqual(
    rows.map((r) => [r.Subject, strip(r.What)]),
    [
      ['1 account', { type: 'Account', Phone: '+1 415 555 0100', Name: 'Acme' }],
      ['2 case', { type: 'Case', CaseNumber: fieldsOf(rows[1]!.What).CaseNumber, Subject: 'Broken' }],
      ['3 opportunity', { type: 'Opportunity', Name: 'Big deal', Type: 'Opportunity' }],
      ['4 nothing', null],
    ],
  );
  assert.match(String(fieldsOf(rows[1]!.What).CaseNumber), /^\d{8}$/);
  // Two TYPEOFs beside plain and parent fields; no ELSE: an unnamed type brings its attributes only.
  const who = db.query(
    "SELECT Subject, Owner.Alias, TYPEOF Who WHEN Contact THEN Email END, TYPEOF What WHEN Opportunity THEN StageName END FROM Task WHERE Subject LIKE '%' ORDER BY Subject",
  ).records;
  assert.deepEqual(
    who.map((r) => [strip(r.Who), strip(r.What)]),
    [
      [{ type: 'Contact', Email: 'ann@acme.test' }, { type: 'Account' }],
      [{ type: 'Contact', Email: 'ann@acme.test' }, { type: 'Case' }],
      [null, { type: 'Opportunity', StageName: 'Prospecting' }],
      [{ type: 'Lead' }, null],
    ],
  );
  assert.deepEqual(
    who.map((r) => fieldsOf(r.Owner).Alias),
    ['una', 'una', 'una', 'una'],
  );
});

test('TYPEOF where Salesforce refuses it, each error at its token', () => {
  const db = seed();
  const cases: [string, RegExp][] = [
    ['SELECT Subject, TYPEOF Account WHEN Account THEN Name END FROM Case', /needs a polymorphic relationship; Case\.Account always points to Account/],
    ['SELECT TYPEOF What WHEN Lead THEN Name END FROM Task', /Lead is not a type Task\.What can point to/],
    ['SELECT TYPEOF What WHEN Account THEN Name WHEN Account THEN Phone END FROM Task', /names Account twice/],
    ['SELECT TYPEOF What WHEN Account THEN Nope END FROM Task', /No such column 'Nope' on entity 'Account'/],
    ['SELECT TYPEOF What WHEN Account THEN Name ELSE CaseNumber END FROM Task', /No such column 'CaseNumber' on entity 'Name'/],
    ['SELECT TYPEOF What WHEN Account THEN Name, Name END FROM Task', /duplicate field selected: Name/],
    ['SELECT TYPEOF What WHEN Account THEN Owner.Name END FROM Task', /goes through another relationship/],
    ['SELECT What.Name, TYPEOF What WHEN Account THEN Phone END FROM Task', /selected both with TYPEOF and as What\.field/],
    ['SELECT TYPEOF Nope WHEN Account THEN Name END FROM Task', /Didn't understand relationship 'Nope'/],
    ['SELECT TYPEOF What ELSE Name END FROM Task', /unexpected token/],
    ['SELECT TYPEOF What WHEN Account THEN Name FROM Task', /unexpected token|expecting/],
    ['SELECT COUNT(Id), TYPEOF What WHEN Account THEN Name END FROM Task GROUP BY WhatId', /aggregate query cannot hold TYPEOF/],
    ['SELECT Name, (SELECT TYPEOF What WHEN Account THEN Name END FROM Tasks) FROM Contact', /not in a subquery/],
  ];
  assertRefused(db, cases);
});
