/**
 * The Lightning console's global header as an agent or admin uses it: the App Launcher (the waffle)
 * lists the app and its items, filters them as one types and opens the one chosen; the Setup gear
 * opens Setup pages; the user menu logs in as another agent or out. Each closes on Escape or a click
 * elsewhere and leaves nothing hidden behind.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startHarness, type Harness } from '../e2e/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => h?.close());

async function openConsole(): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await h.browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(h.console.consoleUrl());
  await page.waitForFunction(() => document.body.dataset.consoleReady === 'true', undefined, { timeout: 10_000 });
  return { page, close: () => context.close() };
}

const activeTab = (page: Page): Promise<{ url?: string } | null> => page.evaluate('window.__console.currentTab()') as Promise<{ url?: string } | null>;

test('App Launcher: the app and its items, filtered as one types; choosing one opens it; Escape closes', { timeout: 30_000 }, async () => {
  const { page, close } = await openConsole();
  try {
    const launcher = page.getByRole('button', { name: 'App Launcher' });
    assert.equal(await page.getByRole('dialog', { name: 'App Launcher' }).count(), 0, 'nothing of it in the page until opened');
    await launcher.click();
    const dialog = page.getByRole('dialog', { name: 'App Launcher' });
    await dialog.waitFor();
    assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
    assert.equal(await dialog.getByRole('list', { name: 'Apps' }).textContent(), 'Service Console');
    const items = dialog.getByRole('list', { name: 'Items' }).getByRole('link');
    const all = await items.allTextContents();
    for (const name of ['Accounts', 'Contacts', 'Leads', 'Cases', 'Opportunities', 'Call Centers'])
      assert.ok(all.includes(name), `${name} in ${all.join(', ')}`);
    // The search box has the focus: typing filters.
    await page.keyboard.type('cont');
    await page.waitForFunction(`document.querySelectorAll('[aria-label="Items"] li:not([hidden])').length === 1`);
    assert.deepEqual(await dialog.locator('[aria-label="Items"] li:not([hidden]) a').allTextContents(), ['Contacts']);
    await page.keyboard.press('Control+a');
    await page.keyboard.type('zzz');
    await dialog.getByRole('status').filter({ hasText: 'No items match "zzz"' }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'App Launcher', 'the focus is back on the button');
    // Choosing an item opens it in the workspace.
    await launcher.click();
    await dialog.getByRole('link', { name: 'Cases' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.waitForFunction('(window.__console.currentTab()?.url ?? "").includes("/lightning/o/Case/")', undefined, { timeout: 5000 });
    // A click elsewhere closes it.
    await launcher.click();
    await dialog.waitFor();
    await page.locator('.console-body').click({ position: { x: 600, y: 400 } });
    await dialog.waitFor({ state: 'detached' });
  } finally {
    await close();
  }
});

test('Setup gear: a menu of Setup pages; Switchboard Setup opens its settings form', { timeout: 30_000 }, async () => {
  const { page, close } = await openConsole();
  try {
    const gear = page.getByRole('button', { name: 'Setup', exact: true });
    await gear.click();
    const menu = page.getByRole('menu', { name: 'Setup' });
    assert.deepEqual(await menu.getByRole('menuitem').allTextContents(), ['Setup', 'Switchboard Setup']);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Setup', 'the first item has the focus');
    await menu.getByRole('menuitem', { name: 'Switchboard Setup' }).click();
    await menu.waitFor({ state: 'detached' });
    await page.getByRole('form', { name: 'Switchboard settings' }).waitFor({ timeout: 5000 });
    assert.match((await activeTab(page))?.url ?? '', /\/lightning\/setup\/Switchboard\/home/);
  } finally {
    await close();
  }
});

test('the user menu: the other agents to log in as and Log out, only while open; Escape or a click elsewhere closes it', { timeout: 30_000 }, async () => {
  const { page, close } = await openConsole();
  try {
    const user = page.getByRole('button', { name: 'Signed-in user' });
    assert.equal(await page.locator('.console-user-menu__list').count(), 0, 'nothing of it in the page until opened');
    await user.click({ timeout: 5000 });
    const menu = page.getByRole('menu', { name: 'Log in as another user' });
    assert.deepEqual(await menu.getByRole('menuitem').allTextContents(), ['Log in as Bob Backup (1002)', 'Log in as Cara Cover (1003)', 'Log out']);
    assert.equal(await user.getAttribute('aria-expanded'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Log in as Bob Backup (1002)', 'the first item has the focus');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached', timeout: 5000 });
    assert.equal(await user.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Signed-in user', 'the focus is back on the button');
    await user.click({ timeout: 5000 });
    await menu.waitFor({ timeout: 5000 });
    await page.mouse.click(700, 500); // the workspace, away from the header
    await menu.waitFor({ state: 'detached', timeout: 5000 });
    assert.equal(await page.locator('.console-user-menu__list').count(), 0, 'nothing left behind');
  } finally {
    await close();
  }
});
