/**
 * What each field of `switchboard.yaml` is: for the Salesforce sections (callCenter, voice,
 * dialing) a table of JSON Schema, description and example; for the switchboard section the schema
 * derived from its SWITCHBOARD_ITEMS entry. The schema, the commented template and the loader all
 * read these tables, so a field is described once and the three cannot disagree.
 */
import { type ItemSpec } from '../../core/index.ts';
import { DEFAULT_ADAPTER_URL, DEFAULT_CERTIFICATE_FILE, DEFAULT_INTERNAL_NAME, DEFAULT_VENDOR_INFO_API_NAME } from './definition.ts';
import { COMPATIBILITY_MODES, LIMITS, VENDOR_INFO_API_NAME } from './salesforce-names.ts';
import { certificateCommand } from './certificate-check.ts';

export type JsonSchema = { [key: string]: unknown };

export interface GeneralField {
  readonly key: string;
  readonly schema: JsonSchema;
  readonly description: string;
  readonly example?: string | number;
}

export const GENERAL_FIELDS: readonly GeneralField[] = [
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
export const OPENCTI_ONLY_FIELDS: readonly string[] = ['height', 'width', 'compatibilityMode', 'standbyUrl', 'timeout'];

export const VOICE_FIELDS: readonly GeneralField[] = [
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

export const DIALING_FIELDS: readonly GeneralField[] = [
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
export function itemSchema(spec: ItemSpec): JsonSchema {
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

export function pairsToObject(value: string): Record<string, string> {
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
