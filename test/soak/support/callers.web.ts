/**
 * The customers of the ring-group load test, in one Chromium page: one sip.js UserAgent per
 * caller (its own WebSocket), each placing one call with real WebRTC (the fake microphone's beep),
 * checking that audio arrives from the agent, talking briefly and hanging up. Bundled by
 * callers-page.ts with esbuild; driven through `window.callers`.
 *
 * A call that gets busy (486/480/603, e.g. Kamailio, which has no queue) is placed again after a
 * short random backoff when `retry` is set, as a PBX queue would keep offering it (bounded).
 */
import { Inviter, SessionState, UserAgent, Web, type SessionDescriptionHandler } from 'sip.js';

export interface CallerConfig {
  readonly wsUrl: string;
  readonly domain: string;
  /** The number dialled (the ring group). */
  readonly target: string;
  readonly callers: readonly { readonly user: string; readonly password?: string }[];
  /** How long to talk once audio flows, ms. */
  readonly talkMs: number;
  /** Inbound audio bytes that prove media flows from the agent. */
  readonly mediaBytes: number;
  /** How long to wait for that audio, ms. */
  readonly mediaTimeoutMs: number;
  /** Place the call again after these final statuses (Kamailio: no queue). */
  readonly retry?: { readonly statuses: readonly number[]; readonly minMs: number; readonly maxMs: number; readonly maxAttempts: number };
}

export interface CallRecord {
  readonly user: string;
  /** Call-IDs of every INVITE placed (one per attempt). */
  readonly callIds: string[];
  /** Final statuses of the failed attempts. */
  readonly failures: number[];
  /** Their reason phrases (who refused: a proxy and a UA word them differently). */
  readonly reasons: string[];
  /** Wall clock (ms) when the first INVITE was handed to the transport. */
  firstInviteAt?: number;
  /** Wall clock when the answered attempt's INVITE left. */
  answeredInviteAt?: number;
  answeredAt?: number;
  answeredCallId?: string;
  endedAt?: number;
  /** 182 Queued seen. */
  queued: boolean;
  bytesReceived: number;
  error?: string;
}

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function inboundBytes(sdh: SessionDescriptionHandler | undefined): Promise<number> {
  const pc = (sdh as unknown as { peerConnection?: RTCPeerConnection } | undefined)?.peerConnection;
  if (!pc) return 0;
  let bytes = 0;
  (await pc.getStats()).forEach((s: { type: string; kind?: string; bytesReceived?: number }) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') bytes += s.bytesReceived ?? 0;
  });
  return bytes;
}

