/**
 * The Call Center file linter. Reads either format — the Setup import file
 * (`<callCenter><section sortOrder name label><item …>value</item>`) or the Metadata API file
 * (`<CallCenter xmlns="http://soap.sforce.com/2006/04/metadata"><sections><items><name>…`) — and
 * reports every problem with its position, a stable rule id (rules.ts) and how to fix it.
 *
 * Used by `switchboard callcenter lint` and by the console emulator's Setup import, which refuses a
 * file with errors exactly as Salesforce would and otherwise feeds `toSettingsMap()` to Open CTI.
 *
 * Decisions (documented in docs/callcenter.md):
 * - A file that is not well-formed gets only its XML errors: its structure cannot be trusted.
 * - A missing reqSalesforceCompatibilityMode is an error, like `Classic`: Salesforce then assumes
 *   Classic and the phone never shows in Lightning, the most common cause of a blank utility bar.
 * - A file without the `switchboard` section gets a warning (other vendors' files stay importable);
 *   once the section is there, its required items are errors.
 * - Gaps in sortOrder are only checked among siblings whose sortOrders are all present and valid.
 * - Salesforce Voice contact centers (a `reqHvcc` section or `reqVendorInfoApiName`) skip the Open CTI
 *   checks (compatibility mode, panel size, reqUseApi) and get their own: the vendor info API name,
 *   the certificate (parsed with node's X509Certificate, never echoed), reqHvcc/reqLongDistPrefix;
 *   Open CTI items in them are warnings (Salesforce ignores them), not errors.
 */
import { checkItemValue, SWITCHBOARD_ITEMS, SWITCHBOARD_SECTION } from '../../core/index.ts';
import { makeParsedCallCenter, type CallCenterFormat, type ParsedCallCenter, type ParsedItem, type ParsedSection } from './parsed-call-center.ts';
import type { Position } from './position.ts';
import { RULES, sortProblems, type LintProblem, type RuleId, type Severity } from './rules.ts';
import {
  ALPHANUMERIC, COMPATIBILITY_MODES, DIALING_OPTIONS, GENERAL_INFO, HVCC, INTERNAL_NAME, LIMITS,
  METADATA_FIELDS, METADATA_NAMESPACE, METADATA_SUFFIX, OPENCTI_ONLY_GENERAL_ITEMS, RESERVED_NAMES, REQ_SECTIONS, reqSection,
  VENDOR_INFO_API_NAME,
} from './salesforce-names.ts';
import { certificateCommand, checkCertificate, EXPIRY_WARNING_DAYS } from './certificate-check.ts';
import { parseXml, type XmlElement } from './xml-tree.ts';

export type { LintProblem, RuleId, Severity } from './rules.ts';
export type { ParsedCallCenter, ParsedItem, ParsedSection, CallCenterFormat } from './parsed-call-center.ts';
export type { Position } from './position.ts';
export { RULES, formatProblem, hasErrors } from './rules.ts';

/**
 * Whose Call Center the file is checked as: `switchboard` adds the connector's own advice (its
 * section, how its adapter page is deployed); `generic` checks only what Salesforce itself needs.
 */
export type LintProfile = 'switchboard' | 'generic';

export interface LintOptions {
  /** `auto` picks `switchboard` when the file has a switchboard section or its adapter URL names Switchboard. Default `switchboard`. */
  readonly profile?: LintProfile | 'auto';
  /** Judges certificate expiry at this time (default: now). */
  readonly now?: Date;
}

/** Which Salesforce telephony the call center is for: Open CTI, or Salesforce Voice (a reqHvcc section or reqVendorInfoApiName). */
export type CallCenterSurface = 'opencti' | 'voice';

export interface LintResult {
  readonly problems: LintProblem[];
  /** Present when the file is well-formed and has a Call Center root (even with other errors). */
  readonly callCenter?: ParsedCallCenter;
  /** The file's format, when its root says (Setup import `<callCenter>` or Metadata API `<CallCenter>`). */
  readonly format?: CallCenterFormat;
  readonly profile: LintProfile;
  /** Present with `callCenter`. */
  readonly surface?: CallCenterSurface;
}

class Reporter {
  readonly problems: LintProblem[] = [];
  constructor(private readonly file: string) {}

  report(rule: RuleId, at: Position, message: string, fix: string, severity?: Severity): void {
    this.problems.push({ file: this.file, line: at.line, column: at.column, severity: severity ?? RULES[rule].severity, rule, message, fix });
  }
}

const SORT_ORDER = /^\d+$/;

/** Lints a Call Center file of either format. `fileName` is used in messages and to check the naming. */
export function lintCallCenter(text: string, fileName: string, options: LintOptions = {}): LintResult {
  const wanted = options.profile ?? 'switchboard';
  const unknownProfile: LintProfile = wanted === 'auto' ? 'generic' : wanted;
  const r = new Reporter(fileName);
  const { root, errors } = parseXml(text);
  if (errors.length > 0 || !root) {
    for (const e of errors) {
      r.report('xml-not-well-formed', e.position, `Not well-formed XML: ${e.message}.`, 'Correct the XML syntax at this position (matching start and end tags, quoted attributes, &amp; for a literal &).');
    }
    if (errors.length === 0) r.report('xml-not-well-formed', { line: 1, column: 1 }, 'The file has no root element.', 'Start the file with <callCenter> (Setup import) or <CallCenter xmlns="http://soap.sforce.com/2006/04/metadata"> (Metadata API).');
    return { problems: sortProblems(r.problems), profile: unknownProfile };
  }

  let parts: Parts | undefined;
  if (root.name === 'callCenter') parts = readImport(root, fileName, r);
  else if (root.name === 'CallCenter') parts = readMetadata(root, fileName, r);
  else {
    const hint = root.name.toLowerCase() === 'callcenter' ? ` Element names are case-sensitive: did you mean <callCenter> or <CallCenter>?` : '';
    r.report('wrong-root', root.position, `The root element is <${root.name}>, not a Call Center.${hint}`, 'Use <callCenter> for a Setup import file or <CallCenter xmlns="http://soap.sforce.com/2006/04/metadata"> for a Metadata API file.');
    return { problems: sortProblems(r.problems), profile: unknownProfile };
  }
  const callCenter = makeParsedCallCenter(parts);
  const profile: LintProfile = wanted !== 'auto' ? wanted : looksLikeSwitchboard(callCenter, parts) ? 'switchboard' : 'generic';
  const surface = surfaceOf(callCenter);
  checkSemantics(callCenter, parts, root, r, profile, surface, options.now ?? new Date());
  return { problems: sortProblems(r.problems), callCenter, format: parts.format, profile, surface };
}

function surfaceOf(cc: ParsedCallCenter): CallCenterSurface {
  return cc.section(HVCC) !== undefined || cc.value(GENERAL_INFO, 'reqVendorInfoApiName') !== undefined ? 'voice' : 'opencti';
}

