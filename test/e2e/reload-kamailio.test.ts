/**
 * A call survives a reload of the agent's console with Kamailio as the phone system (the project's
 * deploy/kamailio config, auth_ephemeral): Kamailio is a proxy, so the reloaded page's INVITE with
 * Replaces travels to the customer's own phone, which swaps the dialog; nothing on the server side
 * keeps the call. Real connector in the Lightning console emulator, a Chromium customer phone.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { DEMO, STRICT_CHROMIUM_ARGS, startConsole, type RunningConsole } from '../../src/node/console/index.ts';
import { launchChromium } from '../support/chromium.ts';
import { PEER_CONNECTION_PROBE, audioBytesSince } from '../support/peer-audio.ts';
import { startKamailio, type KamailioHandle } from '../support/kamailio.ts';
import { openCustomerPhone, waitUntil, type TaskRecord } from './harness.ts';

const CALLER = DEMO.uniqueContact.e164;

async function audioGrows(read: () => Promise<number>, what: string): Promise<void> {
  const start = await read().catch(() => 0);
  await waitUntil(async () => (await read().catch(() => 0)) - start > 4000, 20_000, what);
}

describe('a call survives a reload of the console, with Kamailio', { concurrency: false, timeout: 240_000 }, () => {
  let kamailio: KamailioHandle;
  let app: RunningConsole;
  let browser: Browser;
  let agent: Page;
  let customer: Page;

  before(
    async () => {
      const secret = randomBytes(24).toString('hex');
      const password = `caller-${randomBytes(6).toString('hex')}`;
      kamailio = await startKamailio({ ephemeralSecret: secret, users: [{ username: CALLER, password }] });
      app = await startConsole({ dbFile: ':memory:', sipServer: kamailio.wsUrl, sipDomain: kamailio.domain, strictOrigins: true, sipSecret: secret });
      browser = await launchChromium(STRICT_CHROMIUM_ARGS);
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      await context.addInitScript(PEER_CONNECTION_PROBE);
      agent = await context.newPage();
      await agent.goto(app.consoleUrl(DEMO.agent.username));
      await waitUntil(async () => (await kamailio.registeredUsers()).includes(DEMO.agent.extension), 30_000, 'the agent registers with Kamailio');
      customer = await openCustomerPhone({ browser, console: app, sip: { url: kamailio.wsUrl } }, CALLER, {
        dial: DEMO.agent.extension,
        domain: kamailio.domain,
        password,
      });
      await customer.evaluate(PEER_CONNECTION_PROBE);
    },
    { timeout: 90_000 },
  );
  after(async () => {
    await browser?.close().catch(() => {});
    await app?.close().catch(() => {});
    await kamailio?.stop().catch(() => {});
  });

  const phone = () => agent.frameLocator('iframe[title="Softphone"]');
  const softphoneFrame = () => agent.frames().find((f) => /\/softphone\//.test(f.url()));

  test('reload mid-call: the customer stays on, audio comes back both ways, one Task with the whole duration', { timeout: 120_000 }, async () => {
    const earlier = new Set((app.data.list('Task', 10_000) as unknown as TaskRecord[]).map((t) => t.Id));
    await customer.getByRole('button', { name: 'Call', exact: true }).click();
    await phone().getByRole('button', { name: 'Answer' }).click({ timeout: 20_000 });
    await phone().getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 10_000 });
    const answeredAt = Date.now();
    await audioGrows(async () => (await softphoneFrame()!.evaluate(audioBytesSince())) as number, 'the agent hears the customer');
    await new Promise((r) => setTimeout(r, 2000));

    const reloadAt = Date.now();
    await agent.reload({ timeout: 30_000 });
    await phone().getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 20_000 });
    await Promise.all([
      audioGrows(async () => (await softphoneFrame()!.evaluate(audioBytesSince())) as number, 'the agent hears the customer after the reload'),
      audioGrows(async () => (await customer.evaluate(audioBytesSince())) as number, 'the customer hears the agent after the reload'),
    ]);
    console.log(`# Kamailio: audio both ways ${Date.now() - reloadAt} ms after the reload`);
    assert.match((await customer.locator('#state').textContent()) ?? '', /connected/, 'the customer phone stayed in the call');

    const hangupAt = Date.now();
    await phone().getByRole('button', { name: 'Hang up' }).click();
    await phone().getByRole('form', { name: 'Wrap-up' }).getByRole('button', { name: 'Save' }).click({ timeout: 10_000 });
    const mine = () =>
      (app.data.list('Task', 10_000) as unknown as TaskRecord[]).filter((t) => !earlier.has(t.Id) && t.fields['WhoId'] === DEMO.uniqueContact.id);
    await waitUntil(() => mine().length > 0, 15_000, 'the Task is saved');
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(mine().length, 1, 'one Task');
    const duration = Number(mine()[0]!.fields['CallDurationInSeconds']);
    const talked = Math.floor((hangupAt - answeredAt) / 1000);
    assert.ok(duration >= talked && duration <= talked + 5, `CallDurationInSeconds ${duration} is the whole call (${talked} s)`);
  });
  test('reload while a call rings: Kamailio does not offer it again; the reloaded console logs it once, as missed', { timeout: 120_000 }, async () => {
    const earlier = new Set((app.data.list('Task', 10_000) as unknown as TaskRecord[]).map((t) => t.Id));
    await customer.getByRole('button', { name: 'Call', exact: true }).click();
    await phone().getByRole('button', { name: 'Answer' }).waitFor({ timeout: 20_000 });
    await agent.reload({ timeout: 30_000 });
    await phone().getByRole('status').first().waitFor({ timeout: 20_000 });
    await waitUntil(async () => (await kamailio.registeredUsers()).includes(DEMO.agent.extension), 30_000, 'the reloaded console registers again');
    // The reference config forks no new branch to a registration made after the INVITE (that needs
    // tsilo's t_append_branches, README): the call does not ring on the reloaded page.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await phone().getByRole('button', { name: 'Answer' }).count(), 0, 'not offered again through Kamailio');
    // The caller gives up. Kamailio forwards the CANCEL to the branch whose WebSocket is gone and
    // completes it only when fr_inv_timer (60 s here) ends that branch (README: a known limit of the
    // reference config); the log does not wait for that.
    await customer.getByRole('button', { name: /Hang up call/ }).click();

    // The page that rang left the call in the journal; the reloaded one logs it once the offer
    // can no longer come back (the journal's wait for a ringing call), as missed. (Whether it names
    // the caller depends on whether the ring's screen pop landed before the reload.)
    const mine = () => (app.data.list('Task', 10_000) as unknown as TaskRecord[]).filter((t) => !earlier.has(t.Id) && t.fields['CallType'] === 'Inbound');
    await waitUntil(() => mine().length > 0, 60_000, 'the missed call is logged');
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(mine().length, 1, 'logged once');
    const task = mine()[0]!.fields;
    assert.equal(task['CallDisposition'], 'Missed');
    assert.match(String(task['Subject']), /^Missed call from /);
    assert.equal(Number(task['CallDurationInSeconds']), 0);
  });
});
