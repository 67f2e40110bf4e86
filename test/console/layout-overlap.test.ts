/**
 * The console emulator's main pages at 1440×900 and 1024×768, signed in as the demo agent: the
 * Lightning home, the Contact, Account and Case record pages and an Account's Contacts (View All)
 * with the Phone panel open, then with Phone and Omni-Channel open; Setup > Switchboard; the
 * Classic console (header, navigation tab, sidebar softphone) on its home and a Contact. Each gets
 * a screenshot under test-results/layout/ and the layout checker (layout-check.ts): no sideways scrolling, nothing
 * cut off on the right, no overlapping controls, no clipped header or tab text.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO } from '../../src/node/console/seed/index.ts';
import { startHarness, type Harness } from '../e2e/harness.ts';
import { checkLayout, formatProblems } from './layout-check.ts';

const OUT = 'test-results/layout';
const VIEWPORTS = [
  { width: 1440, height: 900 },
  { width: 1024, height: 768 },
] as const;
const RECORDS = [
  { page: 'home', path: '/lightning/page/home', waitFor: 'h1, h2' },
  { page: 'contact', path: `/lightning/r/Contact/${DEMO.uniqueContact.id}/view`, waitFor: `text=${DEMO.uniqueContact.name}` },
  { page: 'account', path: `/lightning/r/Account/${DEMO.account.id}/view`, waitFor: `text=${DEMO.account.name}` },
  { page: 'case', path: `/lightning/r/Case/${DEMO.case.id}/view`, waitFor: `text=${DEMO.case.subject}` },
  { page: 'account-contacts', path: `/lightning/r/Account/${DEMO.account.id}/related/Contacts/view`, waitFor: `table[aria-label="Contacts"] tbody tr` },
] as const;

async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.consoleReady === 'true', undefined, { timeout: 10_000 });
}

async function navigate(page: Page, path: string): Promise<void> {
  await page.evaluate(`window.__console.navigate(${JSON.stringify(path)})`);
}

/** Opens or closes a utility item's panel by its bar button, as the agent does. */
async function setPanel(page: Page, item: RegExp, open: boolean): Promise<void> {
  const button = page.locator('.console-utility-bar').getByRole('button', { name: item });
  if ((await button.getAttribute('aria-expanded')) !== String(open)) await button.click({ timeout: 5000 });
}

async function shotAndCheck(page: Page, name: string, failures: string[]): Promise<void> {
  const { width, height } = page.viewportSize()!;
  await page.screenshot({ path: `${OUT}/${name}-${width}x${height}.png` });
  const problems = await checkLayout(page);
  if (problems.length) failures.push(formatProblems(`${name} at ${width}x${height}`, problems));
}

