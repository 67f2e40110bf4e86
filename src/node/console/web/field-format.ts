/**
 * How a Lightning record page shows a field's value: dates in the user's locale and time zone,
 * numbers and currency formatted, picklist values by label, checkboxes as a state, lookups as the
 * parent's name. Pure (no DOM), so the page and its tests share it.
 */
import type { FieldInfo, LookupName, Value } from './api-client.ts';

/** The user's formatting settings: a BCP 47 locale and, if the user has one, an IANA time zone. */
export interface FormatContext {
  readonly locale: string;
  readonly timeZone?: string;
  readonly currency?: string;
}

export type Shown =
  | { readonly kind: 'empty' }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'checkbox'; readonly checked: boolean }
  | { readonly kind: 'lookup'; readonly id: string; readonly object: string; readonly text: string };

/** Salesforce locale keys (de_DE, ja_JP, en_US) as BCP 47 tags; an unknown or missing key falls back to en-US. */
export function userLocale(localeSidKey: string | undefined): string {
  const tag = (localeSidKey ?? '').replace(/_/g, '-');
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? 'en-US';
  } catch {
    return 'en-US';
  }
}

/**
 * A time zone Intl accepts, or undefined (the browser's own) for a missing or unknown one. The first
 * formatter with a time zone loads ICU's zone data (about 30 ms); dateFormat keeps it, so a zone is
 * checked once.
 */
export function userTimeZone(timeZoneSidKey: string | undefined): string | undefined {
  if (!timeZoneSidKey) return undefined;
  try {
    dateFormat('en-US', { timeZone: timeZoneSidKey });
    return timeZoneSidKey;
  } catch {
    return undefined;
  }
}

/**
 * Intl formatters by what they format and for whom: building one costs far more than formatting
 * with it (ICU loads the locale's patterns), and a record page formats the same few kinds of value
 * dozens of times (its activities' dates).
 */
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function kept<F extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => F): F {
  let f = formatters.get(key) as F | undefined;
  if (!f) formatters.set(key, (f = make()));
  return f;
}
const dateFormat = (locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat =>
  kept(`d|${locale}|${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options));
const numberFormat = (locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat =>
  kept(`n|${locale}|${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options));

/** A date field (YYYY-MM-DD) is a calendar day: shown as that day whatever the time zone. */
export function formatDate(value: string, ctx: FormatContext): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return value;
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return dateFormat(ctx.locale, { year: 'numeric', month: 'numeric', day: 'numeric', timeZone: 'UTC' }).format(day);
}

/** A datetime field is an instant: shown in the user's time zone. */
export function formatDateTime(value: string, ctx: FormatContext): string {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return value;
  return dateFormat(ctx.locale, {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    ...(ctx.timeZone ? { timeZone: ctx.timeZone } : {}),
  }).format(at);
}

/** A call's duration in seconds as m:ss (61 → 1:01); hours stay in the minutes (3600 → 60:00). */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A picklist value by its label; a value without a label (or not in the list) shows as it is. */
export function picklistLabel(field: Pick<FieldInfo, 'picklistLabels'> | undefined, value: string): string {
  return field?.picklistLabels?.[value] ?? value;
}

/** What the page shows for `value` of `field`; `names` are the lookups' parents by Id. */
export function formatValue(field: FieldInfo, value: Value | undefined, ctx: FormatContext, names: Readonly<Record<string, LookupName>> = {}): Shown {
  if (field.type === 'boolean') return { kind: 'checkbox', checked: value === true };
  if (value === null || value === undefined || value === '') return { kind: 'empty' };
  const text = (t: string): Shown => ({ kind: 'text', text: t });
  switch (field.type) {
    case 'date':
      return text(formatDate(String(value), ctx));
    case 'datetime':
      return text(formatDateTime(String(value), ctx));
    case 'currency':
      return typeof value === 'number'
        ? text(numberFormat(ctx.locale, { style: 'currency', currency: ctx.currency ?? 'USD' }).format(value))
        : text(String(value));
    // Salesforce stores a percent as the number shown (12.5 means 12.5 %).
    case 'percent':
      return typeof value === 'number'
        ? text(numberFormat(ctx.locale, { style: 'percent', maximumFractionDigits: 2 }).format(value / 100))
        : text(String(value));
    case 'int':
    case 'double':
      return typeof value === 'number' ? text(numberFormat(ctx.locale).format(value)) : text(String(value));
    case 'picklist':
      return text(picklistLabel(field, String(value)));
    case 'reference': {
      const parent = names[String(value)];
      // A parent the user cannot see (or that was deleted) shows its Id, as Salesforce does.
      return parent ? { kind: 'lookup', id: String(value), object: parent.object, text: parent.name || String(value) } : text(String(value));
    }
    default:
      return text(String(value));
  }
}
