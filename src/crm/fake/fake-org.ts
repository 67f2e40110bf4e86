/**
 * An in-memory Salesforce org with the behaviour the softphone can observe: records with phones,
 * phone search across number forms, the softphone layout's pop rules for no, one and many matches,
 * screen pops, Task creation with field validation (and NO idempotency: Salesforce creates a new
 * Task each time, so duplicates show), the `SwitchboardCallLog.findByCallObject` and
 * `SwitchboardRecords.caseContact` Apex methods,
 * Lightning Message Service channels, click-to-dial and navigation listeners, and failure injection.
 *
 * Everything here is synchronous; the adapters over it (`FakeSurface`, `installFakeSforce`) add the
 * asynchrony of the real libraries.
 */
import type { CountryCode } from 'libphonenumber-js';
import type { RecordRef } from '../../core/index.ts';
import type { SalesforceErrorItem } from '../shared/salesforce-error.ts';
import type { LayoutCallType, LayoutSection, SoftphoneLayout } from '../shared/softphone-layout.ts';
import { phoneKeys } from './phone-keys.ts';
import { validateTask } from './task-validation.ts';

export interface FakeRecord {
  /** Generated when omitted (18 characters with the object's key prefix). */
  readonly id?: string;
  readonly objectType: string;
  readonly name: string;
  /** Phone numbers in any format (`+1 415-555-0134`, `(415) 555-0134`). */
  readonly phones?: readonly string[];
  /** Other fields: `CaseNumber`, `AccountNumber`, `Subject`… */
  readonly fields?: Readonly<Record<string, string>>;
}

export interface StoredRecord extends FakeRecord {
  readonly id: string;
}

export interface SavedTask {
  readonly id: string;
  readonly objectApiName: string;
  readonly fields: Readonly<Record<string, string | number>>;
}

/** What a screen pop asked the console to show: Lightning's `{type, params}` (Classic URLs as type `url`). */
export interface FakePop {
  readonly type: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/**
 * How an injected saveLog failure shows:
 * - `reject`: Salesforce answers success:false (SERVER_ERROR) and created nothing;
 * - `lost`: the Task was created but the answer says it failed (a dropped connection);
 * - `hang`: the Task was created and no answer ever comes.
 */
export type SaveFailureMode = 'reject' | 'lost' | 'hang';

export type SaveOutcome =
  { readonly kind: 'saved'; readonly id: string } | { readonly kind: 'error'; readonly errors: readonly SalesforceErrorItem[] } | { readonly kind: 'hang' };

export type ApexOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly errors: readonly SalesforceErrorItem[] };
export type ApexHandler = (params: Readonly<Record<string, string>>) => unknown;

export interface FakeOrgOptions {
  readonly records?: readonly FakeRecord[];
  readonly layout?: SoftphoneLayout;
  /** getCallCenterSettings' slash-key map. */
  readonly callCenterSettings?: Readonly<Record<string, string>>;
  /** Task fields this org rejects with INVALID_FIELD (e.g. ['TaskSubtype']). */
  readonly rejectFields?: readonly string[];
  /** Region used to read national numbers stored in records. */
  readonly defaultCountry?: string;
  /** Makes the org mint short-lived SIP credentials (the `SwitchboardCredentials.mint` Apex method). */
  readonly sipCredentials?: FakeCredentialMinting;
}

/**
 * The org's side of `SwitchboardCredentials.mint` (see ../shared/sip-credentials.ts): the running
 * user's extension, the shared secret's signature and the clock. `sign` is injected because this
 * layer has no crypto library: base64(HMAC-SHA1(secret, username)) in tests, or anything the fake
 * phone system is told to expect.
 */
export interface FakeCredentialMinting {
  /** The running user's `User.SwitchboardExtension__c`; undefined: not set (the method throws). */
  extension?: string;
  /** Signs a digest user name; undefined: the secret is not configured (the method throws). */
  sign?: (username: string) => string;
  /** Lifetime in seconds (`SwitchboardPhoneSecret__mdt.TtlSeconds__c`, default 3600). */
  ttlSeconds?: number;
  /** Epoch milliseconds. */
  readonly now: () => number;
}

const KEY_PREFIX: Readonly<Record<string, string>> = { Account: '001', Contact: '003', Lead: '00Q', Case: '500', Opportunity: '006', Task: '00T' };

