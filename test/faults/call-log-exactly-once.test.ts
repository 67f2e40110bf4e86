/**
 * Every call is logged exactly once, whatever happens to saveLog on the way: the console's saveLog
 * fails, its answer is lost after the Task was created, the agent reloads the console or closes
 * the tab while a log is pending. The real connector in the console emulator (Salesforce-shaped
 * origins, so the softphone frame keeps its IndexedDB outbox); faults are injected on the console
 * page's own request to its server (`/emulator/api/console/opencti/saveLog`).
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Route } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { STRICT_CHROMIUM_ARGS } from '../../src/node/console/index.ts';
import { agentUser, CALLERS, startStack, type Stack } from '../../bench/support/stack.ts';
import { CONSOLE_PROBE } from '../../bench/support/pages.ts';
import { inviteClock, until } from '../../bench/support/measure.ts';
import { popCall } from '../../bench/support/calls.ts';
import { newTasksSince } from '../soak/support/tasks.ts';
import type { Softphone } from '../../bench/support/pages.ts';

const startedAt = Date.now();
const step = (what: string): void => void process.stderr.write(`# step: ${what} (at ${((Date.now() - startedAt) / 1000).toFixed(1)} s)\n`);
const SAVE_LOG = '**/emulator/api/console/opencti/saveLog*';
let stack: Stack;
let browser: Browser;
let context: BrowserContext;

before(async () => {
  stack = await startStack({ agents: 1, strictOrigins: true });
  browser = await launchChromium(STRICT_CHROMIUM_ARGS);
  context = await browser.newContext({ ignoreHTTPSErrors: true });
  await context.addInitScript(CONSOLE_PROBE);
});

after(async () => {
  await browser?.close();
  await stack?.close();
});

/** Opens a console tab in the shared context (same storage: reloads and new tabs see the outbox). */
async function openTab(): Promise<Softphone> {
  const page = await context.newPage();
  await page.goto(stack.console.consoleUrl());
  await until(
    'notifyInitializationComplete',
    () =>
      page.evaluate(() =>
        (window as unknown as { __bench?: { calls: { method: string }[] } }).__bench?.calls.some((c) => c.method === 'notifyInitializationComplete')
          ? true
          : undefined,
      ),
    20_000,
    20,
  );
  const frame = await until('the softphone frame', async () => page.frames().find((f) => f.url().includes('/softphone/')), 10_000, 20);
  // Registered is not enough: a call that arrives before the agent is available is refused (486)
  // and never pops. Wait for the panel to say Available, as an agent would.
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
    // Bounded, so a call that never pops fails its step instead of the whole test's timeout.
    waitPop: (n, ms = 10_000) =>
      Promise.race([
        page.evaluate((i) => (window as unknown as W).__bench.waitPop(i), n),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no screen pop #${n + 1} within ${ms} ms`)), ms)),
      ]),
    close: () => page.close(),
  };
}

const saveLogAttempts = (tab: Softphone): Promise<number> =>
  tab.page.evaluate(() => (window as unknown as { __bench: { calls: { method: string }[] } }).__bench.calls.filter((c) => c.method === 'saveLog').length);

