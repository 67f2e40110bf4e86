/**
 * "The agent's day", call waiting: a second caller must not take the agent's workspace away in the
 * middle of a conversation. Real connector in the Lightning console emulator, real SIP and WebRTC.
 * While Ada talks with Maria (her Contact on screen) Wanda calls: the card names Wanda, Maria's
 * record stays on screen; Ada answers Wanda and Wanda's record opens; each call keeps its own
 * records to the end, and each Task names its own caller.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEMO } from '../../src/node/console/seed/index.ts';
import {
  CALLERS,
  clickEach,
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

describe("the agent's day: call waiting", { concurrency: false, timeout: 180_000 }, () => {
  let h: Harness;
  let agent: AgentConsole;
  const callers: Page[] = [];

  before(
    async () => {
      h = await startHarness();
      agent = await openAgentConsole(h);
      await waitRegistered(h);
    },
    { timeout: 60_000 },
  );
  after(async () => {
    for (const c of callers)
      await c
        .context()
        .close()
        .catch(() => {});
    await h?.close();
  });

  const currentTab = () => agent.page.evaluate('window.__console.currentTab()') as Promise<{ recordId?: string } | null>;

  test('the second caller is named on its card but opens only when answered; each call keeps its own records and Task', { timeout: 120_000 }, async () => {
    const owner = h.console.data.defaultUser().Id;
    const wanda = h.console.data.create('Contact', { FirstName: 'Wanda', LastName: 'Waiting', Phone: '(415) 555-0155' }, owner);
    const maria = DEMO.uniqueContact.id;

    const first = await openCustomerPhone(h, CALLERS.ada);
    callers.push(first);
    await first.getByRole('button', { name: 'Call', exact: true }).click();
    await agent.phone.getByRole('button', { name: 'Answer' }).click({ timeout: 15_000 });
    await waitUntil(async () => (await currentTab())?.recordId === maria, 10_000, "Maria's contact is on screen");

    // Straight to Ada's extension: the support line would queue it while she talks.
    const second = await openCustomerPhone(h, CALLERS.tabs, { dial: DEMO.agent.extension });
    callers.push(second);
    await second.getByRole('button', { name: 'Call', exact: true }).click();
    const ringing = agent.phone.getByRole('article', { name: 'Incoming call' }).filter({ has: agent.phone.getByRole('button', { name: 'Answer' }) });
    await ringing
      .getByText('Wanda Waiting', { exact: true })
      .waitFor({ timeout: 15_000 })
      .catch(async (error: unknown) => {
        await shot(agent.page, 'call-waiting-failed');
        throw new Error('the ringing card does not name Wanda', { cause: error });
      });
    // Give a pop that should not happen every chance to happen.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await currentTab())?.recordId, maria, "the ringing call did not take Maria's record off the screen");
    await shot(agent.page, 'call-waiting-01-second-rings');

    await ringing.getByRole('button', { name: 'Answer' }).click();
    await waitUntil(async () => (await currentTab())?.recordId === wanda, 10_000, "answered: Wanda's contact opens");
    const held = agent.phone.getByRole('article').filter({ hasText: 'Maria Lopez' });
    await held.getByText('On hold').waitFor({ timeout: 10_000 });
    assert.equal(await held.getByText('Wanda').count(), 0, "Maria's call did not take Wanda's record");

    // Both end; two wrap-ups, two Tasks, each on its own caller.
    await agent.phone.getByRole('button', { name: 'Hang up' }).first().click();
    await agent.phone.getByRole('button', { name: 'Hang up' }).first().click({ timeout: 10_000 });
    const forms = agent.phone.getByRole('form', { name: 'Wrap-up' });
    await waitUntil(async () => (await forms.count()) === 2, 10_000, 'two wrap-ups');
    await clickEach(forms, 'Save');
    await waitUntil(() => tasksFor(h, (t) => t.fields['WhoId'] === wanda || t.fields['WhoId'] === maria).length === 2, 15_000, 'two Tasks');
    const [onMaria] = tasksFor(h, (t) => t.fields['WhoId'] === maria);
    const [onWanda] = tasksFor(h, (t) => t.fields['WhoId'] === wanda);
    assert.match(String(onMaria!.fields['Subject']), /415 555 0134/);
    assert.match(String(onWanda!.fields['Subject']), /415 555 0155/);
    assert.notEqual(onMaria!.fields['CallObject'], onWanda!.fields['CallObject']);
    assert.equal(onWanda!.fields['WhatId'] ?? null, null, "Wanda's Task took nothing of Maria's");
    assert.equal(onMaria!.fields['WhatId'] ?? null, null, "Maria's Task took nothing of Wanda's");
  });
});
