/**
 * The screen-pop policy: what to search for a call and what to pop.
 *
 * 1. Internal calls never pop (Salesforce itself never pops internal calls) → `skipped`.
 * 2. Attached data first: an IVR-collected case number is searched and, when exactly one Case has
 *    it, that Case is popped; the same for an account number → Account. The documented path is
 *    `searchAndScreenPop`, which searches the objects of the softphone layout's section for the
 *    call type; so a Case can only be found this way when the layout lists Case, and we say so in
 *    the explanation when it does not (an org can still add Case to the layout; no Apex needed).
 * 3. Then the caller's number in E.164 and national forms, each through
 *    `searchAndScreenPop({deferred:true})`, so nothing navigates before we have looked:
 *    - one record in all → the layout's single-match pop (SCREEN_POP_DATA passed on unmodified);
 *    - several → `multiple`, no navigation, the agent chooses (the engine then calls openRecord);
 *    - none → the layout's no-match action (its SCREEN_POP_DATA: typically a new-record form with
 *      the number prefilled through `defaultFieldValues`).
 * Every decision adds a line to `explanation`, which the engine copies to the call's timeline.
 * When to pop (ring or answer) is the engine's decision, not this module's.
 */
import type { Logger, RecordRef, ScreenPopOutcome, ScreenPopRequest } from '../../core/index.ts';
import type { DeferredSearchResult, SalesforceSurface, SearchCallType } from '../shared/salesforce-surface.ts';
import { layoutSection, noMatchNewRecordObject, type LayoutSection, type SoftphoneLayout } from '../shared/softphone-layout.ts';
import { phoneForms } from './phone-forms.ts';

/** Attached-data keys (see the sipHeaderMappings setting) that name one record, in the order tried. */
export const ATTACHED_LOOKUPS: readonly { readonly key: string; readonly objectType: string; readonly label: string }[] = [
  { key: 'caseNumber', objectType: 'Case', label: 'case number' },
  { key: 'accountNumber', objectType: 'Account', label: 'account number' },
];

/** The field a new record's phone goes in, by object (Case keeps a web/IVR caller's phone in SuppliedPhone). */
const PHONE_FIELD: Readonly<Record<string, string>> = { Case: 'SuppliedPhone' };

export interface ScreenPopPolicyOptions {
  readonly surface: SalesforceSurface;
  readonly logger: Logger;
  /** ISO country used to read national numbers (settings.dialing.defaultCountry). */
  readonly defaultCountry: () => string;
}

export class ScreenPopPolicy {
  private layout?: Promise<SoftphoneLayout | undefined>;

  constructor(private readonly options: ScreenPopPolicyOptions) {}

  async pop(request: ScreenPopRequest): Promise<ScreenPopOutcome> {
    const explanation: string[] = [];
    if (request.direction === 'internal') {
      return { kind: 'skipped', records: [], explanation: ['no screen pop: internal call (Salesforce never pops internal calls)'] };
    }
    const callType: SearchCallType = request.direction;
    const section = await this.section(callType, explanation);

    for (const lookup of ATTACHED_LOOKUPS) {
      const value = request.attachedData[lookup.key]?.trim();
      if (!value) continue;
      const outcome = await this.byAttachedData(lookup, value, callType, section, explanation);
      if (outcome) return outcome;
    }
    return this.byNumber(request, callType, section, explanation);
  }

  /** Fetches the softphone layout ahead of the first call, so the first pop waits on nothing but its searches. */
  async warmUp(): Promise<void> {
    await this.section('inbound', []);
  }

  /** Forgets the cached softphone layout (the org's admin may have edited it). */
  resetLayout(): void {
    this.layout = undefined;
  }

  private async section(callType: SearchCallType, explanation: string[]): Promise<LayoutSection | undefined> {
    this.layout ??= this.options.surface.softphoneLayout().catch((error: unknown) => {
      this.options.logger.log('warn', 'getSoftphoneLayout failed', { error: String(error) });
      this.layout = undefined; // try again next call
      return undefined;
    });
    const layout = await this.layout;
    if (!layout) explanation.push('softphone layout unavailable; searching anyway');
    return layout ? layoutSection(layout, callType) : undefined;
  }

