/**
 * Phone numbers for display and for the dial field: libphonenumber-js's own formats, so the panel,
 * the dial field and the call logs' subjects all read a number the same way (`+44 20 7946 0958`,
 * `+1 415 555 0134`), whatever form the phone system or the agent gave it in.
 *
 * Loaded lazily: libphonenumber-js with its metadata is the largest thing an idle panel would hold
 * (it is also the number normaliser's, src/telephony/sip/number-normalizer.ts, which loads the same
 * module, so the bundler puts it in one chunk both share). The first number to show starts the
 * load; until it is in, numbers show as received (`+442079460958`) and the dial field keeps what the
 * agent typed. `phoneFormatReady()` resolves once it is in, so the panel renders again, formatted.
 * Extensions, feature codes (`*72`), SIP URIs and anything libphonenumber cannot read stay as given.
 */

type PhoneNumbers = typeof import('./phone-number-rules.ts');
type CountryCode = import('libphonenumber-js').CountryCode;

let lib: PhoneNumbers | undefined;
let loading: Promise<PhoneNumbers> | undefined;
let markReady: () => void = () => {};
const ready = new Promise<void>((resolve) => {
  markReady = resolve;
});

/**
 * Loads libphonenumber-js once (later calls share the same promise). A failed load (the chunk could
 * not be fetched) is forgotten, so the next number shown tries again.
 */
export function loadPhoneFormat(): Promise<void> {
  loading ??= import('./phone-number-rules.ts').then(
    (module) => {
      lib = module;
      markReady();
      return module;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading.then(() => undefined);
}

/** Resolves once numbers format (never rejects; a failed load is retried by the next number shown). */
export function phoneFormatReady(): Promise<void> {
  return ready;
}

/** The loaded library, or undefined after starting to load it. */
function loaded(): PhoneNumbers | undefined {
  if (!lib) loadPhoneFormat().catch(() => {});
  return lib;
}

/** Keeps what a dial string may hold: digits, a leading `+`, `*` and `#`. */
export function dialable(input: string): string {
  const trimmed = input.trim();
  const plus = trimmed.startsWith('+') ? '+' : '';
  return plus + trimmed.replace(/[^0-9*#]/g, '');
}

/** Feature codes, SIP URIs, letters: not numbers to reformat. */
function notANumber(value: string): boolean {
  return /[*#@a-z]/i.test(value);
}

/** An extension: a few digits, no `+`. It never leaves the phone system and reads best as typed. */
function isShortDigits(value: string): boolean {
  return /^\d{1,6}$/.test(dialable(value));
}

/**
 * Formats a number as typed so far (libphonenumber's AsYouType). `defaultCountry` (ISO 3166, from
 * the call center settings) decides how national numbers read: `(415) 555-0134` in the US,
 * `020 7946 0958` in GB. Before libphonenumber-js is loaded, the input is kept as typed.
 */
export function formatAsYouType(input: string, defaultCountry = 'US'): string {
  const value = input.trim();
  if (value === '' || notANumber(value) || isShortDigits(value)) return value;
  const numbers = loaded();
  if (!numbers) return value;
  return new numbers.AsYouType(defaultCountry.toUpperCase() as CountryCode).input(dialable(value));
}

/**
 * A number in international format (`+44 20 7946 0958`), when libphonenumber-js is loaded and the
 * number is possible; otherwise undefined. International style always, so a number reads the same
 * to every agent of a multi-country team and matches what Salesforce search shows.
 */
function international(numbers: PhoneNumbers, party: { readonly number: string; readonly e164?: string }, defaultCountry: string): string | undefined {
  const e164 = party.e164 && /^\+\d{6,15}$/.test(party.e164) ? party.e164 : undefined;
  const source = e164 ?? party.number.trim();
  if (source === '' || notANumber(source) || (!e164 && isShortDigits(source))) return undefined;
  const key = `${defaultCountry}|${source}`;
  const known = formatted.get(key);
  if (known !== undefined) return known || undefined;
  const parsed = numbers.parsePhoneNumberFromString(source, defaultCountry.toUpperCase() as CountryCode);
  const result = parsed?.isPossible() ? parsed.formatInternational() : undefined;
  // Oldest out first: the panel re-renders its history (up to its cap) at every change of state.
  if (formatted.size >= FORMATTED_KEPT) formatted.delete(formatted.keys().next().value!);
  formatted.set(key, result ?? '');
  return result;
}

/**
 * Numbers already formatted ('' for one that is not a possible number), by country and source: the
 * panel renders the same numbers (its call history) at every change of state, and libphonenumber's
 * parse was most of a render's time (bench:profile).
 */
const formatted = new Map<string, string>();
const FORMATTED_KEPT = 500;

/**
 * A party's number for display: the E.164 form when the adapter gave one, else the number as
 * received, in international format (see `international`). Until libphonenumber-js is loaded (this
 * starts it), the E.164 form or the number as received.
 */
export function displayNumber(party: { readonly number: string; readonly e164?: string }, defaultCountry = 'US'): string {
  const numbers = loaded();
  const formatted = numbers ? international(numbers, party, defaultCountry) : undefined;
  return formatted ?? party.e164 ?? party.number;
}

/**
 * `displayNumber` once libphonenumber-js is loaded: for text written once (a call log's subject),
 * which cannot be rendered again later. If the library cannot be loaded, the unformatted number.
 */
export async function formatPhoneNumber(party: { readonly number: string; readonly e164?: string }, defaultCountry = 'US'): Promise<string> {
  await loadPhoneFormat().catch(() => {});
  return displayNumber(party, defaultCountry);
}
