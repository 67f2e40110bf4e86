/**
 * The phone system, as the core sees it. Adapters: `src/telephony/sip` (sip.js over WebSocket with
 * WebRTC media) and `src/telephony/fake` (an in-memory phone system for unit tests).
 *
 * Contract:
 * - Call ids are unique for the life of the phone system (SIP: from the Call-ID) and are used as the
 *   logged call's CallObject, so two tabs or two reloads never log one call twice.
 * - For every call the adapter announces (`incoming`, or a successful `dial`/`consult`), it MUST emit
 *   `ended` exactly once, whatever happens (remote hangup, transport loss, local command).
 * - Commands resolve when the phone system confirmed them (hold: the re-INVITE got its 200) and reject
 *   with a SwitchboardError otherwise. Events for a command's effect MAY arrive before it resolves.
 * - Listeners and the delegate MUST NOT be re-entered synchronously from within a command call.
 */
import type { EventSource } from '../events/emitter.ts';
import type { AttachedData, CallQuality, EndReason, Party } from '../call/call-types.ts';
import type { ErrorCode } from '../errors/catalog.ts';
import type { PresenceStatus } from '../presence/presence.ts';

export type RegistrationState =
  | { readonly state: 'unregistered' }
  | { readonly state: 'connecting' }
  | { readonly state: 'registered'; readonly expiresAt?: number }
  | { readonly state: 'reconnecting'; readonly attempt: number; readonly nextAttemptAt: number; readonly reason: string }
  | { readonly state: 'failed'; readonly code: ErrorCode; readonly reason: string };

export interface IncomingCall {
  readonly callId: string;
  readonly remote: Party;
  /** The number or extension that was called (a ring group, a DID, the agent's extension). */
  readonly dialed?: string;
  /** Mapped SIP headers (IVR data) and anything else the phone system attached. */
  readonly attachedData: AttachedData;
  /** True when the caller is another extension of the same phone system. */
  readonly internal: boolean;
}

export interface DialRequest {
  /** A number or extension as typed or clicked; the adapter normalises it (dialing prefixes, E.164). */
  readonly target: string;
  /** Extra data to attach (SIP headers), e.g. a record id for click-to-dial. */
  readonly attachedData?: AttachedData;
}

export interface DialResult {
  readonly callId: string;
  readonly remote: Party;
  readonly internal: boolean;
}

export interface SipCredentials {
  /** The agent's extension or SIP user name: the user part of the address (`sip:<username>@<domain>`). */
  readonly username: string;
  /** Held in memory only: never written to storage. */
  readonly password: string;
  readonly displayName?: string;
  /**
   * The digest user name, when it differs from `username`: short-lived credentials carry their
   * expiry in it (`<expiry>:<extension>`, see ../credentials/minted-credentials.ts) while the
   * address stays the bare extension. Defaults to `username`.
   */
  readonly authorizationUsername?: string;
}

/** A colleague's line state, for the transfer directory's busy lamp. */
export type LineState = 'idle' | 'ringing' | 'busy' | 'away' | 'offline' | 'unknown';

export interface AudioDevice {
  readonly deviceId: string;
  readonly kind: 'audioinput' | 'audiooutput';
  /** Empty until the page has microphone permission. */
  readonly label: string;
  /** The physical device it belongs to (a headset's microphone and earpiece share it); may be empty. */
  readonly groupId?: string;
}

/** The agent's three audio choices. */
export type AudioRole = 'microphone' | 'speaker' | 'ringer';

/**
 * Something about the agent's audio that they must know, and may be able to fix. `label` names the
 * device as the browser does (empty before microphone permission).
 * - `ringer-blocked`: the browser's autoplay policy holds sound back until a click in the softphone,
 *   so calls ring silently; a click on the panel's button fixes it (`enableSound`).
 * - `output-failed`: the chosen speaker or ringer device refused to play (setSinkId), so that role
 *   plays on the system default output.
 * - `device-missing`: the device saved for that role is not connected; the system default serves
 *   until it is back, and the choice is kept for then.
 */
export type AudioNotice =
  | { readonly kind: 'ringer-blocked' }
  | { readonly kind: 'output-failed'; readonly role: 'speaker' | 'ringer'; readonly label: string }
  | { readonly kind: 'device-missing'; readonly role: AudioRole; readonly label: string };

