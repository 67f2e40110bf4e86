/**
 * One call: its data, and the only place that changes its state (through the transition table).
 * The engine owns Call objects; everyone else sees `CallSnapshot`s.
 */
import type { AttachedData, CallDirection, CallQuality, CallRelations, CallTimestamps, EndReason, HoldInterval, Party, RecordRef, TimelineEntry } from './call-types.ts';
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
    const call = new Call({ id: snapshot.id, direction: snapshot.direction, origin: snapshot.origin ?? 'offered', remote: snapshot.remote, at: snapshot.timestamps.offered });
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

  update(patch: Partial<Pick<CallSnapshot, 'disposition' | 'notes' | 'muted' | 'quality' | 'wrapUpDeadline' | 'conferencedWith' | 'remote' | 'attachedData'>>): void {
    this.data = { ...this.data, ...patch };
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
