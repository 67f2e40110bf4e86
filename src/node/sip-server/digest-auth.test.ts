import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DigestAuthenticator, md5, parseDigest } from './digest-auth.ts';
import { ManualClock } from './test-support/manual-clock.ts';

function answer(challenge: string, user: string, password: string, method: string, uri: string, qop: boolean): string {
  const p = parseDigest(challenge);
  assert.ok(p);
  const ha1 = md5(`${user}:${p.realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  const response = qop ? md5(`${ha1}:${p.nonce}:00000001:cn:auth:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
  return `Digest username="${user}", realm="${p.realm}", nonce="${p.nonce}", uri="${uri}", response="${response}"${qop ? ', qop=auth, nc=00000001, cnonce="cn"' : ''}`;
}

describe('digest authentication', () => {
  const clock = new ManualClock();
  const auth = new DigestAuthenticator({ realm: 'example.com', clock, nonceTtlMs: 1000 });
  const pw = (u: string): string | undefined => (u === 'ann' ? 'secret' : undefined);

  test('md5 matches the RFC 1321 vector', () => {
    assert.equal(md5('abc'), '900150983cd24fb0d6963f7d28e17f72');
  });

  test('accepts right answers with and without qop, refuses wrong ones with a reason', () => {
    const ch = auth.challenge();
    assert.match(ch, /^Digest realm="example\.com", nonce="[0-9a-f]+\.[0-9a-f]+", algorithm=MD5, qop="auth"$/);
    assert.deepEqual(auth.verify('REGISTER', answer(ch, 'ann', 'secret', 'REGISTER', 'sip:example.com', true), pw), { ok: true, username: 'ann' });
    assert.deepEqual(auth.verify('INVITE', answer(ch, 'ann', 'secret', 'INVITE', 'sip:b@example.com', false), pw), { ok: true, username: 'ann' });
    assert.equal(auth.verify('INVITE', answer(ch, 'ann', 'wrong', 'INVITE', 'sip:b@x', true), pw).ok, false);
    assert.deepEqual(auth.verify('INVITE', answer(ch, 'bob', 'x', 'INVITE', 'sip:b@x', true), pw), { ok: false, reason: 'unknown-user', username: 'bob' });
    assert.deepEqual(auth.verify('INVITE', undefined, pw), { ok: false, reason: 'missing' });
    assert.deepEqual(auth.verify('INVITE', 'Basic abc', pw), { ok: false, reason: 'malformed' });
    const forged = answer(ch, 'ann', 'secret', 'INVITE', 'sip:b@x', true).replace(/nonce="[^"]+"/, 'nonce="1.deadbeef"');
    assert.equal((auth.verify('INVITE', forged, pw) as { reason: string }).reason, 'bad-nonce');
  });

  test('an old nonce with the right password is stale', () => {
    const ch = auth.challenge();
    clock.advance(1001);
    assert.deepEqual(auth.verify('REGISTER', answer(ch, 'ann', 'secret', 'REGISTER', 'sip:example.com', true), pw), { ok: false, reason: 'stale', username: 'ann' });
    assert.match(auth.challenge(true), /stale=true$/);
  });
});
