/**
 * The setup pages' live connection test, run from the admin's browser as a softphone would
 * connect: a WebSocket with the `sip` subprotocol (RFC 7118), then an OPTIONS request; any SIP
 * response proves a SIP server answered. One source for both front ends: the console emulator's
 * Setup > Switchboard imports it, and `switchboard package build` bundles it into the
 * switchboardSetup LWC (setup-lwc.ts).
 */

export type ConnectionTestOutcome = { readonly ok: true; readonly status: string; readonly rttMs: number } | { readonly ok: false; readonly reason: string };

export function testSipWebSocket(url: string, domain: string, timeoutMs = 5000): Promise<ConnectionTestOutcome> {
  if (!/^wss?:\/\/[^\s/]+/i.test(url)) return Promise.resolve({ ok: false, reason: `'${url}' is not a ws:// or wss:// URL.` });
  return new Promise((resolve) => {
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, 'sip');
    } catch (e) {
      resolve({ ok: false, reason: `the browser refused the URL: ${e instanceof Error ? e.message : String(e)}` });
      return;
    }
    let opened = false;
    let sentAt = 0;
    const done = (r: ConnectionTestOutcome): void => {
      clearTimeout(timer);
      socket.onclose = null;
      socket.close();
      resolve(r);
    };
    const timer = setTimeout(() => done(opened
      ? { ok: false, reason: `the WebSocket opened but nothing answered a SIP OPTIONS within ${timeoutMs / 1000} s: is ${url} a SIP-over-WebSocket endpoint (RFC 7118)?` }
      : { ok: false, reason: `no WebSocket connection to ${url} within ${timeoutMs / 1000} s (a firewall dropping the packets, or a host that does not answer).` }), timeoutMs);
    const unopened = (): void => done({ ok: false, reason: `could not open a WebSocket to ${url}. Browsers do not say why; the usual causes: nothing listens on that host and port, ${url.startsWith('wss:') ? `a TLS certificate this browser does not trust (open ${url.replace(/^wss:/, 'https:')} in a tab to see), ` : ''}or the server refuses the 'sip' subprotocol.` });
    socket.onerror = () => { if (!opened) unopened(); };
    socket.onclose = () => { if (!opened) unopened(); else done({ ok: false, reason: 'the server closed the WebSocket without answering the SIP OPTIONS.' }); };
    socket.onopen = () => {
      opened = true;
      const rand = (): string => Math.random().toString(36).slice(2, 10);
      sentAt = performance.now();
      socket.send(`OPTIONS sip:${domain} SIP/2.0\r\nVia: SIP/2.0/WSS ${rand()}.invalid;branch=z9hG4bK${rand()}\r\nMax-Forwards: 70\r\n` +
        `To: <sip:${domain}>\r\nFrom: <sip:setup-test@${domain}>;tag=${rand()}\r\nCall-ID: ${rand()}${rand()}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`);
    };
    socket.onmessage = (event) => {
      const first = typeof event.data === 'string' ? event.data.split('\r\n')[0] ?? '' : '';
      const m = /^SIP\/2\.0 (\d{3} [^\r\n]*)/.exec(first);
      if (m) done({ ok: true, status: m[1]!, rttMs: Math.round(performance.now() - sentAt) });
    };
  });
}

/** What the page tells the admin. */
export function connectionTestMessage(outcome: ConnectionTestOutcome): string {
  return outcome.ok
    ? `Connected: the WebSocket opened and the SIP server answered OPTIONS with ${outcome.status} in ${outcome.rttMs} ms.`
    : `Connection test failed: ${outcome.reason}`;
}
