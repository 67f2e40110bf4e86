/** The adapter and standby URLs: where Salesforce can load the softphone page from. */
import type { LintProfile } from './lint-profile.ts';
import type { Reporter } from './lint-reporter.ts';
import type { Position } from './position.ts';

export const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

export function checkUrl(item: 'reqAdapterUrl' | 'reqStandbyUrl', value: string, at: Position, r: Reporter, profile: LintProfile): void {
  if (value.startsWith('/') && !value.startsWith('//')) {
    // How Switchboard's own page must be deployed; another vendor's Visualforce page is its business.
    if (profile === 'switchboard')
      r.report(
        'adapter-url-relative',
        at,
        `${item} '${value}' is a relative Visualforce URL: it works only once that page is deployed in the org, and Lightning then frames it from the Visualforce domain, so the connector's SIP WebSocket host needs a CSP Trusted Site and its assets must come from the page's static resource.`,
        'Deploy the page with `switchboard package build` (it adds the page, static resource and CSP Trusted Sites), or use the absolute https URL of the hosted connector.',
      );
    return;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    r.report(
      'adapter-url-invalid',
      at,
      `${item} '${value}' is neither an absolute URL nor a path starting with /.`,
      'Write https://softphone.example.com/ or /apex/PageName.',
    );
    return;
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:') {
    if (LOOPBACK_HOST.test(url.hostname))
      r.report(
        'adapter-url-localhost',
        at,
        `${item} '${value}' is plain http on this machine: fine for the local console emulator, refused by a real org's Lightning Experience.`,
        'Use the https URL of the deployed connector before importing into an org.',
      );
    else
      r.report(
        'adapter-url-not-https',
        at,
        `${item} '${value}' uses http: Lightning Experience refuses to load the softphone (and browsers block the microphone) on a non-https origin.`,
        `Use https://${url.host}${url.pathname}${url.search} (with a valid certificate).`,
      );
    return;
  }
  r.report('adapter-url-invalid', at, `${item} '${value}' uses ${url.protocol}; the softphone is a web page.`, 'Use an https URL or a /apex/PageName path.');
}
