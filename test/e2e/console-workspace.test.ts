/**
 * The agent's day in the Lightning console emulator, where the console's own furniture meets the
 * softphone: the no-match New Contact modal must not stop the agent answering; the Omni-Channel
 * panel closes and reopens and shows the phone's real status in every console tab; and with two
 * console tabs the screen pop opens in the tab the agent is looking at, not in the tab that holds
 * the phone.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO } from '../../src/node/console/seed/index.ts';
import {
  CALLERS,
  openAgentConsole,
  openCtiLog,
  openCustomerPhone,
  shot,
  startHarness,
  waitRegistered,
  waitUntil,
  type AgentConsole,
  type Harness,
} from './harness.ts';

/**
 * Headless Chromium keeps every page 'visible' whatever page is in front (Playwright's documented
 * behaviour, microsoft/playwright#2286): bringToFront() alone changes nothing a page can observe.
 * This script, run in every frame of the agent's browser, gives each frame the visibility a real
 * browser window gives its tabs, and `window.__setVisibility` switches it with the browser's own
 * `visibilitychange` event, which is all the softphone frame can see of a tab switch.
 */
const TAB_VISIBILITY = `(() => {
  let state = 'visible';
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
  window.__setVisibility = (next) => {
    if (next === state) return;
    state = next;
    document.dispatchEvent(new Event('visibilitychange'));
  };
})()`;

/** The agent switches to `front`: it comes to the front of the window, the other tabs go behind it. */
async function switchTo(front: AgentConsole, others: readonly AgentConsole[]): Promise<void> {
  await front.page.bringToFront();
  for (const tab of others) for (const frame of tab.page.frames()) await frame.evaluate(`window.__setVisibility('hidden')`);
  for (const frame of front.page.frames()) await frame.evaluate(`window.__setVisibility('visible')`);
}

const isFollower = async (t: AgentConsole): Promise<boolean> => (await t.phone.getByText(/active in another Salesforce tab/).count()) > 0;
const currentRecord = async (t: AgentConsole): Promise<string | undefined> =>
  ((await t.page.evaluate('window.__console.currentTab()')) as { recordId?: string } | null)?.recordId;
