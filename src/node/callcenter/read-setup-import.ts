/**
 * Reads the Setup import file (`<callCenter><section sortOrder name label><item …>value</item>`),
 * reporting its structural problems: attributes, nesting, sortOrders, names, and any element of
 * the Metadata API format used in it (format-mixed).
 */
import type { ParsedItem, ParsedSection } from './parsed-call-center.ts';
import type { Reporter } from './lint-reporter.ts';
import type { ReadParts } from './read-parts.ts';
import { GENERAL_INFO, IMPORT_ATTRIBUTES, METADATA_FIELDS, METADATA_SUFFIX } from './salesforce-names.ts';
import { baseName, checkDuplicateNames, checkLabel, checkName, checkNoText } from './structure-checks.ts';
import type { XmlElement } from './xml-tree.ts';

const SORT_ORDER = /^\d+$/;

export function readImport(root: XmlElement, fileName: string, r: Reporter): ReadParts {
  if (fileName.endsWith(METADATA_SUFFIX)) {
    r.mixed(
      `the *${METADATA_SUFFIX} file name`,
      root.position,
      `This is a Setup import file (<callCenter>) but it is named *${METADATA_SUFFIX}, the Metadata API's name for <CallCenter> files; a deploy would reject it.`,
      `Rename it (e.g. ${baseName(fileName).slice(0, -METADATA_SUFFIX.length)}.xml) and import it in Setup > Call Centers > Import, or generate the Metadata file with \`switchboard callcenter build\`.`,
    );
  }
  for (const attr of root.attributes.values()) {
    if (attr.name === 'xmlns' || attr.name.startsWith('xmlns:')) {
      r.mixed(
        'the xmlns namespace',
        attr.position,
        `The Setup import <callCenter> takes no namespace; '${attr.name}="${attr.value}"' belongs to the Metadata API <CallCenter>.`,
        'Remove the xmlns attribute (or switch the whole file to the Metadata format).',
      );
    } else r.report('unknown-attribute', attr.position, `<callCenter> has no attribute '${attr.name}'.`, `Remove '${attr.name}'.`);
  }
  const sectionElements: XmlElement[] = [];
  for (const child of root.children) {
    if (child.name === 'section') sectionElements.push(child);
    else if (child.name === 'sections')
      r.mixed(
        '<sections>',
        child.position,
        '<sections> is the Metadata API element; a Setup import <callCenter> contains <section> elements.',
        'Write <section sortOrder="N" name="…" label="…"> with <item> children, or make the root <CallCenter xmlns="http://soap.sforce.com/2006/04/metadata">.',
      );
    else if (child.name === 'item' || child.name === 'items')
      r.report(
        'wrong-nesting',
        child.position,
        `<${child.name}> must be inside a <section>, not directly in <callCenter>.`,
        'Move the item into the <section> it belongs to.',
      );
    else if (METADATA_FIELDS.includes(child.name))
      r.mixed(
        `<${child.name}>`,
        child.position,
        `<${child.name}> is a Metadata API field; the Setup import format has no such element.`,
        'Put the value in an item of the reqGeneralInfo section (e.g. reqAdapterUrl, reqDisplayName) and remove this element.',
      );
    else
      r.report(
        'unexpected-element',
        child.position,
        `<callCenter> contains <${child.name}>, which the Call Center format does not define.`,
        'Remove it; a <callCenter> holds only <section> elements.',
      );
  }
  checkNoText(root, r);
  if (sectionElements.length === 0)
    r.report(
      'no-sections',
      root.position,
      'The call center has no <section>.',
      'Add <section sortOrder="0" name="reqGeneralInfo" label="General Information"> with reqInternalName, reqDisplayName and reqAdapterUrl items.',
    );
  checkSortOrders(sectionElements, 'Sections', r);

  const sections: ParsedSection[] = [];
  sectionElements.forEach((el, index) => {
    const section = readImportSection(el, index, r);
    if (section) sections.push(section);
  });
  checkDuplicateNames(
    sections.map((s) => ({ name: s.name, position: s.position })),
    'sections',
    'section',
    r,
  );
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
    else if (child.name === 'items')
      r.mixed(
        '<items>',
        child.position,
        '<items> is the Metadata API element; a Setup import <section> contains <item> elements.',
        'Write <item sortOrder="N" name="…" label="…">value</item>.',
      );
    else if (child.name === 'name' || child.name === 'label')
      r.mixed(
        `<${child.name}> in <section>`,
        child.position,
        `<${child.name}> as a child element is the Metadata API form; in a Setup import file it is an attribute of <section>.`,
        `Write it as the ${child.name}="…" attribute of <section>.`,
      );
    else if (child.name === 'section' || child.name === 'sections')
      r.report('wrong-nesting', child.position, 'Sections cannot be nested.', 'Close the outer <section> before starting the next one.');
    else
      r.report(
        'unexpected-element',
        child.position,
        `<section> contains <${child.name}>, which the Call Center format does not define.`,
        'Remove it; a <section> holds only <item> elements.',
      );
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
      if (['value', 'name', 'label'].includes(child.name))
        r.mixed(
          `<${child.name}> in <item>`,
          child.position,
          `<${child.name}> inside <item> is the Metadata API form; in a Setup import file the value is the item's text and name/label are attributes.`,
          `Write <item sortOrder="N" name="…" label="…">value</item>.`,
        );
      else
        r.report(
          'unexpected-element',
          child.position,
          `<item> contains <${child.name}>; an item holds only its value as text.`,
          'Remove the element; escape < as &lt; if it is part of the value.',
        );
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
  checkDuplicateNames(
    items.map((i) => ({ name: i.name, position: i.position })),
    `items of ${what}`,
    'item',
    r,
  );
  if (!nameOk) return undefined;
  return { name, ...(label ? { label: label.value } : {}), sortOrder: orderOf(el, index), items, position: el.position };
}

