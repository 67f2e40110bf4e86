import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Grammar } from 'sip.js';
import { callerIdentity, isInternalCaller, parseNameAddr, type ParsedFrom } from './identity.ts';

test('P-Asserted-Identity wins over From', () => {
  const id = callerIdentity(['"Ann Smith" <sip:+14155550134@pbx.example.com>'], '"Anonymous" <sip:anonymous@anonymous.invalid>;tag=1');
  assert.deepEqual(id, { party: { number: '+14155550134', displayName: 'Ann Smith' }, host: 'pbx.example.com', source: 'p-asserted-identity' });
});

test('a tel: P-Asserted-Identity is read too, also after a sip: one in the same header', () => {
  assert.deepEqual(callerIdentity(['<tel:+442079460958>'], '<sip:x@y>;tag=2')?.party, { number: '+442079460958' });
  const both = callerIdentity(['garbage-not-an-address, "Bo" <tel:+15550001>'], '<sip:x@y>;tag=2');
  assert.deepEqual(both?.party, { number: '+15550001', displayName: 'Bo' });
});

test('From is used without P-Asserted-Identity', () => {
  const id = callerIdentity([], '"Desk 1001" <sip:1001@127.0.0.1>;tag=abc');
  assert.deepEqual(id, { party: { number: '1001', displayName: 'Desk 1001' }, host: '127.0.0.1', source: 'from' });
  assert.deepEqual(parseNameAddr('sip:bob@example.com'), { number: 'bob', host: 'example.com' });
});

test("sip.js's parsed From gives the same caller as the From text (the pop path parses it once)", () => {
  for (const from of [
    '"Desk 1001" <sip:1001@127.0.0.1>;tag=abc',
    '<sip:%2B14155550134@carrier.example>;tag=9',
    'sip:bob@example.com;tag=x',
    '"  Ann  " <sip:ann@h>',
  ]) {
    // The rule sip.js parses a received request's From with.
    const parsed = Grammar.parse(from, 'From') as ParsedFrom | -1;
    assert.ok(parsed !== -1, from);
    assert.deepEqual(callerIdentity([], from, parsed), callerIdentity([], from), from);
  }
  // A P-Asserted-Identity still wins; a parsed From without a user part falls back to the text.
  const pai = callerIdentity(['<sip:+15550002@pbx>'], '<sip:x@y>', Grammar.nameAddrHeaderParse('<sip:x@y>'));
  assert.equal(pai?.source, 'p-asserted-identity');
  assert.equal(callerIdentity([], '<sip:anonymous.invalid>', { uri: { host: 'anonymous.invalid' }, displayName: '' }), undefined);
});

test('unparseable identities give undefined', () => {
  assert.equal(callerIdentity([], 'not a sip address'), undefined);
});

test('internal callers are short extensions or directory entries in our own domain', () => {
  const dir = [{ extension: 'reception' }];
  const from = (v: string) => callerIdentity([], v)!;
  assert.equal(isInternalCaller(from('<sip:1001@pbx.example.com>'), 'pbx.example.com', dir), true);
  assert.equal(isInternalCaller(from('<sip:reception@PBX.example.com>'), 'pbx.example.com', dir), true);
  assert.equal(isInternalCaller(from('<sip:1001@other.example.com>'), 'pbx.example.com', dir), false);
  assert.equal(isInternalCaller(from('<sip:14155550134@pbx.example.com>'), 'pbx.example.com', dir), false);
  assert.equal(isInternalCaller(callerIdentity(['<tel:1001>'], '<sip:x@y>')!, 'pbx.example.com', dir), false);
});