const openRecords = async (t: AgentConsole): Promise<string[]> => (await t.page.evaluate('window.__console.openRecords()')) as string[];
const omniButton = (page: Page) => page.getByRole('button', { name: /^Omni-Channel \(/ });
const omniPanel = (page: Page) => page.getByRole('dialog', { name: 'Omni-Channel' });

describe("the agent's day in the console workspace", { concurrency: false }, () => {
  let h: Harness;

  before(async () => {
    h = await startHarness();
  });
  after(async () => h?.close());

  describe('one console tab', { concurrency: false }, () => {
    let agent: AgentConsole;
    before(async () => {
      agent = await openAgentConsole(h);
      await waitRegistered(h);
      await agent.phone.getByRole('status').first().waitFor({ timeout: 15_000 });
    });
    after(async () => {
      await agent?.context.close();
      // The two-tab tests below need this browser's registration gone (one phone per browser).
      await waitUntil(() => h.sip.registrations('1001').length === 0, 15_000, 'the single-tab console unregisters');
    });

    test('the agent answers an unknown caller from the softphone while the New Contact modal is open', { timeout: 60_000 }, async () => {
      const customer = await openCustomerPhone(h, CALLERS.unknown);
      await customer.getByRole('button', { name: 'Call', exact: true }).click();
      const answer = agent.phone.getByRole('button', { name: 'Answer' });
      await answer.waitFor({ timeout: 10_000 });
      const modal = agent.page.getByRole('dialog', { name: 'New Contact' });
      await modal.waitFor({ timeout: 10_000 }).catch(async (e: Error) => {
        throw new Error(`${e.message}\n${await openCtiLog(agent.page, ['searchAndScreenPop', 'screenPop'])}`);
      });
      await shot(agent.page, 'workspace-modal-ringing');
      // A real click, with Playwright's actionability checks: it fails when anything (the modal's
      // backdrop) covers the button at its click point.
      await answer.click({ timeout: 5000 });
      await agent.phone.getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 10_000 });
      assert.equal(await modal.isVisible(), true, 'answering leaves the New Contact form open for the agent to fill in');
      await shot(agent.page, 'workspace-modal-answered');
      await agent.phone.getByRole('button', { name: 'Hang up' }).click({ timeout: 5000 });
      await agent.phone.getByRole('form', { name: 'Wrap-up' }).getByRole('button', { name: 'Save' }).click({ timeout: 10_000 });
      await modal.getByRole('button', { name: 'Cancel' }).click({ timeout: 5000 });
      await customer.context().close();
    });

    test('the Omni-Channel panel opens and closes from its utility-bar item and its minimize control', { timeout: 30_000 }, async () => {
      const page = agent.page;
      await omniButton(page).waitFor({ timeout: 5000 });
      assert.equal(await omniPanel(page).isVisible(), false, 'the panel starts closed');
      await omniButton(page).click({ timeout: 5000 });
      await omniPanel(page).waitFor({ state: 'visible', timeout: 5000 });
      assert.equal(await omniButton(page).getAttribute('aria-expanded'), 'true');
      await omniPanel(page).getByRole('button', { name: 'Minimize Omni-Channel' }).click({ timeout: 5000 });
      await omniPanel(page).waitFor({ state: 'hidden', timeout: 5000 });
      assert.equal(await omniButton(page).getAttribute('aria-expanded'), 'false');
      await omniButton(page).click({ timeout: 5000 });
      await omniPanel(page).waitFor({ state: 'visible', timeout: 5000 });
      await omniButton(page).click({ timeout: 5000 });
      await omniPanel(page).waitFor({ state: 'hidden', timeout: 5000 });
    });
  });

  describe('two console tabs of one agent', { concurrency: false }, () => {
    let context: BrowserContext;
    let tabs: AgentConsole[];
    let leader: AgentConsole;
    let follower: AgentConsole;

    before(async () => {
      context = await h.browser.newContext({ ignoreHTTPSErrors: true });
      await context.addInitScript(TAB_VISIBILITY);
      tabs = [];
      tabs.push(await openAgentConsole(h, { context }));
      await waitRegistered(h);
      tabs.push(await openAgentConsole(h, { context }));
      await waitUntil(async () => (await Promise.all(tabs.map(isFollower))).filter(Boolean).length === 1, 15_000, 'one of the two tabs follows');
      const followers = await Promise.all(tabs.map(isFollower));
      follower = tabs[followers.indexOf(true)]!;
      leader = tabs[followers.indexOf(false)]!;
      assert.equal(h.sip.registrations('1001').length, 1, 'one registration for both tabs');
    });
    after(async () => context?.close());

    test("Omni-Channel in every tab shows the phone's status, and follows a change made in either tab", { timeout: 60_000 }, async () => {
      const says = (t: AgentConsole, label: string) =>
        waitUntil(
          async () => (await omniButton(t.page).textContent())?.includes(`(${label})`) === true,
          10_000,
          `Omni-Channel in the ${t === leader ? 'leading' : 'following'} tab says ${label}`,
        ).catch(async (e: Error) => {
          throw new Error(`${e.message}: ${await omniButton(t.page).textContent()}`);
        });
      await says(leader, 'Available');
      await says(follower, 'Available');

      // The agent goes on a break from the Omni-Channel of the tab that does not hold the phone.
      await omniButton(follower.page).click({ timeout: 5000 });
      await omniPanel(follower.page).getByRole('radio', { name: 'Away - Break' }).click({ timeout: 5000 });
      await says(leader, 'Away - Break');
      await waitUntil(async () => (await leader.phone.getByText(/Break/).count()) > 0, 10_000, 'the phone itself is on a break');
      await says(follower, 'Away - Break');
      await omniPanel(follower.page).getByRole('button', { name: 'Minimize Omni-Channel' }).click({ timeout: 5000 });

      // And back, from the tab that holds the phone.
      await omniButton(leader.page).click({ timeout: 5000 });
      await omniPanel(leader.page).getByRole('radio', { name: 'Available' }).click({ timeout: 5000 });
      await says(follower, 'Available');
      await omniPanel(leader.page).getByRole('button', { name: 'Minimize Omni-Channel' }).click({ timeout: 5000 });
    });

    test('the screen pop opens in the console tab the agent is looking at', { timeout: 90_000 }, async () => {
      const ada = h.console.data.record(DEMO.uniqueContact.id);
      assert.ok(ada, `the seeded contact ${DEMO.uniqueContact.name} exists`);
      const tabitha = h.console.data.create('Contact', { FirstName: 'Tabitha', LastName: 'Tabs', Phone: CALLERS.tabs }, h.console.data.defaultUser().Id);

      // Looking at the tab that holds the phone: the pop opens there.
      await switchTo(leader, [follower]);
      const first = await openCustomerPhone(h, CALLERS.ada);
      await first.getByRole('button', { name: 'Call', exact: true }).click();
      await waitUntil(async () => (await currentRecord(leader)) === ada.Id, 15_000, `${DEMO.uniqueContact.name} pops in the tab in front (the leading one)`);
      assert.ok(!(await openRecords(follower)).includes(ada.Id), 'nothing opened in the tab behind');
      await leader.phone.getByRole('button', { name: 'Decline' }).click({ timeout: 5000 });
      await leader.phone.getByRole('button', { name: 'Answer' }).waitFor({ state: 'detached', timeout: 10_000 });
      await first.context().close();

      // The agent switches to the other tab: the next call's record opens in that console.
      await switchTo(follower, [leader]);
      const second = await openCustomerPhone(h, CALLERS.tabs);
      await second.getByRole('button', { name: 'Call', exact: true }).click();
      await waitUntil(async () => (await currentRecord(follower)) === tabitha, 15_000, 'Tabitha pops in the tab in front (the following one)').catch(
        async (e: Error) => {
          throw new Error(`${e.message}; leading tab shows ${String(await currentRecord(leader))}, following tab ${String(await currentRecord(follower))}`);
        },
      );
      await shot(follower.page, 'workspace-pop-in-front-tab');
      assert.ok(!(await openRecords(leader)).includes(tabitha), 'nothing opened in the tab that holds the phone');
      // The tab in front shows the ringing call in its panel: the agent declines it there.
      await follower.phone.getByRole('button', { name: 'Decline' }).click({ timeout: 5000 });
      await leader.phone.getByRole('button', { name: 'Answer' }).waitFor({ state: 'detached', timeout: 10_000 });
      await second.context().close();
    });
  });
});
