/**
 * A customer phone that is slow to take an INVITE with Replaces (a reloaded agent page taking its
 * call back): its SIP WebSocket goes through the test, which holds such an INVITE, and every frame
 * the server sends after it, in order, for `holdMs`. Whatever the agent does meanwhile meets a
 * take-back still unanswered, as over a slow network.
 */
import type { Page } from 'playwright-core';
import { DEMO_SIP_DOMAIN, DEMO_SUPPORT_NUMBER } from '../../src/node/demo/demo-phone-system.ts';
import { waitUntil, type Harness } from './harness.ts';

export interface SlowTakeBackPhone {
  readonly page: Page;
  /** When the first INVITE with Replaces reached the phone's socket (and was held); undefined before. */
  readonly takeBackAt: () => number | undefined;
}

export async function openSlowTakeBackPhone(h: Pick<Harness, 'browser' | 'console' | 'sip'>, caller: string, holdMs: number): Promise<SlowTakeBackPhone> {
  const sipHost = new URL(h.sip.url).host;
  let takeBackAt: number | undefined;
  const context = await h.browser.newContext({ ignoreHTTPSErrors: true });
  await context.routeWebSocket(
    (url) => url.host === sipHost,
    (ws) => {
      const server = ws.connectToServer();
      let queue = Promise.resolve();
      server.onMessage((m) => {
        if (typeof m === 'string' && m.startsWith('INVITE ') && /\r\nReplaces:/i.test(m)) {
          takeBackAt ??= Date.now();
          queue = queue.then(() => new Promise((ok) => setTimeout(ok, holdMs)));
        }
        queue = queue.then(() => ws.send(m));
      });
      ws.onMessage((m) => server.send(m));
    },
  );
  const page = await context.newPage();
  await page.goto(
    `${h.console.lightningOrigin}/customer-phone/?ws=${encodeURIComponent(h.sip.url)}&domain=${encodeURIComponent(DEMO_SIP_DOMAIN)}` +
      `&user=${encodeURIComponent(caller)}&dial=${encodeURIComponent(DEMO_SUPPORT_NUMBER)}&autologin=1`,
  );
  const call = page.getByRole('button', { name: 'Call', exact: true });
  await waitUntil(() => call.isEnabled(), 15_000, `customer ${caller} signed in`);
  return { page, takeBackAt: () => takeBackAt };
}
