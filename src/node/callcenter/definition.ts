/**
 * The call center as the config file describes it, and its sections as both file formats write
 * them. The connector's own section comes from SWITCHBOARD_ITEMS (core), never from a copy.
 */
import { SWITCHBOARD_ITEMS, SWITCHBOARD_SECTION, SWITCHBOARD_SECTION_LABEL } from '../../core/index.ts';
import { DIALING_OPTIONS, GENERAL_INFO, reqItemLabel, reqSection, type CompatibilityMode } from './salesforce-names.ts';

export interface CallCenterDefinition {
  readonly internalName: string;
  readonly displayName: string;
  readonly description?: string;
  readonly adapterUrl: string;
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

/** The sections, in file order (their index is the sortOrder). */
export function definitionSections(def: CallCenterDefinition): DefinitionSection[] {
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
  const reqItems = (section: string, entries: [string, string | undefined][], keepEmpty: boolean): DefinitionItem[] =>
    entries
      .filter((e): e is [string, string] => e[1] !== undefined && (keepEmpty || e[1] !== ''))
      .map(([name, value]) => ({ name, label: reqItemLabel(section, name), value }));
  return [
    { name: GENERAL_INFO, label: reqSection(GENERAL_INFO)?.label ?? GENERAL_INFO, items: reqItems(GENERAL_INFO, general, false) },
    // Dialing prefixes are kept even when empty so admins can fill them in Setup later.
    { name: DIALING_OPTIONS, label: reqSection(DIALING_OPTIONS)?.label ?? DIALING_OPTIONS, items: reqItems(DIALING_OPTIONS, dialing, true) },
    {
      name: SWITCHBOARD_SECTION,
      label: SWITCHBOARD_SECTION_LABEL,
      items: SWITCHBOARD_ITEMS.map((spec) => ({ name: spec.name, label: spec.label, value: def.switchboard[spec.name] ?? spec.default ?? '' })),
    },
  ];
}
