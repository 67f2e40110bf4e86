/**
 * A contact called many times: its record page shows the latest 10 calls and the total, like
 * Lightning, and "View All" opens the whole Activity History in a console tab at Lightning's related
 * list URL (a page at a time); a related list over its card's cap does the same. The View All URL
 * is a console URL like the others: back returns to the record, a deep link opens the list.
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startHarness, type Harness } from './support/console-harness.ts';

let h: Harness;
let page: Page | undefined;

before(async () => {
  h = await startHarness();
});
after(async () => {
  await page?.close();
  await h?.close();
});

async function create(object: string, fields: Record<string, unknown>): Promise<string> {
  const { status, body } = await h.api<{ id: string }>('POST', `/emulator/api/console/objects/${object}/records`, { fields });
  assert.equal(status, 201, `create ${object}: ${JSON.stringify(body)}`);
  return body.id;
}

const CALLS = 55;
const CASES = 7;

it(
  "a record page shows the latest 10 calls and the total; View All lists them all, and a related list's View All all its records",
  { timeout: 60_000 },
  async () => {
    const contact = await create('Contact', { FirstName: 'Frequent', LastName: 'Caller', Phone: '+1 907 555 0142' });
    const calls: string[] = [];
    for (let i = 1; i <= CALLS; i++) calls.push(await create('Task', { Subject: `Call ${i}`, Status: 'Completed', CallType: 'Inbound', WhoId: contact }));
    for (let i = 1; i <= CASES; i++) await create('Case', { Subject: `Case ${i}`, ContactId: contact });
    const recordPath = `/lightning/r/Contact/${contact}/view`;
    const viewAllPath = `/lightning/r/Contact/${contact}/related/ActivityHistories/view`;

    page = await h.browser.newPage();
    await page.goto(h.app.consoleUrl());
    await page.waitForFunction(() => document.body.dataset.consoleReady === 'true', undefined, { timeout: 10_000 });
    await page.evaluate(`window.__console.navigate(${JSON.stringify(recordPath)})`);
    await page.getByRole('heading', { name: 'Frequent Caller', level: 1 }).waitFor({ timeout: 5000 });

    // The record page: the latest 10, newest first, and the total in the heading.
    await page.getByRole('heading', { name: `Activity History (${CALLS})`, level: 2 }).waitFor({ timeout: 5000 });
    const table = page.getByRole('table', { name: 'Activity History' });
    // The page may re-render (a refresh after navigation), so wait for the rows rather than read them once.
    const rowsAre = async (expected: readonly string[]): Promise<void> => {
      const read = (): Promise<string[]> =>
        page!.evaluate(() => [...document.querySelectorAll('table[aria-label="Activity History"] tbody tr')].map((r) => r.getAttribute('data-id') ?? ''));
      await page!
        .waitForFunction(
          (want) =>
            JSON.stringify([...document.querySelectorAll('table[aria-label="Activity History"] tbody tr')].map((r) => r.getAttribute('data-id') ?? '')) ===
            want,
          JSON.stringify(expected),
          { timeout: 5000 },
        )
        .catch(() => undefined);
      assert.deepEqual(await read(), expected);
    };
    await rowsAre([...calls].reverse().slice(0, 10));
    assert.equal(await page.getByRole('list', { name: 'Activity timeline' }).getByRole('listitem').count(), 10);

    // View All: a console tab at Lightning's related list URL, a page at a time.
    await page.getByRole('link', { name: 'View All Activity History' }).click();
    await page.getByRole('heading', { name: `Activity History (${CALLS})`, level: 1 }).waitFor({ timeout: 5000 });
    assert.equal(new URL(page.url()).pathname, viewAllPath);
    await rowsAre([...calls].reverse().slice(0, 50));
    await page.getByRole('button', { name: 'Load More' }).click();
    await rowsAre([...calls].reverse());
    assert.equal(await page.getByRole('button', { name: 'Load More' }).isVisible(), false, 'nothing more to load');
    assert.match((await table.getByRole('row', { name: /^Call 1 / }).innerText()).replace(/\s+/g, ' '), /^Call 1 Inbound .* Completed$/);
    const tab = (await page.evaluate('window.__console.currentTab()')) as { kind: string; title: string };
    assert.deepEqual([tab.kind, tab.title], ['related', 'Activity History']);

    // Browser back returns to the record; forward to the list.
    await page.goBack();
    await page.getByRole('heading', { name: 'Frequent Caller', level: 1 }).waitFor({ timeout: 5000 });
    await page.goForward();
    await page.getByRole('heading', { name: `Activity History (${CALLS})`, level: 1 }).waitFor({ timeout: 5000 });

    // The breadcrumb leads back to the record; its Cases card shows 5 of 7 and opens all of them.
    await page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('link', { name: 'Frequent Caller' }).click();
    const cases = page.getByRole('article', { name: 'Cases' });
    await cases.getByRole('heading', { name: `Cases (${CASES})` }).waitFor({ timeout: 5000 });
    assert.equal(await cases.getByRole('listitem').count(), 5);
    await cases.getByRole('link', { name: 'View All Cases' }).click();
    await page.getByRole('heading', { name: `Cases (${CASES})`, level: 1 }).waitFor({ timeout: 5000 });
    assert.equal(new URL(page.url()).pathname, `/lightning/r/Contact/${contact}/related/Cases/view`);
    const caseRows = page.getByRole('table', { name: 'Cases' }).locator('tbody tr');
    await caseRows.nth(CASES - 1).waitFor({ timeout: 5000 });
    assert.equal(await caseRows.count(), CASES);
    for (let i = 1; i <= CASES; i++)
      await caseRows
        .filter({ hasText: `Case ${i}` })
        .first()
        .waitFor({ timeout: 5000 });
    assert.equal(await page.getByRole('button', { name: 'Load More' }).isVisible(), false);
    // A case's link opens its record.
    await caseRows.first().getByRole('link').click();
    await page.getByRole('heading', { name: /^\d+$/, level: 1 }).waitFor({ timeout: 5000 });

    // A deep link opens the View All directly.
    const deep = await h.browser.newPage();
    try {
      await deep.goto(new URL(viewAllPath, h.app.lightningOrigin).href);
      await deep.waitForFunction(() => document.body.dataset.consoleReady === 'true', undefined, { timeout: 10_000 });
      await deep.getByRole('heading', { name: `Activity History (${CALLS})`, level: 1 }).waitFor({ timeout: 5000 });
    } finally {
      await deep.close();
    }

    // A related list within its cap has no View All.
    const few = await create('Contact', { LastName: 'Rarely Called' });
    await create('Task', { Subject: 'Only call', WhoId: few });
    await page.evaluate(`window.__console.navigate(${JSON.stringify(`/lightning/r/Contact/${few}/view`)})`);
    await page.getByRole('heading', { name: 'Activity History (1)', level: 2 }).waitFor({ timeout: 5000 });
    assert.equal(await page.getByRole('link', { name: /^View All/ }).count(), 0);
  },
);
