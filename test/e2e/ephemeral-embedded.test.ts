/**
 * Short-lived SIP credentials renewed mid-call on the embedded SIP server, as `npm start` runs it:
 * the console emulator's `SwitchboardCredentials.mint` (Open CTI runApex) → the real connector in
 * the Lightning console → the embedded server with the same secret (ephemeralSecret).
 *
 * Credentials live TTL_SECONDS and the server grants each registration at most
 * REGISTRATION_SECONDS, so sip.js refreshes its registration during the call, and one refresh
 * lands after the first credential has expired: the server answers an expired credential with
 * 403, so its accepting that refresh proves the renewal reached the wire before it was needed. The
 * agent notices nothing: the call stays up with audio both ways, and it is logged once. The
 * expired credential itself is then refused.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { SipWsClient } from '../telephony/sip-ws-client.ts';
import { startConsole, STRICT_CHROMIUM_ARGS, DEMO, type RunningConsole } from '../../src/node/console/index.ts';
import { demoSipSecret, DEMO_AGENTS, DEMO_SIP_DOMAIN } from '../../src/node/demo/demo-phone-system.ts';
import { startSipServer, type SipServer } from '../../src/node/sip-server/index.ts';
import { mintEphemeral } from '../support/kamailio.ts';
import { waitUntil } from './harness.ts';
import { customerCallsAgent, expiryOf, hangUpAndLogOnce, mints, openConsole, registers, waitAudio, type OpenedConsole } from './ephemeral-support.ts';

const SECRET = demoSipSecret();
const TTL_SECONDS = 10;
const REGISTRATION_SECONDS = 6;
const AGENT = DEMO.agent;
const CALLER = DEMO.uniqueContact.e164;

describe(
  'short-lived SIP credentials renewed mid-call: console emulator mint → connector → embedded SIP server',
  { concurrency: false, timeout: 150_000 },
  () => {
    let sip: SipServer;
    let app: RunningConsole;
    let browser: Browser;
    let agent: OpenedConsole;
    let first: { authUser: string; expiresAt: number } | undefined;
    const refused: string[] = [];

    before(async () => {
      sip = await startSipServer({
        ephemeralSecret: SECRET,
        domain: DEMO_SIP_DOMAIN,
        users: DEMO_AGENTS.map(({ username, password, displayName }) => ({ username, password, displayName })),
        guests: [CALLER],
        maxExpires: REGISTRATION_SECONDS,
      });
      sip.on('auth-failed', (e) => refused.push(`${e.method} ${e.username ?? '?'}: ${e.reason}`));
      app = await startConsole({
        dbFile: ':memory:',
        sipServer: sip.url,
        sipDomain: DEMO_SIP_DOMAIN,
        strictOrigins: true,
        sipSecret: SECRET,
        credentialTtlSeconds: TTL_SECONDS,
      });
      browser = await launchChromium(STRICT_CHROMIUM_ARGS);
    });

    after(async () => {
      await browser?.close().catch(() => {});
      await app?.close().catch(() => {});
      await sip?.close().catch(() => {});
    });

    test('a call stays up across the renewal; the refresh after the first credential expired carries a new one; one Task', { timeout: 100_000 }, async () => {
      agent = await openConsole(browser, app, sip.url);
      await waitUntil(
        async () => sip.registrations(AGENT.extension).length > 0 && registers(agent.sip).some((r) => r.status === 200 && r.authUser !== undefined),
        30_000,
        `${AGENT.extension} registered, and the page has the answer`,
      );
      const accepted = registers(agent.sip).filter((r) => r.status === 200 && r.authUser !== undefined);
      assert.ok(accepted.length > 0, `an authenticated REGISTER was accepted: ${JSON.stringify(registers(agent.sip))}`);
      const authUser = accepted[0]!.authUser!;
      assert.match(authUser, new RegExp(`^\\d+:${AGENT.extension}$`), 'the digest user name is <expiry>:<extension>');
      first = { authUser, expiresAt: expiryOf(authUser) };
      assert.equal(await agent.phone.getByLabel('Password').count(), 0, 'the panel asks for no password');

      const inProgress = await customerCallsAgent(browser, app, agent, { wsUrl: sip.url, domain: DEMO_SIP_DOMAIN, caller: CALLER, extension: AGENT.extension });
      const { customer, hangUp } = inProgress;

      const expiredAt = first.expiresAt;
      await waitUntil(
        () =>
          Date.now() / 1000 > expiredAt + 1 &&
          registers(agent.sip).some((r) => r.status === 200 && r.authUser !== undefined && r.at > expiredAt * 1000 && r.authUser !== first!.authUser),
        (TTL_SECONDS + REGISTRATION_SECONDS + 10) * 1000,
        'a REGISTER refresh after the first credential expired is accepted',
      );
      const after = registers(agent.sip).filter((r) => r.at > expiredAt * 1000 && r.authUser !== undefined);
      assert.ok(
        after.every((r) => r.authUser !== first!.authUser),
        `no REGISTER after the expiry carried the expired credential: ${JSON.stringify(after)}`,
      );
      assert.ok(expiryOf(after[0]!.authUser!) > expiredAt, 'the renewed credential outlives the first');
      assert.deepEqual(refused, [], 'the server refused nothing the console sent');
      const minted = mints(app);
      assert.ok(minted.filter((m) => m.at < expiredAt * 1000).length >= 2, 'SwitchboardCredentials.mint was called again before the first credential expired');

      // The agent noticed nothing: the call is up with audio both ways, the panel still connected.
      assert.ok(await hangUp.isVisible(), "the agent's call is still up");
      await Promise.all([waitAudio(agent.softphone(), 'the agent, after the renewal'), waitAudio(customer.mainFrame(), 'the customer, after the renewal')]);
      await agent.phone.getByRole('status', { name: 'Connection' }).filter({ hasText: 'Connected' }).waitFor({ timeout: 1000 });

      const task = await hangUpAndLogOnce(app, agent, inProgress);
      assert.ok(Number(task.CallDurationInSeconds) >= TTL_SECONDS / 2, 'the call lasted through the renewal');
      await inProgress.context.close();
    });

    test('the first credential, now expired, is refused by the embedded server', { timeout: 15_000 }, async () => {
      assert.ok(first && Date.now() / 1000 > first.expiresAt, 'the first credential has expired (previous test)');
      const client = await SipWsClient.connect(sip.url, DEMO_SIP_DOMAIN);
      try {
        const again = mintEphemeral(SECRET, AGENT.extension, first.expiresAt);
        assert.equal(again.username, first.authUser);
        const reply = await client.request('REGISTER', { user: AGENT.extension, authUser: again.username, password: again.password });
        assert.deepEqual([reply.status, reply.reason], [403, 'Credential expired']);
      } finally {
        await client.close();
      }
    });
  },
);
