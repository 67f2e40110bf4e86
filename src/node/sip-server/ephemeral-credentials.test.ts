import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { EphemeralCredentials, ephemeralPassword, parseEphemeralUsername } from './ephemeral-credentials.ts';
import { ManualClock } from './test-support/manual-clock.ts';

describe('ephemeral credentials (auth_ephemeral, username_format 1, SHA-1)', () => {
  test('the password is base64 HMAC-SHA1 of the username (RFC 2202 test case 2)', () => {
    // effcdf6ae5eb2fa2d27416d5f184df9c259a7c79 in hex.
    assert.equal(ephemeralPassword('Jefe', 'what do ya want for nothing?'), '7/zfauXrL6LSdBbV8YTfnCWafHk=');
  });

  test('reads "<expiry>:<extension>" and nothing else', () => {
    assert.deepEqual(parseEphemeralUsername('1733403600:1001'), { expiresAt: 1733403600, extension: '1001' });
    for (const bad of ['1001', ':1001', '1733403600:', 'soon:1001', '1733403600:10:01', '1733403600:1001@x', ' 1733403600:1001', '-5:1001']) {
      assert.equal(parseEphemeralUsername(bad), undefined, bad);
    }
  });

  test('a credential is good before its expiry, for its own extension only', () => {
    const clock = new ManualClock(1_700_000_000_000);
    const eph = new EphemeralCredentials('a-secret-of-enough-length', clock);
    const username = '1700000060:1001';
    assert.equal(eph.passwordOf(username), ephemeralPassword('a-secret-of-enough-length', username));
    assert.equal(eph.passwordOf('1001'), undefined);
    assert.equal(eph.verdict(username, '1001'), 'ok');
    assert.equal(eph.verdict(username, '1002'), 'other-extension');
    assert.equal(eph.verdict('1001', '1001'), undefined);
    assert.equal(eph.isExpired(username), false);
    clock.advance(59_999);
    assert.equal(eph.verdict(username, '1001'), 'ok');
    clock.advance(1);
    assert.equal(eph.isExpired(username), true, 'the expiry second itself is too late');
    assert.equal(eph.verdict(username, '1001'), 'expired');
    assert.equal(eph.isExpired('1001'), false);
  });

  test('a short secret is refused with a clear error', () => {
    assert.throws(
      () => new EphemeralCredentials('short', new ManualClock()),
      /ephemeralSecret: the ephemeral credential secret needs at least 16 characters \(got 5\)/,
    );
  });
});
