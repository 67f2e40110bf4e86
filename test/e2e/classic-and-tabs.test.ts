/**
 * The agent flow in the Classic console (sforce.interaction), and one softphone per browser: with
 * three console tabs open only one registers and rings, the call is logged once, and another tab
 * takes over the phone when the leading tab closes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO } from '../../src/node/console/seed/index.ts';
import {
  CALLERS,
  openAgentConsole,
  openCustomerPhone,
  shot,
  startHarness,
  tasksFor,
  waitRegistered,
  waitUntil,
  type AgentConsole,
  type Harness,
} from './harness.ts';

describe('Classic console and several tabs', { concurrency: false }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h?.close());

  test('Classic: a call rings, pops the caller, is answered, hung up, wrapped up and logged once', async () => {
    const ada = h.console.data.record(DEMO.uniqueContact.id);
    assert.ok(ada, `the seeded contact ${DEMO.uniqueContact.name} exists`);
    const agent = await openAgentConsole(h, { classic: true });
    await waitRegistered(h);
    const customer = await openCustomerPhone(h, CALLERS.ada);
    await customer.getByRole('button', { name: 'Call', exact: true }).click();
    const answer = agent.phone.getByRole('button', { name: 'Answer' });
    await answer.waitFor({ timeout: 15_000 });
    await waitUntil(
      async () => ((await agent.page.evaluate('window.__console.openRecords()')) as string[]).includes(ada.Id),
      10_000,
      `Classic pops ${DEMO.uniqueContact.name}`,
    );
    await shot(agent.page, 'classic-ringing');
    await answer.click();
    await agent.phone.getByRole('button', { name: 'Hang up' }).click();
    const wrapUp = agent.phone.getByRole('form', { name: 'Wrap-up' });
    await wrapUp.getByRole('combobox', { name: 'Disposition' }).selectOption({ label: 'Follow-up needed' });
    await wrapUp.getByRole('button', { name: 'Save' }).click();
    await waitUntil(
      () => tasksFor(h, (t) => t.fields['WhoId'] === ada.Id && t.fields['CallDisposition'] === 'FollowUp').length === 1,
      15_000,
      'one Task from Classic',
    );
    await shot(agent.page, 'classic-logged');
    await customer.context().close();
    await agent.context.close();
    await waitUntil(() => h.sip.registrations('1001').length === 0, 15_000, 'the closed console unregisters');
  });

  test('three tabs: one registration, one ring, one log, and takeover when the leading tab closes', async () => {
    const context = await h.browser.newContext({ ignoreHTTPSErrors: true });
    const tabs: AgentConsole[] = [];
    for (let i = 0; i < 3; i++) tabs.push(await openAgentConsole(h, { context }));
    await waitRegistered(h);
    // Give the other tabs time to (wrongly) register too, then check there is exactly one.
    const followers = async (list: readonly AgentConsole[]) =>
      (await Promise.all(list.map((t) => t.phone.getByText(/active in another Salesforce tab/).count()))).filter((n) => n > 0).length;
    await waitUntil(async () => (await followers(tabs)) === 2, 15_000, 'two tabs say the phone is in another tab');
    assert.equal(h.sip.registrations('1001').length, 1, 'one registration for three tabs');

    // A known caller: the pop opens her record (no new-record modal over the console).
    h.console.data.create('Contact', { FirstName: 'Tabitha', LastName: 'Tabs', Phone: CALLERS.tabs }, h.console.data.defaultUser().Id);
    const customer = await openCustomerPhone(h, CALLERS.tabs);
    await customer.getByRole('button', { name: 'Call', exact: true }).click();
    const isFollower = await Promise.all(tabs.map(async (t) => (await t.phone.getByText(/active in another Salesforce tab/).count()) > 0));
    const leader = isFollower.indexOf(false);
    // Every tab shows the call (the others mirror the leader and relay commands to it).
    await tabs[leader]!.phone.getByRole('button', { name: 'Answer' }).waitFor({ timeout: 15_000 });
    await shot(tabs[leader]!.page, 'tabs-leader-ringing');
    await shot(tabs[(leader + 1) % 3]!.page, 'tabs-follower');
    await tabs[leader]!.phone.getByRole('button', { name: 'Answer' }).click();
    await tabs[leader]!.phone.getByRole('button', { name: 'Hang up' }).click();
    await tabs[leader]!.phone.getByRole('form', { name: 'Wrap-up' }).getByRole('button', { name: 'Save' }).click();
    const contactless = () => tasksFor(h, (t) => String(t.fields['Subject'] ?? '').includes('0155'));
    await waitUntil(() => contactless().length >= 1, 15_000, 'the call is logged');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(contactless().length, 1, 'exactly one Task for three tabs');

    // The leading tab closes: another takes the phone over and registers within two seconds (+ slack for SIP).
    await tabs[leader]!.page.close();
    await waitUntil(
      () => h.sip.registrations('1001').length === 1 && h.sip.registrations('1001')[0]!.connectionId !== undefined,
      15_000,
      'a remaining tab registers',
    );
    const rest = tabs.filter((_, i) => i !== leader);
    await waitUntil(async () => (await followers(rest)) === 1, 10_000, 'one of the two remaining tabs is the phone now');
    await customer.context().close();
    await context.close();
  });
});