/** A switchboard section, or an adapter URL that names Switchboard (our package's page, our hosted connector). */
function looksLikeSwitchboard(cc: ParsedCallCenter, parts: Parts): boolean {
  if (cc.section(SWITCHBOARD_SECTION)) return true;
  const adapter = cc.section(GENERAL_INFO)?.items.find((i) => i.name === 'reqAdapterUrl')?.value ?? parts.generalFallbacks?.['reqAdapterUrl'] ?? '';
  return /switchboard/i.test(adapter);
}

interface Parts {
  readonly format: CallCenterFormat;
  readonly internalName?: string;
  readonly internalNamePosition?: Position;
  readonly displayName?: string;
  readonly displayNamePosition?: Position;
  readonly displayNameLabel?: string;
  readonly internalNameLabel?: string;
  readonly sections: ParsedSection[];
  readonly generalFallbacks?: Record<string, string>;
  readonly fallbackPositions?: Record<string, Position>;
}

// ─── Setup import format ────────────────────────────────────────────────────────────────────────

const IMPORT_ATTRIBUTES = ['sortOrder', 'name', 'label'];

function readImport(root: XmlElement, fileName: string, r: Reporter): Parts {
  if (fileName.endsWith(METADATA_SUFFIX)) {
    r.report('format-mixed', root.position, `This is a Setup import file (<callCenter>) but it is named *${METADATA_SUFFIX}, the Metadata API's name for <CallCenter> files; a deploy would reject it.`, `Rename it (e.g. ${baseName(fileName).slice(0, -METADATA_SUFFIX.length)}.xml) and import it in Setup > Call Centers > Import, or generate the Metadata file with \`switchboard callcenter build\`.`);
  }
  for (const attr of root.attributes.values()) {
    if (attr.name === 'xmlns' || attr.name.startsWith('xmlns:')) {
      r.report('format-mixed', attr.position, `The Setup import <callCenter> takes no namespace; '${attr.name}="${attr.value}"' belongs to the Metadata API <CallCenter>.`, 'Remove the xmlns attribute (or switch the whole file to the Metadata format).');
    } else r.report('unknown-attribute', attr.position, `<callCenter> has no attribute '${attr.name}'.`, `Remove '${attr.name}'.`);
  }
  const sectionElements: XmlElement[] = [];
  for (const child of root.children) {
    if (child.name === 'section') sectionElements.push(child);
    else if (child.name === 'sections') r.report('format-mixed', child.position, '<sections> is the Metadata API element; a Setup import <callCenter> contains <section> elements.', 'Write <section sortOrder="N" name="…" label="…"> with <item> children, or make the root <CallCenter xmlns="http://soap.sforce.com/2006/04/metadata">.');
    else if (child.name === 'item' || child.name === 'items') r.report('wrong-nesting', child.position, `<${child.name}> must be inside a <section>, not directly in <callCenter>.`, 'Move the item into the <section> it belongs to.');
    else if (METADATA_FIELDS.includes(child.name)) r.report('format-mixed', child.position, `<${child.name}> is a Metadata API field; the Setup import format has no such element.`, 'Put the value in an item of the reqGeneralInfo section (e.g. reqAdapterUrl, reqDisplayName) and remove this element.');
    else r.report('unexpected-element', child.position, `<callCenter> contains <${child.name}>, which the Call Center format does not define.`, 'Remove it; a <callCenter> holds only <section> elements.');
  }
  checkNoText(root, r);
  if (sectionElements.length === 0) r.report('no-sections', root.position, 'The call center has no <section>.', 'Add <section sortOrder="0" name="reqGeneralInfo" label="General Information"> with reqInternalName, reqDisplayName and reqAdapterUrl items.');
  checkSortOrders(sectionElements, 'Sections', r);

  const sections: ParsedSection[] = [];
  sectionElements.forEach((el, index) => {
    const section = readImportSection(el, index, r);
    if (section) sections.push(section);
  });
  checkDuplicateNames(sections.map((s) => ({ name: s.name, position: s.position })), 'sections', 'section', r);
  const general = sections.find((s) => s.name === GENERAL_INFO);
  const internal = general?.items.find((i) => i.name === 'reqInternalName');
  const display = general?.items.find((i) => i.name === 'reqDisplayName');
  return {
    format: 'import',
    ...(internal ? { internalName: internal.value, internalNamePosition: internal.valuePosition } : {}),
    ...(display ? { displayName: display.value, displayNamePosition: display.valuePosition } : {}),
    sections,
  };
}

function readImportSection(el: XmlElement, index: number, r: Reporter): ParsedSection | undefined {
  checkImportAttributes(el, r);
  const name = el.attributes.get('name')?.value ?? '';
  const nameOk = checkName(name, el.attributes.get('name')?.position ?? el.position, el.position, 'section', undefined, r);
  const label = el.attributes.get('label');
  if (label) checkLabel(label.value, label.position, r);
  const itemElements: XmlElement[] = [];
  for (const child of el.children) {
    if (child.name === 'item') itemElements.push(child);
    else if (child.name === 'items') r.report('format-mixed', child.position, '<items> is the Metadata API element; a Setup import <section> contains <item> elements.', 'Write <item sortOrder="N" name="…" label="…">value</item>.');
    else if (child.name === 'name' || child.name === 'label') r.report('format-mixed', child.position, `<${child.name}> as a child element is the Metadata API form; in a Setup import file it is an attribute of <section>.`, `Write it as the ${child.name}="…" attribute of <section>.`);
    else if (child.name === 'section' || child.name === 'sections') r.report('wrong-nesting', child.position, 'Sections cannot be nested.', 'Close the outer <section> before starting the next one.');
    else r.report('unexpected-element', child.position, `<section> contains <${child.name}>, which the Call Center format does not define.`, 'Remove it; a <section> holds only <item> elements.');
  }
  checkNoText(el, r);
  const what = name ? `section '${name}'` : 'this section';
  if (itemElements.length === 0) r.report('empty-section', el.position, `The ${what} has no <item>.`, 'Add at least one item or remove the section.');
  checkSortOrders(itemElements, `Items in ${what}`, r);
  const items: ParsedItem[] = [];
  itemElements.forEach((itemEl, i) => {
    checkImportAttributes(itemEl, r);
    const itemName = itemEl.attributes.get('name')?.value ?? '';
    const ok = checkName(itemName, itemEl.attributes.get('name')?.position ?? itemEl.position, itemEl.position, 'item', nameOk ? name : undefined, r);
    const itemLabel = itemEl.attributes.get('label');
    if (itemLabel) checkLabel(itemLabel.value, itemLabel.position, r);
    // A Metadata-style <value> child still says what the value is: use it, so the one mistake is
    // reported once (as format-mixed) rather than again as an empty value.
    const valueChild = itemEl.children.find((c) => c.name === 'value');
    for (const child of itemEl.children) {
      if (['value', 'name', 'label'].includes(child.name)) r.report('format-mixed', child.position, `<${child.name}> inside <item> is the Metadata API form; in a Setup import file the value is the item's text and name/label are attributes.`, `Write <item sortOrder="N" name="…" label="…">value</item>.`);
      else r.report('unexpected-element', child.position, `<item> contains <${child.name}>; an item holds only its value as text.`, 'Remove the element; escape < as &lt; if it is part of the value.');
    }
    if (ok) {
      items.push({
        name: itemName,
        ...(itemLabel ? { label: itemLabel.value } : {}),
        value: (valueChild ?? itemEl).text.trim(),
        sortOrder: orderOf(itemEl, i),
        position: itemEl.position,
        valuePosition: (valueChild ?? itemEl).textPosition ?? itemEl.position,
      });
    }
  });
  checkDuplicateNames(items.map((i) => ({ name: i.name, position: i.position })), `items of ${what}`, 'item', r);
  if (!nameOk) return undefined;
  return { name, ...(label ? { label: label.value } : {}), sortOrder: orderOf(el, index), items, position: el.position };
}

