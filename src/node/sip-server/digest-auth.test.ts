import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DigestAuthenticator, md5, parseDigest } from './digest-auth.ts';
import { ManualClock } from './test-support/manual-clock.ts';
import { digestAnswer } from './test-support/digest-answer.ts';

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
    assert.match(ch, /^Digest realm="example\.com", nonce="[0-9a-f]+\.[0-9a-f]+\.[0-9a-f]+", algorithm=MD5, qop="auth"$/);
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
    assert.deepEqual(auth.verify('REGISTER', answer(ch, 'ann', 'secret', 'REGISTER', 'sip:example.com', true), pw), {
      ok: false,
      reason: 'stale',
      username: 'ann',
    });
    assert.match(auth.challenge(true), /stale=true$/);
  });

  test('two challenges never share a nonce, even in the same millisecond', () => {
    const nonces = new Set(Array.from({ length: 50 }, () => parseDigest(auth.challenge())?.nonce));
    assert.equal(nonces.size, 50);
  });
});

describe('digest replay protection (nonce counts)', () => {
  const pw = (u: string): string | undefined => (u === 'ann' ? 'secret' : undefined);
  const reg = (challenge: string, nc?: number, cnonce?: string) =>
    digestAnswer(challenge, { username: 'ann', password: 'secret', method: 'REGISTER', uri: 'sip:example.com', nc, cnonce });

  test('a replayed answer is refused; a higher nc on the same nonce works; a lower or equal one is refused', () => {
    const auth = new DigestAuthenticator({ realm: 'example.com', clock: new ManualClock() });
    const ch = auth.challenge();
    const first = reg(ch, 1);
    assert.deepEqual(auth.verify('REGISTER', first, pw), { ok: true, username: 'ann' });
    assert.deepEqual(auth.verify('REGISTER', first, pw), { ok: false, reason: 'replayed', username: 'ann' });
    assert.deepEqual(auth.verify('REGISTER', reg(ch, 2), pw), { ok: true, username: 'ann' });
    assert.deepEqual(auth.verify('REGISTER', reg(ch, 5), pw), { ok: true, username: 'ann' });
    assert.deepEqual(auth.verify('REGISTER', reg(ch, 3), pw), { ok: false, reason: 'replayed', username: 'ann' });
    assert.deepEqual(auth.verify('REGISTER', reg(ch, 5), pw), { ok: false, reason: 'replayed', username: 'ann' });
    // Another client nonce starts its own count.
    assert.deepEqual(auth.verify('REGISTER', reg(ch, 1, 'other-cnonce'), pw), { ok: true, username: 'ann' });
  });

  test('a wrong answer with a high nc does not use up the count of the real client', () => {
    const auth = new DigestAuthenticator({ realm: 'example.com', clock: new ManualClock() });
    const ch = auth.challenge();
    const forged = reg(ch, 0xffff).replace(/response="[0-9a-f]+"/, `response="${'0'.repeat(32)}"`);
    assert.equal((auth.verify('REGISTER', forged, pw) as { reason: string }).reason, 'bad-response');
    assert.deepEqual(auth.verify('REGISTER', reg(ch, 1), pw), { ok: true, username: 'ann' });
  });

  test('an answer without qop is good once', () => {
    const auth = new DigestAuthenticator({ realm: 'example.com', clock: new ManualClock() });
    const ch = auth.challenge();
    const once = digestAnswer(ch, { username: 'ann', password: 'secret', method: 'REGISTER', uri: 'sip:example.com', qop: false });
    assert.deepEqual(auth.verify('REGISTER', once, pw), { ok: true, username: 'ann' });
    assert.deepEqual(auth.verify('REGISTER', once, pw), { ok: false, reason: 'replayed', username: 'ann' });
  });

  test('a nonce count that is not 8 hex digits is malformed', () => {
    const auth = new DigestAuthenticator({ realm: 'example.com', clock: new ManualClock() });
    const bad = reg(auth.challenge(), 1).replace('nc=00000001', 'nc=one');
    assert.equal((auth.verify('REGISTER', bad, pw) as { reason: string }).reason, 'malformed');
  });

  test('memory stays bounded: nonces expire, and past the cap the oldest are forgotten and answered stale, never accepted twice', () => {
    const clock = new ManualClock();
    const auth = new DigestAuthenticator({ realm: 'example.com', clock, nonceTtlMs: 10_000, maxTrackedNonces: 3 });
    const challenges = Array.from({ length: 5 }, () => auth.challenge());
    for (const ch of challenges) assert.equal(auth.verify('REGISTER', reg(ch, 1), pw).ok, true);
    assert.ok(auth.trackedNonces <= 3, `tracked ${auth.trackedNonces}`);
    // The forgotten first nonce cannot be replayed: it is stale, so the UA is simply asked again.
    assert.deepEqual(auth.verify('REGISTER', reg(challenges[0], 1), pw), { ok: false, reason: 'stale', username: 'ann' });
    assert.deepEqual(auth.verify('REGISTER', reg(challenges[0], 2), pw), { ok: false, reason: 'stale', username: 'ann' });
    assert.deepEqual(auth.verify('REGISTER', reg(challenges[4], 1), pw), { ok: false, reason: 'replayed', username: 'ann' });
    // A nonce issued after the forgetting works.
    assert.equal(auth.verify('REGISTER', reg(auth.challenge(), 1), pw).ok, true);
    // Once every nonce is past its lifetime, nothing is kept for them.
    clock.advance(10_001);
    assert.equal(auth.verify('REGISTER', reg(auth.challenge(), 1), pw).ok, true);
    assert.equal(auth.trackedNonces, 1);
    for (let i = 0; i < 1000; i++) {
      clock.advance(20);
      assert.equal(auth.verify('REGISTER', reg(auth.challenge(), 1), pw).ok, true);
    }
    assert.ok(auth.trackedNonces <= 3);
  });
});
