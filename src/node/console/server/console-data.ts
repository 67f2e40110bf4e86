/**
 * What the console needs from the emulated org's data, as one port. `db-console-data.ts` implements
 * it on the SQLite database (src/node/console/db); the Open CTI rules (pop by layout, log
 * validation) sit above it in console-api.ts so they do not depend on how records are stored.
 */
import type { ValidationRule } from '../db/validation-rules.ts';
export type Value = string | number | boolean | null;

import type { CallCenterItem } from '../db/call-center.ts';

export interface RecordView {
  readonly Id: string;
  /** API name of the object, e.g. `Contact`. */
  readonly object: string;
  /** The record's name (Name, CaseNumber, Subject…). */
  readonly name: string;
  readonly fields: Readonly<Record<string, Value>>;
}

export interface FieldInfo {
  readonly name: string;
  readonly label: string;
  readonly type: string;
  readonly required: boolean;
  readonly createable: boolean;
  readonly picklistValues?: readonly string[];
}

export interface ObjectInfo {
  readonly name: string;
  readonly label: string;
  readonly labelPlural: string;
  readonly keyPrefix: string;
  readonly fields: readonly FieldInfo[];
}

export interface UserView {
  readonly Id: string;
  readonly Name: string;
  readonly Username: string;
  readonly Alias?: string;
  readonly CallCenterId: string | null;
  /** The user's phone extension (custom field `User.SwitchboardExtension__c`, set by an admin). */
  readonly SwitchboardExtension__c?: string | null;
  /** Salesforce locale (e.g. de_DE) and time zone (IANA) the console formats dates and numbers in. */
  readonly LocaleSidKey?: string;
  readonly TimeZoneSidKey?: string;
}

/** A lookup's parent as a record page links it: its object and name. */
export interface LookupName {
  readonly object: string;
  readonly name: string;
}
/**
 * A related list of a record page: the child object, its records (the first few, or one page of a
 * View All) and how many there are. `relationship` is the child relationship's name, the segment of
 * Lightning's View All URL (`/lightning/r/Account/001…/related/Contacts/view`).
 */
export interface RelatedList {
  readonly object: string;
  readonly label: string;
  readonly field: string;
  readonly relationship: string;
  readonly count: number;
  readonly records: readonly RecordView[];
}
/** The Activity History related list's relationship name, as in its View All URL (the server's and the page's). */
export const ACTIVITY_HISTORY = 'ActivityHistories';
/** Which slice of a list to read: at most `limit` records after the first `offset`. */
export interface ListPage {
  readonly limit: number;
  readonly offset?: number;
}

export interface CallCenterView {
  readonly Id: string;
  readonly Name: string;
  readonly InternalName: string;
  readonly AdapterUrl: string | null;
}

export type ScreenPopType = 'PopToEntity' | 'PopToVisualforce' | 'PopToSearch' | 'PopToFlow' | 'DoNotPop';
export interface ScreenPopSetting {
  readonly screenPopType: ScreenPopType;
  readonly screenPopData?: string;
}
export interface CallTypeLayout {
  readonly callRelatedFields: readonly string[];
  readonly objects: Readonly<Record<string, readonly { readonly apiName: string; readonly displayName: string }[]>>;
  readonly screenPopSettings: {
    readonly screenPopsOpenWithin?: 'ExistingWindow' | 'NewWindow';
    readonly NoMatch?: ScreenPopSetting;
    readonly SingleMatch?: ScreenPopSetting;
    readonly MultipleMatches?: ScreenPopSetting;
  };
}
/** getSoftphoneLayout's returnValue shape. */
export interface SoftphoneLayoutDef {
  readonly Inbound: CallTypeLayout;
  readonly Outbound: CallTypeLayout;
  readonly Internal: CallTypeLayout;
}

/** A Salesforce-style field error (same items the REST API returns). */
export interface DataErrorItem {
  readonly errorCode: string;
  readonly message: string;
  readonly fields: readonly string[];
}

export interface ConsoleData {
  objects(): readonly ObjectInfo[];
  object(name: string): ObjectInfo | undefined;
  users(): readonly UserView[];
  user(idOrUsername: string): UserView | undefined;
  /** The demo agent, signed in when no `?user=` is given. */
  defaultUser(): UserView;
  callCenters(): readonly CallCenterView[];
  callCenter(id: string): CallCenterView | undefined;
  /** getCallCenterSettings' slash-key map for a call center. */
  callCenterSettings(callCenterId: string): Readonly<Record<string, string>>;
  /** Stores an imported (already validated) Call Center definition; returns the call center. */
  importCallCenter(xml: string): CallCenterView;
  /**
   * An admin edits one item of a call center in Setup (e.g. switchboard/wrapUpEnabled); a softphone
   * reads it at its next start. Throws DataError for an unknown call center or item.
   */
  setCallCenterItem(callCenterId: string, section: string, item: string, value: string): void;
  /** A call center's items as Setup holds them (section, item, value, labels, sort orders); undefined for an unknown call center. */
  callCenterItems(callCenterId: string): readonly CallCenterItem[] | undefined;
  assignCallCenter(userId: string, callCenterId: string | null): void;
  softphoneLayout(userId: string): SoftphoneLayoutDef;
  saveSoftphoneLayout(userId: string, layout: SoftphoneLayoutDef): void;
  record(id: string): RecordView | undefined;
  list(object: string, limit: number): readonly RecordView[];
  /** Records of `objects` matching `term` in any searchable field (phone numbers normalised). */
  search(term: string, objects?: readonly string[]): readonly RecordView[];
  /** Creates a record; throws DataError on field problems. */
  create(object: string, fields: Readonly<Record<string, unknown>>, userId: string): string;
  update(id: string, fields: Readonly<Record<string, unknown>>, userId: string): void;
  /** Tasks whose WhoId or WhatId is `id`, newest first: all of them, or one page. */
  activities(id: string, page?: ListPage): readonly RecordView[];
  /** How many Tasks have `id` as their WhoId or WhatId. */
  activityCount(id: string): number;
  /** The names of the records with these Ids (one query per parent object), for showing lookups; unknown Ids are left out. */
  lookupNames(ids: readonly string[]): Readonly<Record<string, LookupName>>;
  /** The related lists of a record page (an Account's Contacts, Cases and Opportunities; a Contact's Cases). */
  relatedLists(record: RecordView): readonly RelatedList[];
  /** One page of one of the record's related lists, by relationship name (a View All); undefined when the record has no such list. */
  relatedList(record: RecordView, relationship: string, page: ListPage): RelatedList | undefined;
  /** The newest record of `objectApiName` with this CallObject owned by `ownerId`; throws DataError when the object has no CallObject field. */
  findByCallObject(objectApiName: string, callObject: string, ownerId: string): RecordView | undefined;
  /** The org's validation rules (Setup), of one object or all. */
  validationRules(object?: string): readonly ValidationRuleView[];
  /**
   * Creates or replaces a validation rule, as an admin saves one in Setup (switching `active` off is
   * how an admin lifts it); throws DataError for an unknown object or field, or a formula it cannot read.
   */
  saveValidationRule(rule: ValidationRuleView): ValidationRuleView;
}

/** A validation rule as Setup shows it: the database's own record (db/validation-rules.ts). */
export type ValidationRuleView = ValidationRule;

export class DataError extends Error {
  constructor(readonly errors: readonly DataErrorItem[]) {
    super(errors.map((e) => `${e.errorCode}: ${e.message}`).join('; '));
    this.name = 'DataError';
  }
}
