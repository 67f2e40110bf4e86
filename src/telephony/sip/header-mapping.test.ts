import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headersFor, mapHeaders, MAX_VALUE_LENGTH } from './header-mapping.ts';

const mappings = { 'x-case-number': 'caseNumber', 'x-account-number': 'accountNumber', 'user-to-user': 'userToUser' };

function source(headers: Record<string, string>) {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return (name: string) => lower[name.toLowerCase()];
}

test('configured headers become attached data under their keys; others are ignored', () => {
  const { data, problems } = mapHeaders(source({ 'X-Case-Number': ' 00001042 ', 'X-Other': 'nope', 'X-Account-Number': 'A-7' }), mappings);
  assert.deepEqual(data, { caseNumber: '00001042', accountNumber: 'A-7' });
  assert.deepEqual(problems, []);
});

test('User-to-User keeps its payload without the encoding parameters', () => {
  const { data } = mapHeaders(source({ 'User-to-User': '3132333435;encoding=hex;purpose=call' }), mappings);
  assert.deepEqual(data, { userToUser: '3132333435' });
});

test('too long and control-character values are dropped and reported', () => {
  const { data, problems } = mapHeaders(source({ 'X-Case-Number': 'x'.repeat(MAX_VALUE_LENGTH + 1), 'X-Account-Number': 'a\u0007b' }), mappings);
  assert.deepEqual(data, {});
  assert.equal(problems.length, 2);
  assert.match(problems[0]!.reason, /more than 512/);
  assert.match(problems[1]!.reason, /control characters/);
});

test('headersFor maps keys back to header names and refuses unsafe values', () => {
  assert.deepEqual(headersFor({ caseNumber: '42', recordId: '001xx' }, mappings), ['X-Case-Number: 42', 'X-RecordId: 001xx']);
  assert.throws(() => headersFor({ caseNumber: 'a\r\nVia: evil' }, mappings), /printable characters/);
  assert.throws(() => headersFor({ 'bad key': '1' }, mappings), /cannot be a SIP header name/);
});
