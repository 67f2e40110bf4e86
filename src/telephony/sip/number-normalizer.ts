/**
 * What we dial for a number typed or clicked by the agent.
 *
 * The rule, in order:
 * 1. A SIP URI (`sip:…`, or anything with `@`) is dialled as given.
 * 2. An extension — all digits and at most MAX_EXTENSION_DIGITS long, or an entry of the transfer
 *    directory — is dialled as given (no prefixes: it never leaves the phone system).
 * 3. Otherwise the number is read with libphonenumber-js in `dialing.defaultCountry` (a leading
 *    `+` or the country's international prefix makes it international). Unreadable → SB20004.
 *    - When none of outsidePrefix, longDistancePrefix, internationalPrefix is configured, we dial
 *      E.164 (`+14155550134`): what SIP trunks and providers expect.
 *    - National number (same country as defaultCountry):
 *        outsidePrefix + longDistancePrefix + national significant number
 *        (US, 9 and 1: `9 1 415 555 0134` → `914155550134`; GB, 9 and 0: `9 0 20 7946 0958`).
 *    - International number:
 *        outsidePrefix + (internationalPrefix, or `+` when unset) + country code + national number
 *        (US, 9 and 011, a UK number: `9 011 44 20 7946 0958`).
 * The party's `e164` is always the E.164 form, so the CRM can match it whatever was dialled.
 *
 * Why libphonenumber-js is imported dynamically: with its metadata it is the largest thing the SIP
 * stack would keep in an idle panel's JS heap (~285 KB), yet only rule 3 needs it, and only when
 * the agent dials or transfers to an outside number (inbound caller ids are never normalised: the
 * CRM matches what the phone system sends). The bundler splits it into its own chunk, fetched from
 * the page's own origin on first use (a few ms, next to the call set-up's microphone and ICE
 * gathering), and the module stays loaded afterwards. Rules 1 and 2 never load it.
 */
import type { CountryCode } from 'libphonenumber-js';
import { SwitchboardError } from '../../core/index.ts';
import type { Party } from '../../core/index.ts';
import { isExtension } from './identity.ts';

export interface DialingRules {
  readonly defaultCountry: string;
  readonly outsidePrefix?: string;
  readonly longDistancePrefix?: string;
  readonly internationalPrefix?: string;
}

export interface DialTarget {
  /** The user part (or whole URI, for `sip:` targets) to put in the Request-URI. */
  readonly dialString: string;
  readonly party: Party;
  readonly kind: 'uri' | 'extension' | 'national' | 'international';
}

type PhoneNumbers = typeof import('./phone-number-rules.ts');

let phoneNumbers: Promise<PhoneNumbers> | undefined;

/**
 * Loads libphonenumber-js once (later calls share the same promise). A failed load (the chunk
 * could not be fetched) is forgotten, so the next dial tries again.
 */
export function loadPhoneNumbers(): Promise<PhoneNumbers> {
  phoneNumbers ??= import('./phone-number-rules.ts').catch((error: unknown) => {
    phoneNumbers = undefined;
    throw new SwitchboardError('SB20004', `The phone-number rules could not be loaded: ${error instanceof Error ? error.message : String(error)}`, error);
  });
  return phoneNumbers;
}

/** True once libphonenumber-js has been asked for (diagnostics and tests of the lazy load). */
export function phoneNumbersRequested(): boolean {
  return phoneNumbers !== undefined;
}

/**
 * The dial target for `input` (see the module comment). URIs and extensions resolve without
 * loading libphonenumber-js; anything else waits for it on first use.
 */
export async function normalizeDialTarget(input: string, rules: DialingRules, directory: readonly { readonly extension: string }[] = []): Promise<DialTarget> {
  const typed = input.trim();
  if (typed === '') throw new SwitchboardError('SB20004', 'The number to dial is empty.');
  if (/^sips?:/i.test(typed) || typed.includes('@')) return { dialString: typed, party: { number: typed }, kind: 'uri' };
  const compact = typed.replace(/[\s().\-/]/g, '');
  if (isExtension(compact, directory) || directory.some((d) => d.extension === typed)) {
    const ext = directory.some((d) => d.extension === typed) ? typed : compact;
    return { dialString: ext, party: { number: ext }, kind: 'extension' };
  }
  const { getCountryCallingCode, parsePhoneNumberFromString } = await loadPhoneNumbers();
  const country = rules.defaultCountry.toUpperCase() as CountryCode;
  const parsed = parsePhoneNumberFromString(typed, country);
  if (!parsed || !/^\+?[\d*#]+$/.test(compact)) {
    throw new SwitchboardError('SB20004', `'${input}' is not a phone number or extension (read in country ${country}).`);
  }
  const e164 = parsed.number;
  const party: Party = { number: typed, e164 };
  const national = parsed.country === country || (parsed.country === undefined && parsed.countryCallingCode === getCountryCallingCode(country));
  const anyPrefix = rules.outsidePrefix || rules.longDistancePrefix || rules.internationalPrefix;
  if (!anyPrefix) return { dialString: e164, party, kind: national ? 'national' : 'international' };
  const outside = rules.outsidePrefix ?? '';
  if (national) {
    return { dialString: `${outside}${rules.longDistancePrefix ?? ''}${parsed.nationalNumber}`, party, kind: 'national' };
  }
  return {
    dialString: `${outside}${rules.internationalPrefix ?? '+'}${parsed.countryCallingCode}${parsed.nationalNumber}`,
    party,
    kind: 'international',
  };
}
