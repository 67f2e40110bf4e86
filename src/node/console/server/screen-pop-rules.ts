/**
 * searchAndScreenPop as Salesforce runs it: search the objects of the user's
 * softphone layout section for the call type, then apply that section's rule for no, one or many
 * matches. Returns the `recordId → record` map (only objects with display fields configured, only
 * those fields) and the pop to perform, in screenPop's `{type, params}` form so a deferred search can
 * hand it back as SCREEN_POP_DATA.
 */
import type { CallTypeLayout, RecordView, ScreenPopSetting, SoftphoneLayoutDef, Value } from './console-data.ts';

export interface PopAction {
  readonly type: 'sobject' | 'url' | 'search' | 'newRecord' | 'flow';
  readonly params: Readonly<Record<string, unknown>>;
}

export interface SearchAndPopInput {
  readonly searchParams?: unknown;
  readonly callType?: unknown;
  readonly queryParams?: unknown;
  readonly defaultFieldValues?: unknown;
  readonly params?: unknown;
}

export interface SearchAndPopResult {
  readonly matches: Readonly<Record<string, Readonly<Record<string, Value>>>>;
  readonly matchCount: number;
  readonly pop: PopAction | null;
  readonly rule: 'NoMatch' | 'SingleMatch' | 'MultipleMatches';
}

export function layoutSection(layout: SoftphoneLayoutDef, callType: unknown): CallTypeLayout {
  if (callType === 'outbound') return layout.Outbound;
  if (callType === 'internal') return layout.Internal;
  return layout.Inbound;
}

/** queryParams may be a string or an object of key/values (escaped into a query string). */
export function queryString(queryParams: unknown): string {
  if (typeof queryParams === 'string') return queryParams.replace(/^\?/, '');
  if (typeof queryParams === 'object' && queryParams !== null) {
    return Object.entries(queryParams as Record<string, unknown>)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join('&');
  }
  return '';
}

export function searchAndPop(
  input: SearchAndPopInput,
  layout: SoftphoneLayoutDef,
  search: (term: string, objects: readonly string[]) => readonly RecordView[],
): SearchAndPopResult {
  const section = layoutSection(layout, input.callType);
  const objects = Object.keys(section.objects);
  const term = typeof input.searchParams === 'string' ? input.searchParams.trim() : '';
  const found = term !== '' && objects.length > 0 ? search(term, objects) : [];
  const matches: Record<string, Record<string, Value>> = {};
  for (const record of found) {
    const display = section.objects[record.object] ?? [];
    if (display.length === 0) continue;
    const entry: Record<string, Value> = { Id: record.Id, RecordType: record.object };
    for (const field of display) entry[field.apiName] = record.fields[field.apiName] ?? null;
    matches[record.Id] = entry;
  }
  const rule = found.length === 0 ? 'NoMatch' : found.length === 1 ? 'SingleMatch' : 'MultipleMatches';
  const setting = section.screenPopSettings[rule];
  return { matches, matchCount: found.length, rule, pop: setting ? popFor(setting, rule, found, term, input) : null };
}

function popFor(
  setting: ScreenPopSetting,
  rule: SearchAndPopResult['rule'],
  found: readonly RecordView[],
  term: string,
  input: SearchAndPopInput,
): PopAction | null {
  const data = setting.screenPopData ?? '';
  switch (setting.screenPopType) {
    case 'PopToEntity':
      if (rule === 'NoMatch') {
        if (!data) return null;
        const defaults = typeof input.defaultFieldValues === 'object' && input.defaultFieldValues !== null ? input.defaultFieldValues : {};
        return { type: 'newRecord', params: { entityName: data, defaultFieldValues: defaults } };
      }
      if (rule === 'SingleMatch') return { type: 'sobject', params: { recordId: found[0]!.Id } };
      return { type: 'search', params: { searchString: term } };
    case 'PopToVisualforce': {
      if (!data) return null;
      const q = queryString(input.queryParams);
      return { type: 'url', params: { url: `/apex/${data}${q ? `?${q}` : ''}` } };
    }
    case 'PopToSearch':
      return term.length >= 3 ? { type: 'search', params: { searchString: term } } : null;
    case 'PopToFlow': {
      if (!data) return null;
      const p = input.params as { FLOW?: { flowArgs?: unknown } } | undefined;
      const flowArgs = Array.isArray(p?.FLOW?.flowArgs) ? p.FLOW.flowArgs : [];
      return { type: 'flow', params: { flowDevName: data, flowArgs } };
    }
    default:
      return null;
  }
}
