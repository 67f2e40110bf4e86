/**
 * The panel's view model: a pure function from EngineState (+ the time and where the phone is) to
 * what the panel shows and which buttons each call has. The components only lay this out, so
 * every decision about what the agent can do lives here, testable in Node.
 */
import type { AgentCommand, CallSnapshot, CallState, EngineState, LineState, Party, RecordRef } from '../core/index.ts';
import { knownRecords, WHO_OBJECTS } from '../core/index.ts';
import { callFailedNotice, historyEntry } from './call-history-view.ts';
import { displayNumber } from './format/phone-format.ts';
import { elapsedSeconds, secondsUntil } from './format/duration.ts';
import { isMessageKey, type MessageKey, type Params } from './i18n/i18n.ts';
import type { LeadershipInfo } from './panel-host.ts';
import { unsavedLogsView, type UnsavedLogsView } from './unsaved-logs-view.ts';

export type ActionKind =
  | 'answer'
  | 'decline'
  | 'hangup'
  | 'hold'
  | 'resume'
  | 'swap'
  | 'mute'
  | 'unmute'
  | 'keypad'
  | 'transfer'
  | 'conference'
  | 'complete-transfer'
  | 'leave-conference';

export type Tone = 'brand' | 'success' | 'destructive' | 'neutral';

export interface CallAction {
  readonly kind: ActionKind;
  readonly label: MessageKey;
  readonly tone: Tone;
  /** The command the button sends; absent for buttons that open a part of the panel (keypad, transfer). */
  readonly command?: AgentCommand;
  /** For toggles (mute): whether the toggle is on. */
  readonly pressed?: boolean;
}

export type QualityLevel = 'good' | 'fair' | 'poor';

export interface CallView {
  readonly id: string;
  readonly state: CallState;
  readonly title: MessageKey;
  readonly stateLabel: MessageKey;
  /** The caller's display name: text from the far end, rendered as text only. */
  readonly name?: string;
  readonly number: string;
  /** Seconds shown on the call timer: since answer when talking, since offer while ringing. */
  readonly timerSeconds: number;
  readonly muted: boolean;
  readonly isConsultation: boolean;
  /** The call the panel focuses (the engine's active call). */
  readonly focused: boolean;
  readonly actions: readonly CallAction[];
  /** Several screen-pop matches: the agent picks one (`choose-record`). */
  readonly chooser?: { readonly candidates: readonly RecordRef[]; readonly chosenId?: string; readonly details: Readonly<Record<string, string>> };
  readonly related: readonly RecordRef[];
  readonly quality?: { readonly level: QualityLevel; readonly mos: string };
  /** Names (or numbers) of the other parties of a local conference. */
  readonly conferenceWith: readonly string[];
  /** Keypad and transfer are possible on this call. */
  readonly canKeypad: boolean;
  readonly canTransfer: boolean;
  /** The agent can take notes now (talking or holding); they carry into wrap-up and the log. */
  readonly canNote: boolean;
  readonly notes: string;
  /** How the screen pop chose (or did not choose) the record: the call's pop timeline, oldest first. */
  readonly popTrail: readonly string[];
}

export interface WrapUpView {
  readonly callId: string;
  readonly name?: string;
  readonly number: string;
  readonly dispositions: readonly { readonly code: string; readonly label: string }[];
  readonly disposition?: string;
  readonly notes: string;
  readonly related: readonly RecordRef[];
  /** People the call can be logged against (Name: Contacts and Leads it matched, related or the agent opened). */
  readonly whoOptions: readonly RecordRef[];
  /** Records the call can be Related To (Accounts, Cases… it matched, related or the agent opened). */
  readonly whatOptions: readonly RecordRef[];
  readonly whoId?: string;
  readonly whatId?: string;
  /** Salesforce takes no Related To beside a Lead as Name. */
  readonly whatLocked: boolean;
  /** Where the call went, when the agent transferred it (the Task says so too). */
  readonly transfer?: Text;
  /** Seconds left before wrap-up ends by itself (a call center time limit), if any. */
  readonly secondsLeft?: number;
}

export interface Text {
  readonly key: MessageKey;
  readonly params?: Params;
}

export interface PresenceOption {
  readonly value: string;
  readonly label: Text;
}

export interface PresenceView {
  /** The selected option's value (`available`, `away`, `away:<reasonId>`, `offline`). */
  readonly value: string;
  readonly options: readonly PresenceOption[];
  /** Set while the status is automatic (on a call, wrap-up): the select then chooses what comes after. */
  readonly automatic?: MessageKey;
  readonly tone: 'available' | 'away' | 'offline' | 'busy';
}

