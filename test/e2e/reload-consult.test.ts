/**
 * Issue 11's failure modes with two calls up: the agent's console reloads during a consultation
 * and during a conference. Real connector in two Lightning consoles (Ada 1001, Bob 1002), the
 * embedded SIP server, a Chromium customer phone that calls Ada directly. At the least the
 * customer stays connected (no BYE reaches them); the panel shows the calls again; the
 * conversation ends normally later and Ada's day has exactly one Task for it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { DEMO } from '../../src/node/console/seed/index.ts';
import {
  clickEach,
  openRegisteredAgent,
  CALLERS,
  openCustomerPhone,
  shot,
  startHarness,
  tasksFor,
  waitUntil,
  type AgentConsole,
  type Harness,
  type TaskRecord,
} from './harness.ts';

const ADA = DEMO.agent;
const BOB = DEMO.secondAgent;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a reload with two calls up: consultation and conference', { concurrency: false, timeout: 300_000 }, () => {
  let h: Harness;
  let ada: AgentConsole;
  let bob: AgentConsole;
  let customer: Page;
  const seen = new Set<string>();
  /** BYE requests the server sent down the customer's socket while watched. */
  let byesToCustomer: string[] = [];
  let customerConnection: number | undefined;

  before(
    async () => {
      h = await startHarness({ ringGroup: [ADA.extension] });
      ada = await openRegisteredAgent(h, ADA);
      bob = await openRegisteredAgent(h, BOB);
      customer = await openCustomerPhone(h, CALLERS.ada, { dial: ADA.extension });
      customerConnection = h.sip.registrations(CALLERS.ada)[0]?.connectionId;
      h.sip.on('message', (m) => {
        if (m.direction === 'out' && m.connectionId === customerConnection && /^BYE /.test(m.text)) byesToCustomer.push(m.text.split('\r\n')[0]!);
      });
    },
    { timeout: 90_000 },
  );
  after(async () => h?.close());

  const card = (phone: FrameLocator, name: 'Incoming call' | 'Consultation') => phone.getByRole('article', { name });
  const customerLine = () => customer.locator('li').filter({ hasText: 'To 1001' });
  const adaTasks = (): TaskRecord[] => tasksFor(h, (t) => !seen.has(t.Id) && t.fields['OwnerId'] === ADA.id);

  async function customerCallsAdaWhoConsultsBob(): Promise<void> {
    for (const t of tasksFor(h, () => true)) seen.add(t.Id);
    byesToCustomer = [];
    await customer.getByRole('button', { name: 'Call', exact: true }).click();
    await ada.phone.getByRole('button', { name: 'Answer' }).click({ timeout: 20_000 });
    await card(ada.phone, 'Incoming call').getByText('Connected').waitFor({ timeout: 15_000 });
    await customerLine()
      .getByText(/connected/)
      .waitFor({ timeout: 10_000 });
    await ada.phone.getByRole('button', { name: 'Transfer', exact: true }).click();
    await ada.phone.getByRole('button', { name: 'Consult Bob Backup' }).click();
    await bob.phone.getByRole('button', { name: 'Answer' }).click({ timeout: 20_000 });
    await card(ada.phone, 'Consultation').getByText('Connected').waitFor({ timeout: 15_000 });
  }

  async function reloadAda(): Promise<void> {
    await ada.page.reload({ timeout: 30_000 });
    await ada.phone.getByRole('status').first().waitFor({ timeout: 20_000 });
  }

  /** Ada saves the one wrap-up the conversation leaves; the Task is written once. */
  async function adaLoggedOnce(): Promise<TaskRecord> {
    const forms = ada.phone.getByRole('form', { name: 'Wrap-up' });
    await forms.first().waitFor({ timeout: 15_000 });
    while ((await forms.count()) > 0) {
      await forms.first().getByRole('button', { name: 'Save' }).click();
      await sleep(300);
    }
    await waitUntil(() => adaTasks().some((t) => t.fields['CallType'] === 'Inbound'), 15_000, "Ada's Task for the customer's call");
    await sleep(2000);
    const inbound = adaTasks().filter((t) => t.fields['CallType'] === 'Inbound');
    assert.equal(inbound.length, 1, `one Task for the customer's call: ${JSON.stringify(adaTasks().map((t) => t.fields['Subject']))}`);
    return inbound[0]!;
  }

  async function bobHangsUpAndSaves(): Promise<void> {
    const hangUp = bob.phone.getByRole('button', { name: 'Hang up' });
    if ((await hangUp.count()) > 0) await hangUp.first().click();
    const forms = bob.phone.getByRole('form', { name: 'Wrap-up' });
    await forms.first().waitFor({ timeout: 15_000 });
    await clickEach(forms, 'Save');
  }

  test(
    'reload during a consultation: the customer stays on hold, both calls come back, Ada completes the transfer; one Task',
    { timeout: 150_000 },
    async () => {
      await customerCallsAdaWhoConsultsBob();
      const answeredAt = Date.now();
      await customerLine()
        .getByText(/on hold/)
        .waitFor({ timeout: 10_000 });

      await reloadAda();
      await card(ada.phone, 'Consultation').getByText('Connected').waitFor({ timeout: 20_000 });
      await card(ada.phone, 'Incoming call').waitFor({ timeout: 20_000 });
      await shot(ada.page, 'reload-consult-01-both-calls-back');
      await sleep(1500);
      assert.deepEqual(byesToCustomer, [], 'the reload sent the customer no BYE');
      assert.equal(await customerLine().count(), 1, 'the customer is still on the line');
      assert.match((await customerLine().textContent()) ?? '', /on hold/, 'the customer is still on hold while Ada talks to Bob');
      assert.equal(await bob.phone.getByRole('button', { name: 'Hang up' }).count(), 1, "Bob's consultation call is still up");

      await ada.phone.getByRole('button', { name: 'Complete transfer' }).click();
      const task = await adaLoggedOnce();
      assert.equal(task.fields['WhoId'], DEMO.uniqueContact.id, "related to the caller's contact");
      assert.match(String(task.fields['Description']), /Transferred to Bob Backup \(1002\) after consulting them/);
      assert.ok(
        Number(task.fields['CallDurationInSeconds']) >= Math.floor((Date.now() - answeredAt) / 1000) - 15,
        `talk time before and after the reload counted: ${String(task.fields['CallDurationInSeconds'])}`,
      );
      assert.equal(adaTasks().filter((t) => t.fields['CallType'] === 'Internal').length, 0, 'no Task for the consultation');

      // The transfer itself replaces the customer's dialog with Ada by one with Bob (RFC 3891), so
      // the old dialog's BYE is expected now; the customer's phone shows one call, talking.
      await waitUntil(async () => /: connected/.test((await customerLine().textContent()) ?? ''), 10_000, 'the customer talks with Bob, not on hold');
      assert.equal(await customerLine().count(), 1, 'the customer has one call, with Bob');
      await bobHangsUpAndSaves();
      await waitUntil(async () => (await customerLine().count()) === 0, 10_000, "the customer's call ends when Bob hangs up");
    },
  );

  test(
    'reload during a conference: the customer stays connected, the three are mixed again; Ada leaves, the caller stays with Bob; one Task',
    { timeout: 150_000 },
    async () => {
      await customerCallsAdaWhoConsultsBob();
      await ada.phone.getByRole('button', { name: 'Conference', exact: true }).first().click();
      await ada.phone.getByText('In conference with Bob Backup').waitFor({ timeout: 10_000 });
      await customerLine()
        .getByText(/: connected/)
        .waitFor({ timeout: 10_000 });

      await reloadAda();
      await card(ada.phone, 'Incoming call').waitFor({ timeout: 20_000 });
      await ada.phone.getByText('In conference with Bob Backup').waitFor({ timeout: 20_000 });
      const softphoneLog = async (): Promise<string> =>
        ((await ada.page
          .frames()
          .find((f) => /\/softphone\//.test(f.url()))
          ?.evaluate('window.switchboard.logger.text()')
          .catch(() => '')) as string | undefined) ?? '';
      await waitUntil(async () => /conference mixed again after the page reloaded/.test(await softphoneLog()), 20_000, 'the conference is mixed again');
      await shot(ada.page, 'reload-conference-01-back');
      await sleep(1500);
      assert.deepEqual(byesToCustomer, [], 'the reload sent the customer no BYE');
      assert.equal(await customerLine().count(), 1, 'the customer is still on the line');
      assert.match((await customerLine().textContent()) ?? '', /: connected/, 'the customer is talking, not on hold');

      await ada.phone.getByRole('button', { name: 'Leave conference' }).click({ timeout: 10_000 });
      const task = await adaLoggedOnce();
      assert.equal(task.fields['WhoId'], DEMO.uniqueContact.id, "related to the caller's contact");
      assert.match(String(task.fields['Description']), /Left the conference; the caller stayed on with Bob Backup \(1002\)\./);
      await waitUntil(async () => /: connected/.test((await customerLine().textContent()) ?? ''), 10_000, 'the caller talks with Bob');
      assert.equal(await customerLine().count(), 1, 'the caller has one call, with Bob');
      await bobHangsUpAndSaves();
      await waitUntil(async () => (await customerLine().count()) === 0, 10_000, "the customer's call ends when Bob hangs up");
    },
  );
});