function orderOf(el: XmlElement, fallback: number): number {
  const raw = el.attributes.get('sortOrder')?.value ?? '';
  return SORT_ORDER.test(raw) ? Number(raw) : fallback;
}

function checkImportAttributes(el: XmlElement, r: Reporter): void {
  for (const attr of el.attributes.values()) {
    if (!IMPORT_ATTRIBUTES.includes(attr.name)) r.report('unknown-attribute', attr.position, `<${el.name}> has no attribute '${attr.name}'.`, `Remove '${attr.name}'; <${el.name}> takes sortOrder, name and label.`);
  }
}

function checkSortOrders(elements: readonly XmlElement[], what: string, r: Reporter): void {
  const seen = new Map<number, XmlElement>();
  let allValid = true;
  for (const el of elements) {
    const attr = el.attributes.get('sortOrder');
    if (!attr) {
      allValid = false;
      r.report('sort-order-missing', el.position, `<${el.name}${nameSuffix(el)}> has no sortOrder.`, `Add sortOrder="N"; ${what} are numbered 0, 1, 2… in order.`);
      continue;
    }
    if (!SORT_ORDER.test(attr.value)) {
      allValid = false;
      r.report('sort-order-invalid', attr.position, `sortOrder '${attr.value}' of <${el.name}${nameSuffix(el)}> is not a non-negative whole number.`, 'Use 0, 1, 2… (no sign, decimals or spaces).');
      continue;
    }
    const n = Number(attr.value);
    const first = seen.get(n);
    if (first) {
      allValid = false;
      r.report('sort-order-duplicate', attr.position, `${what} use sortOrder ${n} twice (also at line ${first.position.line}).`, 'Give every sibling its own sortOrder: 0, 1, 2… in order.');
    } else seen.set(n, el);
  }
  if (!allValid || seen.size === 0) return;
  const orders = [...seen.keys()].sort((a, b) => a - b);
  const max = orders[orders.length - 1] ?? 0;
  let n = 0;
  while (n <= max) {
    if (seen.has(n)) {
      n++;
      continue;
    }
    const from = n;
    while (!seen.has(n)) n++;
    const to = n - 1;
    const next = seen.get(n);
    const at = next?.attributes.get('sortOrder')?.position ?? next?.position ?? { line: 1, column: 1 };
    const skipped = from === to ? `sortOrder ${from}` : `sortOrders ${from}–${to}`;
    r.report('sort-order-gap', at, `${what} skip ${skipped}.`, `Renumber them 0, 1, 2… without gaps (this one should be ${from}, and the following ones one more each).`);
  }
}

function nameSuffix(el: XmlElement): string {
  const name = el.attributes.get('name')?.value;
  return name ? ` name="${name}"` : '';
}

// ─── Metadata API format ────────────────────────────────────────────────────────────────────────

const SINGLE_FIELDS = METADATA_FIELDS.filter((f) => f !== 'sections' && f !== 'contactCenterChannels');
const GENERAL_FROM_SETTINGS = /^req[A-Za-z0-9]+$/;

