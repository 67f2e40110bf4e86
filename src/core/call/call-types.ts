/** The call model: plain data, serialisable, shared by every layer. */

export type CallDirection = 'inbound' | 'outbound' | 'internal';

export interface Party {
  /** The number as dialled or as received (`+1 415-555-0134`, `0207 946 0958`, `1002`). */
  readonly number: string;
  /** The same number in E.164 when it could be normalised (`+14155550134`). */
  readonly e164?: string;
  readonly displayName?: string;
}

/** Key/values the phone system attached to the call (IVR data from mapped SIP headers). */
export type AttachedData = Readonly<Record<string, string>>;

/** Why a call ended. */
export type EndReason =
  | 'local-hangup' //   the agent hung up
  | 'remote-hangup' //  the other party hung up
  | 'declined' //       the agent declined an offered call
  | 'missed' //         the caller gave up (CANCEL) before the agent answered
  | 'answered-elsewhere' // another phone took the call (a ring group or parallel fork cancelled this
  //                     one with `Reason: SIP;cause=200`, RFC 3326): not this agent's call, not logged
  | 'rejected' //       the far end refused our call (603 and other 4xx/6xx not named below)
  | 'busy' //           the far end was busy (486/600)
  | 'no-answer' //      nobody answered our call in time, or the callee is not reachable now (408/480)
  | 'not-found' //      no such number or user (404/410/484/485/604)
  | 'failed' //         signalling or media failed, or the phone system did (5xx)
  | 'transferred' //    the call left us by a transfer
  | 'replaced'; //      the call was replaced (consultative transfer completed elsewhere)

export interface HoldInterval {
  readonly start: number;
  readonly end?: number;
}

export interface CallTimestamps {
  /** When the call was offered to the agent (inbound) or dialled (outbound). */
  readonly offered: number;
  readonly answered?: number;
  readonly holds: readonly HoldInterval[];
  readonly ended?: number;
  /** When wrap-up completed and the call was handed to logging. */
  readonly closed?: number;
}

/** A Salesforce record (or any CRM record) the call relates to. */
export interface RecordRef {
  readonly id: string;
  /** API name of the object: `Contact`, `Account`, `Case`, `Lead`, … */
  readonly objectType: string;
  readonly name?: string;
  /** Extra display fields from the softphone layout, label → value. */
  readonly fields?: Readonly<Record<string, string>>;
}

export interface CallRelations {
  /** A person: Contact or Lead (`WhoId`). */
  readonly who?: RecordRef;
  /** A thing: Account, Case, Opportunity… (`WhatId`). */
  readonly what?: RecordRef;
  /** Every match the screen pop found; when several, the agent picks. */
  readonly candidates: readonly RecordRef[];
  /**
   * Records the agent opened or created in the console during the call (a contact saved from the
   * no-match form, an account looked up mid-conversation): wrap-up offers them as Who and What.
   */
  readonly opened?: readonly RecordRef[];
}

export interface TimelineEntry {
  readonly at: number;
  /** Short machine-readable kind: `state`, `pop`, `log`, `hold`, `transfer`, `error`, … */
  readonly kind: string;
  /** Human explanation, e.g. "Case 00001042 found from X-Case-Number; popped it". */
  readonly text: string;
}

/**
 * How this agent's part of a conversation ended by handing the other party on: the Task records
 * the kind and the target (logging model, README "Call logging").
 */
export interface TransferRecord {
  /** `blind`: REFER without talking first; `consultative`: after a consultation; `conference`: the agent left a conference, joining the others. */
  readonly kind: 'blind' | 'consultative' | 'conference';
  readonly target: Party;
  readonly at: number;
}

/**
 * A consultation (a second call the agent placed about this one), folded into this call's log
 * instead of a Task of its own.
 */
export interface ConsultationRecord {
  readonly callId: string;
  readonly target: Party;
  readonly startedAt: number;
  readonly answeredAt?: number;
  /** Seconds the agent talked with the consulted party (0 when they never answered). */
  readonly talkSeconds: number;
  /** `open` while it goes on; then what became of it. */
  readonly outcome: 'open' | 'transferred' | 'conferenced' | 'ended' | 'not-answered';
  /** Why a consultation nobody answered ended (busy, no-answer, local-hangup…). */
  readonly endReason?: EndReason;
}

export interface CallQuality {
  readonly packetLossPercent: number;
  readonly jitterMs: number;
  readonly roundTripMs: number;
  /** Estimated mean opinion score, 1 (bad) to 4.5 (excellent), from the E-model. */
  readonly mos: number;
}
