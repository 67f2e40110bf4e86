/**
 * Short-lived SIP credentials minted for the signed-in user, in the scheme of Kamailio's
 * `auth_ephemeral` module (`username_format=1`):
 *
 *     digest username = "<expiry>:<extension>"     (expiry: Unix time in seconds)
 *     password        = base64(HMAC-SHA1(shared secret, digest username))
 *
 * The phone system accepts them while the HMAC matches, the expiry is in the future and the
 * extension is the user part of the address. The address itself stays `sip:<extension>@<domain>`:
 * only the digest user name carries the expiry. Who mints is a CRM concern (Salesforce: the Apex
 * method `SwitchboardCredentials.mint`); the core only schedules their renewal.
 */
import type { SipCredentials } from '../ports/telephony-port.ts';

export interface MintedSipCredentials {
  /** The digest user name, `<expiry seconds>:<extension>`. */
  readonly username: string;
  /** Held in memory only, for the credential's lifetime: never written to storage or logged. */
  readonly password: string;
  /** The agent's extension: the user part of the SIP address. */
  readonly extension: string;
  /** When the credential stops working, in epoch **milliseconds** (the minting server's clock). */
  readonly expiresAt: number;
  /** The lifetime it was minted with, in seconds. */
  readonly ttlSeconds: number;
}

/** Mints credentials for the signed-in user. Rejects with a SwitchboardError (SB30005) when it cannot. */
export interface CredentialSource {
  mintSipCredentials(): Promise<MintedSipCredentials>;
}

/** What the phone system is handed: the address is the extension, the digest user the minted name. */
export function toSipCredentials(minted: MintedSipCredentials): SipCredentials {
  return { username: minted.extension, authorizationUsername: minted.username, password: minted.password };
}

/** Renewal leaves at least this long before expiry, when the lifetime allows it. */
export const REFRESH_MARGIN_MS = 60_000;

/**
 * How long after minting to mint again: at 80 % of the lifetime, and never later than
 * REFRESH_MARGIN_MS before expiry; a lifetime too short for that margin renews at half-life.
 */
export function refreshDelayMs(lifetimeMs: number): number {
  if (!(lifetimeMs > 0)) return 0;
  const before = Math.max(lifetimeMs * 0.2, REFRESH_MARGIN_MS);
  return Math.round(Math.max(lifetimeMs * 0.5, lifetimeMs - before));
}
