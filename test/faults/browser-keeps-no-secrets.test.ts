/**
 * What the softphone leaves in the browser, read the way anyone with the machine could:
 * - after Salesforce has confirmed a call log, IndexedDB holds none of its content (subject, the
 *   caller's number and name, WhoId, notes), while before the confirmation it does (so the reading is real);
 * - the support log downloaded after a registration that the embedded SIP server challenged
 *   carries the SIP traces but no digest response, nonce or cnonce value.
 * The real connector in the console emulator, on Salesforce-shaped origins (so the frame has storage).
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Frame, Route } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { STRICT_CHROMIUM_ARGS } from '../../src/node/console/index.ts';
import { agentUser, CALLERS, startStack, type Stack } from '../../bench/support/stack.ts';
import { CONSOLE_PROBE, type Softphone } from '../../bench/support/pages.ts';
import { inviteClock, until } from '../../bench/support/measure.ts';
import { popCall } from '../../bench/support/calls.ts';
import { newTasksSince } from '../soak/support/tasks.ts';

const SAVE_LOG = '**/emulator/api/console/opencti/saveLog*';
let stack: Stack;
let browser: Browser;
let context: BrowserContext;

before(async () => {
  stack = await startStack({ agents: 1, strictOrigins: true, items: { wrapUpEnabled: 'false' } });
  browser = await launchChromium(STRICT_CHROMIUM_ARGS);
  context = await browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true });
  await context.addInitScript(CONSOLE_PROBE);
});

after(async () => {
  await browser?.close();
  await stack?.close();
});

async function openTab(): Promise<Softphone & { frame: () => Frame }> {
  const page = await context.newPage();
  await page.goto(stack.console.consoleUrl());
  const frame = await until('the softphone frame', async () => page.frames().find((f) => f.url().includes('/softphone/')), 20_000, 20);
  await until(
    'the agent to be available',
    async () =>
      (await frame
        .getByRole('combobox', { name: 'Status' })
        .inputValue({ timeout: 1000 })
        .catch(() => '')) === 'available'
        ? true
        : undefined,
    20_000,
    50,
  );
  type W = { __bench: { pops: number[]; waitPop(n: number): Promise<number> } };
  return {
    kind: 'ours',
    context,
    page,
    insertedAt: 0,
    readyAt: 0,
    frame: () => frame,
    pops: () => page.evaluate(() => [...(window as unknown as W).__bench.pops]),
    waitPop: (n, ms = 10_000) =>
      Promise.race([
        page.evaluate((i) => (window as unknown as W).__bench.waitPop(i), n),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no screen pop #${n + 1} within ${ms} ms`)), ms)),
      ]),
    close: () => page.close(),
  };
}

const digits = (text: string): string => text.replace(/\D/g, '');

/** Every value of every object store of every IndexedDB database of the frame's origin, as text. */
function dumpIndexedDb(frame: Frame): Promise<string> {
  return frame.evaluate(async () => {
    const out: unknown[] = [];
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(info.name!);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      for (const store of [...db.objectStoreNames]) {
        const tx = db.transaction(store, 'readonly');
        const [keys, values] = await Promise.all(
          [tx.objectStore(store).getAllKeys(), tx.objectStore(store).getAll()].map(
            (r) =>
              new Promise<unknown[]>((resolve, reject) => {
                r.onsuccess = () => resolve(r.result as unknown[]);
                r.onerror = () => reject(r.error);
              }),
          ),
        );
        out.push({ db: info.name, store, keys, values });
      }
      db.close();
    }
    return JSON.stringify(out);
  });
}

