/**
 * "The agent's day": handing a caller on, as the agent, the colleague and the caller live it, and
 * as the Task shows it (README "Call logging": one Task per customer conversation per agent).
 * Real connector in two Lightning consoles (Ada 1001, Bob 1002), real SIP through the embedded
 * server, a Chromium customer phone that calls Ada directly.
 * - Blind transfer: Ada sends the caller to Bob; Ada wraps up once; her Task says where it went.
 * - Consultative transfer: Ada consults Bob, then completes; one wrap-up, one Task with the
 *   consultation folded in (no "Internal call 1002" Task); the caller's phone is no longer "on hold".
 * - Conference: Ada consults Bob, joins the three, then leaves; the caller and Bob go on talking.
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
const CARA = DEMO.thirdAgent;

describe("the agent's day: transfers and conferences", { concurrency: false, timeout: 300_000 }, () => {
  let h: Harness;
  let ada: AgentConsole;
  let bob: AgentConsole;
  let customer: Page;
  const seen = new Set<string>();

  before(async () => {
    h = await startHarness({ ringGroup: [ADA.extension] });
    ada = await openRegisteredAgent(h, ADA);
    bob = await openRegisteredAgent(h, BOB);
    for (const t of tasksFor(h, () => true)) seen.add(t.Id);
    customer = await openCustomerPhone(h, CALLERS.ada, { dial: ADA.extension });
  });
  after(async () => {
    await h?.close();
  });

  /** Tasks written since the last call of this, by `owner`. */
  function newTasks(owner: string): TaskRecord[] {
    return tasksFor(h, (t) => !seen.has(t.Id) && t.fields['OwnerId'] === owner);
  }
  function markSeen(): void {
    for (const t of tasksFor(h, () => true)) seen.add(t.Id);
  }

  const card = (phone: FrameLocator, name: 'Incoming call' | 'Consultation') => phone.getByRole('article', { name });
  const customerLine = () => customer.locator('li').filter({ hasText: 'To 1001' });

  /** The customer calls Ada; Ada answers; both talk. */
  async function customerCallsAda(): Promise<void> {
    await customer.getByRole('button', { name: 'Call', exact: true }).click();
    await ada.phone.getByRole('button', { name: 'Answer' }).click({ timeout: 20_000 });
    await card(ada.phone, 'Incoming call').getByText('Connected').waitFor({ timeout: 15_000 });
    await customerLine()
      .getByText(/connected/)
      .waitFor({ timeout: 10_000 });
  }

  /** Bob answers what rings on his phone. */
  async function bobAnswers(): Promise<void> {
    await bob.phone.getByRole('button', { name: 'Answer' }).click({ timeout: 20_000 });
  }

  /** The caller and Bob talk, and keep talking after Ada is gone; then Bob hangs up and wraps up. */
  async function callerStaysWithBob(): Promise<void> {
    await waitUntil(
      async () => (await customerLine().textContent())?.includes(': connected') ?? false,
      10_000,
      "the caller's phone shows the call connected, not on hold",
    );
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await customerLine().count(), 1, 'the caller is still on the line');
    assert.match((await customerLine().textContent()) ?? '', /: connected/);
    await bob.phone.getByRole('button', { name: 'Hang up' }).first().click();
    await waitUntil(async () => (await customerLine().count()) === 0, 10_000, "the caller's call ends when Bob hangs up");
    const bobWrapUp = bob.phone.getByRole('form', { name: 'Wrap-up' });
    await clickEach(bobWrapUp, 'Save');
  }

  async function adaWrapsUp(expectText: string, disposition: string, notes: string): Promise<void> {
    const forms = ada.phone.getByRole('form', { name: 'Wrap-up' });
    await forms.first().waitFor({ timeout: 15_000 });
    await forms
      .first()
      .getByText(expectText, { exact: true })
      .waitFor({ timeout: 5000 })
      .catch(async (error: unknown) => {
        throw new Error(`wrap-up does not say '${expectText}': ${await forms.first().innerText()}`, { cause: error });
      });
    assert.equal(await forms.count(), 1, 'one wrap-up for the conversation');
    await forms.first().getByLabel('Disposition').selectOption({ label: disposition });
    await forms.first().getByLabel('Notes').fill(notes);
    await forms.first().getByRole('button', { name: 'Save' }).click();
    await waitUntil(async () => (await forms.count()) === 0, 10_000, 'wrap-up saved');
  }

  async function adaTask(): Promise<TaskRecord> {
    await waitUntil(() => newTasks(ADA.id).length > 0, 15_000, "Ada's Task is written");
    await new Promise((r) => setTimeout(r, 500));
    const tasks = newTasks(ADA.id);
    assert.equal(tasks.length, 1, `exactly one Task for Ada: ${JSON.stringify(tasks.map((t) => t.fields['Subject']))}`);
    return tasks[0]!;
  }

  function checkTask(task: TaskRecord, description: readonly string[]): void {
    const f = task.fields;
    assert.equal(f['CallType'], 'Inbound');
    assert.equal(f['Status'], 'Completed');
    assert.equal(f['CallDisposition'], 'Resolved');
    assert.equal(f['WhoId'], DEMO.uniqueContact.id, "related to the caller's contact");
    assert.ok(Number(f['CallDurationInSeconds']) >= 1, `talk time counted: ${String(f['CallDurationInSeconds'])}`);
    assert.deepEqual(String(f['Description']).split('\n'), description);
  }

  test('blind transfer: Ada sends the caller to Bob, wraps up once, and her Task says where the call went', async () => {
    markSeen();
    await customerCallsAda();
    await ada.phone.getByRole('button', { name: 'Transfer', exact: true }).click();
    await ada.phone.getByRole('button', { name: 'Transfer to Bob Backup' }).click();
    await bobAnswers();
    await adaWrapsUp('Transferred to Bob Backup', 'Resolved', 'Billing question; Bob owns it');
    const task = await adaTask();
    checkTask(task, ['Billing question; Bob owns it', '', 'Transferred to Bob Backup (1002) (blind transfer).']);
    await callerStaysWithBob();
  });

  test('a blind transfer that fails after the caller accepted it (Cara is signed out): the call goes on with Ada, and her Task is no transfer', async () => {
    markSeen();
    await customerCallsAda();
    const cardOf = () => card(ada.phone, 'Incoming call');
    await ada.phone.getByRole('button', { name: 'Transfer', exact: true }).click();
    await ada.phone.getByRole('textbox', { name: 'Number or extension' }).fill(CARA.extension);
    await ada.phone.getByRole('button', { name: 'Transfer now', exact: true }).click();
    // The caller's phone accepts the REFER and calls 1003, whom the phone system cannot reach.
    await waitUntil(
      async () => h.sip.registrations(CARA.extension).length === 0 && (await cardOf().getByText('Connected').count()) === 1,
      15_000,
      "Ada's card shows the call connected again",
    );
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await cardOf().count(), 1, "the call is still on Ada's panel");
    assert.match((await customerLine().textContent()) ?? '', /: connected/, 'the caller is still connected to Ada');
    // Resumable: Ada holds and resumes it as any call.
    await cardOf().getByRole('button', { name: 'Hold' }).click();
    await cardOf().getByRole('button', { name: 'Resume' }).click({ timeout: 10_000 });
    await cardOf().getByText('Connected').waitFor({ timeout: 10_000 });
    await cardOf().getByRole('button', { name: 'Hang up' }).click();
    await waitUntil(async () => (await customerLine().count()) === 0, 10_000, "the caller's call ends when Ada hangs up");
    const form = ada.phone.getByRole('form', { name: 'Wrap-up' }).first();
    await form.waitFor({ timeout: 15_000 });
    assert.doesNotMatch(await form.innerText(), /Transferred/, 'wrap-up does not call it a transfer');
    await adaWrapsUp('Maria Lopez · +1 415 555 0134', 'Resolved', 'Tried Cara; she was out');
    const task = await adaTask();
    assert.doesNotMatch(String(task.fields['Description']), /transfer/i, 'a failed transfer is not logged as one');
    assert.match(String(task.fields['Description']), /Tried Cara; she was out/);
    assert.equal(newTasks(BOB.id).length, 0, 'nobody else logged the call');
  });

  test('consultative transfer: one wrap-up and one Task with the consultation folded in; the caller is not left "on hold"', async () => {
    markSeen();
    await customerCallsAda();
    await ada.phone.getByRole('button', { name: 'Transfer', exact: true }).click();
    await ada.phone.getByRole('button', { name: 'Consult Bob Backup' }).click();
    await customerLine()
      .getByText(/on hold/)
      .waitFor({ timeout: 10_000 });
    await bobAnswers();
    await card(ada.phone, 'Consultation').getByText('Connected').waitFor({ timeout: 15_000 });
    await new Promise((r) => setTimeout(r, 1200));
    await ada.phone.getByRole('button', { name: 'Complete transfer' }).click();
    await adaWrapsUp('Transferred to Bob Backup after consulting', 'Resolved', 'Warm transfer to Bob');
    await shot(ada.page, 'transfers-01-consultative-wrapped-up');
    const task = await adaTask();
    const lines = String(task.fields['Description']).split('\n');
    assert.match(lines[2] ?? '', /^Consulted Bob Backup \(1002\), talked 0:0[1-9]: the call was transferred to them\.$/);
    checkTask(task, ['Warm transfer to Bob', '', lines[2]!, 'Transferred to Bob Backup (1002) after consulting them (consultative transfer).']);
    assert.equal(
      tasksFor(h, (t) => !seen.has(t.Id) && t.fields['CallType'] === 'Internal' && t.fields['OwnerId'] === ADA.id).length,
      0,
      'no Task for the consultation',
    );
    await callerStaysWithBob();
  });

  test('conference, then Ada leaves: the caller and Bob go on talking; Ada has one wrap-up and one Task', async () => {
    markSeen();
    await customerCallsAda();
    await ada.phone.getByRole('button', { name: 'Transfer', exact: true }).click();
    await ada.phone.getByRole('button', { name: 'Consult Bob Backup' }).click();
    await bobAnswers();
    await card(ada.phone, 'Consultation').getByText('Connected').waitFor({ timeout: 15_000 });
    await ada.phone.getByRole('button', { name: 'Conference', exact: true }).first().click();
    await ada.phone.getByText('In conference with Bob Backup').waitFor({ timeout: 10_000 });
    await customerLine()
      .getByText(/: connected/)
      .waitFor({ timeout: 10_000 });
    await ada.phone.getByRole('button', { name: 'Leave conference' }).click();
    await adaWrapsUp('You left the conference; the caller stayed on with Bob Backup', 'Resolved', 'Bob joined and took over');
    const task = await adaTask();
    const lines = String(task.fields['Description']).split('\n');
    assert.match(lines[2] ?? '', /^Consulted Bob Backup \(1002\), talked \d:\d\d: joined in a conference\.$/);
    checkTask(task, ['Bob joined and took over', '', lines[2]!, 'Left the conference; the caller stayed on with Bob Backup (1002).']);
    await callerStaysWithBob();
  });
});
