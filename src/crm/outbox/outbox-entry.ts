/**
 * One outbox entry as it is journalled in the `StoragePort`, and what reading and scrubbing it takes:
 * the shape check for what storage returns (another version or another tab may have written it)
 * and the confirmed form that keeps only the idempotency record once Salesforce holds the log.
 */
import type { JsonValue } from '../../core/index.ts';
import type { LogFields } from '../shared/salesforce-surface.ts';

export const ENTRY_PREFIX = 'outbox/entry/';
/** The fields of a saved entry: Salesforce holds the log, the browser keeps none of it. */
const CONFIRMED: LogFields = {};

export type OutboxState = 'pending' | 'saved' | 'failed';

/**
 * What the agent recognises a log by, kept beside its fields until it is saved (the fields are the
 * Task as Salesforce takes it; this says whom the call was with and when, for the panel).
 */
export interface OutboxAbout {
  readonly direction?: 'inbound' | 'outbound' | 'internal';
  /** The other party's number as the log's subject writes it. */
  readonly number?: string;
  /** The person the log names (Name / Who), else the caller's display name. */
  readonly name?: string;
  /** When the call ended (epoch ms). */
  readonly endedAt?: number;
}

/** Why the last attempt failed; for a refusal, Salesforce's own words and the fields it named. */
export interface OutboxError {
  readonly code: string;
  readonly message: string;
  readonly reason?: string;
  readonly fields?: readonly string[];
}

export interface OutboxEntry {
  readonly callId: string;
  readonly objectApiName: string;
  /** The log to write; empty once `saved` (Salesforce has it, the browser keeps nothing of it). */
  readonly fields: LogFields;
  /** Whom and when, for the agent; dropped once `saved` like the fields. Absent in older entries. */
  readonly about?: OutboxAbout;
  readonly state: OutboxState;
  readonly createdAt: number;
  /** Attempts started (claims taken). */
  readonly attempts: number;
  readonly nextAttemptAt: number;
  /** `awaiting`: the owner's save timed out and it waits for the late answer (never taken over early). */
  readonly lease: { readonly owner: string; readonly token: string; readonly until: number; readonly awaiting?: boolean } | null;
  /** An earlier attempt may have created the record: look it up before creating. */
  readonly uncertain: boolean;
  /** Retrying without OPTIONAL_CALL_FIELDS after a field error. */
  readonly stripped: boolean;
  readonly recordId: string | null;
  readonly savedAt: number | null;
  readonly lastError: OutboxError | null;
}

/** A log just queued: pending, due now, never tried. */
export function pendingEntry(callId: string, objectApiName: string, fields: LogFields, now: number, about?: OutboxAbout): OutboxEntry {
  return {
    callId,
    objectApiName,
    fields,
    ...(about ? { about } : {}),
    state: 'pending',
    createdAt: now,
    attempts: 0,
    nextAttemptAt: now,
    lease: null,
    uncertain: false,
    stripped: false,
    recordId: null,
    savedAt: null,
    lastError: null,
  };
}

export function isOutboxEntry(value: unknown): value is OutboxEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.callId === 'string' &&
    typeof v.objectApiName === 'string' &&
    typeof v.fields === 'object' &&
    v.fields !== null &&
    (v.state === 'pending' || v.state === 'saved' || v.state === 'failed') &&
    typeof v.attempts === 'number' &&
    typeof v.nextAttemptAt === 'number'
  );
}

export function asEntry(value: unknown): OutboxEntry | undefined {
  return isOutboxEntry(value) ? value : undefined;
}

export function toJson(entry: OutboxEntry): JsonValue {
  return entry as unknown as JsonValue;
}

export function hasContent(entry: OutboxEntry): boolean {
  return Object.keys(entry.fields).length > 0 || entry.lastError !== null || entry.about !== undefined;
}

/** A confirmed entry as it is kept: the idempotency record, without the log's content. */
export function withoutContent(entry: OutboxEntry): OutboxEntry {
  const { about: _about, ...rest } = entry;
  return { ...rest, fields: CONFIRMED, lastError: null };
}

/** The order entries are listed and reported in: oldest first, then by call id. */
export function oldestFirst(a: OutboxEntry, b: OutboxEntry): number {
  return a.createdAt - b.createdAt || a.callId.localeCompare(b.callId);
}
