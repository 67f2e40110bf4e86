/**
 * The setup checklist's test call, from the admin's browser: a call, signed in as the call center
 * signs agents in, to the echo extension, sending a 440 Hz tone as its microphone. What went out
 * and what came back (audio packets and bytes) comes from the call's own WebRTC statistics; whether
 * the tone came back, and how loud, from the received audio itself (Web Audio, at that frequency).
 *
 * The embedded SIP server carries no media, so its echo extension is a WebRTC endpoint: this page
 * registers one (the server lets anyone register that extension, like a guest) which answers and
 * sends back the track it receives. A phone system that refuses that registration has an echo
 * application of its own at the extension, and the call simply goes there.
 */
import { Inviter, Registerer, RegistererState, SessionState, UserAgent, Web, type Invitation, type Session } from 'sip.js';

export interface TestCallOptions {
  readonly webSocketUrl: string;
  readonly domain: string;
  /** Who calls: the credentials the call center gives an agent. */
  readonly caller: { readonly user: string; readonly authorizationUsername: string; readonly password: string };
  readonly echoExtension: string;
  readonly iceServers: readonly RTCIceServer[];
  readonly timeoutMs?: number;
}

export interface MediaReport {
  readonly packetsSent: number;
  readonly bytesSent: number;
  readonly packetsReceived: number;
  readonly bytesReceived: number;
  /** The frequency (Hz) and amplitude (0 to 1) of the tone sent. */
  readonly tone: { readonly frequency: number; readonly amplitude: number };
  /**
   * The amplitude (0 to 1) of the tone's frequency in the audio that came back: the level it held
   * over the second it came back steadily (the higher middle of that second's samples), or the
   * highest seen when it never did.
   */
  readonly echoLevel: number;
  /** The highest RMS level (0 to 1) of all the audio that came back: tells silence from other sound. */
  readonly receivedLevel: number;
}

export type TestCallResult =
  | { readonly ok: true; readonly media: MediaReport; readonly hostedEcho: boolean }
  | { readonly ok: false; readonly reason: string; readonly media?: MediaReport };

/** What the caller sends as its microphone: known, so what comes back can be judged. */
export const TONE = { frequency: 440, amplitude: 0.5 } as const;
/**
 * The tone came back when its frequency does at a tenth of the amplitude sent (-20 dB) or more: an
 * echo returns it nearly whole (opus, or G.711 through a phone system's echo application), while
 * silence, comfort noise or other sound has next to nothing at exactly that frequency.
 */
const HEARD = TONE.amplitude / 10;
/** The received audio is sampled this often, and the tone must come back in this many samples in a row (1 s). */
const SAMPLE_MS = 250;
const HELD_SAMPLES = 4;
/** An RMS level below this is silence (the echo sends silence before its loop is in place). */
const SILENT = 0.005;

/**
 * The amplitude (0 to 1) of one frequency in a block of samples: a single-bin DFT at exactly that
 * frequency (no FFT bin to round to), Hann-windowed so that other frequencies leak little into it,
 * and scaled by the window's sum so that a sine of amplitude A reads A.
 */
export function toneAmplitude(samples: ArrayLike<number>, sampleRate: number, frequency: number): number {
  const n = samples.length;
  if (n < 2) return 0;
  const step = (2 * Math.PI * frequency) / sampleRate;
  let re = 0;
  let im = 0;
  let windowSum = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    const x = w * samples[i]!;
    re += x * Math.cos(step * i);
    im -= x * Math.sin(step * i);
    windowSum += w;
  }
  return (2 * Math.hypot(re, im)) / windowSum;
}

/** The tone as a microphone track (the hosted echo sends it at amplitude 0: silence until it loops). */
function toneStream(context: AudioContext, amplitude: number): MediaStream {
  const oscillator = context.createOscillator();
  oscillator.frequency.value = TONE.frequency;
  const level = context.createGain();
  level.gain.value = amplitude;
  const out = context.createMediaStreamDestination();
  oscillator.connect(level).connect(out);
  oscillator.start();
  return out.stream;
}

const peerOf = (session: Session): RTCPeerConnection | undefined =>
  (session.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined)?.peerConnection;

type Counts = Pick<MediaReport, 'packetsSent' | 'bytesSent' | 'packetsReceived' | 'bytesReceived'>;

