/**
 * How a call is written down: its log entry (the Task), and the consultations folded into the
 * customer call's log. Pure, over call snapshots.
 */
import { holdSeconds, talkSeconds, type CallSnapshot } from '../call/call.ts';
import type { ConsultationRecord, EndReason, TransferRecord } from '../call/call-types.ts';
import type { CallLogEntry } from '../ports/crm-port.ts';

/** The call's log as of `now` (the end time of a call that has not ended). */
export function toLogEntry(call: CallSnapshot, now: number): CallLogEntry {
  const ended = call.timestamps.ended ?? call.timestamps.closed ?? now;
  return {
    callId: call.id,
    direction: call.direction,
    ...(call.origin ? { origin: call.origin } : {}),
    remote: call.remote,
    startedAt: call.timestamps.offered,
    ...(call.timestamps.answered !== undefined ? { answeredAt: call.timestamps.answered } : {}),
    endedAt: ended,
    durationSeconds: talkSeconds(call),
    holdSeconds: holdSeconds(call),
    endReason: call.endReason ?? 'local-hangup',
    ...(call.disposition ? { disposition: call.disposition } : {}),
    notes: call.notes,
    ...(call.relations.who ? { who: call.relations.who } : {}),
    ...(call.relations.what ? { what: call.relations.what } : {}),
    attachedData: call.attachedData,
    ...(call.transfer ? { transfer: call.transfer } : {}),
    ...(call.consultations?.length ? { consultations: call.consultations } : {}),
  };
}

/** A consultation as the customer call's log keeps it. */
export function consultationRecord(c: CallSnapshot, outcome: ConsultationRecord['outcome'], now: number): ConsultationRecord {
  const { answered, ended } = c.timestamps;
  const until = ended ?? now;
  return {
    callId: c.id,
    target: c.remote,
    startedAt: c.timestamps.offered,
    ...(answered !== undefined ? { answeredAt: answered } : {}),
    talkSeconds: answered === undefined ? 0 : Math.max(0, Math.round((until - answered) / 1000)),
    outcome,
    ...(outcome === 'not-answered' && c.endReason ? { endReason: c.endReason } : {}),
  };
}

/** What became of a consultation that ended, given how the call it was about was handed on (if it was). */
export function consultationOutcome(c: CallSnapshot, reason: EndReason, handedOn: TransferRecord['kind'] | undefined): ConsultationRecord['outcome'] {
  if (c.timestamps.answered === undefined) return reason === 'transferred' ? 'transferred' : 'not-answered';
  if (reason === 'transferred') return handedOn === 'conference' ? 'conferenced' : 'transferred';
  return c.timeline.some((e) => e.kind === 'conference') ? 'conferenced' : 'ended';
}
