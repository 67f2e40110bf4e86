/*
 * A held call reloaded twice in quick succession stays held. After a reload the adapter takes the
 * call back with a sendrecv INVITE with Replaces and then holds it again by re-INVITE; when the
 * page goes again before that re-INVITE is answered, the next page must still know the call is
 * held (the agent put the customer on hold: taking them off it would let them hear the agent).
 * Real adapters in Debian's Chromium (the harness page, dist/telephony/sip/web/) on the embedded
 * SIP server: agent 1001 keeps its dialogs in sessionStorage; the far end, 1002, is slow to take
 * the re-hold after the first take-back (its WebSocket goes through the test, which holds that
 * re-INVITE, and what follows it, for HOLD_MS), and the agent reloads meanwhile.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { until } from '../support/until.ts';
import { DIST } from './scenarios.ts';
import { startSipServer, type SipServer } from '../../src/node/sip-server/index.ts';
import type { HarnessConfig, HarnessEvent } from '../../src/telephony/sip/web/sip-harness.entry.ts';

const HOLD_MS = 2500;
const password = (u: string): string => `pw-${u}`;

let browser: Browser, web: StaticServer, sip: SipServer;
const contexts: BrowserContext[] = [];

before(async () => {
  [browser, web, sip] = await Promise.all([
    launchChromium(), serveStatic(DIST),
    startSipServer({ host: '127.0.0.1', domain: '127.0.0.1', users: ['1001', '1002'].map((username) => ({ username, password: password(username) })) }),
  ]);
});
after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await web?.close();
  await sip?.close();
});

const config = (user: string, keepDialogs: boolean): HarnessConfig => ({
  wsUrl: sip.url, domain: '127.0.0.1', username: user, password: password(user), qualityIntervalMs: 1000,
  backoff: { initialMs: 100, maxMs: 800, factor: 2, jitter: 0.2 }, keepDialogs,
});

async function harnessPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${web.url}/telephony/sip/web/index.html`);
  await page.waitForFunction(() => 'harness' in window, undefined, { timeout: 10_000 });
  return page;
}

const events = (page: Page): Promise<HarnessEvent[]> => page.evaluate(() => window.harness.events);

async function waitEvent(page: Page, event: string, callId: string, match: (args: readonly unknown[]) => boolean = () => true, timeout = 15_000): Promise<HarnessEvent> {
  const handle = await page.waitForFunction(({ event, callId, source }) => {
    const test = new Function('args', `return (${source})(args);`) as (args: readonly unknown[]) => boolean;
    return window.harness.events.find((e) => e.event === event && e.args[0] === callId && test(e.args)) ?? false;
  }, { event, callId, source: match.toString() }, { timeout, polling: 50 });
  return (await handle.jsonValue()) as HarnessEvent;
}

/** The page goes (its dialogs kept, no BYE) and comes back signed in: the adapter takes its calls back. */
async function reload(agent: Page, callId: string): Promise<void> {
  assert.deepEqual(await agent.evaluate(() => window.harness.telephony.suspend()), [callId]);
  await agent.reload();
  await agent.waitForFunction(() => 'harness' in window, undefined, { timeout: 10_000 });
  await agent.evaluate((c) => window.harness.start(c), config('1001', true));
}

