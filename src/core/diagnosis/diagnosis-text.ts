/**
 * The English words of the browser diagnosis (softphone-diagnosis.ts), one table for both front
 * ends: the panel's English messages include it (and every other locale translates each key), and
 * the console emulator's Setup page shows it as is. `{placeholders}` come from a finding's params.
 */
import type { DiagnosisFinding } from './softphone-diagnosis.ts';

export const DIAGNOSIS_TEXT_EN = {
  'diag.mixedContent.ok.what': 'The SIP WebSocket URL can be opened from this page.',
  'diag.mixedContent.ok.why': 'The page and the connection to the phone system are both encrypted, or the phone system is on this computer.',
  'diag.mixedContent.blocked.what': 'The SIP WebSocket URL {url} is not encrypted (ws://), and this page is https.',
  'diag.mixedContent.blocked.why': 'Browsers block unencrypted connections from an https page (mixed content): the phone never connects and shows offline.',
  'diag.mixedContent.blocked.fix': "Ask your admin to enable a TLS WebSocket on the phone system and set the call center's SIP WebSocket URL to {secureUrl}.",

  'diag.csp.ok.what': "The page's security policy lets it connect to {origin}.",
  'diag.csp.ok.why': 'No Content-Security-Policy of this page blocked the connection.',
  'diag.csp.blocked.what': "The page's Content-Security-Policy blocks connections to {origin}.",
  'diag.csp.blocked.why': 'The browser refuses to open the SIP WebSocket (connect-src), so the phone never connects.',
  'diag.csp.blocked.fix':
    'Ask your admin to add {origin} as a CSP Trusted Site (connect-src) in Setup > Trusted URLs, or to deploy the Switchboard package, which adds it.',

  'diag.microphone.granted.what': 'The microphone is allowed.',
  'diag.microphone.granted.why': 'Calls can send your voice.',
  'diag.microphone.prompt.what': 'The browser has not been allowed to use the microphone yet.',
  'diag.microphone.prompt.why': 'It will ask at your first call; until you allow it, the caller cannot hear you.',
  'diag.microphone.prompt.fix': 'Allow the microphone when the browser asks.',
  'diag.microphone.denied.what': 'The microphone is blocked for this page.',
  'diag.microphone.denied.why': 'Calls connect, but the caller cannot hear you, and answering may fail.',
  'diag.microphone.denied.fix': 'Click the padlock (or the site settings icon) in the address bar, allow the microphone, and reload the page.',
  'diag.microphone.unavailable.what': 'This page cannot use a microphone at all.',
  'diag.microphone.unavailable.why': 'Browsers give the microphone only to secure pages (https) in frames allowed to use it; {page} is not one.',
  'diag.microphone.unavailable.fix': 'Ask your admin to host the softphone on https and to allow it the microphone (a Trusted URL with microphone access).',

  'diag.webSocket.no-url.what': 'The call center has no SIP WebSocket URL.',
  'diag.webSocket.no-url.why': 'The phone does not know where the phone system is.',
  'diag.webSocket.no-url.fix': 'Ask your admin to set the SIP WebSocket URL in Setup > Switchboard (or in the call center file).',
  'diag.webSocket.invalid-url.what': "The SIP WebSocket URL '{url}' is not a ws:// or wss:// URL.",
  'diag.webSocket.invalid-url.why': 'The phone cannot connect to the phone system.',
  'diag.webSocket.invalid-url.fix': 'Ask your admin to correct the SIP WebSocket URL in Setup > Switchboard.',
  'diag.webSocket.answered.what': 'The phone system answered at {url} ({status}, {ms} ms).',
  'diag.webSocket.answered.why': 'The WebSocket opened with the sip subprotocol and a SIP OPTIONS got a response.',
  'diag.webSocket.unopened.what': 'No WebSocket connection to {url} could be opened.',
  'diag.webSocket.unopened.why':
    'Nothing answers on that host and port, a firewall or proxy blocks it, or the server refuses the sip subprotocol. The phone stays offline.',
  'diag.webSocket.unopened.fix':
    'Check that the phone system is running and reachable from this network; ask your admin to test the connection in Setup > Switchboard.',
  'diag.webSocket.unopened-tls.what': 'No secure WebSocket connection to {url} could be opened.',
  'diag.webSocket.unopened-tls.why':
    'Nothing answers on that host and port, a firewall blocks it, the server refuses the sip subprotocol, or its TLS certificate is not trusted by this browser. The phone stays offline.',
  'diag.webSocket.unopened-tls.fix':
    'Open {httpsUrl} in a new tab: a certificate warning there is the cause. Otherwise check that the phone system is running and reachable from this network.',
  'diag.webSocket.silent.what': 'The WebSocket to {url} opened, but no SIP server answered within {seconds} s.',
  'diag.webSocket.silent.why': 'The URL reaches a web server that is not a SIP-over-WebSocket endpoint (RFC 7118), or a proxy drops the messages.',
  'diag.webSocket.silent.fix': "Ask your admin to check the SIP WebSocket URL (host, port and path of the phone system's WebSocket listener).",

  'diag.registration.registered.what': 'The phone is registered with the phone system.',
  'diag.registration.registered.why': 'Calls to your extension ring here.',
  'diag.registration.connecting.what': 'The phone is still connecting.',
  'diag.registration.connecting.why': 'Calls cannot ring here until it is registered.',
  'diag.registration.connecting.fix': 'Wait a few seconds and run the diagnosis again.',
  'diag.registration.reconnecting.what': 'The phone lost its connection and is reconnecting (attempt {attempt}).',
  'diag.registration.reconnecting.why': 'Calls cannot ring here meanwhile. Last error: {reason}',
  'diag.registration.reconnecting.fix': 'If it keeps failing, check the findings above and your network.',
  'diag.registration.failed.what': 'The phone could not register: {reason}',
  'diag.registration.failed.why': 'Calls to your extension do not ring here.',
  'diag.registration.failed.fix': 'Sign in again from the Phone tab; if it fails again, ask your admin to check your extension and credentials.',
  'diag.registration.unregistered.what': 'The phone is not signed in.',
  'diag.registration.unregistered.why': 'Calls to your extension do not ring here.',
  'diag.registration.unregistered.fix': 'Sign in from the Phone tab.',
} as const;

