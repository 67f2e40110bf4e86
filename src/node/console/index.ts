/**
 * The console emulator: the Salesforce console as far as a softphone can tell. Start it with
 * `startConsole(options)`; see README section "Console emulator" and server/origins.ts for the two
 * origin modes.
 *
 * URLs (L = lightningOrigin, V = vfOrigin):
 * - L/lightning/page/home            Lightning console (`?user=<Id or Username>` picks the user;
 *                                    default the demo agent)
 * - L/console/classic                Classic console (interaction.js semantics)
 * - L/lightning/setup/CallCenters/home   Setup: import call centers, layouts, users
 * - V/softphone/                     the built connector (dist/app/softphone/)
 * - V/apex/<Name>                    Visualforce pages from `apexDir`
 * Strict mode: L = https://<org>.lightning.force.com:<port>, V = https://<org>--c.vf.force.com:<vfPort>;
 * local mode: L = http://127.0.0.1:<port>, V = http://127.0.0.1:<vfPort>.
 * - L|V/support/api/<NN>.0/lightning/opencti_min.js, /support/api/<NN>.0/interaction.js
 * - L/services/data/...              REST API (the db/rest layer)
 * - L/emulator/api/console/log       the server's log of Open CTI calls served
 * - L/customer-phone/                the customer phone page (src/node/customer-phone)
 * - L/login                          sign in as a user of the org (server/login.ts)
 * - L/services/oauth2/authorize|token|revoke   OAuth 2.0 (server/api-login.ts, server/oauth-web-flow.ts)
 * State-changing requests need the emulator's session: the console page's cookie, or
 * `Authorization: Bearer <apiToken>` for API clients (server/request-guard.ts).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApexRegistry, type ApexHandler } from './server/apex-registry.ts';
import { ConsoleEventLog } from './server/event-log.ts';
import { createConsoleApi } from './server/console-api.ts';
import { startConsoleServers } from './server/console-server.ts';
import { consoleOrigins, DEFAULT_ORG, HOST_RESOLVER_RULES, STRICT_CHROMIUM_ARGS } from './server/origins.ts';
import { devCertificate } from './server/dev-certificate.ts';
import { customerPhoneHandler } from '../customer-phone/index.ts';
import { registerBuiltinApex } from './server/builtin-apex.ts';
import { openConsoleData } from './server/console-db-data.ts';
import { DEMO } from './seed/index.ts';
import type { ConsoleData, ValidationRuleView } from './server/console-data.ts';
import { callCenterWebSockets } from './server/connector-page-route.ts';
import { connectorCsp } from '../connector-page/connector-page.ts';
import { connectorPageCheck } from './server/setup-checklist.ts';
import { SessionStore } from './server/sessions.ts';
import { checkHost, checkRequest, refusalBody } from './server/request-guard.ts';
import { handleApiLogin, type ConnectedApp } from './server/api-login.ts';
import { OAuthGrants } from './server/oauth-grants.ts';
import { handleOAuthWebFlow } from './server/oauth-web-flow.ts';
import { OpenIdProvider } from './server/openid.ts';
import { handleLogin, sessionForPage } from './server/login.ts';
import { DEFAULT_CREDENTIAL_TTL_SECONDS, parseTtlSeconds } from './server/sip-credentials.ts';
import { VoiceCallStore } from './db/voice-calls.ts';
import { voiceConsoleRoutes } from './server/voice-console-routes.ts';
import { createVisualforceRemoting } from './server/visualforce-remoting.ts';
import { useDemoVoiceCallCenter } from './server/voice-demo.ts';

export { ApexRegistry, HOST_RESOLVER_RULES, STRICT_CHROMIUM_ARGS, DEMO };
export type { ApexHandler, ConsoleData, ValidationRuleView };

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ConsoleOptions {
  /** Lightning origin port; 0 = ephemeral. Default 0. */
  readonly port?: number;
  /** Visualforce origin port; 0 = ephemeral. Default 0. */
  readonly vfPort?: number;
  /** Listen address. Default 127.0.0.1. */
  readonly host?: string;
  /** SQLite file; ':memory:' for a throwaway org. Seeded with the demo org (src/node/console/seed, DEMO) on first start. */
  readonly dbFile?: string;
  /** Folder of Visualforce pages (`<Name>.page` or `<Name>.html`) served at /apex/<Name>. */
  readonly apexDir?: string;
  /** The SIP server's WebSocket URL, written into the demo call center's switchboard section. */
  readonly sipServer?: string;
  /** The SIP domain of the demo call center. Default 'localhost' (the embedded SIP server's). */
  readonly sipDomain?: string;
  /** Salesforce-shaped host names over HTTPS and Salesforce's origin rule (the browser needs STRICT_CHROMIUM_ARGS; see server/origins.ts). Default false. */
  readonly strictOrigins?: boolean;
  /** Key and certificate for strict mode; default a throwaway self-signed one made with openssl. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** Org name in strict host names. Default 'switchboard-dev'. */
  readonly orgName?: string;
  /** Extra runApex handlers: `{'Class.method': handler}`. */
  readonly apex?: Readonly<Record<string, ApexHandler>>;
  /** Project dist folder. Default <repo>/dist. */
  readonly distDir?: string;
  /**
   * The secret shared with the phone system, for `SwitchboardCredentials.mint` (ephemeral SIP
   * credentials). Stays in this process: never sent to a page or logged. Without it mint fails.
   */
  readonly sipSecret?: string;
  /** Lifetime of minted SIP credentials in seconds. Default 3600. */
  readonly credentialTtlSeconds?: number;
  /** The API clients' session token (default: random per start), for the default user. */
  readonly apiToken?: string;
  /**
   * The password every user signs in with through the API (SOAP login, OAuth password grant:
   * jsforce's `conn.login`). Default DEMO_API_PASSWORD.
   */
  readonly apiPassword?: string;
  /** Connected apps for the OAuth JWT bearer flow: consumer key and certificate (PEM). Default none. */
  readonly connectedApps?: readonly ConnectedApp[];
  /**
   * 'voice': the demo agents use the demo Salesforce Voice contact center (SwitchboardVoice, connector
   * at V/voice/; server/voice-demo.ts) and the console speaks the Voice connector protocol. Default
   * 'opencti' (the demo call center as seeded).
   */
  readonly surface?: 'opencti' | 'voice';
  /** The demo Voice contact center's Telephony Integration Certificate (PEM), with surface 'voice'. */
  readonly voiceCertificate?: string;
}