function readMetadata(root: XmlElement, fileName: string, r: Reporter): Parts {
  if (root.uri !== METADATA_NAMESPACE) {
    const message = root.uri
      ? `<CallCenter> is in the namespace '${root.uri}', not the Metadata API's.`
      : '<CallCenter> has no xmlns: the Metadata API format needs its namespace (a <callCenter> Setup import file has none, but that root is lower-case).';
    r.report('metadata-xmlns', root.position, message, `Write <CallCenter xmlns="${METADATA_NAMESPACE}">.`);
  }
  const base = baseName(fileName);
  if (!base.endsWith(METADATA_SUFFIX) && !base.endsWith('.callCenter')) {
    r.report('metadata-file-name', root.position, `A Metadata API CallCenter file named '${base}' is not picked up by a deploy.`, `Name it callCenters/<InternalName>${METADATA_SUFFIX} in the source tree.`);
  }
  for (const attr of root.attributes.values()) {
    if (attr.name !== 'xmlns' && !attr.name.startsWith('xmlns:')) r.report('unknown-attribute', attr.position, `<CallCenter> has no attribute '${attr.name}'.`, `Remove '${attr.name}'; Metadata API fields are child elements.`);
  }
  const fields = new Map<string, XmlElement>();
  const sectionElements: XmlElement[] = [];
  for (const child of root.children) {
    if (child.name === 'sections') sectionElements.push(child);
    else if (child.name === 'section') r.report('format-mixed', child.position, '<section> is the Setup import element; a Metadata API <CallCenter> contains <sections> elements.', 'Write <sections> with <label>, <name> and <items> children, or make the root <callCenter> (Setup import format).');
    else if (child.name === 'item' || child.name === 'items') r.report('wrong-nesting', child.position, `<${child.name}> must be inside <sections>, not directly in <CallCenter>.`, 'Move it into the <sections> element it belongs to.');
    else if (SINGLE_FIELDS.includes(child.name)) {
      const first = fields.get(child.name);
      if (first) r.report('duplicate-element', child.position, `<${child.name}> appears twice (first at line ${first.position.line}).`, `Keep one <${child.name}> and delete the other.`);
      else fields.set(child.name, child);
      checkLeaf(child, r);
    } else if (child.name !== 'contactCenterChannels') {
      r.report('unexpected-element', child.position, `<CallCenter> has no field <${child.name}>.`, `Remove it; CallCenter fields are ${METADATA_FIELDS.join(', ')}.`);
    }
  }
  checkNoText(root, r);
  for (const required of ['displayNameLabel', 'internalNameLabel']) {
    if (!fields.has(required)) r.report('metadata-field-missing', root.position, `<CallCenter> has no <${required}>, which the Metadata API requires.`, `Add <${required}>${required === 'displayNameLabel' ? 'Display Name' : 'Internal Name'}</${required}>.`);
  }
  const text = (name: string): string | undefined => fields.get(name)?.text.trim();
  const fallbacks: Record<string, string> = {};
  const fallbackPositions: Record<string, Position> = {};
  const settingsEl = fields.get('customSettings');
  if (settingsEl) {
    const raw = settingsEl.text.trim();
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (e) {
      r.report('custom-settings-invalid', settingsEl.textPosition ?? settingsEl.position, `customSettings is not valid JSON: ${e instanceof Error ? e.message : String(e)}.`, 'Write a JSON object of string values, e.g. {"reqUseApi":"true","reqSalesforceCompatibilityMode":"Lightning"} (escape " as &quot; only if you prefer).');
    }
    if (parsed !== undefined) {
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) {
        r.report('custom-settings-invalid', settingsEl.textPosition ?? settingsEl.position, 'customSettings must be a JSON object whose values are all strings.', 'Quote every value, e.g. {"reqTimeout":"10000"}.');
      } else {
        for (const [k, v] of Object.entries(parsed as Record<string, string>)) {
          if (GENERAL_FROM_SETTINGS.test(k)) {
            fallbacks[k] = v;
            fallbackPositions[k] = settingsEl.textPosition ?? settingsEl.position;
          }
        }
      }
    }
  }
  const adapterEl = fields.get('adapterUrl');
  if (adapterEl) {
    fallbacks['reqAdapterUrl'] = adapterEl.text.trim();
    fallbackPositions['reqAdapterUrl'] = adapterEl.textPosition ?? adapterEl.position;
  }

  const sections: ParsedSection[] = [];
  sectionElements.forEach((el, index) => {
    const section = readMetadataSection(el, index, r);
    if (section) sections.push(section);
  });
  if (sectionElements.length === 0) r.report('no-sections', root.position, 'The call center has no <sections>.', 'Add <sections> with <name>reqGeneralInfo</name> and the reqAdapterUrl, reqUseApi and reqSalesforceCompatibilityMode items.');
  checkDuplicateNames(sections.map((s) => ({ name: s.name, position: s.position })), 'sections', 'section', r);

  const adapterItem = sections.find((s) => s.name === GENERAL_INFO)?.items.find((i) => i.name === 'reqAdapterUrl');
  if (adapterEl && adapterItem && adapterItem.value !== adapterEl.text.trim()) {
    r.report('adapter-url-mismatch', adapterEl.textPosition ?? adapterEl.position, `<adapterUrl> '${adapterEl.text.trim()}' differs from the reqAdapterUrl item '${adapterItem.value}' (line ${adapterItem.valuePosition.line}).`, 'Make both the same URL; Salesforce loads the reqAdapterUrl item.');
  }

  const fullName = text('fullName');
  const internalItem = sections.find((s) => s.name === GENERAL_INFO)?.items.find((i) => i.name === 'reqInternalName');
  const fromFile = base.endsWith(METADATA_SUFFIX) ? base.slice(0, -METADATA_SUFFIX.length) : base.endsWith('.callCenter') ? base.slice(0, -'.callCenter'.length) : undefined;
  const internalName = fullName ?? internalItem?.value ?? fromFile;
  const internalNamePosition = fullName !== undefined ? (fields.get('fullName')?.textPosition ?? fields.get('fullName')?.position) : internalItem ? internalItem.valuePosition : root.position;
  const displayEl = fields.get('displayName');
  const displayName = displayEl ? displayEl.text.trim() : sections.find((s) => s.name === GENERAL_INFO)?.items.find((i) => i.name === 'reqDisplayName')?.value;
  const displayNameLabel = text('displayNameLabel');
  const internalNameLabel = text('internalNameLabel');
  return {
    format: 'metadata',
    ...(internalName !== undefined ? { internalName } : {}),
    ...(internalNamePosition ? { internalNamePosition } : {}),
    ...(displayName !== undefined ? { displayName, displayNamePosition: displayEl?.textPosition ?? displayEl?.position ?? root.position } : {}),
    ...(displayNameLabel !== undefined ? { displayNameLabel } : {}),
    ...(internalNameLabel !== undefined ? { internalNameLabel } : {}),
    sections,
    generalFallbacks: fallbacks,
    fallbackPositions,
  };
}

function readMetadataSection(el: XmlElement, index: number, r: Reporter): ParsedSection | undefined {
  checkMetadataAttributes(el, r);
  const leaves = new Map<string, XmlElement>();
  const itemElements: XmlElement[] = [];
  for (const child of el.children) {
    if (child.name === 'items') itemElements.push(child);
    else if (child.name === 'name' || child.name === 'label') {
      const first = leaves.get(child.name);
      if (first) r.report('duplicate-element', child.position, `<sections> has two <${child.name}> (first at line ${first.position.line}).`, `Keep one <${child.name}> and delete the other.`);
      else leaves.set(child.name, child);
      checkLeaf(child, r);
    } else if (child.name === 'item') r.report('format-mixed', child.position, '<item> is the Setup import element; Metadata API <sections> contain <items>.', 'Write <items><label>…</label><name>…</name><value>…</value></items>.');
    else if (child.name === 'sections' || child.name === 'section') r.report('wrong-nesting', child.position, 'Sections cannot be nested.', 'Close the outer <sections> before starting the next one.');
    else r.report('unexpected-element', child.position, `<sections> contains <${child.name}>; it holds <name>, <label> and <items>.`, 'Remove it.');
  }
  checkNoText(el, r);
  const nameEl = leaves.get('name');
  const name = nameEl?.text.trim() ?? '';
  const nameOk = checkName(name, nameEl?.textPosition ?? nameEl?.position ?? el.position, el.position, 'section', undefined, r);
  const labelEl = leaves.get('label');
  const label = labelEl?.text.trim();
  if (labelEl && label !== undefined) checkLabel(label, labelEl.textPosition ?? labelEl.position, r);
  const what = name ? `section '${name}'` : 'this section';
  if (itemElements.length === 0) r.report('empty-section', el.position, `The ${what} has no <items>.`, 'Add at least one <items> or remove the section.');
  const items: ParsedItem[] = [];
  itemElements.forEach((itemEl, i) => {
    checkMetadataAttributes(itemEl, r);
    const parts = new Map<string, XmlElement>();
    for (const child of itemEl.children) {
      if (['name', 'label', 'value'].includes(child.name)) {
        const first = parts.get(child.name);
        if (first) r.report('duplicate-element', child.position, `<items> has two <${child.name}> (first at line ${first.position.line}).`, `Keep one <${child.name}> and delete the other.`);
        else parts.set(child.name, child);
        checkLeaf(child, r);
      } else r.report('unexpected-element', child.position, `<items> contains <${child.name}>; it holds <name>, <label> and <value>.`, 'Remove it.');
    }
    checkNoText(itemEl, r);
    const itemNameEl = parts.get('name');
    const itemName = itemNameEl?.text.trim() ?? '';
    const ok = checkName(itemName, itemNameEl?.textPosition ?? itemNameEl?.position ?? itemEl.position, itemEl.position, 'item', nameOk ? name : undefined, r);
    const itemLabelEl = parts.get('label');
    const itemLabel = itemLabelEl?.text.trim();
    if (itemLabelEl && itemLabel !== undefined) checkLabel(itemLabel, itemLabelEl.textPosition ?? itemLabelEl.position, r);
    const valueEl = parts.get('value');
    if (ok) {
      items.push({
        name: itemName,
        ...(itemLabel !== undefined ? { label: itemLabel } : {}),
        value: valueEl?.text.trim() ?? '',
        sortOrder: i,
        position: itemEl.position,
        valuePosition: valueEl?.textPosition ?? valueEl?.position ?? itemEl.position,
      });
    }
  });
  checkDuplicateNames(items.map((i) => ({ name: i.name, position: i.position })), `items of ${what}`, 'item', r);
  if (!nameOk) return undefined;
  return { name, ...(label !== undefined ? { label } : {}), sortOrder: index, items, position: el.position };
}

