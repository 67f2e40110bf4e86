/**
 * Salesforce's side of the Salesforce Voice connector wire protocol, as pure functions: which call
 * centers are Voice call centers, the SETUP_CONNECTOR config, the shape checks of every message the
 * connector sends over the MessagePort, the reducer that turns them into the phone's state plus
 * effects for the console (screen pop, VoiceCall updates, event log), and the messages the phone
 * sends back. Written from the published message and event tables of Salesforce's partner telephony
 * (the Service Cloud Voice developer guide's connector API), not from the base library's classes: the
 * console must accept what any connector sends and refuse the rest.
 *
 * State of the phone (one call, at most one third party):
 *
 *   connecting ──CONNECTOR_READY──▶ ready ◀──LOGIN_RESULT{success}── login
 *        │                           │  ▲                              ▲
 *        └────────SHOW_LOGIN─────────┼──┼──────────────────────────────┘
 *                                    │  └── LOGOUT_RESULT{success} → login
 *   call:  ringing/dialing ──CALL_CONNECTED──▶ connected ──HANGUP──▶ wrap-up (when ACW is allowed) ──Done──▶ none
 */

export type JsonObject = Record<string, unknown>;

/** Salesforce's own phone call states as the UI shows them. */
export type CallPhase = 'ringing' | 'dialing' | 'connected';

export interface CallView {
  readonly callId: string;
  readonly voiceCallId: string | undefined;
  /** Salesforce's CALL_TYPE, lower case as the base compares it (inbound, outbound, callback…). */
  readonly callType: string;
  readonly phoneNumber: string;
  readonly phase: CallPhase;
  readonly muted: boolean;
  readonly onHold: boolean;
  /** Re-sent by the connector after a console refresh (AGENT_AVAILABLE or callInProgress). */
  readonly replayed: boolean;
  /** The call object as the connector sent it, given back in every message about this call. */
  readonly raw: JsonObject;
}

export interface ParticipantView {
  readonly callId: string;
  readonly phoneNumber: string;
  readonly phase: 'ringing' | 'connected';
  readonly onHold: boolean;
  readonly raw: JsonObject;
}

/** A phone book entry the connector gave (PHONE_CONTACTS), as Salesforce's transfer list shows it. */
export interface PhoneContactView {
  readonly id: string;
  readonly name: string;
  readonly phoneNumber: string;
  /** AVAILABLE, BUSY or OFFLINE when the connector provides availability (VENDOR_PROVIDED_AVAILABILITY). */
  readonly availability: string | undefined;
  /** The contact as the connector sent it, given back in ADD_PARTICIPANT. */
  readonly raw: JsonObject;
}

export interface Notice {
  readonly level: 'error' | 'warning' | 'info';
  readonly message: string;
}

export interface AgentStatus {
  /** SCV AGENT_STATUS: the status type the connector is told. */
  readonly agentStatus: 'Online' | 'Offline';
  readonly statusId: string;
  readonly statusApiName: string;
  readonly statusName: string;
}

export interface VoiceState {
  readonly phase: 'connecting' | 'login' | 'ready';
  readonly loginFrameHeight: number;
  readonly capabilities: Readonly<Record<string, unknown>>;
  readonly agentConfig: JsonObject | null;
  readonly call: CallView | null;
  readonly participant: ParticipantView | null;
  readonly merged: boolean;
  /** CONFERENCE was sent: base 3.x answers with a plain HOLD_TOGGLE (no isCallMerged), which then means merged. */
  readonly conferencing: boolean;
  readonly wrapUp: { readonly callId: string; readonly voiceCallId: string | undefined; readonly raw: JsonObject } | null;
  readonly notices: readonly Notice[];
  /** The status asked of the connector and not yet confirmed by SET_AGENT_STATUS_RESULT. */
  readonly statusPending: AgentStatus | null;
  readonly status: AgentStatus | null;
  readonly acwAllowed: boolean;
  /** The connector's phone book, as its last PHONE_CONTACTS gave it (asked with GET_PHONE_CONTACTS). */
  readonly contacts: readonly PhoneContactView[];
}

export function initialState(acwAllowed: boolean): VoiceState {
  return {
    phase: 'connecting',
    loginFrameHeight: 350,
    capabilities: {},
    agentConfig: null,
    call: null,
    participant: null,
    merged: false,
    conferencing: false,
    wrapUp: null,
    notices: [],
    statusPending: null,
    status: null,
    acwAllowed,
    contacts: [],
  };
}

