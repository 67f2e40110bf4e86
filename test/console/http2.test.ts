/**
 * The emulator in strict mode serves HTTP/2 over TLS as Salesforce's hosts do: a page and all its
 * scripts come over one connection, not one TLS handshake per parallel request. Clients that speak
 * only HTTP/1.1 (Node's fetch, jsforce, tools) are still served. Over HTTP/2 the host a request
 * names travels as `:authority`, and the rebinding guard reads it there.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { startConsole, STRICT_CHROMIUM_ARGS, type RunningConsole } from '../../src/node/console/index.ts';

let app: RunningConsole;
let browser: Browser;

// The strict host names (*.force.com) are the emulator's, on loopback.
const loopback: LookupFunction = (_host, options, callback) => {
  if (options.all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

before(async () => {
  app = await startConsole({ dbFile: ':memory:', strictOrigins: true, sipSecret: 'http2-test-secret' });
  browser = await launchChromium([...STRICT_CHROMIUM_ARGS]);
});

after(async () => {
  await browser?.close();
  await app?.close();
});

function session(origin: string): Promise<ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const s = connect(origin, { rejectUnauthorized: false, lookup: loopback, ALPNProtocols: ['h2'] });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

function get(s: ClientHttp2Session, path: string, authority?: string): Promise<{ headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const r = s.request({ ':path': path, ...(authority ? { ':authority': authority } : {}) });
    let body = '';
    let headers: IncomingHttpHeaders = {};
    r.setEncoding('utf8');
    r.on('response', (h) => (headers = h));
    r.on('data', (d: string) => (body += d));
    r.on('end', () => resolve({ headers, body }));
    r.on('error', reject);
  });
}

describe('HTTP/2 in strict mode', () => {
  it('negotiates h2 on both origins and serves the softphone page and the console over it', { timeout: 20_000 }, async () => {
    const vf = await session(app.vfOrigin);
    const lightning = await session(app.lightningOrigin);
    try {
      assert.equal(vf.alpnProtocol, 'h2');
      assert.equal(lightning.alpnProtocol, 'h2');
      const page = await get(vf, new URL(app.softphoneUrl).pathname);
      assert.equal(page.headers[':status'], 200, page.body);
      assert.match(String(page.headers['content-type']), /^text\/html/);
      assert.match(page.body, /<script/);
      assert.equal(page.headers.connection, undefined, 'no HTTP/1 connection header over HTTP/2');
      const library = await get(lightning, '/support/api/62.0/lightning/opencti_min.js');
      assert.equal(library.headers[':status'], 200, library.body);
    } finally {
      vf.close();
      lightning.close();
    }
  });

  it('refuses a rebound host name given as :authority, as it does in Host', { timeout: 20_000 }, async () => {
    const vf = await session(app.vfOrigin);
    try {
      const refused = await get(vf, new URL(app.softphoneUrl).pathname, `attacker.example:${app.vfPort}`);
      assert.equal(refused.headers[':status'], 403);
      assert.match(refused.body, /Host 'attacker\.example:\d+' is not this emulator's/);
    } finally {
      vf.close();
    }
  });

  it("still serves a client that speaks only HTTP/1.1 (offers no ALPN, as Node's https does)", { timeout: 20_000 }, async () => {
    const { status, protocol } = await new Promise<{ status: number; protocol: string }>((resolve, reject) => {
      const req = httpsRequest(`${app.lightningOrigin}/support/api/62.0/lightning/opencti_min.js`, { rejectUnauthorized: false, lookup: loopback }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, protocol: res.httpVersion }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 200);
    assert.equal(protocol, '1.1');
  });

  it("loads the softphone frame's page and scripts in Chromium over h2", { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      await page.goto(app.consoleUrl());
      const frame = await (async () => {
        for (let i = 0; i < 300; i++) {
          const f = page.frames().find((x) => x.url().startsWith(app.softphoneUrl));
          if (f) return f;
          await new Promise((ok) => setTimeout(ok, 50));
        }
        throw new Error('the softphone frame never appeared');
      })();
      // The entry script and its static imports (the chunks), all loaded once the page is complete.
      await frame.waitForFunction(
        () =>
          document.readyState === 'complete' &&
          performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.js') && new URL(e.name).origin === location.origin).length >= 2,
        undefined,
        // Polled, not per animation frame: Chromium pauses those in a frame the utility bar keeps hidden.
        { timeout: 20_000, polling: 100 },
      );
      const protocols = await frame.evaluate(() => [
        (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).nextHopProtocol,
        ...performance
          .getEntriesByType('resource')
          // Another origin's entries hide the protocol (no Timing-Allow-Origin): the frame's own scripts.
          .filter((e) => e.name.endsWith('.js') && new URL(e.name).origin === location.origin)
          .map((e) => `${new URL(e.name).pathname} ${(e as PerformanceResourceTiming).nextHopProtocol}`),
      ]);
      assert.equal(protocols[0], 'h2', `the softphone page came over ${protocols[0]}`);
      assert.ok(protocols.length > 2, `the frame's scripts: ${protocols.slice(1).join(', ')}`);
      for (const p of protocols.slice(1)) assert.match(p, / h2$/, `a script came over another protocol: ${p}`);
    } finally {
      await context.close();
    }
  });
});
