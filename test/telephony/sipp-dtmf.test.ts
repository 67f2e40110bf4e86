// DTMF as receivers nobody here wrote get it. The agent (a browser page running the real SIP
// adapter) talks through Kamailio to a SIPp far end; rtpengine bridges the browser's DTLS-SRTP to
// plain RTP, which goes to a UDP socket this test owns (the far end's media address in its SDP).
// Each digit the agent presses must reach the far end as exactly one RFC 4733 event (one marker
// bit, one timestamp, end packets, a 100 ms duration in the event clock) at the rate of the audio
// codec it rides with, as rtpengine (reading the events it relays, --dtmf-log-dest) also reports;
// or, when the far end offers telephone events only at another rate, as one SIP INFO per digit.
//
// Beside opus with telephone-event/8000 negotiated, Chromium sends each digit as three end packets
// that all carry the marker bit, with a 48 kHz duration labelled 8 kHz (see sdp-dtmf.ts). Without
// that module the opus cases below fail: the first two read the digits on telephone-event/8000,
// three events each (rtpengine: 120 ms long), and the last gets those instead of SIP INFO.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { startKamailio, type KamailioHandle } from '../support/kamailio.ts';
import { startRtpengine, type RtpengineHandle } from '../support/rtpengine.ts';
import { runSipp, waitUdpBound, type SippResult } from '../support/sipp.ts';
import { freePort } from '../support/ports.ts';
import { Agent, observe, poll } from './agents.ts';
import { DIST } from './scenarios.ts';

/** The far end's number for calls the agent places (registered by sipp-register.xml). */
const FAR_END = '+14155550188';
/** Every RFC 4733 DTMF event code (0-9 * # A-D), in one call. */
const DIGITS = '19*#0D';
/** What `sendDtmf` asks the browser for, per tone. */
const TONE_MS = 100;
/**
 * How far a reported duration may be off: Chromium counts a tone in whole 20 ms audio frames (100
 * ms is exactly 5) and rtpengine rounds (it reads 4800 at 48 kHz as 96 ms). The bug reads 120 ms.
 */
const TONE_SLACK_MS = 10;

let browser: Browser, web: StaticServer, kamailio: KamailioHandle, rtpengine: RtpengineHandle, agent: Agent, dir: string;
let farEndPort: number;
/** rtpengine's DTMF reports (one JSON datagram per event it read). */
let dtmfLog: Socket;
const reported: RtpengineDtmf[] = [];

/** One `--dtmf-log-dest` report; `duration` in milliseconds. */
interface RtpengineDtmf {
  readonly callid: string;
  readonly event: number;
  readonly duration: number;
}

before(async () => {
  dtmfLog = createSocket('udp4');
  await new Promise<void>((ok) => dtmfLog.bind(0, '127.0.0.1', () => ok()));
  dtmfLog.on('message', (m) => reported.push(JSON.parse(m.toString()) as RtpengineDtmf));
  rtpengine = await startRtpengine({ dtmfLogDest: `127.0.0.1:${(dtmfLog.address() as AddressInfo).port}` });
  [browser, web, kamailio] = await Promise.all([launchChromium(), serveStatic(DIST), startKamailio({ rtpengine: rtpengine.ngSocket })]);
  const server = {
    name: 'kamailio',
    wsUrl: kamailio.wsUrl,
    domain: kamailio.domain,
    passwordOf: () => 'secret',
    restart: async () => {},
    stop: async () => {},
  };
  agent = await Agent.open(browser, web.url, server, '1002');
  dir = mkdtempSync(join(tmpdir(), 'sb-sipp-dtmf-'));
  for (const xml of ['uac-dtmf.xml', 'uas-dtmf.xml', 'sipp-register.xml']) copyFileSync(resolve(import.meta.dirname, xml), join(dir, xml));
  farEndPort = await freePort();
  const registered = await runSipp(
    [
      `127.0.0.1:${kamailio.sipPort}`,
      '-sf',
      'sipp-register.xml',
      '-s',
      FAR_END,
      '-ap',
      'secret',
      '-i',
      '127.0.0.1',
      '-p',
      String(farEndPort),
      '-m',
      '1',
      '-nostdin',
      '-timeout',
      '10s',
      '-timeout_error',
      '-trace_err',
    ],
    dir,
  );
  assert.equal(registered.code, 0, `SIPp could not register ${FAR_END}:\n${sippErrors(registered)}`);
});

