/**
 * Signing in to the emulated org as Salesforce's API clients do (jsforce's `conn.login`, the
 * Salesforce CLI's username-password flow, scripts):
 * - `POST /services/Soap/u/NN.0`: the SOAP `login` call (partner WSDL); a `loginResponse` with
 *   `serverUrl`, `sessionId`, `userId` and `userInfo`, or an `INVALID_LOGIN` fault (HTTP 500);
 * - `POST /services/oauth2/token` with `grant_type=password`: `access_token`, `instance_url` and
 *   the identity URL `id`, or `{error: 'invalid_grant', error_description: 'authentication failure'}`
 *   (HTTP 400); with the JWT bearer grant, a JWT signed for a connected app the emulator was
 *   started with (`connectedApps`); with `authorization_code` and `refresh_token`, the web server
 *   flow's code and refresh tokens (oauth-token-grants.ts; oauth-web-flow.ts answers authorize and revoke);
 *   a missing or unknown grant type is `unsupported_grant_type`;
 * - `GET /id/<orgId>/<userId>`: the identity service (`conn.identity()`), with the session as
 *   `Authorization: Bearer` or `?oauth_token=`.
 * Every user of the org signs in with the one API password the emulator was started with (the
 * README's demo credentials); the session is the emulator's own, so REST calls carry it as a bearer
 * token. Any client id and secret are accepted: the emulator has no connected apps.
 */
import { createHmac, createPublicKey, createVerify } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, readBody, sendJson, sendText } from './http-util.ts';
import type { ConsoleData, UserView } from './console-data.ts';
import type { SessionStore } from './sessions.ts';
import type { OAuthGrants, RefreshGrant } from './oauth-grants.ts';
import { authorizationCodeGrant, refreshTokenGrant, type GrantOutcome } from './oauth-token-grants.ts';
import type { OpenIdProvider } from './openid.ts';

/** The emulated org's Id (18 characters, key prefix 00D). */
export const ORG_ID = '00D5g000000SwBdEAK';
/** A user's identity URL on `origin` (the token responses' `id`, what `conn.identity()` reads). */
export const identityUrl = (origin: string, userId: string): string => `${origin}/id/${ORG_ID}/${userId}`;
export const SOAP_LOGIN_PATH = /^\/services\/Soap\/u\/(\d+)\.0\/?$/;
export const OAUTH_TOKEN_PATH = '/services/oauth2/token';
/** Answered by oauth-web-flow.ts; named here for the request guard. */
export const OAUTH_REVOKE_PATH = '/services/oauth2/revoke';
const IDENTITY_PATH = /^\/id\/([A-Za-z0-9]{15,18})\/([A-Za-z0-9]{15,18})\/?$/;

/** Paths where a session starts or ends by its token alone, so a request needs no session (request-guard.ts). */
export function isApiLoginPath(path: string): boolean {
  return isOAuthFormPath(path) || SOAP_LOGIN_PATH.test(path);
}

/** The OAuth endpoints that take a form post (token and revoke), as Salesforce's do. */
export function isOAuthFormPath(path: string): boolean {
  return path === OAUTH_TOKEN_PATH || path === OAUTH_REVOKE_PATH;
}

/** A connected app for the JWT bearer flow: its consumer key and the certificate (or public key) its JWTs are signed for. */
export interface ConnectedApp {
  readonly clientId: string;
  /** PEM: the X.509 certificate uploaded to the app, or its public key. */
  readonly certificate: string;
}

export interface ApiLoginOptions {
  readonly data: ConsoleData;
  readonly sessions: SessionStore;
  /** The password every user signs in with through the API. */
  readonly password: string;
  /** The origin API clients reach (instance URL, server URL), e.g. the Lightning origin. */
  readonly origin: () => string;
  /** Connected apps that may use the JWT bearer flow; none by default. */
  readonly connectedApps?: readonly ConnectedApp[];
  /** Milliseconds now (JWT expiry); default Date.now. */
  readonly now?: () => number;
  /** The web server flow's codes and refresh tokens (oauth-grants.ts); without it those grants are unsupported. */
  readonly grants?: OAuthGrants;
  /** Signs the ID tokens the `openid` scope asks for (openid.ts); without it none are issued. */
  readonly openid?: OpenIdProvider;
}

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Audiences a JWT may name besides the emulator's own origin, as an org accepts its login hosts. */
const LOGIN_AUDIENCES = ['https://login.salesforce.com', 'https://test.salesforce.com'];

