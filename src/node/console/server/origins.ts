/**
 * The emulator's two origins, like an org's: the Lightning origin (console pages, REST, the
 * console's JSON API) and the Visualforce origin (`/apex/*` pages and the connector at `/softphone/`).
 *
 * - strict mode: Salesforce-shaped host names over HTTPS, `https://<org>.lightning.force.com:<port>`
 *   and `https://<org>--c.vf.force.com:<vfPort>` (HTTPS because force.com is HSTS-preloaded in
 *   browsers). The served Open CTI library applies Salesforce's own origin rule, so the browser
 *   must map those names to 127.0.0.1 and accept the throwaway certificate: Chromium with
 *   STRICT_CHROMIUM_ARGS (tests do).
 * - local mode (default for `npm start`): `http://127.0.0.1:<port>` and `http://127.0.0.1:<vfPort>`,
 *   and the library also trusts 127.0.0.1/localhost origins; it still checks that replies come from
 *   sfdcIframeOrigin and that the page's protocol matches. Two ports of one host are two origins
 *   but one site, as `<org>.lightning.force.com` and `<org>--c.vf.force.com` are for browsers: so the
 *   softphone frame keeps its storage (IndexedDB, Web Locks), which browsers that block
 *   third-party storage deny to a cross-site frame such as localhost inside 127.0.0.1.
 */
export interface ConsoleOrigins {
  readonly lightning: string;
  readonly vf: string;
}

export const DEFAULT_ORG = 'switchboard-dev';

export function consoleOrigins(strict: boolean, port: number, vfPort: number, org = DEFAULT_ORG): ConsoleOrigins {
  return strict
    ? { lightning: `https://${org}.lightning.force.com:${port}`, vf: `https://${org}--c.vf.force.com:${vfPort}` }
    : { lightning: `http://127.0.0.1:${port}`, vf: `http://127.0.0.1:${vfPort}` };
}

/** Chromium flag that makes strict-mode host names reach this machine. */
export const HOST_RESOLVER_RULES = '--host-resolver-rules=MAP *.force.com 127.0.0.1, MAP *.salesforce.com 127.0.0.1';
/** Chromium flags for strict mode: the host mapping and acceptance of the emulator's self-signed certificate. */
export const STRICT_CHROMIUM_ARGS: readonly string[] = [HOST_RESOLVER_RULES, '--ignore-certificate-errors'];