/** What the Apex method answers: the JSON string, or an exception with the message an admin needs. */
function mintAsApexWould(minting: FakeCredentialMinting): string {
  const { extension, sign } = minting;
  if (!extension)
    throw new Error('SwitchboardCredentials: your user has no extension (User.SwitchboardExtension__c is empty); ask your administrator to set it.');
  if (!sign) throw new Error('SwitchboardCredentials: the shared secret is not configured (SwitchboardPhoneSecret__mdt record Default, field Secret__c).');
  const ttlSeconds = minting.ttlSeconds ?? 3600;
  const expiresAt = Math.floor(minting.now() / 1000) + ttlSeconds;
  const username = `${expiresAt}:${extension}`;
  return JSON.stringify({ username, password: sign(username), extension, expiresAt, ttlSeconds });
}

/** The 3-character key prefix of an object's Ids (001 Account, 003 Contact…). */
export function keyPrefixOf(objectType: string): string {
  return KEY_PREFIX[objectType] ?? 'a0' + String.fromCharCode(65 + (objectType.length % 26));
}

const DISPLAY: Readonly<Record<string, { displayName: string; apiName: string }[]>> = {
  Contact: [
    { displayName: 'Name', apiName: 'Name' },
    { displayName: 'Phone', apiName: 'Phone' },
  ],
  Account: [
    { displayName: 'Account Name', apiName: 'Name' },
    { displayName: 'Phone', apiName: 'Phone' },
  ],
  Case: [
    { displayName: 'Case Number', apiName: 'CaseNumber' },
    { displayName: 'Subject', apiName: 'Subject' },
  ],
  Lead: [
    { displayName: 'Name', apiName: 'Name' },
    { displayName: 'Phone', apiName: 'Phone' },
  ],
};

/** The usual layout: inbound searches Contact, Account, Case, Lead; no match → new Contact; many → search page. */
export const DEFAULT_LAYOUT: SoftphoneLayout = {
  Inbound: {
    callRelatedFields: ['ANI', 'DNIS'],
    objects: DISPLAY,
    screenPopSettings: {
      screenPopsOpenWithin: 'ExistingWindow',
      NoMatch: { screenPopType: 'PopToEntity', screenPopData: 'Contact' },
      SingleMatch: { screenPopType: 'PopToEntity' },
      MultipleMatches: { screenPopType: 'PopToSearch' },
    },
  },
  Outbound: { callRelatedFields: ['DNIS'], objects: DISPLAY, screenPopSettings: {} },
  Internal: { callRelatedFields: [], objects: {}, screenPopSettings: {} },
};

export const DEFAULT_CALL_CENTER_SETTINGS: Readonly<Record<string, string>> = {
  '/reqGeneralInfo/reqInternalName': 'SwitchboardFake',
  '/reqGeneralInfo/reqDisplayName': 'Switchboard (fake org)',
  '/switchboard/sipWebSocketUrl': 'ws://127.0.0.1:5066',
  '/switchboard/sipDomain': 'switchboard.test',
};

