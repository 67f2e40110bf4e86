/**
 * Errors coming back from Salesforce's Open CTI libraries, mapped onto the catalog.
 *
 * Lightning callbacks carry `{success:false, errors:[{code, description, details?}]}`; Classic
 * callbacks carry `{error: string}`; both libraries also throw synchronously on bad arguments.
 * All of them become `SalesforceApiError` (SB30002) with the structured errors kept in `errors`
 * so the outbox can tell a permanent field error from a transient failure.
 */
import { SwitchboardError, type ErrorCode } from '../../core/index.ts';

export interface SalesforceErrorItem {
  readonly code: string;
  readonly description: string;
  readonly details?: unknown;
}

/** How the failure showed itself: a `success:false` answer, a synchronous throw, or no answer in time. */
export type FailureKind = 'rejected' | 'threw' | 'timeout';

export class SalesforceApiError extends SwitchboardError {
  readonly method: string;
  readonly errors: readonly SalesforceErrorItem[];
  readonly kind: FailureKind;

  constructor(method: string, errors: readonly SalesforceErrorItem[], kind: FailureKind = 'rejected', code: ErrorCode = 'SB30002', cause?: unknown) {
    const text = errors.map((e) => `${e.code}: ${e.description}${e.details !== undefined ? ` ${safeJson(e.details)}` : ''}`).join('; ');
    super(code, `${method}: ${text || 'no error details'}`, cause);
    this.name = 'SalesforceApiError';
    this.method = method;
    this.errors = errors;
    this.kind = kind;
  }
}

export function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Reads one Lightning error item defensively (docs name it `errors`, some pages `error`). */
export function toErrorItems(raw: unknown): SalesforceErrorItem[] {
  const list = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  return list.map((item: unknown) => {
    if (typeof item === 'string') return { code: 'GENERIC_ERROR', description: item };
    if (typeof item === 'object' && item !== null) {
      const o = item as Record<string, unknown>;
      const code = typeof o.code === 'string' ? o.code : typeof o.errorCode === 'string' ? o.errorCode : 'GENERIC_ERROR';
      const description = typeof o.description === 'string' ? o.description : typeof o.message === 'string' ? o.message : safeJson(item);
      return o.details !== undefined ? { code, description, details: o.details } : { code, description };
    }
    return { code: 'GENERIC_ERROR', description: String(item) };
  });
}

/** Turns a synchronous throw from the library (an Error, or a thrown string) into our error. */
export function thrownError(method: string, thrown: unknown): SalesforceApiError {
  const description = thrown instanceof Error ? thrown.message : typeof thrown === 'string' ? thrown : safeJson(thrown);
  return new SalesforceApiError(method, [{ code: 'INVALID_PARAM', description }], 'threw', 'SB30002', thrown);
}

export function timeoutError(method: string, ms: number): SalesforceApiError {
  return new SalesforceApiError(method, [{ code: 'TIMEOUT', description: `no answer from Salesforce within ${ms} ms` }], 'timeout');
}

/**
 * Error codes and phrases that say a record was refused for what it holds (a field this org lacks,
 * a restricted picklist value): retrying the same record can never succeed.
 */
const PERMANENT_FIELD_ERROR =
  /INVALID_FIELD|INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST|INVALID_TYPE_ON_FIELD_IN_RECORD|FIELD_INTEGRITY_EXCEPTION|REQUIRED_FIELD_MISSING|STRING_TOO_LONG|MALFORMED_ID|INVALID_CROSS_REFERENCE_KEY|FIELD_CUSTOM_VALIDATION_EXCEPTION|No such column|bad value for restricted picklist/i;

/** True when Salesforce refused the record itself (as opposed to being unreachable or busy). */
export function isPermanentRecordError(error: unknown): boolean {
  if (!(error instanceof SalesforceApiError)) return false;
  if (error.kind === 'timeout') return false;
  if (error.kind === 'threw') return true; // argument checks fail the same way every time
  return error.errors.some(
    (e) =>
      e.code === 'INVALID_PARAM' ||
      PERMANENT_FIELD_ERROR.test(e.code) ||
      PERMANENT_FIELD_ERROR.test(e.description) ||
      PERMANENT_FIELD_ERROR.test(safeJson(e.details ?? '')),
  );
}

/** What Salesforce said when it refused a record: its own words, and the fields it named. */
export interface Refusal {
  readonly message: string;
  readonly fields: readonly string[];
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
}

/**
 * Reads a refusal for the agent: the error items' messages without our wrapping, and the fields
 * named in their details. Salesforce puts the REST-style items (`{errorCode, message, fields}`) in
 * `details.errors` (the console emulator does the same) or names the fields in `details.fields`.
 */
export function refusalOf(error: unknown): Refusal {
  if (!(error instanceof SalesforceApiError)) return { message: error instanceof Error ? error.message : String(error), fields: [] };
  const messages: string[] = [];
  const fields: string[] = [];
  for (const item of error.errors) {
    const details = typeof item.details === 'object' && item.details !== null ? (item.details as Record<string, unknown>) : {};
    const inner = Array.isArray(details.errors) ? details.errors.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null) : [];
    const innerMessages = inner.map((e) => (typeof e.message === 'string' ? e.message : '')).filter((m) => m !== '');
    messages.push(...(innerMessages.length ? innerMessages : [item.description]));
    fields.push(...stringsOf(details.fields), ...inner.flatMap((e) => stringsOf(e.fields)));
  }
  const message = [...new Set(messages.map((m) => m.trim()).filter((m) => m !== ''))].join(' ');
  return { message: message || error.message, fields: [...new Set(fields)] };
}