function checkMetadataAttributes(el: XmlElement, r: Reporter): void {
  for (const attr of el.attributes.values()) {
    if (IMPORT_ATTRIBUTES.includes(attr.name)) {
      r.report('format-mixed', attr.position, `The '${attr.name}' attribute is the Setup import form; Metadata API <${el.name}> ${attr.name === 'sortOrder' ? 'are ordered by their position in the file' : `take <${attr.name}> as a child element`}.`, attr.name === 'sortOrder' ? 'Remove sortOrder and order the elements in the file.' : `Write <${attr.name}>${attr.value}</${attr.name}> inside <${el.name}>.`);
    } else r.report('unknown-attribute', attr.position, `<${el.name}> has no attribute '${attr.name}'.`, `Remove '${attr.name}'.`);
  }
}

/** A leaf field holds text only. */
function checkLeaf(el: XmlElement, r: Reporter): void {
  for (const child of el.children) {
    r.report('unexpected-element', child.position, `<${el.name}> holds a value, not the element <${child.name}>.`, 'Remove the element; escape < as &lt; if it is part of the value.');
  }
}

// ─── Shared checks ──────────────────────────────────────────────────────────────────────────────

function checkNoText(el: XmlElement, r: Reporter): void {
  if (el.text.trim() !== '') {
    const sample = el.text.trim().slice(0, 30);
    r.report('unexpected-text', el.textPosition ?? el.position, `<${el.name}> contains the text '${sample}', which Salesforce ignores.`, 'Remove the text, or move it into an item value.');
  }
}

function checkLabel(label: string, at: Position, r: Reporter): void {
  if (label.length > LIMITS.labelLength) r.report('label-too-long', at, `The label is ${label.length} characters long; the limit is ${LIMITS.labelLength}.`, 'Shorten the label.');
}

/**
 * Checks a section or item name; returns whether it is usable (present). `section` is the
 * containing section's name for items (undefined when that name was itself unusable).
 */
function checkName(name: string, at: Position, elementAt: Position, kind: 'section' | 'item', section: string | undefined, r: Reporter): boolean {
  if (name === '') {
    r.report('name-missing', elementAt, `This ${kind} has no name.`, `Give it a name: letters and digits, at most ${LIMITS.nameLength}.`);
    return false;
  }
  if (name.length > LIMITS.nameLength) r.report('name-too-long', at, `The ${kind} name '${name}' is ${name.length} characters long; the limit is ${LIMITS.nameLength}.`, `Shorten it to at most ${LIMITS.nameLength} letters and digits.`);
  if (!ALPHANUMERIC.test(name)) {
    const suggestion = name.replace(/[^A-Za-z0-9]/g, '');
    r.report('name-not-alphanumeric', at, `The ${kind} name '${name}' contains characters other than letters and digits.`, suggestion ? `Use '${suggestion}' (no spaces, underscores or punctuation).` : 'Use letters and digits only.');
  }
  if (RESERVED_NAMES.includes(name)) {
    r.report('name-reserved', at, `'${name}' is reserved by Salesforce (it collides with the settings' ${name} keys).`, `Rename the ${kind}, e.g. '${kind}${name.charAt(0).toUpperCase()}${name.slice(1)}'.`);
  }
  if (kind === 'section') {
    if (name.startsWith('req') && !reqSection(name)) {
      r.report('req-name-unknown', at, `'${name}' starts with req, the prefix of Salesforce's sections (${REQ_SECTIONS.map((s) => s.name).join(', ')}); Setup imports it, but it is not one of them.`, `Use one of those, or a name of your own without the req prefix (e.g. '${name.slice(3, 4).toLowerCase()}${name.slice(4)}').`);
    }
  } else if (section !== undefined) {
    const req = reqSection(section);
    if (req && name.startsWith('req') && !req.items.some((i) => i.name === name)) {
      const other = REQ_SECTIONS.find((s) => s.items.some((i) => i.name === name));
      r.report('req-name-unknown', at, `'${name}' is not an item Salesforce defines for ${section}${other ? ` (it belongs in ${other.name})` : ''}.`, other ? `Move it to the ${other.name} section.` : `Known ${section} items: ${req.items.map((i) => i.name).join(', ')}. Check the spelling, or use a custom section for your own items.`);
    } else if (!req && name.startsWith('req')) {
      r.report('req-name-unknown', at, `The item '${name}' in the custom section '${section}' starts with req, the prefix of Salesforce's items; Setup imports it, but Salesforce defines no such item.`, `Rename it without the req prefix, or move it to the Salesforce section that defines it.`);
    } else if (req && !name.startsWith('req') && section !== HVCC) {
      r.report('custom-item-in-req-section', at, `The custom item '${name}' sits in Salesforce's ${section} section.`, 'Move it to a section of your own (e.g. switchboard).');
    }
  }
  return true;
}

function checkDuplicateNames(entries: readonly { name: string; position: Position }[], what: string, kind: string, r: Reporter): void {
  const seen = new Map<string, Position>();
  for (const e of entries) {
    const first = seen.get(e.name);
    if (first) r.report('name-duplicate', e.position, `Two ${what} are named '${e.name}' (the first at line ${first.line}).`, `Rename or remove this ${kind}; names are unique among siblings.`);
    else seen.set(e.name, e.position);
  }
}

function baseName(fileName: string): string {
  return fileName.split(/[\\/]/).pop() ?? fileName;
}

// ─── What the values mean ───────────────────────────────────────────────────────────────────────

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