/** Audio packets and bytes both ways, from the call's own WebRTC statistics. */
async function rtpCounts(pc: RTCPeerConnection): Promise<Counts> {
  let packetsSent = 0;
  let bytesSent = 0;
  let packetsReceived = 0;
  let bytesReceived = 0;
  (await pc.getStats()).forEach((s: Record<string, unknown>) => {
    if (s.kind !== 'audio') return;
    if (s.type === 'outbound-rtp') {
      packetsSent += Number(s.packetsSent ?? 0);
      bytesSent += Number(s.bytesSent ?? 0);
    }
    if (s.type === 'inbound-rtp') {
      packetsReceived += Number(s.packetsReceived ?? 0);
      bytesReceived += Number(s.bytesReceived ?? 0);
    }
  });
  return { packetsSent, bytesSent, packetsReceived, bytesReceived };
}

/**
 * Plays a stream muted: Chromium pulls (decodes) a remote WebRTC track's audio, for Web Audio too,
 * only while a media element plays it; muted, nothing is heard. Muting sets the channel's output
 * volume to 0, and getStats' inbound-rtp audioLevel is measured after that volume, so it reads 0
 * here whatever arrives: the level is measured in Web Audio instead, which taps the track before it.
 */
function playSilently(stream: MediaStream): HTMLAudioElement {
  const sink = new Audio();
  sink.muted = true;
  sink.srcObject = stream;
  void sink.play().catch(() => {});
  return sink;
}

/** Listens to a received track in Web Audio: the tone's amplitude in it, and its overall RMS level. */
function listenTo(context: AudioContext, track: MediaStreamTrack): { sample: () => { tone: number; rms: number }; stop: () => void } {
  const stream = new MediaStream([track]);
  const sink = playSilently(stream);
  const source = context.createMediaStreamSource(stream);
  const analyser = context.createAnalyser();
  // 4096 samples (85 ms at 48 kHz): dozens of the tone's periods, well within the time between samples.
  analyser.fftSize = 4096;
  source.connect(analyser);
  const block = new Float32Array(analyser.fftSize);
  return {
    sample: () => {
      analyser.getFloatTimeDomainData(block);
      let sum = 0;
      for (const x of block) sum += x * x;
      return { tone: toneAmplitude(block, context.sampleRate, TONE.frequency), rms: Math.sqrt(sum / block.length) };
    },
    stop: () => {
      source.disconnect();
      sink.srcObject = null;
    },
  };
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Registers this page as the echo extension; false when the phone system refuses (it has its own). */
async function hostEcho(options: TestCallOptions, context: AudioContext): Promise<UserAgent | undefined> {
  const ua = new UserAgent({
    uri: UserAgent.makeURI(`sip:${options.echoExtension}@${options.domain}`),
    transportOptions: { server: options.webSocketUrl },
    logLevel: 'error',
    sessionDescriptionHandlerFactory: Web.defaultSessionDescriptionHandlerFactory(async () => toneStream(context, 0)),
    sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: [...options.iceServers] } },
    delegate: {
      onInvite: (invitation: Invitation) => {
        invitation.stateChange.addListener((state) => {
          if (state !== SessionState.Established) return;
          // The echo: what arrives goes back out. Chromium does not send a remote audio track on as
          // is, so it passes through Web Audio, which hears it only while a media element plays it.
          const pc = peerOf(invitation);
          const received = pc?.getReceivers().find((r) => r.track.kind === 'audio')?.track;
          const sender = pc?.getSenders().find((s) => s.track?.kind === 'audio');
          if (!received || !sender) return;
          const stream = new MediaStream([received]);
          playSilently(stream);
          const loop = context.createMediaStreamDestination();
          context.createMediaStreamSource(stream).connect(loop);
          void sender.replaceTrack(loop.stream.getAudioTracks()[0] ?? null);
        });
        void invitation.accept().catch(() => {});
      },
    },
  });
  await ua.start();
  const registerer = new Registerer(ua, { expires: 120 });
  const outcome = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 5000);
    registerer.stateChange.addListener((state) => {
      if (state === RegistererState.Registered) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    registerer
      .register({
        requestDelegate: {
          onReject: () => {
            clearTimeout(timer);
            resolve(false);
          },
        },
      })
      .catch(() => {
        clearTimeout(timer);
        resolve(false);
      });
  });
  if (outcome) return ua;
  await ua.stop().catch(() => {});
  return undefined;
}

