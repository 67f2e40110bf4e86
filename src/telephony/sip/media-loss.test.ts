/*
 * An established call whose media dies with no hang-up (the far end's BYE was lost, or the far end
 * vanished) ends as `failed`, exactly once, when the browser's ICE consent checks (RFC 7675)
 * declare the path dead; an outage that recovers keeps the call. Real WebRTC in Debian's Chromium:
 * the agent is the real adapter (harness page, dist/telephony/sip/web/), the far end a plain
 * RTCPeerConnection in another browser context, the SIP between them a scripted
 * SIP-over-WebSocket peer in this process, and every media packet goes through a UDP relay in this
 * process (both SDPs point at it) that the test can black-hole, as a network outage would. The
 * last test runs the connector engine on the real adapter (engine harness page) to show such a call
 * is wrapped up and logged once, like any other.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../../test/support/chromium.ts';
import { serveStatic, type StaticServer } from '../../../test/support/static-server.ts';
import { Agent, observe, poll } from '../../../test/telephony/agents.ts';
import type { EngineHarnessConfig } from './web/engine-harness.entry.ts';
import { sipHeaders, sipResponse } from '../../../test/support/sip-text.ts';

const DIST = resolve(import.meta.dirname, '../../../dist');
/** Chromium declares a path failed about 30 s after the last packet; the bound leaves room for a loaded machine. */
const FAILED_WITHIN_MS = 45_000;

// ── the scripted SIP peer ─────────────────────────────────────────────────────────────────────

/**
 * Answers REGISTER, BYE and anything else with 200; an INVITE from an agent (a re-INVITE: hold or
 * resume) is answered with the SDP that `onReinvite` gives. Records every frame, per agent.
 */
interface ScriptedPeer {
  readonly url: string;
  readonly received: string[];
  /** Answers a re-INVITE from an agent (hold, resume) on a call: offer SDP in, answer SDP out. */
  readonly reinvites: Map<string, (offer: string) => Promise<string>>;
  push(user: string, text: string): void;
  waitFor(match: RegExp, from?: number, timeoutMs?: number): Promise<string>;
  /** Drops every connection and stops listening, as a crashed SIP server would (for good). */
  close(): Promise<void>;
}

