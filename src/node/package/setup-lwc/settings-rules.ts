/**
 * The rules of the switchboardSetup LWC, bundled into it as `settingsRules.js` when the package is
 * built (setup-lwc.ts). The form's fields are SWITCHBOARD_ITEMS, and a value is checked by running
 * the Call Center linter itself on the call center as it would be saved: each field gets exactly
 * the rule, severity, message and fix `switchboard callcenter lint` reports for that file. One rule
 * table, two front ends; nothing here restates a rule or a message.
 *
 * Pure: no DOM, no Node. The page hands it the call center's Metadata API file (what the Apex
 * controller reads from the org) and the form's values.
 */
import { SWITCHBOARD_ITEMS, SWITCHBOARD_SECTION, SWITCHBOARD_SECTION_LABEL, type ItemType } from '../../../core/index.ts';
import { escapeXml } from '../../callcenter/build.ts';
import { lintCallCenter, type RuleId, type Severity } from '../../callcenter/lint.ts';
import { METADATA_NAMESPACE, METADATA_SUFFIX } from '../../callcenter/salesforce-names.ts';
import { parseXml, type XmlElement } from '../../callcenter/xml-tree.ts';

export interface SetupField {
  readonly name: string;
  readonly label: string;
  readonly type: ItemType;
  readonly required: boolean;
  readonly default?: string;
  readonly description: string;
  /** The values a select offers (booleans and enums). */
  readonly choices?: readonly string[];
  readonly secret: boolean;
}

export const FIELDS: readonly SetupField[] = SWITCHBOARD_ITEMS.map((s) => ({
  name: s.name,
  label: s.label,
  type: s.type,
  required: s.required,
  ...(s.default !== undefined ? { default: s.default } : {}),
  description: s.description,
  ...(s.type === 'boolean' ? { choices: ['true', 'false'] } : s.values ? { choices: s.values } : {}),
  secret: s.secret === true,
}));

export interface SetupProblem {
  /** The switchboard item the problem is on; '' for a problem elsewhere in the call center. */
  readonly item: string;
  readonly severity: Severity;
  readonly rule: RuleId;
  readonly message: string;
  readonly fix: string;
  readonly line: number;
}

export interface SettingsCheck {
  /** The Metadata API file the call center would be saved as. */
  readonly xml: string;
  readonly problems: readonly SetupProblem[];
  /** True when a switchboard item has an error: the page then refuses to save. */
  readonly blocked: boolean;
}

export interface CallCenterView {
  readonly internalName: string;
  readonly displayName: string;
  readonly sections: readonly {
    readonly name: string;
    readonly label: string;
    readonly items: readonly { readonly name: string; readonly label: string; readonly value: string }[];
  }[];
}

/** A mutable copy of the metadata tree: only elements and their text (CallCenter files have no attributes). */
interface Node {
  name: string;
  text: string;
  children: Node[];
}

const copy = (e: XmlElement): Node => ({ name: e.name, text: e.text.trim(), children: e.children.map(copy) });
const child = (n: Node, name: string): Node | undefined => n.children.find((c) => c.name === name);
const leaf = (name: string, text: string): Node => ({ name, text, children: [] });

function readTree(xml: string): Node {
  const { root, errors } = parseXml(xml);
  if (!root || errors.length) throw new Error(`The call center is not well-formed XML: ${errors[0]?.message ?? 'no root element'}.`);
  if (root.name !== 'CallCenter' || root.uri !== METADATA_NAMESPACE) throw new Error(`Expected a Metadata API <CallCenter>, got <${root.name}>.`);
  return copy(root);
}

/** The switchboard item values of a call center (items it does not have are absent). */
export function readSettings(xml: string): Record<string, string> {
  const section = readTree(xml).children.find((s) => s.name === 'sections' && child(s, 'name')?.text === SWITCHBOARD_SECTION);
  const values: Record<string, string> = {};
  for (const item of section?.children.filter((c) => c.name === 'items') ?? []) {
    const name = child(item, 'name')?.text;
    if (name) values[name] = child(item, 'value')?.text ?? '';
  }
  return values;
}

/**
 * The call center with `values` in its switchboard section: items it has take the new value, the
 * others are added (required ones even when empty, so the linter names them), in SWITCHBOARD_ITEMS
 * order. Everything else in the file is kept as it is.
 */
