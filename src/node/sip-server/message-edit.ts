/**
 * Editing SIP messages as text.
 *
 * sip.js parses incoming messages but cannot serialise them again, so a proxy that forwards them
 * edits the header text: it adds its Via, adds a Record-Route, pops its own Route, decrements
 * Max-Forwards, pops the top Via of a response. `RawMessage` splits a message into a start line,
 * an ordered list of header fields (folded lines joined) and the body, lets those edits be made,
 * and writes the message back with a correct Content-Length. Header names are matched
 * case-insensitively and compact forms (`v`, `f`, `t`, ...) count as their long names.
 */

import { randomBytes } from 'node:crypto';

const COMPACT: Readonly<Record<string, string>> = {
  v: 'via',
  f: 'from',
  t: 'to',
  i: 'call-id',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
  e: 'content-encoding',
  k: 'supported',
  s: 'subject',
  r: 'refer-to',
  o: 'event',
  u: 'allow-events',
  b: 'referred-by',
  x: 'session-expires',
};

/** The canonical lower-case name of a header (compact forms expanded). */
export function canonicalHeaderName(name: string): string {
  const lower = name.trim().toLowerCase();
  return COMPACT[lower] ?? lower;
}

export interface HeaderField {
  /** The name as written (kept so forwarded messages look like what was sent). */
  readonly name: string;
  value: string;
}

/**
 * Splits a comma-separated header value into its elements, leaving commas inside quotes and
 * angle brackets alone (`Via: a, b` and `Route: <sip:x;lr>, <sip:y;lr>`).
 */
export function splitHeaderValues(value: string): string[] {
  const out: string[] = [];
  let depthAngle = 0;
  let inQuote = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (inQuote) {
      if (ch === '\\') i++;
      else if (ch === '"') inQuote = false;
    } else if (ch === '"') inQuote = true;
    else if (ch === '<') depthAngle++;
    else if (ch === '>') depthAngle = Math.max(0, depthAngle - 1);
    else if (ch === ',' && depthAngle === 0) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out.filter((v) => v.length > 0);
}

export class RawMessage {
  startLine: string;
  readonly headers: HeaderField[];
  body: string;

  private constructor(startLine: string, headers: HeaderField[], body: string) {
    this.startLine = startLine;
    this.headers = headers;
    this.body = body;
  }

  /**
   * Splits `text`. Returns undefined when there is no start line or header block; the caller has
   * normally checked the message with the sip.js parser before editing it. A Content-Length
   * shorter than the body trims the body (RFC 3261 18.3).
   */
  static parse(text: string): RawMessage | undefined {
    const headEnd = text.indexOf('\r\n\r\n');
    const head = headEnd === -1 ? text : text.slice(0, headEnd);
    let body = headEnd === -1 ? '' : text.slice(headEnd + 4);
    const lines = head.split('\r\n');
    const startLine = lines.shift();
    if (!startLine) return undefined;
    const headers: HeaderField[] = [];
    for (const line of lines) {
      if (/^[ \t]/.test(line) && headers.length > 0) {
        const last = headers[headers.length - 1];
        last.value = `${last.value} ${line.trim()}`;
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) return undefined;
      headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
    }
    const message = new RawMessage(startLine, headers, body);
    const length = message.get('content-length');
    if (length !== undefined && /^\d+$/.test(length)) {
      const bytes = Buffer.from(body, 'utf8');
      const declared = Number(length);
      if (declared < bytes.length) body = bytes.subarray(0, declared).toString('utf8');
      message.body = body;
    }
    return message;
  }

  /** The first value of a header, or undefined. */
  get(name: string): string | undefined {
    const want = canonicalHeaderName(name);
    return this.headers.find((h) => canonicalHeaderName(h.name) === want)?.value;
  }

  /** Every element of a header, across repeated lines and comma lists. */
  getAll(name: string): string[] {
    const want = canonicalHeaderName(name);
    return this.headers.filter((h) => canonicalHeaderName(h.name) === want).flatMap((h) => splitHeaderValues(h.value));
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Adds a header line above every other header (used for Via and Record-Route). */
  prepend(name: string, value: string): void {
    this.headers.unshift({ name, value });
  }

  /** Adds a header line after the last one. */
  append(name: string, value: string): void {
    this.headers.push({ name, value });
  }

  /** Replaces the value of the first line of `name`, or appends one. */
  set(name: string, value: string): void {
    const want = canonicalHeaderName(name);
    const field = this.headers.find((h) => canonicalHeaderName(h.name) === want);
    if (field) field.value = value;
    else this.append(name, value);
  }

  /** Removes every line of `name`. */
  remove(name: string): void {
    const want = canonicalHeaderName(name);
    for (let i = this.headers.length - 1; i >= 0; i--) {
      if (canonicalHeaderName(this.headers[i].name) === want) this.headers.splice(i, 1);
    }
  }

  /**
   * Removes the topmost element of a multi-valued header (the first of a comma list, or the
   * whole first line) and returns it.
   */
  popFirst(name: string): string | undefined {
    const want = canonicalHeaderName(name);
    const index = this.headers.findIndex((h) => canonicalHeaderName(h.name) === want);
    if (index === -1) return undefined;
    const field = this.headers[index];
    const values = splitHeaderValues(field.value);
    const first = values.shift();
    if (values.length === 0) this.headers.splice(index, 1);
    else field.value = values.join(', ');
    return first;
  }

  /** Replaces the Request-URI of a request's start line. */
  setRequestUri(uri: string): void {
    const parts = this.startLine.split(' ');
    if (parts.length >= 3) {
      parts[1] = uri;
      this.startLine = parts.join(' ');
    }
  }

  clone(): RawMessage {
    return new RawMessage(
      this.startLine,
      this.headers.map((h) => ({ ...h })),
      this.body,
    );
  }

  /** Writes the message with a Content-Length that matches the body. */
  toString(): string {
    this.remove('content-length');
    const lines = [this.startLine, ...this.headers.map((h) => `${h.name}: ${h.value}`)];
    lines.push(`Content-Length: ${Buffer.byteLength(this.body, 'utf8')}`);
    return `${lines.join('\r\n')}\r\n\r\n${this.body}`;
  }
}

/** `z9hG4bK` plus random hex: an RFC 3261 branch that is unique for this process. */
export function newBranch(): string {
  return `z9hG4bK${randomHex(12)}`;
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** A parameter of a header value (`;branch=...`), or undefined. Case-insensitive name. */
export function headerParam(value: string, name: string): string | undefined {
  const re = new RegExp(`;\\s*${name}\\s*=\\s*("[^"]*"|[^;,\\s>]+)`, 'i');
  const match = re.exec(stripAngle(value));
  return match ? match[1].replace(/^"|"$/g, '') : undefined;
}

/** Removes the `<...>` part so parameters of the URI are not taken for header parameters. */
function stripAngle(value: string): string {
  return value.replace(/<[^>]*>/g, '<>');
}

/** The URI inside `<...>`, or the bare value up to the first `;`. */
export function uriOf(value: string): string {
  const angle = /<([^>]*)>/.exec(value);
  if (angle) return angle[1].trim();
  return value.split(';')[0].trim();
}
