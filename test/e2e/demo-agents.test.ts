/**
 * Each Salesforce user is their own agent: a console opened as Bob signs in as Bob's extension
 * (1002) with credentials minted for him, never as the demo agent; the header's user menu logs in
 * as another demo agent (Cara, 1003), whose console then takes Cara's calls and logs them as hers.
 * (Before: every console signed in as 1001, whoever the Salesforce user was.)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO } from '../../src/node/console/seed/index.ts';
import { CALLERS, openCustomerPhone, startHarness, tasksFor, waitRegistered, waitUntil, type Harness } from './harness.ts';

describe('each demo agent signs in as their own extension', { concurrency: false, timeout: 120_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h?.close());

  test("a console opened as Bob registers 1002, not the demo agent's 1001", { timeout: 45_000 }, async () => {
    const context = await h.browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto(h.console.consoleUrl(DEMO.secondAgent.username));
    await waitRegistered(h, DEMO.secondAgent.extension);
    assert.equal(h.sip.registrations(DEMO.agent.extension).length, 0, 'no console registered as 1001');
    await page.getByRole('button', { name: 'Signed-in user' }).filter({ hasText: 'Bob Backup (1002)' }).waitFor({ timeout: 5000 });
    await context.close();
    await waitUntil(() => h.sip.registrations(DEMO.secondAgent.extension).length === 0, 10_000, "Bob's registration ends with his console");
  });

  test('the user menu logs in as Cara; her console takes a call to 1003 and logs it as hers', { timeout: 60_000 }, async () => {
    const context = await h.browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto(h.console.consoleUrl(DEMO.secondAgent.username));
    await waitRegistered(h, DEMO.secondAgent.extension);
    await page.getByRole('button', { name: 'Signed-in user' }).click();
    await page.getByRole('menuitem', { name: 'Log in as Cara Cover (1003)' }).click();
    await waitRegistered(h, DEMO.thirdAgent.extension);
    await page.getByRole('button', { name: 'Signed-in user' }).filter({ hasText: 'Cara Cover (1003)' }).waitFor({ timeout: 5000 });
    await waitUntil(() => h.sip.registrations(DEMO.secondAgent.extension).length === 0, 10_000, "Bob's registration ends when his console unloads");

    const phone = page.frameLocator('iframe[title="Softphone"]');
    const customer = await openCustomerPhone(h, CALLERS.ada, { dial: DEMO.thirdAgent.extension });
    await customer.getByRole('button', { name: 'Call', exact: true }).click();
    await phone.getByRole('button', { name: 'Answer' }).click({ timeout: 15_000 });
    await phone.getByRole('button', { name: 'Hang up' }).click({ timeout: 10_000 });
    const wrapUp = phone.getByRole('form', { name: 'Wrap-up' });
    await wrapUp.getByRole('button', { name: 'Save' }).click({ timeout: 10_000 });
    await waitUntil(() => tasksFor(h, (t) => String(t.fields.Subject ?? '').includes('415')).length === 1, 10_000, 'the call is logged');
    const [task] = tasksFor(h, (t) => String(t.fields.Subject ?? '').includes('415'));
    assert.equal(task!.fields.OwnerId, DEMO.thirdAgent.id, 'the Task is Cara’s');
    await customer.context().close();
    await context.close();
  });
});