function orderOf(el: XmlElement, fallback: number): number {
  const raw = el.attributes.get('sortOrder')?.value ?? '';
  return SORT_ORDER.test(raw) ? Number(raw) : fallback;
}

function checkImportAttributes(el: XmlElement, r: Reporter): void {
  for (const attr of el.attributes.values()) {
    if (!IMPORT_ATTRIBUTES.includes(attr.name))
      r.report(
        'unknown-attribute',
        attr.position,
        `<${el.name}> has no attribute '${attr.name}'.`,
        `Remove '${attr.name}'; <${el.name}> takes sortOrder, name and label.`,
      );
  }
}

function checkSortOrders(elements: readonly XmlElement[], what: string, r: Reporter): void {
  const seen = new Map<number, XmlElement>();
  let allValid = true;
  for (const el of elements) {
    const attr = el.attributes.get('sortOrder');
    if (!attr) {
      allValid = false;
      r.report(
        'sort-order-missing',
        el.position,
        `<${el.name}${nameSuffix(el)}> has no sortOrder.`,
        `Add sortOrder="N"; ${what} are numbered 0, 1, 2… in order.`,
      );
      continue;
    }
    if (!SORT_ORDER.test(attr.value)) {
      allValid = false;
      r.report(
        'sort-order-invalid',
        attr.position,
        `sortOrder '${attr.value}' of <${el.name}${nameSuffix(el)}> is not a non-negative whole number.`,
        'Use 0, 1, 2… (no sign, decimals or spaces).',
      );
      continue;
    }
    const n = Number(attr.value);
    const first = seen.get(n);
    if (first) {
      allValid = false;
      r.report(
        'sort-order-duplicate',
        attr.position,
        `${what} use sortOrder ${n} twice (also at line ${first.position.line}).`,
        'Give every sibling its own sortOrder: 0, 1, 2… in order.',
      );
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
    r.report(
      'sort-order-gap',
      at,
      `${what} skip ${skipped}.`,
      `Renumber them 0, 1, 2… without gaps (this one should be ${from}, and the following ones one more each).`,
    );
  }
}

function nameSuffix(el: XmlElement): string {
  const name = el.attributes.get('name')?.value;
  return name ? ` name="${name}"` : '';
}
