/**
 * The SIP adapter behind TelephonyPort: sip.js 0.21 (UserAgent/Registerer/Inviter/Invitation) over
 * a WebSocket, WebRTC media. See the port's doc comment for the contract; notes specific to SIP:
 * - Call ids are the SIP Call-ID of the call's first dialog; a transfer that swaps the dialog under
 *   a call (we are the transferee, or an INVITE with Replaces arrives) keeps the id.
 * - Every event is emitted from a microtask, never synchronously inside a command.
 * - Answering or dialling while another call is up holds that call first (call waiting), unless
 *   the calls are in a conference.
 * - An established call whose media path breaks (the network changed, a TURN server went away)
 *   restarts ICE with a re-INVITE (./ice-restart.ts) and goes on over the new path. One whose path
 *   cannot come back (ICE consent lost and the restarts failed or were refused: the far end
 *   vanished, or its BYE was lost) ends as `failed` with the detail "media connection lost (…)";
 *   we send a BYE that may never arrive. While the path is down the call is reported as a
 *   `quality` event with 100 % loss until it recovers.
 * The adapter composes the parts beside it (phone-connection, call-sessions, incoming-offer,
 * outgoing-call, call-hold, sip-transfer, call-take-back, media-recovery, sip-dtmf,
 * call-conference…); each takes only what it needs of the adapter through a context interface of
 * its own.
 */
import { Invitation, type URI, type UserAgent } from 'sip.js';
import { Emitter, SwitchboardError } from '../../core/index.ts';
import { declineStatus, type DeclineStatus } from './sip-outcomes.ts';
import type {
  Clock,
  ConnectorSettings,
  DialRequest,
  DeclineOptions,
  DialResult,
  EventSource,
  Logger,
  ReattachingCall,
  PresenceStatus,
  RegistrationState,
  SipCredentials,
  TelephonyDelegate,
  TelephonyPort,
} from '../../core/index.ts';
import { BrowserAudio, type AudioControl } from './audio-control.ts';
import { audioSender } from './conference-mixer.ts';
import { CallConference } from './call-conference.ts';
import { normalizeDialTarget } from './number-normalizer.ts';
import type { IceRestartPolicy } from './ice-restart.ts';
import { MediaRecovery } from './media-recovery.ts';
import { QUALITY_INTERVAL_MS } from './quality-monitor.ts';
import { CallSessions } from './call-sessions.ts';
import { receiveOffer, type IncomingOfferContext } from './incoming-offer.ts';
import { placeCall, type OutgoingCallContext } from './outgoing-call.ts';
import { PhoneConnection } from './phone-connection.ts';
import { DEFAULT_REGISTRATION, type RegistrationOptions } from './registration.ts';
import { SipCall } from './sip-call.ts';
import type { DialogStorage } from './dialog-store.ts';
import { CallTakeBack } from './call-take-back.ts';
import { setHold, type HoldTiming } from './call-hold.ts';
import { sipAddress } from './sip-address.ts';
import { sendDtmf, sendDtmfInfo } from './sip-dtmf.ts';
import { dropCallsBeingSetUp, hangUp } from './session-ending.ts';
import type { EmitSipEvent, SipTelephonyEvents } from './sip-events.ts';
import { SipTransfers } from './sip-transfer.ts';

export type { SipTelephonyEvents } from './sip-events.ts';

export interface SipTelephonyOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Registration expiry and reconnect backoff; the random source drives the jitter. */
  readonly registration?: Partial<RegistrationOptions>;
  /** How often call quality is sampled (default 5000 ms). */
  readonly qualityIntervalMs?: number;
  /**
   * How long an established call's media path may stay interrupted (`disconnected`) before the call
   * ends as failed. Default: no limit of our own; the call ends when the browser declares the path
   * `failed` (Chromium: consent expired, about 30 s after the last packet from the far end).
   */
  readonly mediaLossGraceMs?: number;
  /**
   * `relay` sends all media through the TURN servers of `sipIceServers` (it hides the agents'
   * addresses from the far end; tests use it to control the media path). Default `all`.
   */
  readonly iceTransportPolicy?: RTCIceTransportPolicy;
  /** When and how often a broken media path is restarted (ICE restart); tests shorten the waits. */
  readonly iceRestart?: Partial<IceRestartPolicy>;
  /**
   * Where established calls' dialogs are kept so that a reload of the page can take the calls back
   * (the softphone frame's sessionStorage): see dialog-store.ts and `suspend`. Without it calls
   * end with the page, as before.
   */
  readonly dialogStorage?: DialogStorage;
}