/** Messages Salesforce sends the connector (table 1.3) that this console sends. */
export type OutMessage =
  | { type: 'SETUP_CONNECTOR'; connectorConfig: Readonly<Record<string, string | boolean>> }
  | { type: 'ACCEPT_CALL' | 'DECLINE_CALL' | 'MUTE' | 'UNMUTE' | 'HOLD' | 'RESUME' | 'WRAP_UP_CALL'; call: JsonObject }
  | { type: 'END_CALL'; call: JsonObject; agentStatus: string }
  | { type: 'DIAL'; contact: JsonObject; params: string }
  | { type: 'SEND_DIGITS'; digits: string }
  | { type: 'ADD_PARTICIPANT'; contact: JsonObject; call: JsonObject; isBlindTransfer: boolean }
  | { type: 'GET_PHONE_CONTACTS'; filter: { contains?: string } }
  | { type: 'CONFERENCE'; calls: JsonObject[] }
  | { type: 'SWAP_PARTICIPANTS'; callToHold: JsonObject; callToResume: JsonObject }
  | { type: 'SET_AGENT_STATUS'; agentStatus: string; statusInfo: { statusId: string; statusApiName: string; statusName: string }; enqueueNextState: boolean }
  | { type: 'LOGOUT' | 'DOWNLOAD_VENDOR_LOGS' }
  | { type: 'AGENT_AVAILABLE'; isAvailable: boolean };

export interface ReadyPayload {
  agentConfig?: JsonObject;
  capabilities?: JsonObject;
  callInProgress?: JsonObject | null;
}

/** Messages the connector sends on the port (§1.1 wire format). */
export type InMessage =
  | { type: 'CONNECTOR_READY'; payload: ReadyPayload }
  | { type: 'TELEPHONY_EVENT_DISPATCHED'; payload: { telephonyEventType: string; telephonyEventPayload: unknown } }
  | { type: 'LOG'; payload: { eventType: string; payload: unknown; isError: boolean } };

export type Effect =
  /** Open the VoiceCall's record page; link the caller's record when the number matches one. */
  | { readonly kind: 'screen-pop'; readonly voiceCallId: string; readonly phoneNumber: string }
  /** The agent accepted an inbound call: CallAcceptDateTime and UserId. */
  | { readonly kind: 'accepted'; readonly voiceCallId: string }
  /** An outbound call began without a VoiceCall: Salesforce creates it (vendorCallKey = callId). */
  | { readonly kind: 'outbound-started'; readonly callId: string; readonly phoneNumber: string }
  /** The connector changed the agent's presence itself (vendor-initiated SET_AGENT_STATUS). */
  | { readonly kind: 'status-changed'; readonly statusId: string }
  | { readonly kind: 'status-confirmed'; readonly status: AgentStatus }
  | { readonly kind: 'status-refused'; readonly status: AgentStatus }
  | { readonly kind: 'log'; readonly eventType: string; readonly payload: unknown; readonly isError: boolean };

export interface Step {
  readonly state: VoiceState;
  readonly effects: readonly Effect[];
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Checks one port message; answers the message, or a sentence saying what is wrong with it (the
 * console logs refusals and ignores them: a connector cannot change the phone with a bad message).
 */
export function parseInbound(data: unknown): InMessage | { error: string } {
  if (!isObject(data)) return { error: `a port message must be an object; got ${describe(data)}` };
  const { type, payload } = data;
  if (type === 'CONNECTOR_READY') {
    // The base posts `payload: {}` when getAgentConfig or getCapabilities throws: still ready.
    if (!isObject(payload)) return { error: 'CONNECTOR_READY needs a payload object' };
    if (payload.agentConfig !== undefined && !isObject(payload.agentConfig)) return { error: 'CONNECTOR_READY payload.agentConfig must be an object' };
    if (payload.capabilities !== undefined && !isObject(payload.capabilities)) return { error: 'CONNECTOR_READY payload.capabilities must be an object' };
    const cip = payload.callInProgress;
    if (cip !== undefined && cip !== null && !(isObject(cip) && str(cip.callId)))
      return { error: 'CONNECTOR_READY payload.callInProgress must be null or a call with a callId' };
    return { type, payload: payload as ReadyPayload };
  }
  if (type === 'TELEPHONY_EVENT_DISPATCHED') {
    if (!isObject(payload) || !str(payload.telephonyEventType)) return { error: 'TELEPHONY_EVENT_DISPATCHED needs payload.telephonyEventType (a string)' };
    return { type, payload: { telephonyEventType: payload.telephonyEventType as string, telephonyEventPayload: payload.telephonyEventPayload } };
  }
  if (type === 'LOG') {
    if (!isObject(payload) || typeof payload.eventType !== 'string') return { error: 'LOG needs payload.eventType (a string)' };
    return { type, payload: { eventType: payload.eventType, payload: payload.payload ?? null, isError: payload.isError === true } };
  }
  return { error: `unknown message type ${describe(type)}` };
}

function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  try {
    const s = JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return typeof v;
  }
}

