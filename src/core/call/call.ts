/**
 * One call: its data, and the only place that changes its state (through the transition table).
 * The engine owns Call objects; everyone else sees `CallSnapshot`s.
 */
import type {
  AttachedData,
  CallDirection,
  CallQuality,
  CallRelations,
  CallTimestamps,
  ConsultationRecord,
  EndReason,
  HoldInterval,
  Party,
  RecordRef,
  TimelineEntry,
  TransferRecord,
} from './call-types.ts';
import { assertCallTransition, type CallState } from './call-state.ts';

export interface CallSnapshot {
  /** Unique call id; also the Task's CallObject. For SIP it is derived from the Call-ID. */
  readonly id: string;
  readonly direction: CallDirection;
  /**
   * Who started it: `offered` to the agent, or `dialed` by the agent. The direction alone cannot say
   * for an internal call, and a call that never connected is logged as missed (offered) or failed
   * (dialled). Optional only for snapshots made before it existed (journal records, test fixtures).
   */
  readonly origin?: 'offered' | 'dialed';
  readonly state: CallState;
  readonly remote: Party;
  readonly attachedData: AttachedData;
  readonly timestamps: CallTimestamps;
  readonly endReason?: EndReason;
  readonly disposition?: string;
  readonly notes: string;
  readonly relations: CallRelations;
  readonly muted: boolean;
  /** For a consultation call: the id of the call it consults about. */
  readonly consultationFor?: string;
  /** Set when the call left the agent by a transfer (blind, consultative, or leaving a conference). */
  readonly transfer?: TransferRecord;
  /** Consultations placed about this call, folded into its log (README "Call logging"). */
  readonly consultations?: readonly ConsultationRecord[];
  /** Ids of the calls mixed with this one in a local conference. */
  readonly conferencedWith: readonly string[];
  readonly quality?: CallQuality;
  /** Wrap-up deadline (epoch ms) when the call center sets a time limit. */
  readonly wrapUpDeadline?: number;
  readonly timeline: readonly TimelineEntry[];
}

export interface NewCall {
  readonly id: string;
  readonly direction: CallDirection;
  /** `offered`: the phone system offers it to the agent (starts in offering); `dialed`: the agent placed it (starts in dialing). */
  readonly origin: 'offered' | 'dialed';
  readonly remote: Party;
  readonly attachedData?: AttachedData;
  readonly at: number;
  readonly consultationFor?: string;
  /** A record the call starts related to (click-to-dial from a record page). */
  readonly relatedRecord?: RecordRef;
}

/** Contact-like objects go to WhoId; everything else to WhatId. */
export const WHO_OBJECTS: readonly string[] = ['Contact', 'Lead'];

/**
 * Objects an activity cannot be related to: opening one during a call relates nothing. (Salesforce
 * lets WhatId name any object that allows activities; these never do.)
 */
const NOT_RELATABLE: readonly string[] = ['Task', 'Event', 'User', 'Group', 'Report', 'Dashboard', 'ContentDocument', 'EmailMessage', 'VoiceCall'];

function isRelatable(record: RecordRef): boolean {
  return !NOT_RELATABLE.includes(record.objectType);
}

/** Every record the call knows (matches, related, opened), each once, in the order they came. */
export function knownRecords(relations: CallRelations): RecordRef[] {
  const out: RecordRef[] = [];
  for (const r of [...relations.candidates, relations.who, relations.what, ...(relations.opened ?? [])]) {
    if (r && !out.some((o) => o.id === r.id)) out.push(r);
  }
  return out;
}

export class Call {
  private data: CallSnapshot;

  constructor(init: NewCall) {
    const related = init.relatedRecord;
    this.data = {
      id: init.id,
      direction: init.direction,
      origin: init.origin,
      state: init.origin === 'dialed' ? 'dialing' : 'offering',
      remote: init.remote,
      attachedData: init.attachedData ?? {},
      timestamps: { offered: init.at, holds: [] },
      notes: '',
      relations: {
        candidates: related ? [related] : [],
        ...(related ? (WHO_OBJECTS.includes(related.objectType) ? { who: related } : { what: related }) : {}),
      },
      muted: false,
      conferencedWith: [],
      timeline: [],
      ...(init.consultationFor ? { consultationFor: init.consultationFor } : {}),
    };
  }

  /**
   * A call as an earlier page of this tab left it (it reloaded mid-call), to carry on under the
   * same id with its history: what the journal kept of it.
   */
  static restore(snapshot: CallSnapshot): Call {
    const call = new Call({
      id: snapshot.id,
      direction: snapshot.direction,
      origin: snapshot.origin ?? 'offered',
      remote: snapshot.remote,
      at: snapshot.timestamps.offered,
    });
    call.data = snapshot;
    return call;
  }

  get id(): string {
    return this.data.id;
  }

  get state(): CallState {
    return this.data.state;
  }

  snapshot(): CallSnapshot {
    return this.data;
  }

  /** Moves to `to` if the table allows it (else throws IllegalTransitionError) and stamps times. */
  transition(to: CallState, at: number, why?: string): void {
    const from = this.data.state;
    assertCallTransition(from, to);
    const ts = this.data.timestamps;
    let timestamps: CallTimestamps = ts;
    if (to === 'active' && ts.answered === undefined) timestamps = { ...timestamps, answered: at };
    if (to === 'held') timestamps = { ...timestamps, holds: [...ts.holds, { start: at }] };
    if (from === 'held' && to !== 'held') timestamps = { ...timestamps, holds: closeHold(timestamps.holds, at) };
    if (to === 'ended') timestamps = { ...timestamps, ended: at, holds: closeHold(timestamps.holds, at) };
    if (to === 'closed') timestamps = { ...timestamps, closed: at };
    this.data = { ...this.data, state: to, timestamps };
    this.note(at, 'state', why ? `${from} → ${to}: ${why}` : `${from} → ${to}`);
  }