export interface SipTelephony extends TelephonyPort {
  readonly events: EventSource<SipTelephonyEvents>;
  readonly audio: AudioControl;
  /** The registration state right now (the last `registration` event). */
  readonly registrationState: RegistrationState;
  /**
   * Declines with an explicit status, or as TelephonyPort.decline: 603 Decline for a call to the
   * agent's own extension, 486 Busy Here (480 when unavailable) for a ring-group, queue or forwarded offer.
   */
  decline(callId: string, how?: DeclineStatus | DeclineOptions): Promise<void>;
  /** Sends DTMF as SIP INFO (application/dtmf-relay) even when the media could carry RFC 4733. */
  sendDtmfInfo(callId: string, digits: string): Promise<void>;
  /** The call's RTCPeerConnection, for diagnostics (stats pages, tests); undefined when none. */
  peerConnection(callId: string): RTCPeerConnection | undefined;
  /** Hangs up every call, unregisters and releases devices. The adapter is unusable afterwards. */
  dispose(): Promise<void>;
  /**
   * The page is going away (`pagehide`) and its established calls must outlive it: keeps their
   * dialogs for the next page of this tab, synchronously, and answers the ids kept. It sends
   * nothing (no BYE, no un-REGISTER): the phone system keeps the far end's leg until the reloaded
   * page replaces the dialog. Without `dialogStorage` nothing is kept. Nothing is written after it.
   * Calls still ringing are answered too: left unanswered (no reject, no un-REGISTER), the phone
   * system rings them again on the next page once it registers.
   */
  suspend(): readonly string[];
}

export function createSipTelephony(settings: ConnectorSettings, options: SipTelephonyOptions): SipTelephony {
  return new SipTelephonyAdapter(settings, options);
}

class SipTelephonyAdapter implements SipTelephony {
  private readonly emitter: Emitter<SipTelephonyEvents>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly calls = new Map<string, SipCall>();
  private readonly browserAudio: BrowserAudio;
  private readonly sessions: CallSessions;
  private readonly transfers: SipTransfers;
  private readonly offers: IncomingOfferContext;
  private readonly outgoing: OutgoingCallContext;
  private readonly media: MediaRecovery;
  /** Re-INVITE timing: hold and resume retried after crossing another offer (call-hold.ts). */
  private readonly holdTiming: HoldTiming;
  private readonly connection: PhoneConnection;
  private delegate: TelephonyDelegate = { acceptIncoming: () => true };
  private readonly conferenced = new CallConference();
  private readonly takeBack: CallTakeBack;
  readonly reattaching: readonly ReattachingCall[];

  constructor(
    private readonly settings: ConnectorSettings,
    private readonly options: SipTelephonyOptions,
  ) {
    const grace = options.mediaLossGraceMs;
    if (grace !== undefined && !(Number.isFinite(grace) && grace >= 0)) {
      throw new SwitchboardError('SB90001', `SipTelephonyOptions.mediaLossGraceMs must be a non-negative number of milliseconds, got ${grace}.`);
    }
    this.clock = options.clock;
    this.holdTiming = { clock: this.clock, random: options.registration?.random ?? DEFAULT_REGISTRATION.random };
    this.logger = options.logger;
    this.emitter = new Emitter<SipTelephonyEvents>((event, error) => this.logger.log('error', 'telephony listener threw', { event, error: String(error) }));
    this.browserAudio = new BrowserAudio(this.clock, this.logger, {
      devicesChanged: (devices) => this.emit('devices', devices),
      microphoneChanged: () => this.switchMicrophone(),
    });
    this.sessions = new CallSessions({
      clock: this.clock,
      logger: this.logger,
      emit: this.emit,
      calls: this.calls,
      audio: this.browserAudio,
      qualityIntervalMs: options.qualityIntervalMs ?? QUALITY_INTERVAL_MS,
      persistDialogs: () => this.takeBack.persistDialogs(),
      watchMedia: (call, session) => this.media.watchMedia(call, session),
      onRefer: (call, session, referral) => this.transfers.onRefer(call, session, referral),
      hold: (call) => this.setHold(call, true),
      leaveConference: (call) => this.conferenced.leave(call),
    });
    this.media = new MediaRecovery({
      clock: this.clock,
      logger: this.logger,
      random: this.holdTiming.random,
      iceGatheringTimeoutMs: settings.sip.iceGatheringTimeoutMs,
      iceRestart: options.iceRestart,
      mediaLossGraceMs: options.mediaLossGraceMs,
      connected: () => this.connection.ua?.transport.isConnected() === true,
      end: (call, reason) => this.sessions.end(call, reason),
    });
    this.transfers = new SipTransfers({
      clock: this.clock,
      logger: this.logger,
      emit: this.emit,
      call: (id) => this.call(id),
      findCall: (id) => this.calls.get(id),
      dialUri: async (target) => this.targetUri((await normalizeDialTarget(target, this.settings.dialing, this.settings.directory)).dialString),
      hold: (call) => this.setHold(call, true),
      dial: (request) => this.dial(request),
      sessions: this.sessions,
    });
    this.offers = {
      logger: this.logger,
      emit: this.emit,
      settings,
      calls: this.calls,
      acceptIncoming: (call) => this.delegate.acceptIncoming(call),
      createOutput: () => this.browserAudio.createOutput(),
      startRinging: () => this.browserAudio.startRinging(),
      adoptReplacement: (call, session) => this.transfers.adoptReplacement(call, session),
      sessions: this.sessions,
    };
    this.outgoing = {
      emit: this.emit,
      settings,
      calls: this.calls,
      audio: this.browserAudio,
      sessions: this.sessions,
      targetUri: (user) => this.targetUri(user),
      holdOthers: (call) => this.holdOthers(call),
    };
    this.takeBack = new CallTakeBack(
      {
        clock: this.clock,
        logger: this.logger,
        emit: this.emit,
        calls: this.calls,
        createOutput: () => this.browserAudio.createOutput(),
        sessions: this.sessions,
      },
      options.dialogStorage,
    );
    this.reattaching = this.takeBack.reattaching;
    this.connection = new PhoneConnection({
      clock: this.clock,
      logger: this.logger,
      settings,
      emit: this.emit,
      iceTransportPolicy: options.iceTransportPolicy,
      registration: options.registration,
      microphone: () => this.browserAudio.microphone(),
      onInvite: (invitation) => receiveOffer(this.offers, invitation),
      targetUri: (user) => this.targetUri(user),
      disconnected: () => dropCallsBeingSetUp(this.calls.values(), this.logger, (call, reason) => this.sessions.end(call, reason)),
      registered: (ua) => this.takeBack.reattachPending(ua),
      warmUp: () => this.browserAudio.warmUp(),
    });
  }

