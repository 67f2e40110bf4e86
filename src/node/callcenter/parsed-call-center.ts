/**
 * A Call Center definition as read from either file format, with what Salesforce would hand the
 * softphone through getCallCenterSettings (§4.5 of the reference).
 */
import type { Position } from './position.ts';
import { GENERAL_INFO, reqItemLabel } from './salesforce-names.ts';

export type CallCenterFormat = 'import' | 'metadata';

export interface ParsedItem {
  readonly name: string;
  readonly label?: string;
  /** The value with surrounding blanks removed, as Setup stores it. */
  readonly value: string;
  readonly sortOrder: number;
  /** The `<item>` / `<items>` element. */
  readonly position: Position;
  /** Where the value is (the element when it is empty). */
  readonly valuePosition: Position;
}

export interface ParsedSection {
  readonly name: string;
  readonly label?: string;
  readonly sortOrder: number;
  readonly items: readonly ParsedItem[];
  readonly position: Position;
}

export interface ParsedCallCenter {
  readonly format: CallCenterFormat;
  /** reqInternalName (import) or the Metadata fullName / file name. */
  readonly internalName?: string;
  readonly displayName?: string;
  readonly displayNameLabel: string;
  readonly internalNameLabel: string;
  /** In sortOrder order. */
  readonly sections: readonly ParsedSection[];
  section(name: string): ParsedSection | undefined;
  /** An item's value, or undefined when the item is absent. */
  value(section: string, item: string): string | undefined;
  /** The getCallCenterSettings map: `/section/item`, `…/label`, `…/sortOrder` ("N.0"), `/label`… */
  toSettingsMap(): Record<string, string>;
}

export interface CallCenterParts {
  readonly format: CallCenterFormat;
  readonly internalName?: string;
  readonly displayName?: string;
  readonly displayNameLabel?: string;
  readonly internalNameLabel?: string;
  readonly sections: readonly ParsedSection[];
  /** Metadata only: general values given outside the sections (adapterUrl field, customSettings). */
  readonly generalFallbacks?: Readonly<Record<string, string>>;
}

export function makeParsedCallCenter(parts: CallCenterParts): ParsedCallCenter {
  const sections = [...parts.sections].sort((a, b) => a.sortOrder - b.sortOrder);
  const find = (name: string): ParsedSection | undefined => sections.find((s) => s.name === name);
  const value = (section: string, item: string): string | undefined => {
    const found = find(section)?.items.find((i) => i.name === item)?.value;
    if (found !== undefined) return found;
    if (section !== GENERAL_INFO) return undefined;
    if (item === 'reqInternalName' && parts.format === 'metadata') return parts.internalName;
    if (item === 'reqDisplayName' && parts.format === 'metadata') return parts.displayName;
    return parts.generalFallbacks?.[item];
  };
  const displayNameLabel = parts.displayNameLabel ?? 'Display Name';
  const internalNameLabel = parts.internalNameLabel ?? 'Internal Name';
  return {
    format: parts.format,
    ...(parts.internalName !== undefined ? { internalName: parts.internalName } : {}),
    ...(parts.displayName !== undefined ? { displayName: parts.displayName } : {}),
    displayNameLabel,
    internalNameLabel,
    sections,
    section: find,
    value,
    toSettingsMap() {
      const map: Record<string, string> = {};
      const put = (section: string, item: string, v: string, label: string | undefined, order: number): void => {
        map[`/${section}/${item}`] = v;
        map[`/${section}/${item}/label`] = label ?? item;
        map[`/${section}/${item}/sortOrder`] = `${order}.0`;
      };
      for (const s of sections) {
        map[`/${s.name}/label`] = s.label ?? s.name;
        map[`/${s.name}/sortOrder`] = `${s.sortOrder}.0`;
        for (const i of s.items) put(s.name, i.name, i.value, i.label, i.sortOrder);
      }
      // The Metadata format keeps some general values outside the section; Salesforce still
      // reports them under /reqGeneralInfo.
      if (parts.format === 'metadata') {
        const general = find(GENERAL_INFO);
        let next = general ? general.items.length : 0;
        if (!general) {
          map[`/${GENERAL_INFO}/label`] = 'General Information';
          map[`/${GENERAL_INFO}/sortOrder`] = '0.0';
        }
        const extra: Record<string, string | undefined> = {
          reqInternalName: parts.internalName,
          reqDisplayName: parts.displayName,
          ...parts.generalFallbacks,
        };
        for (const [item, v] of Object.entries(extra)) {
          if (v === undefined || map[`/${GENERAL_INFO}/${item}`] !== undefined) continue;
          put(GENERAL_INFO, item, v, reqItemLabel(GENERAL_INFO, item), next++);
        }
      }
      const displayName = value(GENERAL_INFO, 'reqDisplayName');
      if (displayName !== undefined) map['/label'] = displayName;
      map['/displayNameLabel'] = displayNameLabel;
      map['/internalNameLabel'] = internalNameLabel;
      return map;
    },
  };
}
