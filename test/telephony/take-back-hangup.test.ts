/*
 * The SIP adapter asked to hang up a call it is still taking back after a reload (its INVITE with
 * Replaces unanswered): it must not CANCEL that INVITE (the far end would keep the old dialog, the
 * call up) but send the BYE once the call is back, and report the call ended only then. Real
 * adapters in Debian's Chromium (the harness page, dist/telephony/sip/web/) on the embedded SIP
 * server: agent 1001 keeps its dialogs in sessionStorage and reloads mid-call; the far end, 1002,
 * is slow to take the INVITE with Replaces (its WebSocket goes through the test, which holds that
 * INVITE, and what follows it, for HOLD_MS).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
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

async function waitEvent(page: Page, event: string, callId: string, timeout = 15_000): Promise<HarnessEvent> {
  const handle = await page.waitForFunction(({ event, callId }) => window.harness.events.find((e) => e.event === event && e.args[0] === callId) ?? false,
    { event, callId }, { timeout, polling: 50 });
  return (await handle.jsonValue()) as HarnessEvent;
}

test('a hang-up while the call is being taken back after a reload sends the BYE once it is back; ended only then', { timeout: 90_000 }, async () => {
  const agentContext = await browser.newContext();
  contexts.push(agentContext);
  const agent = await harnessPage(agentContext);
  await agent.evaluate((c) => window.harness.start(c), config('1001', true));

  // The far end, slow to take the INVITE with Replaces.
  const farContext = await browser.newContext();
  contexts.push(farContext);
  const sipHost = new URL(sip.url).host;
  let takeBackAt: number | undefined;
  await farContext.routeWebSocket((url) => url.host === sipHost, (ws) => {
    const server = ws.connectToServer();
    let queue = Promise.resolve();
    server.onMessage((m) => {
      if (typeof m === 'string' && m.startsWith('INVITE ') && /\r\nReplaces:/i.test(m)) {
        takeBackAt ??= Date.now();
        queue = queue.then(() => new Promise((ok) => setTimeout(ok, HOLD_MS)));
      }
      queue = queue.then(() => ws.send(m));
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
  await waitEvent(far, 'established', farCallId);

  // The page goes (its dialogs kept, no BYE) and comes back: the adapter takes the call back.
  assert.deepEqual(await agent.evaluate(() => window.harness.telephony.suspend()), [callId]);
  await agent.reload();
  await agent.waitForFunction(() => 'harness' in window, undefined, { timeout: 10_000 });
  await agent.evaluate((c) => window.harness.start(c), config('1001', true));
  const deadline = Date.now() + 15_000;
  while (takeBackAt === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.ok(takeBackAt !== undefined, 'the INVITE with Replaces reached the far end');

  const hangupAsked = Date.now();
  assert.ok(hangupAsked - takeBackAt < HOLD_MS, 'the hang-up comes while the take-back is unanswered');
  const hangup = agent.evaluate((id) => window.harness.telephony.hangup(id).then(() => Date.now()), callId);

  const farEnded = await waitEvent(far, 'ended', farCallId, 20_000);
  assert.equal(farEnded.args[1], 'remote-hangup', 'the far end got a BYE: its call ended');
  const agentEnded = await waitEvent(agent, 'ended', callId, 10_000);
  assert.equal(agentEnded.args[1], 'local-hangup');
  assert.ok(agentEnded.at >= takeBackAt + HOLD_MS, 'reported ended only once the call was back (the far end answered the take-back)');
  assert.ok(await hangup >= takeBackAt + HOLD_MS, 'the hang-up resolved once the BYE could go');
  const agentEvents = (await events(agent)).filter((e) => e.args[0] === callId).map((e) => e.event);
  assert.deepEqual(agentEvents.filter((e) => e === 'established' || e === 'ended'), ['established', 'ended'], 'back, then ended: in that order, once each');
});
