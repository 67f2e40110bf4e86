// The server with `ephemeralSecret`: short-lived credentials as Salesforce mints them, answered the
// way Kamailio's auth_ephemeral reference config answers them (deploy/kamailio/kamailio.cfg).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { fixture, DOMAIN, PASSWORD, type Fixture } from './test-support/fixture.ts';
import { ManualClock } from './test-support/manual-clock.ts';
import { RawClient, rawRequest } from './test-support/raw-client.ts';
import { challengeOf, digestAnswer } from './test-support/digest-answer.ts';
import type { SipServerEvents } from './types.ts';

const SECRET = 'embedded-ephemeral-secret-0123';
const START = 1_700_000_000_000;

/** A credential as SwitchboardCredentials.mint issues it (computed here independently). */
function mint(extension: string, expiresAt: number, secret = SECRET): { username: string; password: string } {
  const username = `${expiresAt}:${extension}`;
  return { username, password: createHmac('sha1', secret).update(username).digest('base64') };
}

const seconds = (ms: number): number => Math.floor(ms / 1000);

describe('short-lived credentials on the embedded server', () => {
  const clock = new ManualClock(START);
  let f: Fixture;
  const failures: Array<SipServerEvents['auth-failed'][0]> = [];
  before(async () => {
    f = await fixture({ clock, ephemeralSecret: SECRET });
    f.server.on('auth-failed', (e) => failures.push(e));
  });
  after(async () => {
    await f.close();
  });

  let cseq = 1;
  /** A REGISTER of `user` answered with `credential`, on a fresh socket; the final answer. */
  async function register(user: string, credential: { username: string; password: string }): Promise<string> {
    const raw = await RawClient.connect(f.server.url);
    const request = (extra: readonly string[]): string =>
      rawRequest('REGISTER', `sip:${DOMAIN}`, {
        host: raw.host,
        domain: DOMAIN,
        user,
        cseq: cseq++,
        callId: `eph-${raw.host}`,
        extra: ['Expires: 60', ...extra],
      }).replace(`To: <sip:${DOMAIN}>`, `To: <sip:${user}@${DOMAIN}>`);
    raw.send(request([]));
    const challenge = challengeOf(await raw.response(401));
    raw.send(request([`Authorization: ${digestAnswer(challenge, { ...credential, method: 'REGISTER', uri: `sip:${DOMAIN}` })}`]));
    const answer = await raw.received.next('final answer', (m) => /^SIP\/2\.0 [2-6]\d\d /.test(m));
    raw.close();
    return answer.split('\r\n')[0];
  }

  test('accepts a fresh credential for its own extension, though no users file names it', async () => {
    assert.equal(await register('2001', mint('2001', seconds(START) + 3600)), 'SIP/2.0 200 OK');
  });

  test('refuses an expired credential with a final 403 "Credential expired" (right HMAC or not)', async () => {
    failures.length = 0;
    assert.equal(await register('2001', mint('2001', seconds(START) - 1)), 'SIP/2.0 403 Credential expired');
    assert.equal(await register('2001', mint('2001', seconds(START))), 'SIP/2.0 403 Credential expired', 'expiry must be in the future');
    assert.equal(await register('2001', mint('2001', seconds(START) - 1, 'another-secret-of-enough-length')), 'SIP/2.0 403 Credential expired');
    assert.deepEqual(
      failures.map((x) => x.reason),
      ['expired', 'expired', 'expired'],
    );
  });

  test('refuses a credential minted for another extension', async () => {
    assert.equal(await register('2002', mint('2001', seconds(START) + 3600)), 'SIP/2.0 403 Credential is for another extension');
  });

  test('refuses a credential signed with another secret with another challenge', async () => {
    failures.length = 0;
    assert.equal(await register('2001', mint('2001', seconds(START) + 3600, 'another-secret-of-enough-length')), 'SIP/2.0 401 Unauthorized');
    assert.deepEqual(
      failures.map((x) => [x.username, x.reason]),
      [[`${seconds(START) + 3600}:2001`, 'bad-response']],
    );
  });

  test('a username without "<expiry>:" is a users-file user or nobody', async () => {
    const hmacOfBare = createHmac('sha1', SECRET).update('2001').digest('base64');
    assert.equal(await register('2001', { username: '2001', password: hmacOfBare }), 'SIP/2.0 401 Unauthorized');
    assert.equal(await register('1001', { username: '1001', password: `${PASSWORD}1001` }), 'SIP/2.0 200 OK', 'static users keep working');
    assert.equal(
      await register('2001', { username: 'soon:2001', password: createHmac('sha1', SECRET).update('soon:2001').digest('base64') }),
      'SIP/2.0 401 Unauthorized',
    );
  });

  test('a credential that was good stops working once its expiry passes', async () => {
    const credential = mint('2003', seconds(START) + 60);
    assert.equal(await register('2003', credential), 'SIP/2.0 200 OK');
    clock.advance(60_000);
    assert.equal(await register('2003', credential), 'SIP/2.0 403 Credential expired');
  });

  test('other requests are checked against the From user', async () => {
    const raw = await RawClient.connect(f.server.url);
    const own = mint('2004', seconds(clock.now()) + 3600);
    const invite = (user: string, extra: readonly string[]): string =>
      rawRequest('MESSAGE', `sip:2005@${DOMAIN}`, {
        host: raw.host,
        domain: DOMAIN,
        user,
        body: 'hello',
        extra: ['Content-Type: text/plain', ...extra],
      });
    raw.send(invite('2005', []));
    const challenge = challengeOf(await raw.response(407));
    const answer = digestAnswer(challenge, { ...own, method: 'MESSAGE', uri: `sip:2005@${DOMAIN}` });
    raw.send(invite('2005', [`Proxy-Authorization: ${answer}`]));
    assert.match(await raw.response(403), /^SIP\/2\.0 403 Credential is for another extension\r\n/);
    raw.send(invite('2004', []));
    const again = challengeOf(await raw.response(407));
    raw.send(invite('2004', [`Proxy-Authorization: ${digestAnswer(again, { ...own, method: 'MESSAGE', uri: `sip:2005@${DOMAIN}` })}`]));
    // Authenticated; 2005 is nobody's registration (no user list: unknown means not signed in).
    assert.match(await raw.response(480), /^SIP\/2\.0 480 /);
    raw.close();
  });
});

