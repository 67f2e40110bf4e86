// Call progress on outbound calls, heard the way the agent hears it. The agent (a browser page
// running the real SIP adapter) dials a far end that nobody here wrote: SIPp, registered at
// Kamailio as +14155550134, with rtpengine bridging its plain RTP (PCMA) to the browser's
// DTLS-SRTP. What plays on the agent's speaker is observed on the page's media elements: which
// ones play, on which output device, whether their stream is the call's remote track or a local
// one, and what an AnalyserNode hears in the local ones (ringback is 440 + 480 Hz).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { startKamailio, type KamailioHandle } from '../support/kamailio.ts';
import { startRtpengine, type RtpengineHandle } from '../support/rtpengine.ts';
import { runSipp, sippPcap, waitUdpBound, type SippResult } from '../support/sipp.ts';
import { freeMediaPorts, freePort } from '../support/ports.ts';
import { Agent, observe, poll } from './agents.ts';
import { DIST } from './scenarios.ts';

/** The far end's number: dialled as E.164, like a customer or a carrier's IVR. */
const FAR_END = '+14155550134';

let browser: Browser, web: StaticServer, kamailio: KamailioHandle, rtpengine: RtpengineHandle, agent: Agent, dir: string;
/** SIPp's SIP port: registered as FAR_END's contact, then each case's UAS listens on it. */
let farEndPort: number;
/** The output device the agent chose for calls ('' when Chromium lists none to choose). */
let speaker = '';

/** One media element that has a stream, as the agent's speaker would play it. */
interface SpeakerOutput {
  /** Not paused, not muted, volume above 0, and at least one live enabled audio track. */
  readonly playing: boolean;
  readonly sinkId: string;
  /** Its tracks are the call's remote (received) tracks, not a locally generated stream. */
  readonly remote: boolean;
  /** RMS of what the stream carries right now, 0..1 (0 until the analyser has a render quantum). */
  readonly rms: number;
  /** The loudest frequency, Hz. */
  readonly peakHz: number;
}

before(async () => {
  rtpengine = await startRtpengine();
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
  dir = mkdtempSync(join(tmpdir(), 'sb-early-media-'));
  for (const xml of ['sipp-register.xml', 'uas-ringback.xml', 'uas-early-media.xml']) copyFileSync(resolve(import.meta.dirname, xml), join(dir, xml));
  copyFileSync(sippPcap('g711a.pcap'), join(dir, 'g711a.pcap'));
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
  await installOutputProbe(agent.page);
  speaker = await agent.page.evaluate(async () => {
    const audio = window.harness.telephony.audio;
    const outputs = (await audio.listDevices()).filter((d) => d.kind === 'audiooutput');
    const chosen = outputs.find((d) => d.deviceId !== 'default') ?? outputs[0];
    if (chosen) await audio.setSpeaker(chosen.deviceId);
    return chosen?.deviceId ?? '';
  });
});

after(async () => {
  await agent?.close();
  await browser?.close();
  await web?.close();
  await kamailio?.stop();
  await rtpengine?.stop();
  if (dir && !process.env.SIPP_TRACE) rmSync(dir, { recursive: true, force: true });
});

test('ringback: a 180 without SDP plays the local ringback tone on the speaker until the far end answers', { timeout: 30_000 }, async () => {
  const sipp = await farEnd('uas-ringback.xml');
  const mark = await agent.mark();
  const callId = await agent.dial(FAR_END);
  const [, kind] = await agent.waitEvent('progress', callId, mark);
  assert.equal(kind, 'ringing');

  const tone = await waitForRingback(callId);
  if (speaker) assert.equal(tone.sinkId, speaker, 'ringback plays on the chosen speaker');
  assert.ok(!(await established(callId, mark)), 'still ringing while the tone plays');

  await agent.waitEvent('established', callId, mark);
  assert.deepEqual(localPlaying(await speakerOutputs(agent.page, callId)), [], 'the ringback stops at the answer');
  // The answer plays the call audio (the far end's recording) on the same speaker.
  await agent.waitAudio(callId, 1500);
  await agent.waitSound(callId);
  const call = (await speakerOutputs(agent.page, callId)).filter((o) => o.remote && o.playing);
  assert.equal(call.length, 1, 'the call audio plays');
  if (speaker) assert.equal(call[0]?.sinkId, speaker);
  assert.deepEqual(localPlaying(await speakerOutputs(agent.page, callId)), []);

  await hangUp(callId, mark, sipp);
});

