/**
 * The screen-pop policy: what to search for a call and what to pop.
 *
 * 1. Internal calls never pop (Salesforce itself never pops internal calls) → `skipped`.
 * 2. Attached data first: an IVR-collected case number is searched and, when exactly one Case has
 *    it, that Case is popped; the same for an account number → Account. The documented path is
 *    `searchAndScreenPop`, which searches the objects of the softphone layout's section for the
 *    call type; so a Case can only be found this way when the layout lists Case, and we say so in
 *    the explanation when it does not (an org can still add Case to the layout; no Apex needed).
 *    A popped Case's contact (Case.ContactId, read through Apex: case-contact.ts) is related too,
 *    so the log names the person (WhoId) beside the Case (WhatId).
 * 3. Then the caller's number, in one `searchAndScreenPop({deferred:true})` (phone-forms.ts: the
 *    phone search matches every format itself), so nothing navigates before we have looked:
 *    - one record → the layout's single-match pop (SCREEN_POP_DATA passed on unmodified);
 *    - several → `multiple`, no navigation, the agent chooses (the engine then calls openRecord);
 *    - none → the layout's no-match action (its SCREEN_POP_DATA: typically a new-record form with
 *      the number prefilled through `defaultFieldValues`).
 * Every decision adds a line to `explanation`, which the engine copies to the call's timeline.
 * When to pop (ring or answer) is the engine's decision, not this module's; with `navigate: false`
 * (call waiting: another conversation holds the workspace) it searches the same way and opens nothing.
 *
 * Latency: the softphone layout is fetched once ahead of the first call (`warmUp`), and once it is
 * known the first search is sent synchronously from `pop()` — before the caller's other work on
 * the offer (rendering the ringing call, ringing) gets the thread — so the INVITE → pop path
 * holds exactly one Open CTI round trip and no wait of ours.
 */
import type { Logger, RecordRef, ScreenPopOutcome, ScreenPopRequest } from '../../core/index.ts';
import type { DeferredSearchRequest, DeferredSearchResult, SalesforceSurface, SearchCallType } from '../shared/salesforce-surface.ts';
import { layoutSection, noMatchNewRecordObject, type LayoutSection, type ScreenPopSetting, type SoftphoneLayout } from '../shared/softphone-layout.ts';
import { phoneForms } from './phone-forms.ts';
import { RECORDS_APEX_CLASS, caseContact } from './case-contact.ts';

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
}

export class ScreenPopPolicy {
  private layout?: Promise<SoftphoneLayout | undefined>;
  /** The layout once fetched, so a pop need not wait even a microtask for it. */
  private knownLayout?: SoftphoneLayout;

  constructor(private readonly options: ScreenPopPolicyOptions) {}

