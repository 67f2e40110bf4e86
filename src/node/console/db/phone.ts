/**
 * Phone matching the way Salesforce's softphone search behaves: formatting never matters, and a
 * number is found from its E.164 form, its national form (with trunk prefix) or its bare national
 * significant number. Every stored phone value gets a set of digit-only keys; a search number is
 * turned into keys the same way and matched against them.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** Country names/codes as they appear in address fields → ISO region, to read national numbers. */
const COUNTRY_REGIONS: Readonly<Record<string, CountryCode>> = {
  us: 'US',
  usa: 'US',
  'united states': 'US',
  'united states of america': 'US',
  gb: 'GB',
  uk: 'GB',
  'united kingdom': 'GB',
  'great britain': 'GB',
  england: 'GB',
  de: 'DE',
  germany: 'DE',
  deutschland: 'DE',
  fr: 'FR',
  france: 'FR',
  jp: 'JP',
  japan: 'JP',
  ca: 'CA',
  canada: 'CA',
  au: 'AU',
  australia: 'AU',
  es: 'ES',
  spain: 'ES',
  it: 'IT',
  italy: 'IT',
  nl: 'NL',
  netherlands: 'NL',
  ie: 'IE',
  ireland: 'IE',
};

/** The ISO region for a country field value ("United Kingdom", "DE"…), if known. */
export function regionOfCountry(country: string | null | undefined): CountryCode | undefined {
  if (!country) return undefined;
  return COUNTRY_REGIONS[country.trim().toLowerCase()];
}

export function isRegion(value: string): value is CountryCode {
  return /^[A-Z]{2}$/.test(value) && parsePhoneNumberFromString('+1 415 555 0134', value as CountryCode) !== undefined;
}

function digitsOf(value: string): string {
  return value.replace(/\D+/g, '');
}

/** International access written as 00 or 011 instead of '+'. */
function withPlus(value: string): string {
  const trimmed = value.trim();
  if (trimmed.startsWith('+')) return trimmed;
  const digits = digitsOf(trimmed);
  if (digits.startsWith('00') && digits.length > 8) return '+' + digits.slice(2);
  return trimmed;
}

/**
 * Keys under which a stored phone value is indexed: its raw digits, and if it parses as a possible
 * number (read with `region`, the record's country or the emulator default), its E.164 digits,
 * national-format digits and national significant number.
 */
export function storedPhoneKeys(value: string, region: CountryCode): string[] {
  const keys = new Set<string>();
  const raw = digitsOf(value);
  if (raw.length > 0) keys.add(raw);
  const parsed = parsePhoneNumberFromString(withPlus(value), region);
  if (parsed && parsed.isPossible()) {
    keys.add(digitsOf(parsed.number));
    keys.add(digitsOf(parsed.format('NATIONAL')));
    keys.add(String(parsed.nationalNumber));
  }
  return [...keys];
}

/**
 * Keys a searched number is looked up by: its raw digits, and its E.164 digits when it parses
 * (international forms as given; national forms read in `region`).
 */
export function searchPhoneKeys(value: string, region: CountryCode): string[] {
  const keys = new Set<string>();
  const raw = digitsOf(value);
  if (raw.length === 0) return [];
  keys.add(raw);
  const parsed = parsePhoneNumberFromString(withPlus(value), region);
  if (parsed && parsed.isPossible()) keys.add(digitsOf(parsed.number));
  return [...keys];
}

/** Whether a search term looks like a phone number rather than words. */
export function looksLikePhone(term: string): boolean {
  return /^[+\d\s().\-/]+$/.test(term.trim()) && digitsOf(term).length >= 3;
}