/** mulberry32: a small seeded PRNG, so injected failures repeat run after run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FakeOrg {
  readonly records: StoredRecord[] = [];
  readonly tasks: SavedTask[] = [];
  readonly pops: FakePop[] = [];
  /** Every saveLog attempt, in order, with what happened. */
  readonly saveAttempts: {
    readonly objectApiName: string;
    readonly fields: Readonly<Record<string, string | number>>;
    readonly outcome: SaveOutcome['kind'] | 'lost';
  }[] = [];
  /** Messages published on LMS channels, in order (any publisher). */
  readonly published: { readonly channelName: string; readonly message: unknown }[] = [];
  layout: SoftphoneLayout;
  callCenterSettings: Record<string, string>;
  rejectFields: Set<string>;
  clickToDialEnabled = false;
  panel = { visible: true, height: 500, width: 320 };
  initializationCompleted = false;
  refreshes = 0;

  private readonly country: CountryCode | undefined;
  private readonly apex = new Map<string, ApexHandler>();
  private readonly lms = new Map<string, Set<(message: unknown) => void>>();
  private readonly clickListeners: ((payload: Readonly<Record<string, unknown>>) => void)[] = [];
  private readonly navigationListeners: ((payload: Readonly<Record<string, unknown>>) => void)[] = [];
  private failNext: SaveFailureMode[] = [];
  private failure?: { readonly probability: number; readonly random: () => number; readonly modes: readonly SaveFailureMode[] };
  private counters = new Map<string, number>();

  constructor(options: FakeOrgOptions = {}) {
    this.layout = options.layout ?? DEFAULT_LAYOUT;
    this.callCenterSettings = { ...(options.callCenterSettings ?? DEFAULT_CALL_CENTER_SETTINGS) };
    this.rejectFields = new Set(options.rejectFields ?? []);
    const c = (options.defaultCountry ?? 'US').toUpperCase();
    this.country = /^[A-Z]{2}$/.test(c) ? (c as CountryCode) : undefined;
    for (const r of options.records ?? []) this.addRecord(r);
    const minting = options.sipCredentials;
    if (minting) this.registerApex('SwitchboardCredentials', 'mint', () => mintAsApexWould(minting));
    this.registerApex('SwitchboardCallLog', 'findByCallObject', (params) => {
      const callObject = params.callObject ?? '';
      const object = params.objectApiName ?? 'Task';
      const found = [...this.tasks].reverse().find((t) => t.objectApiName === object && t.fields.CallObject === callObject);
      return found ? found.id : '';
    });
    // The package's SwitchboardRecords.caseContact (src/crm/screen-pop/case-contact.ts has the contract).
    this.registerApex('SwitchboardRecords', 'caseContact', (params) => {
      const found = this.records.find((r) => r.id === params.caseId && r.objectType === 'Case');
      const contact = found?.fields?.ContactId ? this.records.find((r) => r.id === found.fields?.ContactId) : undefined;
      return contact ? JSON.stringify({ Id: contact.id, Name: contact.name }) : '';
    });
  }

  newId(objectType: string): string {
    const n = (this.counters.get(objectType) ?? 0) + 1;
    this.counters.set(objectType, n);
    return keyPrefixOf(objectType) + String(n).padStart(15, '0');
  }

  addRecord(record: FakeRecord): StoredRecord {
    const stored: StoredRecord = { ...record, id: record.id ?? this.newId(record.objectType) };
    this.records.push(stored);
    return stored;
  }

  // ── search and pop ───────────────────────────────────────────────────────────────────

  private section(callType: string): LayoutSection {
    const key: LayoutCallType = callType === 'outbound' ? 'Outbound' : callType === 'internal' ? 'Internal' : 'Inbound';
    return this.layout[key];
  }

  /** Records of the layout's objects for this call type that match `searchParams`. */
  search(searchParams: string, callType: string): StoredRecord[] {
    const text = searchParams.trim().toLowerCase();
    if (text.length < 3) return [];
    const section = this.section(callType);
    const keys = phoneKeys(searchParams, this.country);
    return this.records.filter((r) => {
      if (!(r.objectType in section.objects)) return false;
      if (r.name.toLowerCase() === text) return true;
      if (Object.values(r.fields ?? {}).some((v) => v.trim().toLowerCase() === text)) return true;
      return (r.phones ?? []).some((p) => [...phoneKeys(p, this.country)].some((k) => keys.has(k)));
    });
  }

  /** The result map searchAndScreenPop returns: display fields per the layout (none configured ⇒ omitted). */
  resultEntry(record: StoredRecord): Record<string, string> | undefined {
    const display = this.section('inbound').objects[record.objectType] ?? this.section('outbound').objects[record.objectType];
    if (!display || display.length === 0) return undefined;
    const entry: Record<string, string> = { Id: record.id, RecordType: record.objectType, Name: record.name, LastModifiedDate: '2026-01-01T00:00:00.000Z' };
    for (const f of display) {
      const value = f.apiName === 'Name' ? record.name : f.apiName === 'Phone' ? record.phones?.[0] : record.fields?.[f.apiName];
      if (value !== undefined) entry[f.apiName] = value;
    }
    return entry;
  }

  /** What the layout pops for these matches (SCREEN_POP_DATA), or undefined when it does not pop. */
  popFor(matches: readonly StoredRecord[], searchParams: string, callType: string, defaultFieldValues?: Readonly<Record<string, string>>): FakePop | undefined {
    if (callType === 'internal') return undefined;
    const settings = this.section(callType).screenPopSettings;
    const rule = matches.length === 0 ? settings.NoMatch : matches.length === 1 ? settings.SingleMatch : settings.MultipleMatches;
    if (!rule) return undefined;
    switch (rule.screenPopType) {
      case 'PopToEntity':
        if (matches.length === 0) {
          return rule.screenPopData
            ? { type: 'newRecord', params: { entityName: rule.screenPopData, ...(defaultFieldValues ? { defaultFieldValues } : {}) } }
            : undefined;
        }
        return matches.length === 1 ? { type: 'sobject', params: { recordId: matches[0]!.id } } : undefined;
      case 'PopToSearch':
        return { type: 'search', params: { searchString: searchParams } };
      case 'PopToVisualforce':
        return { type: 'url', params: { url: `/apex/${rule.screenPopData ?? ''}` } };
      case 'PopToFlow':
        return { type: 'flow', params: { flowDevName: rule.screenPopData ?? '', flowArgs: [] } };
      default:
        return undefined;
    }
  }

  /** searchAndScreenPop: the result map (+SCREEN_POP_DATA when deferred); pops now when not deferred. */
  searchAndScreenPop(args: { searchParams?: unknown; callType?: unknown; defaultFieldValues?: unknown; deferred?: unknown }): Record<string, unknown> {
    const searchParams = typeof args.searchParams === 'string' ? args.searchParams : '';
    const callType = typeof args.callType === 'string' ? args.callType : 'inbound';
    const defaults =
      typeof args.defaultFieldValues === 'object' && args.defaultFieldValues !== null ? (args.defaultFieldValues as Record<string, string>) : undefined;
    const matches = this.search(searchParams, callType);
    const result: Record<string, unknown> = {};
    for (const m of matches) {
      const entry = this.resultEntry(m);
      if (entry) result[m.id] = entry;
    }
    const pop = this.popFor(matches, searchParams, callType, defaults);
    if (args.deferred === true) {
      if (pop) result.SCREEN_POP_DATA = pop;
    } else if (pop) this.pops.push(pop);
    return result;
  }

  /** screenPop: validates like Salesforce and records the pop; returns an error description or undefined. */
  screenPop(type: unknown, params: unknown): string | undefined {
    const p = (typeof params === 'object' && params !== null ? params : {}) as Record<string, unknown>;
    switch (type) {
      case 'sobject':
        if (typeof p.recordId !== 'string' || p.recordId === '') return 'params.recordId is required for type sobject';
        break;
      case 'url':
        if (typeof p.url !== 'string' || !p.url.startsWith('/')) return 'params.url must be a relative URL';
        break;
      case 'newRecord':
        if (typeof p.entityName !== 'string' || p.entityName === '') return 'params.entityName is required for type newRecord';
        break;
      case 'search':
        if (typeof p.searchString !== 'string' || p.searchString.length < 3) return 'params.searchString must have at least 3 characters';
        break;
      case 'objecthome':
      case 'list':
      case 'flow':
        break;
      default:
        return `unknown screen pop type '${String(type)}'`;
    }
    this.pops.push({ type: type as string, params: p });
    return undefined;
  }

  /** Records opened by a pop (sobject pops), in order. */
  get openedRecords(): RecordRef[] {
    return this.pops
      .filter((p) => p.type === 'sobject')
      .map((p) => {
        const id = p.params.recordId as string;
        const r = this.records.find((x) => x.id === id);
        return r ? { id, objectType: r.objectType, name: r.name } : { id, objectType: 'Unknown' };
      });
  }

  // ── logging ──────────────────────────────────────────────────────────────────────────

  /** Makes the next `count` saveLog calls fail in `mode`. */
  failNextSaves(count: number, mode: SaveFailureMode = 'reject'): void {
    for (let i = 0; i < count; i++) this.failNext.push(mode);
  }

  /** Makes each saveLog fail with `probability`, drawing from a seeded PRNG (modes picked in turn at random). */
  setSaveFailureRate(probability: number, options: { readonly seed: number; readonly modes?: readonly SaveFailureMode[] }): void {
    this.failure = probability > 0 ? { probability, random: seededRandom(options.seed), modes: options.modes ?? ['reject'] } : undefined;
  }

  private injectedFailure(): SaveFailureMode | undefined {
    const next = this.failNext.shift();
    if (next) return next;
    const f = this.failure;
    if (f && f.random() < f.probability) return f.modes[Math.floor(f.random() * f.modes.length)] ?? 'reject';
    return undefined;
  }

  saveLog(objectApiName: string, fields: Readonly<Record<string, unknown>>): SaveOutcome {
    const clean: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(fields)) if (typeof v === 'string' || typeof v === 'number') clean[k] = v;
    const failure = this.injectedFailure();
    if (failure === 'reject') {
      this.saveAttempts.push({ objectApiName, fields: clean, outcome: 'error' });
      return {
        kind: 'error',
        errors: [{ code: 'SERVER_ERROR', description: 'UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record (injected)' }],
      };
    }
    const invalid = validateTask(objectApiName, clean, this.rejectFields);
    if (invalid) {
      this.saveAttempts.push({ objectApiName, fields: clean, outcome: 'error' });
      return { kind: 'error', errors: invalid };
    }
    const id = this.newId(objectApiName);
    this.tasks.push({ id, objectApiName, fields: clean });
    if (failure === 'lost') {
      this.saveAttempts.push({ objectApiName, fields: clean, outcome: 'lost' });
      return { kind: 'error', errors: [{ code: 'GENERIC_ERROR', description: 'The connection to Salesforce was lost (injected; the record was saved)' }] };
    }
    if (failure === 'hang') {
      this.saveAttempts.push({ objectApiName, fields: clean, outcome: 'hang' });
      return { kind: 'hang' };
    }
    this.saveAttempts.push({ objectApiName, fields: clean, outcome: 'saved' });
    return { kind: 'saved', id };
  }

  tasksWithCallObject(callObject: string): SavedTask[] {
    return this.tasks.filter((t) => t.fields.CallObject === callObject);
  }

  // ── Apex ─────────────────────────────────────────────────────────────────────────────

  registerApex(apexClass: string, methodName: string, handler: ApexHandler): void {
    this.apex.set(`${apexClass}.${methodName}`, handler);
  }

  unregisterApexClass(apexClass: string): void {
    for (const key of [...this.apex.keys()]) if (key.startsWith(`${apexClass}.`)) this.apex.delete(key);
  }

  runApex(apexClass: string, methodName: string, methodParams: string): ApexOutcome {
    const handler = this.apex.get(`${apexClass}.${methodName}`);
    if (!handler) return { ok: false, errors: [{ code: 'SERVER_ERROR', description: `Could not load Apex class: ${apexClass}` }] };
    const params: Record<string, string> = {};
    if (methodParams && methodParams !== 'none' && methodParams !== '{}') {
      for (const pair of methodParams.split('&')) {
        const i = pair.indexOf('=');
        if (i > 0) params[decodeURIComponent(pair.slice(0, i))] = decodeURIComponent(pair.slice(i + 1).replace(/\+/g, ' '));
      }
    }
    try {
      return { ok: true, value: handler(params) };
    } catch (error) {
      return { ok: false, errors: [{ code: 'SERVER_ERROR', description: error instanceof Error ? error.message : String(error) }] };
    }
  }

  // ── LMS, click-to-dial, navigation ───────────────────────────────────────────────────

  subscribe(channelName: string, listener: (message: unknown) => void): () => void {
    let set = this.lms.get(channelName);
    if (!set) this.lms.set(channelName, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Publishes on a channel: every subscriber gets it, the publisher included (as in LMS). */
  publish(channelName: string, message: unknown): void {
    this.published.push({ channelName, message });
    for (const l of [...(this.lms.get(channelName) ?? [])]) l(message);
  }

  onClickToDial(listener: (payload: Readonly<Record<string, unknown>>) => void): void {
    this.clickListeners.push(listener);
  }

  onNavigation(listener: (payload: Readonly<Record<string, unknown>>) => void): void {
    this.navigationListeners.push(listener);
  }

  /** The agent clicks a number; nothing happens unless click-to-dial is enabled. Returns whether it fired. */
  clickToDial(number: string, record?: RecordRef): boolean {
    if (!this.clickToDialEnabled) return false;
    const payload = { number, ...(record ? { recordId: record.id, objectType: record.objectType, recordName: record.name ?? '' } : {}) };
    for (const l of this.clickListeners) l(payload);
    return true;
  }

  /** The agent opens a record (or a page without one). */
  navigate(record: RecordRef | null): void {
    const payload = record
      ? { url: `/lightning/r/${record.objectType}/${record.id}/view`, recordId: record.id, objectType: record.objectType, recordName: record.name ?? '' }
      : { url: '/lightning/page/home' };
    for (const l of this.navigationListeners) l(payload);
  }

  setPanel(change: Partial<{ visible: boolean; height: number; width: number }>): string | undefined {
    if (change.height !== undefined && (change.height < 240 || change.height > 2560)) return `heightPX must be between 240 and 2560, got ${change.height}`;
    if (change.width !== undefined && (change.width < 200 || change.width > 1920)) return `widthPX must be between 200 and 1920, got ${change.width}`;
    this.panel = { ...this.panel, ...change };
    return undefined;
  }
}
