import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSoql } from './parser.ts';
import { openConsoleDb, type OpenConsoleDb } from '../index.ts';
import { failure } from './test-support.ts';

test('parses the supported grammar', () => {
  const q = parseSoql(
    "select Id, Name from Contact where (Name like 'a%' or Phone != null) and not Email in ('x@y.z') order by Name desc nulls first, Id limit 5 offset 2",
  );
  assert.equal(q.from.name, 'Contact');
  assert.equal(q.select.kind, 'fields');
  assert.equal(q.where?.kind, 'and');
  assert.deepEqual(
    q.orderBy.map((o) => [o.field.name, o.descending, o.nullsLast]),
    [
      ['Name', true, false],
      ['Id', false, false],
    ],
  );
  assert.equal(q.limit?.value, 5);
  assert.equal(q.offset?.value, 2);
  assert.equal(parseSoql('SELECT COUNT() FROM Task').select.kind, 'count');
  const dates = parseSoql('SELECT Id FROM Task WHERE ActivityDate >= LAST_N_DAYS:30 AND CreatedDate < 2026-01-01T00:00:00Z AND ActivityDate != 2026-01-02');
  assert.equal(dates.where?.kind, 'and');
});

const malformed: [string, number, string][] = [
  ['SELECT Id FORM Contact', 11, 'FORM'],
  ['SELECT Id, FROM Contact', 12, 'FROM'],
  ['SELECT Id FROM Contact WHERE Name = ', 37, '<EOF>'],
  ["SELECT Id FROM Contact WHERE Name = 'a' AND Phone = 'b' OR Email = 'c'", 57, 'OR'],
  ['SELECT Id FROM Contact LIMIT x', 30, 'x'],
  ['SELECT Id FROM Contact ORDER Name', 30, 'Name'],
  ['SELECT Id FROM Contact WHERE Name IN ()', 39, ')'],
];

for (const [soql, column, token] of malformed) {
  test(`malformed: ${soql}`, () => {
    const e = failure(() => parseSoql(soql));
    assert.equal(e.errorCode, 'MALFORMED_QUERY');
    assert.ok(e.message.endsWith(`ERROR at Row:1:Column:${column}\nunexpected token: '${token}'`), e.message);
  });
}

test('lexical errors have positions too', () => {
  const e = failure(() => parseSoql("SELECT Id FROM Contact WHERE Name = 'open"));
  assert.match(e.message, /Column:37\nunterminated string literal/);
  assert.match(failure(() => parseSoql('SELECT Id FROM Contact WHERE Name = #')).message, /Column:37\nunexpected character: '#'/);
});

function db(): OpenConsoleDb {
  const d = openConsoleDb({ file: ':memory:', now: () => Date.parse('2026-03-10T12:00:00Z') });
  d.defaultUserId = d.create('User', { Username: 'u@x.test', LastName: 'U', Alias: 'u', Email: 'u@x.test' });
  d.create('Contact', { FirstName: 'Ann', LastName: 'Alpha', Phone: '1', Birthdate: '1990-05-01' });
  d.create('Contact', { FirstName: 'Bob', LastName: 'beta', Email: 'bob@x.test' });
  d.create('Contact', { LastName: 'Gamma', DoNotCall: true });
  return d;
}

const names = (d: OpenConsoleDb, soql: string) => d.query(soql).records.map((r) => r.Name);

test('executes filters with SOQL semantics (case-insensitive strings, null-keeping !=, NOT IN, dates)', () => {
  const d = db();
  assert.deepEqual(names(d, "SELECT Name FROM Contact WHERE LastName = 'BETA'"), ['Bob beta']);
  assert.deepEqual(names(d, "SELECT Name FROM Contact WHERE Email != 'bob@x.test' ORDER BY Name"), ['Ann Alpha', 'Gamma']);
  assert.deepEqual(names(d, "SELECT Name FROM Contact WHERE LastName NOT IN ('alpha', 'gamma')"), ['Bob beta']);
  assert.deepEqual(names(d, 'SELECT Name FROM Contact WHERE Email = null ORDER BY LastName DESC'), ['Gamma', 'Ann Alpha']);
  assert.deepEqual(names(d, "SELECT Name FROM Contact WHERE (LastName LIKE 'a%' OR LastName LIKE 'g%') AND DoNotCall = false"), ['Ann Alpha']);
  assert.deepEqual(names(d, 'SELECT Name FROM Contact WHERE Birthdate < 2000-01-01'), ['Ann Alpha']);
  assert.deepEqual(names(d, 'SELECT Name FROM Contact WHERE CreatedDate = TODAY AND NOT DoNotCall = true ORDER BY FirstName NULLS LAST'), [
    'Ann Alpha',
    'Bob beta',
  ]);
  assert.deepEqual(names(d, 'SELECT Name FROM Contact ORDER BY FirstName NULLS FIRST LIMIT 2 OFFSET 1'), ['Ann Alpha', 'Bob beta']);
  assert.equal(d.query('SELECT COUNT() FROM Contact WHERE CreatedDate > 2026-03-10T11:00:00Z').totalSize, 3);
  const r = d.query('SELECT id, NAME FROM contact LIMIT 1').records[0]!;
  assert.deepEqual(Object.keys(r), ['attributes', 'Id', 'Name']);
  assert.match(String(r.attributes.url), /^\/services\/data\/v62\.0\/sobjects\/Contact\/003/);
});

test('semantic errors: unknown object/field, wrong literal types, bad ids', () => {
  const d = db();
  const f = failure(() => d.query('SELECT Id, Foo FROM Contact'));
  assert.equal(f.errorCode, 'INVALID_FIELD');
  assert.match(f.message, /Column:12\nNo such column 'Foo' on entity 'Contact'/);
  assert.equal(failure(() => d.query('SELECT Id FROM Nope')).errorCode, 'INVALID_TYPE');
  assert.equal(failure(() => d.query('SELECT Id FROM Contact WHERE Name = 5')).errorCode, 'INVALID_QUERY_FILTER_OPERATOR');
  assert.equal(failure(() => d.query("SELECT Id FROM Contact WHERE DoNotCall = 'true'")).errorCode, 'INVALID_QUERY_FILTER_OPERATOR');
  assert.equal(failure(() => d.query('SELECT Id FROM Contact WHERE CreatedDate > 2026-01-01')).errorCode, 'INVALID_QUERY_FILTER_OPERATOR');
  assert.equal(failure(() => d.query("SELECT Id FROM Contact WHERE Id = 'abc'")).errorCode, 'INVALID_QUERY_FILTER_OPERATOR');
  assert.equal(failure(() => d.query('SELECT Id FROM Contact OFFSET 2001')).errorCode, 'NUMBER_OUTSIDE_VALID_RANGE');
});

test('values only travel as parameters: quotes in literals are data, not SQL', () => {
  const d = db();
  d.create('Contact', { LastName: 'O\'Brien\'); DROP TABLE "sobj_Contact"; --' });
  assert.deepEqual(names(d, "SELECT Name FROM Contact WHERE LastName = 'O\\'Brien\\'); DROP TABLE \"sobj_Contact\"; --'"), [
    'O\'Brien\'); DROP TABLE "sobj_Contact"; --',
  ]);
  assert.equal(d.query('SELECT COUNT() FROM Contact').totalSize, 4);
});