after(async () => {
  await agent?.close();
  await browser?.close();
  await web?.close();
  await kamailio?.stop();
  await rtpengine?.stop();
  dtmfLog?.close();
  if (dir && !process.env.SIPP_TRACE) rmSync(dir, { recursive: true, force: true });
});

test('a far end offering opus with telephone-event at 48000 and 8000 (linphone) gets each digit once, at 48000', { timeout: 60_000 }, async () => {
  const call = await farEndCalls('111 0 110 101', [
    'a=rtpmap:111 opus/48000/2',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:110 telephone-event/48000',
    'a=fmtp:110 0-16',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-16',
  ]);
  await pressDigits(call);
  await call.hangUp();
  assertOneEventPerDigit(call, { audio: 111, events: 110, rate: 48000, others: [101] });
  assert.equal(call.infoDigits(), '', 'no SIP INFO: the digits went in the media');
});

test('a far end offering PCMU with telephone-event/8000 (a PBX, a trunk) gets each digit once, at 8000', { timeout: 60_000 }, async () => {
  const call = await farEndCalls('0 101', ['a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16']);
  await pressDigits(call);
  await call.hangUp();
  assertOneEventPerDigit(call, { audio: 0, events: 101, rate: 8000, others: [] });
  assert.equal(call.infoDigits(), '', 'no SIP INFO: the digits went in the media');
});

test('a far end the agent calls, answering opus with telephone-event at 48000 and 8000, gets each digit once, at 48000', { timeout: 60_000 }, async () => {
  const call = await agentCallsFarEnd();
  await pressDigits(call);
  await call.hangUp();
  const offer = call.localSdp;
  const pt = (encoding: string): number => Number(new RegExp(`a=rtpmap:(\\d+) ${encoding}`).exec(offer)?.[1] ?? NaN);
  assertOneEventPerDigit(call, { audio: pt('opus/48000'), events: pt('telephone-event/48000'), rate: 48000, others: [pt('telephone-event/8000')] });
  assert.equal(call.infoDigits(), '', 'no SIP INFO: the digits went in the media');
});