async function startScriptedPeer(): Promise<ScriptedPeer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (p) => (p.has('sip') ? 'sip' : false) });
  await new Promise<void>((ok) => wss.once('listening', ok));
  const received: string[] = [];
  const byUser = new Map<string, WebSocket>();
  const waiters = new Set<() => void>();
  const peer: ScriptedPeer = {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    received,
    reinvites: new Map(),
    push: (user, text) => {
      const ws = byUser.get(user);
      if (!ws) throw new Error(`scripted peer: ${user} is not registered`);
      ws.send(text);
    },
    waitFor: (match, from = 0, timeoutMs = 10_000) =>
      new Promise<string>((resolvePromise, reject) => {
        const check = (): void => {
          const found = received.slice(from).find((t) => match.test(t));
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolvePromise(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`scripted peer: nothing matching ${match} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: async () => {
      for (const ws of byUser.values()) ws.terminate();
      await new Promise<void>((ok) => wss.close(() => ok()));
    },
  };
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const text = data.toString();
      received.push(text);
      for (const w of [...waiters]) w();
      const method = /^([A-Z]+) sip:/.exec(text)?.[1];
      if (!method || method === 'ACK') return;
      if (method === 'REGISTER') byUser.set(/^From:[^\r\n]*<sip:([^@>]+)@/im.exec(text)?.[1] ?? '', ws);
      if (method === 'INVITE') {
        const callId = sipHeaders(text, 'Call-ID')[0]?.replace(/^Call-ID:\s*/i, '') ?? '';
        const answer = peer.reinvites.get(callId) ?? (() => Promise.reject(new Error(`no re-INVITE expected on ${callId}`)));
        answer(body(text)).then(
          (sdp) => ws.send(response(text, '200 OK', sdp)),
          (e: unknown) => {
            console.error(`scripted peer: re-INVITE failed: ${String(e)}`);
            ws.send(response(text, '488 Not Acceptable Here'));
          },
        );
        return;
      }
      ws.send(response(text, '200 OK'));
    });
  });
  return peer;
}

function body(message: string): string {
  return message.split('\r\n\r\n').slice(1).join('\r\n\r\n');
}

const response = (request: string, status: string, sdp = ''): string =>
  sipResponse(request, status, { contact: '<sip:customer@peer.invalid;transport=ws>', sdp });

let n = 0;
function invite(user: string, callId: string, sdp: string): string {
  const lines = [
    `INVITE sip:${user}@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/WSS peer.invalid;branch=z9hG4bK-media${++n}`,
    'Max-Forwards: 70',
    'From: "Customer" <sip:+14155550134@127.0.0.1>;tag=c1',
    `To: <sip:${user}@127.0.0.1>`,
    `Call-ID: ${callId}`,
    'CSeq: 1 INVITE',
    'Contact: <sip:customer@peer.invalid;transport=ws>',
    'Content-Type: application/sdp',
    `Content-Length: ${Buffer.byteLength(sdp)}`,
  ];
  return `${lines.join('\r\n')}\r\n\r\n${sdp}`;
}

function ack(ok: string): string {
  const lines = [
    `ACK ${/^Contact:\s*<([^>]+)>/im.exec(ok)?.[1] ?? 'sip:agent@127.0.0.1'} SIP/2.0`,
    `Via: SIP/2.0/WSS peer.invalid;branch=z9hG4bK-ack${++n}`,
    'Max-Forwards: 70',
    ...sipHeaders(ok, 'From'),
    ...sipHeaders(ok, 'To'),
    ...sipHeaders(ok, 'Call-ID'),
    'CSeq: 1 ACK',
    'Content-Length: 0',
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

// ── the media relay ───────────────────────────────────────────────────────────────────────────

/**
 * Two UDP sockets: the agent's SDP names `towardsFar` as the far end's only candidate, the far
 * end's SDP names `towardsAgent` as the agent's. Whatever one side sends to its socket leaves the
 * other socket to the other side, so ICE, DTLS and RTP all cross the relay, and `blocked` drops
 * everything both ways (a network outage, with no ICMP and no close_notify).
 */
interface MediaRelay {
  /** The port the agent sends to (the far end as the agent sees it). */
  readonly agentFacingPort: number;
  /** The port the far end sends to (the agent as the far end sees it). */
  readonly farFacingPort: number;
  /** The far end's real port, once its SDP is known. */
  farPort: number;
  blocked: boolean;
  /** When the relay last carried a packet from the far end to the agent (epoch ms). */
  lastToAgent: number;
  close(): void;
}

async function startRelay(): Promise<MediaRelay> {
  const bind = async (): Promise<Socket> => {
    const s = createSocket('udp4');
    await new Promise<void>((ok) => s.bind(0, '127.0.0.1', ok));
    return s;
  };
  const [agentSide, farSide] = await Promise.all([bind(), bind()]);
  let agent: { port: number; address: string } | undefined;
  const relay: MediaRelay = {
    agentFacingPort: agentSide.address().port,
    farFacingPort: farSide.address().port,
    farPort: 0,
    blocked: false,
    lastToAgent: 0,
    close: () => {
      agentSide.close();
      farSide.close();
    },
  };
  agentSide.on('message', (msg, from) => {
    agent = from;
    if (!relay.blocked && relay.farPort) farSide.send(msg, relay.farPort, '127.0.0.1');
  });
  farSide.on('message', (msg) => {
    if (relay.blocked || !agent) return;
    relay.lastToAgent = Date.now();
    agentSide.send(msg, agent.port, agent.address);
  });
  return relay;
}

/** The SDP with its candidates replaced by one UDP host candidate at 127.0.0.1:`port`. */
function viaRelay(sdp: string, port: number): string {
  const lines = sdp.split(/\r\n/).filter((l) => !/^a=(candidate|end-of-candidates)/.test(l));
  const out: string[] = [];
  for (const l of lines) {
    if (/^m=audio /.test(l)) out.push(l.replace(/^m=audio \d+/, `m=audio ${port}`));
    else if (/^c=IN /.test(l)) out.push('c=IN IP4 127.0.0.1');
    else out.push(l);
    if (/^a=mid:/.test(l)) out.push(`a=candidate:1 1 udp 2122260223 127.0.0.1 ${port} typ host generation 0`, 'a=end-of-candidates');
  }
  return out.join('\r\n');
}

/** The port of the first IPv4 UDP candidate in an SDP. */
function udpPort(sdp: string): number {
  const m = /^a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host/im.exec(sdp);
  if (!m) throw new Error(`no IPv4 UDP host candidate in the far end's SDP:\n${sdp}`);
  return Number(m[1]);
}

// ── the far end: a plain RTCPeerConnection in its own browser context ─────────────────────────

/**
 * The far ends of every call share one page (one renderer, whatever the number of calls); each is
 * a peer connection of its own, found by key in `window.far`.
 */
type FarWindow = { far: Record<string, RTCPeerConnection> };
let farPage: Promise<Page> | undefined;

class FarEnd {
  private static next = 0;

  private constructor(
    private readonly page: Page,
    private readonly key: string,
  ) {}

  static async open(browser: Browser, baseUrl: string): Promise<FarEnd> {
    farPage ??= (async () => {
      const context = await browser.newContext();
      cleanup.push(() => context.close());
      const page = await context.newPage();
      // Any page on the static server: 127.0.0.1 is a secure context, so getUserMedia works.
      await page.goto(`${baseUrl}/telephony/sip/web/bare.html`);
      await page.evaluate(() => ((window as unknown as FarWindow).far = {}));
      return page;
    })();
    return new FarEnd(await farPage, `far${++FarEnd.next}`);
  }

  /** Creates the offer (fake microphone, all candidates gathered). */
  offer(): Promise<string> {
    return this.page.evaluate(async (key) => {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const pc = new RTCPeerConnection({ iceServers: [] });
      (window as unknown as FarWindow).far[key] = pc;
      for (const t of stream.getTracks()) pc.addTrack(t, stream);
      const gathered = new Promise<void>((ok) => pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && ok()));
      await pc.setLocalDescription(await pc.createOffer());
      await gathered;
      return pc.localDescription?.sdp ?? '';
    }, this.key);
  }

  /** Applies a remote description; for an offer, returns the answer. */
  describe(type: 'offer' | 'answer', sdp: string): Promise<string> {
    return this.page.evaluate(
      async ({ key, type, sdp }) => {
        const pc = (window as unknown as FarWindow).far[key]!;
        await pc.setRemoteDescription({ type, sdp });
        if (type === 'answer') return '';
        await pc.setLocalDescription(await pc.createAnswer());
        return pc.localDescription?.sdp ?? '';
      },
      { key: this.key, type, sdp },
    );
  }

  /** Drops the media as a crashed browser would for the agent: no BYE, the peer connection just goes. */
  async vanish(): Promise<void> {
    await this.page.evaluate((key) => {
      const pc = (window as unknown as FarWindow).far[key]!;
      for (const sender of pc.getSenders()) sender.track?.stop();
      pc.close();
    }, this.key);
  }

  /** Closes the far end's peer connection if the test left it open. */
  async close(): Promise<void> {
    await this.page.evaluate((key) => (window as unknown as FarWindow).far[key]?.close(), this.key).catch(() => {});
  }
}

// ── fixtures ──────────────────────────────────────────────────────────────────────────────────

let browser: Browser, web: StaticServer, peer: ScriptedPeer;
const cleanup: (() => Promise<void> | void)[] = [];

before(async () => {
  [browser, web, peer] = await Promise.all([launchChromium(), serveStatic(DIST), startScriptedPeer()]);
});

after(async () => {
  for (const c of cleanup.reverse()) await c();
  await browser?.close();
  await web?.close();
  await peer?.close();
});

interface Established {
  agent: Agent;
  far: FarEnd;
  relay: MediaRelay;
  callId: string;
  mark: number;
  peer: ScriptedPeer;
}

/** Registers `user`, has a far end call it through the relay, answers, and waits for audio both ways. */
async function establish(user: string, callId: string, via: ScriptedPeer = peer): Promise<Established> {
  const peer = via;
  const server = { name: 'scripted', wsUrl: peer.url, domain: '127.0.0.1', passwordOf: () => 'x', restart: async () => {}, stop: async () => {} };
  const [agent, far, relay] = await Promise.all([
    Agent.open(browser, web.url, server, user, { qualityIntervalMs: 500 }),
    FarEnd.open(browser, web.url),
    startRelay(),
  ]);
  cleanup.push(
    () => agent.close(),
    () => far.close(),
    () => relay.close(),
  );
  const offer = await far.offer();
  relay.farPort = udpPort(offer);
  const mark = await agent.mark();
  peer.push(user, invite(user, callId, viaRelay(offer, relay.agentFacingPort)));
  await agent.waitIncoming(mark);
  const from = peer.received.length;
  await agent.command('answer', callId);
  const ok = await peer.waitFor(new RegExp(`^SIP/2\\.0 200 [^]*Call-ID: ${callId}`, 'i'), from);
  await far.describe('answer', viaRelay(body(ok), relay.farFacingPort));
  peer.push(user, ack(ok));
  // The agent's hold and resume reach the far end through the relay like the first offer did.
  peer.reinvites.set(callId, async (agentOffer) => viaRelay(await far.describe('offer', viaRelay(agentOffer, relay.farFacingPort)), relay.agentFacingPort));
  await agent.waitEvent('established', callId, mark);
  await agent.waitAudio(callId, 1500, 10_000);
  return { agent, far, relay, callId, mark, peer };
}

async function endedEvents(agent: Agent, callId: string, since: number): Promise<(readonly unknown[])[]> {
  return (await agent.events())
    .slice(since)
    .filter((e) => e.event === 'ended' && e.args[0] === callId)
    .map((e) => e.args);
}

async function eventAt(agent: Agent, event: string, callId: string, since: number): Promise<number> {
  const e = (await agent.events()).slice(since).find((x) => x.event === event && x.args[0] === callId);
  if (!e) throw new Error(`no ${event} for ${callId}`);
  return e.at;
}

// ── tests ─────────────────────────────────────────────────────────────────────────────────────

const MEDIA_LOST = /^media connection lost \(.*failed\)$/;

function isOutage(args: readonly unknown[]): boolean {
  return (args[1] as { mos: number; packetLossPercent: number }).packetLossPercent === 100;
}

/** The call ended as failed once, its BYE went out (best effort), and the adapter forgot it. */
async function assertFailedOnce(e: Established, startedAt: number, from: number): Promise<number> {
  const { agent, callId, mark } = e;
  const [, reason, detail] = await agent.waitEvent('ended', callId, mark, FAILED_WITHIN_MS);
  const endedAt = await eventAt(agent, 'ended', callId, mark);
  assert.equal(reason, 'failed');
  assert.match(String(detail), MEDIA_LOST);
  await peer.waitFor(new RegExp(`^BYE [^]*Call-ID: ${callId}`, 'i'), from);
  await observe(500); // a second `ended` would come from the session's own termination, a microtask or a BYE's answer later
  assert.equal((await endedEvents(agent, callId, mark)).length, 1, 'ended exactly once');
  await assert.rejects(agent.command('hangup', callId), /no such call/);
  // The outage was shown before the end (the panel's quality indicator), and nothing after it.
  const events = (await agent.events()).slice(mark).filter((x) => x.args[0] === callId);
  const endIndex = events.findIndex((x) => x.event === 'ended');
  assert.ok(
    events.slice(0, endIndex).some((x) => x.event === 'quality' && isOutage(x.args)),
    'an outage quality event before the end',
  );
  assert.equal(events.slice(endIndex + 1).length, 0, 'no event for the call after it ended');
  return endedAt - startedAt;
}

/** Establishes a call to an engine (the engine harness page) on `user`: the far end calls, the agent answers. */
async function establishWithEngine(user: string, callId: string): Promise<{ page: Page; far: FarEnd; relay: MediaRelay }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const [far, relay] = await Promise.all([FarEnd.open(browser, web.url), startRelay()]);
  cleanup.push(
    () => context.close(),
    () => far.close(),
    () => relay.close(),
  );
  await page.goto(`${web.url}/telephony/sip/web/engine.html`);
  await page.waitForFunction(() => 'engineHarness' in window, undefined, { timeout: 10_000 });
  // Wrap-up ends by itself after a second, so the call is logged without an agent's click.
  const config: EngineHarnessConfig = {
    wsUrl: peer.url,
    domain: '127.0.0.1',
    username: user,
    password: 'x',
    settings: { '/switchboard/wrapUpEnabled': 'true', '/switchboard/wrapUpSeconds': '1' },
  };
  await page.evaluate((c) => window.engineHarness.start(c), config);
  await page.waitForFunction(() => window.engineHarness.state.registration.state === 'registered', undefined, { timeout: 10_000 });
  const offer = await far.offer();
  relay.farPort = udpPort(offer);
  peer.push(user, invite(user, callId, viaRelay(offer, relay.agentFacingPort)));
  await page.waitForFunction((id) => window.engineHarness.call(id)?.state === 'offering', callId, { timeout: 10_000 });
  const from = peer.received.length;
  await page.evaluate((id) => window.engineHarness.engine!.execute({ type: 'answer', callId: id }), callId);
  const ok = await peer.waitFor(new RegExp(`^SIP/2\\.0 200 [^]*Call-ID: ${callId}`, 'i'), from);
  await far.describe('answer', viaRelay(body(ok), relay.farFacingPort));
  peer.push(user, ack(ok));
  await page.waitForFunction((id) => window.engineHarness.call(id)?.state === 'active', callId, { timeout: 10_000 });
  return { page, far, relay };
}

describe('media loss without a hang-up', { concurrency: true }, () => {
  test('a call whose far end vanishes without a BYE ends as failed, once, within the consent timeout', async (t) => {
    const e = await establish('2001', 'media-vanish');
    const from = peer.received.length;
    const startedAt = Date.now();
    await e.far.vanish();
    const ms = await assertFailedOnce(e, startedAt, from);
    t.diagnostic(`far end's peer connection closed -> call ended as failed after ${Math.round(ms)} ms`);
  });

  test('a held call whose far end drops off the network ends as failed too (consent checks go on while held)', async (t) => {
    const e = await establish('2002', 'media-held');
    const mark = await e.agent.mark();
    await e.agent.command('hold', e.callId);
    await e.agent.waitEvent('held', e.callId, mark);
    await e.agent.waitNoAudio(e.callId);
    const from = peer.received.length;
    const startedAt = Date.now();
    e.relay.blocked = true;
    const ms = await assertFailedOnce(e, startedAt, from);
    t.diagnostic(`held call, network gone -> call ended as failed after ${Math.round(ms)} ms`);
  });

  test('an outage that recovers keeps the call: reported as an outage, then as good again, and media flows', async (t) => {
    const e = await establish('2003', 'media-blip');
    const { agent, callId } = e;
    const mark = await agent.mark();
    const startedAt = Date.now();
    e.relay.blocked = true;
    // Until the adapter reports the outage (the path went `disconnected`), and a little longer.
    await poll(
      async () => (await agent.events()).slice(mark).some((x) => x.event === 'quality' && x.args[0] === callId && isOutage(x.args)),
      20_000,
      'no outage reported',
    );
    const reportedAt = (await agent.events()).slice(mark).find((x) => x.event === 'quality' && x.args[0] === callId && isOutage(x.args))!.at;
    await observe(1000);
    const restoredFrom = await agent.mark();
    e.relay.blocked = false;
    const blockedMs = Date.now() - startedAt;
    await poll(
      async () => (await agent.events()).slice(restoredFrom).some((x) => x.event === 'quality' && x.args[0] === callId && !isOutage(x.args)),
      10_000,
      'quality never recovered after the outage',
    );
    await agent.waitAudio(callId);
    assert.equal((await endedEvents(agent, callId, e.mark)).length, 0, 'the call must stay up');
    const logs = await agent.page.evaluate(() => window.harness.logs.map((l) => l.message));
    assert.ok(logs.includes('media path restored'), 'the recovery is logged');
    t.diagnostic(`outage reported ${Math.round(reportedAt - startedAt)} ms after the network went; blocked ${blockedMs} ms; call kept`);
    await agent.command('hangup', callId);
    const [, reason] = await agent.waitEvent('ended', callId, e.mark);
    assert.equal(reason, 'local-hangup');
  });

  test('with the SIP server down as well, the call still ends as failed once (its BYE goes nowhere)', async (t) => {
    const own = await startScriptedPeer();
    cleanup.push(() => own.close());
    const e = await establish('2005', 'media-no-server', own);
    const mark = await e.agent.mark();
    await own.close();
    await e.agent.waitEvent('registration', 'reconnecting', mark);
    const received = own.received.length;
    const pageErrors: string[] = [];
    e.agent.page.on('pageerror', (error) => pageErrors.push(String(error)));
    const startedAt = Date.now();
    await e.far.vanish();
    const [, reason, detail] = await e.agent.waitEvent('ended', e.callId, e.mark, FAILED_WITHIN_MS);
    const ms = (await eventAt(e.agent, 'ended', e.callId, e.mark)) - startedAt;
    assert.equal(reason, 'failed');
    assert.match(String(detail), MEDIA_LOST);
    await observe(500);
    assert.equal((await endedEvents(e.agent, e.callId, e.mark)).length, 1, 'ended exactly once');
    assert.equal(own.received.length, received, 'nothing reached the dead server');
    // The BYE that cannot leave: sip.js logs its transport error (503 internally); nothing of ours fails.
    const ours = await e.agent.page.evaluate(() =>
      window.harness.logs.filter((l) => l.level === 'error' && !l.message.startsWith('sip.js ')).map((l) => l.message),
    );
    assert.deepEqual(ours, []);
    assert.deepEqual(pageErrors, [], 'no uncaught error in the page');
    t.diagnostic(`SIP server down, far end's peer connection closed -> call ended as failed after ${Math.round(ms)} ms`);
  });

  test('the engine on the real adapter wraps such a call up and logs it once, as failed', async (t) => {
    const callId = 'media-engine';
    const { page, far } = await establishWithEngine('2004', callId);
    const startedAt = Date.now();
    await far.vanish();
    await page.waitForFunction((id) => window.engineHarness.logged(id).length > 0, callId, { timeout: FAILED_WITHIN_MS, polling: 50 });
    const loggedMs = Date.now() - startedAt;
    await observe(1500); // longer than the wrap-up limit: a second end or close would log again
    const logged = await page.evaluate((id) => window.engineHarness.logged(id), callId);
    assert.equal(logged.length, 1, 'logged exactly once');
    assert.equal(logged[0]!.endReason, 'failed');
    const call = await page.evaluate((id) => window.engineHarness.call(id), callId);
    assert.ok(call, 'the call is among the recent calls');
    assert.equal(call.endReason, 'failed');
    assert.ok(
      call.timeline.some((e) => /media connection lost/.test(e.text)),
      `the timeline says why: ${JSON.stringify(call.timeline.map((e) => e.text))}`,
    );
    assert.ok(
      call.timeline.some((e) => /wrap-up/.test(e.text)),
      'the call went through wrap-up',
    );
    t.diagnostic(`engine: far end's peer connection closed -> call ended, wrapped up and logged after ${loggedMs} ms`);
  });
});