/** The API password of the emulated org's users unless startConsole is given another (README). */
export const DEMO_API_PASSWORD = 'switchboard-demo';

export interface RunningConsole {
  /** e.g. http://127.0.0.1:5173 (local) or https://switchboard-dev.lightning.force.com:5173 (strict) */
  readonly lightningOrigin: string;
  /** e.g. http://localhost:5174 (local) or https://switchboard-dev--c.vf.force.com:5174 (strict) */
  readonly vfOrigin: string;
  readonly port: number;
  readonly vfPort: number;
  /** Lightning console URL for a user (Id or Username), default user when omitted. */
  consoleUrl(user?: string): string;
  /** Classic console URL for a user. */
  classicUrl(user?: string): string;
  /** Where the built connector is served (V/softphone/). */
  readonly softphoneUrl: string;
  /**
   * A session token for API clients (tests, scripts, jsforce): send `Authorization: Bearer
   * <apiToken>`. Writes are attributed to the default user unless the request names another.
   */
  readonly apiToken: string;
  /** L/login: the login page that lists the org's users. */
  readonly loginUrl: string;
  readonly data: ConsoleData;
  readonly apex: ApexRegistry;
  readonly log: ConsoleEventLog;
  /** The org's VoiceCall records (Salesforce Voice), as the Telephony API and the console's phone write them. */
  readonly voiceCalls: VoiceCallStore;
  close(): Promise<void>;
}

