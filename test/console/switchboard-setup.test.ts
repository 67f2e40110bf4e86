/**
 * Setup > Switchboard in the console emulator, as an admin uses it: the demo call center's
 * connector settings as a form; a live connection test from the admin's browser against the
 * embedded SIP server (passes, with its round trip) and against a port nothing listens on (fails,
 * naming the likely causes); a bad value refused with exactly the message `callcenter lint` gives
 * for it; a good one saved, and what the softphone will read.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { checkItemValue, SWITCHBOARD_ITEMS } from '../../src/core/index.ts';
import { DEMO } from '../../src/node/console/seed/index.ts';
import { DEMO_SIP_DOMAIN } from '../../src/node/demo/demo-phone-system.ts';
import { CALLERS, openAgentConsole, openCustomerPhone, startHarness, waitRegistered, waitUntil, type Harness } from '../e2e/harness.ts';
import { freePort } from '../support/ports.ts';

describe('Setup > Switchboard', { concurrency: false, timeout: 120_000 }, () => {
  let h: Harness;
  let page: Page;
  let callCenterId: string;

  before(
    async () => {
      h = await startHarness();
      callCenterId = h.console.data.callCenters()[0]!.Id;
      const context = await h.browser.newContext({ ignoreHTTPSErrors: true });
      page = await context.newPage();
      await page.goto(`${h.console.lightningOrigin}/lightning/setup/Switchboard/home`);
      await page.getByRole('form', { name: 'Switchboard settings' }).waitFor({ timeout: 20_000 });
    },
    { timeout: 60_000 },
  );
  after(async () => h?.close());

  const field = (label: string) => page.getByLabel(label, { exact: true });
  const settings = () => h.console.data.callCenterSettings(callCenterId);

  test("the form shows the call center's connector settings", { timeout: 30_000 }, async () => {
    assert.equal(await field('* SIP WebSocket URL').inputValue(), settings()['/switchboard/sipWebSocketUrl']);
    assert.equal(await field('* SIP Domain').inputValue(), settings()['/switchboard/sipDomain']);
    assert.equal((await page.getByRole('form', { name: 'Switchboard settings' }).getByRole('textbox').count()) > 5, true);
  });

  test('the connection test reaches the embedded SIP server from the browser, and names the causes when nothing listens', { timeout: 30_000 }, async () => {
    await page.getByRole('button', { name: 'Test connection' }).click({ timeout: 10_000 });
    const ok = page.getByRole('status').filter({ hasText: /^Connected:/ });
    await ok.waitFor({ timeout: 10_000 }).catch(async (e: unknown) => {
      throw new Error(`no Connected status; the page says: ${(await page.locator('main, body').first().innerText()).slice(0, 1500)}`, { cause: e });
    });
    assert.match(await ok.innerText(), /^Connected: the WebSocket opened and the SIP server answered OPTIONS with 200 OK in \d+ ms\.$/);

    const original = await field('* SIP WebSocket URL').inputValue();
    const dead = `ws://127.0.0.1:${await freePort()}/`;
    await field('* SIP WebSocket URL').fill(dead);
    await page.getByRole('button', { name: 'Test connection' }).click();
    const failed = page.getByRole('alert').filter({ hasText: /^Connection test failed:/ });
    await failed.waitFor({ timeout: 10_000 });
    assert.match(
      await failed.innerText(),
      new RegExp(`could not open a WebSocket to ${dead.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\. .*nothing listens on that host and port`),
    );
    await field('* SIP WebSocket URL').fill(original);
  });

  test("a bad value is refused with the linter's own rule and message; a good one is saved for the softphone", { timeout: 30_000 }, async () => {
    const spec = SWITCHBOARD_ITEMS.find((s) => s.name === 'wrapUpSeconds')!;
    await field('Wrap-Up Time Limit (s)').fill('ninety');
    await page.getByRole('button', { name: 'Save' }).click();
    const problem = page.locator('#sb-wrapUpSeconds-problems').getByRole('alert');
    await problem.waitFor({ timeout: 10_000 });
    assert.match(
      await problem.innerText(),
      new RegExp(`^error switchboard-item-invalid: ${checkItemValue(spec, 'ninety')!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} `),
    );
    assert.notEqual(settings()['/switchboard/wrapUpSeconds'], 'ninety', 'nothing saved');

    await field('Wrap-Up Time Limit (s)').fill('45');
    await field('Screen Pop Timing').selectOption('answer');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor({ timeout: 10_000 });
    assert.equal(settings()['/switchboard/wrapUpSeconds'], '45');
    assert.equal(settings()['/switchboard/popTiming'], 'answer');
  });

  test("an admin sets up a call center from nothing, assigns a user, and that user's console rings on a test call", { timeout: 90_000 }, async () => {
    const cara = DEMO.thirdAgent;
    await page.getByLabel('Internal Name', { exact: true }).fill('Support West');
    await page.getByRole('button', { name: 'Create' }).click();
    await page
      .getByRole('form', { name: 'New call center' })
      .getByRole('alert')
      .filter({ hasText: /^internal-name-invalid: The internal name 'Support West' contains characters other than letters and digits\./ })
      .waitFor({ timeout: 10_000 });
    await page.getByLabel('Internal Name', { exact: true }).fill('SupportWest');
    await page.getByLabel('Display Name', { exact: true }).fill('Support West');
    await page.getByRole('button', { name: 'Create' }).click();
    // The page reloads with the new call center chosen; wait until it shows it, and its (empty) form.
    await page.waitForURL(/callCenter=/, { timeout: 10_000 });
    await page.waitForLoadState('load');
    await waitUntil(
      async () =>
        (await page
          .getByLabel('Call Center', { exact: true })
          .locator('option:checked')
          .innerText()
          .catch(() => '')) === 'Support West',
      10_000,
      'the new call center is chosen',
    );
    assert.equal(await field('* SIP WebSocket URL').inputValue(), '', 'a new call center has no connector settings yet');

    await field('* SIP WebSocket URL').fill(h.sip.url);
    await field('* SIP Domain').fill(DEMO_SIP_DOMAIN);
    assert.equal(await field('* SIP WebSocket URL').inputValue(), h.sip.url);
    await field('SIP Credentials').selectOption('ephemeral');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Connected:/ })
      .waitFor({ timeout: 10_000 })
      .catch(async (e: unknown) => {
        throw new Error(
          `no Connected status: ${JSON.stringify(await page.getByRole('status').allInnerTexts())} ${JSON.stringify(await page.getByRole('alert').allInnerTexts())} buttons ${await page.getByRole('button', { name: 'Test connection' }).count()}`,
          { cause: e },
        );
      });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor({ timeout: 10_000 });
    const created = h.console.data.callCenters().find((c) => c.InternalName === 'SupportWest')!;
    assert.equal(h.console.data.callCenterSettings(created.Id)['/switchboard/credentialScheme'], 'ephemeral');

    await page.getByRole('link', { name: 'Call Center Users', exact: true }).click();
    await page.getByLabel(`Call center for ${cara.name}`).selectOption({ label: 'Support West' });
    await page
      .getByRole('status')
      .filter({ hasText: `Saved ${cara.name}.` })
      .waitFor({ timeout: 10_000 });
    assert.equal(h.console.data.user(cara.id)?.CallCenterId, created.Id);

    const agent = await openAgentConsole(h, { username: cara.username });
    await waitRegistered(h, cara.extension, 1, 30_000);
    const customer = await openCustomerPhone(h, CALLERS.ada, { dial: cara.extension });
    await customer.getByRole('button', { name: 'Call', exact: true }).click();
    await agent.phone.getByRole('button', { name: 'Answer' }).waitFor({ timeout: 20_000 });
    await agent.phone.getByRole('button', { name: 'Decline' }).click();
    await customer.context().close();
    await agent.context.close();
  });
});
