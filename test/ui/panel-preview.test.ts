/**
 * Browser smoke test of the softphone panel: the dev preview page (src/app/panel-preview) runs the
 * real SoftphoneRuntime and panel over the behaving fakes in Chromium. Walks the agent's day —
 * sign in, a call with several matching records, keypad, transfer directory, hold and a second
 * line, wrap-up, settings, a hostile caller name, another language, a second tab — finding every
 * control by its accessible name, and saves a screenshot of each state to test-results/screenshots/.
 *
 * Needs `npm run build` first (npm test does it).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { RECORD_CHANNELS, type ChannelRecord } from '../support/channel-recorder.ts';

const SHOTS = 'test-results/screenshots';
const PREVIEW = 'dist/app/panel-preview/panel-preview.js';

let browser: Browser;
let server: StaticServer;

before(async () => {
  if (!existsSync(PREVIEW)) throw new Error(`${PREVIEW} is missing: run \`npm run build\` first.`);
  mkdirSync(SHOTS, { recursive: true });
  server = await serveStatic('dist');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(context: BrowserContext, query = ''): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.setViewportSize({ width: 380, height: 620 });
  await page.goto(`${server.url}/app/panel-preview/${query}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
  assert.deepEqual(errors, [], 'no page errors');
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.locator('#utility-bar').screenshot({ path: join(SHOTS, `${name}.png`) });
}

function channelLog(page: Page): Promise<ChannelRecord[]> {
  return page.evaluate('window.__channelLog ?? []') as Promise<ChannelRecord[]>;
}

/** Every IndexedDB database and object store of the page's origin, keys and values as JSON. */
function indexedDbDump(page: Page): Promise<{ db: string; store: string; json: string }[]> {
  return page.evaluate(`(async () => {
    const done = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
    const out = [];
    for (const { name } of await indexedDB.databases()) {
      const db = await done(indexedDB.open(name));
      for (const store of db.objectStoreNames) {
        const tx = db.transaction(store);
        const keys = await done(tx.objectStore(store).getAllKeys());
        const values = await done(tx.objectStore(store).getAll());
        out.push({ db: name, store, json: JSON.stringify([keys, values]) });
      }
      db.close();
    }
    return out;
  })()`) as Promise<{ db: string; store: string; json: string }[]>;
}

/** Runs `fn` in the page with the preview's fakes (`window.preview`). */
function inPage<T>(page: Page, fn: string): Promise<T> {
  return page.evaluate(`(async () => { const { phone, crm, host } = window.preview; ${fn} })()`) as Promise<T>;
}

