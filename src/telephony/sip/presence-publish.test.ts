/*
 * PUBLISH lifecycle of the SIP adapter (presence-client.ts) against a scripted SIP-over-WebSocket
 * peer that answers each PUBLISH when the test says so: a PUBLISH that fails while the agent has
 * already changed status again must not leave sip.js to throw "Invalid state transition from
 * Terminated to Published" in the page when the next one succeeds (it did, uncaught, about twice
 * per call under load); and disposing waits for the PUBLISH in flight before unpublishing.
 * The real adapter runs in Debian's Chromium (the harness page, dist/telephony/sip/web/).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../test/support/chromium.ts';
import { serveStatic, type StaticServer } from '../../../test/support/static-server.ts';
import { Agent } from '../../../test/telephony/agents.ts';
import { sipHeaders, sipResponse } from '../../../test/support/sip-text.ts';

const DIST = resolve(import.meta.dirname, '../../../dist');

/** A PUBLISH the peer received and has not answered yet. */
interface HeldPublish {
  readonly text: string;
  answer(status: string, extra?: readonly string[]): void;
}

/** Answers REGISTER (and anything but PUBLISH) with 200; holds every PUBLISH until the test answers it. */
interface ScriptedPeer {
  readonly url: string;
  nextPublish(timeoutMs?: number): Promise<HeldPublish>;
  /** PUBLISHes received so far (answered or not). */
  readonly publishes: string[];
  close(): Promise<void>;
}

const response = (request: string, status: string, extraHeaders: readonly string[] = []): string => sipResponse(request, status, { extraHeaders });

async function startScriptedPeer(): Promise<ScriptedPeer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (p) => (p.has('sip') ? 'sip' : false) });
  await new Promise<void>((ok) => wss.once('listening', ok));
  const held: HeldPublish[] = [];
  const publishes: string[] = [];
  const waiting: ((p: HeldPublish) => void)[] = [];
  const sockets = new Set<WebSocket>();
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (data) => {
      const text = data.toString();
      const method = /^([A-Z]+) sip:/.exec(text)?.[1];
      if (!method || method === 'ACK') return;
      if (method !== 'PUBLISH') {
        ws.send(response(text, '200 OK'));
        return;
      }
      publishes.push(text);
      const p: HeldPublish = { text, answer: (status, extra = []) => ws.send(response(text, status, extra)) };
      const w = waiting.shift();
      if (w) w(p);
      else held.push(p);
    });
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    publishes,
    nextPublish: (timeoutMs = 5000) => {
      const p = held.shift();
      if (p) return Promise.resolve(p);
      return new Promise<HeldPublish>((ok, reject) => {
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(take), 1);
          reject(new Error(`scripted peer: no PUBLISH within ${timeoutMs} ms`));
        }, timeoutMs);
        const take = (q: HeldPublish): void => {
          clearTimeout(timer);
          ok(q);
        };
        waiting.push(take);
      });
    },
    close: async () => {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((ok) => wss.close(() => ok()));
    },
  };
}

const note = (publish: string): string | undefined => /<note>([^<]*)<\/note>/.exec(publish)?.[1];
const header = (publish: string, name: string): string | undefined => sipHeaders(publish, name)[0]?.replace(/^[^:]+:\s*/, '');

let browser: Browser, web: StaticServer;

before(async () => {
  [browser, web] = await Promise.all([launchChromium(), serveStatic(DIST)]);
});

after(async () => {
  await browser?.close();
  await web?.close();
});

async function openAgent(peer: ScriptedPeer): Promise<{ agent: Agent; errors: string[] }> {
  const server = { name: 'scripted', wsUrl: peer.url, domain: '127.0.0.1', passwordOf: () => 'x', restart: async () => {}, stop: async () => {} };
  const agent = await Agent.open(browser, web.url, server, '1002');
  const errors: string[] = [];
  agent.page.on('pageerror', (e) => errors.push(e.message));
  return { agent, errors };
}