  private async byAttachedData(
    lookup: (typeof ATTACHED_LOOKUPS)[number], value: string, callType: SearchCallType, section: LayoutSection | undefined, explanation: string[],
  ): Promise<ScreenPopOutcome | undefined> {
    if (value.length < 3) {
      explanation.push(`${lookup.label} '${value}' from the IVR is too short to search (3 characters minimum)`);
      return undefined;
    }
    if (section && !(lookup.objectType in section.objects)) {
      explanation.push(`${lookup.label} ${value} from the IVR not searched: ${lookup.objectType} is not in the softphone layout's ${callType} objects`);
      return undefined;
    }
    let result: DeferredSearchResult;
    try {
      result = await this.options.surface.deferredSearch({ searchParams: value, callType });
    } catch (error) {
      // A failed lookup by IVR data must not cost the agent the pop by number.
      explanation.push(`${lookup.label} ${value} from the IVR: search failed (${errorText(error)}); trying the caller's number`);
      return undefined;
    }
    const matches = result.records.filter((r) => r.objectType === lookup.objectType);
    if (matches.length === 0) {
      explanation.push(`${lookup.label} ${value} from the IVR: no ${lookup.objectType} found`);
      return undefined;
    }
    if (matches.length > 1) {
      explanation.push(`${lookup.label} ${value} from the IVR: ${matches.length} ${lookup.objectType} records match; the agent chooses`);
      return { kind: 'multiple', records: matches, explanation };
    }
    const record = matches[0]!;
    // The layout's own pop only when it would open exactly this record; otherwise open it directly.
    if (result.records.length === 1 && result.popData !== undefined && result.popData !== null) await this.options.surface.popDeferred(result.popData);
    else await this.options.surface.popRecord(record);
    explanation.push(`${lookup.objectType} ${describe(record)} found from the IVR's ${lookup.label}; popped it`);
    return { kind: 'single', records: [record], explanation };
  }

  private async byNumber(request: ScreenPopRequest, callType: SearchCallType, section: LayoutSection | undefined, explanation: string[]): Promise<ScreenPopOutcome> {
    const forms = phoneForms(request.remote, this.options.defaultCountry());
    if (forms.searches.length === 0) {
      explanation.push('no caller number to search (anonymous or withheld); no screen pop');
      return { kind: 'skipped', records: [], explanation };
    }
    const newObject = section ? noMatchNewRecordObject(section) : undefined;
    const prefill = forms.e164 ?? forms.searches[0]!;
    const defaults: Record<string, string> | undefined = newObject && this.options.surface.kind !== 'classic' ? { [PHONE_FIELD[newObject] ?? 'Phone']: prefill } : undefined;

    // The forms are searched concurrently: one round trip instead of two before the pop.
    const settled = await Promise.allSettled(forms.searches.map((search) =>
      this.options.surface.deferredSearch({ searchParams: search, callType, ...(defaults ? { defaultFieldValues: defaults } : {}) })));
    const results: { search: string; result: DeferredSearchResult }[] = [];
    let failure: unknown;
    settled.forEach((outcome, i) => {
      const search = forms.searches[i]!;
      if (outcome.status === 'fulfilled') results.push({ search, result: outcome.value });
      else {
        failure ??= outcome.reason;
        explanation.push(`search for ${search} failed: ${errorText(outcome.reason)}`);
      }
    });
    // Every form failed: nothing is known, so nothing may be popped (not even the no-match form).
    if (results.length === 0) throw failure;
    const byId = new Map<string, RecordRef>();
    for (const { result } of results) for (const r of result.records) if (!byId.has(r.id)) byId.set(r.id, r);
    const records = [...byId.values()];
    const objects = section ? Object.keys(section.objects) : [];
    const where = objects.length ? ` in ${objects.join(', ')}` : '';
    const searched = `searched ${forms.searches.join(' and ')}${where}`;

    if (records.length === 1) {
      const record = records[0]!;
      const exact = results.find(({ result }) => result.records.length === 1 && result.popData !== undefined && result.popData !== null);
      if (!exact) {
        explanation.push(`${searched}: 1 match, ${record.objectType} ${describe(record)}; not popped (the softphone layout has no single-match pop for ${callType} calls)`);
        return { kind: 'single', records, explanation };
      }
      await this.options.surface.popDeferred(exact.result.popData);
      explanation.push(`${searched}: 1 match, ${record.objectType} ${describe(record)}; popped it`);
      return { kind: 'single', records, explanation };
    }
    if (records.length > 1) {
      explanation.push(`${searched}: ${records.length} matches (${records.map((r) => `${r.objectType} ${describe(r)}`).join(', ')}); no pop, the agent chooses`);
      return { kind: 'multiple', records, explanation };
    }
    if (section && objects.length === 0) explanation.push(`the softphone layout lists no objects for ${callType} calls, so nothing can match`);
    const noMatch = results[0]?.result.popData;
    if (noMatch === undefined || noMatch === null) {
      explanation.push(`${searched}: no match; the softphone layout has no no-match action for ${callType} calls`);
      return { kind: 'none', records: [], explanation };
    }
    await this.options.surface.popDeferred(noMatch);
    if (newObject) {
      const shown = defaults ? ` with ${Object.entries(defaults).map(([k, v]) => `${k}=${v}`).join(', ')} prefilled` : '';
      explanation.push(`${searched}: no match; opened a new ${newObject}${shown} (softphone layout's no-match action)`);
      return { kind: 'none', records: [], newRecord: { objectType: newObject, defaults: defaults ?? {} }, explanation };
    }
    explanation.push(`${searched}: no match; ran the softphone layout's no-match action`);
    return { kind: 'none', records: [], explanation };
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describe(record: RecordRef): string {
  return record.name ? `${record.name} (${record.id})` : record.id;
}