function checkSemantics(cc: ParsedCallCenter, parts: Parts, root: XmlElement, r: Reporter, profile: LintProfile, surface: CallCenterSurface, now: Date): void {
  const general = cc.section(GENERAL_INFO);
  const item = (section: string, name: string): ParsedItem | undefined => cc.section(section)?.items.find((i) => i.name === name);
  /** A general value with where it is: the item, or for Metadata files the field/customSettings. */
  const generalValue = (name: string): { value: string; at: Position } | undefined => {
    const found = item(GENERAL_INFO, name);
    if (found) return { value: found.value, at: found.valuePosition };
    const fallback = parts.generalFallbacks?.[name];
    return fallback !== undefined ? { value: fallback, at: parts.fallbackPositions?.[name] ?? root.position } : undefined;
  };
  const generalAt = general?.position ?? root.position;

  if (!general && parts.format === 'import') {
    r.report('general-info-missing', root.position, 'The call center has no reqGeneralInfo section.', 'Add <section sortOrder="0" name="reqGeneralInfo" label="General Information"> with reqInternalName, reqDisplayName and reqAdapterUrl items.');
  }
  if (parts.format === 'import' && general) {
    const name = parts.internalName;
    if (name === undefined) r.report('internal-name-missing', generalAt, 'reqGeneralInfo has no reqInternalName item; Salesforce requires it in the file.', 'Add <item sortOrder="0" name="reqInternalName" label="Internal Name">MySoftphone</item>.');
    else if (name === '') r.report('internal-name-missing', parts.internalNamePosition ?? generalAt, 'reqInternalName is empty; it must be set in the file (it cannot be filled in later in Setup).', 'Write a unique name: a letter then letters and digits, at most 40.');
    else checkInternalName(name, parts.internalNamePosition ?? generalAt, r);
    if (parts.displayName === undefined) r.report('display-name-missing', generalAt, 'reqGeneralInfo has no reqDisplayName item.', 'Add <item sortOrder="1" name="reqDisplayName" label="Display Name">My Softphone</item>.');
    else if (parts.displayName === '') r.report('display-name-missing', parts.displayNamePosition ?? generalAt, 'reqDisplayName is empty.', 'Write the name agents and admins see.');
    if (general.sortOrder !== 0) r.report('general-info-order', general.position, `reqGeneralInfo has sortOrder ${general.sortOrder}; Salesforce's samples keep it first.`, 'Give reqGeneralInfo sortOrder 0 and move the other sections after it.');
    const expected: Record<string, number> = { reqInternalName: 0, reqDisplayName: 1 };
    for (const [name, order] of Object.entries(expected)) {
      const found = item(GENERAL_INFO, name);
      if (found && found.sortOrder !== order) r.report('general-info-order', found.position, `${name} has sortOrder ${found.sortOrder}; Salesforce requires ${order}.`, `Give ${name} sortOrder ${order}.`);
    }
  }
  if (parts.format === 'metadata') {
    const name = parts.internalName;
    if (name === undefined || name === '') r.report('internal-name-missing', parts.internalNamePosition ?? root.position, 'The internal name is unknown: no <fullName>, no reqInternalName item and no <Name>.callCenter-meta.xml file name.', `Name the file callCenters/<InternalName>${METADATA_SUFFIX}.`);
    else checkInternalName(name, parts.internalNamePosition ?? root.position, r);
    if (parts.displayName === undefined || parts.displayName === '') r.report('display-name-missing', parts.displayNamePosition ?? root.position, '<CallCenter> has no <displayName>.', 'Add <displayName>My Softphone</displayName>.');
    if (!general) r.report('general-info-missing', root.position, 'The call center has no reqGeneralInfo <sections>.', 'Add <sections><label>General Information</label><name>reqGeneralInfo</name> with the reqAdapterUrl, reqUseApi and reqSalesforceCompatibilityMode items.');
  }

  const voice = surface === 'voice';
  if (voice) checkVoice(cc, root, r, profile, generalValue, now);
  if (!voice && (general || parts.format === 'metadata')) {
    const adapter = generalValue('reqAdapterUrl');
    if (!adapter || adapter.value === '') r.report('adapter-url-missing', adapter?.at ?? generalAt, 'There is no reqAdapterUrl: Salesforce has no page to load as the softphone.', 'Add reqAdapterUrl: /apex/SwitchboardSoftphone (with `switchboard package build`) or the https URL of the hosted connector.');
    else checkUrl('reqAdapterUrl', adapter.value, adapter.at, r, profile);

    const useApi = generalValue('reqUseApi');
    if (!useApi) r.report('use-api', generalAt, 'reqUseApi is missing; an Open CTI softphone declares reqUseApi true.', 'Add reqUseApi with the value true.', 'warning');
    else if (useApi.value !== 'true') r.report('use-api', useApi.at, `reqUseApi is '${useApi.value}'; an Open CTI softphone needs true.`, 'Set reqUseApi to true.');

    const mode = generalValue('reqSalesforceCompatibilityMode');
    if (!mode || mode.value === '') r.report('compatibility-mode-missing', mode?.at ?? generalAt, 'reqSalesforceCompatibilityMode is not set, so Salesforce assumes Classic and the phone never appears in Lightning Experience.', 'Add reqSalesforceCompatibilityMode with the value Lightning (or Classic_and_Lightning).');
    else if (mode.value === 'Classic') r.report('compatibility-mode-classic', mode.at, 'reqSalesforceCompatibilityMode is Classic: the softphone is hidden in Lightning Experience.', 'Use Lightning, or Classic_and_Lightning if Classic users need it too.');
    else if (!(COMPATIBILITY_MODES as readonly string[]).includes(mode.value)) r.report('compatibility-mode-invalid', mode.at, `reqSalesforceCompatibilityMode '${mode.value}' is not one of ${COMPATIBILITY_MODES.join(', ')}.`, 'Use Lightning or Classic_and_Lightning (values are case-sensitive).');

    const standby = generalValue('reqStandbyUrl');
    const timeout = generalValue('reqTimeout');
    const hasStandby = standby !== undefined && standby.value !== '';
    const hasTimeout = timeout !== undefined && timeout.value !== '';
    if (hasStandby && !hasTimeout) r.report('standby-without-timeout', standby.at, 'reqStandbyUrl is set without reqTimeout: Salesforce never switches to it.', 'Add reqTimeout (milliseconds to wait for notifyInitializationComplete, e.g. 10000).');
    if (hasTimeout && !hasStandby) r.report('timeout-without-standby', timeout.at, 'reqTimeout is set without reqStandbyUrl.', 'Add reqStandbyUrl, or remove reqTimeout.');
    if (hasStandby) checkUrl('reqStandbyUrl', standby.value, standby.at, r, profile);
    if (hasTimeout && (!/^\d+$/.test(timeout.value) || Number(timeout.value) <= 0)) r.report('timeout-invalid', timeout.at, `reqTimeout '${timeout.value}' is not a positive number of milliseconds.`, 'Write a whole number of milliseconds, e.g. 10000.');

    checkSize(generalValue('reqSoftphoneHeight'), 'reqSoftphoneHeight', 'softphone-height-range', LIMITS.height, r);
    checkSize(generalValue('reqSoftphoneWidth'), 'reqSoftphoneWidth', 'softphone-width-range', LIMITS.width, r);
  }

  for (const prefix of cc.section(DIALING_OPTIONS)?.items ?? []) {
    if (!/^\d*$/.test(prefix.value)) r.report('dialing-prefix-invalid', prefix.valuePosition, `${prefix.name} '${prefix.value}' is not a string of digits.`, 'Write digits only, e.g. 9 (outside line), 1 (long distance), 011 (international); leave it empty for none.');
  }

  if (profile === 'switchboard') checkSwitchboard(cc.section(SWITCHBOARD_SECTION), root, r);
}

