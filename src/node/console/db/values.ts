/**
 * Turning API input into stored values, with Salesforce's error codes and messages for each kind
 * of bad value. Storage forms: dates `YYYY-MM-DD`, datetimes `YYYY-MM-DDTHH:mm:ss.SSS+0000` (UTC,
 * so they sort as text), booleans 0/1 in SQL.
 */
import { type SalesforceErrorItem } from './errors.ts';
import { type FieldDef, type FieldValue } from './schema.ts';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export function isValidDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Salesforce's datetime text for an instant. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** The `n`th value of an auto-number field with Salesforce's display format, e.g. `VC-{00000000}` → `VC-00000042`. */
export function formatAutoNumber(format: string, n: number): string {
  const m = /\{(0+)\}/.exec(format);
  if (!m) throw new Error(`auto-number format ${JSON.stringify(format)} has no {0…} placeholder`);
  return format.slice(0, m.index) + String(n).padStart(m[1]!.length, '0') + format.slice(m.index + m[0].length);
}

export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Milliseconds for an ISO 8601 datetime in any of the forms Salesforce accepts, or undefined. */
export function parseDateTime(value: string): number | undefined {
  const m = DATETIME.exec(value);
  if (!m) return undefined;
  if (!isValidDate(`${m[1]}-${m[2]}-${m[3]}`)) return undefined;
  const [hh, mm, ss] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (hh > 23 || mm > 59 || ss > 59) return undefined;
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  let t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), hh, mm, ss, ms);
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return t;
}

export type Coerced = { ok: true; value: FieldValue } | { ok: false; error: SalesforceErrorItem };

const typeError = (field: FieldDef, raw: unknown): Coerced => ({
  ok: false,
  error: {
    errorCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD',
    message: `${field.label}: value not of required type: ${typeof raw === 'string' ? raw : JSON.stringify(raw)}`,
    fields: [field.name],
  },
});

/**
 * Checks and converts one input value for `field`. Reference existence is checked by the caller
 * (it needs the database); here only the Id's shape.
 */
export function coerceValue(field: FieldDef, raw: unknown): Coerced {
  if (raw === null || raw === undefined || raw === '') return { ok: true, value: null };
  switch (field.type) {
    case 'string':
    case 'phone':
    case 'url':
    case 'textarea':
    case 'email':
    case 'picklist': {
      if (typeof raw === 'object') return typeError(field, raw);
      const value = String(raw);
      const max = field.length ?? 255;
      if (value.length > max) {
        return {
          ok: false,
          error: {
            errorCode: 'STRING_TOO_LONG',
            message: `${field.label}: data value too large: ${value.length > 80 ? value.slice(0, 80) + '…' : value} (max length=${max})`,
            fields: [field.name],
          },
        };
      }
      if (field.type === 'email' && !EMAIL.test(value)) {
        return { ok: false, error: { errorCode: 'INVALID_EMAIL_ADDRESS', message: `${field.label}: invalid email address: ${value}`, fields: [field.name] } };
      }
      if (field.type === 'picklist' && field.restricted && !(field.picklistValues ?? []).includes(value)) {
        return {
          ok: false,
          error: {
            errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
            message: `${field.label}: bad value for restricted picklist field: ${value}`,
            fields: [field.name],
          },
        };
      }
      return { ok: true, value };
    }
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n)) return typeError(field, raw);
      return { ok: true, value: n };
    }
    case 'double':
    case 'currency':
    case 'percent': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isFinite(n)) return typeError(field, raw);
      return { ok: true, value: n };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      if (raw === 'true' || raw === 'false') return { ok: true, value: raw === 'true' };
      return typeError(field, raw);
    }
    case 'date': {
      if (typeof raw !== 'string') return typeError(field, raw);
      if (isValidDate(raw)) return { ok: true, value: raw };
      // Salesforce takes a datetime for a date field and keeps the (UTC) day.
      const t = parseDateTime(raw);
      return t === undefined ? typeError(field, raw) : { ok: true, value: formatDate(t) };
    }
    case 'datetime': {
      if (typeof raw !== 'string') return typeError(field, raw);
      const t = isValidDate(raw) ? Date.parse(raw + 'T00:00:00Z') : parseDateTime(raw);
      return t === undefined ? typeError(field, raw) : { ok: true, value: formatDateTime(t) };
    }
    case 'id':
    case 'reference': {
      if (typeof raw !== 'string') return typeError(field, raw);
      return { ok: true, value: raw };
    }
  }
}

/** A stored SQL value back to its API form. */
export function fromSql(field: FieldDef, value: unknown): FieldValue {
  if (value === null || value === undefined) return field.type === 'boolean' ? false : null;
  if (field.type === 'boolean') return value === 1 || value === true;
  if (typeof value === 'bigint') return Number(value);
  return value as FieldValue;
}

/** An API value to its SQL form. */
export function toSql(value: FieldValue): string | number | null {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
