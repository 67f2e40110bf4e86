/**
 * The connector's configuration, as it lives in the Call Center definition: Salesforce's own
 * `reqGeneralInfo` and `reqDialingOptions` sections plus our `switchboard` section. One table
 * (SWITCHBOARD_ITEMS) drives parsing here, the config file's JSON Schema, the generated Call Center
 * files and their linting, so the four can never disagree.
 *
 * Input is the flat slash-key map Open CTI's getCallCenterSettings returns
 * (`"/switchboard/sipDomain": "pbx.example.com"`); all values are strings.
 */
import type { AwayReason } from '../presence/presence.ts';

export const SWITCHBOARD_SECTION = 'switchboard';
export const SWITCHBOARD_SECTION_LABEL = 'Switchboard Connector';

export type ItemType = 'string' | 'url' | 'boolean' | 'integer' | 'enum' | 'json' | 'pairs' | 'list';

export interface ItemSpec {
  readonly name: string;
  readonly label: string;
  readonly type: ItemType;
  readonly required: boolean;
  /** The default, as the string that would appear in the file. */
  readonly default?: string;
  readonly values?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly description: string;
  /** Never log this value. */
  readonly secret?: boolean;
}

/** Items of the `switchboard` section, in file order. Names are ≤40 alphanumerics (Call Center rule). */
export const SWITCHBOARD_ITEMS: readonly ItemSpec[] = [
  {
    name: 'sipWebSocketUrl',
    label: 'SIP WebSocket URL',
    type: 'url',
    required: true,
    description: 'SIP over WebSocket (RFC 7118) endpoint of the phone system, wss:// in production (ws:// only on 127.0.0.1).',
  },
  { name: 'sipDomain', label: 'SIP Domain', type: 'string', required: true, description: "SIP domain of the agents' addresses (sip:<extension>@<domain>)." },
  {
    name: 'sipIceServers',
    label: 'ICE Servers (JSON)',
    type: 'json',
    required: false,
    default: '[]',
    description: 'RTCIceServer list as JSON, e.g. [{"urls":"stun:stun.example.com:3478"}].',
  },
  {
    name: 'credentialScheme',
    label: 'SIP Credentials',
    type: 'enum',
    values: ['agent', 'ephemeral'],
    required: false,
    default: 'agent',
    description:
      "agent: each agent signs in with their extension and password (never stored). ephemeral: Salesforce mints short-lived credentials (Apex SwitchboardCredentials.mint, Kamailio auth_ephemeral scheme) for the user's extension; nobody types a password.",
  },
  {
    name: 'sipUsername',
    label: 'SIP Username',
    type: 'string',
    required: false,
    description: 'Shared SIP username (demo call centers only); leave empty so each agent signs in with their own extension.',
  },
  {
    name: 'sipPassword',
    label: 'SIP Password',
    type: 'string',
    required: false,
    secret: true,
    description:
      'Password for sipUsername. Every assigned agent can read it, so it is refused unless demoCallCenter is true; use credentialScheme ephemeral instead.',
  },
  {
    name: 'demoCallCenter',
    label: 'Demo Call Center',
    type: 'boolean',
    required: false,
    default: 'false',
    description: 'Marks a demo or test call center: only then may sipPassword hold a shared password.',
  },
  {
    name: 'sipKeepAliveSeconds',
    label: 'SIP Keep-Alive (s)',
    type: 'integer',
    min: 0,
    max: 300,
    required: false,
    default: '25',
    description: 'Send a keep-alive (CRLF ping, RFC 5626) on an idle WebSocket this often so proxies and NATs keep it open; 0 turns it off.',
  },
  {
    name: 'iceGatheringTimeoutMs',
    label: 'ICE Gathering Timeout (ms)',
    type: 'integer',
    min: 100,
    max: 30000,
    required: false,
    default: '2000',
    description: 'How long to wait for ICE candidates (TURN relay ones are the slowest) before sending an offer or answer.',
  },
  {
    name: 'sipHeaderMappings',
    label: 'Attached Data Headers',
    type: 'pairs',
    required: false,
    default: 'X-Case-Number:caseNumber;X-Account-Number:accountNumber;User-to-User:userToUser',
    description: "SIP headers that become the call's attached data, as Header:key pairs separated by semicolons.",
  },
  {
    name: 'popTiming',
    label: 'Screen Pop Timing',
    type: 'enum',
    values: ['ring', 'answer'],
    required: false,
    default: 'ring',
    description: "Pop the caller's record when the call rings or when the agent answers.",
  },
  {
    name: 'wrapUpEnabled',
    label: 'After-Call Work',
    type: 'boolean',
    required: false,
    default: 'true',
    description: 'Put the agent in wrap-up after each call to pick a disposition and write notes.',
  },
  {
    name: 'wrapUpSeconds',
    label: 'Wrap-Up Time Limit (s)',
    type: 'integer',
    min: 0,
    max: 3600,
    required: false,
    default: '0',
    description: 'End wrap-up automatically after this many seconds; 0 means no limit.',
  },
  {
    name: 'dispositionCodes',
    label: 'Disposition Codes',
    type: 'pairs',
    required: false,
    default: 'Resolved:Resolved;FollowUp:Follow-up needed;Voicemail:Left voicemail;WrongNumber:Wrong number',
    description: 'code:Label pairs separated by semicolons; the code is written to CallDisposition.',
  },
  {
    name: 'awayReasons',
    label: 'Away Reasons',
    type: 'pairs',
    required: false,
    default: 'Break:Break;Lunch:Lunch;Training:Training;Meeting:Meeting',
    description: 'id:Label pairs separated by semicolons, shown when the agent goes away.',
  },
  { name: 'logObject', label: 'Log Object', type: 'string', required: false, default: 'Task', description: 'Object the call log is written to.' },
  {
    name: 'logSubject',
    label: 'Log Subject',
    type: 'string',
    required: false,
    default: '{direction} call {number}',
    description: 'Subject template; {direction}, {number}, {name} and {disposition} are replaced.',
  },
  {
    name: 'logConsultations',
    label: 'Log Consultations',
    type: 'enum',
    values: ['fold', 'separate'],
    required: false,
    default: 'fold',
    description:
      "fold: a consultation (a call to a colleague about the customer's call) goes into the customer call's Task (target, talk time, outcome) and has no wrap-up; separate: it is also logged as its own Internal call Task.",
  },
  {
    name: 'defaultCountry',
    label: 'Default Country',
    type: 'string',
    required: false,
    default: 'US',
    description: 'ISO 3166 country used to read national numbers (E.164 conversion).',
  },
  {
    name: 'callWaiting',
    label: 'Call Waiting',
    type: 'boolean',
    required: false,
    default: 'true',
    description: 'Offer a second inbound call while the agent is on a call.',
  },
  {
    name: 'directory',
    label: 'Transfer Directory',
    type: 'pairs',
    required: false,
    default: '',
    description: 'extension:Name pairs of colleagues shown (with busy lamp) in the transfer directory.',
  },
];