export async function placeTestCall(options: TestCallOptions): Promise<TestCallResult> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const context = new AudioContext();
  // Without a user activation the promise may never settle (it waits for one): a second is plenty.
  await Promise.race([context.resume().catch(() => {}), delay(1000)]);
  // A suspended context sends silence and hears nothing: say so rather than blame the far end.
  if (context.state !== 'running') {
    await context.close().catch(() => {});
    return { ok: false, reason: `this browser did not start audio (its AudioContext is ${context.state}): click Place test call again.` };
  }
  let echo: UserAgent | undefined;
  let caller: UserAgent | undefined;
  try {
    echo = await hostEcho(options, context);
    caller = new UserAgent({
      uri: UserAgent.makeURI(`sip:${options.caller.user}@${options.domain}`),
      authorizationUsername: options.caller.authorizationUsername,
      authorizationPassword: options.caller.password,
      transportOptions: { server: options.webSocketUrl },
      logLevel: 'error',
      sessionDescriptionHandlerFactory: Web.defaultSessionDescriptionHandlerFactory(async () => toneStream(context, TONE.amplitude)),
      sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: [...options.iceServers] } },
    });
    await caller.start();
    const target = UserAgent.makeURI(`sip:${options.echoExtension}@${options.domain}`);
    if (!target) return { ok: false, reason: `'${options.echoExtension}' is not a SIP user name.` };
    const inviter = new Inviter(caller, target);
    let rejected = '';
    const established = new Promise<boolean>((resolve) => {
      inviter.stateChange.addListener((state) => {
        if (state === SessionState.Established) resolve(true);
        if (state === SessionState.Terminated) resolve(false);
      });
    });
    await inviter.invite({
      requestDelegate: {
        onReject: (r) => {
          rejected = `${r.message.statusCode} ${r.message.reasonPhrase}`;
        },
      },
    });
    const answered = await Promise.race([established, delay(timeoutMs).then(() => false)]);
    if (!answered) {
      return {
        ok: false,
        reason: rejected
          ? `the call to ${options.echoExtension} was refused: ${rejected}.`
          : `the call to ${options.echoExtension} was not answered within ${timeoutMs / 1000} s.`,
      };
    }
    const pc = peerOf(inviter);
    const heard = pc?.getReceivers().find((r) => r.track.kind === 'audio')?.track;
    if (!pc || !heard) return { ok: false, reason: 'the call has no audio connection.' };
    const listener = listenTo(context, heard);
    // The tone counts as echoed once it has come back for a second on end (a steady echo, not a
    // moment of it); the level reported is the one it held over that second (the higher middle of
    // its samples: one sample caught as a packet came late on a busy machine does not make it).
    let counts = await rtpCounts(pc);
    let recent: number[] = [];
    let loudest = 0;
    let receivedLevel = 0;
    const until = Date.now() + Math.min(timeoutMs, 10_000);
    const echoed = (): boolean => recent.length === HELD_SAMPLES && Math.min(...recent) >= HEARD;
    while (Date.now() < until && !(counts.packetsSent > 0 && counts.packetsReceived > 0 && echoed())) {
      await delay(SAMPLE_MS);
      counts = await rtpCounts(pc);
      const { tone, rms } = listener.sample();
      recent = [...recent, tone].slice(-HELD_SAMPLES);
      loudest = Math.max(loudest, tone);
      receivedLevel = Math.max(receivedLevel, rms);
    }
    const steady = echoed();
    const echoLevel = steady ? [...recent].sort((a, b) => a - b)[Math.floor(recent.length / 2)]! : loudest;
    listener.stop();
    await inviter.bye().catch(() => {});
    const media: MediaReport = { ...counts, tone: TONE, echoLevel, receivedLevel };
    if (media.packetsSent === 0) return { ok: false, reason: 'no audio went out: the media connection (ICE) did not come up.', media };
    if (media.packetsReceived === 0)
      return {
        ok: false,
        reason: 'audio went out but none came back: media is blocked on the way back (a firewall or NAT; configure a TURN server in ICE Servers).',
        media,
      };
    if (!steady) {
      return {
        ok: false,
        reason:
          media.echoLevel >= HEARD
            ? `the ${TONE.frequency} Hz tone came back, but not steadily for a second: audio drops out on the way (packet loss, or a congested link).`
            : media.receivedLevel < SILENT
              ? 'audio came back, but only silence: the far end does not send back what it receives (is the extension an echo?).'
              : `audio came back, but not the ${TONE.frequency} Hz tone that was sent: the far end sends other sound (is the extension an echo?).`,
        media,
      };
    }
    return { ok: true, media, hostedEcho: echo !== undefined };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  } finally {
    await caller?.stop().catch(() => {});
    await echo?.stop().catch(() => {});
    await context.close().catch(() => {});
  }
}