/** One attempt: resolves with the final status (200 when answered and talked, else the failure). */
async function attempt(ua: UserAgent, config: CallerConfig, record: CallRecord): Promise<number> {
  const target = UserAgent.makeURI(`sip:${config.target}@${config.domain}`);
  if (!target) throw new Error(`bad target ${config.target}`);
  const inviter = new Inviter(ua, target, { sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
  record.callIds.push(inviter.request.callId);
  const sentAt = now();
  record.firstInviteAt ??= sentAt;
  let status = 0;
  let agentHungUp = false;
  inviter.delegate = {
    onBye: () => {
      agentHungUp = true;
    },
  };
  const ended = new Promise<void>((resolve) =>
    inviter.stateChange.addListener((s) => {
      if (s === SessionState.Terminated) resolve();
    }),
  );
  const established = new Promise<boolean>((resolve) => {
    inviter.stateChange.addListener((s) => {
      if (s === SessionState.Established) resolve(true);
      if (s === SessionState.Terminated) resolve(false);
    });
  });
  await inviter.invite({
    requestDelegate: {
      onProgress: (r) => {
        if (r.message.statusCode === 182) record.queued = true;
      },
      onAccept: () => {
        status = 200;
      },
      onReject: (r) => {
        status = r.message.statusCode ?? 0;
        record.reasons.push(`${status} ${r.message.reasonPhrase}${r.message.getHeader('reason') ? ` (${r.message.getHeader('reason')})` : ''}`);
      },
    },
  });
  if (!(await established)) {
    await ended;
    return status || 487;
  }
  record.answeredAt = now();
  record.answeredInviteAt = sentAt;
  record.answeredCallId = inviter.request.callId;
  const deadline = now() + config.mediaTimeoutMs;
  let bytes = 0;
  while ((bytes = await inboundBytes(inviter.sessionDescriptionHandler)) < config.mediaBytes && now() < deadline && inviter.state === SessionState.Established)
    await sleep(100);
  record.bytesReceived = bytes;
  if (bytes < config.mediaBytes) record.error = `only ${bytes} audio bytes from the agent within ${config.mediaTimeoutMs} ms`;
  if (inviter.state === SessionState.Established) {
    await sleep(config.talkMs);
    record.bytesReceived = Math.max(bytes, await inboundBytes(inviter.sessionDescriptionHandler));
    if (inviter.state === SessionState.Established) await inviter.bye().catch(() => undefined);
  }
  await ended;
  if (agentHungUp && !record.error) record.error = `the agent hung up first (${Math.round(now() - record.answeredAt)} ms after the answer)`;
  record.endedAt = now();
  return 200;
}

async function placeCall(ua: UserAgent, config: CallerConfig, record: CallRecord): Promise<void> {
  const retry = config.retry;
  for (let n = 1; ; n++) {
    const status = await attempt(ua, config, record);
    if (status === 200) return;
    record.failures.push(status);
    if (!retry || !retry.statuses.includes(status) || n >= retry.maxAttempts) {
      record.error = `not answered: final ${status} after ${n} attempt(s)`;
      return;
    }
    await sleep(retry.minMs + Math.random() * (retry.maxMs - retry.minMs));
  }
}

/**
 * One microphone for the whole page, a clone per call: 50 getUserMedia at once make Chromium's
 * fake capture device fail ("Could not start audio source") for callers and agents alike, and a
 * call generator has one audio source anyway.
 */
let microphone: Promise<MediaStream> | undefined;
const sharedMicrophone = async (): Promise<MediaStream> => {
  microphone ??= navigator.mediaDevices.getUserMedia({ audio: true, video: false });
  return (await microphone).clone();
};

const agents: UserAgent[] = [];
const records: CallRecord[] = [];
let config: CallerConfig | undefined;

const api = {
  records,
  /** Starts one UA per caller (connected, not registered: callers only call). */
  async start(c: CallerConfig): Promise<void> {
    config = c;
    // A few at a time, with a generous connect timeout: 50 WebSocket handshakes at once on a busy
    // 2-core machine can outlast sip.js's default 5 s and close with 1006.
    for (let i = 0; i < c.callers.length; i += 10) {
      await Promise.all(
        c.callers.slice(i, i + 10).map(async ({ user, password }, j) => {
          const uri = UserAgent.makeURI(`sip:${user}@${c.domain}`);
          if (!uri) throw new Error(`bad caller ${user}`);
          const ua = new UserAgent({
            uri,
            transportOptions: { server: c.wsUrl, connectionTimeout: 30 },
            authorizationUsername: user,
            ...(password ? { authorizationPassword: password } : {}),
            logLevel: 'error',
            sessionDescriptionHandlerFactory: Web.defaultSessionDescriptionHandlerFactory(sharedMicrophone),
            sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: [] }, iceGatheringTimeout: 500 },
          });
          await ua.start();
          agents[i + j] = ua;
          records[i + j] = { user, callIds: [], failures: [], reasons: [], queued: false, bytesReceived: 0 };
        }),
      );
    }
  },
  /** Places every caller's call at once; resolves when all have ended. */
  async run(): Promise<CallRecord[]> {
    if (!config) throw new Error('start() first');
    const c = config;
    await Promise.all(
      agents.map((ua, i) =>
        placeCall(ua, c, records[i]!).catch((e: unknown) => {
          records[i]!.error = String(e);
        }),
      ),
    );
    return records;
  },
  async stop(): Promise<void> {
    await Promise.all(agents.map((ua) => ua.stop().catch(() => undefined)));
  },
};

declare global {
  interface Window {
    callers: typeof api;
  }
}
window.callers = api;