export interface IceServer {
  readonly urls: string | readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

export interface Labeled {
  readonly code: string;
  readonly label: string;
}

export interface ConnectorSettings {
  readonly callCenter: { readonly internalName: string; readonly displayName: string };
  readonly sip: {
    readonly webSocketUrl: string;
    readonly domain: string;
    readonly iceServers: readonly IceServer[];
    /** How the agent's SIP credentials are obtained (see SWITCHBOARD_ITEMS `credentialScheme`). */
    readonly credentialScheme: 'agent' | 'ephemeral';
    readonly username?: string;
    readonly password?: string;
    /** Seconds between keep-alives on an idle WebSocket; 0 = off. */
    readonly keepAliveSeconds: number;
    readonly iceGatheringTimeoutMs: number;
    /** Lower-cased SIP header name → attached-data key. */
    readonly headerMappings: Readonly<Record<string, string>>;
  };
  readonly dialing: {
    readonly defaultCountry: string;
    readonly outsidePrefix?: string;
    readonly longDistancePrefix?: string;
    readonly internationalPrefix?: string;
  };
  readonly popTiming: 'ring' | 'answer';
  readonly wrapUp: { readonly enabled: boolean; readonly timeLimitSeconds: number };
  readonly dispositions: readonly Labeled[];
  readonly awayReasons: readonly AwayReason[];
  readonly log: { readonly object: string; readonly subject: string; readonly consultations: 'fold' | 'separate' };
  readonly callWaiting: boolean;
  readonly directory: readonly { readonly extension: string; readonly name: string }[];
}

export interface SettingsProblem {
  /** The slash key of the offending item, e.g. `/switchboard/wrapUpSeconds`. */
  readonly key: string;
  readonly message: string;
}

export type SettingsResult =
  | { readonly ok: true; readonly settings: ConnectorSettings; readonly warnings: readonly SettingsProblem[] }
  | { readonly ok: false; readonly problems: readonly SettingsProblem[] };

/** Checks one value against its spec; returns a message when it is wrong. */
export function checkItemValue(spec: ItemSpec, raw: string): string | undefined {
  const value = raw.trim();
  if (value === '') return spec.required ? `${spec.name} is required: ${spec.description}` : undefined;
  switch (spec.type) {
    case 'url':
      if (!/^(wss?|https?):\/\/[^\s/]+/i.test(value)) return `${spec.name} must be a ws://, wss://, http:// or https:// URL, got '${value}'.`;
      return undefined;
    case 'boolean':
      return /^(true|false)$/i.test(value) ? undefined : `${spec.name} must be true or false, got '${value}'.`;
    case 'integer': {
      if (!/^-?\d+(\.0+)?$/.test(value)) return `${spec.name} must be a whole number, got '${value}'.`;
      const n = Number(value);
      if (spec.min !== undefined && n < spec.min) return `${spec.name} must be at least ${spec.min}, got ${n}.`;
      if (spec.max !== undefined && n > spec.max) return `${spec.name} must be at most ${spec.max}, got ${n}.`;
      return undefined;
    }
    case 'enum':
      return spec.values?.includes(value) ? undefined : `${spec.name} must be one of ${spec.values?.join(', ')}, got '${value}'.`;
    case 'json':
      try {
        JSON.parse(value);
        return undefined;
      } catch (e) {
        return `${spec.name} must be valid JSON: ${e instanceof Error ? e.message : String(e)}.`;
      }
    case 'pairs':
      for (const entry of splitList(value)) {
        const i = entry.indexOf(':');
        if (i <= 0 || i === entry.length - 1) return `${spec.name}: '${entry}' is not a key:value pair (separate pairs with ';').`;
      }
      return undefined;
    default:
      return undefined;
  }
}

function splitList(value: string): string[] {
  return value
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function parsePairs(value: string): { key: string; value: string }[] {
  return splitList(value).map((entry) => {
    const i = entry.indexOf(':');
    return { key: entry.slice(0, i).trim(), value: entry.slice(i + 1).trim() };
  });
}

/** Parses getCallCenterSettings' map. Unknown items are ignored; wrong values are problems. */
export function parseConnectorSettings(map: Readonly<Record<string, string>>): SettingsResult {
  const problems: SettingsProblem[] = [];
  const warnings: SettingsProblem[] = [];
  const item = (name: string): string => {
    const spec = SWITCHBOARD_ITEMS.find((s) => s.name === name);
    const key = `/${SWITCHBOARD_SECTION}/${name}`;
    // An item left blank in the Call Center takes its default (Salesforce sends blank items as '').
    const given = map[key];
    const raw = given !== undefined && given.trim() !== '' ? given : (spec?.default ?? '');
    if (spec) {
      const problem = checkItemValue(spec, raw);
      if (problem) problems.push({ key, message: problem });
    }
    return raw.trim();
  };

  const internalName = map['/reqGeneralInfo/reqInternalName'] ?? '';
  if (!internalName) problems.push({ key: '/reqGeneralInfo/reqInternalName', message: 'reqInternalName is missing from the call center settings.' });

  const webSocketUrl = item('sipWebSocketUrl');
  if (/^ws:\/\//i.test(webSocketUrl) && !/^ws:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/i.test(webSocketUrl)) {
    warnings.push({
      key: `/${SWITCHBOARD_SECTION}/sipWebSocketUrl`,
      message: 'sipWebSocketUrl uses unencrypted ws://; browsers block it from an https page. Use wss://.',
    });
  }
  let iceServers: IceServer[] = [];
  const iceRaw = item('sipIceServers');
  try {
    const parsed: unknown = JSON.parse(iceRaw || '[]');
    if (!Array.isArray(parsed) || !parsed.every(isIceServer)) {
      problems.push({ key: `/${SWITCHBOARD_SECTION}/sipIceServers`, message: 'sipIceServers must be a JSON array of {"urls": ...} objects.' });
    } else iceServers = parsed;
  } catch {
    /* reported by checkItemValue */
  }
  const headerMappings: Record<string, string> = {};
  for (const { key, value } of parsePairs(item('sipHeaderMappings'))) headerMappings[key.toLowerCase()] = value;

  const username = item('sipUsername');
  const password = item('sipPassword');
  const settings: ConnectorSettings = {
    callCenter: { internalName, displayName: map['/reqGeneralInfo/reqDisplayName'] ?? internalName },
    sip: {
      webSocketUrl,
      domain: item('sipDomain'),
      iceServers,
      credentialScheme: item('credentialScheme') === 'ephemeral' ? 'ephemeral' : 'agent',
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      keepAliveSeconds: Math.trunc(Number(item('sipKeepAliveSeconds')) || 0),
      iceGatheringTimeoutMs: Math.trunc(Number(item('iceGatheringTimeoutMs')) || 2000),
      headerMappings,
    },
    dialing: {
      defaultCountry: item('defaultCountry').toUpperCase() || 'US',
      ...optional('outsidePrefix', map['/reqDialingOptions/reqOutsidePrefix']),
      ...optional('longDistancePrefix', map['/reqDialingOptions/reqLongDistPrefix']),
      ...optional('internationalPrefix', map['/reqDialingOptions/reqInternationalPrefix']),
    },
    popTiming: item('popTiming') === 'answer' ? 'answer' : 'ring',
    wrapUp: { enabled: /^true$/i.test(item('wrapUpEnabled')), timeLimitSeconds: Math.max(0, Math.trunc(Number(item('wrapUpSeconds')) || 0)) },
    dispositions: parsePairs(item('dispositionCodes')).map(({ key, value }) => ({ code: key, label: value })),
    awayReasons: parsePairs(item('awayReasons')).map(({ key, value }) => ({ id: key, label: value })),
    log: {
      object: item('logObject') || 'Task',
      subject: item('logSubject') || '{direction} call {number}',
      consultations: item('logConsultations') === 'separate' ? 'separate' : 'fold',
    },
    callWaiting: /^true$/i.test(item('callWaiting')),
    directory: parsePairs(item('directory')).map(({ key, value }) => ({ extension: key, name: value })),
  };
  return problems.length ? { ok: false, problems } : { ok: true, settings, warnings };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  const v = value?.trim();
  return v ? ({ [key]: v } as Partial<Record<K, string>>) : {};
}

function isIceServer(value: unknown): value is IceServer {
  if (typeof value !== 'object' || value === null) return false;
  const urls = (value as { urls?: unknown }).urls;
  return typeof urls === 'string' || (Array.isArray(urls) && urls.every((u) => typeof u === 'string'));
}