test('a held call reloaded again while its re-hold is unanswered comes back held', { timeout: 90_000 }, async () => {
  const agentContext = await browser.newContext();
  contexts.push(agentContext);
  const agent = await harnessPage(agentContext);
  await agent.evaluate((c) => window.harness.start(c), config('1001', true));

  // The far end, slow to take the first re-hold after a take-back. What reaches it, in order.
  const farContext = await browser.newContext();
  contexts.push(farContext);
  const sipHost = new URL(sip.url).host;
  const reached: ('call' | 'take-back' | 'hold' | 'resume')[] = [];
  let slowed = false;
  let reholdHeldAt: number | undefined;
  await farContext.routeWebSocket((url) => url.host === sipHost, (ws) => {
    const server = ws.connectToServer();
    let queue = Promise.resolve();
    server.onMessage((m) => {
      const invite = typeof m === 'string' && m.startsWith('INVITE ') ? m : undefined;
      const kind = !invite ? undefined : /\r\nReplaces:/i.test(invite) ? 'take-back' : !/\r\nTo:[^\r]*;tag=/i.test(invite) ? 'call'
        : /^a=(sendonly|inactive)\s*$/m.test(invite) ? 'hold' : 'resume';
      if (kind === 'hold' && reached.includes('take-back') && !slowed) {
        slowed = true;
        reholdHeldAt = Date.now();
        queue = queue.then(() => new Promise((ok) => setTimeout(ok, HOLD_MS)));
      }
      queue = queue.then(() => {
        if (kind) reached.push(kind);
        ws.send(m);
      });
    });
    ws.onMessage((m) => server.send(m));
  });
  const far = await harnessPage(farContext);
  await far.evaluate((c) => window.harness.start(c), config('1002', false));
  await far.waitForFunction(() => window.harness.events.some((e) => e.event === 'registration' && (e.args[0] as { state: string }).state === 'registered'), undefined, { timeout: 10_000 });

  const { callId } = await agent.evaluate(() => window.harness.telephony.dial({ target: '1002' }));
  const farCallId = await far.waitForFunction(() => {
    const incoming = window.harness.events.find((e) => e.event === 'incoming');
    return incoming ? (incoming.args[0] as { callId: string }).callId : false;
  }, undefined, { timeout: 10_000 }).then((h) => h.jsonValue() as Promise<string>);
  await far.evaluate((id) => window.harness.telephony.answer(id), farCallId);
  await waitEvent(agent, 'established', callId);
  await agent.evaluate((id) => window.harness.telephony.hold(id), callId);
  await waitEvent(far, 'held', farCallId, (args) => args[1] === true);

  // First reload: the call comes back and is held again; that re-hold is slow to be answered.
  await reload(agent, callId);
  await until('the re-hold after the first take-back to leave the agent', async () => reholdHeldAt, (at) => at !== undefined, 15_000, () => `far end got: ${reached.join(', ')}`);
  assert.deepEqual(reached, ['call', 'hold', 'take-back'], 'the far end got the call, the hold, then the take-back');

  // Second reload while that re-hold is still unanswered.
  await reload(agent, callId);
  await waitEvent(agent, 'established', callId);
  await waitEvent(agent, 'held', callId, (args) => args[1] === true, 20_000);
  await until('the second take-back to reach the far end', async () => reached.filter((k) => k === 'take-back').length, (n) => n >= 2, 20_000, () => `far end got: ${reached.join(', ')}`);
  await new Promise((r) => setTimeout(r, 1000));
  const afterSecond = reached.slice(reached.lastIndexOf('take-back'));
  assert.deepEqual(afterSecond, ['take-back', 'hold'], `after the second take-back the call is held again (the far end got: ${reached.join(', ')})`);
  const farHeld = (await events(far)).filter((e) => e.event === 'held' && e.args[0] === farCallId).map((e) => e.args[1]);
  assert.equal(farHeld.at(-1), true, `the far end is on hold in the end (its held events: ${farHeld.join(', ')})`);
  const agentHeld = (await events(agent)).filter((e) => e.event === 'held' && e.args[0] === callId).map((e) => e.args[1]);
  assert.deepEqual(agentHeld, [true], 'the third page reports the call held, and never resumed');
});

test('a call reloaded again while its take-back is unanswered is taken back by the next page', { timeout: 90_000 }, async () => {
  const agentContext = await browser.newContext();
  contexts.push(agentContext);
  const agent = await harnessPage(agentContext);
  await agent.evaluate((c) => window.harness.start(c), config('1001', true));

  // The far end, slow to get the first INVITE with Replaces (and what follows it).
  const farContext = await browser.newContext();
  contexts.push(farContext);
  const sipHost = new URL(sip.url).host;
  const takeBacks: string[] = [];
  let slowedAt: number | undefined;
  await farContext.routeWebSocket((url) => url.host === sipHost, (ws) => {
    const server = ws.connectToServer();
    let queue = Promise.resolve();
    server.onMessage((m) => {
      if (slowedAt === undefined && typeof m === 'string' && m.startsWith('INVITE ') && /\r\nReplaces:/i.test(m)) {
        slowedAt = Date.now();
        queue = queue.then(() => new Promise((ok) => setTimeout(ok, HOLD_MS)));
      }
      queue = queue.then(() => {
        if (typeof m === 'string' && m.startsWith('INVITE ') && /\r\nReplaces:/i.test(m)) takeBacks.push(m.split('\r\n')[0]!);
        ws.send(m);
      });
    });
    ws.onMessage((m) => server.send(m));
  });
  const far = await harnessPage(farContext);
  await far.evaluate((c) => window.harness.start(c), config('1002', false));
  await far.waitForFunction(() => window.harness.events.some((e) => e.event === 'registration' && (e.args[0] as { state: string }).state === 'registered'), undefined, { timeout: 10_000 });

  const { callId } = await agent.evaluate(() => window.harness.telephony.dial({ target: '1002' }));
  const farCallId = await far.waitForFunction(() => {
    const incoming = window.harness.events.find((e) => e.event === 'incoming');
    return incoming ? (incoming.args[0] as { callId: string }).callId : false;
  }, undefined, { timeout: 10_000 }).then((h) => h.jsonValue() as Promise<string>);
  await far.evaluate((id) => window.harness.telephony.answer(id), farCallId);
  await waitEvent(agent, 'established', callId);

  // First reload: the take-back leaves, and the page goes again before the far end has it.
  await reload(agent, callId);
  await until('the first take-back to leave the agent', async () => slowedAt, (at) => at !== undefined, 15_000);
  await reload(agent, callId);
  await waitEvent(agent, 'established', callId, () => true, 20_000);
  await until('the far end to get both take-backs', async () => takeBacks.length, (n) => n >= 2, 20_000);
  await new Promise((r) => setTimeout(r, 1000));
  const farEvents = (await events(far)).filter((e) => e.args[0] === farCallId).map((e) => e.event);
  assert.ok(!farEvents.includes('ended'), `the far end's call is still up (its events: ${farEvents.join(', ')})`);
  const agentEvents = (await events(agent)).filter((e) => e.args[0] === callId && (e.event === 'established' || e.event === 'ended')).map((e) => e.event);
  assert.deepEqual(agentEvents, ['established'], 'the third page has the call back, up');
});