it('logs every call exactly once through failed saves, lost answers, a reload, a closed tab and a tab closed mid-call', { timeout: 150_000 }, async () => {
  const tasksNow = await newTasksSince(stack);
  let tab = await openTab();
  await stack.registered(agentUser(0));
  const caller = await stack.caller(CALLERS[0]!);
  const sent = inviteClock(caller);

  // 1. saveLog fails outright twice, then works.
  step('1. saveLog fails outright twice, then wo');
  let failures = 2;
  const failTwice = async (route: Route): Promise<void> => {
    if (failures-- > 0)
      return route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'injected: the org is unavailable' }) });
    return route.continue();
  };
  await context.route(SAVE_LOG, failTwice);
  await popCall(caller, sent, agentUser(0), tab, 0);
  await until('call 1 to be logged after its retries', async () => ((await tasksNow()).length === 1 ? true : undefined), 30_000, 100).catch(
    async (e: unknown) => {
      const calls = await tab.page.evaluate(() =>
        (window as unknown as { __bench: { calls: { method: string; at: number }[] } }).__bench.calls.map((c) => `${c.method}@${Math.round(c.at % 100000)}`),
      );
      throw new Error(`${String(e)}; failures left ${failures}; Open CTI calls: ${calls.join(' ')}; Tasks: ${JSON.stringify(await tasksNow())}`);
    },
  );
  assert.ok(failures < 0, 'the connector did not retry the failed saveLog');
  await context.unroute(SAVE_LOG, failTwice);

  // 2. The Task is created but the answer is lost: the retry must find it, not write a second one.
  step('2. The Task is created but the answer is');
  let lost = 1;
  const loseAnswer = async (route: Route): Promise<void> => {
    if (lost-- > 0) {
      // The server saves the Task… (fetched from Node, which does not know the browser's host mapping)
      // (by 127.0.0.1 the page's session cookie is not sent, so it uses the API token)
      await route.fetch({
        url: route
          .request()
          .url()
          .replace(/^https:\/\/[^/]+/, `https://127.0.0.1:${stack.console.port}`),
        headers: { ...route.request().headers(), authorization: `Bearer ${stack.console.apiToken}` },
      });
      return route.fulfill({ status: 504, contentType: 'application/json', body: JSON.stringify({ error: 'injected: gateway timeout' }) }); // …and the answer is lost
    }
    return route.continue();
  };
  await context.route(SAVE_LOG, loseAnswer);
  const lookups = (): Promise<number> =>
    tab.page.evaluate(() => (window as unknown as { __bench: { calls: { method: string }[] } }).__bench.calls.filter((c) => c.method === 'runApex').length);
  const lookupsBefore = await lookups();
  await popCall(caller, sent, agentUser(0), tab, 0);
  await until('call 2 to be created', async () => ((await tasksNow()).length === 2 ? true : undefined), 30_000, 100);
  // The connector heard a failure, so it retries, and looks the CallObject up before creating again.
  await until('the lookup after the lost answer', async () => ((await lookups()) > lookupsBefore ? true : undefined), 15_000, 100);
  assert.equal(lost, 0, 'the connector wrote the call log again instead of adopting the one the lost answer had created');
  await context.unroute(SAVE_LOG, loseAnswer);

  // 3. A pending log survives a reload of the console.
  step('3. A pending log survives a reload of th');
  const block = (route: Route): Promise<void> =>
    route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'injected: down' }) });
  await context.route(SAVE_LOG, block);
  // The tab saved earlier calls' logs: wait for call 3's own first attempt, so it is in the outbox.
  const attemptsBefore3 = await saveLogAttempts(tab);
  await popCall(caller, sent, agentUser(0), tab, 0);
  await until('call 3 to try to log', async () => ((await saveLogAttempts(tab)) > attemptsBefore3 ? true : undefined), 10_000, 50);
  await tab.page.reload();
  await context.unroute(SAVE_LOG, block);
  await tab.close();
  tab = await openTab();
  await until('call 3 to be logged after the reload', async () => ((await tasksNow()).length === 3 ? true : undefined), 30_000, 100);

  // 4. A pending log survives closing the tab; the next tab saves it.
  step('4. A pending log survives closing the ta');
  await context.route(SAVE_LOG, block);
  await stack.registered(agentUser(0));
  // This tab saved call 3 after the reload: wait for call 4's own first attempt, not an earlier one.
  const attemptsBefore4 = await saveLogAttempts(tab);
  await popCall(caller, sent, agentUser(0), tab, 0);
  await until('call 4 to try to log', async () => ((await saveLogAttempts(tab)) > attemptsBefore4 ? true : undefined), 10_000, 50);
  await tab.close();
  await context.unroute(SAVE_LOG, block);
  tab = await openTab();
  await until('call 4 to be logged by the next tab', async () => ((await tasksNow()).length >= 4 ? true : undefined), 30_000, 100);

  // 5. The tab closes while a call rings: the call was never handed to the outbox, but the engine's
  // journal holds it, and the next tab logs it.
  step('5. The tab closes while a call rings');
  await stack.registered(agentUser(0));
  const popsBefore = (await tab.pops()).length;
  const { inviter } = caller.call(agentUser(0));
  await tab.waitPop(popsBefore);
  await until(
    'call 5 in the journal',
    () =>
      tab.frame().evaluate(
        () =>
          new Promise<true | undefined>((resolve) => {
            const open = indexedDB.open('switchboard');
            open.onsuccess = () => {
              const keys = open.result.transaction('kv').objectStore('kv').getAllKeys();
              keys.onsuccess = () => {
                open.result.close();
                resolve(keys.result.some((k) => String(k).startsWith('engine/journal/')) ? true : undefined);
              };
              keys.onerror = () => resolve(undefined);
            };
            open.onerror = () => resolve(undefined);
          }),
      ),
    10_000,
    50,
  );
  await tab.close();
  await inviter.cancel().catch(() => undefined);
  tab = await openTab();
  // Not at once: a call that rang when its page left may ring again on the next page (OFFER_RETURN_MS).
  await until(
    'call 5 (ringing when its tab closed) to be logged by the next tab',
    async () => ((await tasksNow()).length >= 5 ? true : undefined),
    45_000,
    100,
  );

  // Nothing is written twice, even after the outbox has had time to retry everything it holds.
  await new Promise((ok) => setTimeout(ok, 3000));
  const tasks = await tasksNow();
  assert.equal(tasks.length, 5, JSON.stringify(tasks));
  assert.equal(new Set(tasks.map((t) => t.CallObject)).size, 5);
  const recovered = tasks.find((t) => t.CallObject === inviter.request.callId);
  assert.ok(recovered, `call 5 (${inviter.request.callId}) was not the one logged: ${JSON.stringify(tasks)}`);
  const all = await stack.api<{ records: { Id?: string; fields?: { Id?: string; Description?: string }; Description?: string }[] }>(
    'GET',
    '/emulator/api/console/objects/Task/records?limit=100000',
  );
  const task = all.body.records.find((r) => (r.Id ?? r.fields?.Id) === recovered.Id);
  assert.match(task?.Description ?? task?.fields?.Description ?? '', /The softphone closed while this call was open/, JSON.stringify(task));
  await tab.close();
});
