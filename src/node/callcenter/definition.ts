/**
 * The call center as the config file describes it, and its sections as both file formats write
 * them. The connector's own section comes from SWITCHBOARD_ITEMS (core), never from a copy.
 */
import { SWITCHBOARD_ITEMS, SWITCHBOARD_SECTION, SWITCHBOARD_SECTION_LABEL } from '../../core/index.ts';
import { DIALING_OPTIONS, GENERAL_INFO, HVCC, reqItemLabel, reqSection, type CompatibilityMode } from './salesforce-names.ts';

/** Which Salesforce telephony the call center is for: an Open CTI softphone, or Salesforce Voice with partner telephony. */
export type Surface = 'opencti' | 'voice';
export const SURFACES: readonly Surface[] = ['opencti', 'voice'];

/** What a Salesforce Voice contact center adds (the config's `voice` section). */
export interface VoiceDefinition {
  /** reqVendorInfoApiName: `<namespace>__<developer name>` of the package's ConversationVendorInfo. */
  readonly vendorInfoApiName: string;
  /** The certificate file as the config names it (relative to the config file). */
  readonly certificateFile: string;
  /** The certificate's PEM text, read from certificateFile and checked (voice-certificate.ts). */
  readonly certificate: string;
  /** When the certificate expires. */
  readonly certificateNotAfter: Date;
  /** reqHvcc/reqLongDistPrefix. */
  readonly longDistancePrefix?: string;
}

export interface CallCenterDefinition {
  /** Absent means opencti (configs written before Voice). */
  readonly surface?: Surface;
  /** Present exactly when surface is voice. */
  readonly voice?: VoiceDefinition;
  readonly internalName: string;
  readonly displayName: string;
  readonly description?: string;
  readonly adapterUrl: string;
  /** The Open CTI panel's size and compatibility mode; a Voice contact center writes none of them (Salesforce draws the phone). */
  readonly height: number;
  readonly width: number;
  readonly compatibilityMode: CompatibilityMode;
  readonly standbyUrl?: string;
  readonly timeout?: number;
  readonly dialing: {
    readonly outsidePrefix?: string;
    readonly longDistancePrefix?: string;
    readonly internationalPrefix?: string;
  };
  /** Every SWITCHBOARD_ITEMS name → its value as the string written in the file. */
  readonly switchboard: Readonly<Record<string, string>>;
}

export interface DefinitionItem {
  readonly name: string;
  readonly label: string;
  readonly value: string;
}

export interface DefinitionSection {
  readonly name: string;
  readonly label: string;
  readonly items: readonly DefinitionItem[];
}

export const DEFAULT_INTERNAL_NAME = 'SwitchboardSoftphone';
export const DEFAULT_ADAPTER_URL = '/apex/SwitchboardSoftphone';
export const DEFAULT_VOICE_INTERNAL_NAME = 'SwitchboardVoice';
/** Where the hosted connector serves the Voice page (the emulator serves it at <Visualforce origin>/voice/). */
export const DEFAULT_VOICE_CONNECTOR_URL = 'https://switchboard.example.com/voice/';
export const DEFAULT_VENDOR_INFO_API_NAME = 'switchboard__SwitchboardVoice';
/** The name `switchboard voice-bridge keygen` gives the certificate (its key is voice-bridge-key.pem). */
export const DEFAULT_CERTIFICATE_FILE = 'voice-bridge-cert.pem';

export function isVoice(def: CallCenterDefinition): def is CallCenterDefinition & { readonly surface: 'voice'; readonly voice: VoiceDefinition } {
  return def.surface === 'voice' && def.voice !== undefined;
}

/** The sections, in file order (their index is the sortOrder). */
export function definitionSections(def: CallCenterDefinition): DefinitionSection[] {
  if (isVoice(def)) return voiceSections(def, def.voice);
  const general: [string, string | undefined][] = [
    ['reqInternalName', def.internalName],
    ['reqDisplayName', def.displayName],
    ['reqDescription', def.description],
    ['reqAdapterUrl', def.adapterUrl],
    ['reqUseApi', 'true'],
    ['reqSoftphoneHeight', String(def.height)],
    ['reqSoftphoneWidth', String(def.width)],
    ['reqSalesforceCompatibilityMode', def.compatibilityMode],
    ['reqStandbyUrl', def.standbyUrl],
    ['reqTimeout', def.timeout === undefined ? undefined : String(def.timeout)],
  ];
  const dialing: [string, string | undefined][] = [
    ['reqOutsidePrefix', def.dialing.outsidePrefix],
    ['reqLongDistPrefix', def.dialing.longDistancePrefix],
    ['reqInternationalPrefix', def.dialing.internationalPrefix],
  ];
  return [
    { name: GENERAL_INFO, label: reqSection(GENERAL_INFO)?.label ?? GENERAL_INFO, items: reqItems(GENERAL_INFO, general, false) },
    // Dialing prefixes are kept even when empty so admins can fill them in Setup later.
    { name: DIALING_OPTIONS, label: reqSection(DIALING_OPTIONS)?.label ?? DIALING_OPTIONS, items: reqItems(DIALING_OPTIONS, dialing, true) },
    switchboardSection(def),
  ];
}

/**
 * A Salesforce Voice contact center: reqGeneralInfo names the ConversationVendorInfo (and keeps
 * the connector URL as reqAdapterUrl, which the console emulator loads), reqHvcc holds the
 * certificate; no Open CTI panel items.
 */
function voiceSections(def: CallCenterDefinition, voice: VoiceDefinition): DefinitionSection[] {
  const general: [string, string | undefined][] = [
    ['reqInternalName', def.internalName],
    ['reqDisplayName', def.displayName],
    ['reqVendorInfoApiName', voice.vendorInfoApiName],
    ['reqAdapterUrl', def.adapterUrl],
    ['reqDescription', def.description],
  ];
  return [
    { name: GENERAL_INFO, label: reqSection(GENERAL_INFO)?.label ?? GENERAL_INFO, items: reqItems(GENERAL_INFO, general, false) },
    {
      name: HVCC,
      label: reqSection(HVCC)?.label ?? HVCC,
      // The prefix is kept even when empty so admins can fill it in Setup later.
      items: reqItems(
        HVCC,
        [
          ['reqTelephonyIntegrationCertificate', voice.certificate],
          ['reqLongDistPrefix', voice.longDistancePrefix ?? ''],
        ],
        true,
      ),
    },
    switchboardSection(def),
  ];
}

function reqItems(section: string, entries: [string, string | undefined][], keepEmpty: boolean): DefinitionItem[] {
  return entries
    .filter((e): e is [string, string] => e[1] !== undefined && (keepEmpty || e[1] !== ''))
    .map(([name, value]) => ({ name, label: reqItemLabel(section, name), value }));
}

function switchboardSection(def: CallCenterDefinition): DefinitionSection {
  return {
    name: SWITCHBOARD_SECTION,
    label: SWITCHBOARD_SECTION_LABEL,
    items: SWITCHBOARD_ITEMS.map((spec) => ({ name: spec.name, label: spec.label, value: def.switchboard[spec.name] ?? spec.default ?? '' })),
  };
}
