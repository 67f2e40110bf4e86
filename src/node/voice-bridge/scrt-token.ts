/**
 * The JWT the Telephony Integration REST API takes as `Authorization: Bearer`: RS256, signed with
 * the key whose certificate is the call center's `reqTelephonyIntegrationCertificate`.
 * Claims: `iss` the org id, `sub` the call center's API name, `aud` https://scrt.salesforce.com,
 * `iat`, `exp` (Salesforce accepts at most about three minutes; the bridge asks for two) and a
 * fresh `jti` each time, so a token seen twice can be refused as a replay.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

export const SCRT_AUDIENCE = 'https://scrt.salesforce.com';
export const TOKEN_LIFETIME_S = 120;

export interface TokenClaims {
  /** The Salesforce org id (15 or 18 characters, starts with 00D). */
  readonly orgId: string;
  /** The call center's API name (its internal name). */
  readonly callCenter: string;
}

export async function signScrtToken(key: KeyObject, claims: TokenClaims, nowMs: number): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer(claims.orgId)
    .setSubject(claims.callCenter)
    .setAudience(SCRT_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + TOKEN_LIFETIME_S)
    .setJti(randomUUID())
    .sign(key);
}
