// Renewing SIP credentials on a live registration (what short-lived credentials need): real
// Chromium, real sip.js, the embedded SIP server. The server's password for 1001 changes mid-call,
// as an expired short-lived credential would stop working; the adapter gets the new one through
// TelephonyPort.updateCredentials. REGISTER and PUBLISH must then authenticate with it, and the
// call in progress must go on untouched: no unregister, no reconnect, no `ended`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { startSipServer, type SipServer } from '../../src/node/sip-server/index.ts';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { Agent, poll, type PhoneServer } from './agents.ts';
import { DIST } from './scenarios.ts';

const OLD = 'first-credential';
const NEW = 'renewed-credential';

describe('SIP adapter: credentials renewed on a live registration', { timeout: 90_000 }, () => {
  let browser: Browser;
  let web: StaticServer;
  let server: SipServer;
  let agent: Agent, caller: Agent;
  const authFailures: { method: string; username: string | undefined; reason: string }[] = [];
  /**
   * Refusals that mean a wrong credential. sip.js re-sends the last digest answer on every REGISTER
   * refresh; the server refuses it as `replayed` and challenges afresh, whatever the credential.
   */
  const wrongCredential = (f: { reason: string }) => f.reason !== 'replayed';
  /** REGISTERs of 1001 the server accepted (first ones and refreshes). */
  let accepted = 0;

  before(async () => {
    [web, server] = await Promise.all([
      serveStatic(DIST),
      startSipServer({
        host: '127.0.0.1',
        domain: '127.0.0.1',
        port: 0,
        users: [
          { username: '1001', password: OLD },
          { username: '1002', password: 'secret' },
        ],
      }),
    ]);
    server.on('auth-failed', (f) => authFailures.push({ method: f.method, username: f.username, reason: f.reason }));
    server.on('registered', (r) => {
      if (/\b1001@/.test(r.aor)) accepted++;
    });
    const phone: PhoneServer = {
      name: 'embedded',
      wsUrl: server.url,
      domain: server.domain,
      passwordOf: (user) => (user === '1001' ? OLD : 'secret'),
      restart: () => Promise.reject(new Error('not used')),
      stop: () => server.close(),
    };
    browser = await launchChromium();
    [agent, caller] = await Promise.all([Agent.open(browser, web.url, phone, '1001'), Agent.open(browser, web.url, phone, '1002')]);
  });

  after(async () => {
    await Promise.all([agent, caller].map((x) => x?.close().catch(() => {})));
    await browser?.close();
    await web?.close();
    await server?.close();
  });

  /** Makes the registration keeper send a REGISTER now (it re-registers when the browser comes back online). */
  const reRegister = () => agent.page.evaluate(() => window.dispatchEvent(new Event('online')));

  it('REGISTER and PUBLISH use the renewed credential; the call in progress goes on', { timeout: 60_000 }, async () => {
    await Promise.all([agent.waitEvent('registration', 'registered'), caller.waitEvent('registration', 'registered')]);
    const since = await agent.mark();
    const out = await caller.dial('1001');
    const { callId } = await agent.waitIncoming(since);
    await agent.command('answer', callId);
    await Promise.all([agent.waitEvent('established', callId), caller.waitEvent('established', out)]);
    await Promise.all([agent.waitAudio(callId), caller.waitAudio(out)]);

    // The phone system stops taking the old credential (it expired): the next REGISTER fails with it.
    server.setUsers([
      { username: '1001', password: NEW },
      { username: '1002', password: 'secret' },
    ]);
    const beforeRefusal = await agent.mark();
    await reRegister();
    await agent.waitEvent('registration', 'failed', beforeRefusal);
    assert.ok(
      authFailures.some((f) => f.method === 'REGISTER' && f.username === '1001'),
      'the server refused the old credential',
    );

    // The renewed credential: the failed registration comes back without touching the call.
    await assert.rejects(
      agent.page.evaluate(() => window.harness.telephony.updateCredentials({ username: '1003', password: 'x' })),
      /not 1003/,
    );
    const beforeRenewal = await agent.mark();
    const failuresBefore = authFailures.length;
    const acceptedBefore = accepted;
    await agent.page.evaluate((password) => window.harness.telephony.updateCredentials({ username: '1001', password }), NEW);
    await agent.waitEvent('registration', 'registered', beforeRenewal);
    assert.equal(accepted, acceptedBefore + 1, 'the server accepted a REGISTER with the renewed credential');

    // A refresh of a live registration, and a PUBLISH (challenged with 407), both with the new one.
    const beforeRefresh = await agent.mark();
    await reRegister();
    await poll(async () => accepted === acceptedBefore + 2, 5000, 'the server accepted the refresh REGISTER');
    await agent.page.evaluate(() => window.harness.telephony.publishPresence('available'));
    await poll(async () => server.presenceOf('1001')?.basic === 'open', 5000, 'the server holds 1001 as open (PUBLISH authenticated)');
    assert.deepEqual(authFailures.slice(failuresBefore).filter(wrongCredential), [], 'no credential was refused after the renewal');

    const events = await agent.events();
    assert.ok(
      !events.slice(beforeRefresh).some((e) => e.event === 'registration' && (e.args[0] as { state: string }).state !== 'registered'),
      'still registered',
    );
    assert.ok(
      !events.some((e) => e.event === 'registration' && (e.args[0] as { state: string }).state === 'unregistered' && e !== events[0]),
      'never unregistered',
    );
    assert.ok(!events.some((e) => e.event === 'ended' && e.args[0] === callId), 'the call never ended');
    await Promise.all([agent.waitAudio(callId), caller.waitAudio(out)]);

    await agent.command('hangup', callId);
    await Promise.all([agent.waitEvent('ended', callId), caller.waitEvent('ended', out)]);
  });
});