test("the panel through an agent's calls, by accessible names, with screenshots", { timeout: 120_000 }, async () => {
  const context = await browser.newContext();
  await context.addInitScript(RECORD_CHANNELS);
  const page = await open(context);
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });

  // Sign-in: the extension and password typed by the agent.
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  await shot(page, '01-sign-in');
  await page.getByLabel('Extension').fill('1001');
  await page.getByLabel('Password').fill('secret');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page
    .getByRole('status', { name: 'Connection' })
    .filter({ hasText: /^Connected$/ })
    .waitFor();
  assert.equal(await page.getByRole('combobox', { name: 'Status' }).inputValue(), 'available');
  assert.equal(await page.getByLabel('Password').count(), 0, 'the sign-in form is gone');
  // What the app persists goes to IndexedDB, and what it shares goes over the tabs' channel: the
  // typed password is in neither.
  const stored = await indexedDbDump(page);
  assert.deepEqual(
    stored.filter((r) => r.json.includes('secret')),
    [],
    'the password is in no IndexedDB store',
  );
  const posted = await channelLog(page);
  assert.ok(
    posted.some((m) => m.dir === 'out' && m.json.includes('"registered"')),
    'the recorder saw the state posts',
  );
  assert.deepEqual(
    posted.filter((m) => m.json.includes('secret')),
    [],
    'the password crossed no channel',
  );
  await shot(page, '02-idle');

  // An incoming call whose number matches three records: the picker, then Answer with Alt+A.
  await inPage(page, `phone.callAgent({ from: '+14155550134', displayName: 'Grace Hopper', attachedData: { caseNumber: '00001042' } });`);
  await page.getByRole('button', { name: 'Answer' }).waitFor();
  await page.getByRole('button', { name: 'Decline' }).waitFor();
  await page.getByText('Several records match this caller').waitFor();
  assert.equal(await page.getByRole('list', { name: 'Matching records' }).getByRole('button').count(), 3);
  await shot(page, '03-incoming-multiple-matches');
  await page.getByRole('button', { name: 'Account: US Navy' }).click();
  await page.waitForFunction(() => (window as unknown as { preview: { crm: { openedRecords: unknown[] } } }).preview.crm.openedRecords.length === 1);
  // The CRM has it open before the panel's next render marks it chosen.
  await page.getByRole('button', { name: 'Account: US Navy', pressed: true }).waitFor({ timeout: 5000 });
  await page.keyboard.press('Alt+a');
  await page.getByRole('button', { name: 'Hang up' }).waitFor();
  for (const name of ['Mute', 'Hold', 'Keypad', 'Transfer']) await page.getByRole('button', { name, exact: true }).waitFor();
  await page.getByRole('button', { name: 'Mute', exact: true }).click();
  await page.getByRole('button', { name: 'Unmute', exact: true }).waitFor();
  await shot(page, '04-active-call');
  await page.getByRole('button', { name: 'Unmute', exact: true }).click();

  // Keypad: the keys send DTMF to the far end.
  await page.getByRole('button', { name: 'Keypad', exact: true }).click();
  await page.getByRole('button', { name: 'Send 4' }).click();
  await page.getByRole('button', { name: 'Send 2' }).click();
  await page.getByRole('button', { name: 'Send #' }).click();
  await page.keyboard.press('9');
  const dtmf = await inPage<string>(page, `await phone.settle(); return phone.farEnd(host.state.calls[0].id).dtmf;`);
  assert.equal(dtmf, '42#9', 'keys and typed digits both send tones');
  await shot(page, '05-keypad');
  await page.getByRole('button', { name: 'Keypad', exact: true }).click();

  // Transfer: the directory with busy lamps.
  await inPage(page, `phone.setLineState('1003', 'busy'); phone.setLineState('1004', 'ringing');`);
  await page.getByRole('button', { name: 'Transfer', exact: true }).click();
  await page.getByRole('button', { name: 'Transfer to Alan Turing' }).waitFor();
  await page.getByRole('img', { name: 'Busy' }).waitFor();
  await shot(page, '06-transfer-directory');
  await page.getByRole('button', { name: 'Transfer', exact: true }).click();

  // Hold, then a second line: swap and conference become possible.
  await page.getByRole('button', { name: 'Hold', exact: true }).click();
  await page.getByRole('button', { name: 'Resume' }).waitFor();
  await page.getByRole('button', { name: 'New call' }).click();
  await page.getByLabel('Number to dial').fill('1002');
  await page.getByRole('button', { name: 'Call', exact: true }).click();
  await page.waitForFunction(() =>
    (window as unknown as { preview: { host: { state: { calls: { state: string }[] } } } }).preview.host.state.calls.some((c) => c.state === 'ringing-out'),
  );
  await inPage(page, `const c = host.state.calls.find((c) => c.remote.number === '1002'); phone.farEnd(c.id).answer();`);
  await page.getByRole('button', { name: 'Swap' }).waitFor();
  await page.getByRole('button', { name: 'Conference' }).first().waitFor();
  await shot(page, '07-held-and-second-line');
  await page.getByRole('button', { name: 'Swap' }).click();
  await page.waitForFunction(() => {
    const calls = (window as unknown as { preview: { host: { state: { calls: { state: string; remote: { number: string } }[] } } } }).preview.host.state.calls;
    return calls.find((c) => c.remote.number === '1002')?.state === 'held' && calls.some((c) => c.remote.number === '+14155550134' && c.state === 'active');
  });
  // The panel draws the swap after the engine has it; a click aimed at the cards as they were can land
  // on whatever the new buttons put under it (Swap again), so wait for the cards as they are.
  const [consultId, customerId] = await inPage<string[]>(
    page,
    `return ['1002', '+14155550134'].map((n) => host.state.calls.find((c) => c.remote.number === n).id);`,
  );
  await page.locator(`article.sb-call_held[data-call-id="${consultId}"]`).waitFor();
  await page.locator(`article.sb-call_active[data-call-id="${customerId}"]`).waitFor();

  // Conference the two, then hang up both (Alt+H hangs up the focused call); wrap-up with its countdown.
  await page.getByRole('button', { name: 'Conference' }).first().click();
  await page.getByText('In conference with Alan Turing').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Conference', exact: true }).count(), 0, 'already in conference');
  await page.getByRole('button', { name: 'Leave conference' }).waitFor();
  await page.keyboard.press('Alt+h');
  await page.waitForFunction(
    () =>
      (window as unknown as { preview: { host: { state: { calls: { state: string }[] } } } }).preview.host.state.calls.filter((c) => c.state === 'active')
        .length === 1,
  );
  await page.getByRole('button', { name: 'Hang up' }).click();
  // The conference's first call is in wrap-up already: wait for the second's form, not the first's.
  await page.getByRole('form', { name: 'Wrap-up' }).nth(1).waitFor();
  assert.equal(await page.getByRole('form', { name: 'Wrap-up' }).count(), 2);
  const first = page.getByRole('form', { name: 'Wrap-up' }).first();
  await first.getByLabel('Disposition').selectOption('Resolved');
  await first.getByLabel('Notes').fill('Asked about the invoice; resolved.');
  await first.getByLabel('Notes').blur();
  await page.getByRole('timer').filter({ hasText: 'Wrap-up ends in' }).first().waitFor();
  await shot(page, '08-wrap-up');
  await first.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('form', { name: 'Wrap-up' }).first().getByRole('button', { name: 'Save' }).click();
  await page.waitForFunction(() => (window as unknown as { preview: { crm: { savedLogs: unknown[] } } }).preview.crm.savedLogs.length === 2, undefined, {
    timeout: 5000,
  });
  const logs = await inPage<{ fields: Record<string, string> }[]>(page, `return crm.savedLogs;`);
  assert.ok(
    logs.some((l) => l.fields['CallDisposition'] === 'Resolved' && String(l.fields['Description']).includes('Asked about the invoice; resolved.')),
    JSON.stringify(logs),
  );

  // History and settings.
  await page.getByRole('tab', { name: 'History' }).click();
  await page.getByRole('list', { name: 'Recent calls' }).waitFor();
  assert.equal(await page.getByRole('list', { name: 'Recent calls' }).getByRole('listitem').count(), 2);
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByRole('combobox', { name: 'Microphone' }).waitFor();
  await page.getByRole('combobox', { name: 'Ringer' }).waitFor();
  await page.getByRole('button', { name: 'Play test tone' }).waitFor();
  await page.waitForFunction(
    () => {
      const panel = document.querySelector('sb-panel');
      const meter = panel?.shadowRoot?.querySelector('sb-audio-settings')?.shadowRoot?.querySelector('meter');
      return meter !== null && meter !== undefined && meter.value > 0;
    },
    undefined,
    { timeout: 5000 },
  );
  await shot(page, '09-settings');
  await page.getByRole('tab', { name: 'Help' }).click();
  await page.getByText('Alt+A answers').waitFor();
  await page.getByRole('tab', { name: 'Phone' }).click();

  // A hostile display name is rendered as text, never as markup.
  const hostile = '<img src=x onerror=alert(1)>';
  await inPage(page, `phone.callAgent({ from: '+14155550199', displayName: ${JSON.stringify(hostile)} });`);
  await page.getByRole('button', { name: 'Answer' }).waitFor();
  await page.getByText(hostile, { exact: true }).waitFor();
  // A string, not a function: tsx would wrap a named inner function in a helper the page lacks.
  const imgs = await page.evaluate(`(() => {
    const count = (root) => root.querySelectorAll('img').length + [...root.querySelectorAll('*')].reduce((n, el) => n + (el.shadowRoot ? count(el.shadowRoot) : 0), 0);
    return count(document);
  })()`);
  assert.equal(imgs, 0, 'no <img> element was created');
  await shot(page, '10-hostile-display-name');
  assert.equal(dialogs, 0, 'no script ran');
  await page.getByRole('button', { name: 'Decline' }).click();
  await page.getByRole('button', { name: 'Answer' }).waitFor({ state: 'detached' });
  await context.close();
});

