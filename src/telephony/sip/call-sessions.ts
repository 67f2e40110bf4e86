/**
 * The life of a call's sip.js sessions: the delegate every session gets (BYE, INFO, REFER, a
 * re-INVITE from the far end, its media), its state changes (established, terminated), the
 * ringback we play while a call we place rings, and the end of the call.
 */
import { SessionState, type Referral, type Session, type Web } from 'sip.js';
import type { Clock, EndReason, Logger } from '../../core/index.ts';
import type { BrowserAudio } from './audio-control.ts';
import { QualityMonitor } from './quality-monitor.ts';
import type { SipCall } from './sip-call.ts';
import { receivedDigit } from './sip-dtmf.ts';
import type { EmitSipEvent } from './sip-events.ts';
import { RINGBACK, startTone } from './tones.ts';

/** What the sessions' life needs of the adapter. */
export interface CallSessionsContext {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly emit: EmitSipEvent;
  /** The adapter's calls by id; a call that ends leaves it. */
  readonly calls: Map<string, SipCall>;
  readonly audio: Pick<BrowserAudio, 'createOutput' | 'releaseOutput' | 'tonePool' | 'stopRinging'>;
  /** How often an established call's quality is sampled. */
  readonly qualityIntervalMs: number;
  /** The calls changed: keep their dialogs for a reload (see CallTakeBack). */
  persistDialogs(): void;
  /** Watches the media path of the call's current session (see MediaRecovery). */
  watchMedia(call: SipCall, session: Session): void;
  /** The far end REFERs us (we are the transferee: see SipTransfers). */
  onRefer(call: SipCall, session: Session, referral: Referral): void;
  hold(call: SipCall): Promise<void>;
  /** The call ended: if it was in the conference, the conference is over. */
  leaveConference(call: SipCall): void;
}

export class CallSessions {
  constructor(private readonly ctx: CallSessionsContext) {}

  startRingback(call: SipCall): void {
    // A 180 that arrives after the call ended (CANCEL crossing it) must not start a tone nobody stops.
    if (call.ringback || call.phase !== 'dialing') return;
    const output = this.ctx.audio.createOutput();
    const tone = startTone(this.ctx.audio.tonePool(), RINGBACK);
    output.play(tone.stream);
    call.ringback = { tone, output };
  }

  stopRingback(call: SipCall): void {
    if (!call.ringback) return;
    this.ctx.audio.releaseOutput(call.ringback.output);
    call.ringback.tone.stop();
    call.ringback = undefined;
  }

  sessionDelegate(call: SipCall, session: Session): NonNullable<Session['delegate']> {
    const { emit, logger } = this.ctx;
    return {
      onBye: (bye) => {
        if (call.session === session && !call.replacing) call.endReason ??= 'remote-hangup';
        // With an onBye delegate sip.js leaves the 200 to us; unanswered, the far end's BYE
        // times out (a proxy answers it 408, SIPp and desk phones see a failed hangup).
        void bye.accept().catch((e) => logger.log('warn', 'answering BYE failed', { callId: call.id, error: String(e) }));
      },
      onInfo: (info) => {
        const digit = receivedDigit(info);
        if (digit) emit('dtmfReceived', call.id, digit);
      },
      onRefer: (referral) => this.ctx.onRefer(call, session, referral),
      onInvite: (request) => {
        // A re-INVITE from the far end: a=sendonly/inactive means it put us on hold.
        const body = request.body ?? '';
        if (!/application\/sdp/i.test(request.getHeader('content-type') ?? '')) return;
        const remoteHeld = /^a=(sendonly|inactive)\s*$/m.test(body);
        if (remoteHeld !== call.remoteHeld) {
          call.remoteHeld = remoteHeld;
          emit('held', call.id, remoteHeld);
        }
      },
      onSessionDescriptionHandler: (sdh) => {
        // Early media (183) and the answer both play the remote stream on the speaker.
        const remote = (sdh as Web.SessionDescriptionHandler).remoteMediaStream;
        if (call.session === session || call.replacing === session) call.output.play(remote);
      },
    };
  }

  watchSession(call: SipCall, session: Session): void {
    session.stateChange.addListener((state) => {
      if (state === SessionState.Established) this.onEstablished(call, session);
      else if (state === SessionState.Terminated) this.onTerminated(call, session);
    });
  }

