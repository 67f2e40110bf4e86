/**
 * Short-lived SIP credentials in the scheme of Kamailio's `auth_ephemeral` (its defaults:
 * `username_format=1`, SHA-1), as Salesforce's `SwitchboardCredentials.mint` issues them:
 *   username = "<expiry as Unix seconds>:<extension>"
 *   password = base64(HMAC-SHA1(shared secret, username))
 * The server needs no user list for them, only the secret. A credential is good while its expiry
 * is in the future, and only for its own extension (the To user of a REGISTER, the From user of
 * anything else). The SIP URI user stays the bare extension; only the digest username carries the
 * expiry.
 */
import { createHmac } from 'node:crypto';
import type { Clock } from '../../core/index.ts';

export interface EphemeralUsername {
  /** Unix time in seconds after which the credential is refused. */
  readonly expiresAt: number;
  readonly extension: string;
}

/** Why a well-formed ephemeral credential is refused after its digest was checked, or 'ok'. */
export type EphemeralVerdict = 'ok' | 'expired' | 'other-extension';

/** Shorter secrets can be guessed offline from any one credential seen on the wire. */
export const MIN_SECRET_LENGTH = 16;

const USERNAME = /^(\d{1,12}):([^\s:@]+)$/;

/** `"1733403600:1001"` -> its parts; undefined when the username is not of that form. */
export function parseEphemeralUsername(username: string): EphemeralUsername | undefined {
  const m = USERNAME.exec(username);
  return m ? { expiresAt: Number(m[1]), extension: m[2] } : undefined;
}

/** The password that goes with `username` under `secret`. */
export function ephemeralPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

/** Throws an Error naming `where` when `secret` cannot be used. */
export function checkEphemeralSecret(secret: string, where: string): void {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`${where}: the ephemeral credential secret needs at least ${MIN_SECRET_LENGTH} characters (got ${secret.length})`);
  }
}

export class EphemeralCredentials {
  constructor(
    private readonly secret: string,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    checkEphemeralSecret(secret, 'ephemeralSecret');
  }

  /** The digest password of an ephemeral username, or undefined when `username` is not one. */
  passwordOf(username: string): string | undefined {
    return parseEphemeralUsername(username) ? ephemeralPassword(this.secret, username) : undefined;
  }

  /** True when `username` is an ephemeral username whose expiry has passed. */
  isExpired(username: string): boolean {
    const parsed = parseEphemeralUsername(username);
    return parsed !== undefined && parsed.expiresAt * 1000 <= this.clock.now();
  }

  /** For a username whose digest verified: may it speak for `user` now? */
  verdict(username: string, user: string): EphemeralVerdict | undefined {
    const parsed = parseEphemeralUsername(username);
    if (!parsed) return undefined;
    if (parsed.expiresAt * 1000 <= this.clock.now()) return 'expired';
    return parsed.extension === user ? 'ok' : 'other-extension';
  }
}
