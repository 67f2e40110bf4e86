/**
 * The connector page runs a script only from an origin it chose. A crafted link to the hosted page
 * (`sfdcIframeOrigin=https://attacker.example`, or Classic's `sfdcIFrameOrigin`), opened directly or
 * framed by the attacker's page, makes no request to that origin and runs nothing from it, and the
 * panel says why. And the real softphone, under its Content-Security-Policy, signs in and rings
 * without a single policy violation.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Frame, Page, Request } from 'playwright-core';
import { Inviter, UserAgent } from 'sip.js';
import { launchChromium } from '../support/chromium.ts';
import { STRICT_CHROMIUM_ARGS } from '../../src/node/console/index.ts';
import { agentUser, DOMAIN, startStack, type Stack } from '../../bench/support/stack.ts';
import { CONSOLE_PROBE } from '../../bench/support/pages.ts';
import { until } from '../../bench/support/measure.ts';
import { reach, SessionState } from '../../src/node/sip-server/test-support/sip-phone.ts';

const ATTACKER = 'https://attacker.example';
const AGENT = agentUser(0);

let stack: Stack;
let browser: Browser;

before(async () => {
  stack = await startStack({ agents: 1, strictOrigins: true });
  // Local Network Access would stop a public page (the attacker's, routed here) from framing the
  // emulator on 127.0.0.1 at all; a real org is public, so the framed attack must get that far.
  browser = await launchChromium([...STRICT_CHROMIUM_ARGS, '--disable-features=LocalNetworkAccessChecks']);
});

after(async () => {
  await browser?.close();
  await stack?.close();
});

/** A context in which every request to the attacker's origin is recorded and answered by "the attacker". */
async function attackerWorld(): Promise<{ context: BrowserContext; requests: Request[] }> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const requests: Request[] = [];
  context.on('request', (r) => {
    if (r.url().startsWith(ATTACKER)) requests.push(r);
  });
  await context.route(`${ATTACKER}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/frame') {
      // The attacker's page frames the softphone with its own origin as sfdcIframeOrigin.
      const target = url.searchParams.get('target') ?? '';
      await route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><iframe title="victim" allow="microphone" src="${target.replace(/"/g, '&quot;')}"></iframe>`,
      });
      return;
    }
    await route.fulfill({ contentType: 'text/javascript', body: 'window.__pwned = (window.__pwned || 0) + 1; try { top.__pwned = 1; } catch (e) {}' });
  });
  return { context, requests };
}

/** Waits until the panel in `frame` shows why it refused, and returns the text it shows. */
async function refusal(frame: Frame): Promise<string> {
  // The panel may show it twice (the phone area and the error banner): either will do.
  const shown = frame.getByText(`refused to load Open CTI from ${ATTACKER}`, { exact: false }).first();
  await shown.waitFor({ timeout: 15_000 });
  return shown.innerText();
}

describe('a crafted sfdcIframeOrigin', () => {
  const cases: [string, string][] = [
    ['Lightning', `sfdcIframeOrigin=${encodeURIComponent(ATTACKER)}&mode=Lightning`],
    ['Classic', `sfdcIFrameOrigin=${encodeURIComponent(ATTACKER)}&sfdcIFrameHost=x&nonce=abc&isdtp=vw`],
  ];
  for (const [surface, query] of cases) {
    it(`${surface}: the page opened from a link requests nothing from the named origin, runs nothing, and says why`, { timeout: 60_000 }, async () => {
      const { context, requests } = await attackerWorld();
      try {
        const page = await context.newPage();
        await page.goto(`${stack.console.softphoneUrl}?${query}`);
        const text = await refusal(page.mainFrame());
        assert.match(text, /administrator allows another origin/, 'the panel says how an admin allows an origin');
        assert.deepEqual(
          requests.map((r) => r.url()),
          [],
          "a request went to the attacker's origin",
        );
        assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
        assert.equal(
          await page.evaluate(() => [...document.scripts].filter((s) => s.src.startsWith('https://attacker.example')).length),
          0,
          'a script element names the attacker',
        );
      } finally {
        await context.close();
      }
    });
  }

  it("framed by the attacker's own page (so the framing origin matches): still nothing from it", { timeout: 60_000 }, async () => {
    const { context, requests } = await attackerWorld();
    try {
      const page = await context.newPage();
      const target = `${stack.console.softphoneUrl}?${cases[0]![1]}`;
      await page.goto(`${ATTACKER}/frame?target=${encodeURIComponent(target)}`);
      const frame = await until('the softphone frame', async () => page.frames().find((f) => f.url().startsWith(stack.console.softphoneUrl)), 15_000, 20);
      await refusal(frame);
      assert.deepEqual(
        requests.map((r) => new URL(r.url()).pathname),
        ['/frame'],
        "only the attacker's own page came from its origin",
      );
      assert.equal(await frame.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    } finally {
      await context.close();
    }
  });
});

describe('the softphone under its Content-Security-Policy', () => {
  it('signs in and rings in the console with no policy violation', { timeout: 90_000 }, async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    let page: Page | undefined;
    try {
      await context.addInitScript(CONSOLE_PROBE);
      // Every frame records the violations it sees (the policy's own report, not a console text).
      await context.addInitScript(() => {
        const list: string[] = [];
        Object.assign(window, { __cspViolations: list });
        document.addEventListener('securitypolicyviolation', (e) => list.push(`${e.effectiveDirective} ${e.blockedURI}`));
      });
      page = await context.newPage();
      const consoleErrors: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) consoleErrors.push(m.text());
      });
      const policy = page.waitForResponse((r) => r.url().startsWith(stack.console.softphoneUrl) && r.request().resourceType() === 'document');
      await page.goto(stack.console.consoleUrl());
      const csp = (await policy).headers()['content-security-policy'] ?? '';
      assert.match(csp, /script-src 'self' /, 'the connector page is served with its policy');
      assert.ok(csp.includes(`connect-src 'self' ${new URL(stack.sipUrl).protocol}//${new URL(stack.sipUrl).host}`), csp);
      const frame = await until('the softphone frame', async () => page!.frames().find((f) => f.url().startsWith(stack.console.softphoneUrl)), 15_000, 20);
      await stack.registered(AGENT, 20_000);
      // Registered is not enough: a call before the agent is available is refused; wait as an agent would.
      await until(
        'the agent to be available',
        async () =>
          (await frame
            .getByRole('combobox', { name: 'Status' })
            .inputValue({ timeout: 1000 })
            .catch(() => '')) === 'available'
            ? true
            : undefined,
        20_000,
        50,
      );
      const caller = await stack.caller('2125550240');
      const inviter = new Inviter(caller.ua, UserAgent.makeURI(`sip:${AGENT}@${DOMAIN}`)!);
      await inviter.invite();
      try {
        // The Node caller offers signalling-only SDP, so the call rings but is not answered here; the
        // browser tests with media (test/e2e) run under this same policy, served by the emulator.
        await frame.getByRole('button', { name: 'Answer' }).waitFor({ timeout: 15_000 });
      } finally {
        await inviter.cancel().catch(() => undefined);
        await reach(inviter, SessionState.Terminated, 10_000);
      }
      const violations = await frame.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? ['no recorder']);
      assert.deepEqual(violations, [], 'policy violations in the softphone');
      assert.deepEqual(consoleErrors, []);
    } finally {
      await context.close();
    }
  });
});
