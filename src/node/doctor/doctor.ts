/**
 * `switchboard doctor`: explains the usual reasons a softphone stays blank (or silent), from the
 * config file and, optionally, a running console emulator. Each finding says what, why and how to
 * fix it. Config checks are pure; the console checks only read the emulator's JSON endpoints and
 * turn every failure to reach it into a finding, never an exception.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SWITCHBOARD_ITEMS } from '../../core/index.ts';
import { isVoice, type CallCenterDefinition } from '../callcenter/definition.ts';
import { certificateCommand, checkCertificate, EXPIRY_WARNING_DAYS } from '../callcenter/certificate-check.ts';
import { connectionFindings, hostOf, isOrgPath } from './connection-findings.ts';

export type FindingSeverity = 'error' | 'warning' | 'info';

export interface Finding {
  readonly severity: FindingSeverity;
  /** Stable id, e.g. `compatibility-mode`. */
  readonly id: string;
  readonly what: string;
  readonly why: string;
  readonly fix: string;
}

/**
 * Findings that follow from the config alone. A Salesforce Voice contact center gets Voice advice
 * (its certificate, the https connector page, the Salesforce-side set-up of Voice) instead of the
 * Open CTI panel's (compatibility mode, utility item); the phone-system checks are shared.
 */
export function diagnoseConfig(def: CallCenterDefinition, options: { readonly now?: Date } = {}): Finding[] {
  const findings: Finding[] = [];
  const add = (f: Finding): void => {
    findings.push(f);
  };
  const voice = isVoice(def);
  if (voice) {
    findings.push(...voiceCertificateFindings(def.voice.certificate, def.voice.certificateFile, options.now ?? new Date()));
  } else if (def.compatibilityMode === 'Classic') {
    add({
      severity: 'error',
      id: 'compatibility-mode',
      what: 'reqSalesforceCompatibilityMode is Classic.',
      why: 'Salesforce shows a Classic-mode call center only in Salesforce Classic; the Lightning utility bar stays empty.',
      fix: 'Set callCenter.compatibilityMode to Lightning (or Classic_and_Lightning), rebuild and re-import the call center.',
    });
  } else {
    add({
      severity: 'info',
      id: 'compatibility-mode',
      what: `reqSalesforceCompatibilityMode is ${def.compatibilityMode}.`,
      why: 'The phone can appear in Lightning Experience.',
      fix: 'Nothing to do; the Lightning app still needs an Open CTI Softphone utility item.',
    });
  }

  findings.push(...connectionFindings(def));
  const relative = isOrgPath(def.adapterUrl);

  const demo = (def.switchboard['demoCallCenter'] ?? '').trim().toLowerCase() === 'true';
  const ephemeral = (def.switchboard['credentialScheme'] ?? '').trim() === 'ephemeral';
  if ((def.switchboard['sipPassword'] ?? '').trim() !== '') {
    add(
      demo
        ? {
            severity: 'warning',
            id: 'secret-in-call-center',
            what: 'sipPassword is set in a call center marked demoCallCenter.',
            why: 'Every agent assigned to the call center can read it through getCallCenterSettings; acceptable for a demo only.',
            fix: 'Never assign real agents to it; for a real call center set credentialScheme: ephemeral and remove sipPassword.',
          }
        : {
            severity: 'error',
            id: 'secret-in-call-center',
            what: 'sipPassword is set in the call center.',
            why: 'Every agent assigned to the call center can read it through getCallCenterSettings, and it lands in the Call Center files kept in source control.',
            fix: 'Set credentialScheme: ephemeral (Salesforce mints short-lived credentials per agent) or credentialScheme: agent (each agent types their own), and remove sipPassword.',
          },
    );
  }
  if (ephemeral && ['sipUsername', 'sipPassword'].some((name) => (def.switchboard[name] ?? '').trim() !== '')) {
    add({
      severity: 'warning',
      id: 'credentials-ignored',
      what: 'credentialScheme is ephemeral, but sipUsername or sipPassword is set.',
      why: 'The connector signs each agent in with the credentials Salesforce mints and ignores them.',
      fix: 'Remove sipUsername and sipPassword.',
    });
  }
  if (voice && ephemeral && !relative) {
    add({
      severity: 'error',
      id: 'voice-ephemeral-external',
      what: `credentialScheme is ephemeral, but the Voice connector is hosted at ${def.adapterUrl}.`,
      why: "Salesforce Voice has no Open CTI runApex: the connector mints SIP credentials only inside the package's Visualforce page (JavaScript remoting to SwitchboardCredentials). A page on another host cannot, so no agent signs in.",
      fix: 'Let the package host the connector (a relative callCenter.adapterUrl, `switchboard package build` without --external-url), or use credentialScheme: agent.',
    });
  }
  if (ephemeral) {
    add({
      severity: 'info',
      id: 'ephemeral-credentials',
      what: 'Agents get short-lived SIP credentials minted by Salesforce.',
      why: 'The Apex class SwitchboardCredentials signs "<expiry>:<extension>" with the secret the phone system shares (Kamailio auth_ephemeral); nothing breaks until a user has no extension or the secret is missing.',
      fix: "Deploy `switchboard package build`, create the SwitchboardPhoneSecret__mdt record Default with the phone system's secret, set User.SwitchboardExtension__c for each agent, and assign the SwitchboardAgent permission set.",
    });
  }
  let ice: unknown = [];
  try {
    ice = JSON.parse(def.switchboard['sipIceServers'] || '[]');
  } catch {
    /* the config loader already refused invalid JSON */
  }
  if (Array.isArray(ice) && !JSON.stringify(ice).includes('turn')) {
    add({
      severity: 'info',
      id: 'ice-servers',
      what: 'No TURN server is configured.',
      why: 'Calls connect but stay silent when agents sit behind a NAT or firewall that blocks direct media.',
      fix: 'Add a TURN server to switchboard.sipIceServers, e.g. [{"urls":"turns:turn.example.com:5349","username":"…","credential":"…"}].',
    });
  }
  if (voice) {
    add({
      severity: 'info',
      id: 'voice-bridge',
      what: 'The phone system must announce each inbound call to the voice bridge.',
      why: "Salesforce Voice shows a call only with its VoiceCall, which the voice bridge creates through the Telephony Integration API, signing with the key of this certificate; without it the connector rings but Salesforce's phone stays silent.",
      fix: `Run \`switchboard voice-bridge --key voice-bridge-key.pem …\` with the key of ${def.voice.certificateFile}, point the phone system at it (embedded SIP server: --voice-bridge URL; Kamailio: -A WITH_VOICE_BRIDGE), and pass --voice-bridge URL to doctor to check it answers.`,
    });
    add({
      severity: 'info',
      id: 'voice-salesforce-setup',
      what: 'Salesforce-side set-up the config cannot show.',
      why: 'Without the ConversationVendorInfo Salesforce knows no connector; users not in the contact center, without the Contact Center Agent permission set or without a phone presence status get no phone.',
      fix: `Deploy \`switchboard package build\` (the ConversationVendorInfo ${def.voice.vendorInfoApiName}), import the contact center, add its users (Setup > Contact Centers > Manage Contact Center Users), and give them Omni-Channel presence statuses with the phone channel.`,
    });
    return findings;
  }
  add({
    severity: 'info',
    id: 'users-and-utility-item',
    what: 'Salesforce-side set-up the config cannot show.',
    why: 'Users not assigned to the call center get no softphone at all; a Lightning app without an Open CTI Softphone utility item has nowhere to show it; new Agentforce Service orgs cannot use Open CTI.',
    fix: 'Setup > Call Centers > (your call center) > Manage Call Center Users; App Manager > (your console app) > Utility Items > Add Open CTI Softphone. Run doctor with --console against the emulator to check assignments and the softphone layout.',
  });
  return findings;
}

