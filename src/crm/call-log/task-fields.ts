/**
 * Maps a finished call (`CallLogEntry`) to the fields of the log record saveLog creates — a Task
 * with Salesforce's call fields:
 * Subject (settings.log.subject template), CallType Inbound/Outbound/Internal, CallDurationInSeconds,
 * CallObject = our call id (the idempotency key), CallDisposition, Description = notes,
 * ActivityDate YYYY-MM-DD, Status Completed, Priority Normal, Type Call, TaskSubtype Call,
 * WhoId (Contact/Lead) and WhatId (anything else).
 *
 * A call that never connected (missed, declined, failed, cancelled) is not a 0-second conversation:
 * its Subject says what happened ("Missed call from …", "Failed call to … (busy)") and its
 * CallDisposition ([Call Result]) holds the outcome (`Missed`, `Busy`…), so reports can tell them
 * apart from answered calls. See `notConnected`.
 */
import { WHO_OBJECTS, type CallLogEntry, type ConnectorSettings, type Party } from '../../core/index.ts';
import type { LogFields } from '../shared/salesforce-surface.ts';

/**
 * Fields some orgs refuse (TaskSubtype is read-only before some versions; CallType and
 * CallDisposition may be restricted picklists). A log rejected for a field error is retried once
 * without them. CallObject is never stripped: it is how a saved log is found again.
 */
export const OPTIONAL_CALL_FIELDS: readonly string[] = ['TaskSubtype', 'CallType', 'CallDisposition'];

const DIRECTION_LABEL = { inbound: 'Inbound', outbound: 'Outbound', internal: 'Internal' } as const;

/** Local calendar date of `epochMs` as YYYY-MM-DD (Task.ActivityDate is a date, in the agent's day). */
export function activityDate(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Fills the subject template: {direction}, {number}, {name}, {disposition}. */
export function renderSubject(template: string, entry: CallLogEntry, settings: ConnectorSettings): string {
  const disposition = entry.disposition ? (settings.dispositions.find((d) => d.code === entry.disposition)?.label ?? entry.disposition) : '';
  const name = entry.remote.displayName ?? entry.who?.name ?? entry.what?.name ?? '';
  const values: Record<string, string> = {
    direction: DIRECTION_LABEL[entry.direction],
    number: entry.remote.number,
    name,
    disposition,
  };
  const text = template
    .replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole)
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.;:)])/g, '$1')
    .trim();
  return (text || `${DIRECTION_LABEL[entry.direction]} call`).slice(0, 255);
}

/**
 * The values CallDisposition takes for calls that never connected. They stay apart from the call
 * center's disposition codes (which the agent picks in wrap-up, only after a conversation).
 */
export const CALL_RESULTS = {
  missed: 'Missed', //             offered; the caller gave up before the agent answered
  declined: 'Declined', //         offered; the agent declined
  busy: 'Busy', //                 dialled; 486/600
  noAnswer: 'No Answer', //        dialled; nobody answered, or not reachable now (408/480)
  notFound: 'No Such Number', //   dialled; 404/410/484/485/604
  rejected: 'Rejected', //         dialled; the far end declined (603 and other refusals)
  failed: 'Failed', //             network, media or phone-system error (5xx, connection lost)
  cancelled: 'Cancelled', //       dialled; the agent hung up before anyone answered
} as const;

export type CallResult = (typeof CALL_RESULTS)[keyof typeof CALL_RESULTS];

export interface NotConnected {
  readonly subject: string;
  readonly result: CallResult;
}

/**
 * What a call that never connected was: its Subject and Call Result. Undefined for a call that was
 * answered, and for one that left before an answer by a transfer (a consultation completed while
 * ringing), which is not a failure.
 */
export function notConnected(entry: CallLogEntry): NotConnected | undefined {
  if (entry.answeredAt !== undefined) return undefined;
  const reason = entry.endReason;
  if (reason === 'transferred' || reason === 'replaced' || reason === 'answered-elsewhere') return undefined;
  // Logs from before `origin` existed: the reason or the direction tells who started the call.
  const offered = entry.origin !== undefined ? entry.origin === 'offered' : reason === 'missed' || reason === 'declined' || entry.direction === 'inbound';
  // The number as the call-log code has always written it (remote.number, as dialled or received).
  const number = entry.remote.number;
  const subject = (text: string): string => text.slice(0, 255);
  if (offered) {
    if (reason === 'declined') return { subject: subject(`Declined call from ${number}`), result: CALL_RESULTS.declined };
    if (reason === 'failed') return { subject: subject(`Failed call from ${number} (network error)`), result: CALL_RESULTS.failed };
    // missed, and anything else that ended an offer before the answer: the agent never spoke to them.
    return { subject: subject(`Missed call from ${number}`), result: CALL_RESULTS.missed };
  }
  switch (reason) {
    case 'busy':
      return { subject: subject(`Failed call to ${number} (busy)`), result: CALL_RESULTS.busy };
    case 'no-answer':
      return { subject: subject(`Failed call to ${number} (no answer)`), result: CALL_RESULTS.noAnswer };
    case 'not-found':
      return { subject: subject(`Failed call to ${number} (no such number)`), result: CALL_RESULTS.notFound };
    case 'rejected':
      return { subject: subject(`Failed call to ${number} (declined)`), result: CALL_RESULTS.rejected };
    case 'failed':
      return { subject: subject(`Failed call to ${number} (network error)`), result: CALL_RESULTS.failed };
    default:
      // local-hangup (and a far-end hangup that cannot precede an answer): the agent gave up.
      return { subject: subject(`Cancelled call to ${number}`), result: CALL_RESULTS.cancelled };
  }
}

