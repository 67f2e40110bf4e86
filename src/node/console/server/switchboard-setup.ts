/**
 * The Switchboard setup page's server side (Setup > Switchboard in the emulator): a call center's
 * connector settings as a form, and saving them checked by the Call Center linter itself. The
 * values are put into the call center's definition and the whole file is linted, so each field gets
 * exactly the problems (rule, severity, message, fix) `switchboard callcenter lint` reports for the
 * same file: one rule table, two front ends.
 */
import { SWITCHBOARD_ITEMS, SWITCHBOARD_SECTION } from '../../../core/index.ts';
import { callCenterXml, type CallCenterItem } from '../db/call-center.ts';
import { lintCallCenter, type RuleId, type Severity } from '../../callcenter/lint.ts';
import type { ConsoleData } from './console-data.ts';
import { DEMO_CALL_CENTER_ITEMS } from '../seed/index.ts';

export interface SetupField {
  readonly name: string;
  readonly label: string;
  readonly type: string;
  readonly values?: readonly string[];
  readonly required: boolean;
  readonly default?: string;
  readonly description: string;
  readonly value: string;
}

export interface SetupProblem {
  /** The switchboard item the problem is about (its field on the page). */
  readonly item: string;
  readonly severity: Severity;
  readonly rule: RuleId;
  readonly message: string;
  readonly fix: string;
}

export interface SwitchboardSetupView {
  readonly callCenters: readonly { readonly Id: string; readonly Name: string }[];
  readonly callCenterId: string | null;
  readonly fields: readonly SetupField[];
}

export function switchboardSetupView(data: ConsoleData, callCenterId: string | undefined): SwitchboardSetupView {
  const callCenters = data.callCenters().map((c) => ({ Id: c.Id, Name: c.Name }));
  const id = callCenterId && data.callCenter(callCenterId) ? data.callCenter(callCenterId)!.Id : (callCenters[0]?.Id ?? null);
  const items = id ? (data.callCenterItems(id) ?? []) : [];
  const fields = SWITCHBOARD_ITEMS.map((spec) => ({
    name: spec.name,
    label: spec.label,
    type: spec.type,
    required: spec.required,
    description: spec.description,
    ...(spec.values ? { values: spec.values } : {}),
    ...(spec.default !== undefined ? { default: spec.default } : {}),
    value: items.find((i) => i.section === SWITCHBOARD_SECTION && i.item === spec.name)?.value ?? '',
  }));
  return { callCenters, callCenterId: id, fields };
}

/** The call center's items with `values` put into its switchboard section (new items appended, empty ones kept empty). */
function withValues(items: readonly CallCenterItem[], values: Readonly<Record<string, string>>): CallCenterItem[] {
  const out = items.map((i) => (i.section === SWITCHBOARD_SECTION && i.item in values ? { ...i, value: values[i.item]! } : i));
  const section = items.find((i) => i.section === SWITCHBOARD_SECTION);
  let order = Math.max(-1, ...items.filter((i) => i.section === SWITCHBOARD_SECTION).map((i) => i.sortOrder));
  const sectionSortOrder = section?.sectionSortOrder ?? Math.max(0, ...items.map((i) => i.sectionSortOrder ?? 0)) + 1;
  for (const [item, value] of Object.entries(values)) {
    if (out.some((i) => i.section === SWITCHBOARD_SECTION && i.item === item) || value === '') continue;
    const spec = SWITCHBOARD_ITEMS.find((s) => s.name === item);
    out.push({
      section: SWITCHBOARD_SECTION,
      sectionLabel: section?.sectionLabel ?? 'Switchboard Connector',
      sectionSortOrder,
      item,
      value,
      label: spec?.label ?? item,
      sortOrder: ++order,
    });
  }
  return out;
}

