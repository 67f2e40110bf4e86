/**
 * Who may call the emulator's Telephony Integration REST API: a telephony system holding the private
 * key of a contact center's Telephony Integration Certificate (`reqHvcc/reqTelephonyIntegrationCertificate`),
 * as Salesforce checks it. `Authorization: Bearer <JWT>`, RS256 only, verified with that certificate's
 * key; the call center is the one named by `sub` (its internal name, the API name). Also:
 * - `iss` is the org id (18 characters or its 15-character form);
 * - `exp` is present and not passed, `iat` (when given) is not in the future, with CLOCK_SKEW_S either way;
 * - `aud`, when present, is https://scrt.salesforce.com;
 * - the token lives at most MAX_TOKEN_LIFETIME_S (from `iat`, else from now): Salesforce documents an
 *   `exp` "within 3 minutes" while its own demo signs 4-hour tokens, so the emulator takes up to an
 *   hour and refuses longer ones, which no real deployment should sign.
 * A `jti` seen twice is not refused: Salesforce's demo reuses one token for hours.
 *
 * Token problems are 401, a call center that cannot authorize anything (unknown, without or with an
 * unreadable certificate) is 403.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';

export const TELEPHONY_AUDIENCE = 'https://scrt.salesforce.com';
export const MAX_TOKEN_LIFETIME_S = 3600;
export const CLOCK_SKEW_S = 30;
/** The call center item holding the certificate (getCallCenterSettings' key). */
export const CERTIFICATE_SETTING = '/reqHvcc/reqTelephonyIntegrationCertificate';

/** A refusal: HTTP status and the API's error. */
export class TelephonyApiError extends Error {
  override readonly name = 'TelephonyApiError';
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

export interface TelephonyAuthOptions {
  /** The org id `iss` must name (18 characters). */
  readonly orgId: string;
  /**
   * The certificate of the call center with this internal name: its PEM text, '' when the call
   * center has none, undefined when there is no such call center.
   */
  readonly certificateOf: (callCenter: string) => string | undefined;
  /** Milliseconds now; default Date.now. */
  readonly now?: () => number;
  readonly maxLifetimeSeconds?: number;
}

export interface TelephonyCaller {
  /** The call center's internal name, as `sub` spells it. */
  readonly callCenter: string;
  readonly claims: JWTPayload;
}

const unauthorized = (message: string, code = 'INVALID_AUTH_TOKEN') => new TelephonyApiError(401, code, message);

/** The public key of a certificate given as PEM, with or without the BEGIN/END lines and line breaks. */
export function certificateKey(text: string): KeyObject {
  const body = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(text)?.[1] ?? text;
  const base64 = body.replace(/\s+/g, '');
  if (base64 === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new Error('it is not an X.509 certificate in PEM form');
  const cert = new X509Certificate(Buffer.from(base64, 'base64'));
  if (cert.publicKey.asymmetricKeyType !== 'rsa')
    throw new Error(`it certifies a ${cert.publicKey.asymmetricKeyType ?? 'non-RSA'} key; RS256 needs an RSA key`);
  return cert.publicKey;
}

/** Verifies the request's `Authorization` header; answers the calling call center or throws TelephonyApiError. */
export async function verifyTelephonyToken(authorization: string | undefined, options: TelephonyAuthOptions): Promise<TelephonyCaller> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!m)
    throw unauthorized(
      "Authorization: Bearer <JWT> is required (an RS256 JWT signed with the key of the call center's Telephony Integration Certificate)",
      'MISSING_AUTH_TOKEN',
    );
  const token = m[1]!;
  let header: ReturnType<typeof decodeProtectedHeader>;
  let unverified: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    unverified = decodeJwt(token);
  } catch (e) {
    throw unauthorized(`The bearer token is not a JWT (${(e as Error).message})`);
  }
  if (header.alg !== 'RS256') throw unauthorized(`JWT algorithm '${String(header.alg)}' is refused: the Telephony Integration REST API takes RS256 only`);
  const callCenter = unverified.sub;
  if (typeof callCenter !== 'string' || callCenter === '') throw unauthorized('The JWT has no sub claim: it must name the call center (its API name)');
  const pem = options.certificateOf(callCenter);
  if (pem === undefined) throw new TelephonyApiError(403, 'INVALID_CALL_CENTER', `No call center with the API name '${callCenter}' (the JWT's sub)`);
  if (pem.trim() === '')
    throw new TelephonyApiError(
      403,
      'MISSING_CERTIFICATE',
      `Call center '${callCenter}' has no Telephony Integration Certificate (reqHvcc/reqTelephonyIntegrationCertificate), so no JWT can be verified for it`,
    );
  let key: KeyObject;
  try {
    key = certificateKey(pem);
  } catch (e) {
    throw new TelephonyApiError(
      403,
      'INVALID_CERTIFICATE',
      `Call center '${callCenter}''s Telephony Integration Certificate is unusable: ${(e as Error).message}`,
    );
  }
  const nowS = Math.floor((options.now ?? Date.now)() / 1000);
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, key, {
      algorithms: ['RS256'],
      clockTolerance: CLOCK_SKEW_S,
      currentDate: new Date(nowS * 1000),
      requiredClaims: ['exp'],
    }));
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired)
      throw unauthorized(`The JWT expired at ${new Date(Number(unverified.exp) * 1000).toISOString()}`, 'EXPIRED_AUTH_TOKEN');
    if (e instanceof joseErrors.JWSSignatureVerificationFailed)
      throw unauthorized(`The JWT's signature does not verify with call center '${callCenter}''s Telephony Integration Certificate`);
    if (e instanceof joseErrors.JWTClaimValidationFailed) throw unauthorized(`The JWT's ${e.claim} claim is invalid: ${e.message}`);
    throw unauthorized(`The JWT is invalid: ${(e as Error).message}`);
  }
  const orgIds = [options.orgId, options.orgId.slice(0, 15)];
  if (typeof claims.iss !== 'string' || !orgIds.includes(claims.iss))
    throw unauthorized(`The JWT's iss claim must be the org id ${options.orgId}, got ${JSON.stringify(claims.iss ?? null)}`);
  const aud = claims.aud;
  if (aud !== undefined && !(Array.isArray(aud) ? aud : [aud]).includes(TELEPHONY_AUDIENCE))
    throw unauthorized(`The JWT's aud claim must be ${TELEPHONY_AUDIENCE}, got ${JSON.stringify(aud)}`);
  if (typeof claims.iat === 'number' && claims.iat > nowS + CLOCK_SKEW_S)
    throw unauthorized(`The JWT's iat claim is in the future (${new Date(claims.iat * 1000).toISOString()})`);
  const max = options.maxLifetimeSeconds ?? MAX_TOKEN_LIFETIME_S;
  const lifetime = (claims.exp as number) - (typeof claims.iat === 'number' ? claims.iat : nowS);
  if (lifetime > max) throw unauthorized(`The JWT lives ${lifetime} s (exp − iat); at most ${max} s is accepted`);
  return { callCenter, claims };
}