test("the panel speaks the agent's language", async () => {
  const context = await browser.newContext();
  const page = await open(context, '?locale=de_DE&signin=1');
  await page.getByRole('tab', { name: 'Verlauf' }).waitFor();
  await page.getByRole('status', { name: 'Verbindung' }).filter({ hasText: 'Verbunden' }).waitFor();
  await inPage(page, `phone.callAgent({ from: '+14155550100' });`);
  await page.getByRole('button', { name: 'Annehmen' }).waitFor();
  await page.getByRole('button', { name: 'Ablehnen' }).waitFor();
  await shot(page, '11-german-incoming');
  await context.close();
});

test(
  'a second tab mirrors the phone and controls it; when the first closes it takes over and asks to sign in again; no password crosses',
  { timeout: 60_000 },
  async () => {
    const context = await browser.newContext();
    await context.addInitScript(RECORD_CHANNELS);
    const first = await open(context, '?signin=1');
    await first
      .getByRole('status', { name: 'Connection' })
      .filter({ hasText: /^Connected$/ })
      .waitFor();
    const second = await open(context);
    await second.getByText('The phone is active in another Salesforce tab').waitFor();
    await second
      .getByRole('status', { name: 'Connection' })
      .filter({ hasText: /^Connected$/ })
      .waitFor();
    // The second tab changes presence; the first (the phone) carries it out.
    await second.getByRole('combobox', { name: 'Status' }).selectOption('away:Lunch');
    await first.waitForFunction(
      () =>
        (window as unknown as { preview: { host: { state: { presence: { status: string; reasonId?: string } } } } }).preview.host.state.presence.reasonId ===
        'Lunch',
    );
    await shot(second, '12-second-tab');
    const heard = await channelLog(second);
    assert.ok(
      heard.some((m) => m.dir === 'in' && m.json.includes('"Lunch"')),
      "the follower heard the leader's state",
    );
    assert.deepEqual(
      heard.filter((m) => m.json.includes('secret')),
      [],
      'the follower never received the password',
    );
    const closedAt = Date.now();
    await first.close();
    await second.getByText('The phone is active in another Salesforce tab').waitFor({ state: 'detached', timeout: 2000 });
    const role = await second.evaluate(() => (window as unknown as { preview: { host: { leadership: { role: string } } } }).preview.host.leadership.role);
    assert.equal(role, 'leader');
    assert.ok(Date.now() - closedAt < 2000, `takeover took ${Date.now() - closedAt} ms`);
    // The typed password stayed in the closed tab: this one asks for it.
    await second.getByText('The phone moved to this tab; sign in again.').waitFor({ timeout: 5000 });
    await shot(second, '13-takeover-sign-in-again');
    await second.getByLabel('Extension').fill('1001');
    await second.getByLabel('Password').fill('secret');
    await second.getByRole('button', { name: 'Sign in', exact: true }).click();
    await second
      .getByRole('status', { name: 'Connection' })
      .filter({ hasText: /^Connected$/ })
      .waitFor();
    assert.equal(await second.getByText('The phone moved to this tab; sign in again.').count(), 0, 'the notice goes once signed in');
    await context.close();
  },
);

