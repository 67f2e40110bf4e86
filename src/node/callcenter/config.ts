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
import { Ajv } from 'ajv';
import { Document, isMap, isScalar, LineCounter, parseDocument, type Scalar, type YAMLMap } from 'yaml';
import { checkItemValue, SWITCHBOARD_ITEMS, type ItemSpec } from '../../core/index.ts';
import {
  DEFAULT_VOICE_CONNECTOR_URL,
  DEFAULT_VOICE_INTERNAL_NAME,
  SURFACES,
  type CallCenterDefinition,
  type Surface,
  type VoiceDefinition,
} from './definition.ts';
import type { CompatibilityMode } from './salesforce-names.ts';
import { certificateCommand } from './certificate-check.ts';
import { checkCertificateWithOpenSsl } from './voice-certificate.ts';
import {
  DIALING_FIELDS,
  GENERAL_FIELDS,
  itemSchema,
  OPENCTI_ONLY_FIELDS,
  pairsToObject,
  VOICE_FIELDS,
  type GeneralField,
  type JsonSchema,
} from './config-fields.ts';
import { describeAjvError, offsetOf } from './config-errors.ts';

export const CONFIG_FILE = 'switchboard.yaml';

/** Why a shared sipPassword is refused, and what to do instead. */
export const SHARED_PASSWORD_MESSAGE =
  'a shared SIP password in the call center is readable by every agent assigned to it (getCallCenterSettings) and lands in the generated Call Center files. Fix: set credentialScheme: ephemeral (Salesforce mints short-lived credentials per agent) or credentialScheme: agent (each agent types their own) and remove sipPassword; only a call center marked demoCallCenter: true may hold one.';
export const SCHEMA_ID = 'urn:switchboard:schema:callcenter-config';

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

function sortByPosition(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}
