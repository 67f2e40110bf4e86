/**
 * The `switchboard.yaml` config file: its JSON Schema (generated from SWITCHBOARD_ITEMS), the
 * commented template `switchboard callcenter init` writes, and loading with errors that name the
 * file, line, column and field.
 *
 * Layout:
 *   surface:     opencti (default: an Open CTI softphone) or voice (Salesforce Voice, partner telephony)
 *   callCenter:  general settings (internal/display name, adapter URL, panel size, compatibility…)
 *   dialing:     prefixes (Salesforce's reqDialingOptions; Open CTI only)
 *   voice:       the ConversationVendorInfo API name, the certificate file, the long-distance prefix (voice only)
 *   switchboard: the connector's own section, one key per SWITCHBOARD_ITEMS entry, typed:
 *                json items as YAML structures, pairs as maps, booleans and integers as such.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { Document, isMap, isScalar, LineCounter, parseDocument, type Node as YamlNode, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { checkItemValue, SWITCHBOARD_ITEMS, type ItemSpec } from '../../core/index.ts';
import {
  DEFAULT_ADAPTER_URL,
  DEFAULT_CERTIFICATE_FILE,
  DEFAULT_INTERNAL_NAME,
  DEFAULT_VENDOR_INFO_API_NAME,
  DEFAULT_VOICE_CONNECTOR_URL,
  DEFAULT_VOICE_INTERNAL_NAME,
  SURFACES,
  type CallCenterDefinition,
  type Surface,
  type VoiceDefinition,
} from './definition.ts';
import { COMPATIBILITY_MODES, LIMITS, VENDOR_INFO_API_NAME, type CompatibilityMode } from './salesforce-names.ts';
import { certificateCommand } from './certificate-check.ts';
import { checkCertificateWithOpenSsl } from './voice-certificate.ts';

export const CONFIG_FILE = 'switchboard.yaml';

/** Why a shared sipPassword is refused, and what to do instead. */
export const SHARED_PASSWORD_MESSAGE =
  'a shared SIP password in the call center is readable by every agent assigned to it (getCallCenterSettings) and lands in the generated Call Center files. Fix: set credentialScheme: ephemeral (Salesforce mints short-lived credentials per agent) or credentialScheme: agent (each agent types their own) and remove sipPassword; only a call center marked demoCallCenter: true may hold one.';
export const SCHEMA_ID = 'urn:switchboard:schema:callcenter-config';

type JsonSchema = { [key: string]: unknown };

interface GeneralField {
  readonly key: string;
  readonly schema: JsonSchema;
  readonly description: string;
  readonly example?: string | number;
}

const GENERAL_FIELDS: readonly GeneralField[] = [
  {
    key: 'internalName',
    schema: { type: 'string', pattern: `^[A-Za-z][A-Za-z0-9]{0,${LIMITS.nameLength - 1}}$` },
    description: 'reqInternalName: unique in the org, a letter then letters and digits, at most 40. Also the Metadata file name.',
    example: DEFAULT_INTERNAL_NAME,
  },
  {
    key: 'displayName',
    schema: { type: 'string', minLength: 1, maxLength: LIMITS.displayNameLength },
    description: 'reqDisplayName: the name admins and agents see.',
    example: 'Switchboard Softphone',
  },
  {
    key: 'description',
    schema: { type: 'string', maxLength: LIMITS.labelLength },
    description: 'reqDescription (optional).',
    example: 'SIP softphone for the support team',
  },
  {
    key: 'adapterUrl',
    schema: { type: 'string', pattern: '^(https?://[^\\s/]+.*|/[^/\\s].*)$' },
    description:
      'reqAdapterUrl: /apex/SwitchboardSoftphone with the package from `switchboard package build`, or the https URL of the hosted connector. http://127.0.0.1 only with the local console emulator.',
    example: DEFAULT_ADAPTER_URL,
  },
  {
    key: 'height',
    schema: { type: 'integer', minimum: LIMITS.height.min, maximum: LIMITS.height.max },
    description: `reqSoftphoneHeight in px (Lightning: ${LIMITS.height.min}–${LIMITS.height.max}).`,
    example: 520,
  },
  {
    key: 'width',
    schema: { type: 'integer', minimum: LIMITS.width.min, maximum: LIMITS.width.max },
    description: `reqSoftphoneWidth in px (Lightning: ${LIMITS.width.min}–${LIMITS.width.max}).`,
    example: 340,
  },
  {
    key: 'compatibilityMode',
    schema: { type: 'string', enum: [...COMPATIBILITY_MODES] },
    description: "reqSalesforceCompatibilityMode: Lightning or Classic_and_Lightning. Classic (Salesforce's default when absent) hides the phone in Lightning.",
    example: 'Lightning',
  },
  {
    key: 'standbyUrl',
    schema: { type: 'string', pattern: '^(https?://[^\\s/]+.*|/[^/\\s].*)$' },
    description: 'reqStandbyUrl (optional): loaded if the connector is not ready within timeout; needs timeout.',
  },
  {
    key: 'timeout',
    schema: { type: 'integer', minimum: 1 },
    description: 'reqTimeout (optional): milliseconds to wait before switching to standbyUrl; needs standbyUrl.',
  },
];

