/**
 * What the short-lived-credential browser tests share (ephemeral-kamailio, ephemeral-embedded):
 * the page's own SIP frames and the REGISTERs among them, the digest user name's expiry, call audio
 * read from the frame's real peer connections, and a console opened with all of that recorded.
 */
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Frame, FrameLocator, Page } from 'playwright-core';
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