describe('SIP adapter: short-lived credentials renewed mid-call (embedded server with a shared secret)', { timeout: 90_000 }, () => {
  const SECRET = 'a-secret-shared-with-salesforce';
  let browser: Browser;
  let web: StaticServer;
  let server: SipServer;
  let agent: Agent, caller: Agent;
  const refusals: { method: string; username: string | undefined; reason: string }[] = [];

  /** What SwitchboardCredentials.mint hands out (Kamailio auth_ephemeral, username_format=1). */
  const mint = (extension: string, expiresAt: number) => {
    const username = `${expiresAt}:${extension}`;
    return { username, password: createHmac('sha1', SECRET).update(username).digest('base64') };
  };
  let first: { username: string; password: string };

  before(async () => {
    [web, server] = await Promise.all([
      serveStatic(DIST),
      startSipServer({ host: '127.0.0.1', domain: '127.0.0.1', port: 0, users: [{ username: '1002', password: 'secret' }], ephemeralSecret: SECRET }),
    ]);
    server.on('auth-failed', (f) => refusals.push(f));
    const phone: PhoneServer = {
      name: 'embedded-ephemeral',
      wsUrl: server.url,
      domain: server.domain,
      passwordOf: (user) => (user === '1003' ? first.password : 'secret'),
      restart: () => Promise.reject(new Error('not used')),
      stop: () => server.close(),
    };
    browser = await launchChromium();
    // Expires a few seconds from now, so the test can watch the phone system refuse it.
    first = mint('1003', Math.floor(Date.now() / 1000) + 15);
    [agent, caller] = await Promise.all([
      Agent.open(browser, web.url, phone, '1003', { authorizationUsername: first.username }),
      Agent.open(browser, web.url, phone, '1002'),
    ]);
  });

  after(async () => {
    await Promise.all([agent, caller].map((x) => x?.close().catch(() => {})));
    await browser?.close();
    await web?.close();
    await server?.close();
  });

  const reRegister = () => agent.page.evaluate(() => window.dispatchEvent(new Event('online')));

  it('an expired credential is refused; the renewed one registers again and the call goes on', { timeout: 60_000 }, async () => {
    await Promise.all([agent.waitEvent('registration', 'registered'), caller.waitEvent('registration', 'registered')]);
    const since = await agent.mark();
    const out = await caller.dial('1003');
    const { callId } = await agent.waitIncoming(since);
    await agent.command('answer', callId);
    await Promise.all([agent.waitEvent('established', callId), caller.waitEvent('established', out)]);
    await Promise.all([agent.waitAudio(callId), caller.waitAudio(out)]);

    // Past the first credential's expiry, a REGISTER refresh with it is refused (403).
    const expiry = Number(first.username.split(':')[0]) * 1000;
    await poll(async () => Date.now() > expiry + 250, 30_000, 'the first credential expired');
    const beforeRefusal = await agent.mark();
    await reRegister();
    await agent.waitEvent('registration', 'failed', beforeRefusal);
    assert.ok(
      refusals.some((r) => r.method === 'REGISTER' && r.username === first.username && r.reason === 'expired'),
      'the phone system refused the expired credential',
    );

    // The renewed credential: the registration comes back, the old digest answer is not sent again.
    const renewed = mint('1003', Math.floor(Date.now() / 1000) + 3600);
    const refusedBefore = refusals.length;
    const beforeRenewal = await agent.mark();
    await agent.page.evaluate(
      (c) => window.harness.telephony.updateCredentials({ username: '1003', authorizationUsername: c.username, password: c.password }),
      renewed,
    );
    await agent.waitEvent('registration', 'registered', beforeRenewal);
    await agent.page.evaluate(() => window.harness.telephony.publishPresence('available'));
    await poll(async () => server.presenceOf('1003')?.basic === 'open', 5000, 'PUBLISH authenticated with the renewed credential');
    assert.deepEqual(
      refusals.slice(refusedBefore).filter((f) => f.reason !== 'replayed'),
      [],
      'no credential refused after the renewal',
    );

    const events = await agent.events();
    assert.ok(!events.some((e) => e.event === 'ended' && e.args[0] === callId), 'the call never ended');
    await Promise.all([agent.waitAudio(callId), caller.waitAudio(out)]);
    await agent.command('hangup', callId);
    await Promise.all([agent.waitEvent('ended', callId), caller.waitEvent('ended', out)]);
  });
});