  get events(): EventSource<SipTelephonyEvents> {
    return this.emitter;
  }

  get audio(): AudioControl {
    return this.browserAudio;
  }

  get registrationState(): RegistrationState {
    return this.connection.registrationState;
  }

  setDelegate(delegate: TelephonyDelegate): void {
    this.delegate = delegate;
  }

  /** Events leave from a microtask: commands never re-enter listeners synchronously. */
  private readonly emit: EmitSipEvent = (event, ...args) => {
    queueMicrotask(() => this.emitter.emit(event, ...args));
  };

  // ── registration ────────────────────────────────────────────────────────────────────────────

  async register(credentials: SipCredentials): Promise<void> {
    if (this.connection.ua) await this.unregister();
    await this.connection.start(credentials);
  }

  async updateCredentials(credentials: SipCredentials): Promise<void> {
    this.connection.updateCredentials(credentials);
  }

  async unregister(): Promise<void> {
    if (!this.connection.ua) return;
    for (const call of this.calls.values()) call.endReason ??= 'local-hangup';
    await Promise.all([...this.calls.values()].map((c) => hangUp(c, this.logger).catch(() => {})));
    await this.connection.stop();
  }

  // ── surviving a reload ──────────────────────────────────────────────────────────────────────

  suspend(): readonly string[] {
    return this.takeBack.suspend();
  }

  // ── inbound ─────────────────────────────────────────────────────────────────────────────────

  async answer(callId: string): Promise<void> {
    const call = this.call(callId);
    if (call.phase !== 'offered' || !(call.session instanceof Invitation)) throw new SwitchboardError('SB40001', `Call ${callId} is not ringing.`);
    await this.holdOthers(call);
    this.sessions.updateRinger(call);
    try {
      await call.session.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
    } catch (error) {
      if (error instanceof SwitchboardError) throw error;
      throw new SwitchboardError('SB20005', `Answering failed: ${String(error)}`, error);
    }
  }

  async decline(callId: string, how: DeclineStatus | DeclineOptions = {}): Promise<void> {
    const call = this.call(callId);
    if (call.phase !== 'offered' || !(call.session instanceof Invitation)) throw new SwitchboardError('SB40001', `Call ${callId} is not ringing.`);
    call.endReason = 'declined';
    // 603 would end a ring group's call for every colleague still ringing (RFC 3261 §16.7): see
    // declineStatus for the rule that tells a call for this agent alone from a group offer.
    const request = call.session.request;
    const status =
      typeof how === 'number'
        ? how
        : declineStatus({
            ownExtension: this.connection.ua?.configuration.uri.user,
            dialed: request.to.uri.user,
            retargeted: request.hasHeader('diversion') || request.hasHeader('history-info'),
            unavailable: how.unavailable === true,
          });
    await call.session.reject({ statusCode: status });
  }