/** A call object from an event, or undefined when it has no callId. */
function callOf(v: unknown): JsonObject | undefined {
  return isObject(v) && str(v.callId) ? v : undefined;
}

function phoneOf(call: JsonObject): string {
  const contact = isObject(call.contact) ? call.contact : undefined;
  const from = isObject(call.fromContact) ? call.fromContact : undefined;
  return str(call.phoneNumber) ?? str(contact?.phoneNumber) ?? str(from?.phoneNumber) ?? '';
}

function viewOf(call: JsonObject, phase: CallPhase, previous: CallView | null): CallView {
  const attrs = isObject(call.callAttributes) ? call.callAttributes : {};
  const info = isObject(call.callInfo) ? call.callInfo : {};
  const same = previous?.callId === call.callId ? previous : null;
  return {
    callId: call.callId as string,
    voiceCallId: str(attrs.voiceCallId) ?? same?.voiceCallId,
    callType: (str(call.callType) ?? same?.callType ?? 'inbound').toLowerCase(),
    phoneNumber: phoneOf(call) || (same?.phoneNumber ?? ''),
    phase,
    muted: typeof info.isMuted === 'boolean' ? info.isMuted : (same?.muted ?? false),
    onHold: typeof info.isOnHold === 'boolean' ? info.isOnHold : (same?.onHold ?? false),
    replayed: call.isReplayedCall === true,
    raw: call,
  };
}

const OUTBOUND_TYPES = ['outbound', 'dialedcallback'];

/** The base's CALL_STATE of a call, as the UI phase (undefined for ended and transfer states). */
function phaseOfState(call: JsonObject): CallPhase | undefined {
  const state = typeof call.state === 'string' ? call.state.toLowerCase() : '';
  if (state === 'connected') return 'connected';
  if (state === 'ringing') return OUTBOUND_TYPES.includes(String(call.callType).toLowerCase()) ? 'dialing' : 'ringing';
  return undefined;
}

const notice = (s: VoiceState, n: Notice): VoiceState => ({ ...s, notices: [...s.notices.slice(-9), n] });

/** One port message → the next state and what the console must do. */
export function reduce(s: VoiceState, msg: InMessage): Step {
  if (msg.type === 'LOG')
    return { state: s, effects: [{ kind: 'log', eventType: msg.payload.eventType, payload: msg.payload.payload, isError: msg.payload.isError }] };
  if (msg.type === 'CONNECTOR_READY') {
    const p = msg.payload;
    let next: VoiceState = { ...s, phase: 'ready', capabilities: p.capabilities ?? {}, agentConfig: p.agentConfig ?? null };
    const effects: Effect[] = [{ kind: 'log', eventType: 'CONNECTOR_READY', payload: p, isError: false }];
    const cip = callOf(p.callInProgress);
    const phase = cip ? phaseOfState(cip) : undefined;
    if (cip && phase) {
      next = { ...next, call: { ...viewOf(cip, phase, s.call), replayed: true } };
      if (next.call?.voiceCallId) effects.push({ kind: 'screen-pop', voiceCallId: next.call.voiceCallId, phoneNumber: next.call.phoneNumber });
    }
    return { state: next, effects };
  }
  return event(s, msg.payload.telephonyEventType, msg.payload.telephonyEventPayload);
}

