/** What the SOQL tests share: catching a SalesforceError, and checking refusals say what and where. */
import assert from 'node:assert/strict';
import { openConsoleDb, SalesforceError, type OpenConsoleDb } from '../index.ts';

/** The SalesforceError `fn` throws; fails the test if it throws nothing or something else. */
export function failure(fn: () => unknown): SalesforceError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SalesforceError) return e;
    throw e;
  }
  assert.fail('expected a SalesforceError');
}

/** Each query is refused with its message, which points at a row and column of the query. */
export function assertRefused(db: OpenConsoleDb, cases: readonly (readonly [soql: string, message: RegExp])[]): void {
  for (const [soql, message] of cases) {
    const e = failure(() => db.query(soql));
    assert.match(e.message, message, soql);
    assert.match(e.message, /Row:1:Column:\d+/, `${soql}: the error says where`);
  }
}

/** An empty org on 2026-03-10 with one user (Una, alias `una`) who owns what the test creates. */
export function orgWithOneUser(): OpenConsoleDb {
  const db = openConsoleDb({ file: ':memory:', now: () => Date.parse('2026-03-10T12:00:00Z') });
  db.defaultUserId = db.create('User', { Username: 'una@x.test', FirstName: 'Una', LastName: 'User', Alias: 'una', Email: 'una@x.test' });
  return db;
}
