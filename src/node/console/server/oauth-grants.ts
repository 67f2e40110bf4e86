/**
 * What the emulated org remembers between the steps of the OAuth 2.0 web server flow: the
 * authorization codes `/services/oauth2/authorize` hands out (single use, 15 minutes, bound to the
 * client, the redirect URI and, with PKCE, a code challenge) and the refresh tokens the token
 * endpoint issues for them, each with the access tokens issued from it so that revoking the refresh
 * token ends them too (as Salesforce's revocation endpoint does).
 *
 * Kept in memory, like the emulator's sessions (sessions.ts): an emulator restart ends every session,
 * so a refresh token that outlived it would only mint sessions the restarted emulator never issued.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Salesforce's lifetime of an authorization code. */
export const CODE_LIFETIME_MS = 15 * 60_000;

/**
 * The scopes a Salesforce connected app can be given (its "Selected OAuth Scopes"). The emulator
 * has no connected apps, so its one implicit app holds them all; a scope outside this list is
 * `invalid_scope`, as an org answers for a scope the app was not given.
 */
const KNOWN_SCOPES = new Set([
  'api',
  'web',
  'full',
  'id',
  'profile',
  'email',
  'address',
  'phone',
  'openid',
  'refresh_token',
  'offline_access',
  'chatter_api',
  'custom_permissions',
  'visualforce',
  'wave_api',
  'content',
  'lightning',
  'cdp_api',
  'pardot_api',
  'eclair_api',
]);
/** What an org grants when the authorize request names no scope: all the app's scopes; these stand for the usual app. */
export const DEFAULT_SCOPES: readonly string[] = ['refresh_token', 'web', 'api', 'id'];

export interface AuthorizationCode {
  readonly code: string;
  readonly userId: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  /** PKCE: base64url(SHA-256(code_verifier)), when the authorize request sent one. */
  readonly codeChallenge?: string;
  /** OpenID Connect: what the app sent to authorize, returned in the ID token so it can tie the two. */
  readonly nonce?: string;
  readonly expiresAt: number;
}

export interface RefreshGrant {
  readonly token: string;
  readonly userId: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** Access tokens issued with this grant (the first and every refresh), ended when it is revoked. */
  readonly accessTokens: Set<string>;
}

/** The `scope` parameter as a list, or the first scope the app does not have. */
export function parseScopes(scope: string | null): { readonly scopes: readonly string[] } | { readonly unknown: string } {
  if (scope === null || scope.trim() === '') return { scopes: DEFAULT_SCOPES };
  const scopes = [...new Set(scope.trim().split(/[\s+]+/))];
  const unknown = scopes.find((s) => !KNOWN_SCOPES.has(s));
  return unknown !== undefined ? { unknown } : { scopes };
}

/** Whether the scopes let the client have a refresh token (Salesforce: `refresh_token` or its synonym `offline_access`). */
export function allowsRefresh(scopes: readonly string[]): boolean {
  return scopes.includes('refresh_token') || scopes.includes('offline_access');
}

/** PKCE S256: does this verifier hash to the challenge? */
export function verifierMatches(verifier: string, challenge: string): boolean {
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}

export class OAuthGrants {
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();

  constructor(private readonly now: () => number = Date.now) {}

  issueCode(grant: Omit<AuthorizationCode, 'code' | 'expiresAt'>): AuthorizationCode {
    const now = this.now();
    // Codes nobody redeemed would otherwise pile up for as long as the emulator runs.
    for (const [code, old] of this.codes) if (old.expiresAt <= now) this.codes.delete(code);
    // Salesforce's codes are base64 text ending in '=='; the shape does not matter to a client, only that it is opaque.
    const issued = { ...grant, code: randomBytes(24).toString('base64url'), expiresAt: now + CODE_LIFETIME_MS };
    this.codes.set(issued.code, issued);
    return issued;
  }

  /**
   * Takes the code out, so that it works once: its grant, 'expired' when its 15 minutes are over, or
   * undefined when it was never issued or was already used.
   */
  redeemCode(code: string): AuthorizationCode | 'expired' | undefined {
    const grant = this.codes.get(code);
    if (!grant) return undefined;
    this.codes.delete(code);
    return grant.expiresAt <= this.now() ? 'expired' : grant;
  }

  issueRefreshToken(userId: string, clientId: string, scopes: readonly string[]): RefreshGrant {
    const grant: RefreshGrant = { token: `5Aep${randomBytes(36).toString('base64url')}`, userId, clientId, scopes, accessTokens: new Set() };
    this.refreshTokens.set(grant.token, grant);
    return grant;
  }

  refreshGrant(token: string): RefreshGrant | undefined {
    return this.refreshTokens.get(token);
  }

  /**
   * Ends a refresh token: the access tokens issued with it, which the caller ends too, or undefined
   * when the token is no refresh token of this org (or was already revoked).
   */
  revokeRefreshToken(token: string): readonly string[] | undefined {
    const grant = this.refreshTokens.get(token);
    if (!grant) return undefined;
    this.refreshTokens.delete(token);
    return [...grant.accessTokens];
  }

  /** An access token ended on its own: its refresh token no longer lists it. */
  forgetAccessToken(accessToken: string): void {
    for (const grant of this.refreshTokens.values()) grant.accessTokens.delete(accessToken);
  }
}