/** Open CTI panel settings a Voice contact center does not have (Salesforce draws the phone). */
const OPENCTI_ONLY_FIELDS: readonly string[] = ['height', 'width', 'compatibilityMode', 'standbyUrl', 'timeout'];

const VOICE_FIELDS: readonly GeneralField[] = [
  {
    key: 'vendorInfoApiName',
    schema: { type: 'string', pattern: VENDOR_INFO_API_NAME.source },
    description: "reqVendorInfoApiName: <namespace>__<name> of the ConversationVendorInfo `switchboard package build` writes (its namespace is the package's).",
    example: DEFAULT_VENDOR_INFO_API_NAME,
  },
  {
    key: 'certificateFile',
    schema: { type: 'string', minLength: 1 },
    description: `reqTelephonyIntegrationCertificate: the X.509 certificate (PEM) of the key the voice bridge signs its JWTs with, relative to this file. Never the private key. Make both with: ${certificateCommand(DEFAULT_CERTIFICATE_FILE)}`,
    example: DEFAULT_CERTIFICATE_FILE,
  },
  {
    key: 'longDistancePrefix',
    schema: { type: 'string', pattern: '^\\d*$' },
    description: 'reqHvcc/reqLongDistPrefix: long-distance prefix (e.g. "1"), empty for none.',
    example: '',
  },
];

const DIALING_FIELDS: readonly GeneralField[] = [
  {
    key: 'outsidePrefix',
    schema: { type: 'string', pattern: '^\\d*$' },
    description: 'reqOutsidePrefix: digits dialed to reach an outside line (e.g. "9"); quote it.',
    example: '',
  },
  { key: 'longDistancePrefix', schema: { type: 'string', pattern: '^\\d*$' }, description: 'reqLongDistPrefix: long-distance prefix (e.g. "1").', example: '' },
  {
    key: 'internationalPrefix',
    schema: { type: 'string', pattern: '^\\d*$' },
    description: 'reqInternationalPrefix: international prefix (e.g. "011" or "00"); quote it or YAML drops the zero.',
    example: '',
  },
];