const INVALID_LOGIN = 'Invalid username, password, security token; or user locked out.';

export async function handleApiLogin(req: IncomingMessage, res: ServerResponse, url: URL, options: ApiLoginOptions): Promise<boolean> {
  const path = url.pathname;
  const soap = SOAP_LOGIN_PATH.exec(path);
  if (soap) {
    if ((req.method ?? 'GET') !== 'POST') throw new HttpError(405, `${req.method ?? 'GET'} ${path}: the SOAP API takes POST`);
    await soapLogin(req, res, `${soap[1]}.0`, options);
    return true;
  }
  if (path === OAUTH_TOKEN_PATH) {
    if ((req.method ?? 'GET') !== 'POST') throw new HttpError(405, `${req.method ?? 'GET'} ${path}: the token endpoint takes POST`);
    await oauthToken(req, res, options);
    return true;
  }
  const identity = IDENTITY_PATH.exec(path);
  if (identity) {
    identityService(req, res, url, identity[1]!, identity[2]!, options);
    return true;
  }
  return false;
}

/** The user a username and password sign in, or undefined (Salesforce says no more than that). */
/** The user with this username (not an Id or alias, which `ConsoleData.user` also takes: a login names the username). */
function byUsername(username: string, options: ApiLoginOptions): UserView | undefined {
  return username ? options.data.users().find((u) => u.Username.toLowerCase() === username.toLowerCase()) : undefined;
}

function signIn(username: string, password: string, options: ApiLoginOptions): UserView | undefined {
  const user = byUsername(username, options);
  return user && password === options.password ? user : undefined;
}

const xmlText = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const xmlUnescape = (text: string): string =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');

/** The text of the first `<name>` element, whatever its namespace prefix. */
function element(xml: string, name: string): string | undefined {
  const m = new RegExp(`<(?:[\\w.-]+:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:[\\w.-]+:)?${name}>`).exec(xml);
  return m ? xmlUnescape(m[1]!) : undefined;
}

async function soapLogin(req: IncomingMessage, res: ServerResponse, version: string, options: ApiLoginOptions): Promise<void> {
  const body = await readBody(req);
  if (!/<(?:[\w.-]+:)?login[\s>]/.test(body)) {
    return soapFault(res, 'INVALID_REQUEST', 'The request is not a SOAP login call (no <login> element in the body).', 'UnexpectedErrorFault');
  }
  const user = signIn(element(body, 'username') ?? '', element(body, 'password') ?? '', options);
  if (!user) return soapFault(res, 'INVALID_LOGIN', INVALID_LOGIN, 'LoginFault');
  const session = options.sessions.create(user.Id);
  const origin = options.origin();
  const fields = options.data.record(user.Id)?.fields ?? {};
  const text = (v: unknown): string => xmlText(v === null || v === undefined ? '' : String(v));
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    '<soapenv:Body><loginResponse><result>' +
    `<metadataServerUrl>${origin}/services/Soap/m/${version}/${ORG_ID}</metadataServerUrl>` +
    '<passwordExpired>false</passwordExpired><sandbox>true</sandbox>' +
    `<serverUrl>${origin}/services/Soap/u/${version}/${ORG_ID}</serverUrl>` +
    `<sessionId>${session.token}</sessionId><userId>${user.Id}</userId>` +
    '<userInfo>' +
    `<accessibilityMode>false</accessibilityMode><currencySymbol>$</currencySymbol><orgDefaultCurrencyIsoCode>USD</orgDefaultCurrencyIsoCode>` +
    `<organizationId>${ORG_ID}</organizationId><organizationMultiCurrency>false</organizationMultiCurrency><organizationName>Switchboard Emulator</organizationName>` +
    `<profileId>00e000000000000AAA</profileId><sessionSecondsValid>7200</sessionSecondsValid>` +
    `<userDefaultCurrencyIsoCode xsi:nil="true"/><userEmail>${text(fields['Email'])}</userEmail><userFullName>${text(user.Name)}</userFullName>` +
    `<userId>${user.Id}</userId><userLanguage>${text(fields['LanguageLocaleKey'] ?? 'en_US')}</userLanguage><userLocale>${text(fields['LocaleSidKey'] ?? 'en_US')}</userLocale>` +
    `<userName>${text(user.Username)}</userName><userTimeZone>${text(fields['TimeZoneSidKey'] ?? 'America/Los_Angeles')}</userTimeZone><userType>Standard</userType><userUiSkin>Theme3</userUiSkin>` +
    '</userInfo></result></loginResponse></soapenv:Body></soapenv:Envelope>';
  sendText(res, 200, xml, 'text/xml; charset=utf-8');
}

