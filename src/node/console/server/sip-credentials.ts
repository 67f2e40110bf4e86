/**
 * The emulated org's `SwitchboardCredentials.mint`: short-lived SIP credentials for the running
 * user, in the scheme of Kamailio's `auth_ephemeral` module (`username_format=1`), as the packaged
 * Apex class mints them in a real org:
 *
 *     username = "<expiry>:<extension>"                 expiry: Unix time in seconds
 *     password = base64(HMAC-SHA1(secret, username))
 *
 * The phone system, holding the same secret, accepts them until the expiry. runApex returns them
 * as a JSON string. The secret stays in this process: it is never returned, logged or sent to a page.
 */
import { createHmac } from 'node:crypto';

export interface EphemeralCredentials {
  readonly username: string;
  readonly password: string;
  readonly extension: string;
  /** Unix time in seconds. */
  readonly expiresAt: number;
  readonly ttlSeconds: number;
}

export const DEFAULT_CREDENTIAL_TTL_SECONDS = 3600;

/** Credentials for `extension` that expire `ttlSeconds` after `nowMs`. */
export function mintEphemeral(secret: string, extension: string, ttlSeconds: number, nowMs: number): EphemeralCredentials {
  if (secret === '') throw new Error('the SIP secret is empty');
  if (!/^[\w.+-]+$/.test(extension)) throw new Error(`extension '${extension}' is not a SIP user name (letters, digits, . + - _)`);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new Error(`ttlSeconds must be a positive whole number of seconds, got ${ttlSeconds}`);
  const expiresAt = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiresAt}:${extension}`;
  const password = createHmac('sha1', secret).update(username).digest('base64');
  return { username, password, extension, expiresAt, ttlSeconds };
}

/** Reads a TTL option: a positive whole number of seconds, or a clear error naming `where`. */
export function parseTtlSeconds(value: string | number, where: string): number {
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${where} must be a positive whole number of seconds, got '${value}'`);
  return n;
}