/** The JSON Schema of one switchboard item, from its table entry. */
function itemSchema(spec: ItemSpec): JsonSchema {
  const base: JsonSchema = { title: spec.label, description: spec.description };
  switch (spec.type) {
    case 'boolean':
      return { ...base, type: 'boolean', ...(spec.default !== undefined ? { default: spec.default === 'true' } : {}) };
    case 'integer':
      return {
        ...base,
        type: 'integer',
        ...(spec.min !== undefined ? { minimum: spec.min } : {}),
        ...(spec.max !== undefined ? { maximum: spec.max } : {}),
        ...(spec.default !== undefined ? { default: Number(spec.default) } : {}),
      };
    case 'enum':
      return { ...base, type: 'string', enum: [...(spec.values ?? [])], ...(spec.default !== undefined ? { default: spec.default } : {}) };
    case 'url':
      return { ...base, type: 'string', pattern: '^(wss?|https?)://[^\\s/]+', ...(spec.default !== undefined ? { default: spec.default } : {}) };
    case 'json':
      return { ...base, type: ['array', 'object', 'string'], ...(spec.default !== undefined ? { default: JSON.parse(spec.default) as unknown } : {}) };
    case 'pairs':
      return {
        ...base,
        type: ['object', 'string'],
        additionalProperties: { type: ['string', 'number', 'boolean'] },
        ...(spec.default !== undefined ? { default: pairsToObject(spec.default) } : {}),
      };
    case 'list':
      return { ...base, type: ['array', 'string'], items: { type: 'string' }, ...(spec.default !== undefined ? { default: spec.default } : {}) };
    default:
      return { ...base, type: 'string', ...(spec.default !== undefined ? { default: spec.default } : {}) };
  }
}

function pairsToObject(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of value
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const i = entry.indexOf(':');
    out[entry.slice(0, i).trim()] = entry.slice(i + 1).trim();
  }
  return out;
}

/** The config file's JSON Schema (draft-07), generated from the tables. */
export function configSchema(): JsonSchema {
  const props = (fields: readonly GeneralField[]): JsonSchema => Object.fromEntries(fields.map((f) => [f.key, { ...f.schema, description: f.description }]));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_ID,
    title: 'Switchboard call center configuration',
    type: 'object',
    additionalProperties: false,
    required: ['callCenter', 'switchboard'],
    // Voice needs its section; Open CTI its compatibility mode (without it the phone never shows in Lightning).
    if: { type: 'object', required: ['surface'], properties: { surface: { const: 'voice' } } },
    then: { type: 'object', required: ['voice'], properties: { voice: { type: 'object' } } },
    else: {
      type: 'object',
      properties: { callCenter: { type: 'object', required: ['compatibilityMode'], properties: { compatibilityMode: { type: 'string' } } } },
    },
    properties: {
      surface: {
        type: 'string',
        enum: [...SURFACES],
        default: 'opencti',
        description:
          'opencti: an Open CTI softphone (Lightning or Classic). voice: Salesforce Voice with partner telephony (a contact center, a ConversationVendorInfo and the voice bridge).',
      },
      callCenter: {
        type: 'object',
        description: "Salesforce's reqGeneralInfo section.",
        additionalProperties: false,
        required: ['internalName', 'displayName', 'adapterUrl'],
        properties: props(GENERAL_FIELDS),
        dependencies: { standbyUrl: ['timeout'], timeout: ['standbyUrl'] },
      },
      dialing: {
        type: 'object',
        description: "Salesforce's reqDialingOptions section (Open CTI only).",
        additionalProperties: false,
        properties: props(DIALING_FIELDS),
      },
      voice: {
        type: 'object',
        description: 'Salesforce Voice only: the ConversationVendorInfo and the reqHvcc section.',
        additionalProperties: false,
        required: ['vendorInfoApiName', 'certificateFile'],
        properties: props(VOICE_FIELDS),
      },
      switchboard: {
        type: 'object',
        description: "The connector's own section (SWITCHBOARD_ITEMS).",
        additionalProperties: false,
        required: SWITCHBOARD_ITEMS.filter((s) => s.required).map((s) => s.name),
        properties: Object.fromEntries(SWITCHBOARD_ITEMS.map((s) => [s.name, itemSchema(s)])),
      },
    },
  };
}

// ─── The template ───────────────────────────────────────────────────────────────────────────────

const EXAMPLES: Record<string, unknown> = {
  sipWebSocketUrl: 'wss://pbx.example.com:8089/ws',
  sipDomain: 'pbx.example.com',
};

