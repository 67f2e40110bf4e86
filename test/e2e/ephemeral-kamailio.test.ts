/**
 * Short-lived SIP credentials through the whole stack, on the reference phone system: the console
 * emulator's `SwitchboardCredentials.mint` (the Apex endpoint) → the real connector in the
 * Lightning console (call center credentialScheme=ephemeral, no password anywhere) → Kamailio with
 * auth_ephemeral and the same secret.
 *
 * Credentials live TTL_SECONDS, so the connector renews them during a call; Kamailio grants each
 * registration only REGISTRATION_SECONDS, so sip.js sends its own REGISTER refreshes within the
 * test, and one of them lands after the first credential has expired: Kamailio answers an expired
 * credential with a final 403, so its accepting that refresh proves the renewal reached the wire.
 * A second emulator whose secret differs from Kamailio's shows what an agent sees when the phone
 * system refuses Salesforce's credentials: an error, a sign-in button, and no retry loop.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { mintEphemeral, startKamailio, type KamailioHandle } from '../support/kamailio.ts';
import { SipWsClient } from '../telephony/sip-ws-client.ts';
import { startConsole, STRICT_CHROMIUM_ARGS, DEMO, type RunningConsole } from '../../src/node/console/index.ts';
import { waitUntil } from './harness.ts';
import { customerCallsAgent, expiryOf, hangUpAndLogOnce, mints, openConsole, registers, waitAudio, type OpenedConsole } from './ephemeral-support.ts';

const SECRET = randomBytes(24).toString('hex');
/** The console emulator accepts any positive TTL; the connector renews at half of one this short. */
const TTL_SECONDS = 10;
/** Shorter than the TTL, so a REGISTER refresh falls after the first credential's expiry. */
const REGISTRATION_SECONDS = 6;
/** Maria Lopez's number (a unique match in the demo org); a users-file user, as a desk phone would be. */
const CALLER = { username: DEMO.uniqueContact.e164, password: `caller-${randomBytes(6).toString('hex')}` };
const AGENT = DEMO.agent;

/** Kamailio's binding of `aor` (usrloc): the CSeq and time of the REGISTER it last accepted for it. */
async function bindingOf(kamailio: KamailioHandle, aor: string): Promise<{ cseq: number; lastModified: number } | undefined> {
  const dump = await kamailio.kamcmd('ul.dump');
  const m = new RegExp(`AoR: ${aor.replace(/[+]/g, '\\+')}\\s[\\s\\S]*?CSeq: (\\d+)[\\s\\S]*?Last-Modified: (\\d+)`).exec(dump);
  return m ? { cseq: Number(m[1]), lastModified: Number(m[2]) } : undefined;
}