function partyText(party: Party): string {
  return party.displayName && party.displayName !== party.number ? `${party.displayName} (${party.number})` : party.number;
}

function minutes(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

const CONSULTATION_OUTCOME = {
  open: 'still talking when this call ended',
  transferred: 'the call was transferred to them',
  conferenced: 'joined in a conference',
  ended: 'ended; the agent went back to the caller',
  'not-answered': 'not answered',
} as const;

const NOT_ANSWERED: Partial<Record<string, string>> = {
  busy: 'busy',
  'no-answer': 'no answer',
  'not-found': 'no such number',
  rejected: 'declined',
  failed: 'network error',
  'local-hangup': 'the agent hung up first',
};

/**
 * What happened to the call besides talk, one line each, for the Task's Description under the
 * agent's notes: consultations folded into it, and where it was transferred (logging model,
 * README "Call logging"). Empty for a plain call.
 */
export function callEventLines(entry: CallLogEntry): string[] {
  const lines: string[] = [];
  for (const c of entry.consultations ?? []) {
    const talk = c.answeredAt !== undefined ? `, talked ${minutes(c.talkSeconds)}` : '';
    const why = c.outcome === 'not-answered' && c.endReason ? ` (${NOT_ANSWERED[c.endReason] ?? c.endReason})` : '';
    lines.push(`Consulted ${partyText(c.target)}${talk}: ${CONSULTATION_OUTCOME[c.outcome]}${why}.`);
  }
  const t = entry.transfer;
  if (t) {
    if (t.kind === 'blind') lines.push(`Transferred to ${partyText(t.target)} (blind transfer).`);
    else if (t.kind === 'consultative') lines.push(`Transferred to ${partyText(t.target)} after consulting them (consultative transfer).`);
    else lines.push(`Left the conference; the caller stayed on with ${partyText(t.target)}.`);
  }
  return lines;
}

function description(entry: CallLogEntry): string {
  const events = callEventLines(entry);
  if (!events.length) return entry.notes;
  return entry.notes ? `${entry.notes}\n\n${events.join('\n')}` : events.join('\n');
}

export function taskFields(entry: CallLogEntry, settings: ConnectorSettings): LogFields {
  const outcome = notConnected(entry);
  const fields: Record<string, string | number> = {
    // The subject template describes a conversation ({disposition}…); a call that never connected
    // is named by what happened instead, whatever the template.
    Subject: outcome ? outcome.subject : renderSubject(settings.log.subject, entry, settings),
    Status: 'Completed',
    Priority: 'Normal',
    Type: 'Call',
    TaskSubtype: 'Call',
    CallType: DIRECTION_LABEL[entry.direction],
    CallDurationInSeconds: Math.max(0, Math.round(entry.durationSeconds)),
    CallObject: entry.callId.slice(0, 255),
    ActivityDate: activityDate(entry.endedAt),
    Description: description(entry).slice(0, 32000),
  };
  // The agent's disposition when there was one (only a conversation has wrap-up), else the outcome.
  const disposition = entry.disposition || outcome?.result;
  if (disposition) fields.CallDisposition = disposition.slice(0, 255);
  const who = [entry.who, entry.what].find((r) => r && WHO_OBJECTS.includes(r.objectType));
  const what = [entry.what, entry.who].find((r) => r && !WHO_OBJECTS.includes(r.objectType));
  if (who) fields.WhoId = who.id;
  // Salesforce refuses a Lead as Name beside a Related To record (FIELD_INTEGRITY_EXCEPTION): the
  // person the agent spoke to wins, so the call is still logged on the lead.
  if (what && who?.objectType !== 'Lead') fields.WhatId = what.id;
  return fields;
}

export function withoutOptionalFields(fields: LogFields): LogFields {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(fields)) if (!OPTIONAL_CALL_FIELDS.includes(k)) out[k] = v;
  return out;
}