function event(s: VoiceState, type: string, payload: unknown): Step {
  const p = isObject(payload) ? payload : {};
  const log: Effect = { kind: 'log', eventType: type, payload: payload ?? null, isError: type === 'ERROR' };
  const done = (state: VoiceState, ...effects: Effect[]): Step => ({ state, effects: [log, ...effects] });
  switch (type) {
    case 'SHOW_LOGIN':
      return done({ ...s, phase: 'login', loginFrameHeight: typeof p.loginFrameHeight === 'number' && p.loginFrameHeight > 0 ? p.loginFrameHeight : 350 });
    case 'LOGIN_RESULT':
      return p.success === true ? done({ ...s, phase: 'connecting' }) : done(notice(s, { level: 'error', message: 'The phone system sign-in failed.' }));
    case 'LOGOUT_RESULT':
      return p.success === true
        ? done({ ...s, phase: 'login', loginFrameHeight: typeof p.loginFrameHeight === 'number' ? p.loginFrameHeight : 350, status: null, statusPending: null })
        : done(notice(s, { level: 'error', message: 'The phone system did not log out.' }));
    case 'CALL_STARTED':
    case 'QUEUED_CALL_STARTED': {
      const call = callOf(payload);
      if (!call) return done(notice(s, { level: 'error', message: `${type} without a call (no callId): ignored.` }));
      const outbound = OUTBOUND_TYPES.includes(String(call.callType).toLowerCase());
      const view = viewOf(call, outbound ? 'dialing' : 'ringing', s.call);
      // A replay or a repeat of the call on screen changes nothing in the org.
      const repeat = s.call?.callId === view.callId;
      const next = { ...s, call: { ...view, voiceCallId: view.voiceCallId ?? (repeat ? s.call?.voiceCallId : undefined) }, wrapUp: null };
      if (next.call.voiceCallId)
        return done(next, ...(repeat ? [] : [{ kind: 'screen-pop' as const, voiceCallId: next.call.voiceCallId, phoneNumber: view.phoneNumber }]));
      if (outbound && !repeat) return done(next, { kind: 'outbound-started', callId: view.callId, phoneNumber: view.phoneNumber });
      return done(next);
    }
    case 'CALL_CONNECTED': {
      const call = callOf(payload);
      if (!call) return done(notice(s, { level: 'error', message: 'CALL_CONNECTED without a call (no callId): ignored.' }));
      const wasRinging = s.call !== null && s.call.callId === call.callId && s.call.phase === 'ringing';
      const view = viewOf(call, 'connected', s.call);
      const next = { ...s, call: view, wrapUp: null };
      const effects: Effect[] = [];
      if (wasRinging && view.voiceCallId && !view.replayed) effects.push({ kind: 'accepted', voiceCallId: view.voiceCallId });
      // A call first seen connected (replayed after a refresh) is popped again.
      if (s.call?.callId !== call.callId && view.voiceCallId)
        effects.push({ kind: 'screen-pop', voiceCallId: view.voiceCallId, phoneNumber: view.phoneNumber });
      return done(next, ...effects);
    }
    case 'CALL_FAILED':
      return done(notice({ ...s, call: s.call?.phase === 'dialing' ? null : s.call }, { level: 'error', message: 'The call could not be placed.' }));
    case 'HANGUP': {
      // DECLINE_CALL's HANGUP carries one call; END_CALL's and the connector's carry a list.
      const calls = (Array.isArray(payload) ? payload : [payload]).map(callOf).filter((c): c is JsonObject => c !== undefined);
      const ids = new Set(calls.map((c) => c.callId as string));
      if (s.participant && ids.has(s.participant.callId) && !(s.call && ids.has(s.call.callId))) return done({ ...s, participant: null, merged: false });
      if (!s.call || (ids.size > 0 && !ids.has(s.call.callId) && !(s.participant && ids.has(s.participant.callId)))) return done(s);
      const ended = s.call;
      const wasAnswered = ended.phase === 'connected';
      const wrapUp = s.acwAllowed && wasAnswered ? { callId: ended.callId, voiceCallId: ended.voiceCallId, raw: ended.raw } : null;
      return done({ ...s, call: null, participant: null, merged: false, wrapUp });
    }
    case 'AFTER_CALL_WORK_STARTED': {
      const callId = str(p.callId);
      if (s.wrapUp || !callId) return done(s);
      if (s.call && s.call.callId !== callId) return done(s);
      return done({ ...s, wrapUp: { callId, voiceCallId: s.call?.voiceCallId, raw: s.call?.raw ?? { callId } } });
    }
    case 'WRAP_UP_ENDED':
      return done({ ...s, wrapUp: null });
    case 'MUTE_TOGGLE':
      if (!s.call || typeof p.isMuted !== 'boolean') return done(s);
      return done({ ...s, call: { ...s.call, muted: p.isMuted } });
    case 'HOLD_TOGGLE': {
      const call = s.call && typeof p.isCustomerOnHold === 'boolean' ? { ...s.call, onHold: p.isCustomerOnHold } : s.call;
      const participant = s.participant && typeof p.isThirdPartyOnHold === 'boolean' ? { ...s.participant, onHold: p.isThirdPartyOnHold } : s.participant;
      const merged = p.isCallMerged === true || (s.conferencing && p.isCustomerOnHold === false && p.isThirdPartyOnHold === false);
      return done({ ...s, call, participant, merged: merged || s.merged, conferencing: false });
    }
    case 'PARTICIPANT_ADDED':
    case 'PARTICIPANT_CONNECTED': {
      const callId = str(p.callId);
      if (!callId) return done(s);
      const phase = type === 'PARTICIPANT_ADDED' ? 'ringing' : 'connected';
      const raw: JsonObject = {
        callId,
        phoneNumber: str(p.phoneNumber) ?? '',
        ...(isObject(p.callInfo) ? { callInfo: p.callInfo } : {}),
        ...(isObject(p.callAttributes) ? { callAttributes: p.callAttributes } : {}),
      };
      const participant: ParticipantView = {
        callId,
        phoneNumber: str(p.phoneNumber) ?? s.participant?.phoneNumber ?? '',
        phase,
        onHold: s.participant?.onHold ?? false,
        raw,
      };
      return done({ ...s, participant });
    }
    case 'PARTICIPANT_REMOVED': {
      if (p.reason === 'error') return done(notice({ ...s, participant: null }, { level: 'error', message: 'The participant could not be added.' }));
      if (!s.participant || (str(p.callId) && p.callId !== s.participant.callId)) return done(s);
      return done({ ...s, participant: null, merged: false });
    }
    case 'CALL_UPDATED': {
      const call = callOf(isObject(p.call) ? p.call : payload);
      if (!call || !s.call || call.callId !== s.call.callId) return done(s);
      return done({ ...s, call: { ...viewOf(call, s.call.phase, s.call), replayed: s.call.replayed } });
    }
    case 'ERROR':
    case 'WARNING':
    case 'INFO': {
      const custom = isObject(p.customError) ? p.customError : undefined;
      const message = str(custom?.message) ?? str(p.message) ?? `${type} from the connector`;
      return done(notice(s, { level: type === 'ERROR' ? 'error' : type === 'WARNING' ? 'warning' : 'info', message }));
    }
    case 'SET_AGENT_STATUS_RESULT': {
      const pending = s.statusPending;
      if (!pending) return done(s);
      if (p.success === true) return done({ ...s, status: pending, statusPending: null }, { kind: 'status-confirmed', status: pending });
      return done(notice({ ...s, statusPending: null }, { level: 'error', message: `The phone system refused the status ${pending.statusName}.` }), {
        kind: 'status-refused',
        status: pending,
      });
    }
    case 'SET_AGENT_STATUS': {
      const statusId = str(p.statusId);
      return statusId ? done(s, { kind: 'status-changed', statusId }) : done(s);
    }
    case 'PHONE_CONTACTS':
      return done({
        ...s,
        contacts: Array.isArray(p.contacts)
          ? p.contacts
              .filter(isObject)
              .map(contactView)
              .filter((c) => c !== undefined)
          : [],
      });
    default:
      // Events the phone does not show (AGENT_CONFIG_UPDATED, RECORDING_TOGGLE…) are logged.
      return done(s);
  }
}