describe('short-lived credentials with real sip.js phones', () => {
  let f: Fixture;
  before(async () => {
    f = await fixture({ ephemeralSecret: SECRET });
  });
  after(async () => {
    await f.close();
  });

  test('two phones on minted credentials register and call each other by extension', async () => {
    const expiry = seconds(Date.now()) + 3600;
    const a = mint('3001', expiry);
    const b = mint('3002', expiry);
    const caller = await f.phone('3001', { authorizationUsername: a.username, password: a.password });
    const callee = await f.phone('3002', { authorizationUsername: b.username, password: b.password });
    assert.equal(f.server.registrations('3001')[0]?.aor, `sip:3001@${DOMAIN}`);
    const { inviter, outcome } = caller.call('3002');
    const invitation = await callee.invitations.next('INVITE at 3002');
    assert.equal(invitation.remoteIdentity.uri.user, '3001', 'the callee sees the bare extension');
    await invitation.accept();
    assert.equal((await outcome).kind, 'established');
    await inviter.bye();
    await callee.byes.next('BYE');
    await caller.stop();
    await callee.stop();
  });

  test('without a secret the same credential is nobody', async () => {
    const plain = await fixture();
    try {
      const credential = mint('3001', seconds(Date.now()) + 3600);
      const phone = await plain.phone('3001', { authorizationUsername: credential.username, password: credential.password, register: false });
      assert.equal(await phone.register(), 401);
    } finally {
      await plain.close();
    }
  });
});