  // ── outbound ────────────────────────────────────────────────────────────────────────────────

  async dial(request: DialRequest): Promise<DialResult> {
    return placeCall(this.outgoing, this.requireUa(), request);
  }

  // ── during a call ───────────────────────────────────────────────────────────────────────────

  async hangup(callId: string): Promise<void> {
    await hangUp(this.call(callId), this.logger);
  }

  async hold(callId: string): Promise<void> {
    await this.setHold(this.call(callId), true);
  }

  async resume(callId: string): Promise<void> {
    await this.setHold(this.call(callId), false);
  }

  private async setHold(call: SipCall, hold: boolean): Promise<void> {
    await setHold(call, hold, this.holdTiming, () => {
      this.takeBack.persistDialogs();
      this.emit('held', call.id, hold);
    });
  }

  async setMuted(callId: string, muted: boolean): Promise<void> {
    const call = this.call(callId);
    call.muted = muted;
    const mic = call.microphone;
    if (mic) mic.enabled = !muted && !call.held;
    this.takeBack.persistDialogs();
  }

  async sendDtmf(callId: string, digits: string): Promise<void> {
    await sendDtmf(this.call(callId), digits);
  }

  async sendDtmfInfo(callId: string, digits: string): Promise<void> {
    await sendDtmfInfo(this.call(callId), digits);
  }

  // ── transfers ───────────────────────────────────────────────────────────────────────────────

  async blindTransfer(callId: string, target: string): Promise<void> {
    await this.transfers.blindTransfer(callId, target);
  }

  async consult(callId: string, target: string): Promise<DialResult> {
    return this.transfers.consult(callId, target);
  }

  async completeTransfer(callId: string, consultationId: string): Promise<void> {
    await this.transfers.completeTransfer(callId, consultationId);
  }

  // ── conference ──────────────────────────────────────────────────────────────────────────────

  async conference(callIds: readonly string[]): Promise<void> {
    if (callIds.length !== 2) throw new SwitchboardError('SB40001', `A conference joins two calls, got ${callIds.length}.`);
    const calls = callIds.map((id) => this.call(id));
    for (const c of calls) {
      if (c.phase !== 'established') throw new SwitchboardError('SB40001', `Call ${c.id} is not connected.`);
    }
    for (const c of calls) if (c.held) await this.setHold(c, false);
    await this.conferenced.join(calls);
  }

  // ── presence ────────────────────────────────────────────────────────────────────────────────

  async publishPresence(status: PresenceStatus): Promise<void> {
    this.requireUa();
    await this.connection.presence?.publish(status);
  }

  async watchLines(extensions: readonly string[]): Promise<void> {
    this.requireUa();
    await this.connection.presence?.watch(extensions);
  }

  // ── devices ─────────────────────────────────────────────────────────────────────────────────

  private async switchMicrophone(): Promise<void> {
    for (const call of this.calls.values()) {
      const sdh = call.sdh,
        pc = call.peerConnection,
        old = call.microphone;
      if (!sdh || !pc || !old) continue;
      const fresh = (await this.browserAudio.microphone()).getAudioTracks()[0];
      if (!fresh) continue;
      fresh.enabled = old.enabled;
      const sender = audioSender(pc);
      if (sender && !this.conferenced.includes(pc)) await sender.replaceTrack(fresh);
      sdh.localMediaStream.removeTrack(old);
      sdh.localMediaStream.addTrack(fresh);
      old.stop();
    }
  }

  peerConnection(callId: string): RTCPeerConnection | undefined {
    return this.calls.get(callId)?.peerConnection;
  }

  async dispose(): Promise<void> {
    await this.unregister();
    await this.conferenced.stop();
    this.browserAudio.dispose();
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────────

  private call(callId: string): SipCall {
    const call = this.calls.get(callId);
    if (!call) throw new SwitchboardError('SB20006', `Call ${callId}.`);
    return call;
  }

  private requireUa(): UserAgent {
    const ua = this.connection.ua;
    if (!ua) throw new SwitchboardError('SB40001', 'Not registered with the phone system.');
    return ua;
  }

  private targetUri(user: string): URI {
    return sipAddress(user, this.settings.sip.domain);
  }

  /** Holds every other connected call that is not in the conference (call waiting). */
  private async holdOthers(except: SipCall): Promise<void> {
    for (const other of this.calls.values()) {
      if (other === except || other.phase !== 'established' || other.held || this.conferenced.includes(other.peerConnection)) continue;
      await this.setHold(other, true).catch((e) => this.logger.log('warn', 'could not hold the other call', { callId: other.id, error: String(e) }));
    }
  }
}

export { NO_ANSWER_TIMEOUT_SECONDS } from './user-agent.ts';