/** The UI's intents, as the messages Salesforce sends; undefined when the phone's state does not allow one. */
export const commands = {
  accept: (s: VoiceState): OutMessage | undefined => (s.call?.phase === 'ringing' ? { type: 'ACCEPT_CALL', call: s.call.raw } : undefined),
  decline: (s: VoiceState): OutMessage | undefined => (s.call?.phase === 'ringing' ? { type: 'DECLINE_CALL', call: s.call.raw } : undefined),
  end: (s: VoiceState): OutMessage | undefined =>
    s.call ? { type: 'END_CALL', call: s.call.raw, agentStatus: s.acwAllowed && s.call.phase === 'connected' ? 'AfterCallWork' : 'Online' } : undefined,
  mute: (s: VoiceState): OutMessage | undefined => (s.call?.phase === 'connected' ? { type: s.call.muted ? 'UNMUTE' : 'MUTE', call: s.call.raw } : undefined),
  hold: (s: VoiceState): OutMessage | undefined => (s.call?.phase === 'connected' ? { type: s.call.onHold ? 'RESUME' : 'HOLD', call: s.call.raw } : undefined),
  dial: (s: VoiceState, number: string): OutMessage | undefined =>
    s.phase === 'ready' && !s.call && !s.wrapUp && number.trim()
      ? { type: 'DIAL', contact: { phoneNumber: number.trim(), type: 'PhoneNumber' }, params: '' }
      : undefined,
  sendDigits: (s: VoiceState, digits: string): OutMessage | undefined =>
    s.call?.phase === 'connected' && /^[0-9*#A-D]+$/i.test(digits) ? { type: 'SEND_DIGITS', digits } : undefined,
  addParticipant: (s: VoiceState, number: string, blind: boolean): OutMessage | undefined =>
    s.call?.phase === 'connected' && !s.participant && number.trim()
      ? { type: 'ADD_PARTICIPANT', contact: { phoneNumber: number.trim(), type: 'PhoneNumber' }, call: s.call.raw, isBlindTransfer: blind }
      : undefined,
  /** What Salesforce asks when the agent opens the transfer list, if the connector has a phone book. */
  phoneContacts: (s: VoiceState, contains = ''): OutMessage | undefined =>
    s.phase === 'ready' && s.capabilities.PHONEBOOK === true
      ? { type: 'GET_PHONE_CONTACTS', filter: contains.trim() ? { contains: contains.trim() } : {} }
      : undefined,
  addContact: (s: VoiceState, contact: PhoneContactView, blind: boolean): OutMessage | undefined =>
    s.call?.phase === 'connected' && !s.participant ? { type: 'ADD_PARTICIPANT', contact: contact.raw, call: s.call.raw, isBlindTransfer: blind } : undefined,
  conference: (s: VoiceState): OutMessage | undefined =>
    s.call && s.participant?.phase === 'connected' && !s.merged ? { type: 'CONFERENCE', calls: [s.call.raw, s.participant.raw] } : undefined,
  swap: (s: VoiceState): OutMessage | undefined => {
    if (!s.call || s.participant?.phase !== 'connected' || s.merged) return undefined;
    // The party on the line goes on hold, the held one comes back.
    return s.call.onHold
      ? { type: 'SWAP_PARTICIPANTS', callToHold: s.participant.raw, callToResume: s.call.raw }
      : { type: 'SWAP_PARTICIPANTS', callToHold: s.call.raw, callToResume: s.participant.raw };
  },
  setStatus: (status: AgentStatus): OutMessage => ({
    type: 'SET_AGENT_STATUS',
    agentStatus: status.agentStatus,
    enqueueNextState: false,
    statusInfo: { statusId: status.statusId, statusApiName: status.statusApiName, statusName: status.statusName },
  }),
  wrapUp: (s: VoiceState): OutMessage | undefined => (s.wrapUp ? { type: 'WRAP_UP_CALL', call: s.wrapUp.raw } : undefined),
  agentAvailable: (isAvailable: boolean): OutMessage => ({ type: 'AGENT_AVAILABLE', isAvailable }),
  logout: (): OutMessage => ({ type: 'LOGOUT' }),
  downloadLogs: (): OutMessage => ({ type: 'DOWNLOAD_VENDOR_LOGS' }),
} as const;

function contactView(raw: JsonObject): PhoneContactView | undefined {
  const phoneNumber = str(raw.phoneNumber) ?? str(raw.extension);
  if (!phoneNumber) return undefined;
  return { id: str(raw.id) ?? phoneNumber, name: str(raw.name) ?? phoneNumber, phoneNumber, availability: str(raw.availability), raw };
}

/** The state once `message` went to the connector (what the answer to it will mean). */
export function afterSend(s: VoiceState, message: OutMessage): VoiceState {
  return message.type === 'CONFERENCE' ? { ...s, conferencing: true } : s;
}

/** The state once a status was asked of the connector (confirmed by SET_AGENT_STATUS_RESULT). */
export function askStatus(s: VoiceState, status: AgentStatus): VoiceState {
  return { ...s, statusPending: status };
}

export function dismissNotices(s: VoiceState): VoiceState {
  return { ...s, notices: [] };
}
