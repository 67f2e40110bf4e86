/**
 * "The agent's day", notes: whatever ends the call or its wrap-up, what the agent typed is logged.
 * Real connector in the Lightning console emulator, real SIP and WebRTC; the admin changes the call
 * center between tests as in Setup, and the console reloads to read it.
 * - With wrap-up off, the agent takes notes on the call card during the call; the Task has them.
 *   The card also shows why its record was chosen (the pop timeline).
 * - With a wrap-up time limit, keystrokes right up to the limit are in the log (none lost to the
 *   pause before notes are sent).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
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

describe("the agent's day: notes", { concurrency: false, timeout: 180_000 }, () => {
  let h: Harness;
  let agent: AgentConsole;
  let customer: Page;
  let callCenter: string;

  before(
    async () => {
      h = await startHarness();
      callCenter = h.console.data.defaultUser().CallCenterId!;
      h.console.data.setCallCenterItem(callCenter, 'switchboard', 'wrapUpEnabled', 'false');
      agent = await openAgentConsole(h);
      await waitRegistered(h);
      customer = await openCustomerPhone(h, CALLERS.ada);
    },
    { timeout: 60_000 },
  );
  after(async () => h?.close());

  const maria = DEMO.uniqueContact.id;
  const seen = new Set<string>();
  const newTasks = () => tasksFor(h, (t) => t.fields['WhoId'] === maria && !seen.has(t.Id));
  const markSeen = () => {
    for (const t of tasksFor(h, () => true)) seen.add(t.Id);
  };

  async function call(): Promise<void> {
    await customer.getByRole('button', { name: 'Call', exact: true }).click();
    await agent.phone.getByRole('button', { name: 'Answer' }).click({ timeout: 15_000 });
    await agent.phone.getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 10_000 });
  }

  test('with wrap-up off, notes taken on the call card are logged; the card says why its record was chosen', { timeout: 60_000 }, async () => {
    markSeen();
    await call();
    await agent.phone.getByText('Why this record').click();
    const trail = agent.phone.getByRole('list', { name: 'Why this record' });
    await trail.getByText(/1 match, Contact Maria Lopez; popped it/).waitFor({ timeout: 5000 });
    await agent.phone.getByText('Notes for this call').click();
    await agent.phone.getByLabel('Notes').fill('Wants a callback on Tuesday');
    await shot(agent.page, 'notes-01-during-call');
    await new Promise((r) => setTimeout(r, 600));
    await agent.phone.getByRole('button', { name: 'Hang up' }).click();
    await waitUntil(() => newTasks().length === 1, 15_000, 'the call is logged without wrap-up');
    assert.equal(await agent.phone.getByRole('form', { name: 'Wrap-up' }).count(), 0, 'no wrap-up configured');
    assert.equal(newTasks()[0]!.fields['Description'], 'Wants a callback on Tuesday');
  });

  test('keystrokes up to the wrap-up time limit are in the log', { timeout: 90_000 }, async () => {
    h.console.data.setCallCenterItem(callCenter, 'switchboard', 'wrapUpEnabled', 'true');
    h.console.data.setCallCenterItem(callCenter, 'switchboard', 'wrapUpSeconds', '6');
    const registrations = h.sip.registrations(DEMO.agent.extension).length;
    await agent.page.reload();
    await waitRegistered(h, DEMO.agent.extension, Math.max(1, registrations));
    await agent.phone.getByRole('textbox', { name: 'Number to dial' }).waitFor({ timeout: 20_000 });
    markSeen();
    await call();
    await agent.phone.getByRole('button', { name: 'Hang up' }).click();
    const form = agent.phone.getByRole('form', { name: 'Wrap-up' });
    const notes = form.getByLabel('Notes');
    await notes.click({ timeout: 10_000 });
    // Type until wrap-up ends by itself; every keystroke the form took must be in the log.
    let typed = '';
    // The key whose press did not finish: the form may have taken it as the limit fired.
    let lastTried = '';
    for (let i = 0; i < 200; i++) {
      const next = String.fromCharCode(97 + (i % 26));
      // A press that does not finish means the form went away; under a loaded machine a press can
      // take most of a second while the form is still there (seen: 300 ms stopped it at 'ab').
      const took = await notes.press(next, { timeout: 1500 }).then(
        () => true,
        () => false,
      );
      if (!took) {
        lastTried = next;
        break;
      }
      typed += next;
      await new Promise((r) => setTimeout(r, 60));
    }
    assert.ok(typed.length >= 3, `typed only '${typed}'`);
    await waitUntil(() => newTasks().length === 1, 15_000, 'the call is logged when the time limit ends wrap-up');
    const logged = String(newTasks()[0]!.fields['Description'] ?? '');
    // A key pressed as the limit fired may or may not count (the last that finished, or the one that
    // did not finish in time); none before it may be lost.
    assert.ok(
      logged === typed || logged === typed.slice(0, -1) || (lastTried !== '' && logged === typed + lastTried),
      `logged '${logged}', typed '${typed}', then tried '${lastTried}'`,
    );
  });
});