test('signing in from a follower tab takes the phone to that tab; the password stays there', { timeout: 60_000 }, async () => {
  const context = await browser.newContext();
  await context.addInitScript(RECORD_CHANNELS);
  const first = await open(context);
  await first.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  const second = await open(context);
  await second.getByText('The phone is active in another Salesforce tab').waitFor();
  await second.getByLabel('Extension').fill('1001');
  await second.getByLabel('Password').fill('secret');
  await second.getByRole('button', { name: 'Sign in', exact: true }).click();
  await second
    .getByRole('status', { name: 'Connection' })
    .filter({ hasText: /^Connected$/ })
    .waitFor();
  assert.equal(await second.getByText('The phone is active in another Salesforce tab').count(), 0, 'the tab where the agent signed in holds the phone');
  await first.getByText('The phone is active in another Salesforce tab').waitFor({ timeout: 5000 });
  await first
    .getByRole('status', { name: 'Connection' })
    .filter({ hasText: /^Connected$/ })
    .waitFor();
  for (const page of [first, second]) {
    assert.deepEqual(
      (await channelLog(page)).filter((m) => m.json.includes('secret')),
      [],
      'no channel message carries the password',
    );
  }
  await context.close();
});

test('in cross-site frames without Web Locks, the tabs still elect one phone over BroadcastChannel', { timeout: 60_000 }, async () => {
  // The softphone on its own domain inside Salesforce: Chromium denies Web Locks (and IndexedDB)
  // to such a frame when third-party storage is blocked. Outer page on 127.0.0.1, frame on localhost.
  const context = await browser.newContext();
  const frameUrl = `${server.url.replace('127.0.0.1', 'localhost')}/app/panel-preview/`;
  const openTab = async (query: string) => {
    const page = await context.newPage();
    await page.goto(`${server.url}/app/panel-preview/index.html?outer`);
    await page.setContent(`<iframe title="Softphone" src="${frameUrl}${query}" style="width:360px;height:600px"></iframe>`);
    const frame = page.frames().find((f) => f.url().startsWith(frameUrl));
    assert.ok(frame, 'the softphone frame loaded');
    await frame.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
    return { page, frame };
  };
  const first = await openTab('?signin=1');
  const denied = await first.frame.evaluate(() => navigator.locks.request('probe', () => 'granted').then(String, (e: Error) => e.name));
  assert.equal(denied, 'SecurityError', 'this Chromium denies Web Locks to a cross-site frame (the case under test)');
  await first.frame
    .getByRole('status', { name: 'Connection' })
    .filter({ hasText: /^Connected$/ })
    .waitFor();
  const second = await openTab('');
  await second.frame.getByText('The phone is active in another Salesforce tab').waitFor({ timeout: 5000 });
  const closedAt = Date.now();
  await first.page.close();
  await second.frame.getByText('The phone is active in another Salesforce tab').waitFor({ state: 'detached', timeout: 2500 });
  const tookMs = Date.now() - closedAt;
  assert.equal(
    await second.frame.evaluate(() => (window as unknown as { preview: { host: { leadership: { role: string } } } }).preview.host.leadership.role),
    'leader',
  );
  assert.ok(tookMs < 2000, `takeover took ${tookMs} ms`);
  // The typed password never left the first tab: the new phone asks for it.
  await second.frame.getByText('The phone moved to this tab; sign in again.').waitFor({ timeout: 3000 });
  await context.close();
});

