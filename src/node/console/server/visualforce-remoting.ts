/**
 * Visualforce hosting of the Salesforce Voice connector with JavaScript remoting, as an org hosts
 * the package's `SwitchboardVoice` page (src/node/package/voice-package.ts):
 *
 *   V/apex/SwitchboardVoice (or /apex/switchboard__SwitchboardVoice)
 *       the built Voice connector (dist/app/voice) rendered as that page: the remote action's name
 *       in the meta tag the connector reads, the page's remoting providers (JSON data block) and the
 *       emulator's remoting library (vf-remote-script.ts) at Salesforce's path for it.
 *   V/apexremote   POST: runs a @RemoteAction of the emulated org's Apex (apex-registry.ts) as the
 *       page's user; Salesforce's response array `[{statusCode, type: 'rpc'|'exception', tid, result|message}]`.
 *   L/visualforce/session?url=/apex/…
 *       the session bridge: like an org's, a Visualforce domain gets its session from the Lightning
 *       one. A page load without a session goes there (302); the Lightning session cookie names the
 *       user; it comes back with a one-time code (60 s) that the page load exchanges for a session of
 *       its own.
 *
 * Where the emulator differs from an org, and why: an org keeps the Visualforce session in a cookie
 * of the Visualforce domain. The emulator's two origins are cross-site in local mode (127.0.0.1 and
 * localhost over http), where Chromium keeps no cookie set by a framed cross-site page (SameSite=None
 * needs Secure, which plain http cannot carry). So the page gets its session in its remoting
 * providers, and the library sends it as `Authorization: Bearer`. What Salesforce checks, the
 * emulator checks: a remoting call needs the session, the page's `vid`, and the CSRF token the page
 * was rendered with for that action (bound to the session and the page); it must come from the
 * Visualforce origin as JSON; only methods declared @RemoteAction answer.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { configureConnectorPage, connectorCsp } from '../../connector-page/connector-page.ts';
import type { ApexRegistry } from './apex-registry.ts';
import { readBody, sendJson, sendText } from './http-util.ts';
import type { ConsoleOrigins } from './origins.ts';
import type { Session, SessionStore } from './sessions.ts';
import { VF_PROVIDERS_ID, VF_REMOTE_SCRIPT, VF_REMOTE_SCRIPT_PATH } from './vf-remote-script.ts';
import { closeAfterResponse } from './web-listener.ts';

export const VF_SESSION_BRIDGE_PATH = '/visualforce/session';
export const REMOTING_PATH = '/apexremote';
export const VOICE_VF_PAGE = 'SwitchboardVoice';
/** The namespace of the demo Voice package (DEMO_VOICE_CALL_CENTER's vendor info). */
export const VOICE_VF_NAMESPACE = 'switchboard';
/** The meta tag the connector reads (src/crm/salesforce-voice/visualforce-remoting.ts). */
export const MINT_META = 'switchboard-remote-mint';
/** The package's API version, as the page's remote actions report it. */
const API_VERSION = 62;
const CODE_TTL_MS = 60_000;

/** Methods of the emulated org's classes that are `@RemoteAction`: only these answer remoting. */
export const REMOTE_ACTIONS: readonly (readonly [string, string])[] = [['SwitchboardCredentials', 'mintForVoice']];

