/**
 * OpenID Connect on the emulated org, as Salesforce serves it to apps that sign users in with it:
 * - with the `openid` scope, the token endpoint's code and refresh grants (and the user-agent flow
 *   asked for `token id_token`) answer an `id_token` as well: an RS256 JWT the org signs, naming
 *   the user (`sub`, their identity URL), the app (`aud`), the `nonce` the app sent to authorize,
 *   `at_hash` of the access token, and the `profile` and `email` claims the scopes grant;
 * - `GET /id/keys`: the org's signing keys (JWKS), `GET /.well-known/openid-configuration`: where
 *   everything is, for libraries that discover it;
 * - `GET|POST /services/oauth2/userinfo` with the access token as `Authorization: Bearer`: the
 *   user's claims, or 403 `Bad_OAuth_Token` as the identity service answers.
 * The signing key is made the first time one is needed and lives as long as the emulator (as its
 * tokens do): a client that kept the keys of an earlier run meets a new `kid`, as after a rotation.
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, SignJWT, type JWK } from 'jose';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, sendJson, sendText } from './http-util.ts';
import type { ConsoleData, UserView } from './console-data.ts';
import type { SessionStore } from './sessions.ts';
import { identityUrl, ORG_ID } from './api-login.ts';

export const OPENID_CONFIGURATION_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/id/keys';
export const USERINFO_PATH = '/services/oauth2/userinfo';

/** How long an ID token is good for (Salesforce: 5 minutes; it proves a sign-in, it is not a session). */
const ID_TOKEN_SECONDS = 300;

export interface OpenIdOptions {
  readonly data: ConsoleData;
  readonly sessions: SessionStore;
  /** The org's origin: the issuer, and where its endpoints are. */
  readonly origin: () => string;
  /** Milliseconds now; default Date.now. */
  readonly now?: () => number;
}

/** What an ID token is issued for. */
export interface IdTokenRequest {
  readonly user: UserView;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly accessToken: string;
  readonly nonce?: string;
}

export class OpenIdProvider {
  private key: Promise<{ readonly privateKey: KeyObject; readonly jwk: JWK; readonly kid: string }> | undefined;

  constructor(private readonly options: OpenIdOptions) {}

  /** An ID token when `scopes` include `openid`, else undefined (Salesforce issues none without it). */
  async idToken(request: IdTokenRequest): Promise<string | undefined> {
    if (!request.scopes.includes('openid')) return undefined;
    const { privateKey, kid } = await this.signingKey();
    const iat = Math.floor((this.options.now ?? Date.now)() / 1000);
    // at_hash: the left half of the access token's SHA-256, base64url (OpenID Connect Core §3.1.3.6).
    const atHash = createHash('sha256').update(request.accessToken).digest().subarray(0, 16).toString('base64url');
    return new SignJWT({ at_hash: atHash, ...(request.nonce ? { nonce: request.nonce } : {}), ...this.scopedClaims(request.user, request.scopes) })
      .setProtectedHeader({ kid, typ: 'JWT', alg: 'RS256' })
      .setSubject(identityUrl(this.options.origin(), request.user.Id))
      .setAudience(request.clientId)
      .setIssuer(this.options.origin())
      .setIssuedAt(iat)
      .setExpirationTime(iat + ID_TOKEN_SECONDS)
      .sign(privateKey);
  }

  /** Answers the discovery document, the keys and userinfo; false for any other path. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const method = req.method ?? 'GET';
    if (url.pathname === OPENID_CONFIGURATION_PATH || url.pathname === JWKS_PATH) {
      if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, `${method} ${url.pathname}: takes GET`);
      if (url.pathname === JWKS_PATH) sendJson(res, 200, { keys: [(await this.signingKey()).jwk] });
      else sendJson(res, 200, this.configuration());
      return true;
    }
    if (url.pathname !== USERINFO_PATH) return false;
    if (method !== 'GET' && method !== 'POST') throw new HttpError(405, `${method} ${USERINFO_PATH}: the userinfo endpoint takes GET or POST`);
    const session = this.options.sessions.fromRequest(req);
    const user = session && this.options.data.user(session.userId);
    if (!user) {
      sendText(res, 403, 'Bad_OAuth_Token');
      return true;
    }
    sendJson(res, 200, this.userInfo(user));
    return true;
  }

  private signingKey(): NonNullable<OpenIdProvider['key']> {
    this.key ??= (async () => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const publicJwk = await exportJWK(publicKey);
      const kid = await calculateJwkThumbprint(publicJwk);
      return { privateKey, jwk: { ...publicJwk, kid, use: 'sig', alg: 'RS256' }, kid };
    })();
    return this.key;
  }

  private configuration(): Record<string, unknown> {
    const origin = this.options.origin();
    return {
      issuer: origin,
      authorization_endpoint: `${origin}/services/oauth2/authorize`,
      token_endpoint: `${origin}/services/oauth2/token`,
      revocation_endpoint: `${origin}/services/oauth2/revoke`,
      userinfo_endpoint: `${origin}${USERINFO_PATH}`,
      jwks_uri: `${origin}${JWKS_PATH}`,
      scopes_supported: ['openid', 'profile', 'email', 'api', 'web', 'id', 'refresh_token', 'offline_access'],
      response_types_supported: ['code', 'token', 'token id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'none'],
      code_challenge_methods_supported: ['S256'],
      claims_supported: [
        'sub',
        'aud',
        'iss',
        'iat',
        'exp',
        'nonce',
        'at_hash',
        'name',
        'given_name',
        'family_name',
        'preferred_username',
        'nickname',
        'zoneinfo',
        'locale',
        'email',
        'email_verified',
      ],
    };
  }

  /** The claims `profile` and `email` grant, in OpenID Connect's names. */
  private scopedClaims(user: UserView, scopes: readonly string[]): Record<string, unknown> {
    const fields = this.options.data.record(user.Id)?.fields ?? {};
    return {
      ...(scopes.includes('profile')
        ? {
            name: user.Name,
            given_name: fields['FirstName'] ?? null,
            family_name: fields['LastName'] ?? null,
            preferred_username: user.Username,
            nickname: user.Alias ?? user.Username.split('@')[0],
            zoneinfo: fields['TimeZoneSidKey'] ?? 'America/Los_Angeles',
            locale: fields['LocaleSidKey'] ?? 'en_US',
          }
        : {}),
      ...(scopes.includes('email') ? { email: fields['Email'] ?? null, email_verified: true } : {}),
    };
  }

  private userInfo(user: UserView): Record<string, unknown> {
    const origin = this.options.origin();
    return {
      sub: identityUrl(origin, user.Id),
      user_id: user.Id,
      organization_id: ORG_ID,
      ...this.scopedClaims(user, ['profile', 'email']),
      profile: `${origin}/${user.Id}`,
      active: true,
      user_type: 'STANDARD',
    };
  }
}
