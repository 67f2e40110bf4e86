// Kamailio with short-lived credentials (WITH_AUTHEPH, auth_ephemeral): the digest username is
// "<expiry>:<extension>" and the password base64(HMAC-SHA1(secret, username)), minted here with
// node:crypto exactly as Salesforce's SwitchboardCredentials.mint does. The phone system takes a
// fresh credential, and refuses an expired one, one minted for another extension, one signed with
// another secret, and a bare password; two browser agents on minted credentials call each other.
// A desk phone from the users file (which cannot mint) still signs in with its own password.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { mintEphemeral, startKamailio, type KamailioHandle } from '../support/kamailio.ts';
import { Agent } from './agents.ts';
import { DIST } from './scenarios.ts';
import { SipWsClient } from './sip-ws-client.ts';

const SECRET = 'kamailio-ephemeral-test-secret-0123';
const DESK_PHONE = { username: '1009', password: 'desk-phone-9' };
const now = (): number => Math.floor(Date.now() / 1000);
const fresh = (extension: string, secret = SECRET) => mintEphemeral(secret, extension, now() + 3600);

describe('Kamailio with short-lived credentials (auth_ephemeral)', { timeout: 120_000 }, () => {
  let kamailio: KamailioHandle;
  let client: SipWsClient;

  before(async () => {
    kamailio = await startKamailio({ ephemeralSecret: SECRET, users: [DESK_PHONE] });
  });

  after(async () => {
    await client?.close();
    await kamailio?.stop();
  });

  /** A REGISTER for `user` answered with the given digest credentials, on a new connection. */
  async function register(user: string, credential: { username: string; password: string }) {
    await client?.close();
    client = await SipWsClient.connect(kamailio.wsUrl, kamailio.domain);
    return client.request('REGISTER', { user, authUser: credential.username, password: credential.password });
  }

  const why = (): string =>
    kamailio
      .log()
      .split('\n')
      .filter((l) => /auth|ERROR/i.test(l))
      .slice(-10)
      .join('\n');

  it('accepts a freshly minted credential for the extension it names', async () => {
    const reply = await register('1001', fresh('1001'));
    assert.equal(reply.status, 200, `${reply.status} ${reply.reason}\n${why()}`);
    assert.ok((await kamailio.registeredUsers()).includes('1001'), 'usrloc holds 1001');
  });

  it('refuses an expired credential with a final 403, not another challenge', async () => {
    const reply = await register('1002', mintEphemeral(SECRET, '1002', now() - 60));
    assert.deepEqual([reply.status, reply.reason], [403, 'Credential expired'], why());
  });

  it("refuses another extension's credential (the digest is valid, the address is not its own)", async () => {
    const reply = await register('1002', fresh('1003'));
    assert.deepEqual([reply.status, reply.reason], [403, 'Credential is for another extension'], why());
    assert.ok(!(await kamailio.registeredUsers()).includes('1002'));
  });

  it('refuses a credential signed with another secret, and a password that is no HMAC', async () => {
    const forged = await register('1002', fresh('1002', 'some-other-secret-of-enough-length'));
    assert.equal(forged.status, 401, `${forged.status} ${forged.reason}`);
    const plain = await register('1002', { username: '1002', password: 'secret' });
    assert.ok(plain.status === 401 || plain.status === 403, `${plain.status} ${plain.reason}`);
    assert.ok(!(await kamailio.registeredUsers()).includes('1002'));
  });

  it('checks the From user of other requests: an INVITE from 1002 on 1001’s credential is refused', async () => {
    await client?.close();
    client = await SipWsClient.connect(kamailio.wsUrl, kamailio.domain);
    const own = fresh('1001');
    const spoofed = await client.request('INVITE', { user: '1002', authUser: own.username, password: own.password, target: '1005' });
    assert.deepEqual([spoofed.status, spoofed.reason], [403, 'Credential is for another extension'], why());
    // The same credential from its own extension passes auth and reaches routing (nobody is 1005).
    const honest = await client.request('INVITE', { user: '1001', authUser: own.username, password: own.password, target: '1005' });
    assert.equal(honest.status, 404, `${honest.status} ${honest.reason}\n${why()}`);
    const expired = mintEphemeral(SECRET, '1001', now() - 1);
    const late = await client.request('INVITE', { user: '1001', authUser: expired.username, password: expired.password, target: '1005' });
    assert.deepEqual([late.status, late.reason], [403, 'Credential expired']);
  });

  it('still signs in a desk phone of the users file with its own password (and only that)', async () => {
    assert.equal((await register(DESK_PHONE.username, DESK_PHONE)).status, 200, why());
    assert.equal((await register(DESK_PHONE.username, { ...DESK_PHONE, password: 'wrong' })).status, 401);
    assert.equal((await register('1001', DESK_PHONE)).status, 401, 'a users-file password is only good for its own user');
  });

  describe('two browser agents on minted credentials', () => {
    let browser: Browser;
    let web: StaticServer;
    const agents: Agent[] = [];

    before(async () => {
      [browser, web] = await Promise.all([launchChromium(), serveStatic(DIST)]);
    });

    after(async () => {
      await Promise.all(agents.map((a) => a.close().catch(() => {})));
      await browser?.close();
      await web?.close();
    });

    const open = async (extension: string): Promise<Agent> => {
      const credential = fresh(extension);
      const phone = {
        name: 'kamailio-autheph',
        wsUrl: kamailio.wsUrl,
        domain: kamailio.domain,
        passwordOf: () => credential.password,
        restart: () => kamailio.restart(),
        stop: () => kamailio.stop(),
      };
      const agent = await Agent.open(browser, web.url, phone, extension, { authorizationUsername: credential.username });
      agents.push(agent);
      return agent;
    };

    it('register, call each other (INVITE through auth_ephemeral), talk and hang up', { timeout: 60_000 }, async () => {
      const [caller, callee] = await Promise.all([open('1004'), open('1005')]);
      await Promise.all([caller.waitEvent('registration', 'registered'), callee.waitEvent('registration', 'registered')]);
      const since = await callee.mark();
      const out = await caller.dial('1005');
      const { callId: inn, remote } = await callee.waitIncoming(since);
      assert.equal(remote.number, '1004', 'the callee sees the bare extension, not the credential');
      await callee.command('answer', inn);
      await Promise.all([caller.waitEvent('established', out), callee.waitEvent('established', inn)]);
      await Promise.all([caller.waitAudio(out), callee.waitAudio(inn)]);
      await caller.command('hangup', out);
      await Promise.all([caller.waitEvent('ended', out), callee.waitEvent('ended', inn)]);
    });

    it('a connector signing in with an expired credential is refused (SB20001), not left retrying', { timeout: 30_000 }, async () => {
      const expired = mintEphemeral(SECRET, '1003', now() - 5);
      const page = await (await browser.newContext()).newPage();
      try {
        await page.goto(`${web.url}/telephony/sip/web/index.html`);
        await page.waitForFunction(() => 'harness' in window);
        const outcome = await page.evaluate(
          (c) =>
            window.harness.start(c).then(
              () => 'registered',
              (e: { code?: string }) => String(e.code),
            ),
          { wsUrl: kamailio.wsUrl, domain: kamailio.domain, username: '1003', authorizationUsername: expired.username, password: expired.password },
        );
        assert.equal(outcome, 'SB20001');
        assert.match(kamailio.log(), /expired credential \d+:1003 for REGISTER/);
      } finally {
        await page.evaluate(() => window.harness.tel?.dispose()).catch(() => {});
        await page.context().close();
      }
    });
  });
});
