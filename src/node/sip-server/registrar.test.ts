import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Web } from 'sip.js';
import { fixture, DOMAIN, type Fixture } from './test-support/fixture.ts';
import { reach, SessionState } from './test-support/sip-phone.ts';
import { RawClient, rawRequest } from './test-support/raw-client.ts';
import { ManualClock } from './test-support/manual-clock.ts';
import { until } from './test-support/wait.ts';
import { md5, parseDigest } from './digest-auth.ts';
import type { SipServerEvents } from './types.ts';

describe('registrar with digest authentication (real sip.js UAs)', () => {
  let f: Fixture;
  before(async () => {
    f = await fixture();
  });
  after(async () => {
    await f.close();
  });

  test('register with the right password, 200 lists the contact, stats count it', async () => {
    const events: Array<SipServerEvents['registered'][0]> = [];
    const off = f.server.on('registered', (e) => events.push(e));
    const phone = await f.phone('1001');
    assert.equal(events.length, 1);
    assert.equal(events[0].aor, `sip:1001@${DOMAIN}`);
    assert.match(events[0].contact, /^sip:[^@]+@[a-z0-9]+\.invalid;transport=ws$/);
    assert.ok(events[0].expires > 500 && events[0].expires <= 600);
    assert.equal(f.server.registrations('1001').length, 1);
    assert.ok(f.server.stats().registrations >= 1);
    off();
    await phone.unregister();
    await phone.stop();
  });

  test('a wrong password is refused (401 again) and reported', async () => {
    const failures: Array<SipServerEvents['auth-failed'][0]> = [];
    const off = f.server.on('auth-failed', (e) => failures.push(e));
    const phone = await f.phone('1002', { password: 'wrong', register: false });
    assert.equal(await phone.register(), 401);
    assert.equal(f.server.registrations('1002').length, 0);
    assert.deepEqual(
      failures.map((x) => [x.method, x.username, x.reason]),
      [['REGISTER', '1002', 'bad-response']],
    );
    off();
    await phone.stop();
  });

  test('setUsers changes who may register', async () => {
    f.server.setUsers([{ username: '1009', password: 'new-password' }]);
    try {
      const refused = await f.phone('1001', { register: false });
      assert.equal(await refused.register(), 401);
      await refused.stop();
      const ok = await f.phone('1009', { password: 'new-password' });
      await ok.unregister();
      await ok.stop();
    } finally {
      f.server.setUsers((await import('./test-support/fixture.ts')).TEST_USERS);
    }
  });

  test('unregister removes the binding', async () => {
    const phone = await f.phone('1003');
    const gone = new Promise<string>((resolve) =>
      f.server.on('unregistered', (e) => {
        if (e.aor.includes('1003')) resolve(e.reason);
      }),
    );
    await phone.unregister();
    assert.equal(await gone, 'unregistered');
    assert.equal(f.server.registrations('1003').length, 0);
    await phone.stop();
  });

  test('closing the socket removes the bindings; calls to the user then get 480', async () => {
    const a = await f.phone('1001');
    const b = await f.phone('1004');
    const gone = new Promise<string>((resolve) =>
      f.server.on('unregistered', (e) => {
        if (e.aor.includes('1004')) resolve(e.reason);
      }),
    );
    await (b.ua.transport as Web.Transport).disconnect();
    assert.equal(await gone, 'connection-closed');
    assert.equal(f.server.registrations('1004').length, 0);
    assert.deepEqual(await a.call('1004').outcome, { kind: 'rejected', status: 480 });
    await a.stop();
    await b.stop();
  });

  test('two registrations of one user both ring; the answer cancels the other', async () => {
    const a = await f.phone('1001');
    const b1 = await f.phone('1005');
    const b2 = await f.phone('1005');
    assert.equal(f.server.registrations('1005').length, 2);
    const { outcome } = a.call('1005');
    const [i1, i2] = await Promise.all([b1.invitations.next('INVITE at first device'), b2.invitations.next('INVITE at second device')]);
    await i2.accept();
    assert.equal((await outcome).kind, 'established');
    await reach(i1, SessionState.Terminated);
    assert.equal(i2.state, SessionState.Established);
    await i2.bye();
    await a.byes.next('BYE');
    await a.stop();
    await b1.stop();
    await b2.stop();
  });

  test('OPTIONS is answered 200 and a CRLF keep-alive gets a CRLF pong', async () => {
    const raw = await RawClient.connect(f.server.url);
    assert.equal(raw.protocol, 'sip');
    raw.send(rawRequest('OPTIONS', `sip:${DOMAIN}`, { host: raw.host, domain: DOMAIN }));
    assert.match(await raw.response(200), /Allow: .*INVITE/);
    raw.send('\r\n\r\n');
    assert.equal(await raw.received.next('pong'), '\r\n');
    raw.close();
  });

  test('REGISTER without credentials is challenged (guests skip the password only for themselves)', async () => {
    const raw = await RawClient.connect(f.server.url);
    raw.send(
      rawRequest('REGISTER', `sip:${DOMAIN}`, { host: raw.host, domain: DOMAIN, user: '1001' }).replace(`To: <sip:${DOMAIN}>`, `To: <sip:1001@${DOMAIN}>`),
    );
    const challenge = await raw.response(401);
    assert.match(challenge, /WWW-Authenticate: Digest realm="switchboard.test"/);
    raw.close();
  });
});

