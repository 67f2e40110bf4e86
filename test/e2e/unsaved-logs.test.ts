/**
 * Call logs Salesforce refuses are shown, not lost in the outbox: the org has a validation rule an
 * admin switched on ("a call needs Comments"), so the agent's logs of two calls without notes are
 * refused (FIELD_CUSTOM_VALIDATION_EXCEPTION). Both console tabs (the one that holds the phone and a
 * follower mirroring it) show an alert listing them with Salesforce's reason, and the console's
 * utility bar counts them ("Phone (2 unsaved)"). The admin lifts the rule; Retry saves the first
 * log, exactly once; the second is discarded from the follower tab, after a confirmation, and never
 * written. The discard is in the softphone's downloadable log.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { DEMO } from '../../src/node/console/seed/index.ts';
import type { ValidationRuleView } from '../../src/node/console/index.ts';
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
  type TaskRecord,
} from './harness.ts';

/** What an admin would set up in Setup → Object Manager → Activity → Validation Rules. */
const CALLS_NEED_COMMENTS: ValidationRuleView = {
  object: 'Task',
  name: 'Calls_need_comments',
  active: true,
  errorConditionFormula: "AND(ISPICKVAL(Type, 'Call'), ISBLANK(Description))",
  errorMessage: 'Describe the call in Comments before saving it.',
  errorDisplayField: 'Description',
};

describe('call logs Salesforce refuses', { concurrency: false, timeout: 180_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h?.close());

  const utilityLabel = (page: Page) => page.getByRole('contentinfo', { name: 'Utility Bar' }).getByRole('button').first();
  const panelHeader = (page: Page) => page.locator('#phone-panel h2');
  const softphoneFrame = (page: Page): Frame => {
    const frame = page.frames().find((f) => f.url().includes('/softphone/'));
    assert.ok(frame, 'the softphone frame is loaded');
    return frame;
  };

  test('are listed with their reason and counted in the utility bar; Retry saves once, Discard drops for good', { timeout: 150_000 }, async () => {
    const agentId = DEMO.agent.id;
    const seeded = new Set(tasksFor(h, () => true).map((t) => t.Id));
    const ours = (): TaskRecord[] => tasksFor(h, (t) => t.fields['OwnerId'] === agentId && !seeded.has(t.Id));
    h.console.data.create('Contact', { FirstName: 'Tabitha', LastName: 'Tabs', Phone: CALLERS.tabs }, h.console.data.defaultUser().Id);
    h.console.data.saveValidationRule(CALLS_NEED_COMMENTS);

    const context = await h.browser.newContext({ ignoreHTTPSErrors: true });
    const leader: AgentConsole = await openAgentConsole(h, { context });
    await waitRegistered(h);
    await leader.phone.getByRole('textbox', { name: 'Number to dial' }).waitFor({ timeout: 15_000 });
    const follower: AgentConsole = await openAgentConsole(h, { context });
    await follower.phone.getByText(/active in another Salesforce tab/).waitFor({ timeout: 15_000 });

    // Call 1: a conversation, wrapped up without notes.
    const maria = await openCustomerPhone(h, CALLERS.ada);
    await maria.getByRole('button', { name: 'Call', exact: true }).click();
    await leader.phone.getByRole('button', { name: 'Answer' }).click({ timeout: 15_000 });
    await leader.phone.getByRole('button', { name: 'Hang up' }).click({ timeout: 15_000 });
    await leader.phone.getByRole('form', { name: 'Wrap-up' }).getByRole('button', { name: 'Save' }).click({ timeout: 10_000 });
    await maria.context().close();
    // Call 2: declined, logged at once (no wrap-up, so no notes either).
    const tabitha = await openCustomerPhone(h, CALLERS.tabs);
    await tabitha.getByRole('button', { name: 'Call', exact: true }).click();
    await leader.phone.getByRole('button', { name: 'Decline' }).click({ timeout: 15_000 });
    await tabitha.context().close();

    // Both tabs show the two refused logs, with Salesforce's reason and the field it named.
    for (const tab of [leader, follower]) {
      const alert = tab.phone.getByRole('alert').filter({ hasText: '2 call logs were not saved' });
      await alert.waitFor({ timeout: 20_000 });
      const list = tab.phone.getByRole('list', { name: 'Call logs not saved' });
      await assert.doesNotReject(
        list
          .getByRole('listitem')
          .filter({ hasText: DEMO.uniqueContact.name })
          .getByText('Describe the call in Comments before saving it.')
          .waitFor({ timeout: 5000 }),
      );
      await assert.doesNotReject(
        list
          .getByRole('listitem')
          .filter({ hasText: 'Tabitha Tabs' })
          .getByText(/Description/)
          .first()
          .waitFor({ timeout: 5000 }),
      );
      await waitUntil(
        async () => (await utilityLabel(tab.page).textContent())?.trim() === 'Phone (2 unsaved)',
        10_000,
        'the utility bar counts the unsaved logs',
      );
      assert.equal((await panelHeader(tab.page).textContent())?.trim(), 'Phone (2 unsaved)');
    }
    assert.equal(ours().length, 0, 'Salesforce holds neither log');
    await shot(leader.page, 'unsaved-01-two-refused');

    // The admin lifts the rule; the agent retries the first log: saved, exactly once.
    h.console.data.saveValidationRule({ ...CALLS_NEED_COMMENTS, active: false });
    await leader.phone.getByRole('button', { name: `Retry the call log of ${DEMO.uniqueContact.name}` }).click();
    await waitUntil(() => ours().length === 1, 15_000, 'the retried log is saved');
    const [saved] = ours();
    assert.equal(saved!.fields['WhoId'], DEMO.uniqueContact.id);
    for (const tab of [leader, follower]) {
      await tab.phone.getByRole('alert').filter({ hasText: '1 call log was not saved' }).waitFor({ timeout: 10_000 });
      await waitUntil(async () => (await utilityLabel(tab.page).textContent())?.trim() === 'Phone (1 unsaved)', 10_000, 'the count goes down');
    }

    // The second is discarded from the follower tab: it asks first, since the log is then lost.
    await follower.phone.getByRole('button', { name: 'Discard the call log of Tabitha Tabs' }).click();
    const confirm = follower.phone.getByRole('alertdialog', { name: 'Discard this call log?' });
    await confirm.waitFor({ timeout: 5000 });
    await shot(follower.page, 'unsaved-02-confirm-discard');
    await confirm.getByRole('button', { name: 'Discard log' }).click();
    for (const tab of [leader, follower]) {
      await tab.phone
        .getByRole('alert')
        .filter({ hasText: /call logs? w(as|ere) not saved/ })
        .waitFor({ state: 'detached', timeout: 10_000 });
      await waitUntil(async () => (await utilityLabel(tab.page).textContent())?.trim() === 'Phone', 10_000, 'the utility bar is back to its label');
    }
    await new Promise((r) => setTimeout(r, 2000));
    const tasks = ours();
    assert.equal(tasks.length, 1, 'the discarded log was never written');
    assert.equal(tasksFor(h, (t) => t.fields['CallObject'] === saved!.fields['CallObject']).length, 1, 'the retried log exists once');
    assert.ok(!tasks.some((t) => String(t.fields['Subject'] ?? '').startsWith('Declined call')), 'no Task for the declined call');
    const log = (await softphoneFrame(leader.page).evaluate('window.switchboard.logger.text()')) as string;
    assert.match(log, /discarded/i, "the discard is in the softphone's log");
    await shot(leader.page, 'unsaved-03-resolved');
    await context.close();
  });
});
