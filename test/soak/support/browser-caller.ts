/**
 * A customer who calls from a browser (the customer phone page the console emulator serves at
 * /customer-phone/, on the connector's own SIP adapter), so a call can be answered with real WebRTC
 * media; and a media probe that lets a test read inbound audio bytes (getStats) in any page or
 * frame it was installed in, including the connector's softphone frame, which exposes no peer
 * connection of its own.
 */
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { until } from '../../../bench/support/measure.ts';
import type { Stack } from '../../../bench/support/stack.ts';

/**
 * An init script (every frame of a context): remembers each RTCPeerConnection the page creates and
 * adds `__inboundAudioBytes()`, the inbound-rtp audio bytes of the newest open one (-1 when none).
 */
export const MEDIA_PROBE = `(() => {
  const Native = window.RTCPeerConnection;
  if (!Native || window.__inboundAudioBytes) return;
  const made = [];
  window.RTCPeerConnection = new Proxy(Native, {
    construct(target, args, newTarget) {
      const pc = Reflect.construct(target, args, newTarget);
      made.push(pc);
      return pc;
    },
  });
  window.__inboundAudioBytes = async () => {
    const pc = made.filter((p) => p.connectionState !== 'closed').at(-1);
    if (!pc) return -1;
    let bytes = 0;
    (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'audio') bytes += Number(s.bytesReceived || 0); });
    return bytes;
  };
})();`;

/**
 * The same browser, except that every context it makes runs `script` first in every frame (so
 * helpers that open their own context, like bench/support/pages.ts openOurs, get the probe too).
 */
export function withInitScript(browser: Browser, script: string): Browser {
  return new Proxy(browser, {
    get(target, property) {
      if (property === 'newContext') {
        return async (...args: Parameters<Browser['newContext']>): Promise<BrowserContext> => {
          const context = await target.newContext(...args);
          await context.addInitScript(script);
          return context;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Inbound audio bytes of the newest open peer connection in a page or frame with MEDIA_PROBE. */
export async function inboundAudioBytes(where: Page | Frame): Promise<number> {
  return where.evaluate(() => (window as unknown as { __inboundAudioBytes?: () => Promise<number> }).__inboundAudioBytes?.() ?? -2);
}

/** Waits until `where` receives `delta` more audio bytes; returns how long that took. */
export async function audioGrows(where: Page | Frame, who: string, delta = 1500, ms = 10_000): Promise<number> {
  const t0 = Date.now();
  const start = await inboundAudioBytes(where);
  if (start < 0) throw new Error(`${who}: no open peer connection to measure (${start})`);
  await until(
    `${who} to receive ${delta} more audio bytes (from ${start})`,
    async () => ((await inboundAudioBytes(where)) - start >= delta ? true : undefined),
    ms,
    50,
  );
  return Date.now() - t0;
}

/**
 * An init script for the customer phone: keeps every text its status line showed, in order (the
 * line also reports registration changes, so a call's "ended (…)" may be overwritten at once).
 */
const STATUS_LOG = `(() => {
  const log = window.__statusLog = [];
  const watch = () => {
    const el = document.getElementById('state');
    if (!el) return void requestAnimationFrame(watch);
    log.push(el.textContent || '');
    new MutationObserver(() => log.push(el.textContent || '')).observe(el, { childList: true, characterData: true, subtree: true });
  };
  document.addEventListener('DOMContentLoaded', watch);
})();`;

/**
 * Waits until no audio reaches `where`: its inbound bytes grow by less than `maxBytes` over a
 * `windowMs` window (windows are retried, the far end may take a moment to stop); bounded by `ms`.
 */
export async function audioStops(where: Page | Frame, who: string, maxBytes = 200, windowMs = 1000, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  let last = Infinity;
  while (Date.now() < deadline) {
    const b0 = await inboundAudioBytes(where);
    // Showing that something does NOT happen needs a window of time.
    await new Promise((r) => setTimeout(r, windowMs));
    last = (await inboundAudioBytes(where)) - b0;
    if (last < maxBytes) return;
  }
  throw new Error(`${who}: audio keeps arriving (last window +${last} bytes) after ${ms} ms`);
}

export interface BrowserCaller {
  readonly user: string;
  readonly page: Page;
  /** Clicks Call (the number to dial was given when the page opened). */
  call(): Promise<void>;
  /** The phone's line for its (only) call, e.g. "To 2001: connected"; '' when it has none. */
  callLine(): Promise<string>;
  /** Every text the status line showed so far, e.g. "Call to 2001: ended (remote-hangup)". */
  statusLog(): Promise<string[]>;
  /** Waits until the status line has shown a text that matches (since entry `since` of the log). */
  waitStatus(match: RegExp, since?: number, ms?: number): Promise<string>;
  close(): Promise<void>;
}

/**
 * Opens the customer phone for guest `user` against the stack's SIP server, signed in and ready to
 * dial `dial`, in its own context with MEDIA_PROBE installed.
 */
export async function openBrowserCaller(browser: Browser, stack: Stack, user: string, dial: string, domain: string): Promise<BrowserCaller> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  await context.addInitScript(MEDIA_PROBE);
  await context.addInitScript(STATUS_LOG);
  const page = await context.newPage();
  const q = new URLSearchParams({ ws: stack.sipUrl, domain, user, dial, autologin: '1' });
  await page.goto(`${stack.console.lightningOrigin}/customer-phone/?${q}`);
  const callButton = page.getByRole('button', { name: 'Call', exact: true });
  await until(`customer ${user} to sign in`, async () => ((await callButton.isEnabled().catch(() => false)) ? true : undefined), 15_000, 50);
  const statusLog = (): Promise<string[]> => page.evaluate(() => [...(window as unknown as { __statusLog: string[] }).__statusLog]);
  const calls = page.getByRole('list', { name: 'Calls' }).getByRole('listitem');
  return {
    user,
    page,
    call: () => callButton.click(),
    callLine: async () => ((await calls.count()) > 0 ? ((await calls.first().locator('span').first().textContent()) ?? '').trim() : ''),
    statusLog,
    waitStatus: (match, since = 0, ms = 10_000) =>
      until(`customer ${user}'s status to show ${match}`, async () => (await statusLog()).slice(since).find((t) => match.test(t)), ms, 50).catch(
        async (e: unknown) => {
          throw new Error(`${String(e)}; it showed: ${(await statusLog()).slice(since).join(' | ')}`);
        },
      ),
    close: () => context.close(),
  };
}