it("IndexedDB keeps none of a log's content (subject, caller number and name) once Salesforce has confirmed it", { timeout: 90_000 }, async (t) => {
  const tasksNow = await newTasksSince(stack);
  const tab = await openTab();
  // A failure must not leave this tab leading the phone for the next test.
  t.after(() => tab.close().catch(() => undefined));
  await stack.registered(agentUser(0));
  const caller = await stack.caller(CALLERS[0]!);
  const sent = inviteClock(caller);
  // Hold the log back first: while Salesforce has not confirmed it, the outbox must keep it.
  const block = (route: Route): Promise<void> =>
    route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'injected: down' }) });
  await context.route(SAVE_LOG, block);
  await popCall(caller, sent, agentUser(0), tab, 0);
  const pending = await until(
    'the log to wait in the outbox',
    async () => {
      const text = await dumpIndexedDb(tab.frame());
      return text.includes('outbox/entry/') && text.includes('"state":"pending"') ? text : undefined;
    },
    15_000,
    100,
  );
  // The Subject names the caller in display form (+1 415 555 0134): compare its digits.
  const subject = /"Subject":"([^"]*)"/.exec(pending)?.[1] ?? '';
  assert.ok(digits(subject).includes(digits(CALLERS[0]!)), `an unconfirmed log is kept with its content (and the dump can see it): ${subject}`);
  await context.unroute(SAVE_LOG, block);

  const [task] = await until(
    'the Task',
    async () => {
      const tasks = await tasksNow();
      return tasks.length === 1 ? tasks : undefined;
    },
    30_000,
    100,
  );
  const list = await stack.api<{ records: Record<string, unknown>[] }>('GET', '/emulator/api/console/objects/Task/records?limit=100000');
  const record = list.body.records.find((r) => (r['Id'] ?? (r['fields'] as Record<string, unknown> | undefined)?.['Id']) === task!.Id) ?? {};
  const fields = { ...record, ...((record['fields'] as Record<string, unknown> | undefined) ?? {}) };
  assert.ok(digits(String(fields['Subject'])).includes(digits(CALLERS[0]!)), `the log Salesforce got names the caller: ${String(fields['Subject'])}`);
  const confirmed = await until(
    'the outbox to record the confirmation',
    async () => {
      const text = await dumpIndexedDb(tab.frame());
      return text.includes('"state":"saved"') && !text.includes('"state":"pending"') ? text : undefined;
    },
    15_000,
    100,
  );
  // The caller's name as Salesforce knows it (the pop matched her contact): the panel showed it, the log may carry it.
  const contacts = await stack.api<{ records: Record<string, unknown>[] }>('GET', '/emulator/api/console/objects/Contact/records?limit=100000');
  const contact = contacts.body.records.find((r) => (r['Id'] ?? (r['fields'] as Record<string, unknown> | undefined)?.['Id']) === fields['WhoId']) ?? {};
  const contactFields = { ...contact, ...((contact['fields'] as Record<string, unknown> | undefined) ?? {}) };
  const name = [contactFields['FirstName'], contactFields['LastName']].filter((v) => typeof v === 'string' && v !== '').join(' ');
  assert.ok(name !== '', `the caller is a known contact (${String(fields['WhoId'])})`);
  assert.ok(pending.includes(name), `an unconfirmed log keeps the caller's name '${name}' (so its absence later means something)`);
  const content = [fields['Subject'], fields['WhoId'], fields['Description'], CALLERS[0], name].filter(
    (v): v is string => typeof v === 'string' && v.trim() !== '',
  );
  for (const value of content) assert.ok(!confirmed.includes(value), `'${value}' is still in IndexedDB: ${confirmed}`);
  assert.ok(confirmed.includes(task!.Id), 'the Task id stays (exactly-once)');
});

it('the downloaded support log carries SIP traces but no digest answer', { timeout: 60_000 }, async () => {
  const tab = await openTab();
  await stack.registered(agentUser(0));
  const frame = tab.frame();
  // The utility panel may be too small to show the tab bar: press the controls as a keyboard would.
  await frame.getByRole('tab', { name: 'Settings' }).dispatchEvent('click');
  const [download] = await Promise.all([
    tab.page.waitForEvent('download', { timeout: 10_000 }),
    frame.getByRole('button', { name: 'Download log' }).dispatchEvent('click', {}, { timeout: 10_000 }),
  ]);
  const path = await download.path();
  assert.ok(path, 'the log was downloaded');
  const text = readFileSync(path, 'utf8');
  assert.match(text, /REGISTER sip:/, 'the SIP traces are in the log');
  assert.match(text, /Authorization: Digest /, 'the challenged REGISTER is in the log');
  for (const param of ['response', 'nonce', 'cnonce']) {
    const values = [...text.matchAll(new RegExp(`[ ,]${param}="([^"]*)"`, 'g'))].map((m) => m[1]);
    assert.ok(values.length > 0, `${param} appears`);
    assert.deepEqual([...new Set(values)], ['[masked]'], `${param} values are masked`);
  }
  await tab.close();
});
