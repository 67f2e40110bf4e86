/**
 * "Why is the phone blank, why do no calls come": the part of `switchboard doctor` a browser can
 * answer about itself. The facts are gathered where the browser is (the softphone page for the
 * agent, Setup > Switchboard for the admin); this module only judges them, so both front ends give
 * the same verdict, in the same words, for the same facts.
 *
 * Each finding names a check and its outcome; the words (what, why, fix) live in
 * `diagnosis-text.ts` under `diag.<check>.<outcome>.{what,why,fix}`, filled from `params`.
 */
import type { RegistrationState } from '../ports/telephony-port.ts';

export type DiagnosisCheck = 'mixedContent' | 'csp' | 'microphone' | 'webSocket' | 'registration';
export type DiagnosisSeverity = 'ok' | 'warning' | 'error';

/** What the browser's microphone permission is, or why it cannot be had at all. */
export type MicrophoneFact =
  /** Permissions API state. */
  | 'granted'
  | 'prompt'
  | 'denied'
  /** No getUserMedia here (an insecure context, or a frame not allowed the microphone). */
  | 'unavailable';

/** The outcome of opening the SIP WebSocket (`sip` subprotocol) and sending an OPTIONS. */
export type WebSocketProbe =
  | { readonly outcome: 'answered'; readonly status: string; readonly rttMs: number }
  /**
   * The socket never opened (nothing listens, a TLS certificate not trusted, the subprotocol refused,
   * or CSP); `refused` is the browser's own error when it would not even try the URL, `timedOut`
   * when nothing at all came back in time.
   */
  | { readonly outcome: 'unopened'; readonly refused?: string; readonly timedOut?: boolean }
  /** It opened, but no SIP response came (not a SIP-over-WebSocket endpoint, or it closed: `closed`). */
  | { readonly outcome: 'silent'; readonly waitedMs: number; readonly closed?: boolean };

/** A Content-Security-Policy violation the page saw (`securitypolicyviolation` event). */
export interface CspViolation {
  readonly blockedUri: string;
  readonly directive: string;
}

export interface SoftphoneFacts {
  /** The origin of the page the softphone runs in, e.g. `https://acme.lightning.force.com`. */
  readonly pageOrigin: string;
  /** The call center's `sipWebSocketUrl`; undefined when the settings could not be read. */
  readonly sipWebSocketUrl?: string;
  /** Violations seen since the page loaded (including those of the probe's own connection). */
  readonly cspViolations: readonly CspViolation[];
  /** The policies the page can read about itself (its `<meta http-equiv>` policies); a header policy shows only through violations. */
  readonly cspPolicies?: readonly string[];
  readonly microphone: MicrophoneFact;
  /** Absent when there was no valid URL to probe. */
  readonly webSocket?: WebSocketProbe;
  /** The phone's registration; absent where there is no phone (the admin's Setup page). */
  readonly registration?: RegistrationState;
}

export interface DiagnosisFinding {
  readonly check: DiagnosisCheck;
  readonly outcome: string;
  readonly severity: DiagnosisSeverity;
  /** Filled into the texts' `{placeholders}`. */
  readonly params: Readonly<Record<string, string>>;
}

/** The parts of a URL the checks need; undefined when it is not an absolute URL. */
export function urlParts(url: string): { readonly scheme: string; readonly host: string; readonly port: string; readonly path: string } | undefined {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(\[[^\]]+\]|[^/:?#@\s]+)(?::(\d+))?([^?#\s]*)/i.exec(url.trim());
  if (!m) return undefined;
  return { scheme: m[1]!.toLowerCase(), host: m[2]!.toLowerCase(), port: m[3] ?? '', path: m[4] || '/' };
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;
const defaultPort = (scheme: string): string => (scheme === 'https' || scheme === 'wss' ? '443' : scheme === 'http' || scheme === 'ws' ? '80' : '');
const secure = (scheme: string): boolean => scheme === 'https' || scheme === 'wss';

/**
 * Whether a Content-Security-Policy lets the page at `pageOrigin` open a WebSocket to `url`
 * (CSP Level 3 source matching for connect-src, falling back to default-src: ws/wss match sources
 * written for http/https, and `'self'` covers the page's own host and port over ws/wss). A policy
 * with neither directive allows it.
 */
export function cspAllowsConnect(policy: string, url: string, pageOrigin: string): boolean {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), sources.filter(Boolean));
  }
  const sources = directives.get('connect-src') ?? directives.get('default-src');
  if (!sources) return true;
  const target = urlParts(url);
  const page = urlParts(pageOrigin);
  if (!target) return false;
  const targetPort = target.port || defaultPort(target.scheme);
  // A ws/wss URL matches a source written for http/https (CSP3 "scheme-part matching").
  const schemeMatches = (source: string, allowUpgrade: boolean): boolean =>
    source === target.scheme ||
    (source === 'http' && (target.scheme === 'ws' || (allowUpgrade && (target.scheme === 'https' || target.scheme === 'wss')))) ||
    (source === 'https' && target.scheme === 'wss') ||
    (source === 'ws' && allowUpgrade && target.scheme === 'wss');
  for (const raw of sources) {
    const source = raw.toLowerCase();
    if (source === "'none'") continue;
    if (source === "'self'") {
      if (page && page.host === target.host && (page.port || defaultPort(page.scheme)) === targetPort && (secure(target.scheme) || !secure(page.scheme)))
        return true;
      continue;
    }
    if (source === '*') {
      // `*` matches network schemes only (not data:, blob:…).
      if (['http', 'https', 'ws', 'wss'].includes(target.scheme)) return true;
      continue;
    }
    const schemeOnly = /^([a-z][a-z0-9+.-]*):$/.exec(source);
    if (schemeOnly) {
      if (schemeMatches(schemeOnly[1]!, true)) return true;
      continue;
    }
    const m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*|\*\.[^/:]+|[^/:*]+)(?::(\d+|\*))?(\/[^?#]*)?$/.exec(source);
    if (!m) continue;
    const [, scheme, host, port, path] = m;
    if (scheme) {
      if (!schemeMatches(scheme, true)) continue;
    } else if (page && !schemeMatches(page.scheme, true)) continue;
    const hostOk = host === '*' || (host!.startsWith('*.') ? target.host.endsWith(host!.slice(1)) : target.host === host);
    if (!hostOk) continue;
    const wantedPort = port ?? defaultPort(scheme ?? target.scheme);
    const portOk = port === '*' || wantedPort === targetPort || (!port && (scheme === 'http' || scheme === 'ws') && targetPort === '443');
    if (!portOk) continue;
    if (path && path !== '/' && !(path.endsWith('/') ? target.path.startsWith(path) : target.path === path)) continue;
    return true;
  }
  return false;
}