export interface TelephonyEvents {
  registration: [RegistrationState];
  incoming: [IncomingCall];
  /** The far end of a call we placed is ringing (180) or sent early media (183). */
  progress: [callId: string, kind: 'ringing' | 'early-media'];
  established: [callId: string];
  /** A hold or resume confirmed by the phone system, including one the far end asked for. */
  held: [callId: string, held: boolean];
  ended: [callId: string, reason: EndReason, detail?: string];
  transfer: [callId: string, progress: 'trying' | 'ringing' | 'succeeded' | 'failed', detail?: string];
  lineState: [extension: string, state: LineState];
  quality: [callId: string, quality: CallQuality];
  devices: [devices: readonly AudioDevice[]];
}

/** Decisions the core makes for the adapter (one answer each, so a delegate, not an event). */
export interface TelephonyDelegate {
  /**
   * Called for every new inbound call before it rings. Return false to refuse it (SIP 486 Busy
   * Here); a refused call MUST NOT ring and MUST NOT be announced with `incoming`.
   */
  acceptIncoming(call: IncomingCall): boolean;
}

export interface DeclineOptions {
  /**
   * The agent is not taking calls (their chosen status is away or offline, perhaps chosen while the
   * call rang): a group offer is then declined with 480 Temporarily Unavailable, not 486 Busy Here.
   */
  readonly unavailable?: boolean;
}

/**
 * A call an earlier page of this tab left up when it reloaded, which the adapter takes back
 * (SIP: INVITE with Replaces once registered). The call keeps its id.
 */
export interface ReattachingCall {
  readonly callId: string;
  readonly direction: 'inbound' | 'outbound';
  readonly internal: boolean;
  readonly remote: Party;
  /** When the call was answered (epoch ms). */
  readonly answeredAt: number;
  /** When the page that held the call last vouched for it (its `pagehide`, or its last state change). */
  readonly leftAt: number;
  readonly held: boolean;
  readonly muted: boolean;
}

export interface TelephonyPort {
  readonly events: EventSource<TelephonyEvents>;
  setDelegate(delegate: TelephonyDelegate): void;
  /**
   * Calls being taken back after a reload, known from the adapter's creation. Each MUST end in
   * `established` (it goes on under the same id) or `ended` (it ended during the reload), like an
   * announced call. Adapters that cannot keep calls across a reload leave it undefined.
   */
  readonly reattaching?: readonly ReattachingCall[];

  /** Connects and registers; keeps the registration alive (re-register, reconnect) until `unregister`. */
  register(credentials: SipCredentials): Promise<void>;
  unregister(): Promise<void>;
  /**
   * Hands renewed credentials to the live registration (short-lived credentials being refreshed).
   * The next REGISTER refresh and every later digest challenge (INVITE, re-INVITE, REFER, PUBLISH,
   * SUBSCRIBE) MUST answer with them. It MUST NOT unregister, reconnect or touch calls in progress.
   * A registration that failed since (the old credential expired) MUST be tried again with them.
   * Rejects with SB40001 when nothing is registered or `username` (the address) is not the
   * registered one: an address change is a new sign-in.
   */
  updateCredentials(credentials: SipCredentials): Promise<void>;

  dial(request: DialRequest): Promise<DialResult>;
  answer(callId: string): Promise<void>;
  /**
   * Refuses an offered call. The adapter picks the response by the rule of `declineStatus`
   * (telephony/sip/sip-outcomes.ts): 603 only for a call to the agent's own extension, else 486 or 480, so
   * that declining a ring-group offer never ends the call for the colleagues it rings too.
   */
  decline(callId: string, options?: DeclineOptions): Promise<void>;
  hangup(callId: string): Promise<void>;
  hold(callId: string): Promise<void>;
  resume(callId: string): Promise<void>;
  setMuted(callId: string, muted: boolean): Promise<void>;
  sendDtmf(callId: string, digits: string): Promise<void>;
  /** Blind transfer (REFER). The call ends with reason `transferred` when the transfer succeeded. */
  blindTransfer(callId: string, target: string): Promise<void>;
  /** Starts a consultation call to `target`; the caller is put on hold first. */
  consult(callId: string, target: string): Promise<DialResult>;
  /** Joins the original call and the consultation (REFER with Replaces); both end as `transferred`. */
  completeTransfer(callId: string, consultationId: string): Promise<void>;
  /** Mixes the calls' audio so every party hears every other (three-way conference). */
  conference(callIds: readonly string[]): Promise<void>;

  /** Tells the phone system the agent's status (SIP PUBLISH) where it supports that. */
  publishPresence(status: PresenceStatus): Promise<void>;
  /** Watches colleagues' line state (busy lamp); replaces the previous list. */
  watchLines(extensions: readonly string[]): Promise<void>;
}
