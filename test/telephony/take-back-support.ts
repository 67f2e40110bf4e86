/*
 * Shared set-up of the take-back tests (take-back-hangup, take-back-hold): real adapters in
 * Debian's Chromium (the harness page, dist/telephony/sip/web/) on the embedded SIP server; agent
 * 1001 keeps its dialogs in sessionStorage and reloads mid-call; the far end, 1002, reaches the
 * server through the test, which may hold a message, and what follows it, for a while.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { DIST } from './scenarios.ts';
import { startSipServer, type SipServer } from '../../src/node/sip-server/index.ts';
import type { HarnessConfig, HarnessEvent } from '../../src/telephony/sip/web/sip-harness.entry.ts';

const password = (u: string): string => `pw-${u}`;

export interface TakeBackRig {
  /** Agent 1001's harness page, signed in, keeping its dialogs. */
  agent(): Promise<Page>;
  /**
   * Far end 1002's harness page, signed in; every message the server sends it goes through
   * `intercept`, which answers how long to hold it (and what follows it) first: 0 for no wait;
   * `delivered` sees each one as it is let through, in the order the far end gets them.
   */
  farEnd(intercept: (message: string) => number, delivered?: (message: string) => void): Promise<Page>;
  /** The agent's page goes (its dialogs kept, no BYE) and comes back signed in: the adapter takes its calls back. */
  reload(agent: Page, callId: string): Promise<void>;
}

/** Starts Chromium, the static server and the SIP server for this test file (before/after hooks). */
export function takeBackRig(): TakeBackRig {
  let browser: Browser, web: StaticServer, sip: SipServer;
  const contexts: BrowserContext[] = [];
  before(async () => {
    [browser, web, sip] = await Promise.all([
      launchChromium(),
      serveStatic(DIST),
      startSipServer({ host: '127.0.0.1', domain: '127.0.0.1', users: ['1001', '1002'].map((username) => ({ username, password: password(username) })) }),
    ]);
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await web?.close();
    await sip?.close();
  });

  const context = async (): Promise<BrowserContext> => {
    const c = await browser.newContext();
    contexts.push(c);
    return c;
  };
  const page = async (c: BrowserContext, user: string, keepDialogs: boolean): Promise<Page> => {
    const p = await c.newPage();
    await p.goto(`${web.url}/telephony/sip/web/index.html`);
    await p.waitForFunction(() => 'harness' in window, undefined, { timeout: 10_000 });
    await p.evaluate((cfg) => window.harness.start(cfg), config(user, keepDialogs));
    return p;
  };
  const config = (user: string, keepDialogs: boolean): HarnessConfig => ({
    wsUrl: sip.url,
    domain: '127.0.0.1',
    username: user,
    password: password(user),
    qualityIntervalMs: 1000,
    backoff: { initialMs: 100, maxMs: 800, factor: 2, jitter: 0.2 },
    keepDialogs,
  });
  return {
    agent: async () => page(await context(), '1001', true),
    farEnd: async (intercept, delivered) => {
      const c = await context();
      const sipHost = new URL(sip.url).host;
      await c.routeWebSocket(
        (url) => url.host === sipHost,
        (ws) => {
          const server = ws.connectToServer();
          let queue = Promise.resolve();
          server.onMessage((m) => {
            const holdMs = typeof m === 'string' ? intercept(m) : 0;
            if (holdMs > 0) queue = queue.then(() => new Promise((ok) => setTimeout(ok, holdMs)));
            queue = queue.then(() => {
              if (typeof m === 'string') delivered?.(m);
              ws.send(m);
            });
          });
          ws.onMessage((m) => server.send(m));
        },
      );
      const far = await page(c, '1002', false);
      await far.waitForFunction(
        () => window.harness.events.some((e) => e.event === 'registration' && (e.args[0] as { state: string }).state === 'registered'),
        undefined,
        { timeout: 10_000 },
      );
      return far;
    },
    reload: async (agent, callId) => {
      assert.deepEqual(await agent.evaluate(() => window.harness.telephony.suspend()), [callId]);
      await agent.reload();
      await agent.waitForFunction(() => 'harness' in window, undefined, { timeout: 10_000 });
      await agent.evaluate((c) => window.harness.start(c), config('1001', true));
    },
  };
}

export const events = (page: Page): Promise<HarnessEvent[]> => page.evaluate(() => window.harness.events);

/** The first `event` of `callId` whose arguments `match` accepts (its source runs in the page). */
export async function waitEvent(
  page: Page,
  event: string,
  callId: string,
  options: { readonly match?: (args: readonly unknown[]) => boolean; readonly timeout?: number } = {},
): Promise<HarnessEvent> {
  const source = (options.match ?? (() => true)).toString();
  const handle = await page.waitForFunction(
    ({ event, callId, source }) => {
      const test = new Function('args', `return (${source})(args);`) as (args: readonly unknown[]) => boolean;
      return window.harness.events.find((e) => e.event === event && e.args[0] === callId && test(e.args)) ?? false;
    },
    { event, callId, source },
    { timeout: options.timeout ?? 15_000, polling: 50 },
  );
  return (await handle.jsonValue()) as HarnessEvent;
}

/** The agent calls the far end, which answers: both sides' call ids, once both are established. */
export async function answeredCall(agent: Page, far: Page): Promise<{ callId: string; farCallId: string }> {
  const { callId } = await agent.evaluate(() => window.harness.telephony.dial({ target: '1002' }));
  const farCallId = await far
    .waitForFunction(
      () => {
        const incoming = window.harness.events.find((e) => e.event === 'incoming');
        return incoming ? (incoming.args[0] as { callId: string }).callId : false;
      },
      undefined,
      { timeout: 10_000 },
    )
    .then((h) => h.jsonValue() as Promise<string>);
  await far.evaluate((id) => window.harness.telephony.answer(id), farCallId);
  await waitEvent(agent, 'established', callId);
  await waitEvent(far, 'established', farCallId);
  return { callId, farCallId };
}