describe('registrar timing (manual clock)', () => {
  test('bindings expire; a nonce older than its lifetime is answered stale=true', async () => {
    const clock = new ManualClock();
    const f = await fixture({ clock, nonceTtlMs: 60_000 });
    try {
      const raw = await RawClient.connect(f.server.url);
      const register = (extra: string[] = [], cseq = 1): string =>
        rawRequest('REGISTER', `sip:${DOMAIN}`, {
          host: raw.host,
          domain: DOMAIN,
          user: '1006',
          cseq,
          callId: 'reg-1',
          extra: ['Expires: 30', ...extra],
        }).replace(`To: <sip:${DOMAIN}>`, `To: <sip:1006@${DOMAIN}>`);
      raw.send(register());
      const challenge = parseDigest((/WWW-Authenticate: (.*)\r\n/.exec(await raw.response(401)) ?? [])[1] ?? '');
      assert.ok(challenge?.nonce);
      const authorization = (nonce: string): string => {
        const ha1 = md5(`1006:${DOMAIN}:pw-1006`);
        const ha2 = md5(`REGISTER:sip:${DOMAIN}`);
        const response = md5(`${ha1}:${nonce}:${ha2}`);
        return `Authorization: Digest username="1006", realm="${DOMAIN}", nonce="${nonce}", uri="sip:${DOMAIN}", response="${response}", algorithm=MD5`;
      };
      raw.send(register([authorization(challenge.nonce)], 2));
      const ok = await raw.response(200);
      assert.match(ok, /Contact: <sip:1006@[a-f0-9]+\.invalid;transport=ws>;expires=30/);
      assert.equal(f.server.registrations('1006').length, 1);

      // A sniffed REGISTER replayed with another Contact binds nothing: the nonce was used.
      const before = f.server.registrations('1006').map((r) => r.contact);
      raw.send(register([authorization(challenge.nonce)], 2).replace(/Contact: <sip:1006@[^;>]+/, 'Contact: <sip:1006@sniffer.invalid'));
      assert.match(await raw.response(401), /stale=true/);
      assert.deepEqual(
        f.server.registrations('1006').map((r) => r.contact),
        before,
      );

      // 1006's valid credentials cannot register 1007.
      raw.send(register([], 5));
      const second = parseDigest((/WWW-Authenticate: (.*)\r\n/.exec(await raw.response(401)) ?? [])[1] ?? '');
      assert.ok(second?.nonce);
      raw.send(register([authorization(second.nonce)], 6).replace(`To: <sip:1006@${DOMAIN}>`, `To: <sip:1007@${DOMAIN}>`));
      assert.match(await raw.response(403), /403 Forbidden \(authentication user does not match/);
      assert.equal(f.server.registrations('1007').length, 0);

      const expired = new Promise<string>((resolve) => f.server.on('unregistered', (e) => resolve(e.reason)));
      clock.advance(31_000);
      assert.equal(await expired, 'expired');
      assert.equal(f.server.registrations('1006').length, 0);

      // The same nonce, a minute later: the password is right, the nonce stale.
      clock.advance(60_000);
      raw.send(register([authorization(challenge.nonce)], 3));
      assert.match(await raw.response(401), /stale=true/);
      raw.send(register(['Expires: 5'], 4).replace('Expires: 30\r\n', ''));
      await raw.response(401);
      raw.close();
    } finally {
      await f.close();
    }
  });

  test('REGISTER shorter than minExpires gets 423 with Min-Expires', async () => {
    const f = await fixture({ minExpires: 60 });
    try {
      const raw = await RawClient.connect(f.server.url);
      raw.send(
        rawRequest('REGISTER', `sip:${DOMAIN}`, { host: raw.host, domain: DOMAIN, user: 'guest', extra: ['Expires: 10'] }).replace(
          `To: <sip:${DOMAIN}>`,
          `To: <sip:guest@${DOMAIN}>`,
        ),
      );
      assert.match(await raw.response(423), /Min-Expires: 60/);
      await until(() => f.server.stats().errors === 0, 'no errors');
      raw.close();
    } finally {
      await f.close();
    }
  });
});
