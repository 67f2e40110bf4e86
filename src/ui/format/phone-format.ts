/**
 * Phone numbers for display and for the dial field, as the agent types.
 *
 * Why not libphonenumber-js: its smallest build with `AsYouType` weighs 32.5 KB gzipped, a third of
 * the connector's whole JavaScript budget (90 KB with sip.js). Validation and E.164 normalisation
 * happen in the telephony adapter; the panel only needs readable grouping, so this file formats
 * North American numbers exactly (`(415) 555-0134`, `+1 415-555-0134`), splits other international
 * numbers after their country code (ITU zone rules) and groups the rest, and leaves extensions,
 * feature codes (`*72`) and anything it does not understand as typed.
 */

const NANP_COUNTRIES = ['US', 'CA', 'PR', 'GU', 'VI', 'AS', 'MP', 'DO', 'JM', 'BS', 'BB', 'TT'];

/** Two-digit country codes; codes starting 1 or 7 have one digit; all others three (ITU-T E.164 zones). */
const TWO_DIGIT_CODES = new Set([
  '20', '27', '30', '31', '32', '33', '34', '36', '39', '40', '41', '43', '44', '45', '46', '47', '48', '49',
  '51', '52', '53', '54', '55', '56', '57', '58', '60', '61', '62', '63', '64', '65', '66', '81', '82', '84',
  '86', '90', '91', '92', '93', '94', '95', '98',
]);

/** Keeps what a dial string may hold: digits, a leading `+`, `*` and `#`. */
export function dialable(input: string): string {
  const trimmed = input.trim();
  const plus = trimmed.startsWith('+') ? '+' : '';
  return plus + trimmed.replace(/[^0-9*#]/g, '');
}

/** The country calling code at the start of international digits (without `+`), if recognisable. */
export function countryCodeOf(digits: string): string | undefined {
  if (digits.startsWith('1') || digits.startsWith('7')) return digits.slice(0, 1);
  if (digits.length < 2) return undefined;
  const two = digits.slice(0, 2);
  if (TWO_DIGIT_CODES.has(two)) return two;
  return digits.length >= 3 ? digits.slice(0, 3) : undefined;
}

function nanpNational(ten: string): string {
  // Partial input grows as (415) 555-0134.
  if (ten.length <= 3) return ten;
  if (ten.length <= 6) return `(${ten.slice(0, 3)}) ${ten.slice(3)}`;
  return `(${ten.slice(0, 3)}) ${ten.slice(3, 6)}-${ten.slice(6, 10)}${ten.slice(10)}`;
}

function nanpInternational(ten: string): string {
  if (ten.length <= 3) return ten;
  if (ten.length <= 6) return `${ten.slice(0, 3)}-${ten.slice(3)}`;
  return `${ten.slice(0, 3)}-${ten.slice(3, 6)}-${ten.slice(6)}`;
}

/** Groups digits by three, the last group taking four when exactly four remain: `207 946 0958`. */
function group(digits: string): string {
  const parts: string[] = [];
  let rest = digits;
  while (rest.length > 4) {
    parts.push(rest.slice(0, 3));
    rest = rest.slice(3);
  }
  if (rest) parts.push(rest);
  return parts.join(' ');
}

/**
 * Formats a number as typed so far. `defaultCountry` (ISO 3166, from the call center settings)
 * decides how national numbers read.
 */
export function formatAsYouType(input: string, defaultCountry = 'US'): string {
  const value = input.trim();
  // Feature codes, SIP URIs, letters: not ours to reformat.
  if (value === '' || /[*#@a-z]/i.test(value)) return value;
  const d = dialable(value);
  const international = d.startsWith('+');
  const digits = international ? d.slice(1) : d;
  if (international) {
    if (digits === '') return '+';
    const cc = countryCodeOf(digits);
    if (!cc) return `+${digits}`;
    const national = digits.slice(cc.length);
    if (national === '') return `+${cc}`;
    return `+${cc} ${cc === '1' ? nanpInternational(national) : group(national)}`;
  }
  // Extensions stay as they are.
  if (digits.length <= 6) return digits;
  if (NANP_COUNTRIES.includes(defaultCountry.toUpperCase())) {
    if (digits.startsWith('1') && digits.length >= 8) return `1 ${nanpNational(digits.slice(1))}`;
    if (!digits.startsWith('1') && !digits.startsWith('0')) return nanpNational(digits);
  }
  return digits;
}

/**
 * A party's number for display: the E.164 form, grouped (`+1 415-555-0134`), when the adapter gave
 * one — international style always, so a number reads the same to every agent of a multi-country
 * team and matches what Salesforce search shows — else the number as received, grouped.
 */
export function displayNumber(party: { readonly number: string; readonly e164?: string }, defaultCountry = 'US'): string {
  const e164 = party.e164;
  if (e164 && /^\+\d{6,15}$/.test(e164)) return formatAsYouType(e164, defaultCountry);
  return formatAsYouType(party.number, defaultCountry) || party.number;
}
