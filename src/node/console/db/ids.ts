/**
 * Salesforce record Ids: 15 case-sensitive characters (3-char key prefix, 2-char instance, 10-char
 * base-62 number) plus Salesforce's 3-char case-safe checksum suffix, 18 characters in all.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
/** The emulator's fixed "instance" characters (positions 4–5 of every Id). */
const INSTANCE = '5g';
const ID_SHAPE = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** The checksum suffix of a 15-character Id: one char per 5-char chunk, encoding which chars are upper case. */
export function idSuffix(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let flags = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) flags |= 1 << i;
    }
    out += SUFFIX[flags];
  }
  return out;
}

/** The `n`th Id (n ≥ 1) of an object with key prefix `prefix`. Deterministic: the seed relies on it. */
export function makeId(prefix: string, n: number): string {
  if (!/^[0-9a-zA-Z]{3}$/.test(prefix)) throw new Error(`key prefix must be 3 alphanumerics, got ${JSON.stringify(prefix)}`);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`record number must be a positive integer, got ${n}`);
  let digits = '';
  let rest = n;
  while (rest > 0) {
    digits = BASE62[rest % 62] + digits;
    rest = Math.floor(rest / 62);
  }
  if (digits.length > 10) throw new Error(`record number ${n} does not fit in an Id`);
  const id15 = prefix + INSTANCE + digits.padStart(10, '0');
  return id15 + idSuffix(id15);
}

/**
 * The 18-character form of `value` if it is a well-formed Id (15 chars, or 18 with a correct
 * checksum), otherwise undefined.
 */
export function normalizeId(value: string): string | undefined {
  if (!ID_SHAPE.test(value)) return undefined;
  const id15 = value.slice(0, 15);
  const suffix = idSuffix(id15);
  if (value.length === 18 && value.slice(15).toUpperCase() !== suffix) return undefined;
  return id15 + suffix;
}

export function keyPrefixOf(id: string): string {
  return id.slice(0, 3);
}
