/**
 * Which origin the connector may load Open CTI from. The origin comes from our own URL
 * (`sfdcIframeOrigin` / `sfdcIFrameOrigin`), and anyone can link to the hosted page with a URL of
 * their choosing; the library we load runs with the page's full authority (the org's Visualforce
 * origin, its storage, the agent's phone). So the origin MUST be one of Salesforce's own, or one the
 * deployment itself trusts, and MUST be the origin of the page that frames us, before any script
 * is injected.
 *
 * Salesforce origins are https on the default port under the host suffixes below. Bare
 * `.force.com` is deliberately absent: it also serves customers' public Sites, which anyone can
 * publish. Sandbox (`--sandbox.my.salesforce.com`) and Government Cloud hosts end in these
 * suffixes too.
 *
 * Anything else (the console emulator's `http://127.0.0.1:<port>`, a staging proxy) comes in only
 * through the deployment's list of trusted origins, handed in by the composition root; there is no
 * blanket localhost rule here.
 */
import { SwitchboardError } from '../../core/index.ts';

/** Host suffixes Salesforce serves its consoles and Visualforce from; kept in step with the connector page's CSP (src/node/connector-page). */
export const SALESFORCE_HOST_SUFFIXES = ['.lightning.force.com', '.my.salesforce.com', '.vf.force.com', '.visualforce.com', '.salesforce.com'] as const;

/** Where an admin adds an origin the connector should trust besides Salesforce's. */
export const TRUSTED_ORIGINS_HOW_TO =
  'An administrator allows another origin by adding it to the softphone page\'s trusted origins: the <meta name="switchboard-trusted-origins"> tag of its index.html (npm run build -- --trusted-origin <origin>). Salesforce\'s own origins need no entry.';

/** What the browser says about the page that frames us. */
export interface FrameAncestry {
  /** False when the page is the top-level document. */
  readonly framed: boolean;
  /**
   * The framing page's origin when the browser tells it (`location.ancestorOrigins[0]` in Chromium,
   * else the origin of `document.referrer`); undefined when it does not.
   */
  readonly parentOrigin?: string;
}

/** What the composition root hands the bridges to decide where Open CTI may come from. */
export interface OriginTrust {
  /** Origins trusted besides Salesforce's, exact (`http://127.0.0.1:4280`); usually empty. */
  readonly trustedOrigins: readonly string[];
  readonly ancestry: FrameAncestry;
}

/** True for `https://<name><suffix>` on the default port, for one of Salesforce's host suffixes. */
export function isSalesforceOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  // A bare origin only: no path, query, fragment or userinfo can hide the real host.
  if (url.protocol !== 'https:' || url.port !== '' || url.username !== '' || url.password !== '' || url.origin !== origin.toLowerCase().replace(/\/$/, ''))
    return false;
  const host = url.hostname;
  // DNS labels only (URL parsing lets '*' and other odd characters through).
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(host)) return false;
  return SALESFORCE_HOST_SUFFIXES.some((suffix) => host.length > suffix.length && host.endsWith(suffix));
}

/** True when `origin` is Salesforce's or exactly one of `trusted`. */
export function isAllowedLibraryOrigin(origin: string, trusted: readonly string[]): boolean {
  return isSalesforceOrigin(origin) || trusted.includes(origin);
}

/**
 * Parses the deployment's trusted origins (whitespace- or comma-separated bare http(s) origins, as
 * the `switchboard-trusted-origins` meta tag carries them). `where` names the source in errors.
 */
export function parseTrustedOrigins(text: string, where: string): string[] {
  const out: string[] = [];
  for (const token of text.split(/[\s,]+/).filter(Boolean)) {
    let url: URL | undefined;
    try {
      url = new URL(token);
    } catch {
      url = undefined;
    }
    // URL parsing lets '*' through as a host character; a wildcard would trust hosts nobody listed.
    if (
      !url ||
      token.includes('*') ||
      (url.protocol !== 'https:' && url.protocol !== 'http:') ||
      url.username !== '' ||
      url.password !== '' ||
      url.origin !== token.toLowerCase().replace(/\/$/, '')
    ) {
      throw new SwitchboardError(
        'SB30001',
        `${where} lists '${token}', which is not a bare http(s) origin such as https://acme.my.salesforce.com or http://127.0.0.1:4280 (no path, no wildcard).`,
      );
    }
    if (!out.includes(url.origin)) out.push(url.origin);
  }
  return out;
}

/**
 * The origin Open CTI may be loaded from, after the checks: `origin` is Salesforce's or trusted,
 * the page is framed, and the framing page (when the browser tells) is that origin. `param` names
 * the URL parameter in the messages.
 */
export function checkLibraryOrigin(origin: string, param: string, trust: OriginTrust): string {
  if (!isAllowedLibraryOrigin(origin, trust.trustedOrigins)) {
    throw new SwitchboardError(
      'SB30001',
      `The softphone refused to load Open CTI from ${origin} (the '${param}' of its URL): that is not a Salesforce origin (https on ${SALESFORCE_HOST_SUFFIXES.map((s) => `*${s}`).join(', ')}) nor one this deployment trusts, so nothing was loaded from it. If you opened a link, open the softphone from Salesforce instead. ${TRUSTED_ORIGINS_HOW_TO}`,
    );
  }
  if (!trust.ancestry.framed) {
    throw new SwitchboardError(
      'SB30001',
      `The softphone page is not inside a frame, yet its URL names ${param}=${origin}; Salesforce always loads it in the softphone frame. Open the softphone from Salesforce.`,
    );
  }
  const parent = trust.ancestry.parentOrigin;
  if (parent !== undefined && parent !== origin) {
    throw new SwitchboardError(
      'SB30001',
      `The softphone refused to load Open CTI from ${origin} (the '${param}' of its URL): the page framing it is ${parent}, not ${origin}. Open the softphone from Salesforce.`,
    );
  }
  return origin;
}

/** The browser objects `frameAncestry` reads, as narrow types (the real `window` fits). */
export interface AncestryWindow {
  readonly parent: unknown;
  readonly location: { readonly ancestorOrigins?: { readonly length: number; readonly [index: number]: string } };
}

/**
 * What the browser tells about the framing page: `ancestorOrigins` where it exists (Chromium,
 * Safari), else the referrer's origin (the document that loaded the frame) when one was sent.
 * An opaque ancestor (`null`) is reported as such and will not match any origin.
 */
export function frameAncestry(win: AncestryWindow, referrer: string): FrameAncestry {
  const framed = win.parent !== win;
  if (!framed) return { framed };
  const ancestors = win.location.ancestorOrigins;
  if (ancestors && ancestors.length > 0) return { framed, parentOrigin: ancestors[0]! };
  if (!referrer) return { framed };
  try {
    return { framed, parentOrigin: new URL(referrer).origin };
  } catch {
    return { framed };
  }
}
