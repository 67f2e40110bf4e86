/**
 * The forms a caller's number is searched in. Salesforce's softphone search matches the text of
 * phone fields, and orgs store numbers both ways, so we search the E.164 form (`+14155550134`) and
 * the national significant number (`4155550134`), read with the call center's default country.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { Party } from '../../core/index.ts';

export interface PhoneForms {
  /** `+14155550134`, when the number could be read as a phone number. */
  readonly e164?: string;
  /** `4155550134`: the national significant number. */
  readonly national?: string;
  /** Distinct search strings in order (E.164 first), each at least 3 characters. */
  readonly searches: readonly string[];
}

function isCountry(value: string): value is CountryCode {
  return /^[A-Z]{2}$/.test(value);
}

/** Reads a party's number; falls back to its digits (an extension such as `1002`) when unparsable. */
export function phoneForms(party: Party, defaultCountry: string): PhoneForms {
  const raw = party.number.trim();
  const country = isCountry(defaultCountry.toUpperCase()) ? (defaultCountry.toUpperCase() as CountryCode) : undefined;
  let e164 = party.e164;
  let national: string | undefined;
  try {
    const parsed = parsePhoneNumberFromString(e164 ?? raw, country ? { defaultCountry: country } : undefined);
    if (parsed && parsed.isPossible()) {
      e164 = parsed.number;
      national = parsed.nationalNumber;
    }
  } catch {
    // Unreadable numbers are searched as dialled below.
  }
  const searches: string[] = [];
  const add = (s: string | undefined): void => {
    if (s && s.length >= 3 && !searches.includes(s)) searches.push(s);
  };
  add(e164);
  add(national);
  if (searches.length === 0) add(raw.replace(/[^\d+*#]/g, '') || raw);
  return { ...(e164 ? { e164 } : {}), ...(national ? { national } : {}), searches };
}