test('the softphone page opened directly explains where it must run', async () => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}/app/softphone/`);
  await page.getByRole('alert').filter({ hasText: 'panneau softphone de Salesforce' }).waitFor({ timeout: 5000 });
  await page.goto(`${server.url}/app/softphone/?locale=en`);
  await page.getByRole('alert').filter({ hasText: 'must run inside the Salesforce softphone panel' }).waitFor({ timeout: 5000 });
  assert.deepEqual(errors, []);
  await context.close();
});

test('transfers: consult a colleague then complete, or transfer at once; the quality indicator shows', async () => {
  const context = await browser.newContext();
  const page = await open(context, '?signin=1');
  await page
    .getByRole('status', { name: 'Connection' })
    .filter({ hasText: /^Connected$/ })
    .waitFor();
  await inPage(page, `phone.callAgent({ from: '+14155550100', displayName: 'Katherine Johnson' });`);
  await page.getByRole('button', { name: 'Answer' }).click();
  await page.getByRole('button', { name: 'Hang up' }).waitFor();
  await inPage(page, `phone.farEnd(host.state.calls[0].id).reportQuality({ mos: 4.31, jitterMs: 3, packetLossPercent: 0, roundTripMs: 40 });`);
  await page.getByRole('img', { name: 'Call quality: good (MOS 4.3)' }).waitFor();

  // Consultative: consult Alan, who answers, then complete the transfer.
  await page.getByRole('button', { name: 'Transfer', exact: true }).click();
  await page.getByRole('button', { name: 'Consult Alan Turing' }).click();
  await page.getByRole('article', { name: 'Consultation' }).waitFor();
  await inPage(page, `await phone.settle(); const c = host.state.calls.find((c) => c.consultationFor); phone.farEnd(c.id).answer();`);
  await page.getByRole('article', { name: 'Consultation' }).getByText('Connected').waitFor();
  await page.getByRole('button', { name: 'Complete transfer' }).click();
  // One wrap-up for the conversation (the consultation is folded into it), saying where it went.
  const wrapUp = page.getByRole('form', { name: 'Wrap-up' });
  await wrapUp.getByText('Transferred to Alan Turing after consulting').waitFor();
  assert.equal(await wrapUp.count(), 1, 'one wrap-up: the consultation has none of its own');
  await wrapUp.getByRole('button', { name: 'Save' }).click();
  await page.waitForFunction(() => (window as unknown as { preview: { host: { state: { calls: unknown[] } } } }).preview.host.state.calls.length === 0);

  // Blind: to a typed extension.
  await inPage(page, `phone.callAgent({ from: '+14155550100', displayName: 'Katherine Johnson' });`);
  await page.getByRole('button', { name: 'Answer' }).click();
  await page.getByRole('button', { name: 'Transfer', exact: true }).click();
  await page.getByLabel('Number or extension').fill('1003');
  await page.getByRole('button', { name: 'Transfer now', exact: true }).click();
  await wrapUp.getByText('Transferred to Grace Hopper', { exact: true }).waitFor();
  await wrapUp.getByRole('button', { name: 'Save' }).click();
  await page.waitForFunction(
    () => (window as unknown as { preview: { host: { state: { calls: unknown[] } } } }).preview.host.state.calls.length === 0,
    undefined,
    { timeout: 5000 },
  );
  const transferredTo = await inPage<string>(page, `return phone.farEnd(host.state.recent[0].id).transferredTo;`);
  assert.equal(transferredTo, '1003');
  await page.getByRole('tab', { name: 'History' }).click();
  // The panel renders in the task after the click: wait for the list, then count it.
  const transferred = page.getByRole('list', { name: 'Recent calls' }).getByText('Transferred');
  await transferred.first().waitFor();
  assert.equal(await transferred.count(), 3, 'two transferred legs of the first call plus the blind transfer');
  await context.close();
});

/**
 * A signed-in, connected panel whose screen pops wait until the test releases them
 * (`window.popGate.shift()()`): the ringing card shows first, its records after.
 */
async function openWithHeldPops(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await open(context, '?signin=1');
  await page
    .getByRole('status', { name: 'Connection' })
    .filter({ hasText: /^Connected$/ })
    .waitFor();
  await inPage(
    page,
    `const real = crm.screenPop.bind(crm); window.popGate = []; crm.screenPop = (request) => new Promise((release) => window.popGate.push(() => release(real(request))));`,
  );
  return { context, page };
}

test('Answer stays where it is while the screen pop fills in the ringing card (match, no match, caller name or none)', { timeout: 60_000 }, async () => {
  const { context, page } = await openWithHeldPops();
  const answer = page.getByRole('button', { name: 'Answer' });
  const cases = [
    { from: '+14155550100', displayName: '', after: 'Related to Contact: Katherine Johnson' },
    { from: '+14155550100', displayName: 'Katherine Johnson', after: 'Related to Contact: Katherine Johnson' },
    { from: '+14155550199', displayName: '', after: undefined },
  ];
  for (const c of cases) {
    await inPage(page, `window.far = phone.callAgent({ from: '${c.from}'${c.displayName ? `, displayName: '${c.displayName}'` : ''} });`);
    await answer.waitFor();
    await page.waitForFunction('window.popGate.length === 1');
    const before = await answer.boundingBox();
    await inPage(page, `window.popGate.shift()(); await crm.settle();`);
    if (c.after) await page.getByText(c.after).waitFor();
    else await page.getByText('Why this record').waitFor();
    const after = await answer.boundingBox();
    assert.ok(before && after, 'Answer is on screen');
    assert.equal(after.y, before.y, `Answer did not move when the pop for ${c.from} (${c.displayName || 'no name'}) came back`);
    await inPage(page, `window.far.cancel(); await phone.settle();`);
    await answer.waitFor({ state: 'detached' });
  }
  await context.close();
});

test('a caller who hangs up while the pop still searches: no wrap-up form flashes, the dial pad comes back where it was', { timeout: 60_000 }, async () => {
  const { context, page } = await openWithHeldPops();
  const number = page.getByRole('textbox', { name: 'Number to dial' });
  const idle = await number.boundingBox();
  for (const from of ['+14155550100', '+14155550199']) {
    await inPage(page, `window.far = phone.callAgent({ from: '${from}' });`);
    await page.getByRole('button', { name: 'Answer' }).waitFor();
    await page.waitForFunction('window.popGate.length === 1');
    // The caller gives up; the call is over but cannot close until its pop answers.
    await inPage(page, `window.far.cancel(); await phone.settle();`);
    await number.waitFor();
    assert.equal(await page.getByRole('form', { name: 'Wrap-up' }).count(), 0, `no wrap-up form for the missed call from ${from}`);
    assert.deepEqual(await number.boundingBox(), idle, 'the dial pad is back where it was');
    await inPage(page, `window.popGate.shift()(); await crm.settle();`);
    assert.equal(await page.getByRole('form', { name: 'Wrap-up' }).count(), 0);
    assert.deepEqual(await number.boundingBox(), idle);
  }
  await context.close();
});
