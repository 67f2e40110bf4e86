/**
 * Reading records out of Open CTI answers: searchAndScreenPop's `recordId → record` map, click-to-dial
 * and navigation payloads. Salesforce's shapes vary by version, so every
 * reader accepts the documented variants and ignores what it cannot read.
 */
import type { ClickToDialRequest, RecordRef } from '../../core/index.ts';

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Salesforce Ids are 15 or 18 alphanumerics. */
export function isSalesforceId(value: unknown): value is string {
  return typeof value === 'string' && /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(value);
}

const RESERVED_KEYS = new Set(['SCREEN_POP_DATA', 'screenPopUrl']);

/**
 * The name field of standard objects that have no `Name` (Salesforce shows these as the record's
 * name): a Case is known by its number, never by its Id. Used when the layout's display fields
 * include it.
 */
const NAME_FIELDS: Readonly<Record<string, string>> = {
  Case: 'CaseNumber',
  Contract: 'ContractNumber',
  Order: 'OrderNumber',
  Solution: 'SolutionName',
  Task: 'Subject',
  Event: 'Subject',
};

/**
 * Turns a search result map into records. Entries look like `{Id, Name, RecordType:'Contact', …}`
 * (current) or `{Name, object, displayName}` (older, and Classic).
 */
export function recordsFromSearchResult(result: unknown): RecordRef[] {
  const map = asRecord(result);
  if (!map) return [];
  const out: RecordRef[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (RESERVED_KEYS.has(key)) continue;
    const entry = asRecord(value);
    if (!entry) continue;
    const id = typeof entry.Id === 'string' ? entry.Id : key;
    const objectType = typeof entry.RecordType === 'string' ? entry.RecordType : typeof entry.object === 'string' ? entry.object : undefined;
    if (!objectType) continue;
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(entry)) {
      if (['Id', 'RecordType', 'object', 'Name', 'displayName'].includes(k)) continue;
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields[k] = String(v);
    }
    const nameField = NAME_FIELDS[objectType];
    const name =
      typeof entry.Name === 'string'
        ? entry.Name
        : typeof entry.displayName === 'string'
          ? entry.displayName
          : nameField && typeof entry[nameField] === 'string' && entry[nameField] !== ''
            ? entry[nameField]
            : undefined;
    out.push({ id, objectType, ...(name !== undefined ? { name } : {}), ...(Object.keys(fields).length ? { fields } : {}) });
  }
  return out;
}

/** Lightning getAppViewInfo / onNavigationChange payload → the record in view (null: none). */
export function recordFromAppView(payload: unknown): RecordRef | null {
  const o = asRecord(payload);
  if (!o) return null;
  const id = o.recordId ?? o.objectId;
  const objectType = o.objectType ?? o.object;
  if (typeof id !== 'string' || id === '' || typeof objectType !== 'string' || objectType === '') return null;
  const name = o.recordName ?? o.objectName;
  return { id, objectType, ...(typeof name === 'string' && name !== '' ? { name } : {}) };
}

/** The number of a click-to-dial payload: documented as a number, seen as a string. */
export function numberFromClickToDial(payload: unknown): string | undefined {
  const o = asRecord(payload);
  if (!o) return undefined;
  const n = o.number;
  if (typeof n === 'number' && Number.isFinite(n)) return String(n);
  if (typeof n === 'string' && n.trim() !== '') return n.trim();
  return undefined;
}

/** A click-to-dial payload (Lightning object or Classic parsed JSON) as the core's request; undefined without a number. */
export function clickToDialRequest(payload: unknown): ClickToDialRequest | undefined {
  const number = numberFromClickToDial(payload);
  if (!number) return undefined;
  const record = recordFromAppView(payload);
  return { number, ...(record ? { record } : {}) };
}