export interface VisualforceRemotingOptions {
  readonly sessions: SessionStore;
  readonly apex: ApexRegistry;
  readonly origins: () => ConsoleOrigins;
  /** The built Voice connector (dist/app/voice). */
  readonly voiceDir: string;
  readonly sipWebSocketUrls: () => readonly string[];
  /** Epoch milliseconds. Default Date.now. */
  readonly now?: () => number;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean;

/** One remoting response element, as Salesforce's apexremote answers. */
export interface RemotingResponse {
  readonly statusCode: number;
  readonly type: 'rpc' | 'exception';
  readonly tid: number | null;
  readonly ref: false;
  readonly action: string;
  readonly method: string;
  readonly result?: unknown;
  readonly message?: string;
  readonly where?: string;
}

export function createVisualforceRemoting(options: VisualforceRemotingOptions): { readonly lightning: Handler; readonly vf: Handler } {
  const now = options.now ?? Date.now;
  // Signs CSRF tokens; lives as long as the process, like the sessions it binds to.
  const key = randomBytes(32);
  const codes = new Map<string, { userId: string; expires: number }>();
  /** The page each session was rendered for: its `vid`. */
  const pages = new Map<string, string>();
  const csrf = (session: Session, vid: string, cls: string, method: string): string =>
    createHmac('sha256', key).update(`${session.token}\n${vid}\n${cls}.${method}`.toLowerCase()).digest('base64url');

  const pagePath = (path: string): boolean => {
    const m = /^\/apex\/([^/]+)$/.exec(path);
    if (!m) return false;
    const name = decodeURIComponent(m[1]!).toLowerCase();
    return name === VOICE_VF_PAGE.toLowerCase() || name === `${VOICE_VF_NAMESPACE}__${VOICE_VF_PAGE}`.toLowerCase();
  };

  const lightning: Handler = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    if (url.pathname !== VF_SESSION_BRIDGE_PATH || req.method !== 'GET') return false;
    const target = bridgeTarget(url.searchParams.get('url'), options.origins().vf);
    if (!target) {
      sendText(res, 400, `${VF_SESSION_BRIDGE_PATH} needs url=/apex/<page> on the Visualforce origin, got '${url.searchParams.get('url') ?? ''}'.`);
      return true;
    }
    // A browser navigation: the console's cookie, never a bearer token another page could hold.
    const session = options.sessions.fromCookie(req);
    if (!session) {
      sendText(res, 401, `No Salesforce session: open the console (or sign in at ${options.origins().lightning}/login) before ${target.pathname}.`);
      return true;
    }
    for (const [c, v] of codes) if (v.expires <= now()) codes.delete(c);
    const code = randomBytes(24).toString('base64url');
    codes.set(code, { userId: session.userId, expires: now() + CODE_TTL_MS });
    target.searchParams.set('vfcode', code);
    res.writeHead(302, { location: target.href, 'cache-control': 'no-store' });
    res.end();
    return true;
  };

