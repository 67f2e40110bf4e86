/**
 * Calls that outlive a reload of the page: while calls are up their dialogs are kept in the tab's
 * storage (see dialog-store.ts); as the page goes they are kept one last time and nothing is sent
 * (`suspend`); the next page, once registered, takes each back with an INVITE with Replaces for
 * the old dialog (RFC 3891), under the call's old id.
 */
import { Inviter, UserAgent, type Web } from 'sip.js';
import { Dialog } from 'sip.js/lib/core/index.js';
import type { Clock, Logger, ReattachingCall } from '../../core/index.ts';
import type { AudioOutput } from './audio-output.ts';
import type { CallSessions } from './call-sessions.ts';
import { DialogStore, type DialogStorage, type PersistedDialog } from './dialog-store.ts';
import { SipCall } from './sip-call.ts';
import type { EmitSipEvent } from './sip-events.ts';

/** While calls are up their dialogs are re-saved this often, so a crash (no `pagehide`) dates them. */
const DIALOG_HEARTBEAT_MS = 5000;
/**
 * How long calls left by the previous page wait for this one to sign in: past it they count as
 * ended during the reload (the phone system's grace for the old leg is shorter than this anyway).
 */
const REATTACH_WINDOW_MS = 60_000;

/** What taking calls back needs of the adapter. */
export interface TakeBackContext {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly emit: EmitSipEvent;
  /** The adapter's calls by id; a call taken back is added to it. */
  readonly calls: Map<string, SipCall>;
  /** A speaker output for a call taken back. */
  createOutput(): AudioOutput;
  /** Gives a call taken back its session's delegate and follows its state; ends calls. */
  readonly sessions: Pick<CallSessions, 'sessionDelegate' | 'watchSession' | 'end'>;
}

export class CallTakeBack {
  /** The calls the previous page left, as found when the adapter was made. */
  readonly reattaching: readonly ReattachingCall[];
  private readonly dialogStore: DialogStore | undefined;
  /** Dialogs the previous page of this tab left, not yet tried again (an INVITE with Replaces each). */
  private pendingDialogs: PersistedDialog[] = [];
  private dialogHeartbeat: (() => void) | undefined;
  /** The page is going: nothing more is written to the dialog store (see `suspend`). */
  private suspended = false;

  constructor(
    private readonly ctx: TakeBackContext,
    storage: DialogStorage | undefined,
  ) {
    this.dialogStore = storage ? new DialogStore(storage) : undefined;
    this.pendingDialogs = this.dialogStore?.load(ctx.clock.now()) ?? [];
    this.reattaching = this.pendingDialogs.map((d) => ({
      callId: d.callId,
      direction: d.direction,
      internal: d.internal,
      remote: d.remote,
      answeredAt: d.establishedAt,
      leftAt: d.savedAt,
      held: d.held,
      muted: d.muted,
    }));
    if (this.pendingDialogs.length) {
      ctx.logger.log('info', 'calls left up by the previous page; taking them back once registered', { callIds: this.reattaching.map((c) => c.callId) });
      ctx.clock.setTimeout(() => this.abandonPendingDialogs('the phone did not sign in again in time'), REATTACH_WINDOW_MS);
    }
  }

  /** See SipTelephony.suspend. */
  suspend(): readonly string[] {
    if (this.suspended) return [];
    const kept = this.dialogsToKeep();
    this.saveDialogs(kept);
    this.suspended = true;
    // A take-back still unanswered: its answer would reach no page, and the far end would drop the
    // old dialog the next page names. CANCELled, the far end keeps that dialog (RFC 3891 §3).
    for (const call of this.ctx.calls.values()) {
      if (call.keptDialog && call.session instanceof Inviter) void call.session.cancel().catch(() => {});
    }
    this.dialogHeartbeat?.();
    this.dialogHeartbeat = undefined;
    if (kept.length)
      this.ctx.logger.log('info', 'leaving the page with calls up: no BYE, no un-REGISTER; the next page takes them back', {
        callIds: kept.map((d) => d.callId),
      });
    // Rejecting a ringing call as the page goes would end it for the caller; unanswered, it rings
    // again on the next page (the phone system waits for it to register).
    const ringing = this.dialogStore ? [...this.ctx.calls.values()].filter((c) => c.phase === 'offered').map((c) => c.id) : [];
    return [...kept.map((d) => d.callId), ...ringing];
  }

  /**
   * The dialogs a reload must find: every established call's current dialog, plus those the
   * previous page left that this one has not tried yet or is still taking back (a second reload
   * before the first reattach is done). A call on its way to or from hold is kept as it will be.
   */
  private dialogsToKeep(): PersistedDialog[] {
    const now = this.ctx.clock.now();
    const kept: PersistedDialog[] = [...this.pendingDialogs];
    for (const call of this.ctx.calls.values()) {
      if (call.keptDialog) {
        kept.push({ ...call.keptDialog, held: call.holdWanted ?? call.held, muted: call.muted, savedAt: now });
        continue;
      }
      const dialog = call.phase === 'established' ? call.session.dialog : undefined;
      if (!dialog) continue;
      // The core dialog class carries the route set and CSeq that the session interface hides.
      const core = dialog instanceof Dialog ? dialog : undefined;
      kept.push({
        callId: call.id,
        sipCallId: dialog.callId,
        localTag: dialog.localTag,
        remoteTag: dialog.remoteTag,
        remoteTarget: dialog.remoteTarget.toString(),
        remoteUri: call.session.remoteIdentity.uri.toString(),
        routeSet: core ? [...core.routeSet] : [],
        localSeqnum: core?.localSequenceNumber ?? 0,
        direction: call.direction,
        internal: call.internal,
        remote: call.remote,
        held: call.holdWanted ?? call.held,
        muted: call.muted,
        establishedAt: call.establishedAt ?? now,
        savedAt: now,
      });
    }
    return kept;
  }

