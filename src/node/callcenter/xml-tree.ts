/**
 * A position-annotated element tree built from saxes events. saxes does the XML parsing (and the
 * well-formedness checks); this file only records where each element, attribute and text run
 * starts, so the linter can point at the exact line and column.
 */
import { SaxesParser } from 'saxes';
import { LineIndex, type Position } from './position.ts';

export interface XmlAttribute {
  readonly name: string;
  readonly value: string;
  readonly position: Position;
}

export interface XmlElement {
  /** The qualified name as written (`callCenter`, `CallCenter`). */
  readonly name: string;
  /** The namespace URI, '' when the element is in no namespace. */
  readonly uri: string;
  readonly position: Position;
  readonly attributes: ReadonlyMap<string, XmlAttribute>;
  readonly children: XmlElement[];
  /** The element's own text (entities decoded, CDATA included), not its descendants'. */
  text: string;
  /** Where the first non-blank character of the own text is. */
  textPosition?: Position;
  readonly parent?: XmlElement;
}

export interface XmlSyntaxError {
  readonly position: Position;
  readonly message: string;
}

export interface XmlParseResult {
  readonly root?: XmlElement;
  readonly errors: readonly XmlSyntaxError[];
  readonly index: LineIndex;
}

/** Strips a leading byte order mark: editors do not count it as a column. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const ATTRIBUTE = /([^\s=/>]+)\s*=\s*("[^"]*"|'[^']*')/g;

export function parseXml(source: string): XmlParseResult {
  const text = stripBom(source);
  const index = new LineIndex(text);
  const parser = new SaxesParser({ xmlns: true, position: true });
  const errors: XmlSyntaxError[] = [];
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let lastEnd = 0;
  let lastClosed: XmlElement | undefined;

  parser.on('error', (err) => {
    if (errors.length > 0) return; // the first fatal error is the one to fix; the rest follow from it
    let message = err.message.replace(/^\d+:\d+: /, '').replace(/\.$/, '');
    const position = index.at(Math.max(0, Math.min(parser.position - 1, text.length)));
    if (message === 'unexpected close tag' && lastClosed) {
      // saxes has just force-closed the element the end tag skipped over.
      const endTag = /<\/([^\s>]+)\s*>?$/.exec(text.slice(0, parser.position))?.[1];
      message = `<${lastClosed.name}> from line ${lastClosed.position.line} is not closed before ${endTag ? `</${endTag}>` : 'this end tag'}`;
    } else if (/^unclosed tag: /.test(message) && stack.length) {
      const open = stack[stack.length - 1] as XmlElement;
      message = `<${open.name}> from line ${open.position.line} is never closed`;
    }
    errors.push({ position, message });
  });
  parser.on('opentag', (tag) => {
    const end = parser.position;
    const start = text.lastIndexOf('<', end - 1);
    const tagSource = text.slice(start, end);
    const offsets = new Map<string, number>();
    for (const m of tagSource.matchAll(ATTRIBUTE)) offsets.set(m[1] ?? '', start + (m.index ?? 0));
    const attributes = new Map<string, XmlAttribute>();
    for (const [name, attr] of Object.entries(tag.attributes)) {
      attributes.set(name, { name, value: attr.value, position: index.at(offsets.get(name) ?? start) });
    }
    const parent = stack[stack.length - 1];
    const element: XmlElement = {
      name: tag.name,
      uri: tag.uri ?? '',
      position: index.at(start),
      attributes,
      children: [],
      text: '',
      ...(parent ? { parent } : {}),
    };
    if (parent) parent.children.push(element);
    else if (!root) root = element;
    stack.push(element);
    lastEnd = end;
  });
  const addText = (value: string): void => {
    const current = stack[stack.length - 1];
    if (current) {
      if (current.textPosition === undefined && value.trim() !== '') {
        const raw = text.slice(lastEnd);
        const first = raw.search(/\S/);
        // For CDATA the raw text starts with `<![CDATA[`; point at the content.
        const cdata = raw.startsWith('<![CDATA[', first) ? first + 9 : -1;
        const skip = cdata >= 0 ? cdata + Math.max(0, raw.slice(cdata).search(/\S/)) : first;
        current.textPosition = index.at(lastEnd + Math.max(0, skip));
      }
      current.text += value;
    }
  };
  parser.on('text', (value) => {
    addText(value);
    lastEnd = parser.position - 1;
  });
  parser.on('cdata', (value) => {
    addText(value);
    lastEnd = parser.position;
  });
  parser.on('closetag', () => {
    lastClosed = stack.pop();
    lastEnd = parser.position;
  });
  parser.on('comment', () => {
    lastEnd = parser.position;
  });
  parser.on('processinginstruction', () => {
    lastEnd = parser.position;
  });
  parser.on('doctype', () => {
    lastEnd = parser.position;
  });
  parser.on('xmldecl', () => {
    lastEnd = parser.position;
  });
  parser.write(text).close();
  // saxes reads a bare `&` as the start of an entity up to the next `;` and then only reports an
  // unexpected end of file; find bare ampersands first so the error points at them.
  const bare = bareAmpersands(text).map((offset) => ({
    position: index.at(offset),
    message: 'a bare & must be written &amp; (or start an entity such as &lt;)',
  }));
  if (bare.length) return { errors: bare, index };
  // After the first fatal error everything else saxes says is a consequence of it.
  return { ...(root ? { root } : {}), errors, index };
}

const LEXICAL = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|&(?!(?:[A-Za-z_:][\w.:-]*|#\d+|#x[0-9A-Fa-f]+);)/g;

/** Offsets of `&` that start no entity or character reference (outside comments, CDATA and PIs). */
function bareAmpersands(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(LEXICAL)) if (m[0] === '&') out.push(m.index ?? 0);
  return out;
}

/** Child elements with a given name. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}