/** A typed YAML value for a table default. */
function typedDefault(spec: ItemSpec): unknown {
  if (EXAMPLES[spec.name] !== undefined) return EXAMPLES[spec.name];
  const raw = spec.default ?? '';
  switch (spec.type) {
    case 'boolean':
      return raw === 'true';
    case 'integer':
      return Number(raw || 0);
    case 'json':
      return JSON.parse(raw || 'null') as unknown;
    case 'pairs':
      return pairsToObject(raw);
    case 'list':
      return raw ? raw.split(';').map((s) => s.trim()) : [];
    default:
      return raw;
  }
}

/** The commented config `switchboard callcenter init` writes, for an Open CTI softphone or a Salesforce Voice contact center. */
export function initConfigYaml(surface: Surface = 'opencti'): string {
  const voice = surface === 'voice';
  const general: Record<string, unknown> = {};
  for (const f of GENERAL_FIELDS) if (f.example !== undefined && !(voice && OPENCTI_ONLY_FIELDS.includes(f.key))) general[f.key] = f.example;
  if (voice) {
    general['internalName'] = DEFAULT_VOICE_INTERNAL_NAME;
    general['displayName'] = 'Switchboard Voice';
    general['adapterUrl'] = DEFAULT_VOICE_CONNECTOR_URL;
  }
  const dialing: Record<string, unknown> = {};
  for (const f of DIALING_FIELDS) dialing[f.key] = f.example ?? '';
  const voiceSection: Record<string, unknown> = {};
  for (const f of VOICE_FIELDS) voiceSection[f.key] = f.example ?? '';
  const switchboard: Record<string, unknown> = {};
  for (const spec of SWITCHBOARD_ITEMS) switchboard[spec.name] = typedDefault(spec);
  const doc = new Document(voice ? { surface, callCenter: general, voice: voiceSection, switchboard } : { callCenter: general, dialing, switchboard });
  doc.commentBefore = [
    voice ? ' Switchboard configuration of a Salesforce Voice contact center (partner telephony).' : ' Switchboard call center configuration.',
    voice
      ? ' `switchboard callcenter build` turns it into the contact center import file and the Metadata API file;'
      : ' `switchboard callcenter build` turns it into the Setup import file and the Metadata API file;',
    ' `switchboard package build` into a Salesforce DX project; `switchboard doctor` explains problems.',
    ` JSON Schema: \`switchboard callcenter schema\` (${SCHEMA_ID}).`,
  ].join('\n');
  const top = doc.contents as YAMLMap;
  const describe = (mapKey: string, comment: string, fields: Map<string, string>): void => {
    const pair = top.items.find((p) => isScalar(p.key) && p.key.value === mapKey);
    if (!pair) return;
    (pair.key as Scalar).commentBefore = comment;
    if (!isMap(pair.value)) return;
    for (const item of pair.value.items) {
      const key = item.key as Scalar;
      const text = fields.get(String(key.value));
      if (text) key.commentBefore = ` ${text}`;
    }
  };
  const generalComments = new Map(GENERAL_FIELDS.map((f) => [f.key, f.description]));
  if (voice) {
    generalComments.set(
      'adapterUrl',
      "reqAdapterUrl and the ConversationVendorInfo connectorUrl: the https URL of the hosted connector's Voice page (/voice/ beside the softphone; the console emulator serves it at <its Visualforce origin>/voice/).",
    );
    describe('surface', ' voice: Salesforce Voice with partner telephony; opencti (the default): an Open CTI softphone.', new Map());
    describe(
      'callCenter',
      " Salesforce's General Information (reqGeneralInfo). No panel size or compatibility mode: Salesforce draws the phone.",
      generalComments,
    );
    describe(
      'voice',
      ' Salesforce Voice: the ConversationVendorInfo the package ships and the SCV Settings (reqHvcc).',
      new Map(VOICE_FIELDS.map((f) => [f.key, f.description])),
    );
  } else {
    describe(
      'callCenter',
      " Salesforce's General Information (reqGeneralInfo). Optional, not set here:\n   standbyUrl: https://… + timeout: 10000 (ms): a standby softphone if this one is not ready in time.",
      generalComments,
    );
  }
  describe('dialing', ' Dialing Options (reqDialingOptions); strings of digits, empty for none.', new Map(DIALING_FIELDS.map((f) => [f.key, f.description])));
  describe(
    'switchboard',
    " The connector's own section (read by the softphone through getCallCenterSettings).",
    new Map(SWITCHBOARD_ITEMS.map((s) => [s.name, `${s.label}${s.required ? ' (required)' : ''}: ${s.description}`])),
  );
  return doc.toString({ lineWidth: 0 });
}