export interface DirectoryEntry {
  readonly extension: string;
  readonly name: string;
  readonly lamp: LineState;
}

export interface HistoryEntry {
  readonly id: string;
  readonly direction: CallSnapshot['direction'];
  readonly name?: string;
  readonly number: string;
  /** The number to call back (as received). */
  readonly dial: string;
  readonly at: number;
  readonly durationSeconds: number;
  readonly outcome: MessageKey;
  readonly missed: boolean;
}

export type Screen = 'loading' | 'misconfigured' | 'signed-out' | 'phone';

export interface PanelView {
  readonly screen: Screen;
  readonly registration: Text & { readonly tone: 'ok' | 'busy' | 'warning' | 'error' | 'off' };
  readonly presence: PresenceView;
  /** Calls ringing for the agent. */
  readonly offers: readonly CallView[];
  /** Calls up (dialling, talking, held, transferring), oldest first. */
  readonly calls: readonly CallView[];
  readonly wrapUps: readonly WrapUpView[];
  readonly canDial: boolean;
  readonly dialHint?: MessageKey;
  readonly directory: readonly DirectoryEntry[];
  readonly history: readonly HistoryEntry[];
  readonly error?: { readonly key?: MessageKey; readonly code: string; readonly message: string };
  /** Why the call the agent last placed never connected (busy, no such number…), until another call starts. */
  readonly callFailed?: Text & { readonly callId: string };
  readonly follower?: Text;
  readonly defaultCountry: string;
  /** Who the phone is signed in as; before sign-in, the call center's shared user name (prefill). */
  readonly username?: string;
  /** Salesforce mints the credentials (credentialScheme ephemeral): sign-in has nothing to type. */
  readonly mintedCredentials: boolean;
  /** Call logs Salesforce refused, waiting for the agent to retry or discard them. */
  readonly unsaved?: UnsavedLogsView;
}

const TALKING: readonly CallState[] = ['active', 'held', 'transferring'];
const UP: readonly CallState[] = ['dialing', 'ringing-out', 'active', 'held', 'transferring'];

export function qualityLevel(mos: number): QualityLevel {
  return mos >= 4 ? 'good' : mos >= 3.6 ? 'fair' : 'poor';
}

const TECHNICAL_FIELDS = new Set([
  'LastModifiedDate',
  'CreatedDate',
  'SystemModstamp',
  'IsPersonAccount',
  'PersonContactId',
  'AccountId',
  'ContactId',
  'OwnerId',
]);

/**
 * The softphone layout's display fields of a record that help the agent tell matches apart (an
 * account name, a phone), without the bookkeeping ones (dates, ids, flags). At most two.
 */
export function recordDetails(record: RecordRef): string {
  return Object.entries(record.fields ?? {})
    .filter(
      ([key, value]) =>
        !TECHNICAL_FIELDS.has(key) &&
        value.trim() !== '' &&
        value !== record.name &&
        !/^\d{4}-\d{2}-\d{2}T/.test(value) &&
        !/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(value) &&
        !/^(true|false)$/.test(value),
    )
    .slice(0, 2)
    .map(([, value]) => value)
    .join(' · ');
}

const CALLER_OBJECTS: readonly string[] = ['Contact', 'Lead', 'Account'];

