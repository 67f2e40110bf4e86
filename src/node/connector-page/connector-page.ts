/**
 * The deployment's configuration of the connector page (dist/app/softphone/index.html), written
 * into the page by whoever deploys it: `npm run build` (scripts/build.ts), the console emulator
 * when it serves /softphone/, and the package builder's Visualforce page.
 *
 * - `<meta name="switchboard-trusted-origins" content="…">`: origins the connector may load Open CTI
 *   from besides Salesforce's (src/crm/shared/trusted-origins.ts reads it). Empty by default.
 * - its Content-Security-Policy (`connectorCsp`): scripts from the page itself and Salesforce's
 *   origins (+ the trusted ones), connections to the page itself and the SIP WebSocket, nothing else.
 */

/**
 * Salesforce's host suffixes, as CSP sources. MUST stay the list of
 * src/crm/shared/trusted-origins.ts (test/security/connector-page.test.ts compares them); the tools
 * may not import the browser layers, hence the copy.
 */
export const SALESFORCE_HOST_SUFFIXES = ['.lightning.force.com', '.my.salesforce.com', '.vf.force.com', '.visualforce.com', '.salesforce.com'] as const;
export const SALESFORCE_CSP_SOURCES: readonly string[] = SALESFORCE_HOST_SUFFIXES.map((suffix) => `https://*${suffix}`);

export const TRUSTED_ORIGINS_META = 'switchboard-trusted-origins';

export interface ConnectorPageConfig {
  /** Origins trusted besides Salesforce's, bare (`http://127.0.0.1:4280`). */
  readonly trustedOrigins: readonly string[];
  /**
   * The SIP WebSocket URLs the connector connects to (`wss://pbx.example.com:8089/ws`); only their
   * origin counts. Undefined when the deployment does not know them: any `wss:` is then allowed.
   */
  readonly sipWebSocketUrls?: readonly string[];
}

export class ConnectorPageError extends Error {
  override readonly name = 'ConnectorPageError';
}

/** Checks a trusted origin is a bare http(s) origin and returns it normalised; `where` names its source. */
export function checkTrustedOrigin(value: string, where: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (
    !url ||
    value.includes('*') ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.origin !== value.toLowerCase().replace(/\/$/, '')
  ) {
    throw new ConnectorPageError(
      `${where}: '${value}' is not a bare http(s) origin such as https://softphone.example.com or http://127.0.0.1:4280 (no path, no wildcard).`,
    );
  }
  return url.origin;
}

/** `wss://pbx.example.com:8089` for a ws(s) URL; undefined for anything else. */
export function webSocketSource(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'wss:' || u.protocol === 'ws:' ? `${u.protocol}//${u.host}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The page's Content-Security-Policy. Lit styles through constructable stylesheets and the page's
 * CSS is a file, so no inline style or script is allowed; media plays from MediaStreams (srcObject,
 * which CSP does not govern); the tab channel and IndexedDB are not fetches. Frames are allowed
 * from where scripts are, in case Salesforce's library frames a page of its own.
 */
export function connectorCsp(config: ConnectorPageConfig): string {
  const trusted = config.trustedOrigins.map((o) => checkTrustedOrigin(o, 'trusted origins'));
  const scripts = unique(["'self'", ...SALESFORCE_CSP_SOURCES, ...trusted]);
  const sip = config.sipWebSocketUrls === undefined ? ['wss:'] : config.sipWebSocketUrls.map(webSocketSource).filter((s): s is string => s !== undefined);
  return [
    "default-src 'none'",
    `script-src ${scripts.join(' ')}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${unique(["'self'", ...sip]).join(' ')}`,
    "media-src 'self' blob: mediastream:",
    `frame-src ${scripts.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * `html` with the deployment's trusted origins in its meta tag and, when `csp` is given, that policy
 * in a `<meta http-equiv="Content-Security-Policy">` placed before any script; `csp: undefined`
 * removes such a meta tag (for a server that sends the policy as a header instead: two policies
 * would both apply).
 */
export function configureConnectorPage(html: string, options: { readonly trustedOrigins: readonly string[]; readonly csp: string | undefined }): string {
  let out = html
    .replace(/[ \t]*<meta\s+http-equiv=["']Content-Security-Policy["'][^>]*>\r?\n?/gi, '')
    .replace(/[ \t]*<meta\s+name=["']switchboard-trusted-origins["'][^>]*>\r?\n?/gi, '');
  const tags = connectorPageMetaTags(options);
  const head = /<head[^>]*>/i.exec(out);
  if (!head) throw new ConnectorPageError('The connector page has no <head>: is it dist/app/softphone/index.html?');
  const at = head.index + head[0].length;
  // Right after <head> (and its charset declaration, which must come first): before any script.
  const charset = /^\s*<meta\s+charset=[^>]*>/i.exec(out.slice(at));
  const insertAt = at + (charset ? charset[0].length : 0);
  out = `${out.slice(0, insertAt)}\n  ${tags.join('\n  ')}${out.slice(insertAt)}`;
  return out;
}

/** The page's configuration as meta tags (XHTML-style, so a Visualforce page can carry them too); the policy first. */
export function connectorPageMetaTags(options: { readonly trustedOrigins: readonly string[]; readonly csp: string | undefined }): string[] {
  const trusted = options.trustedOrigins.map((o) => checkTrustedOrigin(o, 'trusted origins')).join(' ');
  return [
    ...(options.csp !== undefined ? [`<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(options.csp)}" />`] : []),
    `<meta name="${TRUSTED_ORIGINS_META}" content="${escapeAttribute(trusted)}" />`,
  ];
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
