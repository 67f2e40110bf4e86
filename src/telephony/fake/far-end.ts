/**
 * One call as the fake phone system sees it, and the handle a test holds to play the other party
 * (the caller of an inbound call, the callee of an outbound one).
 */
import type { AttachedData, CallQuality, EndReason, Party } from '../../core/index.ts';

/** How the far end of a call the agent places (dial, consult, blind-transfer target) behaves. */
export type FarEndBehaviour =
  | 'answer' //    rings (180), then answers (200)
  | 'busy' //      486 Busy Here at once
  | 'no-answer' // rings, then gives up (480 Temporarily Unavailable)
  | 'reject' //    603 Decline at once
  | 'manual'; //   rings until the test calls answer() or reject() on the handle

export type PhoneCallStatus = 'refused' | 'ringing' | 'active' | 'ended';

/** The far end's controls and what it observed. Obtained from `callAgent` or `phone.farEnd(callId)`. */
export interface FarEnd {
  readonly callId: string;
  /** The call's direction from the agent's side. */
  readonly direction: 'inbound' | 'outbound';
  readonly status: PhoneCallStatus;
  /** The final SIP response the far end got or gave: 200, 486 (refused/busy), 603, 487 (cancelled)… */
  readonly sipCode?: number;
  readonly endReason?: EndReason;
  /** DTMF digits the agent sent, in order. */
  readonly dtmf: string;
  readonly muted: boolean;
  /** Held by either side. */
  readonly held: boolean;
  readonly conferencedWith: readonly string[];
  /** Where the call went after a successful transfer. */
  readonly transferredTo?: string;
  readonly consultationFor?: string;
  readonly attachedData: AttachedData;
  /** Resolves true when the call is answered, false when it ends (or is refused) unanswered. */
  readonly answeredPromise: Promise<boolean>;
  /** Resolves with the reason the agent's side ended (`rejected` for a call refused before ringing). */
  readonly endedPromise: Promise<EndReason>;
  /** Caller gives up before the agent answers (CANCEL): the agent's call ends as `missed`. */
  /** `answeredElsewhere`: the phone system cancels because another phone answered (a ring group). */
  cancel(options?: { readonly answeredElsewhere?: boolean }): void;
  /** Far end hangs up (BYE); before answer an inbound caller's hangup is a cancel. */
  hangup(): void;
  /** Callee answers an outbound call that is ringing (behaviour `manual`). */
  answer(): void;
  /** Callee refuses an outbound call that is ringing: 486/600 → busy, 408/480 → no-answer, else rejected. */
  reject(code?: number): void;
  /** Far end puts the call on hold / takes it off hold (re-INVITE from the other side). */
  hold(): void;
  resume(): void;
  /** Reports measured call quality to the agent. */
  reportQuality(quality: CallQuality): void;
}

/** Internal mutable record of a call; `FarEnd` is its public face. */
export interface PhoneCallRecord {
  readonly id: string;
  readonly agent: string;
  readonly direction: 'inbound' | 'outbound';
  readonly remote: Party;
  readonly internal: boolean;
  readonly attachedData: AttachedData;
  readonly dialed?: string;
  consultationFor?: string;
  status: PhoneCallStatus;
  sipCode?: number;
  endReason?: EndReason;
  /** The agent was told about it (incoming, or a resolved dial/consult): it owes one `ended`. */
  announced: boolean;
  heldByAgent: boolean;
  heldByFarEnd: boolean;
  muted: boolean;
  dtmf: string;
  conferencedWith: string[];
  transferredTo?: string;
  answered: (value: boolean) => void;
  ended: (reason: EndReason) => void;
}
