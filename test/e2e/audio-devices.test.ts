/**
 * The agent's audio in the real softphone page, in the Lightning console emulator, with Chromium's
 * fake devices (`--use-fake-device-for-media-stream`: "Fake Audio Input 1/2", "Fake Audio Output
 * 1/2") and its autoplay policy enforced as browsers ship it
 * (`--autoplay-policy=document-user-activation-required`; the other browser tests turn it off):
 *
 * - the microphone, speaker and ringer the agent picks in Settings are the ones in use after a
 *   reload of the console (saved in the softphone's IndexedDB);
 * - a call that rings in a page nobody has clicked yet rings in silence: the panel says so, with an
 *   "Enable ringer sound" button; the click (the user gesture the browser waits for) lets the ringer
 *   play and the notice goes.
 *
 * Caution for the second test: Playwright runs every evaluate and locator query with CDP's
 * `userGesture: true`, which gives the frame (and, through `allow="autoplay"`, the console page
 * around it) the very user activation whose absence is tested. Until the notice is on screen the
 * test looks at the page only through `quietProbe` (CDP Runtime.evaluate without a gesture, in an
 * isolated world) and at the SIP server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CDPSession, Frame, Page } from 'playwright-core';
import { DEMO_AGENTS } from '../../src/node/demo/demo-phone-system.ts';
import { CALLERS, openAgentConsole, openCustomerPhone, shot, startHarness, waitRegistered, waitUntil, type AgentConsole, type Harness } from './harness.ts';

const AGENT = DEMO_AGENTS[0]!.username;
const CHOICES_KEY = 'audio/choices';

function softphoneFrame(page: Page): Frame {
  const frame = page.frames().find((f) => /\/softphone\//.test(f.url()));
  if (!frame)
    throw new Error(
      `no softphone frame in ${page
        .frames()
        .map((f) => f.url())
        .join(', ')}`,
    );
  return frame;
}

/** Opens the utility bar's Phone panel (it starts closed; an offer opens it by itself). */
async function openPhonePanel(page: Page): Promise<void> {
  const utility = page.getByRole('contentinfo', { name: 'Utility Bar' }).getByRole('button', { name: 'Phone', exact: true });
  if ((await utility.getAttribute('aria-expanded')) !== 'true') await utility.click();
}