test(
  'a far end offering opus with telephone-event/8000 only gets each digit once, as SIP INFO (no events at a rate opus does not run at)',
  { timeout: 60_000 },
  async () => {
    const call = await farEndCalls('111 101', ['a=rtpmap:111 opus/48000/2', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16']);
    await pressDigits(call, () => call.infoDigits().length >= DIGITS.length);
    await call.hangUp();
    assert.equal(call.infoDigits(), DIGITS, 'each digit once, in order, as SIP INFO');
    assert.deepEqual(call.packets.filter((p) => p.payloadType === 101).map(show), [], 'no telephone-event/8000 beside opus');
    assert.ok(
      call.packets.some((p) => p.payloadType === 111),
      "the agent's opus reached the far end's socket",
    );
    assert.deepEqual(call.reports(), [], 'rtpengine relayed no DTMF event');
    assert.doesNotMatch(call.localSdp, /telephone-event/, "the agent's answer offers no telephone events it would not send right");
  },
);

// ── the far end ────────────────────────────────────────────────────────────────────────────────

/** What arrived at the far end's media socket, one RTP packet. */
interface RtpPacket {
  readonly payloadType: number;
  readonly marker: boolean;
  readonly timestamp: number;
  readonly payload: Buffer;
}

interface FarEndCall {
  readonly callId: string;
  /** The agent's local SDP (its offer or its answer) once the call was established. */
  readonly localSdp: string;
  /** Every RTP packet at the far end's socket so far, in arrival order. */
  readonly packets: RtpPacket[];
  /** Every telephone-event payload type the far end knows (the agent may have kept fewer). */
  readonly eventTypes: ReadonlySet<number>;
  /** rtpengine's DTMF reports for this call. */
  reports(): RtpengineDtmf[];
  /** The digits SIPp received as SIP INFO, each INFO once, in arrival order. */
  infoDigits(): string;
  hangUp(): Promise<void>;
}

/** SIPp calls the agent offering `formats` / `rtpmaps`, media at the test's socket; the agent answers. */
async function farEndCalls(formats: string, rtpmaps: readonly string[]): Promise<FarEndCall> {
  const media = await mediaSocket();
  const mark = await agent.mark();
  const sipPort = await freePort();
  const messages = join(dir, `uac-${media.port}-messages.log`);
  const sipp = runSipp(
    [
      `127.0.0.1:${kamailio.sipPort}`,
      '-sf',
      'uac-dtmf.xml',
      '-s',
      '1002',
      '-i',
      '127.0.0.1',
      '-p',
      String(sipPort),
      '-key',
      'rtp_port',
      String(media.port),
      '-key',
      'formats',
      formats,
      '-key',
      'rtpmaps',
      rtpmaps.join('\r\n'),
      '-m',
      '1',
      '-l',
      '1',
      '-nostdin',
      '-timeout',
      '40s',
      '-timeout_error',
      '-trace_err',
      '-aa',
      '-trace_msg',
      '-message_file',
      messages,
    ],
    dir,
  );
  const offered = await agent.waitIncoming(mark);
  await agent.command('answer', offered.callId);
  await agent.waitEvent('established', offered.callId, mark);
  return farEndCall(offered.callId, mark, media, sipp, messages, rtpmaps.join('\n'));
}

/** The agent calls FAR_END, where SIPp answers (uas-dtmf.xml) with media at the test's socket. */
async function agentCallsFarEnd(): Promise<FarEndCall> {
  const media = await mediaSocket();
  const messages = join(dir, `uas-${media.port}-messages.log`);
  const sipp = runSipp(
    [
      '-sf',
      'uas-dtmf.xml',
      '-i',
      '127.0.0.1',
      '-p',
      String(farEndPort),
      '-key',
      'rtp_port',
      String(media.port),
      '-m',
      '1',
      '-nostdin',
      '-timeout',
      '40s',
      '-timeout_error',
      '-trace_err',
      '-aa',
      '-trace_msg',
      '-message_file',
      messages,
    ],
    dir,
  );
  await Promise.race([
    waitUdpBound(farEndPort),
    sipp.then((r) => {
      throw new Error(`SIPp exited before listening:\n${sippErrors(r)}`);
    }),
  ]);
  const mark = await agent.mark();
  const callId = await agent.dial(FAR_END);
  await agent.waitEvent('established', callId, mark);
  // The far end answers with the agent's own payload types (uas-dtmf.xml).
  return farEndCall(callId, mark, media, sipp, messages);
}

async function farEndCall(
  callId: string,
  mark: number,
  media: MediaSocket,
  sipp: Promise<SippResult>,
  messages: string,
  farEndSdp?: string,
): Promise<FarEndCall> {
  const localSdp = await agent.page.evaluate((id) => window.harness.telephony.peerConnection(id)?.localDescription?.sdp ?? '', callId);
  const eventTypes = new Set([...(farEndSdp ?? localSdp).matchAll(/a=rtpmap:(\d+) telephone-event\//g)].map((m) => Number(m[1])));
  // Calls run one after another, each until its events stop: what rtpengine reports from now is this call's.
  const since = reported.length;
  return {
    callId,
    localSdp,
    packets: media.packets,
    eventTypes,
    reports: () => reported.slice(since),
    infoDigits: () => infoDigits(messages),
    hangUp: async () => {
      await agent.command('hangup', callId);
      await agent.waitEvent('ended', callId, mark);
      const result = await sipp;
      media.close();
      assert.equal(result.code, 0, `SIPp (the far end) failed:\n${sippErrors(result)}\n--- kamailio ---\n${kamailio.log().slice(-3000)}`);
    },
  };
}

interface MediaSocket {
  readonly port: number;
  readonly packets: RtpPacket[];
  close(): void;
}

/** A UDP socket on a free port that keeps every RTP packet it receives. */
async function mediaSocket(): Promise<MediaSocket> {
  const socket = createSocket('udp4');
  await new Promise<void>((ok) => socket.bind(0, '127.0.0.1', () => ok()));
  // A test that fails before hanging up must not keep the test file running.
  socket.unref();
  const packets: RtpPacket[] = [];
  socket.on('message', (m) => {
    // RTP version 2 only; rtpengine sends RTCP to the next port (rtcp-mux-demux), not here.
    if (m.length < 12 || m[0]! >> 6 !== 2) return;
    const b1 = m[1]!;
    const csrcs = m[0]! & 0x0f;
    packets.push({ payloadType: b1 & 0x7f, marker: (b1 & 0x80) !== 0, timestamp: m.readUInt32BE(4), payload: m.subarray(12 + 4 * csrcs) });
  });
  return { port: (socket.address() as AddressInfo).port, packets, close: () => socket.close() };
}

/**
 * The agent presses DIGITS; waits until the far end has them all (`arrived`, by default every
 * digit as an ended RFC 4733 event) and then until nothing more comes for a while, so extra
 * events (the bug) are counted too.
 */
async function pressDigits(call: FarEndCall, arrived?: () => boolean): Promise<void> {
  // Audio first: the far end's socket hears the agent before any digit is pressed.
  await poll(async () => call.packets.length >= 10, 10_000, "no RTP from the agent reached the far end's socket");
  await agent.page.evaluate(({ id, digits }) => window.harness.telephony.sendDtmf(id, digits), { id: call.callId, digits: DIGITS });
  const done =
    arrived ??
    ((): boolean => {
      const ended = call.packets.filter((p) => isEvent(call, p) && (p.payload[1]! & 0x80) !== 0);
      return new Set(ended.map((p) => `${p.payloadType}/${p.timestamp}`)).size >= DIGITS.length;
    });
  await poll(
    async () => done(),
    10_000,
    `the far end did not get ${DIGITS.length} digits (RTP payload types ${payloadTypes(call)}; events: ${call.packets
      .filter((p) => isEvent(call, p))
      .map(show)
      .join(' | ')}; INFO: '${call.infoDigits()}')`,
  );
  // Quiet: no event packet for 500 ms (end packets are retransmitted, and the bug adds more).
  let seen = -1;
  const events = (): number => call.packets.filter((p) => isEvent(call, p)).length;
  while (seen !== events()) {
    seen = events();
    await observe(500);
  }
}

/** How many packets of each payload type reached the far end's socket, e.g. `111×250 110×21`. */
function payloadTypes(call: FarEndCall): string {
  const counts = new Map<number, number>();
  for (const p of call.packets) counts.set(p.payloadType, (counts.get(p.payloadType) ?? 0) + 1);
  return [...counts].map(([pt, n]) => `${pt}×${n}`).join(' ') || 'none';
}

/** A packet of one of the call's telephone-event payload types. */
function isEvent(call: FarEndCall, p: RtpPacket): boolean {
  return call.eventTypes.has(p.payloadType);
}

function show(p: RtpPacket): string {
  const e = p.payload;
  return `pt=${p.payloadType} M=${p.marker ? 1 : 0} ts=${p.timestamp} event=${e[0]} E=${(e[1]! & 0x80) >> 7} duration=${e.length >= 4 ? e.readUInt16BE(2) : '?'}`;
}

/** One event as a receiver reads it: it starts on the marker bit or on a new timestamp. */
interface ReadEvent {
  readonly code: number;
  readonly timestamp: number;
  markers: number;
  ends: number;
  /** The longest duration reported, in event clock units. */
  duration: number;
}

/**
 * The events a receiver reads from `packets` of payload type `pt`: a packet with the marker bit
 * (RFC 4733: the first packet of an event) or with another timestamp starts a new event; the
 * others update the current one. Receivers that go by either rule alone read the same events
 * from a correct stream.
 */
function readEvents(packets: readonly RtpPacket[], pt: number): ReadEvent[] {
  const events: ReadEvent[] = [];
  for (const p of packets) {
    if (p.payloadType !== pt) continue;
    const code = p.payload[0]!,
      end = (p.payload[1]! & 0x80) !== 0,
      duration = p.payload.readUInt16BE(2);
    let current = events.at(-1);
    if (!current || p.marker || p.timestamp !== current.timestamp) {
      current = { code, timestamp: p.timestamp, markers: 0, ends: 0, duration: 0 };
      events.push(current);
    }
    if (p.marker) current.markers++;
    if (end) current.ends++;
    current.duration = Math.max(current.duration, duration);
  }
  return events;
}

const EVENT_CODES: Readonly<Record<string, number>> = { '*': 10, '#': 11, A: 12, B: 13, C: 14, D: 15 };

function eventCode(digit: string): number {
  return EVENT_CODES[digit] ?? Number(digit);
}

/**
 * Each digit reached the far end's socket as exactly one RFC 4733 event on `events` (the
 * telephone-event at `rate`, the rate of the `audio` codec the agent sent with), nothing on the
 * `others`; and rtpengine read the same digits, each as long as the agent pressed it.
 */
function assertOneEventPerDigit(call: FarEndCall, expected: { audio: number; events: number; rate: number; others: readonly number[] }): void {
  const wire = call.packets
    .filter((p) => isEvent(call, p))
    .map(show)
    .join('\n  ');
  assert.ok(
    call.packets.some((p) => p.payloadType === expected.audio),
    `the agent sent its audio as payload type ${expected.audio}`,
  );
  for (const other of expected.others) {
    assert.equal(
      call.packets.filter((p) => p.payloadType === other).length,
      0,
      `no events on payload type ${other} (another clock rate than the audio's):\n  ${wire}`,
    );
  }
  const events = readEvents(call.packets, expected.events);
  assert.deepEqual(
    events.map((e) => e.code),
    [...DIGITS].map(eventCode),
    `one event per digit, in order, on payload type ${expected.events}:\n  ${wire}`,
  );
  for (const e of events) {
    assert.equal(e.markers, 1, `event ${e.code}: the marker bit on its first packet only:\n  ${wire}`);
    assert.ok(e.ends >= 1, `event ${e.code} ended:\n  ${wire}`);
    const ms = (e.duration * 1000) / expected.rate;
    assert.ok(Math.abs(ms - TONE_MS) <= TONE_SLACK_MS, `event ${e.code} lasted ${ms} ms in its ${expected.rate} Hz clock, not ~${TONE_MS}:\n  ${wire}`);
  }
  // A receiver nobody here wrote: rtpengine read the events it relayed.
  const reports = call.reports();
  assert.deepEqual(
    reports.map((r) => r.event),
    [...DIGITS].map(eventCode),
    `rtpengine read these events: ${JSON.stringify(reports)}`,
  );
  for (const r of reports)
    assert.ok(Math.abs(r.duration - TONE_MS) <= TONE_SLACK_MS, `rtpengine read event ${r.event} as ${r.duration} ms long, not ~${TONE_MS}`);
}

/**
 * The digits of the SIP INFO requests in SIPp's message log (-trace_msg), in arrival order; an
 * INFO Kamailio retransmitted (same CSeq) counts once, as a receiver's transaction layer does.
 */
function infoDigits(messages: string): string {
  let log = '';
  try {
    log = readFileSync(messages, 'utf8');
  } catch {
    return ''; // not written yet
  }
  const seen = new Set<string>();
  let digits = '';
  for (const entry of log.split(/^-{20,}.*$/m)) {
    const request = /received[^\n]*:\s*\n\s*INFO [^\n]*\n([\s\S]*)/.exec(entry)?.[1];
    const cseq = request && /^CSeq:\s*(\d+)/im.exec(request)?.[1];
    const signal = request && /^Signal\s*=\s*(\S)/im.exec(request)?.[1];
    if (!cseq || !signal || seen.has(cseq)) continue;
    seen.add(cseq);
    digits += signal;
  }
  return digits;
}

function sippErrors(result: SippResult): string {
  const errors = readdirSync(dir)
    .filter((n) => n.endsWith('errors.log'))
    .map((n) => readFileSync(join(dir, n), 'utf8'))
    .join('\n');
  return `${errors.slice(-4000)}\n${result.output.slice(-1500)}`;
}
