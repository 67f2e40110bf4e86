// Keep-alive between agents and Kamailio, both ways. (1) Kamailio answers the connector's RFC 5626
// CRLF ping ("\r\n\r\n" in a text frame) with a CRLF pong, over ws and wss: that answer is what lets
// the connector tell a live flow from a dead one. (2) Kamailio pings idle WebSockets with Ping frames
// every SB_WS_KEEPALIVE seconds and drops a connection that stops answering them. (3) A real agent
// with keep-alive on stays registered and reachable through a proxy that closes idle connections
// (against a Kamailio of its own, at the default Ping interval).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { startIdleProxy, type IdleProxy } from '../support/idle-proxy.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { startKamailio, type KamailioHandle } from '../support/kamailio.ts';
import { Agent, poll, type PhoneServer } from './agents.ts';
import { DIST } from './scenarios.ts';

const PASSWORD = 'secret';
const KEEPALIVE_S = 1;
const IDLE_MS = 3000;

/** Opens a `sip` WebSocket; for wss it trusts exactly `cert` (Kamailio's throwaway certificate). */
async function open(url: string, options: { autoPong?: boolean; cert?: string } = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, 'sip', { ...(options.cert ? { ca: options.cert } : {}), autoPong: options.autoPong ?? true });
  await new Promise<void>((ok, fail) => ws.once('open', () => ok()).once('error', fail));
  return ws;
}

function nextMessage(ws: WebSocket, timeoutMs = 5000): Promise<string> {
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no message within ${timeoutMs} ms`)), timeoutMs);
    ws.once('message', (data) => {
      clearTimeout(timer);
      ok(data.toString());
    });
  });
}

describe('Kamailio keep-alive on agent WebSockets', { timeout: 120_000 }, () => {
  let kamailio: KamailioHandle;
  const sockets: WebSocket[] = [];

  before(async () => {
    kamailio = await startKamailio({ password: PASSWORD, tls: true, wsKeepaliveSeconds: KEEPALIVE_S });
  });

  after(async () => {
    for (const ws of sockets) ws.terminate();
    await kamailio?.stop();
  });

  it('answers a CRLF ping with a CRLF pong over ws and over wss', async () => {
    const cert = readFileSync(join(kamailio.runDir, 'cert.pem'), 'utf8');
    for (const [url, tls] of [
      [kamailio.wsUrl, undefined],
      [kamailio.wssUrl!, cert],
    ] as const) {
      const ws = await open(url, tls ? { cert: tls } : {});
      sockets.push(ws);
      const pong = nextMessage(ws);
      ws.send('\r\n\r\n');
      assert.equal(await pong, '\r\n', `pong on ${url}`);
    }
  });

  it('sends Ping frames on an idle WebSocket and keeps it while they are answered', async () => {
    const ws = await open(kamailio.wsUrl);
    sockets.push(ws);
    let pings = 0;
    ws.on('ping', () => pings++);
    await poll(async () => pings >= 3, 10 * KEEPALIVE_S * 1000 + 5000, `Kamailio sent ${pings} Ping frame(s) on an idle connection`);
    assert.equal(ws.readyState, WebSocket.OPEN, 'an answering client keeps its connection');
  });

  it('closes a WebSocket whose Ping frames go unanswered (a dead flow)', async () => {
    const ws = await open(kamailio.wsUrl, { autoPong: false });
    sockets.push(ws);
    let pinged = false;
    ws.on('ping', () => (pinged = true));
    const closed = new Promise<void>((ok) => ws.once('close', () => ok()));
    await Promise.race([
      closed,
      new Promise((_, fail) => setTimeout(() => fail(new Error('Kamailio kept a connection that never answers its pings')), 10 * KEEPALIVE_S * 1000 + 5000)),
    ]);
    assert.ok(pinged, 'it was pinged before being closed');
  });

  describe('a browser agent behind a proxy that closes idle connections', () => {
    let browser: Browser;
    let web: StaticServer;
    let proxy: IdleProxy;
    // Its own Kamailio at the default Ping interval: the 1 s one above drops a flow whose Pong is a
    // second late, which a loaded machine's browser can be, and this test is about the connector's
    // own keep-alive through the proxy, not Kamailio's.
    let ownKamailio: KamailioHandle;
    const agents: Agent[] = [];

    before(async () => {
      ownKamailio = await startKamailio({ password: PASSWORD });
      [browser, web, proxy] = await Promise.all([launchChromium(), serveStatic(DIST), startIdleProxy(ownKamailio.wsUrl, IDLE_MS)]);
    });

    after(async () => {
      await Promise.all(agents.map((a) => a.close().catch(() => {})));
      await browser?.close();
      await proxy?.close();
      await web?.close();
      await ownKamailio?.stop();
    });

    it('stays registered on its first connection through two idle timeouts and takes a call', { timeout: 60_000 }, async () => {
      const direct: PhoneServer = {
        name: 'kamailio',
        wsUrl: ownKamailio.wsUrl,
        domain: ownKamailio.domain,
        passwordOf: () => PASSWORD,
        restart: () => ownKamailio.restart(),
        stop: () => ownKamailio.stop(),
      };
      const pinging = await Agent.open(browser, web.url, { ...direct, wsUrl: proxy.url }, '1002', { settings: { '/switchboard/sipKeepAliveSeconds': '1' } });
      agents.push(pinging);
      const caller = await Agent.open(browser, web.url, direct, '1001');
      agents.push(caller);
      await Promise.all([pinging, caller].map((a) => a.waitEvent('registration', 'registered')));

      // Wait on the proxy's own counters: enough pongs from Kamailio to span two idle timeouts.
      await poll(
        async () => proxy.pongs >= Math.ceil((2 * IDLE_MS) / 1000) + 1,
        4 * IDLE_MS + 10_000,
        `Kamailio answered ${proxy.pongs} of ${proxy.pings} pings`,
      );
      assert.equal(proxy.idleCloses, 0, 'the proxy never found the connection idle');
      assert.equal(proxy.connections, 1, 'the agent kept its first WebSocket');
      const states = (await pinging.events()).filter((e) => e.event === 'registration').map((e) => (e.args[0] as { state: string }).state);
      assert.ok(!states.includes('reconnecting'), `registration states: ${states.join(', ')}`);

      const since = await pinging.mark();
      const callerSince = await caller.mark();
      const out = await caller.dial('1002');
      const { callId: inn } = await pinging.waitIncoming(since).catch(async (error: unknown) => {
        // Say where the call went: the caller's side of it, and whether the proxy kept the agent's flow.
        const heard = (await caller.events()).slice(callerSince).map((e) => `${e.event}(${JSON.stringify(e.args).slice(0, 120)})`);
        throw new Error(
          `${String(error)}\ncaller 1001 since the dial: ${heard.join(', ') || 'none'}\nproxy: ${proxy.connections} connection(s), ${proxy.idleCloses} idle close(s), ${proxy.pongs} of ${proxy.pings} pings answered`,
        );
      });
      await pinging.command('answer', inn);
      await Promise.all([caller.waitEvent('established', out), pinging.waitEvent('established', inn)]);
      await caller.command('hangup', out);
      await Promise.all([caller.waitEvent('ended', out), pinging.waitEvent('ended', inn)]);
    });
  });
});
