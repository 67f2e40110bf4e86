/**
 * What Salesforce defines for Call Center files: the
 * `req` sections and items, reserved names and limits. Names starting with `req` outside this table
 * are reserved for Salesforce and refused by the linter.
 */

export interface ReqItem {
  readonly name: string;
  readonly label: string;
}

export interface ReqSection {
  readonly name: string;
  readonly label: string;
  readonly items: readonly ReqItem[];
}

export const GENERAL_INFO = 'reqGeneralInfo';
export const DIALING_OPTIONS = 'reqDialingOptions';
export const HVCC = 'reqHvcc';

/** Salesforce's sections and their items, in the order Salesforce's samples use. */
export const REQ_SECTIONS: readonly ReqSection[] = [
  {
    name: GENERAL_INFO,
    label: 'General Information',
    items: [
      { name: 'reqInternalName', label: 'Internal Name' },
      { name: 'reqDisplayName', label: 'Display Name' },
      { name: 'reqAdapterUrl', label: 'CTI Adapter URL' },
      { name: 'reqUseApi', label: 'Use CTI API' },
      { name: 'reqSoftphoneHeight', label: 'Softphone Height' },
      { name: 'reqSoftphoneWidth', label: 'Softphone Width' },
      { name: 'reqSalesforceCompatibilityMode', label: 'Salesforce Compatibility Mode' },
      { name: 'reqStandbyUrl', label: 'Standby URL' },
      { name: 'reqTimeout', label: 'Timeout' },
      { name: 'reqDescription', label: 'Description' },
      { name: 'reqCanvasNamespace', label: 'Canvas Namespace' },
      { name: 'reqCanvasApiName', label: 'Canvas API Name' },
      // Older CTI Toolkit (desktop adapter) files, still accepted by Setup.
      { name: 'reqProgId', label: 'CTI Connector ProgId' },
      { name: 'reqVersion', label: 'Version' },
      // Salesforce Voice partner telephony (§7.8).
      { name: 'reqVendorInfoApiName', label: 'Conversation Vendor Info Developer Name' },
    ],
  },
  {
    name: DIALING_OPTIONS,
    label: 'Dialing Options',
    items: [
      { name: 'reqOutsidePrefix', label: 'Outside Prefix' },
      { name: 'reqLongDistPrefix', label: 'Long Distance Prefix' },
      { name: 'reqInternationalPrefix', label: 'International Prefix' },
    ],
  },
  {
    name: HVCC,
    label: 'SCV Settings',
    items: [
      { name: 'reqTelephonyIntegrationCertificate', label: 'Telephony Integration Certificate' },
      { name: 'reqLongDistPrefix', label: 'Long Distance Prefix' },
    ],
  },
];

export function reqSection(name: string): ReqSection | undefined {
  return REQ_SECTIONS.find((s) => s.name === name);
}

export function reqItemLabel(section: string, item: string): string {
  return reqSection(section)?.items.find((i) => i.name === item)?.label ?? item;
}

/** Names Salesforce reserves besides the `req` prefix (they collide with the settings map's keys). */
export const RESERVED_NAMES: readonly string[] = ['label', 'sortOrder', 'internalNameLabel', 'displayNameLabel'];

export const COMPATIBILITY_MODES = ['Classic', 'Lightning', 'Classic_and_Lightning'] as const;
export type CompatibilityMode = (typeof COMPATIBILITY_MODES)[number];

export const LIMITS = {
  nameLength: 40,
  labelLength: 1000,
  displayNameLength: 1000,
  height: { min: 240, max: 2560 },
  width: { min: 200, max: 1920 },
} as const;

export const METADATA_NAMESPACE = 'http://soap.sforce.com/2006/04/metadata';
export const METADATA_SUFFIX = '.callCenter-meta.xml';

/** The attributes of a Setup import `<section>` or `<item>`; the Metadata API writes them as child elements (or, for sortOrder, as the order in the file). */
export const IMPORT_ATTRIBUTES: readonly string[] = ['sortOrder', 'name', 'label'];

/** Top-level fields of the Metadata API `CallCenter` type. */
export const METADATA_FIELDS: readonly string[] = [
  'fullName',
  'adapterUrl',
  'contactCenterChannels',
  'customSettings',
  'displayName',
  'displayNameLabel',
  'internalNameLabel',
  'sections',
  'version',
  'voiceMailFallbackQueue',
  'voiceMailHandler',
];

export const INTERNAL_NAME = /^[A-Za-z][A-Za-z0-9]*$/;

/**
 * reqVendorInfoApiName: `<namespace>__<developer name>` of the package's ConversationVendorInfo.
 * A namespace prefix is a letter then up to 14 letters and digits; a developer name starts with a
 * letter, has letters, digits and single underscores, and does not end with one.
 */
export const VENDOR_INFO_API_NAME = /^([A-Za-z][A-Za-z0-9]{0,14})__([A-Za-z](?:[A-Za-z0-9]|_(?!_))*)$/;

/** The value Salesforce gives a partner-telephony ConversationVendorInfo's vendorType. */
export const VOICE_VENDOR_TYPE = 'ServiceCloudVoicePartner';

/** reqGeneralInfo items that mean something to an Open CTI softphone only; Salesforce Voice draws its own phone. */
export const OPENCTI_ONLY_GENERAL_ITEMS: readonly string[] = [
  'reqUseApi',
  'reqSoftphoneHeight',
  'reqSoftphoneWidth',
  'reqSalesforceCompatibilityMode',
  'reqStandbyUrl',
  'reqTimeout',
  'reqCanvasNamespace',
  'reqCanvasApiName',
  'reqProgId',
  'reqVersion',
];
export const ALPHANUMERIC = /^[A-Za-z0-9]+$/;