interface ConsoleUser {
  readonly Id: string;
  readonly Username: string;
  readonly CallCenterId: string | null;
}
interface ConsoleCallCenter {
  readonly Id: string;
  readonly InternalName: string;
  readonly AdapterUrl: string | null;
}

export interface ConsoleCheckOptions {
  readonly token?: string;
  readonly timeoutMs?: number;
}

/** The Telephony Integration Certificate: Salesforce refuses the bridge's JWTs once it has expired. */
function voiceCertificateFindings(certificate: string, file: string, now: Date): Finding[] {
  const verdict = checkCertificate(certificate, `the certificate ${file}`, now);
  const remake = `Make a new key pair (${certificateCommand(file)}), put the certificate in the contact center (rebuild and re-import it) and the key on the voice bridge.`;
  if (!verdict.ok) {
    return [
      {
        severity: 'error',
        id: 'voice-certificate',
        what: verdict.message,
        why: "Salesforce verifies the voice bridge's JWTs with this certificate; without a valid one no VoiceCall is created and calls never reach Salesforce's phone.",
        fix: remake,
      },
    ];
  }
  const when = verdict.notAfter.toISOString().slice(0, 10);
  if (verdict.daysLeft < EXPIRY_WARNING_DAYS) {
    return [
      {
        severity: 'warning',
        id: 'voice-certificate-expiring',
        what: `The certificate ${file} expires on ${when} (in ${verdict.daysLeft} day(s)).`,
        why: "From then on Salesforce refuses the voice bridge's JWTs and no VoiceCall is created.",
        fix: `Before then: ${remake}`,
      },
    ];
  }
  return [
    {
      severity: 'info',
      id: 'voice-certificate',
      what: `The certificate ${file} is valid until ${when}.`,
      why: "Salesforce verifies the voice bridge's JWTs with it; the bridge must sign with its private key.",
      fix: "Nothing to do now; keep the key only on the voice bridge's host.",
    },
  ];
}

