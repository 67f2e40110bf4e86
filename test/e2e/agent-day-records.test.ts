/**
 * "The agent's day", records and numbers, in the Lightning console emulator with the real connector,
 * real SIP and real WebRTC: an IVR case pop names the Case and its contact (and logs both), numbers
 * read in libphonenumber's format in the panel and in the Task subject, the call card is headed by
 * the matched person, and a number dialled from the keypad is searched and related like a caller's.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
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
} from './harness.ts';

describe("the agent's day: records and numbers", { concurrency: false, timeout: 180_000 }, () => {
  let h: Harness;
  let agent: AgentConsole;

  before(
    async () => {
      h = await startHarness();
      agent = await openAgentConsole(h);
      await waitRegistered(h);
      await agent.phone.getByRole('status').first().waitFor({ timeout: 20_000 });
    },
    { timeout: 60_000 },
  );
  after(async () => h?.close());

  const currentTab = () => agent.page.evaluate('window.__console.currentTab()') as Promise<{ recordId?: string } | null>;

  test('an IVR case pop names the Case and its contact, and logs the call on both', { timeout: 90_000 }, async () => {
    const owner = h.console.data.defaultUser().Id;
    const rita = h.console.data.create('Contact', { FirstName: 'Rita', LastName: 'Router' }, owner);
    const caseId = h.console.data.create('Case', { Subject: 'Router keeps rebooting', Status: 'New', Origin: 'Phone', ContactId: rita }, owner);
    const caseNumber = String(h.console.data.record(caseId)?.fields['CaseNumber']);
    const customer = await openCustomerPhone(h, CALLERS.caseCaller, { caseNumber });
    await customer.getByRole('button', { name: 'Call', exact: true }).click();

    const card = agent.phone.getByRole('article', { name: 'Incoming call' });
    await card.waitFor({ timeout: 10_000 });
    await waitUntil(async () => (await currentTab())?.recordId === caseId, 10_000, `the console pops Case ${caseNumber}`).catch(async (e: Error) => {
      throw new Error(`${e.message}\n${await openCtiLog(agent.page, ['searchAndScreenPop', 'runApex'])}`);
    });
    // Names, never Ids: the contact heads the card, and the related line names both records.
    await card.getByText(`Related to Contact: Rita Router · Case: ${caseNumber}`, { exact: true }).waitFor({ timeout: 10_000 });
    await card.getByText('Rita Router', { exact: true }).waitFor({ timeout: 5000 });
    assert.equal(await card.getByText(caseId.slice(0, 10)).count(), 0, 'no record Id shown');
    // The UK number as libphonenumber groups it (a hand rule gave +44 207 946 0999).
    await card.getByText('+44 20 7946 0999', { exact: true }).waitFor({ timeout: 10_000 });
    await shot(agent.page, 'agent-day-01-case-pop');

    await card.getByRole('button', { name: 'Answer' }).click();
    await agent.phone.getByRole('button', { name: 'Hang up' }).click({ timeout: 10_000 });
    await agent.phone.getByRole('form', { name: 'Wrap-up' }).getByRole('button', { name: 'Save' }).click({ timeout: 10_000 });
    await waitUntil(() => tasksFor(h, (t) => t.fields['WhatId'] === caseId).length === 1, 15_000, 'a Task on the Case');
    const task = tasksFor(h, (t) => t.fields['WhatId'] === caseId)[0]!.fields;
    assert.equal(task['WhoId'], rita, "the Case's contact is the Task's Who");
    assert.match(String(task['Subject']), /\+44 20 7946 0999/, 'the subject names the number as the panel shows it');
    await customer.context().close();
  });

  test('a number dialled from the keypad is searched, related and heads the card', { timeout: 90_000 }, async () => {
    const owner = h.console.data.defaultUser().Id;
    const kim = h.console.data.create('Contact', { FirstName: 'Kim', LastName: 'Keypad', Phone: '(415) 555-0155' }, owner);
    // The customer phone answers inbound calls: it stands for Kim.
    const customer = await openCustomerPhone(h, CALLERS.tabs);
    await agent.phone.getByRole('textbox', { name: 'Number to dial' }).fill('+1 415 555 0155', { timeout: 10_000 });
    await agent.phone.getByRole('button', { name: 'Call', exact: true }).click();

    const card = agent.phone.getByRole('article', { name: 'Outgoing call' });
    await card.waitFor({ timeout: 10_000 });
    await card.getByText('Kim Keypad', { exact: true }).waitFor({ timeout: 10_000 });
    await card.getByText('+1 415 555 0155', { exact: true }).waitFor({ timeout: 5000 });
    const answer = customer.getByRole('button', { name: /Answer/ });
    await answer.click({ timeout: 10_000 });
    await shot(agent.page, 'agent-day-02-keypad-dial');
    await agent.phone.getByRole('button', { name: 'Hang up' }).click({ timeout: 10_000 });
    await agent.phone.getByRole('form', { name: 'Wrap-up' }).getByRole('button', { name: 'Save' }).click({ timeout: 10_000 });
    await waitUntil(() => tasksFor(h, (t) => t.fields['WhoId'] === kim).length === 1, 15_000, 'an Outbound Task on Kim');
    const task = tasksFor(h, (t) => t.fields['WhoId'] === kim)[0]!.fields;
    assert.equal(task['CallType'], 'Outbound');
    assert.match(String(task['Subject']), /\+1 415 555 0155/);
    await customer.context().close();
  });
});
