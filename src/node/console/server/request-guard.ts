/**
 * What keeps other web pages out of the emulator on 127.0.0.1 (cross-site request forgery and DNS
 * rebinding). Every request must name one of the emulator's own hosts in `Host` (a rebound name
 * such as attacker.example:4280 does not). Every state-changing request (anything but GET, HEAD,
 * OPTIONS) must also
 * - come from one of the emulator's own origins when it says where it comes from (`Origin`),
 * - carry the emulator's session (the console page's cookie or `Authorization: Bearer <token>`),
 *   except where a session starts or ends by its token alone: `POST /login`, and the API's SOAP
 *   login and OAuth token and revoke endpoints (api-login.ts, oauth-web-flow.ts); the OAuth
 *   authorize endpoint is a GET that reads the browser's session cookie (SameSite=Strict, so a
 *   link from another site arrives without it and meets the login page),
 * - send its body as `application/json` (a cross-site page cannot send that without a CORS
 *   preflight, which the emulator never grants); `/login` also takes a form post.
 * Salesforce Voice's Telephony Integration API (`/telephony/v1/`) is exempt from all but the `Host`
 * check: it is server to server and authenticates each request with a signed JWT.
 * Refusals are shaped like the errors of the route they protect: Salesforce's error array under
 * `/services/` and the REST helper's `/emulator/api/`, `{errorCode, message}` under `/telephony/v1/`,
 * `{error}` on the console's own API.
 */
import type { IncomingMessage } from 'node:http';
import type { SessionStore } from './sessions.ts';
import { isApiLoginPath, isOAuthFormPath, SOAP_LOGIN_PATH } from './api-login.ts';
import { isTelephonyApiPath } from '../rest/telephony-api.ts';

export interface GuardRefusal {
  readonly status: number;
  readonly errorCode: string;
  readonly message: string;
}

export interface GuardOptions {
  /** Host names (no port) the listener answers to, besides the loopback names. */
  readonly hostNames: readonly string[];
  /** The origins that may send state-changing requests (e.g. the Lightning origin). */
  readonly origins: readonly string[];
  readonly sessions: SessionStore;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
export const LOGIN_PATH = '/login';

/** `Host` check alone, for the Visualforce listener (it takes no state-changing requests). */
export function checkHost(req: IncomingMessage, hostNames: readonly string[], port: number): GuardRefusal | undefined {
  const host = (req.headers.host ?? '').toLowerCase();
  const allowed = [...LOOPBACK_NAMES, ...hostNames].map((n) => `${n.toLowerCase()}:${port}`);
  if (allowed.includes(host)) return undefined;
  return {
    status: 403,
    errorCode: 'INVALID_HOST',
    message: `Host '${req.headers.host ?? ''}' is not this emulator's (expected one of ${allowed.join(', ')}); a request by another name is refused so that a rebound DNS name cannot reach it.`,
  };
}

export function checkRequest(req: IncomingMessage, path: string, port: number, options: GuardOptions): GuardRefusal | undefined {
  const host = checkHost(req, options.hostNames, port);
  if (host) return host;
  const method = (req.method ?? 'GET').toUpperCase();
  if (SAFE_METHODS.has(method)) return undefined;
  // Salesforce Voice's Telephony Integration API is server to server and signed per request (an RS256
  // JWT, no ambient cookie a cross-site page could ride on): it checks its own auth (rest/telephony-auth.ts).
  if (isTelephonyApiPath(path)) return undefined;
  const what = `${method} ${path}`;
  const origin = req.headers.origin;
  if (origin !== undefined && !options.origins.includes(origin)) {
    return {
      status: 403,
      errorCode: 'INVALID_ORIGIN',
      message: `${what} from origin '${origin}' is refused: only the emulator's own pages (${options.origins.join(', ')}) may change its data.`,
    };
  }
  const soapLogin = SOAP_LOGIN_PATH.test(path);
  const oauth = isOAuthFormPath(path);
  const login = path === LOGIN_PATH || isApiLoginPath(path);
  if (!login && !options.sessions.fromRequest(req)) {
    return {
      status: 401,
      errorCode: 'INVALID_SESSION_ID',
      message: `Session expired or invalid: ${what} needs the emulator's session (the console page's cookie, or Authorization: Bearer <the emulator's apiToken>).`,
    };
  }
  if (hasBody(req)) {
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    const json = /^application\/json\s*(;|$)/.test(type);
    const form = (path === LOGIN_PATH || oauth) && /^application\/x-www-form-urlencoded\s*(;|$)/.test(type);
    // SOAP is text/xml, which a cross-site page cannot send without a preflight either.
    const xml = soapLogin && /^text\/xml\s*(;|$)/.test(type);
    if (!json && !form && !xml) {
      return {
        status: 415,
        errorCode: 'UNSUPPORTED_MEDIA_TYPE',
        message: `${what}: content type '${type || '(none)'}' is not supported; send the body as ${soapLogin ? 'text/xml' : oauth ? 'a form (application/x-www-form-urlencoded)' : `application/json${login ? ' or a form' : ''}`}.`,
      };
    }
  }
  return undefined;
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

/** The refusal as the protected route's own errors look: Salesforce's array or the console's `{error}`. */
export function refusalBody(path: string, refusal: GuardRefusal): unknown {
  if (isTelephonyApiPath(path)) return { errorCode: refusal.errorCode, message: refusal.message };
  const salesforceShaped = path.startsWith('/services/') || (path.startsWith('/emulator/api/') && !path.startsWith('/emulator/api/console/'));
  return salesforceShaped ? [{ message: refusal.message, errorCode: refusal.errorCode }] : { error: refusal.message, errorCode: refusal.errorCode };
}
