/**
 * Loading Open CTI: the library is never bundled; it is loaded from the Salesforce origin named in
 * our own URL (`sfdcIframeOrigin` for Lightning, `sfdcIFrameOrigin` for Classic), by injecting a
 * script tag and awaiting its `load` event. The library initialises
 * as it runs and throws "Failed to initialize Open CTI…" when the frame or its URL is wrong; a
 * script from another origin reports that only as a window `error` event (often just
 * "Script error."), so we watch window errors while the script runs.
 */
import { SwitchboardError, type Clock } from '../../core/index.ts';
import type { DocumentLike, ErrorEventLike, WindowLike } from './environment.ts';
import { checkLibraryOrigin, type OriginTrust } from './trusted-origins.ts';

/** The Open CTI version we load (≥47 for Lightning Message Service, ≥46 for hvs). */
export const OPEN_CTI_API_VERSION = 62;

export const LIGHTNING_LIBRARY_PATH = `/support/api/${OPEN_CTI_API_VERSION}.0/lightning/opencti_min.js`;
export const CLASSIC_LIBRARY_PATH = `/support/api/${OPEN_CTI_API_VERSION}.0/interaction.js`;

/** Checks a URL parameter holds a bare http(s) origin (`https://acme.my.salesforce.com`). */
export function readOrigin(search: string, param: string): string {
  const value = new URLSearchParams(search).get(param);
  if (!value) {
    throw new SwitchboardError(
      'SB30001',
      `The softphone URL has no '${param}' parameter: Salesforce adds it when it loads the softphone as the Call Center's adapter URL. Open the softphone from Salesforce, not directly.`,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SwitchboardError('SB30001', `'${param}' is not a URL: '${value}'.`);
  }
  // Host names are case-insensitive: `https://ACME.my.salesforce.com` is the same origin, kept lower-case.
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== value.toLowerCase().replace(/\/$/, '')) {
    throw new SwitchboardError('SB30001', `'${param}' must be an http(s) origin such as https://acme.my.salesforce.com, got '${value}'.`);
  }
  return url.origin;
}

/**
 * The origin named by `param` in `search`, once it is a bare origin (readOrigin) that the connector
 * may load Open CTI from (checkLibraryOrigin). Throws SB30001 naming the origin otherwise; callers
 * MUST call this before injecting any script.
 */
export function readLibraryOrigin(search: string, param: string, trust: OriginTrust): string {
  return checkLibraryOrigin(readOrigin(search, param), param, trust);
}

export interface LoadScriptOptions {
  readonly window: WindowLike;
  readonly document: DocumentLike;
  readonly clock: Clock;
  readonly src: string;
  /** True once the library object is usable. */
  readonly ready: () => boolean;
  readonly timeoutMs?: number;
  /** For messages: "Open CTI for Lightning". */
  readonly what: string;
}

export function loadLibrary(options: LoadScriptOptions): Promise<void> {
  const { window: win, document: doc, clock, src, what } = options;
  const timeoutMs = options.timeoutMs ?? 15_000;
  return new Promise<void>((resolve, reject) => {
    const errors: string[] = [];
    const onError = (event: ErrorEventLike): void => {
      // Errors of other scripts may happen meanwhile; keep those of ours or anonymous cross-origin ones.
      if (event.filename && event.filename !== src) return;
      const thrown = typeof event.error === 'string' ? event.error : event.error instanceof Error ? event.error.message : undefined;
      errors.push(thrown ?? event.message ?? 'Script error.');
    };
    let cancelTimer = (): void => {};
    const finish = (error?: SwitchboardError): void => {
      cancelTimer();
      win.removeEventListener('error', onError);
      if (error) reject(error);
      else resolve();
    };
    win.addEventListener('error', onError);
    const script = doc.createElement('script');
    script.async = true;
    script.onload = () => {
      if (errors.length)
        finish(
          new SwitchboardError(
            'SB30001',
            `${what} (${src}) failed to initialise: ${errors.join('; ')}. Check that the softphone is the Call Center's adapter URL, in the Salesforce softphone frame, over the same protocol as Salesforce.`,
          ),
        );
      else if (!options.ready()) finish(new SwitchboardError('SB30001', `${src} loaded but did not create ${what}; is this the Open CTI library?`));
      else finish();
    };
    script.onerror = () => finish(new SwitchboardError('SB30001', `${what} could not be loaded from ${src} (network error, wrong origin, or blocked by CSP).`));
    cancelTimer = clock.setTimeout(() => finish(new SwitchboardError('SB30001', `${what} did not load from ${src} within ${timeoutMs} ms.`)), timeoutMs);
    script.src = src;
    const parent = doc.head;
    if (!parent) {
      finish(new SwitchboardError('SB30001', 'The page has no <head> to load Open CTI into.'));
      return;
    }
    parent.appendChild(script);
  });
}
