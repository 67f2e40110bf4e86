/*
 * Per-call Web Audio objects do not pile up: Chromium frees a MediaStreamAudioDestinationNode (and
 * its MediaStream) only with its AudioContext, so the ringer's and the ringback's tones, one each per
 * call, used to stay for the whole shift. The real adapter runs in Debian's Chromium (the harness
 * page) against a scripted SIP-over-WebSocket peer; the page counts, with WeakRefs after a forced
 * garbage collection, the destination nodes made after registration: after four rounds of calls
 * (rejected outbound with ringback, cancelled inbound, answered inbound ended by the far end) as
 * many are alive as after one, and no more than were in use at once.
 * (Audio elements and sip.js's own streams are not counted: sip.js keeps an ended session
 * reachable from its transactions for up to 32 s, so their count would depend on timing.)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../test/support/chromium.ts';
import { serveStatic, type StaticServer } from '../../../test/support/static-server.ts';
import { startFakeSipPeer, type FakeSipPeer } from '../../../test/support/fake-sip-peer.ts';
import { Agent } from '../../../test/telephony/agents.ts';
import { SIGNALLING_ONLY_OFFER, sipHeaders, sipResponse } from '../../../test/support/sip-text.ts';

const DIST = resolve(import.meta.dirname, '../../../dist');

const response = (request: string, status: string): string => sipResponse(request, status, { contact: '<sip:peer@peer.invalid;transport=ws>' });

/** The scripted peer: answers REGISTER and in-dialog requests 200, an INVITE from the UA 100 + 180 (the test sends the final answer). */
function startScriptedPeer(): Promise<FakeSipPeer> {
  return startFakeSipPeer({
    answer: (text, method, send) => {
      if (method === 'INVITE' && !/^To:.*;tag=/im.test(text)) {
        send(response(text, '100 Trying'));
        send(response(text, '180 Ringing'));
        return;
      }
      send(response(text, '200 OK'));
    },
  });
}

