/**
 * "The agent's day", records made or opened during a call, in the Lightning
 * console emulator with the real connector, real SIP and real WebRTC, driven as an agent works:
 * - an unknown caller: the no-match pop offers a New Contact form, the agent saves it while
 *   talking, then finds the caller's Account with the console's global search and opens it; wrap-up
 *   offers both (Name and Related To) and the Task is logged on both;
 * - a Lead as Name takes no Related To (Salesforce refuses the pair): opened during the call, or
 *   picked in wrap-up's Name, the Lead locks Related To in the panel and the Task has no WhatId.
 * Records are opened the way an agent opens them (search box, result link), so the connector learns
 * of them only through Open CTI's onNavigationChange, as in Salesforce.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import {
  CALLERS,
  openAgentConsole,
  openCtiLog,
  openCustomerPhone,
  shot,
  startHarness,
  tasksFor,
  waitRegistered,
  waitUntil,
  type AgentConsole,
  type Harness,
  type TaskRecord,
} from './harness.ts';

interface TabInfo {
  readonly recordId?: string;
  readonly objectType?: string;
  readonly recordName?: string;
}

describe("the agent's day: records made or opened during a call are related", { concurrency: false, timeout: 300_000 }, () => {
  let h: Harness;
  let agent: AgentConsole;

  before(
    async () => {
      h = await startHarness();
      // A desktop-sized window: the docked Phone panel leaves the workspace's Top Results clickable.
      const context = await h.browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1440, height: 960 } });
      agent = await openAgentConsole(h, { context });
      await waitRegistered(h);
      await agent.phone.getByRole('status').first().waitFor({ timeout: 20_000 });
    },
    { timeout: 60_000 },
  );
  after(async () => h?.close());
  // A test that fails mid-call must not leave its caller on the line for the next one.
  const customers: Page[] = [];
  afterEach(async () => {
    for (const customer of customers.splice(0))
      await customer
        .context()
        .close()
        .catch(() => {});
  });

  const currentTab = () => agent.page.evaluate('window.__console.currentTab()') as Promise<TabInfo | null>;
  const owner = (): string => h.console.data.defaultUser().Id;

  /** The org's Tasks about `recordId` (seeded ones have other Who/What). */
  const tasksOn = (recordId: string): TaskRecord[] => tasksFor(h, (t) => t.fields['WhoId'] === recordId || t.fields['WhatId'] === recordId);

  /** The customer rings the support line; the agent's panel shows the offer and the console pops. */
  async function ring(caller: string): Promise<Locator> {
    const customer = await openCustomerPhone(h, caller);
    customers.push(customer);
    await customer.getByRole('button', { name: 'Call', exact: true }).click();
    const card = agent.phone.getByRole('article', { name: 'Incoming call' });
    await card.waitFor({ timeout: 10_000 });
    return card;
  }

  /** The no-match pop: Lightning's New Contact form, over the workspace. */
  const newContactForm = () => agent.page.getByRole('dialog', { name: 'New Contact' });

  /** As an agent finds a record: type in the header's search box, Enter, click the name in Top Results. */
  async function searchAndOpen(term: string, name: string, recordId: string): Promise<void> {
    const box = agent.page.getByRole('searchbox', { name: 'Search' });
    await box.fill(term);
    await box.press('Enter');
    await agent.page.getByRole('main', { name: 'Workspace' }).getByRole('link', { name, exact: true }).click({ timeout: 10_000 });
    await waitUntil(async () => (await currentTab())?.recordId === recordId, 10_000, `the console shows ${name}`);
  }

  /** The wrap-up form's record pickers, by their visible labels. */
  function wrapUpPickers() {
    const form = agent.phone.getByRole('form', { name: 'Wrap-up' });
    const pick = (label: string) => form.getByRole('combobox', { name: label, exact: true });
    return { form, who: pick('Name'), what: pick('Related To') };
  }

  const optionTexts = (select: Locator): Promise<string[]> =>
    select
      .locator('option')
      .allTextContents()
      .then((texts) => texts.map((t) => t.trim()));

  test(
    "an unknown caller: the contact saved from the pop and the account opened from search are the Task's Name and Related To",
    { timeout: 120_000 },
    async () => {
      const account = h.console.data.create('Account', { Name: 'Quillfeather Instruments', Industry: 'Electronics' }, owner());
      const card = await ring(CALLERS.unknown);

      // Nobody has the number: the layout's no-match rule opens a New Contact form with it filled in.
      const form = newContactForm();
      await form.waitFor({ timeout: 10_000 }).catch(async (e: Error) => {
        throw new Error(`${e.message}\n${await openCtiLog(agent.page, ['searchAndScreenPop', 'screenPop'])}`);
      });
      assert.match(await form.getByLabel('Business Phone').inputValue(), /650\D*555\D*0123/, "the caller's number is prefilled");
      await card.getByRole('button', { name: 'Answer' }).click();
      await agent.phone.getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 10_000 });

      // While talking, the agent takes the caller's name and saves the contact; the console opens it.
      await form.getByLabel('First Name').fill('Nadia');
      await form.getByLabel('Last Name').fill('Okafor');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.waitFor({ state: 'detached', timeout: 10_000 });
      await waitUntil(async () => (await currentTab())?.objectType === 'Contact', 10_000, 'the console opens the new contact');
      const contact = (await currentTab())!.recordId!;
      assert.equal(h.console.data.record(contact)?.name, 'Nadia Okafor');

      // The caller works for a company already in the org: the agent finds it and opens it.
      await searchAndOpen('Quillfeather', 'Quillfeather Instruments', account);
      // The panel relates the call to both, in the agent's sight, before the call ends.
      await card.getByText('Related to Contact: Nadia Okafor · Account: Quillfeather Instruments', { exact: true }).waitFor({ timeout: 10_000 });
      await shot(agent.page, 'relate-01-contact-and-account');

      await agent.phone.getByRole('button', { name: 'Hang up' }).click();
      const { form: wrapUp, who, what } = wrapUpPickers();
      await wrapUp.waitFor({ timeout: 10_000 });
      assert.deepEqual(await optionTexts(who), ['None', 'Contact: Nadia Okafor']);
      assert.equal(await who.inputValue(), contact, 'Name is the new contact');
      assert.deepEqual(await optionTexts(what), ['None', 'Account: Quillfeather Instruments']);
      assert.equal(await what.inputValue(), account, 'Related To is the account');
      assert.equal(await what.isEnabled(), true);
      await wrapUp.getByRole('combobox', { name: 'Disposition', exact: true }).selectOption({ label: 'Follow-up needed' });
      await shot(agent.page, 'relate-02-wrap-up');
      await wrapUp.getByRole('button', { name: 'Save' }).click();

      await waitUntil(() => tasksOn(contact).length === 1, 15_000, 'a Task on the new contact');
      const task = tasksOn(contact)[0]!.fields;
      assert.equal(task['WhoId'], contact, 'WhoId: the contact saved during the call');
      assert.equal(task['WhatId'], account, 'WhatId: the account opened during the call');
      assert.equal(task['CallType'], 'Inbound');
      assert.equal(task['CallDisposition'], 'FollowUp');
      assert.equal(task['Status'], 'Completed');
      assert.match(String(task['Subject']), /650\D*555\D*0123/);
      assert.equal(tasksOn(account).length, 1, 'one Task, on both records');
    },
  );

  test('a Lead opened during the call is the Name, and Related To stays empty and locked', { timeout: 120_000 }, async () => {
    const lead = h.console.data.create('Lead', { FirstName: 'Zephyrine', LastName: 'Quade', Company: 'Quade Consulting' }, owner());
    const account = h.console.data.create('Account', { Name: 'Hollowpine Logistics' }, owner());
    const card = await ring(CALLERS.classic);
    // Unknown number again: the agent dismisses the New Contact form (the caller is a known lead).
    await newContactForm().waitFor({ timeout: 10_000 });
    await card.getByRole('button', { name: 'Answer' }).click();
    await newContactForm().getByRole('button', { name: 'Cancel' }).click();
    await agent.phone.getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 10_000 });

    await searchAndOpen('Zephyrine', 'Zephyrine Quade', lead);
    await card.getByText('Related to Lead: Zephyrine Quade', { exact: true }).waitFor({ timeout: 10_000 });
    // The lead talks about a company in the org; opening it must not make it the Related To.
    await searchAndOpen('Hollowpine', 'Hollowpine Logistics', account);
    await agent.phone.getByRole('button', { name: 'Hang up' }).click();

    const { form: wrapUp, who, what } = wrapUpPickers();
    await wrapUp.waitFor({ timeout: 10_000 });
    assert.deepEqual(await optionTexts(who), ['None', 'Lead: Zephyrine Quade']);
    assert.equal(await who.inputValue(), lead, 'Name is the lead');
    // The account opened is offered, but a Lead takes none: Related To is empty, disabled, and says why.
    assert.deepEqual(await optionTexts(what), ['None', 'Account: Hollowpine Logistics']);
    assert.equal(await what.inputValue(), '', 'Related To is empty');
    assert.equal(await what.isDisabled(), true, 'Related To is disabled');
    await wrapUp.getByText('A lead takes no Related To record.', { exact: true }).waitFor({ timeout: 5000 });
    await shot(agent.page, 'relate-03-lead-locks-related-to');
    await wrapUp.getByRole('button', { name: 'Save' }).click();

    await waitUntil(() => tasksOn(lead).length === 1, 15_000, 'a Task on the lead');
    const task = tasksOn(lead)[0]!.fields;
    assert.equal(task['WhoId'], lead, 'WhoId: the lead');
    assert.equal(task['WhatId'] ?? null, null, 'no WhatId beside a Lead');
    assert.equal(tasksOn(account).length, 0, 'nothing logged on the account');
  });

  test('picking a Lead as Name in wrap-up clears and locks the Related To the call had', { timeout: 120_000 }, async () => {
    const lead = h.console.data.create('Lead', { FirstName: 'Ottoline', LastName: 'Brackwater', Company: 'Brackwater Mills' }, owner());
    const account = h.console.data.create('Account', { Name: 'Fernhollow Ceramics' }, owner());
    const card = await ring(CALLERS.tabs);
    await newContactForm().waitFor({ timeout: 10_000 });
    await card.getByRole('button', { name: 'Answer' }).click();
    await newContactForm().getByRole('button', { name: 'Cancel' }).click();
    await agent.phone.getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 10_000 });

    // The account first: it becomes Related To; the lead opened after it is offered, not chosen.
    await searchAndOpen('Fernhollow', 'Fernhollow Ceramics', account);
    await card.getByText('Related to Account: Fernhollow Ceramics', { exact: true }).waitFor({ timeout: 10_000 });
    await searchAndOpen('Ottoline', 'Ottoline Brackwater', lead);
    await agent.phone.getByRole('button', { name: 'Hang up' }).click();

    const { form: wrapUp, who, what } = wrapUpPickers();
    await wrapUp.waitFor({ timeout: 10_000 });
    assert.deepEqual(await optionTexts(who), ['None', 'Lead: Ottoline Brackwater']);
    assert.equal(await who.inputValue(), '', 'no Name yet: the lead was opened beside an account');
    assert.equal(await what.inputValue(), account, 'Related To is the account');
    assert.equal(await what.isEnabled(), true);

    // The agent decides the call was with the lead.
    await who.selectOption({ label: 'Lead: Ottoline Brackwater' });
    await waitUntil(async () => (await what.isDisabled()) && (await what.inputValue()) === '', 5000, 'Related To cleared and disabled');
    assert.equal(await who.inputValue(), lead);
    await wrapUp.getByText('A lead takes no Related To record.', { exact: true }).waitFor({ timeout: 5000 });
    await shot(agent.page, 'relate-04-lead-picked-in-wrap-up');
    await wrapUp.getByRole('button', { name: 'Save' }).click();

    await waitUntil(() => tasksOn(lead).length === 1, 15_000, 'a Task on the lead');
    const task = tasksOn(lead)[0]!.fields;
    assert.equal(task['WhoId'], lead, 'WhoId: the lead the agent picked');
    assert.equal(task['WhatId'] ?? null, null, 'no WhatId beside a Lead');
    assert.equal(tasksOn(account).length, 0, 'nothing logged on the account');
  });
});
