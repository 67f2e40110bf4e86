import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MASK, maskSipAuth } from './mask-sip-auth.ts';

const REGISTER = [
  'REGISTER sip:switchboard.test SIP/2.0',
  'Via: SIP/2.0/WSS abc.invalid;branch=z9hG4bK123',
  'From: <sip:1001@switchboard.test>;tag=x',
  'Authorization: Digest algorithm=MD5, username="1733403600:1001", realm="switchboard.test", nonce="6a1f0c9e2b", uri="sip:switchboard.test", response="0f3c2b9d8e7a6f5c4b3a29180716f5e4", opaque="op4que", qop=auth, cc=x, cnonce="c0ffee99", nc=00000001',
  'Proxy-Authorization: Digest username="1001", realm="proxy.test", nonce="n2", uri="sip:2001@switchboard.test", response="aaaabbbbccccddddeeeeffff00001111"',
  'Content-Length: 0',
  '',
].join('\r\n');

test('digest answers: response, nonce, cnonce, opaque, nc and unknown parameters are masked; who and where stay', () => {
  const masked = maskSipAuth(REGISTER);
  for (const secret of ['0f3c2b9d8e7a6f5c4b3a29180716f5e4', 'aaaabbbbccccddddeeeeffff00001111', '6a1f0c9e2b', 'c0ffee99', 'op4que', '00000001', 'cc=x']) {
    assert.ok(!masked.includes(secret), `${secret} is masked`);
  }
  assert.match(
    masked,
    /^Authorization: Digest algorithm=MD5, username="1733403600:1001", realm="switchboard\.test", nonce="\[masked\]", uri="sip:switchboard\.test", response="\[masked\]", opaque="\[masked\]", qop=auth, cc=\[masked\], cnonce="\[masked\]", nc=\[masked\]\r$/m,
  );
  assert.match(
    masked,
    /^Proxy-Authorization: Digest username="1001", realm="proxy\.test", nonce="\[masked\]", uri="sip:2001@switchboard\.test", response="\[masked\]"\r$/m,
  );
  assert.match(masked, /^Via: SIP\/2\.0\/WSS abc\.invalid;branch=z9hG4bK123\r$/m, 'other headers are untouched');
  assert.equal(masked.split('\r\n').length, REGISTER.split('\r\n').length);
});

test('challenges lose their nonce and opaque; any case; other schemes lose the whole credential', () => {
  const challenge =
    'SIP/2.0 401 Unauthorized\r\nwww-authenticate: Digest realm="switchboard.test", nonce="abc123", opaque="xyz", stale=true, algorithm=MD5, qop="auth"\r\nPROXY-AUTHENTICATE: Digest realm="p", nonce="n9"\r\n';
  const masked = maskSipAuth(challenge);
  assert.ok(!/abc123|xyz|n9/.test(masked), masked);
  assert.match(masked, /www-authenticate: Digest realm="switchboard\.test", nonce="\[masked\]", opaque="\[masked\]", stale=true, algorithm=MD5, qop="auth"/);
  assert.equal(maskSipAuth('Authorization: Bearer eyJhbGciOi.payload.sig'), `Authorization: Bearer ${MASK}`);
  assert.equal(maskSipAuth('authorization:Basic dXNlcjpwYXNz'), `authorization:Basic ${MASK}`);
  assert.equal(maskSipAuth('Authorization: dXNlcjpwYXNz'), `Authorization: ${MASK}`);
});

test('a header cut in the middle (the log cuts long entries) is still masked; unrelated text is returned as is', () => {
  assert.equal(maskSipAuth('Authorization: Digest username="1001", response="0f3c2b9d8e7a'), 'Authorization: Digest username="1001", response="[masked]"');
  const plain = 'registered as 1001; authorization succeeded after one challenge';
  assert.equal(maskSipAuth(plain), plain);
  assert.equal(maskSipAuth('X-Authorization-Hint: none'), 'X-Authorization-Hint: none');
});
