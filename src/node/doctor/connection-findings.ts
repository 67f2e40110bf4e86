/**
 * What the config's URLs mean in the browser: whether Salesforce can frame the connector page,
 * whether that page gets the microphone, and whether it may open its SIP WebSocket. These findings
 * depend only on schemes, hosts and origins, the usual causes of a blank panel or a phone that
 * never registers; doctor.ts adds the advice on credentials, certificates and Salesforce set-up.
 */
import { isVoice, type CallCenterDefinition } from '../callcenter/definition.ts';
import type { Finding } from './doctor.ts';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

export function hostOf(url: string): { protocol: string; hostname: string; host: string } | undefined {
  try {
    const u = new URL(url);
    return { protocol: u.protocol, hostname: u.hostname, host: u.host };
  } catch {
    return undefined;
  }
}

/** A path on the org's own domain (a Visualforce page the package deploys), not a URL of another host. */
export function isOrgPath(url: string): boolean {
  return url.startsWith('/') && !url.startsWith('//');
}

/** The adapter URL, the microphone, the SIP WebSocket and the CSP it needs, in that order. */
export function connectionFindings(def: CallCenterDefinition): Finding[] {
  const findings: Finding[] = [];
  const add = (f: Finding): void => {
    findings.push(f);
  };
  const voice = isVoice(def);
  const page = voice ? 'connector page' : 'softphone';
  const adapter = def.adapterUrl;
  const adapterHost = hostOf(adapter);
  const relative = isOrgPath(adapter);
  if (voice && relative) {
    add({
      severity: 'warning',
      id: 'voice-connector-visualforce',
      what: `The connector URL ${adapter} is a path: the package hosts the Voice connector in the org, as its Visualforce page SwitchboardVoice.`,
      why: "Salesforce loads it from the ConversationVendorInfo connectorUrl (/apex/<namespace>__SwitchboardVoice); until the package is deployed there is nothing to load and Salesforce's phone never gets a connector.",
      fix: '`switchboard package build` (without --external-url) and `sf project deploy start`: it deploys the page, its static resource, the SwitchboardCredentials class and the CSP Trusted Site together.',
    });
  } else if (voice && adapterHost?.protocol === 'http:') {
    add({
      severity: 'error',
      id: 'voice-connector-url-http',
      what: `The connector URL ${adapter} is plain http.`,
      why: `Salesforce frames the Voice connector from an https page and the Voice base library answers only Salesforce origins over https; an http connector never gets SETUP_CONNECTOR${LOOPBACK.test(adapterHost.hostname) ? ' (in the console emulator too: Voice needs its strict origins, `npm start -- --surface voice`)' : ''}.`,
      fix: `Serve the connector over https (https://${adapterHost.host}/voice/) and update callCenter.adapterUrl.`,
    });
  } else if (relative) {
    add({
      severity: 'warning',
      id: 'adapter-url-relative',
      what: `The adapter URL ${adapter} is a Visualforce page of the org.`,
      why: 'The panel stays blank until that page (and the static resource holding the connector) is deployed; Lightning frames it from the Visualforce domain, so the SIP WebSocket host must be a CSP Trusted Site.',
      fix: '`switchboard package build` then `sf project deploy start` in the generated project: it deploys the page, the static resource and the CSP Trusted Site together.',
    });
  } else if (!adapterHost) {
    add({
      severity: 'error',
      id: 'adapter-url-invalid',
      what: `The adapter URL '${adapter}' is not a URL.`,
      why: 'Salesforce has nothing to load in the softphone panel.',
      fix: 'Use the https URL of the hosted connector or /apex/SwitchboardSoftphone.',
    });
  } else if (adapterHost.protocol === 'http:' && !LOOPBACK.test(adapterHost.hostname)) {
    add({
      severity: 'error',
      id: 'adapter-url-http',
      what: `The adapter URL ${adapter} is plain http.`,
      why: 'Lightning Experience runs on https and will not frame an http softphone (mixed content); Open CTI initialisation fails and the panel stays blank.',
      fix: `Serve the connector over https (https://${adapterHost.host}/…) and update callCenter.adapterUrl.`,
    });
  } else if (adapterHost.protocol === 'http:') {
    add({
      severity: 'warning',
      id: 'adapter-url-loopback',
      what: `The adapter URL ${adapter} is on this machine over http.`,
      why: 'It works in the local console emulator only; a real org cannot reach it and would refuse http.',
      fix: 'Use the https URL of the deployed connector before importing into an org.',
    });
  } else if (adapterHost.protocol === 'https:') {
    if (voice)
      add({
        severity: 'info',
        id: 'voice-connector-url',
        what: `The connector page is ${adapter} (https).`,
        why: 'Salesforce frames it from the ConversationVendorInfo connectorUrl, which `switchboard package build` writes from this URL.',
        fix: 'Keep the ConversationVendorInfo connectorUrl and this URL the same.',
      });
    add({
      severity: 'warning',
      id: 'frame-ancestors',
      what: `The connector is hosted outside Salesforce at ${adapterHost.host}.`,
      why: "If that server sends X-Frame-Options or a Content-Security-Policy frame-ancestors that excludes your org's domains, the browser refuses to frame it and the panel is blank.",
      fix: 'Allow framing by https://*.lightning.force.com https://*.my.salesforce.com https://*.vf.force.com (frame-ancestors), and send no X-Frame-Options: DENY/SAMEORIGIN.',
    });
  } else {
    add({
      severity: 'error',
      id: 'adapter-url-invalid',
      what: `The adapter URL uses ${adapterHost.protocol}.`,
      why: 'The softphone panel loads a web page.',
      fix: 'Use an https URL or /apex/SwitchboardSoftphone.',
    });
  }

  // The microphone: Salesforce's softphone iframe carries allow="microphone"; the browser still
  // requires a secure context for getUserMedia.
  const insecureOrigin = adapterHost?.protocol === 'http:' && !LOOPBACK.test(adapterHost.hostname);
  add(
    insecureOrigin
      ? {
          severity: 'error',
          id: 'microphone',
          what: `The ${page} origin is not secure, so the browser will not give it the microphone.`,
          why: 'getUserMedia exists only in secure contexts (https, or http on localhost); Salesforce\'s iframe allow="microphone" cannot override that.',
          fix: 'Host the connector on https.',
        }
      : {
          severity: 'info',
          id: 'microphone',
          what: `The ${page} origin can be granted the microphone.`,
          why: 'Salesforce frames the softphone with allow="microphone" and the origin is https (or loopback). If the org sends the Permissions-Policy header with microphone access for Trusted URLs only, an external softphone origin also needs a Trusted URL with microphone access.',
          fix: 'Agents must allow the microphone the first time (reset a refusal from the padlock in the address bar). For an external host, deploy the SwitchboardSoftphoneHost Trusted URL from `switchboard package build --external-url` (canAccessMicrophone).',
        },
  );

  const ws = def.switchboard['sipWebSocketUrl'] ?? '';
  const wsHost = hostOf(ws);
  if (!wsHost || (wsHost.protocol !== 'ws:' && wsHost.protocol !== 'wss:')) {
    add({
      severity: 'error',
      id: 'sip-websocket-url',
      what: `sipWebSocketUrl '${ws}' is not a ws:// or wss:// URL.`,
      why: 'The connector cannot reach the phone system, so it never registers.',
      fix: "Set switchboard.sipWebSocketUrl to the phone system's SIP WebSocket endpoint, e.g. wss://pbx.example.com:8089/ws.",
    });
  } else if (wsHost.protocol === 'ws:' && !LOOPBACK.test(wsHost.hostname)) {
    add({
      severity: 'error',
      id: 'sip-websocket-insecure',
      what: `sipWebSocketUrl uses unencrypted ws:// to ${wsHost.host}.`,
      why: 'An https page may not open a ws:// connection to another host (mixed content): registration fails and the phone shows offline.',
      fix: `Enable a TLS WebSocket listener on the phone system and use wss://${wsHost.host}….`,
    });
  } else if (wsHost.protocol === 'ws:') {
    add({
      severity: 'warning',
      id: 'sip-websocket-loopback',
      what: `sipWebSocketUrl is ws:// on this machine (${wsHost.host}).`,
      why: "Fine with the embedded dev SIP server and the console emulator; agents' browsers elsewhere cannot reach it.",
      fix: 'Use the production wss:// endpoint before importing into an org.',
    });
  }
  if (wsHost && (wsHost.protocol === 'ws:' || wsHost.protocol === 'wss:')) {
    const origin = `${wsHost.protocol}//${wsHost.host}`;
    add(
      relative
        ? {
            severity: 'warning',
            id: 'csp-trusted-site',
            what: `The Visualforce-hosted softphone connects to ${origin}.`,
            why: 'Where Salesforce\'s Content Security Policy applies (Lightning contexts, Visualforce pages with cspHeader="true"), WebSocket connections (connect-src) to hosts that are not Trusted URLs are blocked: the socket fails to open and the phone never registers.',
            fix: `Deploy the CSP Trusted Site from \`switchboard package build\` (SwitchboardSipWebSocket, ${origin}, connect-src, context All), or add it in Setup > Trusted URLs.`,
          }
        : {
            severity: 'info',
            id: 'csp-trusted-site',
            what: `The externally hosted softphone connects to ${origin}.`,
            why: "Salesforce's CSP does not apply to a page on your own domain, but that page's own CSP must allow it.",
            fix: `If your server sends a Content-Security-Policy, include ${origin} in connect-src.`,
          },
    );
  }
  return findings;
}
