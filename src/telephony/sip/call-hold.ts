/**
 * Hold and resume by re-INVITE (sendonly, then sendrecv again), and the hold a reload must
 * restore while such a re-INVITE is still unanswered (`SipCall.holdWanted`).
 *
 * A hold can cross another offer on the dialog: the far end's own re-INVITE (an ICE restart, its
 * hold), or ours still pending. Such a hold is not refused, it is late: after a 491 it is sent
 * again after RFC 3261 §14.1's wait, after a 500 with Retry-After once that has passed (RFC 3261
 * §14.2, sip.js's answer to a re-INVITE that arrives before its ACK is processed), and when one of
 * our own re-INVITEs is still pending, once it may be done. Giving up would leave a customer the
 * agent put on hold hearing the agent (the hold a reload restores is sent right after a take-back,
 * while the far end may still be settling the new dialog).
 */
import { Inviter, RequestPendingError, type Web } from 'sip.js';
import { SwitchboardError, type Clock } from '../../core/index.ts';
import { glareDelay, type RandomSource } from './backoff.ts';
import type { SipCall } from './sip-call.ts';

/** Tries of one hold or resume, the first included, before it is reported as failed. */
const HOLD_ATTEMPTS = 5;
/** Retry-After is advice (0-10 s per RFC 3261 §14.2); a hold that waits longer than this is no use to the agent. */
const MAX_RETRY_AFTER_MS = 4000;
/** How long to wait for our own pending re-INVITE (an ICE restart) before trying again. */
const PENDING_WAIT_MS = 500;

/** What a hold needs besides the call: time to wait in, and chance for RFC 3261's random waits. */
export interface HoldTiming {
  readonly clock: Pick<Clock, 'setTimeout'>;
  readonly random: RandomSource;
}

/** Holds or resumes `call`; `changed` runs once the far end accepted and the media follows. */
export async function setHold(call: SipCall, hold: boolean, timing: HoldTiming, changed: () => void): Promise<void> {
  call.holdWanted = hold;
  try {
    await reInviteHold(call, hold, timing, changed);
  } finally {
    if (call.holdWanted === hold) call.holdWanted = undefined;
  }
}

/** One re-INVITE's outcome: done, or how long to wait before the next try. */
type Outcome = { readonly accepted: true } | { readonly accepted: false; readonly retryInMs: number | undefined; readonly error: SwitchboardError };

async function reInviteHold(call: SipCall, hold: boolean, timing: HoldTiming, changed: () => void): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    // A re-INVITE needs the dialog the take-back is still setting up.
    if (call.takeBack) await call.takeBack;
    if (call.phase !== 'established') throw new SwitchboardError('SB40001', `Call ${call.id} is not connected.`);
    // Another hold or resume was asked for meanwhile: it decides.
    if (attempt > 1 && call.holdWanted !== hold) return;
    if (call.held === hold) return;
    const outcome = await sendReInvite(call, hold, timing);
    if (outcome.accepted) break;
    if (outcome.retryInMs === undefined || attempt >= HOLD_ATTEMPTS) throw outcome.error;
    await new Promise<void>((resolve) => timing.clock.setTimeout(resolve, outcome.retryInMs as number));
  }
  call.held = hold;
  // Silence both ways while held (the far end may still send music); honour mute on resume.
  call.sdh?.enableReceiverTracks(!hold);
  const mic = call.microphone;
  if (mic) mic.enabled = !hold && !call.muted;
  changed();
}

function sendReInvite(call: SipCall, hold: boolean, timing: HoldTiming): Promise<Outcome> {
  const session = call.session;
  const what = hold ? 'Hold' : 'Resume';
  session.sessionDescriptionHandlerOptionsReInvite = { hold } as Web.SessionDescriptionHandlerOptions;
  return new Promise<Outcome>((resolve) => {
    session
      .invite({
        requestDelegate: {
          onAccept: () => resolve({ accepted: true }),
          onReject: (r) => {
            const { statusCode, reasonPhrase } = r.message;
            const error = new SwitchboardError('SB20005', `${what} answered ${statusCode} ${reasonPhrase}`);
            resolve({ accepted: false, retryInMs: retryDelay(statusCode ?? 0, r.message.getHeader('retry-after'), call, timing.random), error });
          },
        },
      })
      .catch((e: unknown) => {
        if (e instanceof RequestPendingError) {
          resolve({ accepted: false, retryInMs: PENDING_WAIT_MS, error: new SwitchboardError('SB20005', `${what} could not be sent: ${e.message}`, e) });
        } else {
          resolve({ accepted: false, retryInMs: undefined, error: e instanceof SwitchboardError ? e : new SwitchboardError('SB20005', String(e), e) });
        }
      });
  });
}

/** When a refused re-INVITE may go again, or undefined when it may not. */
export function retryDelay(status: number, retryAfter: string | undefined, call: Pick<SipCall, 'session'>, random: RandomSource): number | undefined {
  if (status === 491) return glareDelay(call.session instanceof Inviter, random);
  if (status === 500 && retryAfter !== undefined) {
    const seconds = Number.parseInt(retryAfter, 10);
    return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : undefined;
  }
  return undefined;
}