/** Waits, without running anything in the page, until the console has loaded its softphone frame. */
async function frameLoaded(page: Page): Promise<void> {
  await waitUntil(() => page.frames().some((f) => /\/softphone\//.test(f.url())), 15_000, 'the softphone frame is loaded');
}

/** What the leader tab's audio says now (the panel's PanelAudio). */
function audioState(page: Page): Promise<{ selection: Record<string, string>; notices: unknown[] } | null> {
  return softphoneFrame(page).evaluate(`(() => {
    const audio = window.switchboard?.host?.audio;
    return audio ? { selection: { ...audio.selection }, notices: [...(audio.notices ?? [])] } : null;
  })()`) as Promise<{ selection: Record<string, string>; notices: unknown[] } | null>;
}

/** The audio choices the softphone saved in its IndexedDB (any object store of its database). */
function savedChoices(page: Page): Promise<unknown> {
  return softphoneFrame(page).evaluate(`(async () => {
    const done = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
    const db = await done(indexedDB.open('switchboard'));
    try {
      for (const store of db.objectStoreNames) {
        const value = await done(db.transaction(store).objectStore(store).get(${JSON.stringify(CHOICES_KEY)}));
        if (value !== undefined) return value;
      }
      return null;
    } finally { db.close(); }
  })()`);
}

/**
 * Evaluates `expression` in an isolated world of the softphone frame without a user gesture (what
 * Playwright's own evaluate cannot do): reads the DOM, gives the page no user activation.
 */
async function quietProbe(page: Page): Promise<{ read<T>(expression: string): Promise<T>; close(): Promise<void> }> {
  const frame = softphoneFrame(page);
  let cdp: CDPSession;
  try {
    cdp = await page.context().newCDPSession(frame); // an out-of-process frame has a session of its own
  } catch {
    cdp = await page.context().newCDPSession(page);
  }
  type Tree = { frame: { id: string; url: string }; childFrames?: Tree[] };
  const { frameTree } = (await cdp.send('Page.getFrameTree')) as { frameTree: Tree };
  const find = (t: Tree): string | undefined => (t.frame.url === frame.url() ? t.frame.id : t.childFrames?.map(find).find(Boolean));
  const frameId = find(frameTree);
  assert.ok(frameId, 'the softphone frame is in the CDP frame tree');
  const { executionContextId } = await cdp.send('Page.createIsolatedWorld', { frameId, worldName: 'audio-devices-test' });
  return {
    async read<T>(expression: string): Promise<T> {
      const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', { expression, contextId: executionContextId, returnByValue: true });
      if (exceptionDetails) throw new Error(`quiet probe: ${exceptionDetails.text} ${JSON.stringify(exceptionDetails.exception?.description ?? '')}`);
      return result.value as T;
    },
    close: () => cdp.detach(),
  };
}

/** The panel as the agent sees it (shadow DOM text), read by the quiet probe. */
const PANEL_TEXT = `(() => {
  const root = document.querySelector('sb-panel')?.shadowRoot;
  if (!root) return { alerts: [], buttons: [] };
  return {
    alerts: [...root.querySelectorAll('[role=alert]')].map((e) => e.textContent.replace(/\\s+/g, ' ').trim()),
    buttons: [...root.querySelectorAll('button')].map((b) => b.textContent.trim()),
  };
})()`;

describe('audio devices and the ringer in the softphone page', { concurrency: false }, () => {
  let h: Harness;

  before(async () => {
    h = await startHarness({ chromiumArgs: ['--autoplay-policy=document-user-activation-required'] });
  });
  after(async () => h?.close());

  test('the microphone, speaker and ringer the agent picks are the ones in use after a reload', { timeout: 90_000 }, async () => {
    const agent = await openAgentConsole(h);
    try {
      await pickAndReload(agent);
    } finally {
      await agent.context.close();
    }
    await waitUntil(() => h.sip.registrations(AGENT).length === 0, 15_000, "the closed console's registration ended");
  });

  async function pickAndReload(agent: AgentConsole): Promise<void> {
    const consoleLines: string[] = [];
    agent.page.on('console', (m) => consoleLines.push(`${m.type()} ${m.text()}`));
    await waitRegistered(h, AGENT);
    await openPhonePanel(agent.page);
    await agent.phone.getByRole('tab', { name: 'Settings' }).click();
    const mic = agent.phone.getByRole('combobox', { name: 'Microphone' });
    const speaker = agent.phone.getByRole('combobox', { name: 'Speaker' });
    const ringer = agent.phone.getByRole('combobox', { name: 'Ringer' });
    await waitUntil(async () => (await mic.locator('option').allTextContents()).includes('Fake Audio Input 2'), 15_000, 'the fake microphones are listed');
    await waitUntil(async () => (await speaker.locator('option').allTextContents()).includes('Fake Audio Output 2'), 15_000, 'the fake outputs are listed');

    // Not the first of each list: a choice that is lost shows as the system default again.
    const [micId] = await mic.selectOption({ label: 'Fake Audio Input 2' });
    const [speakerId] = await speaker.selectOption({ label: 'Fake Audio Output 1' });
    const [ringerId] = await ringer.selectOption({ label: 'Fake Audio Output 2' });
    const chosen = { microphone: micId!, speaker: speakerId!, ringer: ringerId! };
    await waitUntil(async () => JSON.stringify((await audioState(agent.page))?.selection) === JSON.stringify(chosen), 10_000, 'the devices are in use');
    // Saved after they apply: reload once they are (a softphone that saves nothing fails below, on the reload).
    const saved = await waitUntil(
      async () => {
        const stored = (await savedChoices(agent.page)) as Record<string, { deviceId: string; label: string }> | null;
        return stored?.['microphone']?.deviceId === micId && stored['speaker']?.deviceId === speakerId && stored['ringer']?.label === 'Fake Audio Output 2';
      },
      10_000,
      'the choices are saved with their labels',
    ).then(
      () => true,
      () => false,
    );
    await shot(agent.page, 'audio-01-chosen');

    await agent.page.reload();
    await waitUntil(
      async () => {
        try {
          return JSON.stringify((await audioState(agent.page))?.selection) === JSON.stringify(chosen);
        } catch {
          return false; // the frame is being replaced
        }
      },
      30_000,
      `after the reload the phone uses the chosen devices ${JSON.stringify(chosen)}`,
    ).catch(async (e: Error) => {
      const page = await softphoneFrame(agent.page)
        .evaluate(
          '(() => ({ url: location.href, ready: document.readyState, leadership: window.switchboard?.host?.leadership, phase: window.switchboard?.host?.state.phase }))()',
        )
        .catch(String);
      throw new Error(
        `${e.message}; it uses ${JSON.stringify(await audioState(agent.page).catch(() => null))} (saved before the reload: ${saved}); the softphone: ${JSON.stringify(page)}; its console: ${JSON.stringify(consoleLines.slice(-20))}`,
      );
    });
    await openPhonePanel(agent.page);
    await agent.phone.getByRole('tab', { name: 'Settings' }).click();
    await waitUntil(async () => (await mic.inputValue()) === micId, 10_000, 'Settings shows the chosen microphone');
    assert.equal(await speaker.inputValue(), speakerId);
    assert.equal(await ringer.inputValue(), ringerId);
    assert.deepEqual((await audioState(agent.page))?.notices, [], 'every saved device is connected');
    await shot(agent.page, 'audio-02-after-reload');
  }

  test('a ring the browser keeps silent (no click in the page yet) is said, and "Enable ringer sound" lets it ring', { timeout: 90_000 }, async () => {
    // A fresh context: no user gesture has reached this page, so Chromium refuses to play sound.
    const agent: AgentConsole = await openAgentConsole(h);
    try {
      await silentRing(agent);
    } finally {
      await agent.context.close();
    }
  });

  async function silentRing(agent: AgentConsole): Promise<void> {
    await waitRegistered(h, AGENT);
    await frameLoaded(agent.page);
    const probe = await quietProbe(agent.page);
    type Panel = { alerts: string[]; buttons: string[] };
    const customer = await openCustomerPhone(h, CALLERS.ada);
    await customer.getByRole('button', { name: 'Call', exact: true }).click();

    let panel: Panel = { alerts: [], buttons: [] };
    await waitUntil(async () => (panel = await probe.read<Panel>(PANEL_TEXT)).buttons.includes('Answer'), 15_000, 'the call rings in the panel');
    await waitUntil(
      async () => (panel = await probe.read<Panel>(PANEL_TEXT)).alerts.some((a) => a.includes('ring silently')),
      10_000,
      'the panel says the ring is silent',
    ).catch((e: Error) => {
      throw new Error(`${e.message}; the panel shows ${JSON.stringify(panel)}`);
    });
    assert.ok(panel.buttons.includes('Enable ringer sound'), JSON.stringify(panel));
    await probe.close();

    // From here Playwright may give the page activation: that alone plays nothing (only a play
    // started again does), so the notice stays until the agent clicks its button.
    const notice = agent.phone.getByRole('alert').filter({ hasText: 'ring silently' });
    await notice.waitFor();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(await notice.count(), 1, 'the notice stays until the agent acts on it');
    await shot(agent.page, 'audio-03-ringer-blocked');

    await agent.phone.getByRole('button', { name: 'Enable ringer sound' }).click();
    await notice.waitFor({ state: 'detached', timeout: 5000 });
    assert.deepEqual((await audioState(agent.page))?.notices, [], 'the ringer plays');
    assert.equal(await agent.phone.getByRole('button', { name: 'Answer' }).count(), 1, 'the call still rings');
    await shot(agent.page, 'audio-04-ringer-enabled');

    await agent.phone.getByRole('button', { name: 'Decline' }).click();
    await customer.context().close();
  }
});