/** ` (003000000000001AAA)`: a Salesforce Id in parentheses, as the pop explanations name records. */
const RECORD_ID_IN_PARENS = / \([a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?\)/g;

/**
 * The name the panel gives the other party. The record the call relates to names the caller better
 * than the phone system's display name (often a trunk's "Customer" or a number): once the screen
 * pop found exactly one record, or the agent picked or opened one, it is that record's name.
 */
export function callerName(related: readonly RecordRef[], displayName: string | undefined): string | undefined {
  return related.find((r) => r.name && CALLER_OBJECTS.includes(r.objectType))?.name ?? displayName;
}

function titleOf(call: CallSnapshot): MessageKey {
  if (call.consultationFor) return 'call.consultation';
  return call.direction === 'inbound' ? 'call.inbound' : call.direction === 'outbound' ? 'call.outbound' : 'call.internal';
}

function relatedOf(call: CallSnapshot): RecordRef[] {
  const { who, what } = call.relations;
  return [who, what].filter((r): r is RecordRef => r !== undefined);
}

function partyName(call: CallSnapshot, country: string): string {
  return partyLabel(call.remote, country);
}

function optionalName(name: string | undefined): { readonly name?: string } {
  return name ? { name } : {};
}

function partyLabel(party: Party, country: string): string {
  return party.displayName || displayNumber(party, country);
}

/** The buttons of one call, in the order the panel shows them. */
export function actionsFor(call: CallSnapshot, all: readonly CallSnapshot[]): CallAction[] {
  const id = call.id;
  const others = all.filter((c) => c.id !== id && UP.includes(c.state));
  const talkingOthers = others.filter((c) => c.state === 'active' || c.state === 'held');
  const mute: CallAction = call.muted
    ? { kind: 'unmute', label: 'action.unmute', tone: 'neutral', pressed: true, command: { type: 'mute', callId: id, muted: false } }
    : { kind: 'mute', label: 'action.mute', tone: 'neutral', pressed: false, command: { type: 'mute', callId: id, muted: true } };
  const hangup: CallAction = { kind: 'hangup', label: 'action.hangup', tone: 'destructive', command: { type: 'hangup', callId: id } };
  const conference: CallAction[] =
    talkingOthers.length === 1 && call.conferencedWith.length === 0 && (call.state === 'active' || call.state === 'held')
      ? [{ kind: 'conference', label: 'action.conference', tone: 'neutral', command: { type: 'conference', callIds: [talkingOthers[0]!.id, id] } }]
      : [];
  // In a two-party conference the agent can leave and let the others talk on; offered once, on
  // the customer's card (not the consultation's, and the first-taken of two customer calls).
  const mixedWith = call.conferencedWith.length === 1 ? all.find((c) => c.id === call.conferencedWith[0]) : undefined;
  const leaves =
    mixedWith !== undefined &&
    call.consultationFor === undefined &&
    (mixedWith.consultationFor !== undefined || call.timestamps.offered <= mixedWith.timestamps.offered);
  const leave: CallAction[] =
    leaves && call.state === 'active'
      ? [{ kind: 'leave-conference', label: 'action.leaveConference', tone: 'neutral', command: { type: 'leave-conference', callId: id } }]
      : [];
  // A consultation whose original call still waits on hold can complete the transfer.
  const original = call.consultationFor ? all.find((c) => c.id === call.consultationFor && (c.state === 'held' || c.state === 'active')) : undefined;
  const complete: CallAction[] =
    original && ['active', 'held', 'ringing-out', 'dialing'].includes(call.state)
      ? [
          {
            kind: 'complete-transfer',
            label: 'action.completeTransfer',
            tone: 'brand',
            command: { type: 'complete-transfer', callId: original.id, consultationId: id },
          },
        ]
      : [];
  switch (call.state) {
    case 'offering':
      return [
        { kind: 'answer', label: 'action.answer', tone: 'success', command: { type: 'answer', callId: id } },
        { kind: 'decline', label: 'action.decline', tone: 'destructive', command: { type: 'decline', callId: id } },
      ];
    case 'dialing':
    case 'ringing-out':
      return [...complete, hangup];
    case 'active':
      return [
        mute,
        { kind: 'hold', label: 'action.hold', tone: 'neutral', command: { type: 'hold', callId: id } },
        { kind: 'keypad', label: 'action.keypad', tone: 'neutral' },
        ...(call.consultationFor ? [] : [{ kind: 'transfer', label: 'action.transfer', tone: 'neutral' } as const]),
        ...complete,
        ...conference,
        ...leave,
        hangup,
      ];
    case 'held': {
      const anotherActive = others.some((c) => c.state === 'active');
      const back: CallAction = anotherActive
        ? { kind: 'swap', label: 'action.swap', tone: 'brand', command: { type: 'swap', callId: id } }
        : { kind: 'resume', label: 'action.resume', tone: 'brand', command: { type: 'resume', callId: id } };
      return [
        back,
        mute,
        ...(call.consultationFor ? [] : [{ kind: 'transfer', label: 'action.transfer', tone: 'neutral' } as const]),
        ...complete,
        ...conference,
        hangup,
      ];
    }
    case 'transferring':
      return [hangup];
    default:
      return [];
  }
}

export function callView(call: CallSnapshot, all: readonly CallSnapshot[], now: number, focusedId: string | undefined, country: string): CallView {
  const talking = TALKING.includes(call.state);
  const since = talking ? (call.timestamps.answered ?? call.timestamps.offered) : call.timestamps.offered;
  const candidates = call.relations.candidates;
  const related = relatedOf(call);
  const chosenId = candidates.find((c) => related.some((r) => r.id === c.id))?.id;
  const actions = actionsFor(call, all);
  return {
    id: call.id,
    state: call.state,
    title: titleOf(call),
    stateLabel: `call.state.${call.state}`,
    ...(call.remote.displayName ? { name: call.remote.displayName } : {}),
    number: displayNumber(call.remote, country),
    timerSeconds: elapsedSeconds(since, now),
    muted: call.muted,
    isConsultation: call.consultationFor !== undefined,
    focused: call.id === focusedId,
    actions,
    // The picker stays while the call rings or until the agent chose; then the related line shows the choice.
    ...(candidates.length > 1 && (call.state === 'offering' || chosenId === undefined)
      ? { chooser: { candidates, ...(chosenId ? { chosenId } : {}), details: Object.fromEntries(candidates.map((r) => [r.id, recordDetails(r)])) } }
      : {}),
    related,
    ...(call.quality ? { quality: { level: qualityLevel(call.quality.mos), mos: call.quality.mos.toFixed(1) } } : {}),
    conferenceWith: call.conferencedWith.map((otherId) => {
      const other = all.find((c) => c.id === otherId);
      return other ? partyName(other, country) : otherId;
    }),
    canKeypad: actions.some((a) => a.kind === 'keypad'),
    canTransfer: actions.some((a) => a.kind === 'transfer'),
    canNote: TALKING.includes(call.state),
    notes: call.notes,
    // Names are what the agent reads; the record Ids in the engine's explanations are not.
    popTrail: call.timeline.filter((e) => e.kind === 'pop').map((e) => e.text.replace(RECORD_ID_IN_PARENS, '')),
  };
}

export function presenceView(state: EngineState): PresenceView {
  const p = state.presence;
  const reasons = state.settings?.awayReasons ?? [];
  const options: PresenceOption[] = [{ value: 'available', label: { key: 'status.available' } }];
  if (reasons.length) for (const r of reasons) options.push({ value: `away:${r.id}`, label: { key: 'status.awayReason', params: { reason: r.label } } });
  else options.push({ value: 'away', label: { key: 'status.away' } });
  options.push({ value: 'offline', label: { key: 'status.offline' } });
  const chosen = p.status === 'on-call' || p.status === 'wrap-up' ? p.returnTo : { status: p.status, reasonId: p.reasonId };
  let value: string = chosen.status;
  if (chosen.status === 'away' && reasons.length) {
    const reason = reasons.find((r) => r.id === chosen.reasonId) ?? reasons[0];
    value = reason ? `away:${reason.id}` : 'away';
  }
  const automatic = p.status === 'on-call' || p.status === 'wrap-up' ? (`status.${p.status}` as const) : undefined;
  const tone = automatic ? 'busy' : p.status === 'available' ? 'available' : p.status === 'away' ? 'away' : 'offline';
  return { value, options, ...(automatic ? { automatic } : {}), tone };
}

/** The command a presence option stands for. */
export function presenceCommand(value: string): AgentCommand | undefined {
  if (value === 'available' || value === 'offline' || value === 'away') return { type: 'set-presence', status: value };
  if (value.startsWith('away:') && value.length > 5) return { type: 'set-presence', status: 'away', reasonId: value.slice(5) };
  return undefined;
}

export function registrationView(state: EngineState, now: number): PanelView['registration'] {
  const r = state.registration;
  switch (r.state) {
    case 'unregistered':
      return { key: 'reg.unregistered', tone: 'off' };
    case 'connecting':
      return { key: 'reg.connecting', tone: 'busy' };
    case 'registered':
      return { key: 'reg.registered', tone: 'ok' };
    case 'reconnecting':
      return { key: 'reg.reconnecting', params: { attempt: r.attempt, seconds: secondsUntil(r.nextAttemptAt, now) }, tone: 'warning' };
    case 'failed':
      return { key: 'reg.failed', params: { reason: r.reason }, tone: 'error' };
  }
}

function wrapUpView(call: CallSnapshot, state: EngineState, now: number, country: string): WrapUpView {
  const known = knownRecords(call.relations);
  const { who, what } = call.relations;
  return {
    callId: call.id,
    ...optionalName(callerName(relatedOf(call), call.remote.displayName)),
    number: displayNumber(call.remote, country),
    dispositions: (state.settings?.dispositions ?? []).map((d) => ({ code: d.code, label: d.label })),
    ...(call.disposition ? { disposition: call.disposition } : {}),
    notes: call.notes,
    related: relatedOf(call),
    whoOptions: known.filter((r) => WHO_OBJECTS.includes(r.objectType)),
    whatOptions: known.filter((r) => !WHO_OBJECTS.includes(r.objectType)),
    ...(who ? { whoId: who.id } : {}),
    ...(what ? { whatId: what.id } : {}),
    whatLocked: who?.objectType === 'Lead',
    ...(call.transfer ? { transfer: { key: `wrapUp.transfer.${call.transfer.kind}`, params: { target: partyLabel(call.transfer.target, country) } } } : {}),
    ...(call.wrapUpDeadline !== undefined ? { secondsLeft: secondsUntil(call.wrapUpDeadline, now) } : {}),
  };
}

export function followerText(leadership: LeadershipInfo, formatTime: (at: number) => string): Text | undefined {
  if (leadership.role !== 'follower') return undefined;
  return leadership.leaderSince !== undefined
    ? { key: 'panel.followerSince', params: { time: formatTime(leadership.leaderSince) } }
    : { key: 'panel.follower' };
}

export function panelView(
  state: EngineState,
  now: number,
  leadership: LeadershipInfo,
  formatTime: (at: number) => string = (at) => new Date(at).toISOString().slice(11, 16),
): PanelView {
  const country = state.settings?.dialing.defaultCountry ?? 'US';
  const screen: Screen =
    state.phase === 'loading' ? 'loading' : state.phase === 'misconfigured' ? 'misconfigured' : state.phase === 'signed-out' ? 'signed-out' : 'phone';
  const all = state.calls;
  const views = all.map((c) => callView(c, all, now, state.activeCallId, country));
  const live = all.filter((c) => UP.includes(c.state)).length;
  const offline = state.presence.status === 'offline';
  const error = state.lastError;
  const errorKey = error ? `error.${error.code}` : '';
  const follower = followerText(leadership, formatTime);
  const callFailed = screen === 'phone' ? callFailedNotice(state, country) : undefined;
  const unsaved = unsavedLogsView(state);
  return {
    screen,
    registration: registrationView(state, now),
    presence: presenceView(state),
    offers: views.filter((v) => v.state === 'offering'),
    calls: views.filter((v) => UP.includes(v.state)),
    // Only calls in wrap-up: an 'ended' call is being closed (its pop may still be searching) and
    // has nothing for the agent to do; a form shown meanwhile flashed and moved the dial pad.
    wrapUps: all.filter((c) => c.state === 'wrap-up').map((c) => wrapUpView(c, state, now, country)),
    canDial: screen === 'phone' && !offline && live < 2,
    ...(offline && screen === 'phone' ? { dialHint: 'dial.offlineHint' as const } : {}),
    // One call center serves a whole team, so its directory lists the agent too: never offer yourself.
    directory: (state.settings?.directory ?? [])
      .filter((d) => d.extension !== state.signedInAs?.extension)
      .map((d) => ({ extension: d.extension, name: d.name, lamp: state.lines[d.extension] ?? 'unknown' })),
    history: state.recent.map((c) => historyEntry(c, country)),
    ...(error ? { error: { code: error.code, message: error.message, ...(isMessageKey(errorKey) ? { key: errorKey } : {}) } } : {}),
    ...(follower ? { follower } : {}),
    ...(callFailed ? { callFailed } : {}),
    defaultCountry: country,
    ...(state.signedInAs ? { username: state.signedInAs.extension } : state.settings?.sip.username ? { username: state.settings.sip.username } : {}),
    mintedCredentials: state.settings?.sip.credentialScheme === 'ephemeral',
    ...(unsaved ? { unsaved } : {}),
  };
}

/** What Alt+A / Alt+H do: answer the first ringing call; hang up the focused call (or decline a lone offer). */
export function shortcutCommand(state: EngineState, key: 'answer' | 'hangup'): AgentCommand | undefined {
  if (key === 'answer') {
    const offer = state.calls.find((c) => c.state === 'offering');
    return offer ? { type: 'answer', callId: offer.id } : undefined;
  }
  const focused = state.calls.find((c) => c.id === state.activeCallId && UP.includes(c.state));
  const target = focused ?? state.calls.find((c) => c.state === 'active') ?? state.calls.find((c) => UP.includes(c.state));
  if (target) return { type: 'hangup', callId: target.id };
  const offer = state.calls.find((c) => c.state === 'offering');
  return offer ? { type: 'decline', callId: offer.id } : undefined;
}
