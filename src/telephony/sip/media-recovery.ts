/**
 * Keeps an established call's media path up: watches it (./media-watch.ts), restarts ICE with a
 * re-INVITE when it breaks (./ice-restart.ts), and ends the call as `failed` once it is gone for
 * good.
 */
import { Inviter, RequestPendingError, type Session, type Web } from 'sip.js';
import type { Clock, EndReason, Logger } from '../../core/index.ts';
import type { RandomSource } from './backoff.ts';
import { DEFAULT_ICE_RESTART, IceRestarter, type IceRestartPolicy, type RestartOutcome } from './ice-restart.ts';
import { MediaWatch } from './media-watch.ts';
import { RestartAwareSessionDescriptionHandler } from './restart-aware-sdh.ts';
import type { SipCall } from './sip-call.ts';
import { terminate } from './session-ending.ts';

/** What media recovery needs of the adapter. */
export interface MediaRecoveryContext {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Drives the restarts' jitter. */
  readonly random: RandomSource;
  /** The settings' ICE gathering wait: how long an offer can take. */
  readonly iceGatheringTimeoutMs: number;
  readonly iceRestart: Partial<IceRestartPolicy> | undefined;
  /** See SipTelephonyOptions.mediaLossGraceMs. */
  readonly mediaLossGraceMs: number | undefined;
  /** Whether the WebSocket to the phone system is up (a re-INVITE can leave). */
  connected(): boolean;
  end(call: SipCall, reason: EndReason): void;
}

export class MediaRecovery {
  constructor(private readonly ctx: MediaRecoveryContext) {}

  /**
   * Watches the media path of the call's current session (see MediaWatch) and restarts ICE when it
   * breaks (see IceRestarter); replaces any earlier watch. The call ends only when the path is
   * gone for good: the browser gave it up and no restart brought it back.
   */
  watchMedia(call: SipCall, session: Session): void {
    const { clock, logger } = this.ctx;
    call.stopMediaWatch();
    const pc = (session.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined)?.peerConnection;
    if (!pc) return;
    const current = (): boolean => call.session === session && call.phase === 'established';
    let brokenDetail: string | undefined;
    const restarter = new IceRestarter(
      clock,
      logger,
      this.ctx.random,
      // The other end waits longer than an offer can take to gather, so the two offers do not cross.
      { ...DEFAULT_ICE_RESTART, answererDelayMs: this.ctx.iceGatheringTimeoutMs + 1000, ...this.ctx.iceRestart },
      {
        restart: () => this.restartIce(call, session),
        exhausted: (detail) => {
          // The browser already gave the path up, or restarts were accepted (fresh ICE on both
          // ends) and still no path: that is the end. A far end that cannot restart leaves the
          // verdict to the browser's consent checks, as without restarts.
          if (brokenDetail !== undefined) watch.giveUp(brokenDetail);
          else if (restarter.acceptedRestarts > 0) watch.giveUp(`media connection lost (${restarter.acceptedRestarts} ICE restart(s) failed)`);
          else logger.log('warn', 'ICE restart could not bring the media path back; waiting for the browser', { callId: call.id, detail });
        },
      },
      session instanceof Inviter,
    );
    const watch = new MediaWatch(
      pc,
      clock,
      {
        interrupted: () => {
          if (!current()) return;
          logger.log('warn', 'media path interrupted (ICE consent checks unanswered); keeping the call', { callId: call.id });
          call.quality?.setOutage(true);
          restarter.pathDown(false);
        },
        restored: () => {
          if (!current()) return;
          brokenDetail = undefined;
          logger.log('info', 'media path restored', { callId: call.id });
          call.quality?.setOutage(false);
          restarter.pathUp();
        },
        broken: (detail) => {
          if (!current()) return;
          brokenDetail = detail;
          if (restarter.current === 'exhausted') watch.giveUp(detail);
          else restarter.pathDown(true);
        },
        failed: (detail) => {
          restarter.stop();
          this.onMediaFailed(call, session, detail);
        },
      },
      this.ctx.mediaLossGraceMs,
      true,
    );
    call.media = watch;
    call.restarter = restarter;
    const sdh = session.sessionDescriptionHandler;
    if (sdh instanceof RestartAwareSessionDescriptionHandler)
      sdh.onRemoteRestart = () => {
        if (current()) restarter.peerRestarting();
      };
  }

  /**
   * Sends one ICE-restart re-INVITE on the session: an offer with new ICE credentials (and the
   * call's hold direction), which makes both ends gather again and find a new path. The next
   * re-INVITE (hold, resume) goes back to a plain offer.
   */
  private async restartIce(call: SipCall, session: Session): Promise<RestartOutcome> {
    if (call.session !== session || call.phase !== 'established') return 'refused';
    if (!this.ctx.connected()) return 'unavailable';
    const plain = { hold: call.held } as Web.SessionDescriptionHandlerOptions;
    const restart = { hold: call.held, offerOptions: { iceRestart: true } } as Web.SessionDescriptionHandlerOptions;
    try {
      return await new Promise<RestartOutcome>((resolve) => {
        session
          .invite({
            sessionDescriptionHandlerOptions: restart,
            requestDelegate: {
              onAccept: () => resolve('accepted'),
              onReject: (r) => {
                this.ctx.logger.log('warn', 'ICE restart re-INVITE answered', { callId: call.id, status: r.message.statusCode });
                const status = r.message.statusCode ?? 0;
                resolve(status === 491 ? 'glare' : status === 481 || status === 408 ? 'refused' : 'rejected');
              },
            },
          })
          .catch((e: unknown) => resolve(e instanceof RequestPendingError ? 'glare' : 'unavailable'));
      });
    } finally {
      if (session.sessionDescriptionHandlerOptionsReInvite === restart) session.sessionDescriptionHandlerOptionsReInvite = plain;
    }
  }

  /**
   * The call's media path is dead and will not come back (no ICE restart): the far end vanished or
   * hung up with a BYE that never reached us. The call ends now as `failed`; the BYE we send is
   * best effort (the far end or the connection to the phone system may be gone).
   */
  private onMediaFailed(call: SipCall, session: Session, detail: string): void {
    if (call.session !== session || call.phase !== 'established') return;
    this.ctx.logger.log('warn', 'media connection lost; ending the call', { callId: call.id, detail, held: call.held });
    call.quality?.setOutage(true);
    if (call.replacing) {
      // A transfer is bringing up a new dialog (new media) in this one's place: it decides. If it
      // never gets up, the call ends as failed with this detail.
      call.mediaLost = true;
      call.endDetail ??= detail;
      void terminate(session);
      return;
    }
    call.endReason ??= 'failed';
    call.endDetail ??= detail;
    void terminate(session);
    // Terminated may never be reached (a BYE waiting for an ACK that will not come): end it here.
    this.ctx.end(call, call.endReason);
  }
}