function soapFault(res: ServerResponse, code: string, message: string, faultType: string): void {
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<soapenv:Body><soapenv:Fault><faultcode>sf:${code}</faultcode><faultstring>${code}: ${xmlText(message)}</faultstring>` +
    `<detail><sf:${faultType} xsi:type="sf:${faultType}"><sf:exceptionCode>${code}</sf:exceptionCode><sf:exceptionMessage>${xmlText(message)}</sf:exceptionMessage></sf:${faultType}></detail>` +
    '</soapenv:Fault></soapenv:Body></soapenv:Envelope>';
  sendText(res, 500, xml, 'text/xml; charset=utf-8');
}

async function oauthToken(req: IncomingMessage, res: ServerResponse, options: ApiLoginOptions): Promise<void> {
  const form = new URLSearchParams(await readBody(req));
  const grant = form.get('grant_type') ?? '';
  if (grant === JWT_BEARER_GRANT) return jwtBearer(res, form.get('assertion') ?? '', options);
  const grants = options.grants;
  if (grants && (grant === 'authorization_code' || grant === 'refresh_token')) {
    const flow = { data: options.data, grants };
    const outcome: GrantOutcome = grant === 'authorization_code' ? authorizationCodeGrant(form, flow) : refreshTokenGrant(form, flow);
    if ('error' in outcome) return sendJson(res, 400, { error: outcome.error, error_description: outcome.description });
    const web = {
      scopes: outcome.scopes,
      clientId: form.get('client_id') ?? '',
      ...(outcome.grant ? { grant: outcome.grant } : {}),
      newRefreshToken: outcome.newRefreshToken,
      ...(outcome.nonce !== undefined ? { nonce: outcome.nonce } : {}),
    };
    return sendToken(res, outcome.user, options, form.get('client_secret'), web);
  }
  if (grant !== 'password') {
    return sendJson(res, 400, {
      error: 'unsupported_grant_type',
      error_description: grant ? `grant type not supported: ${grant}` : 'grant type not supported',
    });
  }
  if (!form.get('client_id')) return sendJson(res, 400, { error: 'invalid_client_id', error_description: 'client identifier invalid' });
  const user = signIn(form.get('username') ?? '', form.get('password') ?? '', options);
  if (!user) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'authentication failure' });
  await sendToken(res, user, options, form.get('client_secret'));
}

/** What the web server flow adds to a token response: the granted scopes, and the refresh token the access token belongs to. */
interface WebFlowToken {
  readonly scopes: readonly string[];
  readonly clientId: string;
  readonly grant?: RefreshGrant;
  /** The authorize request's, for the ID token. */
  readonly nonce?: string;
  /** Whether the response hands out the refresh token (the code grant does; a refresh does not, as Salesforce by default). */
  readonly newRefreshToken: boolean;
}

async function sendToken(res: ServerResponse, user: UserView, options: ApiLoginOptions, clientSecret: string | null, web?: WebFlowToken): Promise<void> {
  const session = options.sessions.create(user.Id);
  web?.grant?.accessTokens.add(session.token);
  const origin = options.origin();
  const id = identityUrl(origin, user.Id);
  const issuedAt = String((options.now ?? Date.now)());
  const idToken =
    web &&
    (await options.openid?.idToken({
      user,
      clientId: web.clientId,
      scopes: web.scopes,
      accessToken: session.token,
      ...(web.nonce !== undefined ? { nonce: web.nonce } : {}),
    }));
  sendJson(res, 200, {
    access_token: session.token,
    ...(web?.newRefreshToken && web.grant ? { refresh_token: web.grant.token } : {}),
    // Salesforce's signature: HMAC-SHA256 of id + issued_at keyed with the client secret, so that
    // a client can check the response came from the org it holds a secret for.
    signature: clientSecret
      ? createHmac('sha256', clientSecret)
          .update(id + issuedAt)
          .digest('base64')
      : '',
    ...(web ? { scope: web.scopes.join(' ') } : {}),
    ...(idToken ? { id_token: idToken } : {}),
    instance_url: origin,
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
  });
}

/**
 * The OAuth 2.0 JWT bearer flow: an RS256 JWT whose `iss` is a connected app's consumer key, `sub`
 * a username, `aud` the login host, `exp` in the future, signed with the key of the app's certificate.
 */
async function jwtBearer(res: ServerResponse, assertion: string, options: ApiLoginOptions): Promise<void> {
  const refuse = (error: string, description: string) => sendJson(res, 400, { error, error_description: description });
  const parts = assertion.split('.');
  if (parts.length !== 3) return refuse('invalid_grant', 'invalid assertion');
  const [header, claims] = parts.slice(0, 2).map((p) => {
    try {
      return JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  });
  if (!header || !claims || header['alg'] !== 'RS256') return refuse('invalid_grant', 'invalid assertion');
  const app = options.connectedApps?.find((a) => a.clientId === claims['iss']);
  if (!app) return refuse('invalid_client_id', 'client identifier invalid');
  let signed = false;
  try {
    signed = createVerify('RSA-SHA256').update(`${parts[0]}.${parts[1]}`).verify(createPublicKey(app.certificate), Buffer.from(parts[2]!, 'base64url'));
  } catch {
    signed = false;
  }
  if (!signed) return refuse('invalid_grant', 'invalid assertion');
  const audience = [options.origin(), ...LOGIN_AUDIENCES];
  const aud = claims['aud'];
  if (!(typeof aud === 'string' ? audience.includes(aud) : Array.isArray(aud) && aud.some((a) => audience.includes(String(a))))) {
    return refuse('invalid_grant', 'audience is invalid');
  }
  const exp = claims['exp'];
  if (typeof exp !== 'number' || exp * 1000 <= (options.now ?? Date.now)()) return refuse('invalid_grant', 'expired authorization code');
  const username = typeof claims['sub'] === 'string' ? claims['sub'] : '';
  const user = byUsername(username, options);
  if (!user) return refuse('invalid_grant', "user hasn't approved this consumer");
  await sendToken(res, user, options, null);
}

function identityService(req: IncomingMessage, res: ServerResponse, url: URL, orgId: string, userId: string, options: ApiLoginOptions): void {
  const session = options.sessions.fromRequest(req) ?? options.sessions.get(url.searchParams.get('oauth_token') ?? undefined);
  if (!session) return sendText(res, 403, 'Bad_OAuth_Token');
  const user = options.data.user(userId);
  if (orgId !== ORG_ID || !user || user.Id !== session.userId) return sendText(res, 403, 'Bad_Id');
  const origin = options.origin();
  const fields = options.data.record(user.Id)?.fields ?? {};
  const v = '{version}';
  sendJson(res, 200, {
    id: identityUrl(origin, user.Id),
    asserted_user: true,
    user_id: user.Id,
    organization_id: ORG_ID,
    username: user.Username,
    nick_name: user.Alias ?? user.Username.split('@')[0],
    display_name: user.Name,
    email: fields['Email'] ?? null,
    email_verified: true,
    first_name: fields['FirstName'] ?? null,
    last_name: fields['LastName'] ?? null,
    timezone: fields['TimeZoneSidKey'] ?? 'America/Los_Angeles',
    active: true,
    user_type: 'STANDARD',
    language: fields['LanguageLocaleKey'] ?? 'en_US',
    locale: fields['LocaleSidKey'] ?? 'en_US',
    utcOffset: 0,
    urls: {
      enterprise: `${origin}/services/Soap/c/${v}/${ORG_ID}`,
      metadata: `${origin}/services/Soap/m/${v}/${ORG_ID}`,
      partner: `${origin}/services/Soap/u/${v}/${ORG_ID}`,
      rest: `${origin}/services/data/v${v}/`,
      sobjects: `${origin}/services/data/v${v}/sobjects/`,
      search: `${origin}/services/data/v${v}/search/`,
      query: `${origin}/services/data/v${v}/query/`,
      profile: `${origin}/${user.Id}`,
      custom_domain: origin,
    },
  });
}
