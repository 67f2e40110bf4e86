/**
 * Reads the Metadata API file (`<CallCenter xmlns="http://soap.sforce.com/2006/04/metadata">
 * <sections><items><name>…`), reporting its structural problems: namespace, file name, fields,
 * customSettings, and any element or attribute of the Setup import format used in it (format-mixed).
 */
import type { ParsedItem, ParsedSection } from './parsed-call-center.ts';
import type { Reporter } from './lint-reporter.ts';
import type { Position } from './position.ts';
import type { ReadParts } from './read-parts.ts';
import { GENERAL_INFO, IMPORT_ATTRIBUTES, METADATA_FIELDS, METADATA_NAMESPACE, METADATA_SUFFIX } from './salesforce-names.ts';
import { baseName, checkDuplicateNames, checkLabel, checkName, checkNoText } from './structure-checks.ts';
import type { XmlElement } from './xml-tree.ts';

const SINGLE_FIELDS = METADATA_FIELDS.filter((f) => f !== 'sections' && f !== 'contactCenterChannels');
const GENERAL_FROM_SETTINGS = /^req[A-Za-z0-9]+$/;

export function readMetadata(root: XmlElement, fileName: string, r: Reporter): ReadParts {
  if (root.uri !== METADATA_NAMESPACE) {
    const message = root.uri
      ? `<CallCenter> is in the namespace '${root.uri}', not the Metadata API's.`
      : '<CallCenter> has no xmlns: the Metadata API format needs its namespace (a <callCenter> Setup import file has none, but that root is lower-case).';
    r.report('metadata-xmlns', root.position, message, `Write <CallCenter xmlns="${METADATA_NAMESPACE}">.`);
  }
  const base = baseName(fileName);
  if (!base.endsWith(METADATA_SUFFIX) && !base.endsWith('.callCenter')) {
    r.report(
      'metadata-file-name',
      root.position,
      `A Metadata API CallCenter file named '${base}' is not picked up by a deploy.`,
      `Name it callCenters/<InternalName>${METADATA_SUFFIX} in the source tree.`,
    );
  }
  for (const attr of root.attributes.values()) {
    if (attr.name !== 'xmlns' && !attr.name.startsWith('xmlns:'))
      r.report(
        'unknown-attribute',
        attr.position,
        `<CallCenter> has no attribute '${attr.name}'.`,
        `Remove '${attr.name}'; Metadata API fields are child elements.`,
      );
  }
  const fields = new Map<string, XmlElement>();
  const sectionElements: XmlElement[] = [];
  for (const child of root.children) {
    if (child.name === 'sections') sectionElements.push(child);
    else if (child.name === 'section')
      r.mixed(
        '<section>',
        child.position,
        '<section> is the Setup import element; a Metadata API <CallCenter> contains <sections> elements.',
        'Write <sections> with <label>, <name> and <items> children, or make the root <callCenter> (Setup import format).',
      );
    else if (child.name === 'item' || child.name === 'items')
      r.report(
        'wrong-nesting',
        child.position,
        `<${child.name}> must be inside <sections>, not directly in <CallCenter>.`,
        'Move it into the <sections> element it belongs to.',
      );
    else if (SINGLE_FIELDS.includes(child.name)) {
      const first = fields.get(child.name);
      if (first)
        r.report(
          'duplicate-element',
          child.position,
          `<${child.name}> appears twice (first at line ${first.position.line}).`,
          `Keep one <${child.name}> and delete the other.`,
        );
      else fields.set(child.name, child);
      checkLeaf(child, r);
    } else if (child.name !== 'contactCenterChannels') {
      r.report(
        'unexpected-element',
        child.position,
        `<CallCenter> has no field <${child.name}>.`,
        `Remove it; CallCenter fields are ${METADATA_FIELDS.join(', ')}.`,
      );
    }
  }
  checkNoText(root, r);
  for (const required of ['displayNameLabel', 'internalNameLabel']) {
    if (!fields.has(required))
      r.report(
        'metadata-field-missing',
        root.position,
        `<CallCenter> has no <${required}>, which the Metadata API requires.`,
        `Add <${required}>${required === 'displayNameLabel' ? 'Display Name' : 'Internal Name'}</${required}>.`,
      );
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
      r.report(
        'custom-settings-invalid',
        settingsEl.textPosition ?? settingsEl.position,
        `customSettings is not valid JSON: ${e instanceof Error ? e.message : String(e)}.`,
        'Write a JSON object of string values, e.g. {"reqUseApi":"true","reqSalesforceCompatibilityMode":"Lightning"} (escape " as &quot; only if you prefer).',
      );
    }
    if (parsed !== undefined) {
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) {
        r.report(
          'custom-settings-invalid',
          settingsEl.textPosition ?? settingsEl.position,
          'customSettings must be a JSON object whose values are all strings.',
          'Quote every value, e.g. {"reqTimeout":"10000"}.',
        );
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
  if (sectionElements.length === 0)
    r.report(
      'no-sections',
      root.position,
      'The call center has no <sections>.',
      'Add <sections> with <name>reqGeneralInfo</name> and the reqAdapterUrl, reqUseApi and reqSalesforceCompatibilityMode items.',
    );
  checkDuplicateNames(
    sections.map((s) => ({ name: s.name, position: s.position })),
    'sections',
    'section',
    r,
  );

  const adapterItem = sections.find((s) => s.name === GENERAL_INFO)?.items.find((i) => i.name === 'reqAdapterUrl');
  if (adapterEl && adapterItem && adapterItem.value !== adapterEl.text.trim()) {
    r.report(
      'adapter-url-mismatch',
      adapterEl.textPosition ?? adapterEl.position,
      `<adapterUrl> '${adapterEl.text.trim()}' differs from the reqAdapterUrl item '${adapterItem.value}' (line ${adapterItem.valuePosition.line}).`,
      'Make both the same URL; Salesforce loads the reqAdapterUrl item.',
    );
  }

  const fullName = text('fullName');
  const internalItem = sections.find((s) => s.name === GENERAL_INFO)?.items.find((i) => i.name === 'reqInternalName');
  const fromFile = base.endsWith(METADATA_SUFFIX)
    ? base.slice(0, -METADATA_SUFFIX.length)
    : base.endsWith('.callCenter')
      ? base.slice(0, -'.callCenter'.length)
      : undefined;
  const internalName = fullName ?? internalItem?.value ?? fromFile;
  const internalNamePosition =
    fullName !== undefined
      ? (fields.get('fullName')?.textPosition ?? fields.get('fullName')?.position)
      : internalItem
        ? internalItem.valuePosition
        : root.position;
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
      if (first)
        r.report(
          'duplicate-element',
          child.position,
          `<sections> has two <${child.name}> (first at line ${first.position.line}).`,
          `Keep one <${child.name}> and delete the other.`,
        );
      else leaves.set(child.name, child);
      checkLeaf(child, r);
    } else if (child.name === 'item')
      r.mixed(
        '<item>',
        child.position,
        '<item> is the Setup import element; Metadata API <sections> contain <items>.',
        'Write <items><label>…</label><name>…</name><value>…</value></items>.',
      );
    else if (child.name === 'sections' || child.name === 'section')
      r.report('wrong-nesting', child.position, 'Sections cannot be nested.', 'Close the outer <sections> before starting the next one.');
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
        if (first)
          r.report(
            'duplicate-element',
            child.position,
            `<items> has two <${child.name}> (first at line ${first.position.line}).`,
            `Keep one <${child.name}> and delete the other.`,
          );
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
  checkDuplicateNames(
    items.map((i) => ({ name: i.name, position: i.position })),
    `items of ${what}`,
    'item',
    r,
  );
  if (!nameOk) return undefined;
  return { name, ...(label !== undefined ? { label } : {}), sortOrder: index, items, position: el.position };
}

function checkMetadataAttributes(el: XmlElement, r: Reporter): void {
  for (const attr of el.attributes.values()) {
    if (IMPORT_ATTRIBUTES.includes(attr.name)) {
      r.mixed(
        `the ${attr.name} attribute`,
        attr.position,
        `The '${attr.name}' attribute is the Setup import form; Metadata API <${el.name}> ${attr.name === 'sortOrder' ? 'are ordered by their position in the file' : `take <${attr.name}> as a child element`}.`,
        attr.name === 'sortOrder'
          ? 'Remove sortOrder and order the elements in the file.'
          : `Write <${attr.name}>${attr.value}</${attr.name}> inside <${el.name}>.`,
      );
    } else r.report('unknown-attribute', attr.position, `<${el.name}> has no attribute '${attr.name}'.`, `Remove '${attr.name}'.`);
  }
}

/** A leaf field holds text only. */
function checkLeaf(el: XmlElement, r: Reporter): void {
  for (const child of el.children) {
    r.report(
      'unexpected-element',
      child.position,
      `<${el.name}> holds a value, not the element <${child.name}>.`,
      'Remove the element; escape < as &lt; if it is part of the value.',
    );
  }
}
