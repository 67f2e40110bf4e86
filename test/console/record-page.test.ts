/**
 * A Lightning record page as the demo agent (en_US, America/Los_Angeles) sees it: dates in the
 * user's locale, the Account lookup as a link to Acme, related lists with counts, and a call Task in
 * the activity timeline with its disposition and m:ss duration.
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startHarness, type Harness } from './support/console-harness.ts';
import { DEMO } from '../../src/node/console/index.ts';

let h: Harness;
let page: Page;

before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

/** How many `object` records have `field` = `id`, asked of the REST API (not of the page's own endpoint). */
async function count(object: string, field: string, id: string): Promise<number> {
  const q = encodeURIComponent(`SELECT COUNT() FROM ${object} WHERE ${field} = '${id}'`);
  const { status, body } = await h.api<{ totalSize: number }>('GET', `/services/data/v62.0/query?q=${q}`);
  assert.equal(status, 200, `REST query of ${object}`);
  return body.totalSize;
}

async function open(path: string, heading: string): Promise<void> {
  await page.evaluate(`window.__console.navigate(${JSON.stringify(path)})`);
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor({ timeout: 5000 });
}

it('a record page shows formatted values, lookups as links, related lists and the call timeline', { timeout: 15_000 }, async () => {
  const logged = await h.api<{ success: boolean; returnValue: { recordId: string } }>('POST', '/emulator/api/console/opencti/saveLog', {
    args: {
      object: {
        entityApiName: 'Task',
        Subject: 'Record page call',
        Status: 'Completed',
        Type: 'Call',
        CallType: 'Inbound',
        CallDisposition: 'Resolved',
        CallDurationInSeconds: 125,
        ActivityDate: '2026-03-05',
        WhoId: DEMO.uniqueContact.id,
        WhatId: DEMO.account.id,
        Description: 'Reset the portal password.',
      },
    },
  });
  assert.equal(logged.body.success, true, JSON.stringify(logged.body));
  const expected = {
    contacts: await count('Contact', 'AccountId', DEMO.account.id),
    cases: await count('Case', 'AccountId', DEMO.account.id),
    opportunities: await count('Opportunity', 'AccountId', DEMO.account.id),
    contactCases: await count('Case', 'ContactId', DEMO.uniqueContact.id),
  };

  page = await h.browser.newPage();
  await page.goto(h.app.consoleUrl());
  await page.waitForFunction(() => document.body.dataset.consoleReady === 'true', undefined, { timeout: 10_000 });
  await open(`/lightning/r/Contact/${DEMO.uniqueContact.id}/view`, DEMO.uniqueContact.name);

  const details = page.getByRole('region', { name: 'Details' });
  // The phone keeps its click-to-dial button.
  await details.getByRole('button', { name: `Call ${DEMO.uniqueContact.phone}` }).waitFor({ timeout: 5000 });
  await page.getByRole('heading', { name: `Cases (${expected.contactCases})` }).waitFor({ timeout: 5000 });

  const timeline = page.getByRole('list', { name: 'Activity timeline' });
  const item = timeline.getByRole('listitem').filter({ hasText: 'Record page call' });
  await item.waitFor({ timeout: 5000 });
  const text = (await item.innerText()).replace(/\s+/g, ' ');
  for (const part of ['Inbound', 'Resolved', '2:05', '3/5/2026', 'Reset the portal password.']) assert.ok(text.includes(part), `${part} in "${text}"`);
  const row = page.getByRole('table', { name: 'Activity History' }).getByRole('row', { name: /Record page call/ });
  assert.match((await row.innerText()).replace(/\s+/g, ' '), /Record page call Inbound Resolved 3\/5\/2026 2:05 Completed/);

  // The Account lookup shows Acme's name and opens Acme.
  const account = details.getByRole('link', { name: DEMO.account.name });
  assert.equal(await account.count(), 1);
  await account.click();
  await page.getByRole('heading', { name: DEMO.account.name, level: 1 }).waitFor({ timeout: 5000 });
  for (const [label, n] of [
    ['Contacts', expected.contacts],
    ['Cases', expected.cases],
    ['Opportunities', expected.opportunities],
  ] as const) {
    await page.getByRole('heading', { name: `${label} (${n})` }).waitFor({ timeout: 5000 });
  }
  assert.ok(expected.contacts >= 3, 'Acme has its seeded contacts');
  await page.getByRole('article', { name: 'Contacts' }).getByRole('link', { name: DEMO.uniqueContact.name }).waitFor({ timeout: 5000 });
  // A datetime in the user's locale (Created Date), not an ISO string.
  assert.match(await page.locator('[data-field="CreatedDate"]').innerText(), /^\d{1,2}\/\d{1,2}\/\d{4}, \d{1,2}:\d{2}\s[AP]M$/);
});

it('two renders that overlap show one page, the later one; a refresh keeps the page on screen while it reloads', { timeout: 15_000 }, async () => {
  const p = await h.browser.newPage();
  try {
    await p.goto(h.app.consoleUrl());
    await p.waitForFunction(() => document.body.dataset.consoleReady === 'true', undefined, { timeout: 10_000 });
    const titles = (): Promise<string[]> => p.evaluate(() => [...document.querySelectorAll('h1.slds-page-header__title')].map((e) => e.textContent ?? ''));
    // A screen pop's navigation overtaken by another before its data came.
    await p.evaluate(`Promise.all([
      window.__console.navigate(${JSON.stringify(`/lightning/r/Contact/${DEMO.uniqueContact.id}/view`)}),
      window.__console.navigate(${JSON.stringify(`/lightning/r/Account/${DEMO.account.id}/view`)}),
    ])`);
    assert.deepEqual(await titles(), [DEMO.account.name], "one page: the later navigation's");
    // Refreshes (refreshView) while the page is up: it never goes blank, and stays one page.
    const blank = await p.evaluate(`(async () => {
      let blank = 0;
      const seen = new MutationObserver(() => { if (!document.querySelector('h1.slds-page-header__title')) blank++; });
      seen.observe(document.querySelector('main[aria-label="Workspace"]'), { childList: true, subtree: true });
      await Promise.all([window.__console.refresh(), window.__console.refresh()]);
      seen.disconnect();
      return blank;
    })()`);
    assert.equal(blank, 0, 'the record stayed on screen through the refreshes');
    assert.deepEqual(await titles(), [DEMO.account.name]);
  } finally {
    await p.close();
  }
});