/** Asks for a status without waiting for it to be answered (the peer holds PUBLISHes). */
async function publish(agent: Agent, status: 'available' | 'away' | 'on-call' | 'wrap-up'): Promise<void> {
  await agent.page.evaluate((s) => {
    void window.harness.telephony.publishPresence(s);
  }, status);
}

/** Lets the page run its event loop for a moment (so a throw, if any, is reported). */
async function settle(agent: Agent): Promise<void> {
  await agent.page.evaluate(() => new Promise((ok) => setTimeout(ok, 200)));
}

test('a PUBLISH failing while the next status waits: no uncaught error, the next status goes out on a new publication', async () => {
  const peer = await startScriptedPeer();
  const { agent, errors } = await openAgent(peer);
  try {
    await publish(agent, 'available');
    (await peer.nextPublish()).answer('200 OK', ['SIP-ETag: e1', 'Expires: 600']);
    await publish(agent, 'on-call');
    const busy = await peer.nextPublish();
    assert.equal(note(busy.text), 'On the phone');
    assert.equal(header(busy.text, 'SIP-If-Match'), 'e1');
    // The call ends while the server still works on `on-call`: the agent is available again.
    await publish(agent, 'wrap-up');
    await publish(agent, 'available');
    await settle(agent);
    const sentWhileInFlight = peer.publishes.length - 2;
    // The server fails `on-call` (a 500 under load): sip.js ends that publication. Every PUBLISH
    // that follows is accepted (before the fix, the ones sent meanwhile hit the ended publisher).
    busy.answer('500 Server Internal Error');
    const after500: string[] = [];
    for (;;) {
      const next = await peer.nextPublish(1000).catch(() => undefined);
      if (!next) break;
      after500.push(next.text);
      next.answer('200 OK', [`SIP-ETag: e${after500.length + 1}`, 'Expires: 600']);
    }
    await settle(agent);
    assert.deepEqual(errors, [], 'no error may reach the page');
    assert.equal(sentWhileInFlight, 0, 'a status must wait while a PUBLISH is in flight');
    // Only the latest status followed, as a new publication (no entity tag).
    assert.equal(after500.length, 1);
    assert.equal(note(after500[0]!), 'Available');
    assert.equal(header(after500[0]!, 'SIP-If-Match'), undefined);
    // Publishing still works afterwards, on the new publication.
    await publish(agent, 'away');
    const away = await peer.nextPublish();
    assert.equal(header(away.text, 'SIP-If-Match'), 'e2');
    away.answer('200 OK', ['SIP-ETag: e3', 'Expires: 600']);
    await settle(agent);
    assert.deepEqual(errors, []);
  } finally {
    await agent.close();
    await peer.close();
  }
});

test('dispose waits for the PUBLISH in flight, then unpublishes with its entity tag', async () => {
  const peer = await startScriptedPeer();
  const { agent, errors } = await openAgent(peer);
  try {
    await publish(agent, 'available');
    (await peer.nextPublish()).answer('200 OK', ['SIP-ETag: e1', 'Expires: 600']);
    await publish(agent, 'away');
    const away = await peer.nextPublish();
    const disposed = agent.page.evaluate(() => window.harness.telephony.dispose());
    await settle(agent);
    assert.equal(peer.publishes.length, 2, 'nothing may be sent while the PUBLISH is in flight');
    away.answer('200 OK', ['SIP-ETag: e2', 'Expires: 600']);
    const removal = await peer.nextPublish();
    assert.equal(header(removal.text, 'Expires'), '0');
    assert.equal(header(removal.text, 'SIP-If-Match'), 'e2');
    removal.answer('200 OK', ['SIP-ETag: e2', 'Expires: 0']);
    await disposed;
    await settle(agent);
    assert.deepEqual(errors, []);
  } finally {
    await agent.close();
    await peer.close();
  }
});