const originOf = (url: string): string => {
  const p = urlParts(url);
  return p ? `${p.scheme}://${p.host}${p.port ? `:${p.port}` : ''}` : url;
};

/** Every check, in the order an agent or admin should fix them (an earlier failure explains later ones). */
export function diagnoseSoftphone(facts: SoftphoneFacts): DiagnosisFinding[] {
  const findings: DiagnosisFinding[] = [];
  const add = (check: DiagnosisCheck, outcome: string, severity: DiagnosisSeverity, params: Record<string, string> = {}): void => {
    findings.push({ check, outcome, severity, params });
  };
  const url = facts.sipWebSocketUrl?.trim() ?? '';
  const target = urlParts(url);
  const page = urlParts(facts.pageOrigin);
  const validUrl = !!target && (target.scheme === 'ws' || target.scheme === 'wss');

  if (!validUrl) {
    add('webSocket', url ? 'invalid-url' : 'no-url', 'error', { url });
  }

  if (validUrl) {
    const insecureSocket = target.scheme === 'ws' && !LOOPBACK.test(target.host);
    if (page && secure(page.scheme) && insecureSocket)
      add('mixedContent', 'blocked', 'error', { url, page: facts.pageOrigin, secureUrl: url.replace(/^ws:/i, 'wss:') });
    else add('mixedContent', 'ok', 'ok', { url, page: facts.pageOrigin });

    const wsOrigin = originOf(url);
    const violated = facts.cspViolations.some(
      (v) => /connect-src|default-src/i.test(v.directive) && (v.blockedUri === url || originOf(v.blockedUri) === wsOrigin || v.blockedUri === target.scheme),
    );
    const refusedBy = (facts.cspPolicies ?? []).find((p) => !cspAllowsConnect(p, url, facts.pageOrigin));
    if (violated || refusedBy !== undefined) add('csp', 'blocked', 'error', { url, origin: wsOrigin });
    else add('csp', 'ok', 'ok', { url, origin: wsOrigin });
  }

  switch (facts.microphone) {
    case 'granted':
      add('microphone', 'granted', 'ok');
      break;
    case 'prompt':
      add('microphone', 'prompt', 'warning');
      break;
    case 'denied':
      add('microphone', 'denied', 'error');
      break;
    case 'unavailable':
      add('microphone', 'unavailable', 'error', { page: facts.pageOrigin });
      break;
  }

  const ws = facts.webSocket;
  if (validUrl && ws) {
    if (ws.outcome === 'answered') add('webSocket', 'answered', 'ok', { url, status: ws.status, ms: String(ws.rttMs) });
    else if (ws.outcome === 'silent') add('webSocket', 'silent', 'error', { url, seconds: String(Math.round(ws.waitedMs / 1000)) });
    else add('webSocket', secure(target.scheme) ? 'unopened-tls' : 'unopened', 'error', { url, httpsUrl: url.replace(/^wss:/i, 'https:') });
  }

  const reg = facts.registration;
  if (reg) {
    switch (reg.state) {
      case 'registered':
        add('registration', 'registered', 'ok');
        break;
      case 'connecting':
        add('registration', 'connecting', 'warning');
        break;
      case 'reconnecting':
        add('registration', 'reconnecting', 'warning', { reason: reg.reason, attempt: String(reg.attempt) });
        break;
      case 'failed':
        add('registration', 'failed', 'error', { reason: reg.reason });
        break;
      case 'unregistered':
        add('registration', 'unregistered', 'warning');
        break;
    }
  }
  return findings;
}

/** The worst severity of the findings: what a one-line summary says. */
export function overallSeverity(findings: readonly DiagnosisFinding[]): DiagnosisSeverity {
  return findings.some((f) => f.severity === 'error') ? 'error' : findings.some((f) => f.severity === 'warning') ? 'warning' : 'ok';
}

/**
 * A SIP OPTIONS request as a probe sends it over a WebSocket (RFC 7118): any SIP response proves a
 * SIP server answered. `token` makes the branch, tag and Call-ID unique.
 */
export function sipOptionsProbe(domain: string, token: string): string {
  return (
    `OPTIONS sip:${domain} SIP/2.0\r\nVia: SIP/2.0/WSS ${token}.invalid;branch=z9hG4bK${token}\r\nMax-Forwards: 70\r\n` +
    `To: <sip:${domain}>\r\nFrom: <sip:diagnosis@${domain}>;tag=${token}\r\nCall-ID: ${token}-diagnosis\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`
  );
}

/** The status of a SIP response (`200 OK`), or undefined for anything else. */
export function sipResponseStatus(message: string): string | undefined {
  return /^SIP\/2\.0 (\d{3} [^\r\n]*)/.exec(message)?.[1];
}