/** What a Salesforce Voice contact center needs, and what of Open CTI it carries for nothing. */
function checkVoice(cc: ParsedCallCenter, root: XmlElement, r: Reporter, profile: LintProfile, generalValue: (name: string) => { value: string; at: Position } | undefined, now: Date): void {
  const general = cc.section(GENERAL_INFO);
  const hvcc = cc.section(HVCC);
  const vendor = generalValue('reqVendorInfoApiName');
  if (!vendor || vendor.value === '') {
    r.report('voice-vendor-info-missing', vendor?.at ?? general?.position ?? root.position, 'This Salesforce Voice contact center (it has a reqHvcc section) names no ConversationVendorInfo: reqGeneralInfo has no reqVendorInfoApiName, so Salesforce knows neither the connector nor the telephony provider.', 'Add <item name="reqVendorInfoApiName" label="Conversation Vendor Info Developer Name">namespace__VendorName</item> to reqGeneralInfo (the ConversationVendorInfo `switchboard package build` writes).');
  } else if (!VENDOR_INFO_API_NAME.test(vendor.value)) {
    const why = !vendor.value.includes('__') ? 'has no namespace (no __)' : 'is not <namespace>__<developer name> (a namespace of a letter and up to 14 letters and digits; a developer name of letters, digits and single underscores, starting with a letter)';
    r.report('voice-vendor-info-invalid', vendor.at, `reqVendorInfoApiName '${vendor.value}' ${why}.`, "Write the namespaced developer name of the package's ConversationVendorInfo, e.g. switchboard__SwitchboardVoice.");
  }

  const adapter = generalValue('reqAdapterUrl');
  if (adapter && adapter.value !== '') {
    if (adapter.value.startsWith('/') && !adapter.value.startsWith('//')) {
      if (profile === 'switchboard') r.report('adapter-url-relative', adapter.at, `reqAdapterUrl '${adapter.value}' is a relative Visualforce URL; Switchboard's Voice connector is a hosted page (/voice/ beside the softphone), not a Visualforce page of the package.`, "Use the https URL of the hosted connector's Voice page, e.g. https://switchboard.example.com/voice/ (the console emulator serves it at its Visualforce origin + /voice/).");
    } else checkUrl('reqAdapterUrl', adapter.value, adapter.at, r, profile);
  } else if (profile === 'switchboard') {
    r.report('voice-adapter-url-missing', adapter?.at ?? general?.position ?? root.position, 'reqGeneralInfo has no reqAdapterUrl: an org loads the connector from ConversationVendorInfo.connectorUrl, but the console emulator loads the Voice connector page from this item.', "Add reqAdapterUrl with the connector's Voice page URL (the same as the ConversationVendorInfo connectorUrl).");
  }

  const certItem = hvcc?.items.find((i) => i.name === 'reqTelephonyIntegrationCertificate');
  if (!certItem || certItem.value === '') {
    const where = certItem ? 'reqTelephonyIntegrationCertificate is empty' : hvcc ? 'the reqHvcc section has no reqTelephonyIntegrationCertificate' : 'there is no reqHvcc (SCV Settings) section';
    r.report('voice-certificate-missing', certItem?.valuePosition ?? hvcc?.position ?? general?.position ?? root.position, `This Salesforce Voice contact center has no Telephony Integration Certificate (${where}): Salesforce cannot verify the JWTs the voice bridge signs, so no VoiceCall can be created.`, `Add the certificate (PEM) as reqHvcc/reqTelephonyIntegrationCertificate; make the key pair with: ${certificateCommand('voice-bridge-cert.pem')}`);
  } else {
    const verdict = checkCertificate(certItem.value, 'reqTelephonyIntegrationCertificate', now);
    if (verdict.ok) {
      if (verdict.daysLeft < EXPIRY_WARNING_DAYS) r.report('voice-certificate-expiring', certItem.valuePosition, `reqTelephonyIntegrationCertificate expires on ${verdict.notAfter.toISOString()} (in ${verdict.daysLeft} day(s)); from then on Salesforce refuses the voice bridge's JWTs.`, `Make a new key pair and certificate (${certificateCommand('voice-bridge-cert.pem')}), put the certificate here and the key on the voice bridge before then.`);
    } else {
      const fixes = {
        empty: 'Paste the certificate (PEM).',
        'private-key': "Remove the private key from the contact center at once, make a new key pair (this one is exposed), keep the key on the voice bridge's host and put only the certificate (-----BEGIN CERTIFICATE-----) here.",
        invalid: `Paste the whole certificate from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----; make one with: ${certificateCommand('voice-bridge-cert.pem')}`,
        'not-rsa': `Make an RSA key pair: ${certificateCommand('voice-bridge-cert.pem')}`,
        expired: `Make a new key pair and certificate (${certificateCommand('voice-bridge-cert.pem')}); put the certificate here and the key on the voice bridge.`,
      } as const;
      const rule = verdict.kind === 'private-key' ? 'voice-certificate-private-key' : verdict.kind === 'not-rsa' ? 'voice-certificate-not-rsa' : verdict.kind === 'expired' ? 'voice-certificate-expired' : 'voice-certificate-invalid';
      r.report(rule, certItem.valuePosition, verdict.message, fixes[verdict.kind]);
    }
  }

  const prefix = hvcc?.items.find((i) => i.name === 'reqLongDistPrefix');
  if (prefix && !/^\d*$/.test(prefix.value)) r.report('dialing-prefix-invalid', prefix.valuePosition, `reqLongDistPrefix '${prefix.value}' is not a string of digits.`, 'Write digits only, e.g. 1; leave it empty for none.');

  for (const entry of general?.items ?? []) {
    if (OPENCTI_ONLY_GENERAL_ITEMS.includes(entry.name)) r.report('voice-opencti-item', entry.position, `${entry.name} is an Open CTI softphone item; a Salesforce Voice contact center ignores it (Salesforce draws the phone and loads the connector from the ConversationVendorInfo).`, `Remove ${entry.name}.`);
  }
  const dialing = cc.section(DIALING_OPTIONS);
  if (dialing) r.report('voice-opencti-item', dialing.position, 'reqDialingOptions is the Open CTI dialing section; a Salesforce Voice contact center reads its long-distance prefix from reqHvcc/reqLongDistPrefix.', 'Move the long-distance prefix to reqHvcc/reqLongDistPrefix and remove reqDialingOptions.');
}

function checkInternalName(name: string, at: Position, r: Reporter): void {
  if (name.length > LIMITS.nameLength || !INTERNAL_NAME.test(name)) {
    const why = name.length > LIMITS.nameLength ? `is ${name.length} characters long (limit ${LIMITS.nameLength})` : /^[A-Za-z]/.test(name) ? 'contains characters other than letters and digits' : 'does not start with a letter';
    const suggestion = name.replace(/[^A-Za-z0-9]/g, '').replace(/^[0-9]+/, '').slice(0, LIMITS.nameLength);
    r.report('internal-name-invalid', at, `The internal name '${name}' ${why}.`, suggestion ? `Use e.g. '${suggestion}': a letter, then letters and digits, at most ${LIMITS.nameLength}.` : `Use a letter, then letters and digits, at most ${LIMITS.nameLength}.`);
  }
}

