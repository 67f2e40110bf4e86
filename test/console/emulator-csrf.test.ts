/**
 * Forged requests from other web pages, in a real browser whose user has the console open: a page
 * of another port on the same host (same site, so the session cookie travels) and a page of another
 * site post to the emulator's state-changing routes. Nothing they send may change the org.
 * And the visible way to be another demo agent: the console's user menu and the login page.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { startConsole, DEMO, type RunningConsole } from '../../src/node/console/index.ts';

let app: RunningConsole;
let browser: Browser;
let attacker: Server;
let attackerPort: number;

const ATTACKER_HTML = '<!doctype html><meta charset="utf-8"><title>Win a prize</title><p>Nothing to see.</p>';

before(async () => {
  app = await startConsole({ dbFile: ':memory:', sipSecret: 'csrf-test-secret' });
  browser = await launchChromium();
  attacker = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(ATTACKER_HTML));
  await new Promise<void>((ok) => attacker.listen(0, '127.0.0.1', ok));
  attackerPort = (attacker.address() as AddressInfo).port;
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => attacker?.close(ok));
  await app?.close();
});

async function orgState(): Promise<{ contacts: number; callCenters: number; assignment: string | null }> {
  const api = async <T>(path: string): Promise<T> => (await (await fetch(`${app.lightningOrigin}${path}`)).json()) as T;
  const contacts = (await api<{ records: unknown[] }>('/emulator/api/console/objects/Contact/records?limit=100000')).records.length;
  const setup = await api<{ callCenters: unknown[]; users: { Id: string; CallCenterId: string | null }[] }>('/emulator/api/console/setup/call-centers');
  return { contacts, callCenters: setup.callCenters.length, assignment: setup.users.find((u) => u.Id === DEMO.admin.id)?.CallCenterId ?? null };
}

async function signedInContext(): Promise<BrowserContext> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(app.consoleUrl());
  await page.waitForFunction(() => document.body.dataset.consoleReady === 'true', undefined, { timeout: 15_000 });
  await page.close();
  return context;
}

/** Every forgery a page can attempt with fetch; resolves once each has been answered or refused. */
function forge(page: Page, target: string): Promise<string[]> {
  return page.evaluate(async (base) => {
    const contact = JSON.stringify({ fields: { LastName: 'Forged', Phone: '+1 415 555 0999' } });
    const attempts: [string, string, RequestInit][] = [
      [
        'no-cors text/plain create',
        '/emulator/api/console/objects/Contact/records',
        { mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: contact },
      ],
      [
        'no-cors text/plain import',
        '/emulator/api/console/setup/call-centers/import',
        {
          mode: 'no-cors',
          headers: { 'content-type': 'text/plain' },
          body: JSON.stringify({
            text: '<callCenter><section sortOrder="0" name="reqGeneralInfo" label="G"><item sortOrder="0" name="reqInternalName" label="I">Evil</item><item sortOrder="1" name="reqDisplayName" label="D">Evil</item><item sortOrder="2" name="reqAdapterUrl" label="A">https://attacker.example/</item></section></callCenter>',
            fileName: 'evil.xml',
          }),
        },
      ],
      [
        'no-cors form assign',
        '/emulator/api/console/setup/assign',
        { mode: 'no-cors', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'userId=x' },
      ],
      [
        'no-cors text/plain REST create',
        '/services/data/v62.0/sobjects/Contact',
        { mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ LastName: 'Forged' }) },
      ],
      ['cors JSON create', '/emulator/api/console/objects/Contact/records', { headers: { 'content-type': 'application/json' }, body: contact }],
      [
        'cors JSON REST helper import',
        '/emulator/api/call-centers/import',
        { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items: [] }) },
      ],
    ];
    return Promise.all(
      attempts.map(async ([name, path, init]) => {
        try {
          const r = await fetch(`${base}${path}`, { method: 'POST', credentials: 'include', ...init });
          return `${name}: answered (${r.type} ${r.status})`;
        } catch (e) {
          return `${name}: refused by the browser (${e instanceof Error ? e.message : String(e)})`;
        }
      }),
    );
  }, target);
}