// ─── Loading ────────────────────────────────────────────────────────────────────────────────────

export interface ConfigProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly severity: 'error';
  /** Dotted path of the field, e.g. `switchboard.wrapUpSeconds` ('' for the file itself). */
  readonly field: string;
  readonly message: string;
}

export function formatConfigProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.column} ${p.severity} ${p.field || '(file)'}: ${p.message}`;
}

export interface LoadOptions {
  /** Where relative paths in the config (voice.certificateFile) start; default: the config file's folder. */
  readonly baseDir?: string;
  /** Judges the certificate's expiry at this time (tests). */
  readonly now?: Date;
}

export type ConfigResult =
  { readonly ok: true; readonly definition: CallCenterDefinition } | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

let compiled: ReturnType<Ajv['compile']> | undefined;
function validator(): ReturnType<Ajv['compile']> {
  compiled ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(configSchema());
  return compiled;
}

/** Parses and validates a config file; every problem names file, line, column and field. */
export function loadConfig(text: string, file: string, options: LoadOptions = {}): ConfigResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: ConfigProblem[] = [];
  const at = (offset: number | undefined, field: string, message: string): void => {
    const pos = lineCounter.linePos(offset ?? 0);
    problems.push({ file, line: pos.line, column: pos.col, severity: 'error', field, message });
  };
  for (const e of doc.errors) at(e.pos[0], '', `YAML: ${e.message.split('\n')[0]}`);
  if (problems.length) return { ok: false, problems };
  const data: unknown = doc.toJS();
  const validate = validator();
  if (!validate(data)) {
    for (const e of validate.errors ?? []) {
      // The branch's own errors (a missing voice section or compatibility mode) say what is wrong.
      if (e.keyword === 'if') continue;
      const { path, message, keyOf } = describeAjvError(e);
      at(offsetOf(doc, path, keyOf), path.join('.'), message);
    }
    return { ok: false, problems: sortByPosition(problems) };
  }
  const cfg = data as ConfigShape;
  // Values the schema cannot judge alone (JSON text, pair syntax) go through the table's checks.
  const switchboard: Record<string, string> = {};
  for (const spec of SWITCHBOARD_ITEMS) {
    const raw = cfg.switchboard[spec.name];
    const value = raw === undefined ? (spec.default ?? '') : toItemString(spec, raw);
    const problem = pairProblem(spec, raw) ?? checkItemValue(spec, value);
    if (problem) at(offsetOf(doc, ['switchboard', spec.name], raw === undefined), `switchboard.${spec.name}`, problem);
    switchboard[spec.name] = value;
  }
  // Refused here, before any file is written: the password would otherwise land in the generated
  // Call Center files and be readable by every assigned agent.
  if ((switchboard['sipPassword'] ?? '').trim() !== '' && switchboard['demoCallCenter']?.trim().toLowerCase() !== 'true') {
    at(offsetOf(doc, ['switchboard', 'sipPassword'], false), 'switchboard.sipPassword', SHARED_PASSWORD_MESSAGE);
  }
  const surface: Surface = cfg.surface ?? 'opencti';
  let voice: VoiceDefinition | undefined;
  if (surface === 'voice' && cfg.voice) {
    for (const key of OPENCTI_ONLY_FIELDS) {
      if (cfg.callCenter[key as keyof ConfigShape['callCenter']] !== undefined)
        at(
          offsetOf(doc, ['callCenter', key], true),
          `callCenter.${key}`,
          `${key} is an Open CTI softphone setting; a Salesforce Voice contact center has none (Salesforce draws the phone). Remove it.`,
        );
    }
    if (cfg.dialing !== undefined)
      at(
        offsetOf(doc, ['dialing'], true),
        'dialing',
        'Salesforce Voice has no Dialing Options section; its long-distance prefix is voice.longDistancePrefix (reqHvcc). Remove dialing.',
      );
    voice = readVoice(cfg.voice, file, options, (field, message) => at(offsetOf(doc, ['voice', field], false), `voice.${field}`, message));
  } else if (cfg.voice !== undefined) {
    at(
      offsetOf(doc, ['voice'], true),
      'voice',
      'the voice section applies only to a Salesforce Voice contact center: add surface: voice, or remove the section.',
    );
  }
  if (problems.length) return { ok: false, problems: sortByPosition(problems) };
  const g = cfg.callCenter;
  const d = cfg.dialing ?? {};
  const definition: CallCenterDefinition = {
    ...(cfg.surface !== undefined ? { surface } : {}),
    ...(voice ? { voice } : {}),
    internalName: g.internalName,
    displayName: g.displayName,
    ...(g.description !== undefined ? { description: g.description } : {}),
    adapterUrl: g.adapterUrl,
    height: g.height ?? 520,
    width: g.width ?? 340,
    // Unused by a Voice contact center (nothing of the Open CTI panel is written); kept so every definition has them.
    compatibilityMode: g.compatibilityMode ?? 'Lightning',
    ...(g.standbyUrl !== undefined ? { standbyUrl: g.standbyUrl } : {}),
    ...(g.timeout !== undefined ? { timeout: g.timeout } : {}),
    dialing: {
      ...(d.outsidePrefix !== undefined ? { outsidePrefix: d.outsidePrefix } : {}),
      ...(d.longDistancePrefix !== undefined ? { longDistancePrefix: d.longDistancePrefix } : {}),
      ...(d.internationalPrefix !== undefined ? { internationalPrefix: d.internationalPrefix } : {}),
    },
    switchboard,
  };
  return { ok: true, definition };
}

/** Reads and checks the certificate file; problems go to `report` at the voice field they concern. */
function readVoice(
  v: NonNullable<ConfigShape['voice']>,
  file: string,
  options: LoadOptions,
  report: (field: string, message: string) => void,
): VoiceDefinition | undefined {
  const path = resolve(options.baseDir ?? dirname(resolve(file)), v.certificateFile);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    report(
      'certificateFile',
      `cannot read the certificate file ${path}${code === 'ENOENT' ? ' (it does not exist)' : ''}. Make the key pair and certificate with: ${certificateCommand(v.certificateFile)}`,
    );
    return undefined;
  }
  const verdict = checkCertificateWithOpenSsl(text, `the certificate file ${path}`, options.now);
  if (!verdict.ok) {
    report(
      'certificateFile',
      verdict.kind === 'private-key'
        ? `${verdict.message} Point certificateFile at the certificate alone (${certificateCommand(v.certificateFile)} writes it apart from the key).`
        : verdict.message,
    );
    return undefined;
  }
  return {
    vendorInfoApiName: v.vendorInfoApiName,
    certificateFile: v.certificateFile,
    certificate: verdict.pem,
    certificateNotAfter: verdict.notAfter,
    ...(v.longDistancePrefix !== undefined ? { longDistancePrefix: v.longDistancePrefix } : {}),
  };
}

interface ConfigShape {
  surface?: Surface;
  voice?: { vendorInfoApiName: string; certificateFile: string; longDistancePrefix?: string };
  callCenter: {
    internalName: string;
    displayName: string;
    description?: string;
    adapterUrl: string;
    height?: number;
    width?: number;
    compatibilityMode?: CompatibilityMode;
    standbyUrl?: string;
    timeout?: number;
  };
  dialing?: { outsidePrefix?: string; longDistancePrefix?: string; internationalPrefix?: string };
  switchboard: Record<string, unknown>;
}

function toItemString(spec: ItemSpec, raw: unknown): string {
  if (typeof raw === 'string') return raw;
  switch (spec.type) {
    case 'json':
      return JSON.stringify(raw);
    case 'pairs':
      return Object.entries(raw as Record<string, unknown>)
        .map(([k, v]) => `${k}:${String(v)}`)
        .join(';');
    case 'list':
      return (raw as unknown[]).map(String).join(';');
    default:
      return String(raw);
  }
}

function pairProblem(spec: ItemSpec, raw: unknown): string | undefined {
  if (spec.type !== 'pairs' || typeof raw !== 'object' || raw === null) return undefined;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (k.includes(':') || k.includes(';')) return `${spec.name}: the key '${k}' may not contain ':' or ';'.`;
    if (String(v).includes(';')) return `${spec.name}: the value of '${k}' may not contain ';'.`;
    if (String(v).trim() === '') return `${spec.name}: '${k}' has an empty value.`;
  }
  return undefined;
}

function describeAjvError(e: ErrorObject): { path: string[]; message: string; keyOf: boolean } {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(params['additionalProperty']);
      return {
        path: [...path, name],
        message: `unknown field '${name}'${path.length ? ` in ${path.join('.')}` : ''} (see \`switchboard callcenter schema\`).`,
        keyOf: true,
      };
    }
    case 'required': {
      const name = String(params['missingProperty']);
      return { path, message: `'${name}' is required${path.length ? ` in ${path.join('.')}` : ''}.`, keyOf: true };
    }
    case 'dependencies':
      return {
        path,
        message: `${String(params['property'])} needs ${String(params['missingProperty'])} (a standby softphone needs a timeout, and the reverse).`,
        keyOf: true,
      };
    case 'type': {
      const hint = path[0] === 'dialing' ? ' (quote it: "011")' : '';
      return { path, message: `must be ${String(params['type']).replace(/,/g, ' or ')}${hint}.`, keyOf: false };
    }
    case 'pattern':
      return { path, message: patternMessage(path), keyOf: false };
    case 'enum':
      return { path, message: `must be one of ${(params['allowedValues'] as unknown[]).join(', ')}.`, keyOf: false };
    default:
      return { path, message: `${e.message ?? 'is invalid'}.`, keyOf: false };
  }
}