test("early media: a 183 with SDP stops the ringback and plays the far end's announcement before the answer", { timeout: 30_000 }, async () => {
  const sipp = await farEnd('uas-early-media.xml');
  const mark = await agent.mark();
  const callId = await agent.dial(FAR_END);

  // 180 without SDP: ringback.
  const first = await nextProgress(callId, mark);
  assert.equal(first.kind, 'ringing');
  await waitForRingback(callId);

  // 183 with SDP: the ringback stops at once, the announcement arrives and plays.
  const second = await nextProgress(callId, first.next);
  assert.equal(second.kind, 'early-media');
  assert.deepEqual(localPlaying(await speakerOutputs(agent.page, callId)), [], 'no ringback during early media');
  let early: InboundAudio | undefined;
  await poll(
    async () => {
      early = await inboundAudio(agent.page, callId, mark);
      return early.bytes >= 2000 && early.energy > 0 && early.audioLevel > 0;
    },
    4000,
    `no early media reached the browser (last: ${JSON.stringify(early)})`,
  );
  assert.equal(early?.established, false, 'the early media arrived before the 200 OK');
  const announcement = (await speakerOutputs(agent.page, callId)).filter((o) => o.remote && o.playing);
  assert.equal(announcement.length, 1, 'the announcement plays on the speaker');
  if (speaker) assert.equal(announcement[0]?.sinkId, speaker);
  assert.deepEqual(localPlaying(await speakerOutputs(agent.page, callId)), [], 'no ringback during early media');

  // A 180 without SDP after early media (carriers send one after an announcement): the far end's
  // media keeps playing; the local ringback must not start over it.
  const third = await nextProgress(callId, second.next);
  assert.equal(third.kind, 'ringing');
  const before = await agent.bytes(callId);
  for (let i = 0; i < 6; i++) {
    assert.deepEqual(localPlaying(await speakerOutputs(agent.page, callId)), [], 'the ringback restarted over early media');
    await observe(100);
  }
  assert.ok(!(await established(callId, mark)), 'the checks ran before the answer');
  assert.ok((await agent.bytes(callId)) > before, 'early media keeps flowing after the second 180');

  // 200 OK: the call connects on the early dialog; its audio keeps playing.
  await agent.waitEvent('established', callId, mark);
  await agent.waitAudio(callId, 1500);
  assert.deepEqual(localPlaying(await speakerOutputs(agent.page, callId)), []);
  const events = (await agent.events()).slice(mark).filter((e) => e.args[0] === callId);
  const at = (name: string, kind?: string) => events.find((e) => e.event === name && (kind === undefined || e.args[1] === kind))?.at ?? NaN;
  const firstAudioAt = early?.at ?? NaN;
  assert.ok(at('progress', 'early-media') < firstAudioAt && firstAudioAt < at('established'), 'order: 183, early media heard, 200');
  console.log(
    `early media: heard ${(firstAudioAt - at('progress', 'early-media')).toFixed(0)} ms after the 183, ${(at('established') - firstAudioAt).toFixed(0)} ms before the 200`,
  );

  await hangUp(callId, mark, sipp);
});

/**
 * Starts a SIPp UAS for `scenario` on the far end's registered port; resolves once it listens,
 * with its exit (wrapped: an async function would otherwise wait for the promise it returns).
 */
async function farEnd(scenario: string): Promise<{ exit: Promise<SippResult> }> {
  const mediaPort = await freeMediaPorts();
  const run = runSipp(
    [
      '-sf',
      scenario,
      '-i',
      '127.0.0.1',
      '-p',
      String(farEndPort),
      '-mi',
      '127.0.0.1',
      '-mp',
      String(mediaPort),
      '-m',
      '1',
      '-nostdin',
      '-timeout',
      '25s',
      '-timeout_error',
      '-trace_err',
      ...(process.env.SIPP_TRACE ? ['-trace_msg'] : []),
    ],
    dir,
  );
  await Promise.race([
    waitUdpBound(farEndPort),
    run.then((r) => {
      throw new Error(`SIPp exited before listening:\n${sippErrors(r)}`);
    }),
  ]);
  return { exit: run };
}

async function hangUp(callId: string, mark: number, sipp: { exit: Promise<SippResult> }): Promise<void> {
  await agent.command('hangup', callId);
  const [, reason] = await agent.waitEvent('ended', callId, mark);
  assert.equal(reason, 'local-hangup');
  const result = await sipp.exit;
  assert.equal(result.code, 0, `SIPp (the far end) failed:\n${sippErrors(result)}\n--- kamailio ---\n${kamailio.log().slice(-3000)}`);
}

function sippErrors(result: SippResult): string {
  const errors = readdirSync(dir)
    .filter((n) => n.endsWith('errors.log'))
    .map((n) => readFileSync(join(dir, n), 'utf8'))
    .join('\n');
  return `${errors.slice(-4000)}\n${result.output.slice(-1500)}`;
}

/** Waits until a local stream with the ringback's frequencies plays on the speaker; returns it. */
async function waitForRingback(callId: string): Promise<SpeakerOutput> {
  let seen: readonly SpeakerOutput[] = [];
  let tone: SpeakerOutput | undefined;
  await poll(
    async () => {
      seen = await speakerOutputs(agent.page, callId);
      tone = seen.find((o) => o.playing && !o.remote && o.rms > 0.02 && o.peakHz > 420 && o.peakHz < 500);
      return tone !== undefined;
    },
    3000,
    `no ringback tone on the speaker (outputs: ${JSON.stringify(seen)})`,
  );
  return tone!;
}

/** Outputs that play something generated locally (a tone), not the far end's audio. */
function localPlaying(outputs: readonly SpeakerOutput[]): readonly SpeakerOutput[] {
  return outputs.filter((o) => o.playing && !o.remote);
}