  const vf: Handler = async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    if (url.pathname === VF_REMOTE_SCRIPT_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'public, max-age=86400',
        'content-length': Buffer.byteLength(VF_REMOTE_SCRIPT),
      });
      res.end(req.method === 'HEAD' ? undefined : VF_REMOTE_SCRIPT);
      return true;
    }
    if (url.pathname === REMOTING_PATH) {
      const answer = await remote(req);
      // A refusal may leave the body unread: the connection is not reused.
      if (answer.http !== 200) closeAfterResponse(req, res);
      sendJson(res, answer.http, [answer.body]);
      return true;
    }
    if (!pagePath(url.pathname) || req.method !== 'GET') return false;
    const code = url.searchParams.get('vfcode');
    url.searchParams.delete('vfcode');
    const grant = code ? codes.get(code) : undefined;
    if (code) codes.delete(code);
    if (!grant || grant.expires <= now()) {
      // No session on this domain (or a used code, as on a reload): get one from the Lightning session.
      res.writeHead(302, {
        location: `${options.origins().lightning}${VF_SESSION_BRIDGE_PATH}?url=${encodeURIComponent(`${url.pathname}${url.search}`)}`,
        'cache-control': 'no-store',
      });
      res.end();
      return true;
    }
    servePage(res, options.sessions.create(grant.userId));
    return true;
  };

  function servePage(res: ServerResponse, session: Session): void {
    let html: string;
    try {
      html = readFileSync(join(options.voiceDir, 'index.html'), 'utf8');
    } catch {
      sendText(res, 404, `The Voice connector is not built: ${join(options.voiceDir, 'index.html')} is missing (run npm run build).`);
      return;
    }
    const { lightning: lightningOrigin } = options.origins();
    const vid = `066${randomBytes(9).toString('hex').slice(0, 15)}`;
    pages.set(session.token, vid);
    const actions: Record<string, { ms: { name: string; len: number; ns: string; ver: number; csrf: string }[] }> = {};
    for (const [cls, method] of REMOTE_ACTIONS)
      (actions[cls] ??= { ms: [] }).ms.push({ name: method, len: 0, ns: '', ver: API_VERSION, csrf: csrf(session, vid, cls, method) });
    const providers = { vf: { vid, sid: session.token, xhr: false }, actions, service: REMOTING_PATH };
    // The page is at /apex/…: its assets are the connector's, at /voice/.
    const head = [
      `<meta name="${MINT_META}" content="SwitchboardCredentials.mintForVoice" />`,
      `<script type="application/json" id="${VF_PROVIDERS_ID}">${JSON.stringify(providers).replace(/</g, '\\u003c')}</script>`,
      `<script src="${VF_REMOTE_SCRIPT_PATH}"></script>`,
    ]
      .map((t) => `  ${t}\n`)
      .join('');
    const body = configureConnectorPage(html, { trustedOrigins: [lightningOrigin], csp: undefined })
      .replace(/(\s(?:src|href)=["'])\.\//g, '$1/voice/')
      .replace(/<\/head>/i, `${head}</head>`);
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
      'content-security-policy': connectorCsp({ trustedOrigins: [lightningOrigin], sipWebSocketUrls: options.sipWebSocketUrls() }),
    });
    res.end(body);
  }

  async function remote(req: IncomingMessage): Promise<{ http: number; body: RemotingResponse }> {
    const refuse = (http: number, message: string, action = '', method = '', tid: number | null = null) => ({
      http,
      body: { statusCode: http, type: 'exception' as const, tid, ref: false as const, action, method, message, where: '' },
    });
    if (req.method !== 'POST') return refuse(405, `${REMOTING_PATH} takes POST only.`);
    const { vf: vfOrigin } = options.origins();
    if (req.headers.origin !== vfOrigin)
      return refuse(
        403,
        `Remoting from origin '${req.headers.origin ?? '(none)'}' is refused: only the org's Visualforce pages (${vfOrigin}) call remote actions.`,
      );
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? ''))
      return refuse(415, `Remoting takes a JSON body (content type application/json), got '${req.headers['content-type'] ?? '(none)'}'.`);
    let call: Record<string, unknown>;
    try {
      const parsed = JSON.parse(await readBody(req)) as unknown;
      const first = Array.isArray(parsed) ? parsed[0] : parsed;
      if (!first || typeof first !== 'object') throw new Error('not an object');
      call = first as Record<string, unknown>;
    } catch {
      return refuse(400, 'The remoting request is not a JSON object {action, method, data, type, tid, ctx}.');
    }
    const cls = typeof call.action === 'string' ? call.action : '';
    const method = typeof call.method === 'string' ? call.method : '';
    const tid = typeof call.tid === 'number' ? call.tid : null;
    const ctx = (call.ctx && typeof call.ctx === 'object' ? call.ctx : {}) as Record<string, unknown>;
    const session = options.sessions.fromRequest(req);
    if (!session) return refuse(401, 'Session expired or invalid: remoting needs the session of the page that calls (reload the page).', cls, method, tid);
    const vid = pages.get(session.token);
    if (vid === undefined || ctx.vid !== vid)
      return refuse(403, 'The remoting request names no page of this session (ctx.vid): reload the page.', cls, method, tid);
    const remote = REMOTE_ACTIONS.find(([c, m]) => c.toLowerCase() === cls.toLowerCase() && m.toLowerCase() === method.toLowerCase());
    if (!remote)
      return refuse(400, `No @RemoteAction ${cls}.${method} in this org: only methods declared @RemoteAction can be called by remoting.`, cls, method, tid);
    const expected = Buffer.from(csrf(session, vid, remote[0], remote[1]));
    const given = Buffer.from(typeof ctx.csrf === 'string' ? ctx.csrf : '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return refuse(403, 'Remoting request invalid for your session (CSRF token): refresh the page and try again.', cls, method, tid);
    const handler = options.apex.find(remote[0], remote[1]);
    if (!handler) return refuse(400, `Could not load Apex class: ${remote[0]}`, cls, method, tid);
    const data = Array.isArray(call.data) ? call.data : [];
    try {
      const result = await handler({}, JSON.stringify(data), { userId: session.userId });
      return { http: 200, body: { statusCode: 200, type: 'rpc', tid, ref: false, action: remote[0], method: remote[1], result } };
    } catch (error) {
      // An Apex exception: Salesforce answers 400 with its message.
      return refuse(400, error instanceof Error ? error.message : String(error), remote[0], remote[1], tid);
    }
  }

  return { lightning, vf };
}

/** `url` as a Visualforce page of this org (`/apex/…` on the Visualforce origin), else undefined. */
function bridgeTarget(url: string | null, vfOrigin: string): URL | undefined {
  if (!url?.startsWith('/apex/')) return undefined;
  try {
    const target = new URL(url, vfOrigin);
    return target.origin === new URL(vfOrigin).origin && target.pathname.startsWith('/apex/') ? target : undefined;
  } catch {
    return undefined;
  }
}
