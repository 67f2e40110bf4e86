/**
 * The OAuth 2.0 web server (authorization code) and user-agent (implicit) flows of the emulated
 * org, and the refresh tokens they lead to, as Salesforce runs them:
 * - `GET /services/oauth2/authorize?response_type=code&client_id=…&redirect_uri=…[&state&scope&prompt&code_challenge]`:
 *   a browser signed in to the emulator (its session cookie) is sent straight back to
 *   `redirect_uri?code=…&state=…`; the emulator has no consent screen (an org shows one the first
 *   time a user meets an app; the emulator's one implicit app counts as approved). A browser not
 *   signed in goes to the login page (login.ts), which returns it here. Errors go back to the
 *   redirect URI as `error` and `error_description`, except a missing client id or an unacceptable
 *   redirect URI, which get a 400 page (an org never sends a browser to a URL it cannot trust);
 * - `response_type=token` (the user-agent flow, what jsforce's browser login uses): the browser goes
 *   back with the access token in the URL fragment (`#access_token=…&instance_url=…&id=…&issued_at=…
 *   &scope=…&token_type=Bearer&state=…`), errors there too. As Salesforce does for a redirect URI
 *   of the app's own, no refresh token; no `signature` either (the emulator holds no consumer secret);
 *   `response_type=token id_token` (with the `openid` scope and a `nonce`) adds an ID token (openid.ts);
 * - the token endpoint's `authorization_code` and `refresh_token` grants (oauth-token-grants.ts;
 *   api-login.ts answers the endpoint);
 * - `POST /services/oauth2/revoke` (or `GET ?token=`): an access token ends; a refresh token ends
 *   with every access token issued from it.
 * The emulator has no connected apps, so any client id is accepted, but a redirect URI must be a
 * loopback URL (an app on this machine, e.g. the Salesforce CLI's http://localhost:1717/OauthRedirect)
 * or on the emulator's own origin: codes go to nothing outside this machine.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, readBody, sendText } from './http-util.ts';
import type { ConsoleData } from './console-data.ts';
import type { SessionStore } from './sessions.ts';
import { LOGIN_PATH } from './request-guard.ts';
import { parseScopes, type OAuthGrants } from './oauth-grants.ts';
import { identityUrl, OAUTH_REVOKE_PATH } from './api-login.ts';
import type { OpenIdProvider } from './openid.ts';

export const OAUTH_AUTHORIZE_PATH = '/services/oauth2/authorize';

export interface WebFlowOptions {
  readonly data: ConsoleData;
  readonly sessions: SessionStore;
  readonly grants: OAuthGrants;
  /** The emulator's Lightning origin (a redirect URI on it is acceptable). */
  readonly origin: () => string;
  /** Signs the ID token of `response_type=token id_token` (openid.ts). */
  readonly openid?: OpenIdProvider;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Answers the authorize and revoke endpoints; false for any other path. */
export async function handleOAuthWebFlow(req: IncomingMessage, res: ServerResponse, url: URL, options: WebFlowOptions): Promise<boolean> {
  const method = req.method ?? 'GET';
  if (url.pathname === OAUTH_AUTHORIZE_PATH) {
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, `${method} ${OAUTH_AUTHORIZE_PATH}: the authorize endpoint takes GET`);
    await authorize(req, res, url, options);
    return true;
  }
  if (url.pathname === OAUTH_REVOKE_PATH) {
    if (method !== 'GET' && method !== 'POST') {
      throw new HttpError(405, `${method} ${OAUTH_REVOKE_PATH}: the revocation endpoint takes POST (or GET with ?token=)`);
    }
    const token = method === 'POST' ? new URLSearchParams(await readBody(req)).get('token') : url.searchParams.get('token');
    revoke(res, token ?? '', options);
    return true;
  }
  return false;
}

/** Why a redirect URI is refused, or undefined when codes may go there. */
function redirectProblem(redirectUri: string, origin: string): string | undefined {
  if (!redirectUri) return 'The request names no redirect_uri.';
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return `redirect_uri '${redirectUri}' is not an absolute URL.`;
  }
  if (url.hash) return `redirect_uri '${redirectUri}' has a fragment, which a redirect URI may not have.`;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `redirect_uri '${redirectUri}' is not an http or https URL.`;
  if (LOOPBACK_HOSTS.has(url.hostname) || url.origin === origin) return undefined;
  return (
    `redirect_uri '${redirectUri}' is neither a loopback URL (localhost, 127.0.0.1, [::1]) nor on the emulator's origin ${origin}: ` +
    'the emulator sends authorization codes to nothing outside this machine.'
  );
}