let n = 0;
function invite(callId: string, sdp = ''): { text: string; branch: string } {
  const branch = `z9hG4bK-rel${++n}`;
  const lines = [
    'INVITE sip:1002@127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/WSS peer.invalid;branch=${branch}`,
    'Max-Forwards: 70',
    'From: "Customer" <sip:+14155550134@127.0.0.1>;tag=c1',
    'To: <sip:1002@127.0.0.1>',
    `Call-ID: ${callId}`,
    'CSeq: 1 INVITE',
    'Contact: <sip:customer@peer.invalid;transport=ws>',
    ...(sdp ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(sdp)}`,
  ];
  return { text: `${lines.join('\r\n')}\r\n\r\n${sdp}`, branch };
}

/** CANCEL or ACK (of a non-2xx) for the peer's INVITE: same branch, same CSeq number. */
function sameTransaction(callId: string, branch: string, method: 'CANCEL' | 'ACK', to = 'To: <sip:1002@127.0.0.1>'): string {
  const lines = [
    `${method} sip:1002@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/WSS peer.invalid;branch=${branch}`,
    'Max-Forwards: 70',
    'From: "Customer" <sip:+14155550134@127.0.0.1>;tag=c1',
    to,
    `Call-ID: ${callId}`,
    `CSeq: 1 ${method}`,
    'Content-Length: 0',
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function inDialog(ok: string, method: 'ACK' | 'BYE', cseq: number): string {
  const contact = /^Contact:\s*<([^>]+)>/im.exec(ok)?.[1] ?? 'sip:1002@127.0.0.1';
  const lines = [
    `${method} ${contact} SIP/2.0`,
    `Via: SIP/2.0/WSS peer.invalid;branch=z9hG4bK-dlg${++n}`,
    'Max-Forwards: 70',
    ...sipHeaders(ok, 'From'),
    ...sipHeaders(ok, 'To'),
    ...sipHeaders(ok, 'Call-ID'),
    `CSeq: ${cseq} ${method}`,
    'Content-Length: 0',
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Installed in the page before its own code runs: every destination node, MediaStream and Audio made,
 * as WeakRefs. A string, so the test runner's transpiler adds no helpers the page lacks. (Installed
 * after registration, it raced the ringer's warm-up, which makes the pool's first destination a moment
 * after registering: on a loaded machine that came first and went uncounted, every ringback reused
 * it, and no tone was ever seen starting.)
 */
const INSTRUMENT = `(() => {
  window.__tracked = [];
  const track = (kind, o) => void window.__tracked.push({ kind, ref: new WeakRef(o) });
  const create = AudioContext.prototype.createMediaStreamDestination;
  AudioContext.prototype.createMediaStreamDestination = function () {
    const d = create.call(this);
    track('MediaStreamAudioDestinationNode', d);
    track('DestinationStream', d.stream);
    return d;
  };
  const source = AudioContext.prototype.createMediaStreamSource;
  AudioContext.prototype.createMediaStreamSource = function (stream) {
    const n = source.call(this, stream);
    track('MediaStreamAudioSourceNode', n);
    return n;
  };
  const NativeStream = window.MediaStream;
  window.MediaStream = class extends NativeStream {
    constructor(...args) { super(...args); track('MediaStream', this); }
  };
  const NativeAudio = window.Audio;
  window.Audio = class extends NativeAudio {
    constructor(...args) { super(...args); track('HTMLAudioElement', this); }
  };
})()`;

let browser: Browser, web: StaticServer, peer: FakeSipPeer, agent: Agent;

before(async () => {
  [browser, web, peer] = await Promise.all([launchChromium(), serveStatic(DIST), startScriptedPeer()]);
  const server = { name: 'scripted', wsUrl: peer.url, domain: '127.0.0.1', passwordOf: () => 'x', restart: async () => {}, stop: async () => {} };
  agent = await Agent.open(browser, web.url, server, '1002', {}, INSTRUMENT);
  await agent.waitEvent('registration', 'registered');
});

after(async () => {
  await agent?.close();
  await browser?.close();
  await web?.close();
  await peer?.close();
});

async function liveAfterGc(): Promise<{ made: Record<string, number>; live: Record<string, number> }> {
  const cdp = await agent.page.context().newCDPSession(agent.page);
  try {
    // WeakRefs are cleared only after the task that read them ends: collect twice across tasks.
    for (let i = 0; i < 3; i++) {
      await cdp.send('HeapProfiler.collectGarbage');
      await agent.page.evaluate(() => new Promise((ok) => setTimeout(ok, 50)));
    }
  } finally {
    await cdp.detach();
  }
  return agent.page.evaluate(() => {
    const tracked = (window as unknown as { __tracked: { kind: string; ref: WeakRef<object> }[] }).__tracked;
    const made: Record<string, number> = {},
      live: Record<string, number> = {};
    for (const t of tracked) {
      made[t.kind] = (made[t.kind] ?? 0) + 1;
      if (t.ref.deref()) live[t.kind] = (live[t.kind] ?? 0) + 1;
    }
    return { made, live };
  });
}

/**
 * Gives the ringback time to start (up to 5 s) before the peer refuses the call: it refuses at once,
 * and on a loaded machine a whole run of rounds once ended before any tone started. Not an
 * assertion: the precondition below says whether the test measured anything.
 */
async function toneStarted(): Promise<void> {
  await agent.page
    .waitForFunction(
      `(() => {
    const live = window.__tracked.map((t) => ({ kind: t.kind, o: t.ref.deref() })).filter((t) => t.o);
    const tones = new Set(live.filter((t) => t.kind === 'DestinationStream').flatMap((t) => t.o.getAudioTracks().map((k) => k.id)));
    return live.some((t) => t.kind === 'HTMLAudioElement' && t.o.srcObject && t.o.srcObject.getAudioTracks().some((k) => tones.has(k.id)));
  })()`,
      undefined,
      { timeout: 5000 },
    )
    .catch(() => undefined);
}

/** One round: a refused outbound call (ringback), a cancelled inbound call (ringer), an answered inbound call. */
async function round(i: number): Promise<void> {
  // Outbound, ringback, refused busy.
  let mark = await agent.mark();
  const out = await agent.dial('1003');
  await agent.waitEvent('progress', out, mark);
  await toneStarted();
  const inv = await peer.waitFor(new RegExp(`^INVITE [^]*Call-ID: ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'i'));
  peer.push(response(inv, '486 Busy Here'));
  await agent.waitEvent('ended', out, mark);

  // Inbound, ringing, cancelled by the caller.
  mark = await agent.mark();
  const missed = invite(`rel-missed-${i}`);
  peer.push(missed.text);
  await agent.waitIncoming(mark);
  let from = peer.received.length;
  peer.push(sameTransaction(`rel-missed-${i}`, missed.branch, 'CANCEL'));
  const terminated = await peer.waitFor(new RegExp(`^SIP/2\\.0 487 [^]*Call-ID: rel-missed-${i}`, 'i'), from);
  peer.push(sameTransaction(`rel-missed-${i}`, missed.branch, 'ACK', sipHeaders(terminated, 'To')[0]));
  await agent.waitEvent('ended', `rel-missed-${i}`, mark);

  // Inbound, answered, hung up by the caller.
  const id = `rel-answered-${i}`;
  mark = await agent.mark();
  peer.push(invite(id, SIGNALLING_ONLY_OFFER).text);
  await agent.waitIncoming(mark);
  from = peer.received.length;
  await agent.command('answer', id);
  const ok = await peer.waitFor(new RegExp(`^SIP/2\\.0 200 [^]*Call-ID: ${id}`, 'i'), from);
  peer.push(inDialog(ok, 'ACK', 1));
  await agent.waitEvent('established', id, mark);
  peer.push(inDialog(ok, 'BYE', 2));
  await agent.waitEvent('ended', id, mark);
}

test('tone destination nodes and their streams do not pile up with calls', { timeout: 120_000 }, async () => {
  await round(0);
  const first = await liveAfterGc();
  const ROUNDS = 4;
  for (let i = 1; i < ROUNDS; i++) await round(i);
  const { made, live } = await liveAfterGc();
  const detail = `after 1 round: ${JSON.stringify(first.live)}; after ${ROUNDS}: ${JSON.stringify(live)}; made: ${JSON.stringify(made)}`;
  // The probe saw the objects being made (it would pass vacuously otherwise).
  assert.ok((made.MediaStreamAudioDestinationNode ?? 0) >= 1 && (made.HTMLAudioElement ?? 0) >= 2 * ROUNDS, detail);
  // Tone destinations are reused (Chromium frees them only with their AudioContext): as many as were in use at once.
  assert.ok((live.MediaStreamAudioDestinationNode ?? 0) <= 2, detail);
  assert.equal(live.MediaStreamAudioDestinationNode ?? 0, first.live.MediaStreamAudioDestinationNode ?? 0, detail);
  assert.equal(live.DestinationStream ?? 0, first.live.DestinationStream ?? 0, detail);
});
