/**
 * Presence reaches the phone system, and the phone system's view reaches colleagues: the real
 * connector in two Lightning consoles (Ada 1001, Bob 1002, both in the support line's ring group),
 * on the embedded SIP server and on Kamailio (deploy/kamailio with auth_ephemeral and ring groups).
 * - Bob picks Away in his panel: the phone system stops offering him the ring group's calls (Ada's
 *   console rings, Bob's does not), and Ada's transfer directory shows Bob "Away", not "Available".
 * - Bob is Available again: the lamp says so.
 * - Bob's browser closes without signing out (embedded server): the phone system drops him at once,
 *   and Ada's lamp says "Offline". Kamailio keeps a closed browser's last publication until it
 *   expires (README "Presence"), so that step runs on the embedded server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { DEMO, STRICT_CHROMIUM_ARGS, startConsole, type RunningConsole } from '../../src/node/console/index.ts';
import { DEMO_SUPPORT_NUMBER } from '../../src/node/demo/demo-phone-system.ts';
import { launchChromium } from '../support/chromium.ts';
import { openCustomerPhone, waitUntil } from './harness.ts';
import { embeddedPhoneSystem, kamailioPhoneSystem, openConsoleOn, type PhoneSystem } from './phone-systems.ts';

const ADA = DEMO.agent;
const BOB = DEMO.secondAgent;
const CALLER = DEMO.uniqueContact.e164;
const GROUP = DEMO_SUPPORT_NUMBER;

/** A phone system, and which of the ring group's members it offered calls to so far. */
interface Watched {
  readonly system: PhoneSystem;
  offered(): Promise<string[]>;
}

async function embedded(): Promise<Watched> {
  const system = await embeddedPhoneSystem({ callers: [CALLER], ringGroups: { [GROUP]: [ADA.extension, BOB.extension] } });
  const offered = new Set<string>();
  system.sip.on('invite-forwarded', (e) => {
    if (e.ringGroup !== undefined) for (const t of e.targets) offered.add(t.replace(/^sip:([^@]+)@.*$/, '$1'));
  });
  return { system, offered: async () => [...offered] };
}

async function kamailio(): Promise<Watched> {
  const system = await kamailioPhoneSystem({ callers: [CALLER], ringGroups: { [GROUP]: [ADA.extension, BOB.extension] } });
  // Kamailio logs each member it leaves out (route[RINGGROUP]); the others were offered the call.
  const offered = async () => [ADA.extension, BOB.extension].filter((m) => !system.kamailio.log().includes(`ring group ${GROUP}: ${m} is not available`));
  return { system, offered };
}

for (const start of [embedded, kamailio]) {
  describe(`presence between the consoles and the phone system (${start.name})`, { concurrency: false, timeout: 240_000 }, () => {
    let watched: Watched;
    let system: PhoneSystem;
    let app: RunningConsole;
    let browser: Browser;
    let ada: { page: Page; phone: FrameLocator };
    let bob: { context: BrowserContext; phone: FrameLocator };
    let customer: Page;

    before(
      async () => {
        watched = await start();
        system = watched.system;
        app = await startConsole({ dbFile: ':memory:', sipServer: system.wsUrl, sipDomain: system.domain, strictOrigins: true, sipSecret: system.secret });
        browser = await launchChromium(STRICT_CHROMIUM_ARGS);
        ada = await openConsoleOn(browser, app, system, ADA.username, ADA.extension);
        bob = await openConsoleOn(browser, app, system, BOB.username, BOB.extension);
        customer = await openCustomerPhone({ browser, console: app, sip: { url: system.wsUrl } }, CALLER, {
          dial: GROUP,
          domain: system.domain,
          ...(system.callerPassword ? { password: system.callerPassword } : {}),
        });
      },
      { timeout: 120_000 },
    );
    after(async () => {
      await browser?.close().catch(() => {});
      await app?.close().catch(() => {});
      await system?.close().catch(() => {});
    });

    const ringing = (phone: FrameLocator) => phone.getByRole('article').filter({ has: phone.getByRole('button', { name: 'Answer' }) });
    const bobsLamp = () => ada.phone.getByRole('list', { name: 'Directory' }).getByRole('listitem').filter({ hasText: BOB.extension }).getByRole('img');
    const lampSays = async (label: string, timeoutMs = 15_000) =>
      waitUntil(
        async () =>
          (await bobsLamp()
            .getAttribute('aria-label', { timeout: 1000 })
            .catch(() => null)) === label,
        timeoutMs,
        `Bob's lamp says ${label}`,
      );

    test('Away in the panel: the ring group offers Bob no call, and Ada sees Bob "Away", then "Available" again', async () => {
      await bob.phone.getByRole('combobox', { name: 'Status' }).selectOption('away:Break');
      // The phone system has it before the next call: Kamailio checks the published presence.
      await new Promise((r) => setTimeout(r, 1000));
      await customer.getByRole('button', { name: 'Call', exact: true }).click();
      await ringing(ada.phone).first().waitFor({ timeout: 15_000 });
      // Bob's console would ring within the same moment as Ada's: give it a second.
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(await ringing(bob.phone).count(), 0, "Bob's console does not ring while he is Away");
      const offered = await watched.offered();
      assert.ok(offered.includes(ADA.extension), `Ada was offered the call: ${offered.join(', ')}`);
      assert.ok(!offered.includes(BOB.extension), `the phone system left Bob out: ${offered.join(', ')}`);

      await ringing(ada.phone).first().getByRole('button', { name: 'Answer' }).click();
      await ada.phone.getByRole('button', { name: 'Transfer', exact: true }).click();
      await lampSays('Away');
      await bob.phone.getByRole('combobox', { name: 'Status' }).selectOption('available');
      await lampSays('Available');
    });

    // Kamailio keeps a closed browser's last publication until it expires (README "Presence").
    if (start === embedded) {
      test('Bob closes his browser without signing out: Ada sees him "Offline"', async () => {
        await bob.context.close();
        await lampSays('Offline', 20_000);
        assert.equal(await system.registered(BOB.extension), false, 'the phone system dropped Bob');
      });
    }
  });
}
