/**
 * Who is calling: number and name from P-Asserted-Identity (RFC 3325, set by a trusted phone
 * system) when present, else from the From header; and whether the caller is one of our own
 * extensions (an internal call).
 */
import { Grammar } from 'sip.js';
import type { Party } from '../../core/index.ts';

export interface CallerIdentity {
  readonly party: Party;
  /** Host part of the caller's SIP URI (absent for tel: URIs). */
  readonly host?: string;
  readonly source: 'p-asserted-identity' | 'from';
}

/** Parses one name-addr (`"Ann" <sip:1001@pbx>`, `<tel:+1415...>`, `sip:bob@x`). Undefined when unparseable. */
export function parseNameAddr(value: string): { number: string; displayName?: string; host?: string } | undefined {
  const trimmed = value.trim();
  const tel = /^(?:"([^"]*)"\s*|([^<"]*?)\s*)?<tel:([^>;]+)[^>]*>/i.exec(trimmed) ?? /^()()tel:([^;\s]+)/i.exec(trimmed);
  if (tel) {
    const name = (tel[1] ?? tel[2] ?? '').trim();
    return { number: decodeURIComponent(tel[3]!), ...(name ? { displayName: name } : {}) };
  }
  // addr-spec without <>: its ;params belong to the header, not the URI (RFC 3261 §20.10).
  const parsed = Grammar.nameAddrHeaderParse(trimmed.includes('<') ? trimmed : `<${trimmed.split(';')[0]}>`);
  if (!parsed || !parsed.uri.user) return undefined;
  const name = parsed.displayName?.trim();
  return { number: decodeURIComponent(parsed.uri.user), host: parsed.uri.host, ...(name ? { displayName: name } : {}) };
}

/** sip.js's own parse of a From header (it parses From on every request it receives). */
export interface ParsedFrom {
  readonly uri: { readonly user?: string | undefined; readonly host: string };
  readonly displayName?: string | undefined;
}

/**
 * Picks the caller from the first usable P-Asserted-Identity value, else from `from`. `parsedFrom`
 * (sip.js's parse of the same From) spares a second run of its grammar on the path to the screen pop.
 */
export function callerIdentity(paiValues: readonly string[], from: string, parsedFrom?: ParsedFrom): CallerIdentity | undefined {
  for (const header of paiValues) {
    // One header may carry a sip: and a tel: identity separated by a comma (RFC 3325 §9.1).
    for (const value of splitTopLevel(header)) {
      const id = parseNameAddr(value);
      if (id) return { party: party(id), ...(id.host ? { host: id.host } : {}), source: 'p-asserted-identity' };
    }
  }
  const name = parsedFrom?.displayName?.trim();
  const id = parsedFrom?.uri.user
    ? { number: decodeURIComponent(parsedFrom.uri.user), host: parsedFrom.uri.host, ...(name ? { displayName: name } : {}) }
    : parseNameAddr(from);
  return id ? { party: party(id), ...(id.host ? { host: id.host } : {}), source: 'from' } : undefined;
}

function party(id: { number: string; displayName?: string }): Party {
  return { number: id.number, ...(id.displayName ? { displayName: id.displayName } : {}) };
}

function splitTopLevel(header: string): string[] {
  const out: string[] = [];
  let depth = 0,
    quoted = false,
    start = 0;
  for (let i = 0; i < header.length; i++) {
    const c = header[i];
    if (c === '"' && header[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && c === '<') depth++;
    else if (!quoted && c === '>') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      out.push(header.slice(start, i));
      start = i + 1;
    }
  }
  out.push(header.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

/** The longest all-digit string we treat as an extension rather than a phone number. */
export const MAX_EXTENSION_DIGITS = 6;

export function isExtension(number: string, directory: readonly { readonly extension: string }[]): boolean {
  return (/^\d{1,6}$/.test(number) && number.length <= MAX_EXTENSION_DIGITS) || directory.some((d) => d.extension === number);
}

/**
 * Internal: the caller is a bare extension (≤ 6 digits, or listed in the directory) whose SIP
 * URI is in our SIP domain. A tel: identity is never internal.
 */
export function isInternalCaller(identity: CallerIdentity, domain: string, directory: readonly { readonly extension: string }[]): boolean {
  if (!identity.host || identity.host.toLowerCase() !== domain.toLowerCase()) return false;
  return isExtension(identity.party.number, directory);
}
