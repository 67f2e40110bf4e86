// ICE gathering waits long enough for TURN relay candidates. Without trickle ICE every candidate
// must be in the INVITE's SDP; a TURN server whose answers take ~0.7 s (two challenged exchanges
// through a link that delays them) gives its relay candidate after the old fixed 500 ms cap. With
// the default `iceGatheringTimeoutMs` (2000) the offer carries it and a relay-only call has audio
// both ways; the same agent capped at 500 ms sends an offer without it (the control).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import type { Browser } from 'playwright-core';
import type { SipServer } from '../../src/node/sip-server/index.ts';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { startTurnServer, turnIceServerAt, type TurnServer } from '../support/turn.ts';
import { Agent, poll, type PhoneServer } from './agents.ts';
import { DIST } from './scenarios.ts';
import { embeddedPhoneServer } from './servers.ts';

/** Answers from the TURN server reach the browser this much later (requests go straight through). */
const ANSWER_DELAY_MS = 350;

/** A UDP link to `port` on which everything coming back is delayed by `delayMs`. */
async function slowLink(port: number, delayMs: number): Promise<{ port: number; close(): void }> {
  const front = createSocket('udp4');
  const upstreams = new Map<string, Socket>();
  // Answers still held back when the link closes are dropped, not sent on a closed socket.
  let open = true;
  front.on('message', (msg, from) => {
    const key = `${from.address}:${from.port}`;
    let up = upstreams.get(key);
    if (!up) {
      const socket = createSocket('udp4');
      socket.on('message', (back) =>
        setTimeout(() => {
          if (open) front.send(back, from.port, from.address);
        }, delayMs),
      );
      socket.on('error', () => {});
      socket.bind(0, '127.0.0.1');
      upstreams.set(key, socket);
      up = socket;
    }
    if (open) up.send(msg, port, '127.0.0.1');
  });
  await new Promise<void>((ok) => front.bind(0, '127.0.0.1', ok));
  return {
    port: front.address().port,
    close: () => {
      open = false;
      for (const s of upstreams.values()) s.close();
      front.close();
    },
  };
}

describe('ICE gathering waits for slow TURN relay candidates', { timeout: 90_000 }, () => {
  let browser: Browser;
  let web: StaticServer;
  let server: PhoneServer & { server: () => SipServer };
  let turn: TurnServer;
  let link: { port: number; close(): void };
  const agents: Agent[] = [];
  const invites: string[] = [];

  before(async () => {
    const base = 40_000 + Math.floor(Math.random() * 100) * 200;
    [web, server, turn] = await Promise.all([serveStatic(DIST), embeddedPhoneServer(), startTurnServer({ min: base, max: base + 99 })]);
    link = await slowLink(turn.port, ANSWER_DELAY_MS);
    server.server().on('message', ({ direction, text }) => {
      if (direction === 'in' && /^INVITE /.test(text)) invites.push(text);
    });
    browser = await launchChromium();
  });

  after(async () => {
    await Promise.all(agents.map((a) => a.close().catch(() => {})));
    await browser?.close();
    link?.close();
    await turn?.kill();
    await web?.close();
    await server?.stop();
  });

  const relayOnly = (extra: Record<string, string> = {}) => ({
    settings: { '/switchboard/sipIceServers': JSON.stringify([turnIceServerAt(link.port)]), ...extra },
    iceTransportPolicy: 'relay' as const,
  });

  /** The INVITE the server received for `callId`; dial() resolves once it is sent, which may be before it arrives. */
  async function inviteOf(callId: string): Promise<string> {
    const find = (): string | undefined => invites.find((t) => new RegExp(`^Call-ID:\\s*${callId}\\s*$`, 'im').test(t));
    const end = Date.now() + 5000;
    while (!find() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    const invite = find();
    assert.ok(invite, `the server saw the INVITE of ${callId}`);
    return invite;
  }

  it('includes the relay candidate in the offer and the relay-only call has audio both ways', { timeout: 60_000 }, async () => {
    const [a, b, capped] = await Promise.all([
      Agent.open(browser, web.url, server, '1001', relayOnly()),
      Agent.open(browser, web.url, server, '1002', relayOnly()),
      Agent.open(browser, web.url, server, '1003', relayOnly({ '/switchboard/iceGatheringTimeoutMs': '500' })),
    ]);
    agents.push(a, b, capped);
    await Promise.all([a, b, capped].map((x) => x.waitEvent('registration', 'registered')));

    // The control: capped at 500 ms, the offer goes out before the relay candidate exists.
    const control = await capped.dial('1002');
    const controlSdp = (await inviteOf(control)).split('\r\n\r\n').slice(1).join('\r\n\r\n');
    assert.doesNotMatch(controlSdp, /typ relay/, 'capped at 500 ms, the slow relay candidate is missed');
    const [{ callId: ringing }] = [await b.waitIncoming()];
    await capped.command('hangup', control);
    await Promise.all([capped.waitEvent('ended', control), b.waitEvent('ended', ringing)]);

    const since = await b.mark();
    const out = await a.dial('1002');
    assert.match(await inviteOf(out), /a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ relay/, 'the offer carries the relay candidate');
    const { callId: inn } = await b.waitIncoming(since);
    await b.command('answer', inn);
    await Promise.all([a.waitEvent('established', out), b.waitEvent('established', inn)]);
    await Promise.all([a.waitAudio(out), b.waitAudio(inn)]);
    await poll(async () => (await a.page.evaluate((id) => window.harness.selectedPair(id), out))?.local.type === 'relay', 5000, 'media goes through the relay');
    await a.command('hangup', out);
    await Promise.all([a.waitEvent('ended', out), b.waitEvent('ended', inn)]);
  });
});