describe("the console's main pages have no overlapping or cut-off controls", { concurrency: false, timeout: 60_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    mkdirSync(OUT, { recursive: true });
  });
  after(async () => h?.close());

  for (const viewport of VIEWPORTS) {
    test(`at ${viewport.width}x${viewport.height}`, { timeout: 30_000 }, async () => {
      const context: BrowserContext = await h.browser.newContext({ ignoreHTTPSErrors: true, viewport });
      const failures: string[] = [];
      try {
        const page = await context.newPage();
        await page.goto(h.console.consoleUrl());
        await ready(page);
        for (const r of RECORDS) {
          await navigate(page, r.path);
          await page.locator(r.waitFor).first().waitFor({ timeout: 5000 });
          await setPanel(page, /^Omni-Channel/, false);
          await setPanel(page, /^Phone$/, true);
          await shotAndCheck(page, `${r.page}-phone`, failures);
          await setPanel(page, /^Omni-Channel/, true);
          await page.getByRole('dialog', { name: 'Omni-Channel' }).waitFor({ timeout: 2000 });
          await shotAndCheck(page, `${r.page}-phone-omni`, failures);
        }
        await setPanel(page, /^Omni-Channel/, false);
        await setPanel(page, /^Phone$/, false);
        await navigate(page, '/lightning/setup/Switchboard/home');
        await page.getByRole('form', { name: 'Switchboard settings' }).waitFor({ timeout: 5000 });
        await shotAndCheck(page, 'setup-switchboard', failures);

        await page.goto(h.console.classicUrl());
        await ready(page);
        await page.getByRole('navigation', { name: 'Navigation tab' }).waitFor({ timeout: 5000 });
        await page.locator('iframe[title="Softphone"]').waitFor({ timeout: 5000 });
        await shotAndCheck(page, 'classic-home', failures);
        await navigate(page, RECORDS[1].path);
        await page.locator(RECORDS[1].waitFor).first().waitFor({ timeout: 5000 });
        await shotAndCheck(page, 'classic-contact', failures);
      } finally {
        await context.close();
      }
      assert.equal(failures.length, 0, failures.join('\n'));
    });
  }

  test("the utility bar's icons draw from symbols served one by one; the whole SLDS sprite is never fetched", { timeout: 20_000 }, async () => {
    const context = await h.browser.newContext({ ignoreHTTPSErrors: true, viewport: VIEWPORTS[1] });
    try {
      const page = await context.newPage();
      const fetched: string[] = [];
      page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
      await page.goto(h.console.consoleUrl());
      await ready(page);
      await setPanel(page, /^Phone$/, true);
      // A <use> draws once its external symbol has loaded, which a loaded machine can delay past the
      // panel opening: give it that time, then check (the assertions below say which did not draw).
      await page
        .waitForFunction(
          `[...document.querySelectorAll('.console-utility-bar svg use, #phone-panel svg use')].every((use) => { const b = use.getBBox(); return b.width > 0 && b.height > 0; })`,
          undefined,
          { timeout: 5000 },
        )
        .catch(() => undefined);
      const icons = (await page.evaluate(`Promise.all([...document.querySelectorAll('.console-utility-bar svg use, #phone-panel svg use')].map(async (use) => {
        const href = use.getAttribute('href');
        const res = await fetch(href);
        const box = use.getBBox();
        return { href, status: res.status, type: res.headers.get('content-type'), body: await res.text(), drawn: box.width > 0 && box.height > 0 };
      }))`)) as { href: string; status: number; type: string; body: string; drawn: boolean }[];
      assert.ok(icons.length >= 2, `the Phone button and panel header have icons (${icons.length})`);
      for (const icon of icons) {
        const [path, name] = icon.href.split('#');
        assert.match(path!, /^\/assets\/icons\/utility\/[a-z_]+\.svg$/, icon.href);
        assert.equal(icon.status, 200, icon.href);
        assert.match(icon.type, /^image\/svg\+xml/, icon.href);
        assert.equal(icon.body.match(/<symbol\b/g)?.length, 1, `${icon.href}: one symbol`);
        assert.ok(icon.body.includes(`id="${name}"`), `${icon.href}: the symbol the fragment names`);
        assert.ok(icon.drawn, `${icon.href} is drawn`);
      }
      // A presence or label change updates the bar in place: an icon rebuilt on every change would
      // load its symbol again and blink empty meanwhile.
      await page.evaluate(`window.__uses = [...document.querySelectorAll('.console-utility-bar svg use, #phone-panel svg use')]`);
      await setPanel(page, /^Omni-Channel/, true);
      await page.locator('#omni-panel').getByRole('radio', { name: /^Away/ }).first().click({ timeout: 5000 });
      await setPanel(page, /^Phone$/, false);
      const kept = (await page.evaluate(
        `window.__uses.map((use) => ({ href: use.getAttribute('href'), connected: use.isConnected, drawn: use.getBBox().width > 0 }))`,
      )) as { href: string; connected: boolean; drawn: boolean }[];
      for (const use of kept) assert.ok(use.connected && use.drawn, `${use.href} kept and drawn across a presence change`);
      assert.deepEqual(
        fetched.filter((p) => p.endsWith('/symbols.svg')),
        [],
        'no sprite of every icon',
      );
    } finally {
      await context.close();
    }
  });

  test(
    'the checker reports overlapping controls and panels, a cut-off control, sideways scrolling, clipped text and a wrapped tab',
    { timeout: 20_000 },
    async () => {
      const context = await h.browser.newContext({ ignoreHTTPSErrors: true, viewport: VIEWPORTS[1] });
      try {
        const page = await context.newPage();
        await page.goto(h.console.consoleUrl());
        await ready(page);
        await setPanel(page, /^Phone$/, true);
        await setPanel(page, /^Omni-Channel/, true);
        const search = await page.getByRole('searchbox', { name: 'Search', exact: true }).boundingBox();
        assert.ok(search, 'the header has a search box');
        await page.evaluate(`(() => {
        const b = document.createElement('button');
        b.textContent = 'Intruder';
        b.style.cssText = 'position:fixed;left:${search.x + 4}px;top:${search.y + 2}px;width:80px;height:20px;z-index:1';
        document.body.append(b);
        const wide = document.createElement('a');
        wide.href = '#';
        wide.textContent = 'Too wide';
        wide.style.cssText = 'display:block;margin-left:${VIEWPORTS[1].width - 40}px;width:120px';
        document.querySelector('.console-content').append(wide);
        const tab = document.createElement('span');
        tab.textContent = 'A tab label far too long for its little box';
        tab.style.cssText = 'display:inline-block;width:40px;overflow:hidden;white-space:nowrap';
        document.querySelector('.console-nav').append(tab);
        // Utility panels float over the page, never over each other.
        document.getElementById('omni-panel').style.left = '2rem';
        // The tab layout this file once caught: SLDS's block tab link pushes the close button down.
        document.querySelector('[role=tab]').parentElement.style.display = 'block';
      })()`);
        const problems = await checkLayout(page);
        const text = formatProblems('injected', problems);
        assert.ok(
          problems.some((p) => p.kind === 'overlap' && p.message.includes('"Intruder"') && p.message.includes('input')),
          text,
        );
        assert.ok(
          problems.some((p) => p.kind === 'overlap' && p.message.includes('section#phone-panel') && p.message.includes('section#omni-panel')),
          text,
        );
        // A control deep in a panel is named with the panel it is in.
        assert.ok(
          problems.some((p) => p.kind === 'overlap' && p.message.includes('"Offline" (#omni-panel … ')),
          text,
        );
        assert.ok(
          problems.some((p) => p.kind === 'cut-off' && p.message.includes('"Too wide"')),
          text,
        );
        assert.ok(
          problems.some((p) => p.kind === 'page-overflow'),
          text,
        );
        assert.ok(
          problems.some((p) => p.kind === 'clipped-text' && p.message.includes('A tab label far too long')),
          text,
        );
        assert.ok(
          problems.some((p) => p.kind === 'wrapped-tab' && p.message.includes('"Close Home"')),
          text,
        );
      } finally {
        await context.close();
      }
    },
  );
});