export interface VoiceBridgeCheckOptions {
  /** The bridge's token (`Authorization: Bearer`), when it has one. */
  readonly token?: string;
  readonly timeoutMs?: number;
}

/**
 * Findings from a running voice bridge (`--voice-bridge http://127.0.0.1:8787`): it answers
 * /healthz, and it takes the token (or needs none). The token is checked with a request the
 * bridge refuses for its empty body, so no VoiceCall is made.
 */
export async function diagnoseVoiceBridge(url: string, options: VoiceBridgeCheckOptions = {}): Promise<Finding[]> {
  const target = hostOf(url);
  if (!target || (target.protocol !== 'http:' && target.protocol !== 'https:')) {
    return [
      {
        severity: 'error',
        id: 'voice-bridge-url',
        what: `The voice bridge URL '${url}' is not an http(s) URL.`,
        why: 'Doctor cannot reach the bridge, and neither could a phone system given it.',
        fix: 'Pass the URL the bridge prints, e.g. http://127.0.0.1:8787.',
      },
    ];
  }
  const base = url.replace(/\/+$/, '');
  const timeout = options.timeoutMs ?? 3000;
  try {
    const health = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(timeout) });
    if (health.status !== 200) {
      return [
        {
          severity: 'error',
          id: 'voice-bridge-unhealthy',
          what: `${base}/healthz answered HTTP ${health.status}.`,
          why: 'Something other than a voice bridge answers there, or it is failing: inbound calls get no VoiceCall.',
          fix: "Check the URL and the bridge's log (JSON lines on its stderr).",
        },
      ];
    }
    const probe = await fetch(`${base}/v1/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
      body: '{}',
      signal: AbortSignal.timeout(timeout),
    });
    if (probe.status === 401) {
      return [
        options.token
          ? {
              severity: 'error',
              id: 'voice-bridge-token',
              what: `The voice bridge at ${base} refuses the token given.`,
              why: "The phone system's requests with that token are refused too: inbound calls get no VoiceCall.",
              fix: 'Give the phone system (and doctor) the token the bridge was started with (SWITCHBOARD_VOICE_BRIDGE_TOKEN).',
            }
          : {
              severity: 'warning',
              id: 'voice-bridge-token',
              what: `The voice bridge at ${base} wants a token.`,
              why: 'Good for a bridge others can reach; the phone system must then send Authorization: Bearer <token>.',
              fix: 'Set SWITCHBOARD_VOICE_BRIDGE_TOKEN for doctor to check the token, and give the phone system the same one.',
            },
      ];
    }
    if (probe.status !== 400) {
      return [
        {
          severity: 'warning',
          id: 'voice-bridge-unexpected',
          what: `The voice bridge at ${base} answered an empty POST /v1/calls with HTTP ${probe.status} (a bridge answers 400).`,
          why: 'It may not be a Switchboard voice bridge, or a proxy in front of it changes the answers.',
          fix: 'Point doctor and the phone system at the bridge itself.',
        },
      ];
    }
    return [
      {
        severity: 'info',
        id: 'voice-bridge-reachable',
        what: `The voice bridge at ${base} answers${options.token ? ' and takes the token' : ''}.`,
        why: "The phone system can ask it for each inbound call's VoiceCall.",
        fix: 'Nothing to do; whether Salesforce accepts its JWTs shows in its log (Salesforce answered / request failed).',
      },
    ];
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const detail =
      (e as Error).name === 'TimeoutError' ? `no answer within ${timeout} ms` : (cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e)));
    return [
      {
        severity: 'error',
        id: 'voice-bridge-unreachable',
        what: `The voice bridge at ${base} could not be reached (${detail}).`,
        why: "The phone system cannot get VoiceCalls from it either: calls ring in the connector but never in Salesforce's phone.",
        fix: 'Start it (`switchboard voice-bridge …`, or `npm start -- --surface voice` for the demo) and check the host and port.',
      },
    ];
  }
}

/** Findings from a running console emulator (`--console http://127.0.0.1:PORT`). */
export async function diagnoseConsole(def: CallCenterDefinition, consoleUrl: string, options: ConsoleCheckOptions = {}): Promise<Finding[]> {
  const findings: Finding[] = [];
  const base = consoleUrl.replace(/\/+$/, '');
  const get = async (path: string): Promise<unknown> => {
    const res = await fetch(`${base}${path}`, {
      headers: { accept: 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
      signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
    });
    if (!res.ok) throw new Error(`${path} answered HTTP ${res.status}`);
    return res.json();
  };
  let setup: { callCenters?: ConsoleCallCenter[]; users?: ConsoleUser[] };
  try {
    setup = (await get('/emulator/api/console/setup/call-centers')) as typeof setup;
  } catch (e) {
    findings.push({
      severity: 'warning',
      id: 'console-unreachable',
      what: `The console emulator at ${base} could not be read.`,
      why: e instanceof Error ? e.message : String(e),
      fix: 'Start it with `npm start` and pass the URL it prints, or leave out --console.',
    });
    return findings;
  }
  const callCenter = (setup.callCenters ?? []).find((c) => c.InternalName === def.internalName);
  if (!callCenter) {
    findings.push({
      severity: 'error',
      id: 'call-center-not-imported',
      what: `The console has no call center named ${def.internalName}.`,
      why: 'Without it Open CTI has no adapter URL and the panel stays empty.',
      fix: "Import the file from `switchboard callcenter build` in the console's Setup > Call Centers > Import.",
    });
    return findings;
  }
  if ((callCenter.AdapterUrl ?? '') !== def.adapterUrl) {
    findings.push({
      severity: 'warning',
      id: 'call-center-outdated',
      what: `The console's ${def.internalName} loads ${callCenter.AdapterUrl ?? '(nothing)'}, the config says ${def.adapterUrl}.`,
      why: 'The imported call center is older than the config.',
      fix: 'Rebuild and re-import the call center.',
    });
  }
  const assigned = (setup.users ?? []).filter((u) => u.CallCenterId === callCenter.Id);
  if (assigned.length === 0) {
    findings.push({
      severity: 'error',
      id: 'users-not-assigned',
      what: `No user is assigned to ${def.internalName}.`,
      why: 'Salesforce shows the softphone only to users of a call center; everyone else sees an empty utility item.',
      fix: 'Assign agents in Setup > Call Centers > Manage Call Center Users.',
    });
    return findings;
  }
  findings.push({
    severity: 'info',
    id: 'users-assigned',
    what: `${assigned.length} user(s) assigned to ${def.internalName}: ${assigned.map((u) => u.Username).join(', ')}.`,
    why: 'They get the softphone.',
    fix: 'Nothing to do.',
  });
  try {
    const first = assigned[0] as ConsoleUser;
    const session = (await get(`/emulator/api/console/session?user=${encodeURIComponent(first.Id)}`)) as {
      layout?: Record<string, { objects?: Record<string, unknown[]> }>;
      settings?: Record<string, string> | null;
    };
    const inbound = session.layout?.['Inbound'];
    const fields = Object.values(inbound?.objects ?? {}).reduce((n, list) => n + (Array.isArray(list) ? list.length : 0), 0);
    // Salesforce Voice pops the VoiceCall's record itself: softphone layouts do not apply.
    if (fields === 0 && !isVoice(def)) {
      findings.push({
        severity: 'warning',
        id: 'softphone-layout-empty',
        what: `The softphone layout of ${first.Username} has no display fields for inbound calls.`,
        why: 'searchAndScreenPop then finds nothing to show: calls ring but no record pops.',
        fix: "Setup > Softphone Layouts: add objects (Contact, Account, Case…) and display fields to the Inbound call type, and assign the layout to the agents' profile.",
      });
    }
    const settings = session.settings ?? {};
    if (isVoice(def) && (settings['/reqHvcc/reqTelephonyIntegrationCertificate'] ?? '').trim() !== def.voice.certificate.trim()) {
      findings.push({
        severity: 'warning',
        id: 'voice-certificate-differs',
        what: `The console's ${def.internalName} holds another Telephony Integration Certificate than ${def.voice.certificateFile}.`,
        why: "The emulator verifies the voice bridge's JWTs with the contact center's certificate: a bridge signing with the key of the config's certificate gets 401.",
        fix: 'Rebuild and re-import the contact center.',
      });
    }
    for (const spec of SWITCHBOARD_ITEMS.filter((s) => s.required)) {
      const key = `/switchboard/${spec.name}`;
      if ((settings[key] ?? '') !== (def.switchboard[spec.name] ?? '')) {
        findings.push({
          severity: 'warning',
          id: 'settings-differ',
          what: `The console's ${spec.name} is '${settings[key] ?? ''}', the config says '${def.switchboard[spec.name] ?? ''}'.`,
          why: 'The imported call center does not match the config.',
          fix: 'Rebuild and re-import the call center.',
        });
      }
    }
  } catch (e) {
    findings.push({
      severity: 'warning',
      id: 'console-unreachable',
      what: 'The console session (layout and settings) could not be read.',
      why: e instanceof Error ? e.message : String(e),
      fix: 'Check that the console emulator is running the current version.',
    });
  }
  return findings;
}

/**
 * Findings about a generated Salesforce DX project (`switchboard package build --out dir`): a
 * relative Visualforce adapter URL must name a page the project (or the org) has.
 */
export function diagnosePackage(def: CallCenterDefinition, projectDir: string): Finding[] {
  const base = join(projectDir, 'force-app', 'main', 'default');
  if (!existsSync(join(projectDir, 'sfdx-project.json'))) {
    return [
      {
        severity: 'warning',
        id: 'package-missing',
        what: `There is no Salesforce DX project in ${projectDir}.`,
        why: 'A Visualforce adapter URL needs its page and static resource deployed to the org.',
        fix: 'Run `switchboard package build` and deploy it with `sf project deploy start`.',
      },
    ];
  }
  const page = /^\/apex\/([A-Za-z][A-Za-z0-9_]*)/.exec(def.adapterUrl)?.[1];
  if (!page) return [];
  if (!existsSync(join(base, 'pages', `${page}.page`))) {
    return [
      {
        severity: 'error',
        id: 'adapter-page-missing',
        what: `The adapter URL ${def.adapterUrl} names the page ${page}, which the project in ${projectDir} does not contain.`,
        why: 'Unless the org already has that page, the softphone panel shows "page not found" or stays blank.',
        fix: 'Use /apex/SwitchboardSoftphone (the page `switchboard package build` writes), rebuild the package, or deploy your own page.',
      },
    ];
  }
  return [
    {
      severity: 'info',
      id: 'adapter-page-present',
      what: `The project in ${projectDir} contains the page ${page}.`,
      why: 'The adapter URL will resolve once the project is deployed.',
      fix: 'Deploy it: `sf project deploy start` in that folder, then assign the SwitchboardAgent permission set.',
    },
  ];
}

export function formatFinding(f: Finding): string {
  return `${f.severity} ${f.id}: ${f.what}\n    why: ${f.why}\n    fix: ${f.fix}`;
}