  private onEstablished(call: SipCall, session: Session): void {
    const { clock, logger, emit } = this.ctx;
    if (call.replacing === session) {
      const old = call.session;
      call.session = session;
      call.replacing = undefined;
      const remote = (session.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined)?.remoteMediaStream;
      if (remote) call.output.play(remote);
      if (old.state === SessionState.Established) void old.bye().catch(() => {});
      if (call.mediaLost) {
        // The old dialog's media died while this one was set up; this one carries the call now.
        call.mediaLost = false;
        call.endDetail = undefined;
      }
      call.quality?.setOutage(false);
      // The hold was the old party's (the transferor held us before its REFER): the new dialog's
      // party is talking, whatever the last re-INVITE of the old one said.
      if (call.remoteHeld) {
        call.remoteHeld = false;
        if (!call.held) emit('held', call.id, false);
      }
      this.ctx.watchMedia(call, session);
      logger.log('info', 'call continues on a new dialog', { callId: call.id });
      this.ctx.persistDialogs();
      return;
    }
    if (call.session !== session) return;
    this.stopRingback(call);
    if (!call.transition('established')) return;
    call.establishedAt ??= clock.now();
    const takenBack = call.reattaching;
    if (takenBack) {
      // The microphone of the new dialog honours the mute and hold the call had before the reload.
      const mic = call.microphone;
      if (mic) mic.enabled = !call.held && !call.muted;
      logger.log('info', 'call taken back after the reload', { callId: call.id });
      if (call.held && !call.hangupQueued) {
        call.held = false;
        void this.ctx.hold(call).catch((error: unknown) => {
          logger.log('warn', 'could not hold the call taken back after the reload', { callId: call.id, error: String(error) });
          emit('held', call.id, false);
        });
      }
    }
    this.ctx.persistDialogs();
    this.updateRinger();
    const sdh = call.sdh;
    if (sdh) call.output.play(sdh.remoteMediaStream);
    call.quality = new QualityMonitor(
      clock,
      logger,
      () => call.peerConnection,
      (q) => emit('quality', call.id, q),
      this.ctx.qualityIntervalMs,
    );
    call.quality.start();
    emit('established', call.id);
    // After `established` is queued: what waited for the take-back (a hang-up) acts on a call that is back.
    if (takenBack) call.endTakeBack(true);
    // After `established` is queued: a path already dead ends the call, and `ended` must follow it.
    this.ctx.watchMedia(call, session);
  }

  private onTerminated(call: SipCall, session: Session): void {
    if (call.replacing === session) {
      // The replacement never got up; the call lives or dies with its current dialog.
      call.replacing = undefined;
      if (call.session.state === SessionState.Terminated) this.end(call, call.endReason ?? (call.mediaLost ? 'failed' : 'remote-hangup'));
      return;
    }
    if (call.session !== session) return;
    if (call.replacing) return; // the REFER's new INVITE is on its way; it decides.
    // sip.js reports Terminated before it calls the request delegate's onReject: decide the
    // reason one microtask later, once the final response has been seen.
    queueMicrotask(() => this.endTerminated(call));
  }

  private endTerminated(call: SipCall): void {
    const fallback: EndReason = call.phase === 'established' ? 'remote-hangup' : call.direction === 'inbound' ? 'missed' : 'failed';
    this.end(call, call.endReason ?? fallback);
  }

  end(call: SipCall, reason: EndReason): void {
    if (call.phase === 'ended') return;
    call.phase = 'ended';
    this.ctx.calls.delete(call.id);
    this.stopRingback(call);
    call.quality?.stop();
    call.stopMediaWatch();
    this.ctx.audio.releaseOutput(call.output);
    this.ctx.leaveConference(call);
    this.updateRinger();
    this.ctx.persistDialogs();
    this.ctx.emit('ended', call.id, reason, ...(call.endDetail ? [call.endDetail] : []));
    if (call.reattaching) call.endTakeBack(false);
  }

  /** Stops the ringer once no call is ringing any more (`answering` counts as answered already). */
  updateRinger(answering?: SipCall): void {
    const offered = [...this.ctx.calls.values()].some((c) => c.phase === 'offered' && c !== answering);
    if (!offered) this.ctx.audio.stopRinging();
  }
}
