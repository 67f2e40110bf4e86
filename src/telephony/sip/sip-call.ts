/**
 * One call as the adapter tracks it: the sip.js session behind it (which a transfer can swap for a
 * new one without the call changing identity), its media outputs and quality monitor, and what
 * we know about how it will end.
 *
 * ```
 *   inbound:  offered ──answer──▶ established ──▶ ended
 *                └──decline / CANCEL / failure──────▶ ended
 *   outbound: dialing ──200──▶ established ──▶ ended
 *                └──4xx-6xx / cancel──────────────▶ ended
 * ```
 */
import type { Session, Web } from 'sip.js';
import type { EndReason, Party } from '../../core/index.ts';
import type { AudioOutput } from './audio-output.ts';
import type { PersistedDialog } from './dialog-store.ts';
import type { IceRestarter } from './ice-restart.ts';
import type { MediaWatch } from './media-watch.ts';
import type { QualityMonitor } from './quality-monitor.ts';
import type { PlayingTone } from './tones.ts';

export type CallPhase = 'offered' | 'dialing' | 'established' | 'ended';

export const CALL_PHASE_TRANSITIONS: Readonly<Record<CallPhase, readonly CallPhase[]>> = {
  offered: ['established', 'ended'],
  dialing: ['established', 'ended'],
  established: ['ended'],
  ended: [],
};

export class SipCall {
  phase: CallPhase;
  held = false;
  /**
   * A hold or resume asked for and not answered yet: the state a reload must restore, since the
   * re-INVITE may be answered after the page is gone (a held call must come back held).
   */
  holdWanted: boolean | undefined;
  remoteHeld = false;
  muted = false;
  /** Set before a local action or on a received BYE/CANCEL so termination knows why. */
  endReason: EndReason | undefined;
  endDetail: string | undefined;
  /** A session that will take this call's place (we were REFERred, or got an INVITE with Replaces). */
  replacing: Session | undefined;
  ringback: { tone: PlayingTone; output: AudioOutput } | undefined;
  quality: QualityMonitor | undefined;
  /** Watches the current session's media path (consent freshness) while the call is established. */
  media: MediaWatch | undefined;
  /** Restarts ICE when the current session's media path breaks. */
  restarter: IceRestarter | undefined;
  /** The current dialog's media path died while a replacement dialog was being set up. */
  mediaLost = false;
  /** For a consultation call: the call it consults about. */
  consultOf: string | undefined;
  /** When the call was first established (epoch ms); a call taken back after a reload keeps the original time. */
  establishedAt: number | undefined;
  /** The call is being taken back after a reload (INVITE with Replaces for the old dialog). */
  reattaching = false;
  /** While reattaching: the old dialog, which the far end keeps until it answers the take-back. */
  keptDialog: PersistedDialog | undefined;
  /** While reattaching: settles `true` once the call is back, `false` once it ended instead. */
  takeBack: Promise<boolean> | undefined;
  /** A hang-up waits for the take-back: the call is not held again once back (it is ending). */
  hangupQueued = false;
  private settleTakeBack: ((back: boolean) => void) | undefined;

  constructor(
    readonly id: string,
    readonly direction: 'inbound' | 'outbound',
    public session: Session,
    public remote: Party,
    readonly internal: boolean,
    readonly output: AudioOutput,
  ) {
    this.phase = direction === 'inbound' ? 'offered' : 'dialing';
  }

  /** Marks the call as being taken back after a reload (see `takeBack`). */
  startTakeBack(dialog: PersistedDialog): void {
    this.reattaching = true;
    this.keptDialog = dialog;
    this.takeBack = new Promise<boolean>((resolve) => {
      this.settleTakeBack = resolve;
    });
  }

  /** The take-back is over: the call is back (`true`) or ended during the reload (`false`). */
  endTakeBack(back: boolean): void {
    this.reattaching = false;
    this.keptDialog = undefined;
    this.settleTakeBack?.(back);
    this.settleTakeBack = undefined;
    this.takeBack = undefined;
  }

  stopMediaWatch(): void {
    this.media?.stop();
    this.media = undefined;
    this.restarter?.stop();
    this.restarter = undefined;
  }

  transition(to: CallPhase): boolean {
    if (!CALL_PHASE_TRANSITIONS[this.phase].includes(to)) return false;
    this.phase = to;
    return true;
  }

  get sdh(): Web.SessionDescriptionHandler | undefined {
    return this.session.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined;
  }

  get peerConnection(): RTCPeerConnection | undefined {
    return this.sdh?.peerConnection;
  }

  /** Our microphone track for this call (what it sends when not in a conference). */
  get microphone(): MediaStreamTrack | undefined {
    return this.sdh?.localMediaStream.getAudioTracks()[0];
  }
}