/** The first `progress` of the call at or after event index `since`, and the index after it. */
async function nextProgress(callId: string, since: number): Promise<{ kind: unknown; next: number }> {
  await agent.waitEvent('progress', callId, since);
  const events = await agent.events();
  const i = events.findIndex((e, n) => n >= since && e.event === 'progress' && e.args[0] === callId);
  return { kind: events[i]?.args[1], next: i + 1 };
}

async function established(callId: string, since: number): Promise<boolean> {
  return (await agent.events()).slice(since).some((e) => e.event === 'established' && e.args[0] === callId);
}

/**
 * Records every media element the page gives a stream to (the adapter's outputs are `new Audio()`
 * elements it never attaches to the document) and keeps one AnalyserNode per local track. Only
 * observes: the elements play exactly as before.
 */
async function installOutputProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { outputProbe?: unknown };
    if (w.outputProbe) return;
    const property = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
    if (!property?.get || !property.set) throw new Error('HTMLMediaElement.srcObject is not an accessor here');
    const { get, set } = property;
    const elements = new Set<HTMLMediaElement>();
    Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
      configurable: true,
      enumerable: property.enumerable ?? false,
      get(this: HTMLMediaElement) {
        return get.call(this) as MediaProvider | null;
      },
      set(this: HTMLMediaElement, value: MediaProvider | null) {
        elements.add(this);
        set.call(this, value);
      },
    });
    w.outputProbe = { elements, context: new AudioContext(), analysers: new WeakMap<MediaStreamTrack, AnalyserNode>() };
  });
}

/** What each media element with a stream plays right now (see SpeakerOutput). */
function speakerOutputs(page: Page, callId: string): Promise<SpeakerOutput[]> {
  return page.evaluate((id) => {
    const probe = (
      window as unknown as { outputProbe: { elements: Set<HTMLMediaElement>; context: AudioContext; analysers: WeakMap<MediaStreamTrack, AnalyserNode> } }
    ).outputProbe;
    if (probe.context.state === 'suspended') void probe.context.resume();
    const received = new Set((window.harness.telephony.peerConnection(id)?.getReceivers() ?? []).map((r) => r.track));
    const outputs: SpeakerOutput[] = [];
    for (const el of probe.elements) {
      const stream = el.srcObject;
      if (!(stream instanceof MediaStream)) continue;
      const tracks = stream.getAudioTracks().filter((t) => t.readyState === 'live' && t.enabled);
      const remote = stream.getAudioTracks().some((t) => received.has(t));
      let rms = 0,
        peakHz = 0;
      const track = tracks[0];
      if (track && !remote) {
        let analyser = probe.analysers.get(track);
        if (!analyser) {
          analyser = probe.context.createAnalyser();
          analyser.fftSize = 4096;
          probe.context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
          probe.analysers.set(track, analyser);
        }
        const samples = new Float32Array(analyser.fftSize);
        analyser.getFloatTimeDomainData(samples);
        rms = Math.sqrt(samples.reduce((sum, s) => sum + s * s, 0) / samples.length);
        const spectrum = new Float32Array(analyser.frequencyBinCount);
        analyser.getFloatFrequencyData(spectrum);
        let best = 0;
        for (let i = 1; i < spectrum.length; i++) if ((spectrum[i] ?? -Infinity) > (spectrum[best] ?? -Infinity)) best = i;
        peakHz = (best * probe.context.sampleRate) / analyser.fftSize;
      }
      const sinkId = (el as HTMLMediaElement & { sinkId?: string }).sinkId ?? '';
      outputs.push({ playing: !el.paused && !el.muted && el.volume > 0 && tracks.length > 0, sinkId, remote, rms, peakHz });
    }
    return outputs;
  }, callId);
}

interface InboundAudio {
  readonly bytes: number;
  readonly packets: number;
  readonly audioLevel: number;
  readonly energy: number;
  /** Whether the call was established when the stats were taken (read after them). */
  readonly established: boolean;
  /** Epoch ms (the harness's clock) when the stats were taken. */
  readonly at: number;
}

/** The call's inbound-rtp audio on its RTCPeerConnection, and whether it was answered by then. */
function inboundAudio(page: Page, callId: string, since: number): Promise<InboundAudio> {
  return page.evaluate(
    async ({ id, since }) => {
      const at = performance.timeOrigin + performance.now();
      const pc = window.harness.telephony.peerConnection(id);
      let bytes = 0,
        packets = 0,
        audioLevel = 0,
        energy = 0;
      (await pc?.getStats())?.forEach((s: Record<string, unknown>) => {
        if (s.type !== 'inbound-rtp' || s.kind !== 'audio') return;
        bytes += Number(s.bytesReceived ?? 0);
        packets += Number(s.packetsReceived ?? 0);
        audioLevel = Math.max(audioLevel, Number(s.audioLevel ?? 0));
        energy += Number(s.totalAudioEnergy ?? 0);
      });
      const established = window.harness.events.slice(since).some((e) => e.event === 'established' && e.args[0] === id);
      return { bytes, packets, audioLevel, energy, established, at };
    },
    { id: callId, since },
  );
}