  /** Pops for a call. The first search leaves synchronously when the layout is already known. */
  pop(request: ScreenPopRequest): Promise<ScreenPopOutcome> {
    if (request.direction === 'internal') {
      return Promise.resolve({ kind: 'skipped', records: [], explanation: ['no screen pop: internal call (Salesforce never pops internal calls)'] });
    }
    const callType: SearchCallType = request.direction;
    const explanation: string[] = [];
    if (this.knownLayout) {
      try {
        return this.search(request, callType, layoutSection(this.knownLayout, callType), explanation);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.section(callType, explanation).then((section) => this.search(request, callType, section, explanation));
  }

  private async search(
    request: ScreenPopRequest,
    callType: SearchCallType,
    section: LayoutSection | undefined,
    explanation: string[],
  ): Promise<ScreenPopOutcome> {
    for (const lookup of ATTACHED_LOOKUPS) {
      const value = request.attachedData[lookup.key]?.trim();
      if (!value) continue;
      const outcome = await this.byAttachedData(lookup, value, callType, section, explanation, request.navigate !== false);
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
    this.knownLayout = undefined;
  }

  private async section(callType: SearchCallType, explanation: string[]): Promise<LayoutSection | undefined> {
    if (!this.layout) {
      const fetching: Promise<SoftphoneLayout | undefined> = this.options.surface.softphoneLayout().then(
        (layout) => {
          if (this.layout === fetching) this.knownLayout = layout;
          return layout;
        },
        (error: unknown) => {
          this.options.logger.log('warn', 'getSoftphoneLayout failed', { error: String(error) });
          if (this.layout === fetching) this.layout = undefined; // try again next call
          return undefined;
        },
      );
      this.layout = fetching;
    }
    const layout = await this.layout;
    if (!layout) explanation.push('softphone layout unavailable; searching anyway');
    return layout ? layoutSection(layout, callType) : undefined;
  }

  private async byAttachedData(
    lookup: (typeof ATTACHED_LOOKUPS)[number],
    value: string,
    callType: SearchCallType,
    section: LayoutSection | undefined,
    explanation: string[],
    navigate: boolean,
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
    if (!navigate) {
      explanation.push(`${lookup.objectType} ${describe(record)} found from the IVR's ${lookup.label}; ${NOT_YET}`);
    } else {
      // The layout's own pop only when it would open exactly this record; otherwise open it directly.
      if (result.records.length === 1 && result.popData !== undefined && result.popData !== null) await this.options.surface.popDeferred(result.popData);
      else await this.options.surface.popRecord(record);
      explanation.push(`${lookup.objectType} ${describe(record)} found from the IVR's ${lookup.label}; popped it`);
    }
    const related = record.objectType === 'Case' ? await this.caseContact(record, explanation) : undefined;
    return { kind: 'single', records: [record], ...(related ? { related: [related] } : {}), explanation };
  }

  /** The popped Case's contact, to log the call on that person too; undefined when none or unknown (explained). */
  private async caseContact(record: RecordRef, explanation: string[]): Promise<RecordRef | undefined> {
    try {
      const { contact } = await caseContact(this.options.surface, record.id);
      explanation.push(contact ? `the Case's contact is ${describe(contact)}; related the call to both` : 'the Case has no contact');
      return contact;
    } catch (error) {
      // The pop already happened; only the person on the log is missing.
      explanation.push(`the Case's contact could not be read (${errorText(error)}); is the ${RECORDS_APEX_CLASS} Apex class deployed?`);
      return undefined;
    }
  }

  private async byNumber(
    request: ScreenPopRequest,
    callType: SearchCallType,
    section: LayoutSection | undefined,
    explanation: string[],
  ): Promise<ScreenPopOutcome> {
    const { search } = phoneForms(request.remote);
    if (!search) {
      explanation.push('no caller number to search (anonymous or withheld); no screen pop');
      return { kind: 'skipped', records: [], explanation };
    }
    const newObject = section ? noMatchNewRecordObject(section) : undefined;
    const defaults: Record<string, string> | undefined =
      newObject && this.options.surface.kind !== 'classic' ? { [PHONE_FIELD[newObject] ?? 'Phone']: search } : undefined;

    // One search: a failure rejects the pop, as nothing is known, so nothing may be popped (not even the no-match form).
    let searchResult: NumberSearch;
    try {
      searchResult = await this.searchNumber({ searchParams: search, callType, ...(defaults ? { defaultFieldValues: defaults } : {}) }, request, section);
    } catch (error) {
      explanation.push(`search for ${search} failed: ${errorText(error)}`);
      throw error;
    }
    const { layoutPops, pop, how } = searchResult;
    const byId = new Map<string, RecordRef>();
    for (const r of searchResult.records) if (!byId.has(r.id)) byId.set(r.id, r);
    const records = [...byId.values()];
    const objects = section ? Object.keys(section.objects) : [];
    const where = objects.length ? ` in ${objects.join(', ')}` : '';
    const searched = `searched ${search}${where}`;
    const hasPopData = layoutPops(records.length);

    if (records.length === 1) {
      const record = records[0]!;
      if (!hasPopData) {
        explanation.push(
          `${searched}: 1 match, ${record.objectType} ${describe(record)}; not popped (the softphone layout has no single-match pop for ${callType} calls)`,
        );
        return { kind: 'single', records, explanation };
      }
      if (request.navigate === false) {
        explanation.push(`${searched}: 1 match, ${record.objectType} ${describe(record)}; ${NOT_YET}`);
        return { kind: 'single', records, explanation };
      }
      await pop();
      explanation.push(`${searched}: 1 match, ${record.objectType} ${describe(record)}; popped it${how}`);
      return { kind: 'single', records, explanation };
    }
    if (records.length > 1) {
      explanation.push(
        `${searched}: ${records.length} matches (${records.map((r) => `${r.objectType} ${describe(r)}`).join(', ')}); no pop, the agent chooses`,
      );
      return { kind: 'multiple', records, explanation };
    }
    if (section && objects.length === 0) explanation.push(`the softphone layout lists no objects for ${callType} calls, so nothing can match`);
    if (!hasPopData) {
      explanation.push(`${searched}: no match; the softphone layout has no no-match action for ${callType} calls`);
      return { kind: 'none', records: [], explanation };
    }
    if (request.navigate === false) {
      explanation.push(`${searched}: no match; the softphone layout's no-match action ${NOT_YET.replace('opens', 'runs')}`);
      return { kind: 'none', records: [], explanation };
    }
    await pop();
    if (newObject) {
      const shown = defaults
        ? ` with ${Object.entries(defaults)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')} prefilled`
        : '';
      explanation.push(`${searched}: no match; opened a new ${newObject}${shown} (softphone layout's no-match action)`);
      return { kind: 'none', records: [], newRecord: { objectType: newObject, defaults: defaults ?? {} }, explanation };
    }
    explanation.push(`${searched}: no match; ran the softphone layout's no-match action`);
    return { kind: 'none', records: [], explanation };
  }

  /**
   * The caller's number searched, and how the layout's pop for what was found is performed. Where
   * the layout's rules already do what the policy would (one match → its single-match pop, none →
   * its no-match action, several → no navigation: the agent chooses in the panel), search and pop
   * go in one round trip, so the record opens one round trip after the INVITE, not two. Otherwise
   * (call waiting, a layout that pops a search page on several matches, Classic) the search is
   * deferred and the policy pops afterwards.
   */
  private async searchNumber(req: DeferredSearchRequest, request: ScreenPopRequest, section: LayoutSection | undefined): Promise<NumberSearch> {
    const surface = this.options.surface;
    if (surface.searchAndPop && request.navigate !== false && section && !popsOnManyMatches(section)) {
      const records = await surface.searchAndPop(req);
      const rules = section.screenPopSettings;
      const popsFor = (rule: ScreenPopSetting | undefined): boolean => rule !== undefined && rule.screenPopType !== 'DoNotPop';
      return {
        records,
        layoutPops: (n) => (n === 0 ? popsFor(rules.NoMatch) : n === 1 && popsFor(rules.SingleMatch)),
        pop: async () => {},
        how: ' (search and pop in one request)',
      };
    }
    const result = await surface.deferredSearch(req);
    const hasPopData = result.popData !== undefined && result.popData !== null;
    return { records: result.records, layoutPops: () => hasPopData, pop: () => surface.popDeferred(result.popData), how: '' };
  }
}

/** A number search: what it found, whether the layout pops for that many matches, and the pop (already done by a one-step search). */
interface NumberSearch {
  readonly records: readonly RecordRef[];
  layoutPops(matches: number): boolean;
  pop(): Promise<void>;
  /** How the pop was made, for the explanation. */
  readonly how: string;
}

/** The layout's multiple-match rule navigates (a search page, a flow…): then the deferred form keeps the choice in the panel. */
function popsOnManyMatches(section: LayoutSection): boolean {
  const rule = section.screenPopSettings.MultipleMatches;
  return rule !== undefined && rule.screenPopType !== 'DoNotPop';
}

const NOT_YET = 'not opened yet: the agent is in another conversation; opens when this call is answered';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describe(record: RecordRef): string {
  return record.name ? `${record.name} (${record.id})` : record.id;
}