export type DiagnosisTextKey = keyof typeof DIAGNOSIS_TEXT_EN;

/** `template` with `{name}` filled from `params`; an unknown placeholder stays visible. */
export function fillText(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? params[name]! : whole));
}

/** The text keys of a finding: what and why always, the fix for a finding that needs one. */
export function findingKeys(f: DiagnosisFinding): { readonly what: DiagnosisTextKey; readonly why: DiagnosisTextKey; readonly fix?: DiagnosisTextKey } {
  const key = (part: string): DiagnosisTextKey => {
    const k = `diag.${f.check}.${f.outcome}.${part}`;
    // Every outcome diagnoseSoftphone makes has its texts (the unit test walks them all).
    if (!(k in DIAGNOSIS_TEXT_EN)) throw new Error(`diagnosis: no text ${k}`);
    return k as DiagnosisTextKey;
  };
  return { what: key('what'), why: key('why'), ...(f.severity === 'ok' ? {} : { fix: key('fix') }) };
}

/** A finding in English, as the Setup page shows it. */
export function findingTextEn(f: DiagnosisFinding): { readonly what: string; readonly why: string; readonly fix?: string } {
  const keys = findingKeys(f);
  return {
    what: fillText(DIAGNOSIS_TEXT_EN[keys.what], f.params),
    why: fillText(DIAGNOSIS_TEXT_EN[keys.why], f.params),
    ...(keys.fix ? { fix: fillText(DIAGNOSIS_TEXT_EN[keys.fix], f.params) } : {}),
  };
}
