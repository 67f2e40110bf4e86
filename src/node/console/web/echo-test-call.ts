/**
 * The setup checklist's test call, from the admin's browser: a call, signed in as the call center
 * signs agents in, to the echo extension, sending a tone and measuring from the call's own WebRTC
 * statistics what went out and what came back (packets, bytes, and the level of the echoed tone).
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
  /** The highest level (0 to 1) of the audio that came back. */
  readonly echoLevel: number;
}

export type TestCallResult =
  | { readonly ok: true; readonly media: MediaReport; readonly hostedEcho: boolean }
  | { readonly ok: false; readonly reason: string; readonly media?: MediaReport };

/** The level an echoed tone reaches; silence (what the echo sends before it loops) stays near 0. */
const HEARD = 0.02;

/** A 440 Hz tone as a microphone track: what goes out is known, so what comes back can be judged. */
function toneStream(context: AudioContext, gain: number): MediaStream {
  const oscillator = context.createOscillator();
  oscillator.frequency.value = 440;
  const level = context.createGain();
  level.gain.value = gain;
  const out = context.createMediaStreamDestination();
  oscillator.connect(level).connect(out);
  oscillator.start();
  return out.stream;
}

const peerOf = (session: Session): RTCPeerConnection | undefined =>
  (session.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined)?.peerConnection;

async function mediaReport(pc: RTCPeerConnection, soFar: number): Promise<MediaReport> {
  let packetsSent = 0; let bytesSent = 0; let packetsReceived = 0; let bytesReceived = 0; let level = soFar;
  (await pc.getStats()).forEach((s: Record<string, unknown>) => {
    if (s.kind !== 'audio') return;
    if (s.type === 'outbound-rtp') {
      packetsSent += Number(s.packetsSent ?? 0);
      bytesSent += Number(s.bytesSent ?? 0);
    }
    if (s.type === 'inbound-rtp') {
      packetsReceived += Number(s.packetsReceived ?? 0);
      bytesReceived += Number(s.bytesReceived ?? 0);
      level = Math.max(level, Number(s.audioLevel ?? 0));
    }
  });
  return { packetsSent, bytesSent, packetsReceived, bytesReceived, echoLevel: level };
}

/** Plays a stream muted: the browser then pulls (decodes) its audio, and nothing is heard. */
function playSilently(stream: MediaStream): void {
  const sink = new Audio();
  sink.muted = true;
  sink.srcObject = stream;
  void sink.play().catch(() => {});
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
      if (state === RegistererState.Registered) { clearTimeout(timer); resolve(true); }
    });
    registerer.register({ requestDelegate: { onReject: () => { clearTimeout(timer); resolve(false); } } }).catch(() => { clearTimeout(timer); resolve(false); });
  });
  if (outcome) return ua;
  await ua.stop().catch(() => {});
  return undefined;
}

export async function placeTestCall(options: TestCallOptions): Promise<TestCallResult> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const context = new AudioContext();
  await context.resume().catch(() => {});
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
      sessionDescriptionHandlerFactory: Web.defaultSessionDescriptionHandlerFactory(async () => toneStream(context, 0.5)),
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
    await inviter.invite({ requestDelegate: { onReject: (r) => { rejected = `${r.message.statusCode} ${r.message.reasonPhrase}`; } } });
    const answered = await Promise.race([established, delay(timeoutMs).then(() => false)]);
    if (!answered) {
      return { ok: false, reason: rejected ? `the call to ${options.echoExtension} was refused: ${rejected}.` : `the call to ${options.echoExtension} was not answered within ${timeoutMs / 1000} s.` };
    }
    const pc = peerOf(inviter);
    if (!pc) return { ok: false, reason: 'the call has no media connection.' };
    // Chromium decodes (and measures the level of) received audio only while something plays it.
    const heard = pc.getReceivers().find((r) => r.track.kind === 'audio')?.track;
    if (heard) playSilently(new MediaStream([heard]));
    let media = await mediaReport(pc, 0);
    const until = Date.now() + Math.min(timeoutMs, 10_000);
    while (Date.now() < until && !(media.packetsSent > 0 && media.packetsReceived > 0 && media.echoLevel >= HEARD)) {
      await delay(250);
      media = await mediaReport(pc, media.echoLevel);
    }
    await inviter.bye().catch(() => {});
    if (media.packetsSent === 0) return { ok: false, reason: 'no audio went out: the media connection (ICE) did not come up.', media };
    if (media.packetsReceived === 0) return { ok: false, reason: 'audio went out but none came back: media is blocked on the way back (a firewall or NAT; configure a TURN server in ICE Servers).', media };
    if (media.echoLevel < HEARD) return { ok: false, reason: 'audio came back, but not the tone that was sent: the far end sends silence (is the extension an echo?).', media };
    return { ok: true, media, hostedEcho: echo !== undefined };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  } finally {
    await caller?.stop().catch(() => {});
    await echo?.stop().catch(() => {});
    await context.close().catch(() => {});
  }
}
