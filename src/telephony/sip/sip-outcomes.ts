/**
 * What SIP final responses mean for a call, in one place, so the SIP adapter and the in-memory
 * phone system (src/telephony/fake) can never disagree: how the agent declines an offer, and why
 * a call we placed ended when the far end (or the phone system) refused it.
 */
import type { EndReason } from '../../core/index.ts';

/** The final responses a decline may send. */
export type DeclineStatus = 480 | 486 | 603;

export interface DeclineContext {
  /** The agent's own extension (the user part of its registered address). */
  readonly ownExtension: string | undefined;
  /** The number the caller dialled, as the offer names it (SIP: the To user). */
  readonly dialed: string | undefined;
  /** The phone system says it retargeted the call (SIP: a `Diversion` or `History-Info` header). */
  readonly retargeted: boolean;
  /** The agent is not taking calls now (chose away or offline, perhaps while this one rang). */
  readonly unavailable: boolean;
}

/**
 * The final response that declines an offer.
 *
 * A 6xx is global (RFC 3261 §16.7): a forking proxy that receives 603 from one branch cancels every
 * other branch and sends 603 to the caller. The embedded server and Kamailio's tm both do that, so
 * one agent declining a ring-group, queue or forwarded offer would end the call for every colleague
 * still ringing. Only a call that was for this agent alone may be declined with 603.
 *
 * The rule: an offer is the agent's own when the caller dialled the agent's extension (a ring
 * group, a queue or a DID keeps the number the caller dialled in To, while the Request-URI is
 * rewritten to the agent's contact: RFC 3261 §16.5, what the embedded server (ring-group.ts,
 * call-queue.ts) and Kamailio's lookup() do) and nothing says the call was retargeted to us (a
 * forwarded call carries `Diversion`, RFC 5806, or `History-Info`, RFC 7044). Everything else is a
 * group offer and gets a 4xx, which ends only this branch: 480 Temporarily Unavailable when the
 * agent is not available (away or offline), else 486 Busy Here. When we cannot tell (no dialled
 * number), we assume a group offer: a needless 486 costs nothing, a wrong 603 drops a caller.
 */
export function declineStatus(offer: DeclineContext): DeclineStatus {
  const own = offer.ownExtension !== undefined && offer.dialed !== undefined && sameUser(offer.dialed, offer.ownExtension);
  if (own && !offer.retargeted) return 603;
  return offer.unavailable ? 480 : 486;
}

/** SIP user parts compared as RFC 3261 §19.1.4 does: after unescaping, case-sensitive. */
function sameUser(a: string, b: string): boolean {
  return unescape(a) === unescape(b);
}

function unescape(user: string): string {
  try {
    return decodeURIComponent(user);
  } catch {
    return user;
  }
}

/**
 * Why a call we placed ended when it got a final failure response:
 * - 486 Busy Here, 600 Busy Everywhere → `busy`;
 * - 408 Request Timeout, 480 Temporarily Unavailable → `no-answer` (a proxy's ring timeout, a callee
 *   not reachable now);
 * - 404 Not Found, 410 Gone, 484 Address Incomplete, 485 Ambiguous, 604 Does Not Exist Anywhere →
 *   `not-found` (a gateway maps an unallocated number, Q.850 cause 1, to 404);
 * - 487 Request Terminated → `local-hangup` (we cancelled it);
 * - 5xx → `failed` (the phone system or a gateway broke, not the callee);
 * - anything else (603 Decline, 403, 488…) → `rejected`.
 */
export function endReasonOfFailure(statusCode: number): EndReason {
  if (statusCode === 486 || statusCode === 600) return 'busy';
  if (statusCode === 408 || statusCode === 480) return 'no-answer';
  if (statusCode === 404 || statusCode === 410 || statusCode === 484 || statusCode === 485 || statusCode === 604) return 'not-found';
  if (statusCode === 487) return 'local-hangup';
  if (statusCode >= 500 && statusCode <= 599) return 'failed';
  return 'rejected';
}
