/**
 * Maps a finished call (`CallLogEntry`) to the fields of the log record saveLog creates — a Task
 * with Salesforce's call fields (reference §6.1):
 * Subject (settings.log.subject template), CallType Inbound/Outbound/Internal, CallDurationInSeconds,
 * CallObject = our call id (the idempotency key), CallDisposition, Description = notes,
 * ActivityDate YYYY-MM-DD, Status Completed, Priority Normal, Type Call, TaskSubtype Call,
 * WhoId (Contact/Lead) and WhatId (anything else).
 */
import { WHO_OBJECTS, type CallLogEntry, type ConnectorSettings } from '../../core/index.ts';
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
  const disposition = entry.disposition ? settings.dispositions.find((d) => d.code === entry.disposition)?.label ?? entry.disposition : '';
  const name = entry.remote.displayName ?? entry.who?.name ?? entry.what?.name ?? '';
  const values: Record<string, string> = {
    direction: DIRECTION_LABEL[entry.direction],
    number: entry.remote.number,
    name,
    disposition,
  };
  const text = template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole).replace(/\s+/g, ' ').replace(/\s+([,.;:)])/g, '$1').trim();
  return (text || `${DIRECTION_LABEL[entry.direction]} call`).slice(0, 255);
}

export function taskFields(entry: CallLogEntry, settings: ConnectorSettings): LogFields {
  const fields: Record<string, string | number> = {
    Subject: renderSubject(settings.log.subject, entry, settings),
    Status: 'Completed',
    Priority: 'Normal',
    Type: 'Call',
    TaskSubtype: 'Call',
    CallType: DIRECTION_LABEL[entry.direction],
    CallDurationInSeconds: Math.max(0, Math.round(entry.durationSeconds)),
    CallObject: entry.callId.slice(0, 255),
    ActivityDate: activityDate(entry.endedAt),
    Description: entry.notes.slice(0, 32000),
  };
  if (entry.disposition) fields.CallDisposition = entry.disposition.slice(0, 255);
  const who = [entry.who, entry.what].find((r) => r && WHO_OBJECTS.includes(r.objectType));
  const what = [entry.what, entry.who].find((r) => r && !WHO_OBJECTS.includes(r.objectType));
  if (who) fields.WhoId = who.id;
  if (what) fields.WhatId = what.id;
  return fields;
}

export function withoutOptionalFields(fields: LogFields): LogFields {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(fields)) if (!OPTIONAL_CALL_FIELDS.includes(k)) out[k] = v;
  return out;
}
