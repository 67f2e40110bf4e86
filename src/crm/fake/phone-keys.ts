/**
 * The forms a phone number can be found by: its bare digits and, when libphonenumber reads it (a
 * national number in the org's default region), its E.164 digits and national number. Two numbers
 * match when they share a form, so a search for `+14155550134` finds a record stored as
 * `(415) 555-0134`, as Salesforce's phone search does. The fake's one use of libphonenumber stays here.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export function phoneKeys(value: string, country: CountryCode | undefined): Set<string> {
  const keys = new Set<string>();
  const digits = value.replace(/\D+/g, '');
  if (digits.length >= 4) keys.add(digits);
  try {
    const parsed = parsePhoneNumberFromString(value, country ? { defaultCountry: country } : undefined);
    if (parsed) {
      keys.add(parsed.number.replace(/\D+/g, ''));
      keys.add(String(parsed.nationalNumber));
    }
  } catch {
    // digits only
  }
  return keys;
}