function withSettings(tree: Node, values: Readonly<Record<string, string>>): Node {
  let section = tree.children.find((s) => s.name === 'sections' && child(s, 'name')?.text === SWITCHBOARD_SECTION);
  if (!section) {
    section = { name: 'sections', text: '', children: [leaf('label', SWITCHBOARD_SECTION_LABEL), leaf('name', SWITCHBOARD_SECTION)] };
    const version = tree.children.findIndex((c) => c.name === 'version');
    tree.children.splice(version < 0 ? tree.children.length : version, 0, section);
  }
  for (const field of FIELDS) {
    const value = (values[field.name] ?? '').trim();
    const item = section.children.find((c) => c.name === 'items' && child(c, 'name')?.text === field.name);
    if (item) {
      if (!(field.name in values)) continue;
      const v = child(item, 'value');
      if (v) v.text = value;
      else item.children.push(leaf('value', value));
    } else if (value !== '' || field.required) {
      // A section's items come before its own label and name.
      const at = section.children.findIndex((c) => c.name !== 'items');
      section.children.splice(at < 0 ? section.children.length : at, 0, {
        name: 'items',
        text: '',
        children: [leaf('label', field.label), leaf('name', field.name), leaf('value', value)],
      });
    }
  }
  return tree;
}

/** Writes the tree as a Metadata API file, noting the lines each switchboard item spans. */
function serialize(tree: Node): { xml: string; itemLines: Map<string, [number, number]> } {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<${tree.name} xmlns="${METADATA_NAMESPACE}">`];
  const itemLines = new Map<string, [number, number]>();
  const write = (n: Node, depth: number, inSwitchboard: boolean): void => {
    const pad = '    '.repeat(depth);
    if (n.children.length === 0) {
      lines.push(`${pad}<${n.name}>${escapeXml(n.text)}</${n.name}>`);
      return;
    }
    const start = lines.length + 1;
    lines.push(`${pad}<${n.name}>`);
    const switchboard = n.name === 'sections' && child(n, 'name')?.text === SWITCHBOARD_SECTION;
    for (const c of n.children) write(c, depth + 1, switchboard);
    lines.push(`${pad}</${n.name}>`);
    const name = child(n, 'name')?.text;
    if (inSwitchboard && n.name === 'items' && name) itemLines.set(name, [start, lines.length]);
  };
  for (const c of tree.children) write(c, 1, false);
  lines.push(`</${tree.name}>`, '');
  return { xml: lines.join('\n'), itemLines };
}

/** Lints the call center as it would be saved with `values`; each problem names the field it is on. */
export function checkSettings(xml: string, internalName: string, values: Readonly<Record<string, string>>): SettingsCheck {
  const { xml: next, itemLines } = serialize(withSettings(readTree(xml), values));
  const problems = lintCallCenter(next, `${internalName}${METADATA_SUFFIX}`, { profile: 'switchboard' }).problems.map((p): SetupProblem => {
    const item = [...itemLines].find(([, [from, to]]) => p.line >= from && p.line <= to)?.[0] ?? '';
    return { item, severity: p.severity, rule: p.rule, message: p.message, fix: p.fix, line: p.line };
  });
  return { xml: next, problems, blocked: problems.some((p) => p.item !== '' && p.severity === 'error') };
}

/** The call center as Setup shows it: its names, then each section's items (secret values masked). */
export function describeCallCenter(xml: string, internalName: string): CallCenterView {
  const cc = lintCallCenter(xml, `${internalName}${METADATA_SUFFIX}`, { profile: 'switchboard' }).callCenter;
  if (!cc) throw new Error('The call center could not be read.');
  const secret = new Set(FIELDS.filter((f) => f.secret).map((f) => f.name));
  return {
    internalName: cc.internalName ?? internalName,
    displayName: cc.displayName ?? '',
    sections: cc.sections.map((s) => ({
      name: s.name,
      label: s.label ?? s.name,
      items: s.items.map((i) => ({
        name: i.name,
        label: i.label ?? i.name,
        value: s.name === SWITCHBOARD_SECTION && secret.has(i.name) && i.value !== '' ? '••••••••' : i.value,
      })),
    })),
  };
}
