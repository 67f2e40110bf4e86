/**
 * Mapped SIP headers → the call's attached data (IVR data such as X-Case-Number).
 *
 * This is an edge: header values come from whoever placed the call, so they are checked here and
 * the rest of the connector trusts them. A value is dropped (and reported) when it is longer than
 * MAX_VALUE_LENGTH or holds control characters; at most MAX_KEYS keys are kept. `User-to-User`
 * (RFC 7433) keeps its hex payload and drops its `;encoding=hex` / `;purpose=` parameters.
 */
import type { AttachedData } from '../../core/index.ts';

export const MAX_VALUE_LENGTH = 512;
export const MAX_KEYS = 32;

export interface HeaderProblem {
  readonly header: string;
  readonly reason: string;
}

export interface MappedHeaders {
  readonly data: AttachedData;
  readonly problems: readonly HeaderProblem[];
}

/**
 * @param headerValue returns the first value of a header (case-insensitive name), or undefined.
 * @param mappings lower-cased header name → attached-data key (ConnectorSettings.sip.headerMappings).
 */
export function mapHeaders(headerValue: (name: string) => string | undefined, mappings: Readonly<Record<string, string>>): MappedHeaders {
  const data: Record<string, string> = {};
  const problems: HeaderProblem[] = [];
  for (const [header, key] of Object.entries(mappings)) {
    const raw = headerValue(header);
    if (raw === undefined) continue;
    let value = raw.trim();
    if (header.toLowerCase() === 'user-to-user') value = value.split(';')[0]?.trim() ?? '';
    if (value === '') continue;
    if (value.length > MAX_VALUE_LENGTH) {
      problems.push({ header, reason: `value is ${value.length} characters, more than ${MAX_VALUE_LENGTH}` });
      continue;
    }
    if (/[\u0000-\u001f\u007f]/.test(value)) {
      problems.push({ header, reason: 'value holds control characters' });
      continue;
    }
    if (Object.keys(data).length >= MAX_KEYS) {
      problems.push({ header, reason: `more than ${MAX_KEYS} mapped headers` });
      continue;
    }
    data[key] = value;
  }
  return { data, problems };
}

/** Attached data → outgoing SIP headers (reverse of the mapping); keys without a mapping are sent as X-<key>. */
export function headersFor(data: AttachedData, mappings: Readonly<Record<string, string>>): string[] {
  const byKey = new Map(Object.entries(mappings).map(([header, key]) => [key, header]));
  const out: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    const header = byKey.get(key) ?? (/^x-/i.test(key) ? key : `X-${key}`);
    if (!/^[A-Za-z0-9-]{1,64}$/.test(header)) throw new TypeError(`attached data key '${key}' cannot be a SIP header name`);
    if (/[\u0000-\u001f\u007f]/.test(value) || value.length > MAX_VALUE_LENGTH) {
      throw new TypeError(`attached data '${key}' must be at most ${MAX_VALUE_LENGTH} printable characters`);
    }
    out.push(`${canonical(header)}: ${value}`);
  }
  return out;
}

function canonical(header: string): string {
  return header
    .split('-')
    .map((p) => (p.length <= 1 ? p.toUpperCase() : p[0]!.toUpperCase() + p.slice(1)))
    .join('-');
}