function patternMessage(path: readonly string[]): string {
  const field = path[path.length - 1];
  if (field === 'vendorInfoApiName')
    return "must be <namespace>__<name> (e.g. switchboard__SwitchboardVoice): the package namespace, two underscores, the ConversationVendorInfo's developer name.";
  if (field === 'longDistancePrefix' && path[0] === 'voice') return 'must be digits only.';
  if (field === 'internalName') return 'must start with a letter and hold only letters and digits, at most 40.';
  if (field === 'adapterUrl' || field === 'standbyUrl')
    return 'must be an absolute URL (https://…) or a path starting with / (e.g. /apex/SwitchboardSoftphone).';
  if (path[0] === 'dialing') return 'must be digits only.';
  return 'must be a ws://, wss://, http:// or https:// URL.';
}

/** The source offset of a path's value (or of its key when `keyOf`); falls back to the nearest parent. */
function offsetOf(doc: Document.Parsed, path: readonly string[], keyOf: boolean): number {
  for (let n = path.length; n >= 0; n--) {
    const sub = path.slice(0, n);
    if (sub.length === 0) return (doc.contents as YamlNode | null)?.range?.[0] ?? 0;
    const parent = sub.length === 1 ? doc.contents : doc.getIn(sub.slice(0, -1), true);
    if (!isMap(parent)) continue;
    const pair = (parent.items as Pair[]).find((p) => isScalar(p.key) && String(p.key.value) === sub[sub.length - 1]);
    if (!pair) continue;
    if (keyOf && n === path.length) return (pair.key as Scalar).range?.[0] ?? 0;
    const value = pair.value as YamlNode | null;
    return value?.range?.[0] ?? (pair.key as Scalar).range?.[0] ?? 0;
  }
  return 0;
}

function sortByPosition(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}