/** The linter's problems on the switchboard items, were the call center saved with `values` (items the connector reads). */
export function checkSwitchboardValues(items: readonly CallCenterItem[], values: Readonly<Record<string, string>>): SetupProblem[] {
  const next = withValues(items, values);
  const xml = callCenterXml(next);
  // Each item is on a line of its own: map a problem's line back to the item written there.
  const itemAtLine = new Map<number, string>();
  xml.split('\n').forEach((line, i) => {
    const m = new RegExp(`^\\s*<item [^>]*name="([^"]+)"`).exec(line);
    if (m) itemAtLine.set(i + 1, m[1]!);
  });
  const sectionLine = xml.split('\n').findIndex((l) => l.includes(`name="${SWITCHBOARD_SECTION}"`)) + 1;
  const problems: SetupProblem[] = [];
  for (const p of lintCallCenter(xml, 'setup.xml', { profile: 'switchboard' }).problems) {
    const onItem = itemAtLine.get(p.line);
    // A required item that is absent is reported on the section's line, naming the item.
    const item = onItem ?? (p.line === sectionLine ? SWITCHBOARD_ITEMS.find((s) => p.message.includes(` has no ${s.name}:`))?.name : undefined);
    if (item && SWITCHBOARD_ITEMS.some((s) => s.name === item)) problems.push({ item, severity: p.severity, rule: p.rule, message: p.message, fix: p.fix });
  }
  return problems;
}

/** The names in `values` that are no switchboard item (the form only sends known ones: a request naming others is malformed). */
export function unknownItems(values: Readonly<Record<string, string>>): string[] {
  return Object.keys(values).filter((k) => !SWITCHBOARD_ITEMS.some((s) => s.name === k));
}

/** Saves `values` into the call center's switchboard section; refuses (returns the problems) when any is an error. */
export function saveSwitchboardValues(
  data: ConsoleData,
  callCenterId: string,
  values: Readonly<Record<string, string>>,
): { readonly saved: boolean; readonly problems: readonly SetupProblem[] } {
  const items = data.callCenterItems(callCenterId);
  if (!items)
    return {
      saved: false,
      problems: [
        { item: '', severity: 'error', rule: 'switchboard-section-missing', message: `No call center ${callCenterId}.`, fix: 'Choose a call center.' },
      ],
    };
  const problems = checkSwitchboardValues(items, values);
  if (problems.some((p) => p.severity === 'error')) return { saved: false, problems };
  for (const [item, value] of Object.entries(values)) {
    const current = items.find((i) => i.section === SWITCHBOARD_SECTION && i.item === item)?.value ?? '';
    if (value !== current) data.setCallCenterItem(callCenterId, SWITCHBOARD_SECTION, item, value);
  }
  return { saved: true, problems };
}

/**
 * A new call center from nothing: the general items an Open CTI softphone needs (this emulator's
 * connector page as its adapter), named as the admin chose; checked by the linter like any import.
 */
export function createCallCenter(
  data: ConsoleData,
  internalName: string,
  displayName: string,
): { readonly callCenterId?: string; readonly problems: readonly SetupProblem[] } {
  const general = DEMO_CALL_CENTER_ITEMS.map((i) =>
    i.item === 'reqInternalName' ? { ...i, value: internalName } : i.item === 'reqDisplayName' ? { ...i, value: displayName } : i,
  );
  const xml = callCenterXml(general);
  const problems = lintCallCenter(xml, 'new.xml', { profile: 'generic' })
    .problems.filter((p) => p.severity === 'error')
    .map((p) => ({
      item: p.rule === 'display-name-missing' ? 'reqDisplayName' : 'reqInternalName',
      severity: p.severity,
      rule: p.rule,
      message: p.message,
      fix: p.fix,
    }));
  if (data.callCenters().some((c) => c.InternalName.toLowerCase() === internalName.toLowerCase())) {
    problems.push({
      item: 'reqInternalName',
      severity: 'error',
      rule: 'internal-name-invalid',
      message: `A call center named ${internalName} exists already.`,
      fix: 'Choose another internal name.',
    });
  }
  if (problems.length) return { problems };
  return { callCenterId: data.importCallCenter(xml).Id, problems: [] };
}
