/**
 * The agent hangs up in the Open CTI panel right after a console reload, while the softphone is
 * still taking the call back (its INVITE with Replaces unanswered: the customer's phone is slow to
 * take it, see slow-take-back-phone.ts). The hang-up must not be lost nor end the take-back only
 * (a CANCEL leaves the customer on the old dialog): the customer gets a BYE once the call is back,
 * the panel goes to wrap-up only then, and the call is logged once. When the customer hangs up
 * meanwhile, the take-back is refused (481) and that hang-up is all there is to it: the panel says
 * the call ended during the reload, and it is logged once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { CALLERS, openAgentConsole, startHarness, tasksFor, waitRegistered, waitUntil, type AgentConsole, type Harness } from './harness.ts';
import { openSlowTakeBackPhone } from './slow-take-back-phone.ts';

const HOLD_MS = 2500;

describe('Hang up pressed while a reloaded console takes its call back (Open CTI)', { timeout: 180_000 }, () => {
  let h: Harness;
  let agent: AgentConsole;

  before(async () => {
    h = await startHarness();
    agent = await openAgentConsole(h);
    await waitRegistered(h);
  });
  after(async () => h?.close());

  /** The customer calls the agent, who answers: the call's Call-ID once both are connected. */
  async function callAndAnswer(customer: Page): Promise<string> {
    const forwarded = new Promise<string>((resolve) => {
      const off = h.sip.on('invite-forwarded', (e) => {
        if (!e.from.includes(CALLERS.ada)) return;
        off();
        resolve(e.callId);
      });
    });
    await customer.getByRole('button', { name: 'Call', exact: true }).click();
    const callId = await forwarded;
    await agent.phone.getByRole('button', { name: 'Answer' }).click({ timeout: 15_000 });
    await agent.phone.getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 10_000 });
    await waitUntil(async () => /connected/.test((await customer.locator('#state').textContent()) ?? ''), 10_000, 'the customer is connected');
    return callId;
  }

  test('the customer gets a BYE once the call is back; wrap-up only then; one Task', { timeout: 120_000 }, async () => {
    const slow = await openSlowTakeBackPhone(h, CALLERS.ada, HOLD_MS);
    const customer = slow.page;
    try {
      const callId = await callAndAnswer(customer);

      await agent.page.reload({ timeout: 30_000 });
      await waitUntil(() => slow.takeBackAt() !== undefined, 20_000, "the softphone's INVITE with Replaces reaches the customer's phone");
      await agent.phone.getByRole('button', { name: 'Hang up' }).click({ timeout: 5000 });
      const pressedAt = Date.now();
      assert.ok(pressedAt - slow.takeBackAt()! < HOLD_MS, 'Hang up was pressed while the take-back was unanswered');

      const wrapUp = agent.phone.getByRole('form', { name: 'Wrap-up' });
      await wrapUp.waitFor({ timeout: 20_000 });
      assert.ok(Date.now() >= slow.takeBackAt()! + HOLD_MS, 'the call ended for the panel only once it was back');
      await customer.getByRole('button', { name: /Hang up call/ }).waitFor({ state: 'detached', timeout: 15_000 });
      assert.doesNotMatch((await customer.locator('#state').textContent()) ?? '', /connected/, "the customer's call ended");

      await wrapUp.getByRole('button', { name: 'Save' }).click();
      const ofCall = () => tasksFor(h, (t) => t.fields['CallObject'] === callId);
      await waitUntil(() => ofCall().length > 0, 15_000, 'the Task is saved');
      await new Promise((r) => setTimeout(r, 2000)); // a second log (a journal recovery) would come within this time
      assert.equal(ofCall().length, 1, 'one Task for the call');
    } finally {
      await customer.context().close();
    }
  });

  test(
    'the customer hangs up too before the take-back is answered: it is refused (481), the panel says the call ended during the reload, no error for the hang-up; one Task',
    { timeout: 120_000 },
    async () => {
      const slow = await openSlowTakeBackPhone(h, CALLERS.ada, HOLD_MS);
      const customer = slow.page;
      try {
        const callId = await callAndAnswer(customer);

        // What the softphone's INVITEs are answered with, finally.
        const finals: string[] = [];
        const off = h.sip.on('message', (m) => {
          const status = /^SIP\/2\.0 ([2-6]\d\d)/.exec(m.text)?.[1];
          if (m.direction === 'out' && status && !m.text.includes(callId) && /\r\nCSeq: *\d+ INVITE/i.test(m.text)) finals.push(status);
        });
        await agent.page.reload({ timeout: 30_000 });
        await waitUntil(() => slow.takeBackAt() !== undefined, 20_000, "the softphone's INVITE with Replaces reaches the customer's phone");
        await agent.phone.getByRole('button', { name: 'Hang up' }).click({ timeout: 5000 });
        await customer.getByRole('button', { name: /Hang up call/ }).click();
        assert.ok(Date.now() - slow.takeBackAt()! < HOLD_MS, 'both hung up while the take-back was unanswered');

        await agent.phone
          .getByText(/ended during the reload/i)
          .first()
          .waitFor({ timeout: 20_000 });
        off();
        assert.ok(finals.includes('481'), `the take-back was refused with 481 (INVITE answers: ${finals.join(', ')})`);
        const wrapUp = agent.phone.getByRole('form', { name: 'Wrap-up' });
        await wrapUp.waitFor({ timeout: 10_000 });
        await wrapUp.getByRole('button', { name: 'Save' }).click();
        const ofCall = () => tasksFor(h, (t) => t.fields['CallObject'] === callId);
        await waitUntil(() => ofCall().length > 0, 15_000, 'the Task is saved');
        await new Promise((r) => setTimeout(r, 2000));
        assert.equal(ofCall().length, 1, 'one Task for the call');
      } finally {
        await customer.context().close();
      }
    },
  );
});
