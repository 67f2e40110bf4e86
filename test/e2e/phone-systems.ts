/**
 * The two phone systems the console scenarios run against, set up alike: the embedded SIP server
 * and Kamailio (deploy/kamailio with auth_ephemeral), each sharing a fresh secret with the console
 * emulator that mints the agents' credentials; and a Lightning console opened for one agent there.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import type { RunningConsole } from '../../src/node/console/index.ts';
import { demoSipSecret, DEMO_AGENTS, DEMO_SIP_DOMAIN } from '../../src/node/demo/demo-phone-system.ts';
import { startSipServer, type SipServer } from '../../src/node/sip-server/index.ts';
import { startKamailio, type KamailioHandle } from '../support/kamailio.ts';
import { waitUntil } from './harness.ts';

export interface PhoneSystem {
  readonly name: 'embedded' | 'kamailio';
  readonly wsUrl: string;
  readonly domain: string;
  /** Shared with the console emulator (startConsole's sipSecret). */
  readonly secret: string;
  /** A caller's password there (undefined: a guest of the embedded server, no password). */
  readonly callerPassword?: string;
  registered(user: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface PhoneSystemOptions {
  /** The customers' numbers that may call. */
  readonly callers: readonly string[];
  readonly ringGroups?: Readonly<Record<string, readonly string[]>>;
}

export async function embeddedPhoneSystem(options: PhoneSystemOptions): Promise<PhoneSystem & { readonly sip: SipServer }> {
  const secret = demoSipSecret();
  const sip = await startSipServer({
    ephemeralSecret: secret,
    domain: DEMO_SIP_DOMAIN,
    users: DEMO_AGENTS.map(({ username, password, displayName }) => ({ username, password, displayName })),
    guests: [...options.callers],
    ...(options.ringGroups ? { ringGroups: options.ringGroups } : {}),
  });
  return {
    name: 'embedded',
    sip,
    wsUrl: sip.url,
    domain: DEMO_SIP_DOMAIN,
    secret,
    registered: async (u) => sip.registrations(u).length > 0,
    close: () => sip.close(),
  };
}

export async function kamailioPhoneSystem(options: PhoneSystemOptions): Promise<PhoneSystem & { readonly kamailio: KamailioHandle }> {
  const secret = randomBytes(24).toString('hex');
  const callerPassword = `caller-${randomBytes(6).toString('hex')}`;
  const kamailio = await startKamailio({
    ephemeralSecret: secret,
    users: options.callers.map((username) => ({ username, password: callerPassword })),
    ...(options.ringGroups ? { ringGroups: options.ringGroups } : {}),
  });
  return {
    name: 'kamailio',
    kamailio,
    wsUrl: kamailio.wsUrl,
    domain: kamailio.domain,
    secret,
    callerPassword,
    registered: async (u) => (await kamailio.registeredUsers()).includes(u),
    close: () => kamailio.stop(),
  };
}

/** The Lightning console of `username` in a context of its own, once `extension` has registered and the panel is up. */
export async function openConsoleOn(
  browser: Browser,
  app: RunningConsole,
  system: PhoneSystem,
  username: string,
  extension: string,
): Promise<{ context: BrowserContext; page: Page; phone: FrameLocator }> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.goto(app.consoleUrl(username));
  await waitUntil(() => system.registered(extension), 30_000, `${extension} registers with ${system.name}`);
  const phone = page.frameLocator('iframe[title="Softphone"]');
  await phone.getByRole('textbox', { name: 'Number to dial' }).waitFor({ timeout: 20_000 });
  return { context, page, phone };
}