describe('forged requests from other pages', () => {
  for (const [label, host] of [
    ['a page on another port of the same host (same site)', '127.0.0.1'],
    ['a page of another site', 'localhost'],
  ] as const) {
    it(`${label} changes nothing`, { timeout: 60_000 }, async () => {
      const context = await signedInContext();
      try {
        const before = await orgState();
        const page = await context.newPage();
        await page.goto(`http://${host}:${attackerPort}/`);
        const outcomes = await forge(page, app.lightningOrigin);
        assert.equal(outcomes.length, 6, outcomes.join('\n'));
        assert.deepEqual(await orgState(), before, `the org changed after:\n${outcomes.join('\n')}`);
      } finally {
        await context.close();
      }
    });
  }
});

describe('being another demo agent', () => {
  const mintedExtension = (page: Page): Promise<string> =>
    page.evaluate(async () => {
      const r = await fetch('/emulator/api/console/opencti/runApex', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ args: { apexClass: 'SwitchboardCredentials', methodName: 'mint', methodParams: '' } }),
      });
      const reply = (await r.json()) as { success: boolean; returnValue: { runApex: string } | null; errors: unknown };
      if (!reply.success || !reply.returnValue) return `failed: ${JSON.stringify(reply.errors)}`;
      return (JSON.parse(reply.returnValue.runApex) as { extension: string }).extension;
    });
  const ready = (page: Page) => page.waitForFunction(() => document.body.dataset.consoleReady === 'true', undefined, { timeout: 15_000 });

  it('the console opened as agent2 mints 1002; the user menu switches to Cara, who mints 1003', { timeout: 60_000 }, async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(app.consoleUrl(DEMO.secondAgent.username));
      await ready(page);
      await page.getByRole('button', { name: 'Signed-in user' }).filter({ hasText: 'Bob Backup (1002)' }).waitFor({ timeout: 10_000 });
      assert.equal(await mintedExtension(page), '1002');

      await page.getByRole('button', { name: 'Signed-in user' }).click();
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/lightning/page/home' && !url.search.includes('user='), { timeout: 15_000 }),
        page.getByRole('menuitem', { name: 'Log in as Cara Cover (1003)' }).click(),
      ]);
      await ready(page);
      await page.getByRole('button', { name: 'Signed-in user' }).filter({ hasText: 'Cara Cover' }).waitFor({ timeout: 10_000 });
      assert.equal(await mintedExtension(page), '1003');
      // A reload keeps the session's user.
      await page.reload();
      await ready(page);
      assert.equal(await mintedExtension(page), '1003');
    } finally {
      await context.close();
    }
  });

  it('the login page lists the demo agents and signs in as the one chosen', { timeout: 60_000 }, async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(app.loginUrl);
      const users = page.getByRole('list', { name: 'Demo users' });
      for (const name of ['Ada Agent', 'Bob Backup', 'Cara Cover']) await users.getByRole('button', { name: `Log in as ${name}` }).waitFor({ timeout: 10_000 });
      await Promise.all([page.waitForURL('**/lightning/page/home', { timeout: 15_000 }), users.getByRole('button', { name: 'Log in as Bob Backup' }).click()]);
      await ready(page);
      assert.equal(await mintedExtension(page), '1002');
      await page.goto(app.loginUrl);
      await page.getByLabel('Username').fill(DEMO.thirdAgent.username);
      await Promise.all([page.waitForURL('**/lightning/page/home', { timeout: 15_000 }), page.getByRole('button', { name: 'Log In', exact: true }).click()]);
      await ready(page);
      assert.equal(await mintedExtension(page), '1003');
    } finally {
      await context.close();
    }
  });
});
