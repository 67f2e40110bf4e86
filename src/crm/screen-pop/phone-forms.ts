/**
 * What a caller's number is searched as: one string, the number as Salesforce would receive it.
 *
 * One search, not one per format: Salesforce's softphone phone search matches a number whatever
 * its format (E.164 `+14155550134`, national `4155550134`, `(415) 555-0134`), as the console
 * emulator and FakeOrg do (both index every stored phone under its E.164, national and raw
 * digits, and read the searched string the same way). So one `searchAndScreenPop` round trip per
 * pop is enough, and no phone-number library (libphonenumber-js and its ~80 KB of metadata) is
 * needed on the path from the INVITE to the pop:
 * - the E.164 form when the telephony adapter gave one (outbound calls: what was dialled, read
 *   with the call center's default country);
 * - else the number as received from the phone system (the caller ID's user part), with layout
 *   characters (spaces, dots, dashes, brackets) dropped.
 * The same string prefills the phone field of the layout's no-match new record.
 */
import type { Party } from '../../core/index.ts';

export interface PhoneForms {
  /** The string searched (and prefilled), at least 3 characters; absent for anonymous callers. */
  readonly search?: string;
  /** The same as a list (empty or one), for callers that iterate. */
  readonly searches: readonly string[];
}

const E164 = /^\+[1-9]\d{5,14}$/;

/** Reads a party's number for the CRM search: E.164 when known, else as received (an extension such as `1002` too). */
export function phoneForms(party: Party): PhoneForms {
  const e164 = party.e164?.trim();
  const raw = party.number.trim();
  const compact = /^\+?[\d\s().\-/*#]+$/.test(raw) ? raw.replace(/[\s().\-/]/g, '') : raw;
  const search = e164 && E164.test(e164) ? e164 : compact;
  return search.length >= 3 ? { search, searches: [search] } : { searches: [] };
}