function checkUrl(item: 'reqAdapterUrl' | 'reqStandbyUrl', value: string, at: Position, r: Reporter, profile: LintProfile): void {
  if (value.startsWith('/') && !value.startsWith('//')) {
    // How Switchboard's own page must be deployed; another vendor's Visualforce page is its business.
    if (profile === 'switchboard') r.report('adapter-url-relative', at, `${item} '${value}' is a relative Visualforce URL: it works only once that page is deployed in the org, and Lightning then frames it from the Visualforce domain, so the connector's SIP WebSocket host needs a CSP Trusted Site and its assets must come from the page's static resource.`, 'Deploy the page with `switchboard package build` (it adds the page, static resource and CSP Trusted Sites), or use the absolute https URL of the hosted connector.');
    return;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    r.report('adapter-url-invalid', at, `${item} '${value}' is neither an absolute URL nor a path starting with /.`, 'Write https://softphone.example.com/ or /apex/PageName.');
    return;
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:') {
    if (LOOPBACK_HOST.test(url.hostname)) r.report('adapter-url-localhost', at, `${item} '${value}' is plain http on this machine: fine for the local console emulator, refused by a real org's Lightning Experience.`, 'Use the https URL of the deployed connector before importing into an org.');
    else r.report('adapter-url-not-https', at, `${item} '${value}' uses http: Lightning Experience refuses to load the softphone (and browsers block the microphone) on a non-https origin.`, `Use https://${url.host}${url.pathname}${url.search} (with a valid certificate).`);
    return;
  }
  r.report('adapter-url-invalid', at, `${item} '${value}' uses ${url.protocol}; the softphone is a web page.`, 'Use an https URL or a /apex/PageName path.');
}

function checkSize(entry: { value: string; at: Position } | undefined, item: string, rule: 'softphone-height-range' | 'softphone-width-range', range: { min: number; max: number }, r: Reporter): void {
  if (!entry || entry.value === '') return;
  if (!/^\d+$/.test(entry.value)) {
    r.report('softphone-size-invalid', entry.at, `${item} '${entry.value}' is not a whole number of pixels.`, `Write a number between ${range.min} and ${range.max}, without units.`);
    return;
  }
  const n = Number(entry.value);
  if (n < range.min || n > range.max) r.report(rule, entry.at, `${item} is ${n} px; Lightning allows ${range.min}–${range.max}.`, `Use a value between ${range.min} and ${range.max}.`);
}

function checkSwitchboard(section: ParsedSection | undefined, root: XmlElement, r: Reporter): void {
  if (!section) {
    r.report('switchboard-section-missing', root.position, `There is no '${SWITCHBOARD_SECTION}' section: the Switchboard connector will not start without sipWebSocketUrl and sipDomain.`, 'Generate the file with `switchboard callcenter build`, or add the section by hand (see `switchboard callcenter init`).');
    return;
  }
  // Both switch how the password items are judged, wherever they stand in the section.
  const valueOf = (name: string): string => section.items.find((i) => i.name === name)?.value.trim().toLowerCase() ?? '';
  const demo = valueOf('demoCallCenter') === 'true';
  const ephemeral = valueOf('credentialScheme') === 'ephemeral';
  for (const entry of section.items) {
    const spec = SWITCHBOARD_ITEMS.find((s) => s.name === entry.name);
    if (!spec) {
      const close = SWITCHBOARD_ITEMS.find((s) => s.name.toLowerCase() === entry.name.toLowerCase());
      r.report('switchboard-item-unknown', entry.position, `The connector reads no item '${entry.name}'${close ? ` (did you mean '${close.name}'?)` : ''}.`, close ? `Rename it to '${close.name}'.` : `Remove it; known items: ${SWITCHBOARD_ITEMS.map((s) => s.name).join(', ')}.`);
      continue;
    }
    const problem = checkItemValue(spec, entry.value);
    if (problem) {
      if (spec.required && entry.value === '') r.report('switchboard-item-missing', entry.valuePosition, `${spec.name} is empty: ${spec.description}`, `Set ${spec.name}${spec.type === 'url' ? ' to wss://pbx.example.com:8089/ws' : ''}.`);
      else r.report('switchboard-item-invalid', entry.valuePosition, problem, fixFor(spec.name, spec.type, spec.values, spec.min, spec.max));
      continue;
    }
    if (spec.name === 'sipWebSocketUrl') {
      const m = /^ws:\/\/([^/:]+|\[[^\]]+\])/i.exec(entry.value);
      if (m && !LOOPBACK_HOST.test(m[1] ?? '')) r.report('sip-websocket-insecure', entry.valuePosition, `sipWebSocketUrl '${entry.value}' is unencrypted ws:// to another host: browsers block it from the https softphone page.`, `Use wss://${entry.value.slice(5)} (the phone system needs a TLS WebSocket listener).`);
    }
    if (spec.name === 'sipIceServers') {
      const parsed: unknown = JSON.parse(entry.value || '[]');
      const ok = Array.isArray(parsed) && parsed.every((s) => typeof s === 'object' && s !== null && (typeof (s as { urls?: unknown }).urls === 'string' || Array.isArray((s as { urls?: unknown }).urls)));
      if (!ok) r.report('switchboard-item-invalid', entry.valuePosition, 'sipIceServers must be a JSON array of {"urls": …} objects.', 'Write e.g. [{"urls":"stun:stun.example.com:3478"}], or [] for none.');
    }
    if (spec.secret && entry.value !== '') {
      if (demo) r.report('secret-in-file', entry.valuePosition, `${spec.name} is set in a call center marked demoCallCenter: every agent assigned to it can read it through getCallCenterSettings, which only a demo may accept.`, 'Never assign real agents to this call center; for a real one set credentialScheme to ephemeral and leave sipPassword empty.', 'warning');
      else r.report('secret-in-file', entry.valuePosition, `${spec.name} is set in the call center: every agent assigned to it can read it through getCallCenterSettings, and it lands in the Call Center files kept in source control.`, `Set credentialScheme to ephemeral (Salesforce mints short-lived credentials for each agent) or to agent (each agent types their own), and remove ${spec.name}; only a call center marked demoCallCenter true may hold a shared password.`);
    }
    if (ephemeral && (spec.name === 'sipUsername' || spec.name === 'sipPassword') && entry.value !== '') {
      r.report('credentials-ignored', entry.valuePosition, `${spec.name} is set, but credentialScheme is ephemeral: the connector signs each agent in with credentials Salesforce mints and ignores ${spec.name}.`, `Remove ${spec.name}.`);
    }
  }
  for (const spec of SWITCHBOARD_ITEMS) {
    if (spec.required && !section.items.some((i) => i.name === spec.name)) {
      r.report('switchboard-item-missing', section.position, `The ${SWITCHBOARD_SECTION} section has no ${spec.name}: ${spec.description}`, `Add <item name="${spec.name}" label="${spec.label}">…</item> (or the Metadata <items> equivalent).`);
    }
  }
}

function fixFor(name: string, type: string, values: readonly string[] | undefined, min: number | undefined, max: number | undefined): string {
  switch (type) {
    case 'boolean': return `Set ${name} to true or false.`;
    case 'integer': return `Set ${name} to a whole number${min !== undefined ? ` from ${min}` : ''}${max !== undefined ? ` to ${max}` : ''}.`;
    case 'enum': return `Set ${name} to one of: ${values?.join(', ')}.`;
    case 'json': return `Write ${name} as valid JSON.`;
    case 'pairs': return `Write ${name} as key:Label pairs separated by semicolons, e.g. a:First;b:Second.`;
    case 'url': return `Write ${name} as a full URL, e.g. wss://pbx.example.com:8089/ws.`;
    default: return `Correct ${name}.`;
  }
}
