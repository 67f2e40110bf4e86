/**
 * The whole agent flow, for end-to-end tests: the embedded SIP server with the demo phone system,
 * the console emulator in strict mode (Salesforce-shaped origins, Salesforce's origin rule), and
 * Debian's Chromium driving agent consoles and customer phones. Each test file gets its own org
 * (an in-memory database) and its own servers on ephemeral ports.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { startSipServer, type SipServer } from '../../src/node/sip-server/index.ts';
import { startConsole, STRICT_CHROMIUM_ARGS, type RunningConsole } from '../../src/node/console/index.ts';
import { DEMO_AGENTS, DEMO_SIP_DOMAIN, DEMO_SUPPORT_NUMBER, demoSipSecret } from '../../src/node/demo/demo-phone-system.ts';

export const SCREENSHOTS = 'test-results/screenshots';

/** Caller numbers the tests use; each is a guest user of the SIP server. */
export const CALLERS = {
  ada: '+14155550134', //        the seeded contact Maria Lopez (DEMO.uniqueContact: a unique number)
  shared: '+14155550177', //     two contacts created by the tests share it
  unknown: '+16505550123', //    nobody has it (DEMO.unknownPhone)
  caseCaller: '+442079460999', // calls with an IVR case number
  hostile: '+14155550166', //    calls with a hostile display name
  tabs: '+14155550155',
  classic: '+14155550188',
} as const;

export interface Harness {
  readonly sip: SipServer;
  readonly console: RunningConsole;
  readonly browser: Browser;
  close(): Promise<void>;
}

/**
 * As `npm start` runs it: the SIP server and the emulator share a secret, so each console mints
 * short-lived credentials for its own user's extension (no password in the call center).
 */
export interface HarnessOptions {
  /** Members of the support line's ring group (default: the demo agent alone). */
  readonly ringGroup?: readonly string[];
  /** More guest users (far ends a test scripts) besides the CALLERS. */
  readonly guests?: readonly string[];
  /** More Chromium flags; one named as a default flag replaces it (see launchChromium). */
  readonly chromiumArgs?: readonly string[];
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sipSecret = demoSipSecret();
  const sip = await startSipServer({
    ephemeralSecret: sipSecret,
    domain: DEMO_SIP_DOMAIN,
    users: DEMO_AGENTS.map(({ username, password, displayName }) => ({ username, password, displayName })),
    guests: [...Object.values(CALLERS), ...(options.guests ?? [])],
    ringGroups: { [DEMO_SUPPORT_NUMBER]: [...(options.ringGroup ?? [DEMO_AGENTS[0]!.username])] },
  });
  const app = await startConsole({ dbFile: ':memory:', sipServer: sip.url, sipDomain: DEMO_SIP_DOMAIN, strictOrigins: true, sipSecret });
  const browser = await launchChromium([...STRICT_CHROMIUM_ARGS, ...(options.chromiumArgs ?? [])]);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    sip,
    console: app,
    browser,
    close: async () => {
      await browser.close().catch(() => {});
      await app.close().catch(() => {});
      await sip.close().catch(() => {});
    },
  };
}

/** An agent console page and its softphone frame. */
export interface AgentConsole {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly phone: FrameLocator;
}

export async function openAgentConsole(h: Harness, options: { classic?: boolean; context?: BrowserContext; username?: string } = {}): Promise<AgentConsole> {
  const context = options.context ?? (await h.browser.newContext({ ignoreHTTPSErrors: true }));
  const page = await context.newPage();
  await page.goto(options.classic ? h.console.classicUrl() : h.console.consoleUrl(options.username));
  const phone = page.frameLocator('iframe[title="Softphone"]');
  return { context, page, phone };
}

/** The console of a demo agent, once their softphone has registered their extension. */
export async function openRegisteredAgent(h: Harness, agent: { readonly username: string; readonly extension: string }): Promise<AgentConsole> {
  const opened = await openAgentConsole(h, { username: agent.username });
  await waitRegistered(h, agent.extension);
  return opened;
}

export async function waitRegistered(h: Harness, user = DEMO_AGENTS[0]!.username, count = 1, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (h.sip.registrations(user).length < count) {
    if (Date.now() > deadline) throw new Error(`${user} did not register ${count} time(s) within ${timeoutMs} ms (has ${h.sip.registrations(user).length})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface CustomerPhoneOptions {
  readonly caseNumber?: string;
  /** What the Call button dials (default the support line). */
  readonly dial?: string;
  /** Another phone system's domain and the caller's password there (the embedded server's guests need none). */
  readonly domain?: string;
  readonly password?: string;
}

/** A customer phone page signed in as `caller`, ready to dial the support line. */
export async function openCustomerPhone(
  h: Pick<Harness, 'browser' | 'console'> & { readonly sip: { readonly url: string } },
  caller: string,
  options: CustomerPhoneOptions = {},
): Promise<Page> {
  const context = await h.browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const url =
    `${h.console.lightningOrigin}/customer-phone/?ws=${encodeURIComponent(h.sip.url)}&domain=${encodeURIComponent(options.domain ?? DEMO_SIP_DOMAIN)}` +
    `&user=${encodeURIComponent(caller)}&dial=${encodeURIComponent(options.dial ?? DEMO_SUPPORT_NUMBER)}&autologin=1` +
    (options.password ? `&password=${encodeURIComponent(options.password)}` : '') +
    (options.caseNumber ? `&case=${encodeURIComponent(options.caseNumber)}` : '');
  await page.goto(url);
  await page.getByRole('button', { name: 'Call', exact: true }).waitFor({ state: 'visible' });
  await waitUntil(() => page.getByRole('button', { name: 'Call', exact: true }).isEnabled(), 10_000, `customer ${caller} signed in`);
  return page;
}

export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Clicks `button` in each of `forms` (wrap-ups, say) until none is left, waiting after each click for
 * its form to go: the panel removes a saved form at its next render, and a click aimed at it in
 * between would wait for a button that is gone.
 */
export async function clickEach(forms: Locator, button: string, timeoutMs = 10_000): Promise<void> {
  for (let n = await forms.count(); n > 0; n = await forms.count()) {
    await forms.first().getByRole('button', { name: button }).click();
    await waitUntil(async () => (await forms.count()) < n, timeoutMs, `a form to go after its ${button}`);
  }
}

export interface TaskRecord {
  readonly Id: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** Every Task the org holds for a call object (the connector's call id). */
export function tasksFor(h: Harness, predicate: (t: TaskRecord) => boolean): TaskRecord[] {
  return h.console.data.list('Task', 10_000).filter(predicate) as unknown as TaskRecord[];
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}/e2e-${name}.png` });
}

/** The console's log of the Open CTI calls it served, for failure messages. */
export async function openCtiLog(page: Page, methods?: readonly string[]): Promise<string> {
  const log = (await page.evaluate('window.__consoleLog ?? []')) as { method: string; args: unknown; result?: unknown }[];
  return JSON.stringify(
    log.filter((e) => !methods || methods.includes(e.method)),
    null,
    1,
  ).slice(-6000);
}