export async function startConsole(options: ConsoleOptions = {}): Promise<RunningConsole> {
  const strict = options.strictOrigins ?? false;
  const org = options.orgName ?? DEFAULT_ORG;
  const ttl = parseTtlSeconds(options.credentialTtlSeconds ?? DEFAULT_CREDENTIAL_TTL_SECONDS, 'credentialTtlSeconds');
  let ports = { lightning: 0, vf: 0 };
  const sessions = new SessionStore(() => ports.lightning, strict);
  const sessionUserId = (req: IncomingMessage): string | undefined => sessions.fromRequest(req)?.userId;
  const {
    data,
    db,
    rest,
    close: closeData,
  } = openConsoleData({
    file: options.dbFile ?? ':memory:',
    ...(options.sipServer ? { sipServer: options.sipServer } : {}),
    ...(options.sipDomain ? { sipDomain: options.sipDomain } : {}),
    ephemeralCredentials: options.sipSecret !== undefined,
    authenticate: sessionUserId,
  });
  const voiceCalls = new VoiceCallStore(db);
  if (options.surface === 'voice')
    useDemoVoiceCallCenter(data, {
      ...(options.voiceCertificate !== undefined ? { certificate: options.voiceCertificate } : {}),
      ephemeral: options.sipSecret !== undefined,
    });
  const apex = new ApexRegistry();
  registerBuiltinApex(apex, data, { ...(options.sipSecret ? { sipSecret: options.sipSecret } : {}), credentialTtlSeconds: ttl });
  for (const [key, handler] of Object.entries(options.apex ?? {})) {
    const i = key.lastIndexOf('.');
    if (i <= 0) throw new Error(`apex handler key '${key}' must be 'Class.method'`);
    apex.register(key.slice(0, i), key.slice(i + 1), handler);
  }
  const log = new ConsoleEventLog();
  let origins = { lightning: '', vf: '' };
  const sipWebSocketUrls = (): string[] => callCenterWebSockets(data.callCenters().map((cc) => data.callCenterSettings(cc.Id)));
  const consoleApi = createConsoleApi({
    data,
    apex,
    log,
    describeOrigins: () => origins,
    sessionUserId,
    voice: voiceConsoleRoutes(voiceCalls, data),
    connectorPage: connectorPageCheck(options.distDir ?? join(ROOT, 'dist'), options.apexDir ? resolve(options.apexDir) : undefined, () => origins.vf),
    // The policy the connector page is served with (connector-page-route.ts), for the admin's diagnosis.
    connectorCsp: () => connectorCsp({ trustedOrigins: [origins.lightning], sipWebSocketUrls: sipWebSocketUrls() }),
  });
  // The Voice connector as the package's Visualforce page, minting SIP credentials by JavaScript remoting.
  const remoting = createVisualforceRemoting({
    sessions,
    apex,
    origins: () => origins,
    voiceDir: join(options.distDir ?? join(ROOT, 'dist'), 'app', 'voice'),
    sipWebSocketUrls,
  });
  // The OAuth web server flow's codes and refresh tokens: in memory, like the sessions they mint.
  const grants = new OAuthGrants();
  const openid = new OpenIdProvider({ data, sessions, origin: () => origins.lightning });
  const host = options.host ?? '127.0.0.1';
  const hostNames = (origin: string): string[] => [origin ? new URL(origin).hostname : '', host].filter((n) => n !== '' && n !== '0.0.0.0' && n !== '::');
  const servers = await startConsoleServers({
    host,
    port: options.port ?? 0,
    vfPort: options.vfPort ?? 0,
    distDir: options.distDir ?? join(ROOT, 'dist'),
    sldsDir: join(ROOT, 'node_modules', '@salesforce-ux', 'design-system', 'assets'),
    ...(options.apexDir ? { apexDir: resolve(options.apexDir) } : {}),
    allowLocalOrigins: !strict,
    origins: (port, vfPort) => consoleOrigins(strict, port, vfPort, org),
    consoleApi,
    rest: (req: IncomingMessage, res: ServerResponse) => rest(req, res),
    // The customer phone (src/node/customer-phone) for demos: L/customer-phone/.
    extra: [
      (req, res) => handleLogin(req, res, new URL(req.url ?? '/', 'http://console.invalid'), { data, sessions }),
      (req, res) =>
        handleApiLogin(req, res, new URL(req.url ?? '/', 'http://console.invalid'), {
          data,
          sessions,
          grants,
          openid,
          password: options.apiPassword ?? DEMO_API_PASSWORD,
          origin: () => origins.lightning,
          ...(options.connectedApps ? { connectedApps: options.connectedApps } : {}),
        }),
      (req, res) =>
        handleOAuthWebFlow(req, res, new URL(req.url ?? '/', 'http://console.invalid'), {
          data,
          sessions,
          grants,
          openid,
          origin: () => origins.lightning,
        }),
      (req, res) => openid.handle(req, res, new URL(req.url ?? '/', 'http://console.invalid')),
      customerPhoneHandler({ distDir: options.distDir ?? join(ROOT, 'dist') }),
      remoting.lightning,
    ],
    vfExtra: [remoting.vf],
    ...(strict ? { tls: options.tls ?? devCertificate() } : {}),
    sipWebSocketUrls,
    guard: (req, path, listener) => {
      const refusal =
        listener === 'vf'
          ? checkHost(req, hostNames(origins.vf), ports.vf)
          : checkRequest(req, path, ports.lightning, {
              hostNames: hostNames(origins.lightning),
              sessions,
              origins: [origins.lightning, ...['127.0.0.1', 'localhost', '[::1]'].map((n) => `${strict ? 'https' : 'http'}://${n}:${ports.lightning}`)],
            });
      return refusal ? { status: refusal.status, body: refusalBody(path, refusal) } : undefined;
    },
    pageHeaders: (req, url) => sessionForPage(req, url, { data, sessions }),
  });
  origins = servers.origins;
  ports = { lightning: servers.port, vf: servers.vfPort };
  const apiToken = sessions.create(data.defaultUser().Id, options.apiToken).token;
  const withUser = (base: string, user?: string): string => (user ? `${base}?user=${encodeURIComponent(user)}` : base);
  return {
    lightningOrigin: origins.lightning,
    vfOrigin: origins.vf,
    port: servers.port,
    vfPort: servers.vfPort,
    consoleUrl: (user) => withUser(`${origins.lightning}/lightning/page/home`, user),
    classicUrl: (user) => withUser(`${origins.lightning}/console/classic`, user),
    softphoneUrl: `${origins.vf}/softphone/`,
    apiToken,
    loginUrl: `${origins.lightning}/login`,
    data,
    apex,
    log,
    voiceCalls,
    close: async () => {
      await servers.close();
      closeData();
    },
  };
}
