/**
 * Browser agents for the telephony suite: one page (in its own browser context) per SIP user, each
 * running the harness page (src/telephony/sip/web/) with the real SIP adapter. Waits poll the
 * page's event log or getStats with a bounded timeout; nothing sleeps for a fixed time except where
 * a test must show that something does NOT happen (no audio while held).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { HarnessConfig, HarnessEvent } from '../../src/telephony/sip/web/sip-harness.entry.ts';

export const DEFAULT_WAIT_MS = 10_000;

export interface PhoneServer {
  readonly name: string;
  readonly wsUrl: string;
  readonly domain: string;
  passwordOf(user: string): string;
  /** The PIDF basic status the server holds for a user, where the server can tell (embedded only). */
  presenceOf?(user: string): 'open' | 'closed' | undefined;
  /** Chromium flags the server needs (e.g. trusting a test certificate for wss). */
  readonly chromiumArgs?: readonly string[];
  /** Stops the server and starts it again on the same address with empty state. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export class Agent {
  private constructor(
    readonly user: string,
    readonly page: Page,
    private readonly context: BrowserContext,
  ) {}

  /** `initScript` runs in the page before any of its own code (an instrument that must see everything the adapter makes). */
  static async open(
    browser: Browser,
    baseUrl: string,
    server: PhoneServer,
    user: string,
    extra: Partial<HarnessConfig> = {},
    initScript?: string,
  ): Promise<Agent> {
    const context = await browser.newContext();
    if (initScript) await context.addInitScript(initScript);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${baseUrl}/telephony/sip/web/index.html`);
    await page.waitForFunction(() => 'harness' in window, undefined, { timeout: DEFAULT_WAIT_MS });
    const config: HarnessConfig = {
      wsUrl: server.wsUrl,
      domain: server.domain,
      username: user,
      password: server.passwordOf(user),
      displayName: `Agent ${user}`,
      qualityIntervalMs: 1000,
      backoff: { initialMs: 100, maxMs: 800, factor: 2, jitter: 0.2 },
      ...extra,
    };
    await page.evaluate((c) => window.harness.start(c), config);
    return new Agent(user, page, context);
  }

  /** Every event the adapter emitted so far. */
  events(): Promise<HarnessEvent[]> {
    return this.page.evaluate(() => window.harness.events);
  }

  /** How many events have been recorded (a cursor for `waitEvent(..., since)`). */
  mark(): Promise<number> {
    return this.page.evaluate(() => window.harness.events.length);
  }

  /**
   * Waits for an event; `arg0` matches the first argument (a call id), or its `state` / `callId`
   * field for object arguments (registration states, incoming calls). Returns the event's args.
   */
  async waitEvent(event: string, arg0?: string, since = 0, timeout = DEFAULT_WAIT_MS): Promise<readonly unknown[]> {
    try {
      const handle = await this.page.waitForFunction(
        ({ event, arg0, since }) =>
          window.harness.events.slice(since).find((e) => {
            if (e.event !== event) return false;
            if (arg0 === undefined) return true;
            const a = e.args[0] as unknown;
            if (a === arg0) return true;
            if (typeof a === 'object' && a !== null) return (a as { state?: string }).state === arg0 || (a as { callId?: string }).callId === arg0;
            return false;
          })?.args ?? false,
        { event, arg0, since },
        { timeout, polling: 25 },
      );
      return (await handle.jsonValue()) as readonly unknown[];
    } catch (error) {
      const seen = (await this.events()).slice(since).map((e) => `${e.event}(${JSON.stringify(e.args).slice(0, 120)})`);
      throw new Error(
        `${this.user}: no '${event}'${arg0 ? ` for ${arg0}` : ''} within ${timeout} ms; events since: ${seen.join(', ') || 'none'}\n${String(error).split('\n')[0]}`,
      );
    }
  }

  /** Waits for an incoming call and returns its id. */
  async waitIncoming(
    since = 0,
  ): Promise<{ callId: string; remote: { number: string; displayName?: string }; attachedData: Record<string, string>; internal: boolean }> {
    const [call] = await this.waitEvent('incoming', undefined, since);
    return call as { callId: string; remote: { number: string }; attachedData: Record<string, string>; internal: boolean };
  }

  async dial(target: string, attachedData?: Record<string, string>): Promise<string> {
    const r = await this.page.evaluate(({ target, attachedData }) => window.harness.telephony.dial({ target, ...(attachedData ? { attachedData } : {}) }), {
      target,
      attachedData,
    });
    return r.callId;
  }

  /** Runs a port command by name: answer, hangup, hold, resume, decline(callId). */
  async command(name: 'answer' | 'hangup' | 'hold' | 'resume' | 'decline', callId: string): Promise<void> {
    await this.page.evaluate(({ name, callId }) => window.harness.telephony[name](callId), { name, callId });
  }

  bytes(callId: string): Promise<number> {
    return this.page.evaluate((id) => window.harness.bytesReceived(id), callId);
  }

  energy(callId: string): Promise<number> {
    return this.page.evaluate((id) => window.harness.audioEnergy(id), callId);
  }

  /** Waits until the call's inbound audio bytes grow by `delta` (media flows towards this agent). */
  async waitAudio(callId: string, delta = 1500, timeout = DEFAULT_WAIT_MS): Promise<void> {
    const start = await this.bytes(callId);
    await poll(
      async () => (await this.bytes(callId)) - Math.max(start, 0) >= delta,
      timeout,
      `${this.user}: no inbound audio on ${callId} (started at ${start} bytes)`,
    );
  }

  /** Waits until the inbound audio energy grows by `delta` (sound, not just packets). */
  async waitSound(callId: string, delta = 1e-4, timeout = DEFAULT_WAIT_MS): Promise<void> {
    const start = await this.energy(callId);
    await poll(async () => (await this.energy(callId)) - start >= delta, timeout, `${this.user}: no sound reaches ${callId}`);
  }

  /**
   * Waits until no sound arrives on the call: the inbound audio energy grows by less than
   * `threshold` over a `windowMs` window. Retries windows (jitter buffers drain) up to `timeout`.
   */
  async waitSilence(callId: string, threshold = 1e-5, windowMs = 600, timeout = DEFAULT_WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeout;
    let last = Infinity;
    while (Date.now() < deadline) {
      const e0 = await this.energy(callId);
      await observe(windowMs);
      last = (await this.energy(callId)) - e0;
      if (last < threshold) return;
    }
    throw new Error(`${this.user}: sound keeps arriving on ${callId} (last window +${last}) after ${timeout} ms`);
  }

  /** Waits until no audio packets arrive on the call (bytesReceived stands still for `windowMs`). */
  async waitNoAudio(callId: string, maxBytes = 200, windowMs = 800, timeout = DEFAULT_WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeout;
    let last = Infinity;
    while (Date.now() < deadline) {
      const b0 = await this.bytes(callId);
      await observe(windowMs);
      last = (await this.bytes(callId)) - b0;
      if (last < maxBytes) return;
    }
    throw new Error(`${this.user}: audio keeps arriving on ${callId} (last window +${last} bytes) after ${timeout} ms`);
  }

  async close(): Promise<void> {
    await this.page.evaluate(() => window.harness.tel?.dispose()).catch(() => {});
    await this.context.close();
  }
}

/** Polls `check` every 50 ms until it is true; throws `message` after `timeout` ms. */
export async function poll(check: () => Promise<boolean>, timeout: number, message: string): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${message} (waited ${timeout} ms)`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A bounded pause, only to show that something does NOT happen during it. */
export function observe(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