async function authorize(req: IncomingMessage, res: ServerResponse, url: URL, options: WebFlowOptions): Promise<void> {
  const q = url.searchParams;
  const clientId = q.get('client_id') ?? '';
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!clientId) return errorPage(res, 'invalid_client_id', 'client identifier invalid', 'The request names no client_id.');
  const problem = redirectProblem(redirectUri, options.origin());
  if (problem) return errorPage(res, 'redirect_uri_mismatch', 'redirect_uri must match configuration', problem);
  const state = q.get('state');
  // `token id_token` and `id_token token` are one request: the user-agent flow with an ID token.
  const responseType = (q.get('response_type') ?? '')
    .split(/[\s+]+/)
    .filter(Boolean)
    .sort()
    .join(' ');
  const withIdToken = responseType === 'id_token token';
  // The user-agent flow answers in the fragment (the app's page reads it; no server sees it).
  const inFragment = responseType === 'token' || withIdToken;
  const back = (params: Record<string, string>): void => {
    const to = new URL(redirectUri);
    const answer = inFragment ? new URLSearchParams() : to.searchParams;
    for (const [k, v] of Object.entries(params)) answer.set(k, v);
    if (state !== null) answer.set('state', state);
    if (inFragment) to.hash = answer.toString();
    redirect(res, to.toString());
  };
  if (responseType !== 'code' && !inFragment) {
    const description = responseType
      ? `response type not supported: ${responseType} (the emulator runs the web server flow, response_type=code, and the user-agent flow, response_type=token or token id_token)`
      : 'response type not supported';
    return back({ error: 'unsupported_response_type', error_description: description });
  }
  const scopes = parseScopes(q.get('scope'));
  if ('unknown' in scopes) return back({ error: 'invalid_scope', error_description: `the requested scope is not allowed: ${scopes.unknown}` });
  const challenge = q.get('code_challenge');
  const challengeMethod = q.get('code_challenge_method');
  // Salesforce takes S256 only and assumes it when the method is left out (jsforce leaves it out).
  if (challengeMethod !== null && challengeMethod !== 'S256') {
    return back({ error: 'invalid_request', error_description: `code_challenge_method must be S256, not ${challengeMethod}` });
  }
  if (challenge !== null && !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
    return back({ error: 'invalid_request', error_description: 'invalid code_challenge: expected base64url(SHA-256(code_verifier)), 43 characters' });
  }
  const prompt = (q.get('prompt') ?? '').split(/\s+/);
  const session = options.sessions.fromCookie(req);
  const user = session && !prompt.includes('login') ? options.data.user(session.userId) : undefined;
  if (!user) {
    if (prompt.includes('none')) return back({ error: 'login_required', error_description: 'user is not logged in' });
    if (q.get('immediate') === 'true') return back({ error: 'immediate_unsuccessful', error_description: 'user is not logged in' });
    // Back here once signed in; without `prompt=login`, which would send the browser to the login page again.
    const again = new URL(url);
    const rest = prompt.filter((p) => p !== '' && p !== 'login');
    if (rest.length) again.searchParams.set('prompt', rest.join(' '));
    else again.searchParams.delete('prompt');
    return redirect(res, `${LOGIN_PATH}?startURL=${encodeURIComponent(again.pathname + again.search)}`);
  }
  const nonce = q.get('nonce');
  if (inFragment) {
    const session = options.sessions.create(user.Id);
    const origin = options.origin();
    // OpenID Connect asks a nonce of every request that gets an ID token straight from authorize.
    if (withIdToken && !scopes.scopes.includes('openid')) {
      return back({ error: 'invalid_request', error_description: 'response_type token id_token needs the openid scope' });
    }
    if (withIdToken && !nonce) return back({ error: 'invalid_request', error_description: 'nonce is required for response_type token id_token' });
    const idToken = withIdToken
      ? await options.openid?.idToken({ user, clientId, scopes: scopes.scopes, accessToken: session.token, nonce: nonce ?? '' })
      : undefined;
    return back({
      ...(idToken ? { id_token: idToken } : {}),
      access_token: session.token,
      instance_url: origin,
      id: identityUrl(origin, user.Id),
      issued_at: String(Date.now()),
      scope: scopes.scopes.join(' '),
      token_type: 'Bearer',
    });
  }
  const code = options.grants.issueCode({
    userId: user.Id,
    clientId,
    redirectUri,
    scopes: scopes.scopes,
    ...(challenge !== null ? { codeChallenge: challenge } : {}),
    ...(nonce !== null ? { nonce } : {}),
  });
  back({ code: code.code });
}

/**
 * Revocation. Errors are form-encoded, which is what jsforce's `revokeToken` parses (it reads the
 * body as a query string), with the two codes Salesforce documents: `invalid_token` and
 * `unsupported_token_type`.
 */
function revoke(res: ServerResponse, token: string, options: WebFlowOptions): void {
  const refuse = (error: string, description: string): void =>
    sendText(res, 400, new URLSearchParams({ error, error_description: description }).toString(), 'application/x-www-form-urlencoded; charset=utf-8');
  if (!token) return refuse('invalid_token', 'the request names no token');
  const accessTokens = options.grants.revokeRefreshToken(token);
  if (accessTokens) {
    for (const access of accessTokens) options.sessions.revoke(access);
    return sendText(res, 200, '');
  }
  if (options.sessions.revoke(token)) {
    options.grants.forgetAccessToken(token);
    return sendText(res, 200, '');
  }
  refuse('unsupported_token_type', 'this token type is not supported');
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** What an org shows when it cannot send the browser back to the app: the error, and what was wrong. */
function errorPage(res: ServerResponse, error: string, description: string, detail: string): void {
  sendText(
    res,
    400,
    `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Error | Switchboard console emulator</title></head>
<body>
  <main>
    <h1>OAuth Error</h1>
    <p>We can't authorize you because of an OAuth error. For more information, contact your Salesforce administrator.</p>
    <p><strong>error=${escapeHtml(error)}</strong>: ${escapeHtml(description)}</p>
    <p>${escapeHtml(detail)}</p>
  </main>
</body>
</html>
`,
    'text/html; charset=utf-8',
  );
}
