/**
 * The setup pages' live connection test, run from the admin's browser as a softphone would
 * connect (core/diagnosis probeSipWebSocket: the `sip` subprotocol, then an OPTIONS), told as the
 * admin reads it. One source for both front ends: the console emulator's Setup > Switchboard
 * imports it, and `switchboard package build` bundles it into the switchboardSetup LWC (setup-lwc.ts).
 */
import type { Clock } from '../../../core/ports/clock.ts';
import { probeSipWebSocket, type WebSocketProbe } from '../../../core/diagnosis/index.ts';

export type ConnectionTestOutcome = { readonly ok: true; readonly status: string; readonly rttMs: number } | { readonly ok: false; readonly reason: string };

/** This page's clock, for the probe's wait and round trip. */
export const pageClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

/** The probe from this page, with its own WebSocket. */
export function probeFromPage(url: string, domain: string, timeoutMs = 5000): Promise<WebSocketProbe> {
  return probeSipWebSocket(url, domain, { WebSocket, clock: pageClock, timeoutMs });
}

export async function testSipWebSocket(url: string, domain: string, timeoutMs = 5000): Promise<ConnectionTestOutcome> {
  if (!/^wss?:\/\/[^\s/]+/i.test(url)) return { ok: false, reason: `'${url}' is not a ws:// or wss:// URL.` };
  const probe = await probeFromPage(url, domain, timeoutMs);
  switch (probe.outcome) {
    case 'answered':
      return { ok: true, status: probe.status, rttMs: probe.rttMs };
    case 'silent':
      return {
        ok: false,
        reason: probe.closed
          ? 'the server closed the WebSocket without answering the SIP OPTIONS.'
          : `the WebSocket opened but nothing answered a SIP OPTIONS within ${timeoutMs / 1000} s: is ${url} a SIP-over-WebSocket endpoint (RFC 7118)?`,
      };
    case 'unopened':
      if (probe.refused) return { ok: false, reason: `the browser refused the URL: ${probe.refused}` };
      if (probe.timedOut)
        return {
          ok: false,
          reason: `no WebSocket connection to ${url} within ${timeoutMs / 1000} s (a firewall dropping the packets, or a host that does not answer).`,
        };
      return {
        ok: false,
        reason: `could not open a WebSocket to ${url}. Browsers do not say why; the usual causes: nothing listens on that host and port, ${url.startsWith('wss:') ? `a TLS certificate this browser does not trust (open ${url.replace(/^wss:/, 'https:')} in a tab to see), ` : ''}or the server refuses the 'sip' subprotocol.`,
      };
  }
}

/** What the page tells the admin. */
export function connectionTestMessage(outcome: ConnectionTestOutcome): string {
  return outcome.ok
    ? `Connected: the WebSocket opened and the SIP server answered OPTIONS with ${outcome.status} in ${outcome.rttMs} ms.`
    : `Connection test failed: ${outcome.reason}`;
}