  private saveDialogs(dialogs: readonly PersistedDialog[]): void {
    if (!this.dialogStore || this.suspended) return;
    if (!this.dialogStore.save(dialogs)) this.ctx.logger.log('warn', "could not keep the calls' dialogs; a reload would lose them");
  }

  /** Calls changed: keep their dialogs as of now, and while any is up, every few seconds. */
  persistDialogs(): void {
    if (!this.dialogStore || this.suspended) return;
    const kept = this.dialogsToKeep();
    this.saveDialogs(kept);
    if (kept.length && !this.dialogHeartbeat) {
      this.dialogHeartbeat = this.ctx.clock.setTimeout(() => {
        this.dialogHeartbeat = undefined;
        this.persistDialogs();
      }, DIALOG_HEARTBEAT_MS);
    } else if (!kept.length) {
      this.dialogHeartbeat?.();
      this.dialogHeartbeat = undefined;
    }
  }

  /** Registered: send an INVITE with Replaces for each dialog the previous page left. */
  reattachPending(ua: UserAgent | undefined): void {
    if (!ua || !this.pendingDialogs.length) return;
    const pending = this.pendingDialogs;
    this.pendingDialogs = [];
    for (const dialog of pending) this.reattach(ua, dialog);
  }

  /**
   * Takes a call back: a new dialog to the far end's Contact that replaces the old one (RFC 3891:
   * to-tag is the far end's tag, from-tag ours). The call keeps its id and its answer time; the
   * far end drops the old dialog without ending its call. A refusal means the call ended while the
   * page reloaded (481: the far end no longer has the dialog).
   */
  private reattach(ua: UserAgent, dialog: PersistedDialog): void {
    const { logger, emit } = this.ctx;
    const target = UserAgent.makeURI(dialog.remoteTarget);
    const to = UserAgent.makeURI(dialog.remoteUri);
    if (!target || !to) {
      logger.log('warn', 'a kept dialog names no usable address; the call cannot be taken back', { callId: dialog.callId });
      emit('ended', dialog.callId, 'failed', 'the call ended during the reload (its dialog could not be read)');
      return;
    }
    const inviter = new Inviter(ua, target, {
      extraHeaders: [`Replaces: ${dialog.sipCallId};to-tag=${dialog.remoteTag};from-tag=${dialog.localTag}`],
      params: { toUri: to, ...(dialog.remote.displayName ? { toDisplayName: dialog.remote.displayName } : {}) },
      // Always offered sendrecv: a far end answering a sendonly offer binds the m-line to a new,
      // trackless transceiver (JSEP reuses addTrack's only for sendrecv/recvonly offers) and never
      // sends again after the resume. A held call is held again by re-INVITE once it is back.
      sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } as Web.SessionDescriptionHandlerOptions,
    });
    const call = new SipCall(dialog.callId, dialog.direction, inviter, dialog.remote, dialog.internal, this.ctx.createOutput());
    // Set up like a call we place, whatever its direction: it is not an offer to answer.
    call.phase = 'dialing';
    call.startTakeBack(dialog);
    call.held = dialog.held;
    call.muted = dialog.muted;
    call.establishedAt = dialog.establishedAt;
    this.ctx.calls.set(call.id, call);
    inviter.delegate = this.ctx.sessions.sessionDelegate(call, inviter);
    this.ctx.sessions.watchSession(call, inviter);
    logger.log('info', 'taking a call back after the reload (INVITE with Replaces)', { callId: call.id, replaces: dialog.sipCallId });
    void inviter
      .invite({
        requestDelegate: {
          onReject: (response) => {
            const { statusCode, reasonPhrase } = response.message;
            // 481: the far end has no such dialog any more, so it hung up (or gave up) meanwhile.
            call.endReason ??= statusCode === 481 ? 'remote-hangup' : 'failed';
            call.endDetail = `the call ended during the reload (${statusCode} ${reasonPhrase})`;
          },
        },
      })
      .catch((error: unknown) => {
        call.endReason ??= 'failed';
        call.endDetail ??= `the call ended during the reload (${String(error)})`;
        this.ctx.sessions.end(call, call.endReason);
      });
  }

  /** The calls the previous page left that could not be tried (no sign-in): they ended during the reload. */
  private abandonPendingDialogs(why: string): void {
    const pending = this.pendingDialogs;
    if (!pending.length) return;
    this.pendingDialogs = [];
    for (const dialog of pending) this.ctx.emit('ended', dialog.callId, 'failed', `the call ended during the reload (${why})`);
    this.persistDialogs();
  }
}