describe('short-lived SIP credentials: console emulator mint → connector → Kamailio (auth_ephemeral)', { concurrency: false, timeout: 180_000 }, () => {
  let kamailio: KamailioHandle;
  let app: RunningConsole;
  let browser: Browser;
  let agent: OpenedConsole;
  /** The credential the console signed in with. */
  let first: { authUser: string; expiresAt: number };

  before(async () => {
    kamailio = await startKamailio({ ephemeralSecret: SECRET, users: [CALLER], registrationSeconds: REGISTRATION_SECONDS });
    app = await startConsole({
      dbFile: ':memory:',
      sipServer: kamailio.wsUrl,
      sipDomain: kamailio.domain,
      strictOrigins: true,
      sipSecret: SECRET,
      credentialTtlSeconds: TTL_SECONDS,
    });
    browser = await launchChromium(STRICT_CHROMIUM_ARGS);
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await app?.close().catch(() => {});
    await kamailio?.stop();
  });

  const why = (): string =>
    `Kamailio log:\n${kamailio
      .log()
      .split('\n')
      .filter((l) => /auth|ERROR|WARN/i.test(l))
      .slice(-15)
      .join('\n')}\nREGISTERs: ${JSON.stringify(agent ? registers(agent.sip) : [])}`;

  test("Ada's console registers 1001 on Kamailio with a credential the emulator minted; no password anywhere", { timeout: 45_000 }, async () => {
    const center = app.data.callCenters().find((c) => app.data.callCenterSettings(c.Id)['/reqGeneralInfo/reqInternalName'] === DEMO.callCenter.internalName);
    assert.ok(center, 'the demo call center exists');
    const settings = app.data.callCenterSettings(center.Id);
    assert.equal(settings['/switchboard/credentialScheme'], 'ephemeral');
    assert.equal(settings['/switchboard/sipWebSocketUrl'], kamailio.wsUrl);
    assert.deepEqual(
      Object.keys(settings).filter((k) => /password/i.test(k)),
      [],
      'the call center holds no SIP password',
    );

    agent = await openConsole(browser, app, kamailio.wsUrl);
    await waitUntil(async () => (await kamailio.registeredUsers()).includes(AGENT.extension), 30_000, `${AGENT.extension} registered on Kamailio`).catch(
      (e: Error) => {
        throw new Error(`${e.message}\n${why()}`);
      },
    );
    await agent.phone.getByRole('status', { name: 'Connection' }).filter({ hasText: 'Connected' }).waitFor({ timeout: 10_000 });
    assert.equal(await agent.phone.getByLabel('Password').count(), 0, 'the panel asks for no password');

    const accepted = registers(agent.sip).filter((r) => r.status === 200 && r.authUser !== undefined);
    assert.ok(accepted.length > 0, `an authenticated REGISTER was accepted\n${why()}`);
    const authUser = accepted[0]!.authUser!;
    assert.match(authUser, new RegExp(`^\\d+:${AGENT.extension}$`), 'the digest user name is <expiry>:<extension>');
    const expiresAt = expiryOf(authUser);
    const now = Date.now() / 1000;
    assert.ok(expiresAt > now && expiresAt <= now + TTL_SECONDS + 1, `minted for ${TTL_SECONDS} s (expires ${expiresAt}, now ${Math.floor(now)})`);
    assert.ok(mints(app).length >= 1, 'the connector called SwitchboardCredentials.mint through runApex');
    first = { authUser, expiresAt };
  });

  test(
    'a call stays up across the renewal; the REGISTER refresh after the first credential expired uses the new one; one Task is logged',
    { timeout: 90_000 },
    async () => {
      assert.ok(first, 'signed in (previous test)');
      const inProgress = await customerCallsAgent(browser, app, agent, {
        wsUrl: kamailio.wsUrl,
        domain: kamailio.domain,
        caller: CALLER.username,
        password: CALLER.password,
        extension: AGENT.extension,
      });
      const { customer, hangUp } = inProgress;

      // Past the first credential's expiry, until Kamailio has accepted a REGISTER refresh: by then
      // only a renewed credential can have passed auth_ephemeral.
      const expiredAt = first.expiresAt;
      await waitUntil(
        async () => {
          const binding = await bindingOf(kamailio, AGENT.extension);
          return Date.now() / 1000 > expiredAt + 1 && binding !== undefined && binding.lastModified > expiredAt;
        },
        (TTL_SECONDS + REGISTRATION_SECONDS + 10) * 1000,
        'Kamailio accepts a REGISTER refresh of 1001 after the first credential expired',
      ).catch((e: Error) => {
        throw new Error(`${e.message}\n${why()}`);
      });
      const binding = (await bindingOf(kamailio, AGENT.extension))!;
      const all = registers(agent.sip);
      const refresh = all.find((r) => r.cseq === binding.cseq && r.status === 200);
      assert.ok(refresh?.authUser, `Kamailio's binding (CSeq ${binding.cseq}) is from an authenticated REGISTER the console sent\n${why()}`);
      assert.notEqual(refresh.authUser, first.authUser, 'the refresh carries a renewed credential');
      assert.match(refresh.authUser, new RegExp(`^\\d+:${AGENT.extension}$`));
      assert.ok(expiryOf(refresh.authUser) > expiredAt, 'the renewed credential outlives the first');
      // The renewal came from the Apex endpoint, before the first credential ran out.
      const minted = mints(app);
      assert.ok(
        minted.every((m) => m.success === true),
        'every mint succeeded',
      );
      const beforeExpiry = minted.filter((m) => m.at < expiredAt * 1000);
      assert.ok(
        beforeExpiry.length >= 2,
        `SwitchboardCredentials.mint was called again before the first credential expired (${beforeExpiry.length} mints by then)`,
      );
      assert.ok(beforeExpiry[1]!.at - beforeExpiry[0]!.at >= 5000, 'the renewal waited for part of the lifetime (no minting storm)');
      assert.ok(
        all.some((r) => r.status === 200 && r.authUser !== undefined && r.authUser !== first.authUser && r.at < expiredAt * 1000),
        `a REGISTER refresh with a renewed credential was accepted before the first one expired\n${why()}`,
      );
      assert.doesNotMatch(kamailio.log(), new RegExp(`expired credential \\d+:${AGENT.extension}\\b`), 'the console never sent an expired credential');

      // The call went on untouched: still up on both sides, audio still flowing.
      assert.ok(await hangUp.isVisible(), "the agent's call is still up");
      await customer.getByRole('status').filter({ hasText: 'connected' }).waitFor({ timeout: 1000 });
      await Promise.all([waitAudio(agent.softphone(), 'the agent, after the renewal'), waitAudio(customer.mainFrame(), 'the customer, after the renewal')]);
      await agent.phone.getByRole('status', { name: 'Connection' }).filter({ hasText: 'Connected' }).waitFor({ timeout: 1000 });

      const task = await hangUpAndLogOnce(app, agent, inProgress);
      assert.equal(task.OwnerId, AGENT.id, "Ada's Task");
      assert.equal(task.WhoId, DEMO.uniqueContact.id, 'related to the caller, Maria Lopez');
      assert.equal(task.CallType, 'Inbound');
      assert.ok(Number(task.CallDurationInSeconds) >= TTL_SECONDS / 2, `the call lasted through the renewal (${String(task.CallDurationInSeconds)} s)`);
      await inProgress.context.close();
    },
  );

  test('the first credential, now expired, is refused by Kamailio with a final 403', { timeout: 15_000 }, async () => {
    assert.ok(first && Date.now() / 1000 > first.expiresAt, 'the first credential has expired (previous test)');
    const client = await SipWsClient.connect(kamailio.wsUrl, kamailio.domain);
    try {
      // The same credential the emulator minted: the test holds the secret, so it can recompute the password.
      const again = mintEphemeral(SECRET, AGENT.extension, first.expiresAt);
      assert.equal(again.username, first.authUser);
      const reply = await client.request('REGISTER', { user: AGENT.extension, authUser: again.username, password: again.password });
      assert.deepEqual([reply.status, reply.reason], [403, 'Credential expired'], why());
    } finally {
      await client.close();
    }
  });

  test("an emulator whose secret differs from Kamailio's: the panel shows the refusal, offers to sign in, and stops trying", { timeout: 45_000 }, async () => {
    const other = await startConsole({
      dbFile: ':memory:',
      sipServer: kamailio.wsUrl,
      sipDomain: kamailio.domain,
      strictOrigins: true,
      sipSecret: randomBytes(24).toString('hex'),
      credentialTtlSeconds: TTL_SECONDS,
    });
    const bob = await openConsole(browser, other, kamailio.wsUrl, DEMO.secondAgent.username);
    try {
      const alert = bob.phone.getByRole('alert');
      await alert.waitFor({ timeout: 20_000 });
      const message = (await alert.innerText()).trim();
      const status = (await bob.phone.getByRole('status', { name: 'Connection' }).innerText()).trim();
      // auth_ephemeral answers an HMAC it cannot verify with a new challenge, which sip.js takes as final.
      assert.match(message, /phone system failed.*\b401\b/s, `the error names the phone system's refusal: "${message}"`);
      assert.match(status, /failed.*\b401\b/, `the connection status says it failed: "${status}"`);
      const signIn = bob.phone.getByRole('button', { name: 'Sign in' });
      await signIn.waitFor({ timeout: 5000 });
      assert.ok(await signIn.isEnabled(), 'the sign-in button is offered, not a spinner');

      const tries = registers(bob.sip);
      assert.ok(
        tries.length > 0 && tries.every((r) => r.status === undefined || r.status === 401 || r.status === 403),
        `every REGISTER was refused: ${JSON.stringify(tries)}`,
      );
      // A retry would come within 2 s (mint retry) or 0.5 s (registration backoff); 6 s covers several.
      await new Promise((r) => setTimeout(r, 6000));
      assert.equal(registers(bob.sip).length, tries.length, 'no further REGISTER after the refusal (no retry loop)');
      assert.ok(!(await kamailio.registeredUsers()).includes(DEMO.secondAgent.extension), `${DEMO.secondAgent.extension} is not registered`);
      assert.equal(await alert.isVisible(), true, 'the error stays on screen');
    } finally {
      await bob.context.close();
      await other.close();
    }
  });
});
