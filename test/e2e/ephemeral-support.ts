/**
 * What the short-lived-credential browser tests share (ephemeral-kamailio, ephemeral-embedded):
 * the page's own SIP frames and the REGISTERs among them, the digest user name's expiry, call audio
 * read from the frame's real peer connections, and a console opened with all of that recorded.
 */
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Frame, FrameLocator, Locator, Page } from 'playwright-core';
import type { RunningConsole } from '../../src/node/console/index.ts';
import { waitUntil } from './harness.ts';

declare global {
  interface Window {
    __peerConnections?: RTCPeerConnection[];
  }
}

/** Keeps every RTCPeerConnection a frame makes (the real ones, untouched), so the test can read their stats. */
export function keepPeerConnections(): void {
  const Native = window.RTCPeerConnection;
  const kept: RTCPeerConnection[] = [];
  window.__peerConnections = kept;
  window.RTCPeerConnection = class extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      kept.push(this);
    }
  };
}

/** Audio bytes received so far on the frame's open peer connections. */
export function inboundAudioBytes(frame: Frame): Promise<number> {
  return frame.evaluate(async () => {
    let bytes = 0;
    for (const pc of window.__peerConnections ?? []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s: { type?: string; kind?: string; bytesReceived?: number }) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') bytes += Number(s.bytesReceived ?? 0);
      });
    }
    return bytes;
  });
}

export async function waitAudio(frame: Frame, who: string, delta = 2000): Promise<void> {
  const start = await inboundAudioBytes(frame);
  await waitUntil(async () => (await inboundAudioBytes(frame)) - start >= delta, 10_000, `${who} receives call audio`);
}

export interface SipFrame {
  readonly at: number;
  readonly text: string;
}

/** SIP the page sends and receives on its WebSockets to `wsUrl` (the connector's own frames, as Chromium sees them). */
export function traceSip(page: Page, wsUrl: string): { readonly sent: SipFrame[]; readonly received: SipFrame[] } {
  const trace = { sent: [] as SipFrame[], received: [] as SipFrame[] };
  page.on('websocket', (ws) => {
    if (!ws.url().startsWith(wsUrl)) return;
    ws.on('framesent', (f) => trace.sent.push({ at: Date.now(), text: String(f.payload) }));
    ws.on('framereceived', (f) => trace.received.push({ at: Date.now(), text: String(f.payload) }));
  });
  return trace;
}

export interface Register {
  readonly cseq: number;
  readonly at: number;
  /** The digest user name it carried, if it answered a challenge. */
  readonly authUser: string | undefined;
  /** Status of its final response, if one arrived. */
  readonly status: number | undefined;
}

export function registers(trace: ReturnType<typeof traceSip>): Register[] {
  const cseqOf = (text: string): number | undefined => {
    const m = /^CSeq:\s*(\d+)\s+REGISTER\s*$/im.exec(text);
    return m ? Number(m[1]) : undefined;
  };
  return trace.sent
    .filter((f) => f.text.startsWith('REGISTER '))
    .map((f) => {
      const cseq = cseqOf(f.text)!;
      const reply = trace.received.find((r) => r.text.startsWith('SIP/2.0 ') && !/^SIP\/2\.0 1\d\d /.test(r.text) && cseqOf(r.text) === cseq);
      return {
        cseq,
        at: f.at,
        authUser: /^Authorization:\s*Digest\s.*\busername="([^"]*)"/im.exec(f.text)?.[1],
        status: reply ? Number(reply.text.slice(8, 11)) : undefined,
      };
    });
}

/** Expiry (Unix seconds) of an auth_ephemeral user name `<expiry>:<extension>`. */
export function expiryOf(authUser: string): number {
  const m = /^(\d+):/.exec(authUser);
  assert.ok(m, `${authUser} is an auth_ephemeral user name`);
  return Number(m[1]);
}

export interface OpenedConsole {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly phone: FrameLocator;
  readonly sip: ReturnType<typeof traceSip>;
  /** The softphone's frame (Visualforce origin). */
  softphone(): Frame;
}