  end(reason: EndReason, at: number, why?: string): void {
    this.transition('ended', at, why ?? reason);
    this.data = { ...this.data, endReason: reason };
  }

  note(at: number, kind: string, text: string): void {
    this.data = { ...this.data, timeline: [...this.data.timeline, { at, kind, text }] };
  }

  update(
    patch: Partial<Pick<CallSnapshot, 'disposition' | 'notes' | 'muted' | 'quality' | 'wrapUpDeadline' | 'conferencedWith' | 'remote' | 'attachedData'>>,
  ): void {
    this.data = { ...this.data, ...patch };
  }

  setTransfer(transfer: TransferRecord): void {
    this.data = { ...this.data, transfer };
  }

  /** Adds or updates (same callId) a consultation folded into this call. */
  foldConsultation(record: ConsultationRecord): void {
    const rest = (this.data.consultations ?? []).filter((c) => c.callId !== record.callId);
    const at = (this.data.consultations ?? []).findIndex((c) => c.callId === record.callId);
    const consultations = at < 0 ? [...rest, record] : [...rest.slice(0, at), record, ...rest.slice(at)];
    this.data = { ...this.data, consultations };
  }

  /** The agent's disposition; null clears it. */
  setDisposition(code: string | null): void {
    const { disposition: _previous, ...rest } = this.data;
    this.data = code === null ? rest : { ...rest, disposition: code };
  }

  setRelations(relations: CallRelations): void {
    this.data = { ...this.data, relations };
  }

  /**
   * Relates a chosen record: Contact/Lead as who, others as what; keeps the other slot. A record
   * that was not a match to choose from (a Case's contact) is related with `asCandidate` false, so
   * the agent is not asked to choose between it and the match it came with.
   */
  relate(record: RecordRef, asCandidate = true): void {
    const r = this.data.relations;
    const candidates = !asCandidate || r.candidates.some((c) => c.id === record.id) ? r.candidates : [...r.candidates, record];
    this.data = {
      ...this.data,
      relations: WHO_OBJECTS.includes(record.objectType) ? { ...r, candidates, who: record } : { ...r, candidates, what: record },
    };
  }

  /**
   * A record the agent opened during the call: remembered for wrap-up, and related when its slot
   * is still empty (a contact just created for an unknown caller is who the call was with).
   * A Lead as Who takes no What (Salesforce refuses the pair), so neither fills the other's place.
   * Returns true when it was new to the call.
   */
  opened(record: RecordRef): boolean {
    const r = this.data.relations;
    if (!isRelatable(record) || knownRecords(r).some((k) => k.id === record.id)) return false;
    const opened = [...(r.opened ?? []), record];
    const isWho = WHO_OBJECTS.includes(record.objectType);
    let next: CallRelations = { ...r, opened };
    if (isWho && !r.who && !(record.objectType === 'Lead' && r.what)) next = { ...next, who: record };
    if (!isWho && !r.what && r.who?.objectType !== 'Lead') next = { ...next, what: record };
    this.data = { ...this.data, relations: next };
    return true;
  }

  /**
   * The agent's Who and What (wrap-up): each one of the call's known records, or none (null).
   * Throws a RangeError naming the problem when the choice is not one Salesforce would take.
   */
  chooseRelations(choice: { readonly whoId?: string | null; readonly whatId?: string | null }): void {
    const r = this.data.relations;
    const known = knownRecords(r);
    const pick = (id: string | null | undefined, current: RecordRef | undefined, slot: 'Who' | 'What'): RecordRef | undefined => {
      if (id === undefined) return current;
      if (id === null) return undefined;
      const record = known.find((k) => k.id === id);
      if (!record) throw new RangeError(`${slot}: '${id}' is not a record of this call.`);
      if ((slot === 'Who') !== WHO_OBJECTS.includes(record.objectType))
        throw new RangeError(`${slot}: a ${record.objectType} cannot be the ${slot === 'Who' ? 'Name (a Contact or a Lead)' : 'Related To record'}.`);
      return record;
    };
    const who = pick(choice.whoId, r.who, 'Who');
    const what = pick(choice.whatId, r.what, 'What');
    if (who?.objectType === 'Lead' && what) throw new RangeError('A Lead as Name takes no Related To record: clear one of them.');
    this.data = {
      ...this.data,
      relations: { candidates: r.candidates, ...(r.opened ? { opened: r.opened } : {}), ...(who ? { who } : {}), ...(what ? { what } : {}) },
    };
  }
}

function closeHold(holds: readonly HoldInterval[], at: number): readonly HoldInterval[] {
  const last = holds[holds.length - 1];
  if (!last || last.end !== undefined) return holds;
  return [...holds.slice(0, -1), { start: last.start, end: at }];
}

/** Seconds of talk: answer to end. 0 for calls never answered. */
export function talkSeconds(call: CallSnapshot): number {
  const { answered, ended } = call.timestamps;
  if (answered === undefined || ended === undefined) return 0;
  return Math.max(0, Math.round((ended - answered) / 1000));
}

export function holdSeconds(call: CallSnapshot): number {
  return Math.round(call.timestamps.holds.reduce((sum, h) => sum + ((h.end ?? h.start) - h.start), 0) / 1000);
}
