import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OpenConsoleDb } from '../index.ts';
import { assertRefused, orgWithOneUser } from './test-support.ts';

/** Accounts with and without contacts, cases and an opportunity; a contact without an account; Tasks on contacts and leads. */
function seed(): OpenConsoleDb {
  const db = orgWithOneUser();
  const acme = db.create('Account', { Name: 'Acme' });
  const globex = db.create('Account', { Name: 'Globex' });
  db.create('Account', { Name: 'Initech' });
  const ann = db.create('Contact', { FirstName: 'Ann', LastName: 'Alpha', AccountId: acme, Title: 'CEO' });
  db.create('Contact', { FirstName: 'Bob', LastName: 'Beta', AccountId: globex, Title: 'Engineer' });
  db.create('Contact', { FirstName: 'Cy', LastName: 'Nobody' });
  db.create('Case', { Subject: 'Broken', AccountId: globex, ContactId: ann });
  db.create('Opportunity', { Name: 'Big deal', StageName: 'Closed Won', CloseDate: '2026-06-30', AccountId: acme });
  const lead = db.create('Lead', { FirstName: 'Leo', LastName: 'Lead', Company: 'Leo & Co' });
  db.create('Task', { Subject: 'Call Ann', WhoId: ann });
  db.create('Task', { Subject: 'Call Leo', WhoId: lead });
  return db;
}

const names = (db: OpenConsoleDb, soql: string): unknown[] => db.query(soql).records.map((r) => r.Name);

test('semi-join: parent to child (Id IN), child to child and child to parent (lookup IN)', () => {
  const db = seed();
  assert.deepEqual(names(db, "SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE Title = 'ceo') ORDER BY Name"), ['Acme']);
  assert.deepEqual(names(db, 'SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact) ORDER BY Name'), ['Acme', 'Globex']);
  // Two semi-joins ANDed, beside a plain filter.
  assert.deepEqual(
    names(
      db,
      "SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact) AND Id IN (SELECT AccountId FROM Opportunity WHERE StageName = 'Closed Won') AND Name LIKE 'A%'",
    ),
    ['Acme'],
  );
  // A lookup on the left: contacts whose account has a case.
  assert.deepEqual(names(db, 'SELECT Name FROM Contact WHERE AccountId IN (SELECT AccountId FROM Case)'), ['Bob Beta']);
  // A polymorphic lookup on the left: Tasks about a contact of Acme.
  assert.deepEqual(
    db.query("SELECT Subject FROM Task WHERE WhoId IN (SELECT Id FROM Contact WHERE Account.Name = 'Acme')").records.map((r) => r.Subject),
    ['Call Ann'],
  );
  assert.equal(db.query('SELECT COUNT() FROM Account WHERE Id IN (SELECT AccountId FROM Contact)').totalSize, 2);
  // Values travel as parameters, in the subquery too.
  assert.deepEqual(names(db, "SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE LastName = 'x\\' OR 1=1 --')"), []);
});

test('anti-join: NOT IN, keeping rows whose lookup is empty as NOT IN does with values', () => {
  const db = seed();
  assert.deepEqual(names(db, 'SELECT Name FROM Account WHERE Id NOT IN (SELECT AccountId FROM Contact) ORDER BY Name'), ['Initech']);
  assert.deepEqual(names(db, 'SELECT Name FROM Contact WHERE AccountId NOT IN (SELECT AccountId FROM Opportunity) ORDER BY Name'), ['Bob Beta', 'Cy Nobody']);
  // A contact without an account is no reason to drop every row (a null in the subquery's values).
  assert.deepEqual(names(db, "SELECT Name FROM Account WHERE Id NOT IN (SELECT AccountId FROM Contact WHERE FirstName = 'Cy') ORDER BY Name"), [
    'Acme',
    'Globex',
    'Initech',
  ]);
});

test('semi-joins where Salesforce refuses them: each error names the restriction and where it is', () => {
  const db = seed();
  const cases: [string, RegExp][] = [
    ["SELECT Name FROM Account WHERE Name = 'x' OR Id IN (SELECT AccountId FROM Contact)", /cannot be used under OR/],
    ['SELECT Name FROM Account WHERE NOT Id IN (SELECT AccountId FROM Contact)', /under NOT.*write NOT IN/],
    [
      'SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact) AND Id IN (SELECT AccountId FROM Case) AND Id IN (SELECT AccountId FROM Opportunity)',
      /at most 2 semi-joins/,
    ],
    [
      'SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE Id IN (SELECT ContactId FROM Case))',
      /only in the WHERE clause of the main query/,
    ],
    ['SELECT Name, (SELECT LastName FROM Contacts WHERE Id IN (SELECT ContactId FROM Case)) FROM Account', /only in the WHERE clause of the main query/],
    ['SELECT Name FROM Account WHERE Name IN (SELECT Name FROM Contact)', /must be an Id or a lookup field; Account\.Name is/],
    ['SELECT Name FROM Account WHERE Id IN (SELECT LastName FROM Contact)', /must select an Id or a lookup field; Contact\.LastName/],
    ['SELECT Name FROM Account WHERE Id IN (SELECT Id FROM Contact)', /does not point to the same object type as Account\.Id/],
    ['SELECT Name FROM Account WHERE Id IN (SELECT ParentId FROM Account)', /cannot query the same object as the main query/],
    ['SELECT Name FROM Account WHERE Id IN (SELECT AccountId, Id FROM Contact)', /selects exactly one field/],
    ['SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact ORDER BY LastName)', /cannot use ORDER BY, LIMIT/],
    ['SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact LIMIT 5)', /cannot use ORDER BY, LIMIT/],
    ['SELECT Name FROM Contact WHERE Account.Id IN (SELECT AccountId FROM Case)', /left operand .* cannot use relationships: Account\.Id/],
    ['SELECT Name FROM Account WHERE Id IN (SELECT Account.ParentId FROM Contact)', /cannot select a relationship field/],
  ];
  assertRefused(db, cases);
});