export async function openConsole(browser: Browser, app: RunningConsole, wsUrl: string, user?: string): Promise<OpenedConsole> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  await context.addInitScript(keepPeerConnections);
  const page = await context.newPage();
  const sip = traceSip(page, wsUrl);
  await page.goto(app.consoleUrl(user));
  return {
    context,
    page,
    sip,
    phone: page.frameLocator('iframe[title="Softphone"]'),
    softphone: () => {
      const frame = page.frames().find((f) => f.url().startsWith(app.vfOrigin));
      assert.ok(frame, 'the softphone frame is loaded');
      return frame;
    },
  };
}

export const mints = (app: RunningConsole) => app.log.list().filter((e) => e.method === 'runApex' && JSON.stringify(e.args).includes('SwitchboardCredentials'));

export interface CallInProgress {
  readonly context: BrowserContext;
  readonly customer: Page;
  /** The agent's Hang up button on the call card. */
  readonly hangUp: Locator;
  /** The Tasks that existed before the call (so the call's own can be told apart). */
  readonly tasksBefore: ReadonlySet<string>;
}

/**
 * A customer phone (its own context, peer connections kept) calls the agent's extension on the
 * phone system at `wsUrl`; the agent answers; audio flows both ways.
 */
export async function customerCallsAgent(
  browser: Browser,
  app: RunningConsole,
  agent: OpenedConsole,
  phoneSystem: { readonly wsUrl: string; readonly domain: string; readonly caller: string; readonly password?: string; readonly extension: string },
): Promise<CallInProgress> {
  const tasksBefore = new Set(app.data.list('Task', 10_000).map((t) => t.Id));
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  await context.addInitScript(keepPeerConnections);
  const customer = await context.newPage();
  await customer.goto(
    `${app.lightningOrigin}/customer-phone/?ws=${encodeURIComponent(phoneSystem.wsUrl)}&domain=${phoneSystem.domain}` +
      `&user=${encodeURIComponent(phoneSystem.caller)}${phoneSystem.password ? `&password=${encodeURIComponent(phoneSystem.password)}` : ''}` +
      `&dial=${phoneSystem.extension}&autologin=1`,
  );
  const call = customer.getByRole('button', { name: 'Call', exact: true });
  await waitUntil(() => call.isEnabled(), 10_000, 'the customer phone signed in');
  await call.click();
  await agent.phone.getByRole('button', { name: 'Answer' }).click({ timeout: 15_000 });
  const hangUp = agent.phone.getByRole('button', { name: 'Hang up' });
  await hangUp.waitFor({ timeout: 10_000 });
  await customer.getByRole('status').filter({ hasText: 'connected' }).waitFor({ timeout: 10_000 });
  await Promise.all([waitAudio(agent.softphone(), 'the agent'), waitAudio(customer.mainFrame(), 'the customer')]);
  return { context, customer, hangUp, tasksBefore };
}

/** The agent hangs up and saves wrap-up; the call is logged exactly once. Returns that Task's fields. */
export async function hangUpAndLogOnce(app: RunningConsole, agent: OpenedConsole, call: CallInProgress): Promise<Readonly<Record<string, unknown>>> {
  await call.hangUp.click();
  await call.customer.getByRole('status').filter({ hasText: 'ended' }).waitFor({ timeout: 10_000 });
  await agent.phone.getByRole('form', { name: 'Wrap-up' }).getByRole('button', { name: 'Save' }).click({ timeout: 10_000 });
  const newTasks = () => app.data.list('Task', 10_000).filter((t) => !call.tasksBefore.has(t.Id));
  await waitUntil(() => newTasks().length > 0, 15_000, 'the call is logged');
  // A second Task would come from a retry of the same log; give one a moment to show up.
  await new Promise((r) => setTimeout(r, 1500));
  const logged = newTasks();
  assert.equal(logged.length, 1, `exactly one Task: ${JSON.stringify(logged.map((t) => t.fields))}`);
  return logged[0]!.fields;
}
