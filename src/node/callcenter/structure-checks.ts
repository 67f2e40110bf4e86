/** Checks both readers make of the structure: stray text, labels, section and item names. */
import type { Reporter } from './lint-reporter.ts';
import type { Position } from './position.ts';
import { ALPHANUMERIC, HVCC, LIMITS, RESERVED_NAMES, REQ_SECTIONS, reqSection } from './salesforce-names.ts';
import type { XmlElement } from './xml-tree.ts';

export function checkNoText(el: XmlElement, r: Reporter): void {
  if (el.text.trim() !== '') {
    const sample = el.text.trim().slice(0, 30);
    r.report(
      'unexpected-text',
      el.textPosition ?? el.position,
      `<${el.name}> contains the text '${sample}', which Salesforce ignores.`,
      'Remove the text, or move it into an item value.',
    );
  }
}

export function checkLabel(label: string, at: Position, r: Reporter): void {
  if (label.length > LIMITS.labelLength)
    r.report('label-too-long', at, `The label is ${label.length} characters long; the limit is ${LIMITS.labelLength}.`, 'Shorten the label.');
}

/**
 * Checks a section or item name; returns whether it is usable (present). `section` is the
 * containing section's name for items (undefined when that name was itself unusable).
 */
export function checkName(name: string, at: Position, elementAt: Position, kind: 'section' | 'item', section: string | undefined, r: Reporter): boolean {
  if (name === '') {
    r.report('name-missing', elementAt, `This ${kind} has no name.`, `Give it a name: letters and digits, at most ${LIMITS.nameLength}.`);
    return false;
  }
  if (name.length > LIMITS.nameLength)
    r.report(
      'name-too-long',
      at,
      `The ${kind} name '${name}' is ${name.length} characters long; the limit is ${LIMITS.nameLength}.`,
      `Shorten it to at most ${LIMITS.nameLength} letters and digits.`,
    );
  if (!ALPHANUMERIC.test(name)) {
    const suggestion = name.replace(/[^A-Za-z0-9]/g, '');
    r.report(
      'name-not-alphanumeric',
      at,
      `The ${kind} name '${name}' contains characters other than letters and digits.`,
      suggestion ? `Use '${suggestion}' (no spaces, underscores or punctuation).` : 'Use letters and digits only.',
    );
  }
  if (RESERVED_NAMES.includes(name)) {
    r.report(
      'name-reserved',
      at,
      `'${name}' is reserved by Salesforce (it collides with the settings' ${name} keys).`,
      `Rename the ${kind}, e.g. '${kind}${name.charAt(0).toUpperCase()}${name.slice(1)}'.`,
    );
  }
  if (kind === 'section') {
    if (name.startsWith('req') && !reqSection(name)) {
      r.report(
        'req-name-unknown',
        at,
        `'${name}' starts with req, the prefix of Salesforce's sections (${REQ_SECTIONS.map((s) => s.name).join(', ')}); Setup imports it, but it is not one of them.`,
        `Use one of those, or a name of your own without the req prefix (e.g. '${name.slice(3, 4).toLowerCase()}${name.slice(4)}').`,
      );
    }
  } else if (section !== undefined) {
    const req = reqSection(section);
    if (req && name.startsWith('req') && !req.items.some((i) => i.name === name)) {
      const other = REQ_SECTIONS.find((s) => s.items.some((i) => i.name === name));
      r.report(
        'req-name-unknown',
        at,
        `'${name}' is not an item Salesforce defines for ${section}${other ? ` (it belongs in ${other.name})` : ''}.`,
        other
          ? `Move it to the ${other.name} section.`
          : `Known ${section} items: ${req.items.map((i) => i.name).join(', ')}. Check the spelling, or use a custom section for your own items.`,
      );
    } else if (!req && name.startsWith('req')) {
      r.report(
        'req-name-unknown',
        at,
        `The item '${name}' in the custom section '${section}' starts with req, the prefix of Salesforce's items; Setup imports it, but Salesforce defines no such item.`,
        `Rename it without the req prefix, or move it to the Salesforce section that defines it.`,
      );
    } else if (req && !name.startsWith('req') && section !== HVCC) {
      r.report(
        'custom-item-in-req-section',
        at,
        `The custom item '${name}' sits in Salesforce's ${section} section.`,
        'Move it to a section of your own (e.g. switchboard).',
      );
    }
  }
  return true;
}

export function checkDuplicateNames(entries: readonly { name: string; position: Position }[], what: string, kind: string, r: Reporter): void {
  const seen = new Map<string, Position>();
  for (const e of entries) {
    const first = seen.get(e.name);
    if (first)
      r.report(
        'name-duplicate',
        e.position,
        `Two ${what} are named '${e.name}' (the first at line ${first.line}).`,
        `Rename or remove this ${kind}; names are unique among siblings.`,
      );
    else seen.set(e.name, e.position);
  }
}

export function baseName(fileName: string): string {
  return fileName.split(/[\\/]/).pop() ?? fileName;
}
