/**
 * The token endpoint's grants of the OAuth 2.0 web server flow (api-login.ts answers the endpoint,
 * oauth-web-flow.ts hands out the codes): `authorization_code` trades a code for an access token
 * and, when the scopes allow, a refresh token; `refresh_token` trades that for new access tokens.
 * Failures carry Salesforce's error codes and descriptions.
 */
import type { ConsoleData, UserView } from './console-data.ts';
import { allowsRefresh, verifierMatches, type OAuthGrants, type RefreshGrant } from './oauth-grants.ts';

export interface TokenGrantOptions {
  readonly data: ConsoleData;
  readonly grants: OAuthGrants;
}

/** A token grant's result: whom to issue an access token for, or the OAuth error to answer. */
export type GrantOutcome =
  | { readonly user: UserView; readonly scopes: readonly string[]; readonly grant?: RefreshGrant; readonly newRefreshToken: boolean; readonly nonce?: string }
  | { readonly error: string; readonly description: string };

/** Salesforce's wording for a token it does not know, revoked or never issued. */
const EXPIRED_TOKEN = 'expired access/refresh token';

/** The token endpoint's `grant_type=authorization_code`: the code from authorize, for the client and redirect URI it was issued to. */
export function authorizationCodeGrant(form: URLSearchParams, options: TokenGrantOptions): GrantOutcome {
  const clientId = form.get('client_id') ?? '';
  if (!clientId) return { error: 'invalid_client_id', description: 'client identifier invalid' };
  const code = options.grants.redeemCode(form.get('code') ?? '');
  if (code === 'expired') return { error: 'invalid_grant', description: 'expired authorization code' };
  if (!code || code.clientId !== clientId) return { error: 'invalid_grant', description: 'invalid authorization code' };
  if ((form.get('redirect_uri') ?? '') !== code.redirectUri) return { error: 'redirect_uri_mismatch', description: 'redirect_uri must match configuration' };
  if (code.codeChallenge !== undefined && !verifierMatches(form.get('code_verifier') ?? '', code.codeChallenge)) {
    return { error: 'invalid_grant', description: 'invalid code verifier' };
  }
  const user = options.data.user(code.userId);
  if (!user) return { error: 'invalid_grant', description: 'inactive user' };
  // Salesforce issues a refresh token only when the granted scopes include refresh_token (or offline_access).
  const nonce = code.nonce !== undefined ? { nonce: code.nonce } : {};
  if (!allowsRefresh(code.scopes)) return { user, scopes: code.scopes, newRefreshToken: false, ...nonce };
  return { user, scopes: code.scopes, grant: options.grants.issueRefreshToken(user.Id, clientId, code.scopes), newRefreshToken: true, ...nonce };
}

/** The token endpoint's `grant_type=refresh_token`: a new access token; the refresh token stays the same (Salesforce's default). */
export function refreshTokenGrant(form: URLSearchParams, options: TokenGrantOptions): GrantOutcome {
  const clientId = form.get('client_id') ?? '';
  if (!clientId) return { error: 'invalid_client_id', description: 'client identifier invalid' };
  const grant = options.grants.refreshGrant(form.get('refresh_token') ?? '');
  if (!grant || grant.clientId !== clientId) return { error: 'invalid_grant', description: EXPIRED_TOKEN };
  const user = options.data.user(grant.userId);
  if (!user) return { error: 'invalid_grant', description: 'inactive user' };
  return { user, scopes: grant.scopes, grant, newRefreshToken: false };
}
