/**
 * ConsoleData on the db helper's repository (src/node/console/db: `openConsoleDb`, its record API,
 * SOQL, phone search, call-center and softphone-layout stores) with the seed's demo org
 * (src/node/console/seed). Field rules are the repository's: unknown fields, read-only fields,
 * wrong types and missing required fields fail with Salesforce's error codes, passed on as DataError.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  openConsoleDb,
  OBJECTS,
  findObject,
  looksLikePhone,
  isSalesforceError,
  type OpenConsoleDb,
  type ObjectDef,
  type SObjectRecord,
  type CallCenterItem,
} from '../db/index.ts';
import { demoConnectorItems } from '../../demo/demo-phone-system.ts';
import { SWITCHBOARD_ITEMS } from '../../../core/index.ts';
import { seedIfEmpty, upgradeDemoOrg, DEMO_SOFTPHONE_LAYOUT } from '../seed/index.ts';
import { createRestHandler } from '../rest/index.ts';
import { lintCallCenter } from '../../callcenter/lint.ts';
import {
  DataError,
  type CallCenterView,
  type ConsoleData,
  type ObjectInfo,
  type RecordView,
  type SoftphoneLayoutDef,
  type UserView,
  type ValidationRuleView,
  type Value,
  type LookupName,
  type RelatedList,
  type ListPage,
} from './console-data.ts';

/** Which child records a record page lists, by parent object (as the standard page layouts do), with Salesforce's child relationship names. */
const RELATED: Readonly<Record<string, readonly { object: string; field: string; relationship: string }[]>> = {
  Account: [
    { object: 'Contact', field: 'AccountId', relationship: 'Contacts' },
    { object: 'Case', field: 'AccountId', relationship: 'Cases' },
    { object: 'Opportunity', field: 'AccountId', relationship: 'Opportunities' },
  ],
  Contact: [{ object: 'Case', field: 'ContactId', relationship: 'Cases' }],
};
const RELATED_SHOWN = 5;

export interface OpenedConsoleData {
  readonly data: ConsoleData;
  readonly db: OpenConsoleDb;
  /** Answers REST paths (`/services/data/...`); false when the path is not its own. */
  rest(req: IncomingMessage, res: ServerResponse): Promise<boolean> | boolean;
  close(): void;
}

/** Runs a repository call, turning Salesforce errors into DataError. */
function sf<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isSalesforceError(e)) throw new DataError(e.errors);
    throw e;
  }
}

/** LIMIT and OFFSET of a page, within SOQL's bounds (a limit of 1–2000, an offset of at most 2000). */
function pageClause(page: ListPage | undefined): string {
  if (!page) return '';
  const limit = Math.max(1, Math.min(2000, Math.trunc(page.limit) || 1));
  const offset = Math.max(0, Math.min(2000, Math.trunc(page.offset ?? 0) || 0));
  return ` LIMIT ${limit}${offset ? ` OFFSET ${offset}` : ''}`;
}

const quote = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function info(o: ObjectDef): ObjectInfo {
  return {
    name: o.name,
    label: o.label,
    labelPlural: o.labelPlural,
    keyPrefix: o.keyPrefix,
    fields: o.fields.map((f) => ({
      name: f.name,
      label: f.label,
      type: f.type,
      required: Boolean(f.required),
      createable: f.createable,
      ...(f.picklistValues ? { picklistValues: f.picklistValues } : {}),
    })),
  };
}

export class ConsoleDbData implements ConsoleData {
  constructor(private readonly db: OpenConsoleDb) {}

  private view(record: SObjectRecord): RecordView {
    const object = findObject(record.attributes.type)!;
    const fields: Record<string, Value> = {};
    for (const [k, v] of Object.entries(record)) if (k !== 'attributes') fields[k] = v as Value;
    const nameField = object.fields.find((f) => f.nameField);
    return { Id: String(record.Id), object: object.name, name: String((nameField ? fields[nameField.name] : '') ?? ''), fields };
  }

  private soql(object: ObjectDef, tail: string): RecordView[] {
    const fields = object.fields.map((f) => f.name).join(', ');
    return this.db.query(`SELECT ${fields} FROM ${object.name} ${tail}`).records.map((r) => this.view(r));
  }

  objects(): readonly ObjectInfo[] {
    return OBJECTS.map(info);
  }

  object(name: string): ObjectInfo | undefined {
    const o = findObject(name);
    return o ? info(o) : undefined;
  }

  record(id: string): RecordView | undefined {
    const r = this.db.retrieveById(id);
    return r ? this.view(r) : undefined;
  }

  list(object: string, limit: number): readonly RecordView[] {
    const o = findObject(object);
    if (!o) return [];
    const n = Math.max(1, Math.min(2000, Math.trunc(limit) || 50));
    return this.soql(o, `ORDER BY LastModifiedDate DESC, Id LIMIT ${n}`);
  }

  search(term: string, objects?: readonly string[]): readonly RecordView[] {
    const targets = (objects ?? OBJECTS.filter((o) => o.searchable && !['User', 'Task'].includes(o.name)).map((o) => o.name))
      .map((n) => findObject(n))
      .filter((o): o is ObjectDef => Boolean(o))
      .map((o) => ({ object: o.name, fields: o.fields.filter((f) => f.name !== 'Id').map((f) => f.name) }));
    const out = new Map<string, RecordView>();
    if (looksLikePhone(term)) for (const r of this.db.searchPhone(term, targets)) out.set(String(r.Id), this.view(r));
    // Like SOSL's ALL FIELDS, a digit string also matches names (a case number looks like a phone number).
    if (!looksLikePhone(term) || /^\d+$/.test(term.trim())) {
      for (const r of sf(() => this.db.searchText(term, targets))) out.set(String(r.Id), this.view(r));
    }
    return [...out.values()];
  }

  create(object: string, fields: Readonly<Record<string, unknown>>, userId: string): string {
    return sf(() => this.db.create(object, fields, { userId }));
  }

  update(id: string, fields: Readonly<Record<string, unknown>>, userId: string): void {
    const object = this.db.objectOfId(id);
    if (!object || !this.db.retrieveById(id)) throw new DataError([{ errorCode: 'INVALID_ID_FIELD', message: `Invalid record Id: ${id}`, fields: ['Id'] }]);
    sf(() => this.db.update(object, id, fields, { userId }));
  }

  /** The WHERE clause of a record's Tasks, or undefined for an Id that names no record. */
  private activityWhere(id: string): string | undefined {
    const full = this.db.retrieveById(id)?.Id;
    return typeof full === 'string' ? `WHERE (WhoId = ${quote(full)} OR WhatId = ${quote(full)})` : undefined;
  }

  activities(id: string, page?: ListPage): readonly RecordView[] {
    const where = this.activityWhere(id);
    if (!where) return [];
    return this.soql(findObject('Task')!, `${where} ORDER BY CreatedDate DESC, Id DESC${pageClause(page)}`);
  }

  activityCount(id: string): number {
    const where = this.activityWhere(id);
    return where ? this.db.query(`SELECT COUNT() FROM Task ${where}`).totalSize : 0;
  }

  lookupNames(ids: readonly string[]): Readonly<Record<string, LookupName>> {
    const byObject = new Map<ObjectDef, string[]>();
    for (const id of new Set(ids)) {
      const o = findObject(this.db.objectOfId(id) ?? '');
      if (o) byObject.set(o, [...(byObject.get(o) ?? []), id]);
    }
    const out: Record<string, LookupName> = {};
    for (const [o, list] of byObject) {
      for (const r of this.soql(o, `WHERE Id IN (${list.map(quote).join(', ')})`)) {
        const name = { object: r.object, name: r.name };
        // The page may hold a 15- or 18-character Id; both find the name.
        out[r.Id] = name;
        out[r.Id.slice(0, 15)] = name;
      }
    }
    return out;
  }

  relatedLists(record: RecordView): readonly RelatedList[] {
    return (RELATED[record.object] ?? []).map((list) => this.childPage(record, list, { limit: RELATED_SHOWN }));
  }

  relatedList(record: RecordView, relationship: string, page: ListPage): RelatedList | undefined {
    const list = (RELATED[record.object] ?? []).find((l) => l.relationship.toLowerCase() === relationship.toLowerCase());
    return list ? this.childPage(record, list, page) : undefined;
  }

  private childPage(record: RecordView, { object, field, relationship }: { object: string; field: string; relationship: string }, page: ListPage): RelatedList {
    const o = findObject(object)!;
    const where = `WHERE ${field} = ${quote(record.Id)}`;
    const count = this.db.query(`SELECT COUNT() FROM ${o.name} ${where}`).totalSize;
    return {
      object: o.name,
      label: o.labelPlural,
      field,
      relationship,
      count,
      records: this.soql(o, `${where} ORDER BY CreatedDate DESC, Id DESC${pageClause(page)}`),
    };
  }

  findByCallObject(objectApiName: string, callObject: string, ownerId: string): RecordView | undefined {
    const o = findObject(objectApiName);
    if (!o) throw new DataError([{ errorCode: 'NOT_FOUND', message: `sObject type '${objectApiName}' is not supported.`, fields: [] }]);
    if (!o.fields.some((f) => f.name === 'CallObject'))
      throw new DataError([{ errorCode: 'INVALID_FIELD', message: `No such column 'CallObject' on entity '${o.name}'.`, fields: ['CallObject'] }]);
    const owner = o.fields.some((f) => f.name === 'OwnerId') ? ` AND OwnerId = ${quote(ownerId)}` : '';
    return this.soql(o, `WHERE CallObject = ${quote(callObject)}${owner} ORDER BY CreatedDate DESC, Id DESC LIMIT 1`)[0];
  }

  validationRules(object?: string): readonly ValidationRuleView[] {
    return this.db.validationRules.list(object);
  }

  saveValidationRule(rule: ValidationRuleView): ValidationRuleView {
    return sf(() => this.db.validationRules.save(rule));
  }

  private userView(r: RecordView): UserView {
    const extension = r.fields.SwitchboardExtension__c;
    return {
      Id: r.Id,
      Name: r.name,
      Username: String(r.fields.Username ?? ''),
      Alias: String(r.fields.Alias ?? ''),
      CallCenterId: (r.fields.CallCenterId as string | null) ?? null,
      SwitchboardExtension__c: typeof extension === 'string' && extension !== '' ? extension : null,
      ...(typeof r.fields.LocaleSidKey === 'string' ? { LocaleSidKey: r.fields.LocaleSidKey } : {}),
      ...(typeof r.fields.TimeZoneSidKey === 'string' ? { TimeZoneSidKey: r.fields.TimeZoneSidKey } : {}),
    };
  }

  users(): readonly UserView[] {
    return this.list('User', 2000)
      .map((u) => this.userView(u))
      .sort((a, b) => a.Name.localeCompare(b.Name));
  }

  user(idOrUsername: string): UserView | undefined {
    const byId = this.record(idOrUsername);
    if (byId?.object === 'User') return this.userView(byId);
    const key = idOrUsername.toLowerCase();
    return this.users().find((u) => u.Username.toLowerCase() === key || u.Alias?.toLowerCase() === key);
  }

  defaultUser(): UserView {
    const id = this.db.defaultUserId;
    const chosen = id ? this.user(id) : undefined;
    const first = chosen ?? this.users().find((u) => u.CallCenterId) ?? this.users()[0];
    if (!first) throw new Error('the emulated org has no users');
    return first;
  }

  callCenters(): readonly CallCenterView[] {
    return this.db.callCenters.list().map((c) => ({ Id: c.id, Name: c.displayName, InternalName: c.internalName, AdapterUrl: c.adapterUrl }));
  }

  callCenter(id: string): CallCenterView | undefined {
    const c = this.db.callCenters.get(id);
    return c ? { Id: c.id, Name: c.displayName, InternalName: c.internalName, AdapterUrl: c.adapterUrl } : undefined;
  }

  callCenterSettings(callCenterId: string): Readonly<Record<string, string>> {
    return this.db.callCenters.get(callCenterId)?.settings ?? {};
  }

  setCallCenterItem(callCenterId: string, section: string, item: string, value: string): void {
    const cc = this.db.callCenters.get(callCenterId);
    if (!cc) throw new DataError([{ errorCode: 'INVALID_CROSS_REFERENCE_KEY', message: `No call center ${callCenterId}.`, fields: [] }]);
    const known = cc.items.find((i) => i.section === section && i.item === item);
    const spec = section === 'switchboard' ? SWITCHBOARD_ITEMS.find((s) => s.name === item) : undefined;
    if (!known && !spec)
      throw new DataError([{ errorCode: 'INVALID_FIELD', message: `Call center ${cc.internalName} has no item ${section}/${item}.`, fields: [item] }]);
    const sortOrder = Math.max(0, ...cc.items.filter((i) => i.section === section).map((i) => i.sortOrder)) + 1;
    const items: CallCenterItem[] = known
      ? cc.items.map((i) => (i === known ? { ...i, value } : i))
      : [...cc.items, { ...sectionOf(cc.items, section), item, value, sortOrder, label: spec?.label ?? item }];
    sf(() => this.db.callCenters.import({ items }));
  }

  callCenterItems(callCenterId: string): readonly CallCenterItem[] | undefined {
    return this.db.callCenters.get(callCenterId)?.items;
  }

  importCallCenter(xml: string): CallCenterView {
    const parsed = lintCallCenter(xml, 'import.xml').callCenter;
    if (!parsed?.internalName)
      throw new DataError([
        { errorCode: 'REQUIRED_FIELD_MISSING', message: 'The Call Center definition has no reqInternalName.', fields: ['reqInternalName'] },
      ]);
    const items: CallCenterItem[] = parsed.sections.flatMap((s) =>
      s.items.map((it) => ({
        section: s.name,
        sectionSortOrder: s.sortOrder,
        ...(s.label !== undefined ? { sectionLabel: s.label } : {}),
        item: it.name,
        value: it.value,
        sortOrder: it.sortOrder,
        ...(it.label !== undefined ? { label: it.label } : {}),
      })),
    );
    const { id } = sf(() => this.db.callCenters.import({ xml, items }));
    return this.callCenter(id)!;
  }

  assignCallCenter(userId: string, callCenterId: string | null): void {
    sf(() => this.db.callCenters.assign(userId, callCenterId));
  }

  softphoneLayout(userId: string): SoftphoneLayoutDef {
    return (this.db.layouts.forUser(userId)?.layout ?? DEMO_SOFTPHONE_LAYOUT) as SoftphoneLayoutDef;
  }

  saveSoftphoneLayout(userId: string, layout: SoftphoneLayoutDef): void {
    const user = this.user(userId);
    if (!user) throw new DataError([{ errorCode: 'NOT_FOUND', message: `No user ${userId}`, fields: [] }]);
    const own = this.db.sql.prepare('SELECT layout_id FROM softphone_layout_assignments WHERE user_id = ?').get(user.Id) as { layout_id: string } | undefined;
    this.db.transaction(() => {
      if (own) this.db.layouts.replace(own.layout_id, layout);
      else this.db.layouts.assign(user.Id, this.db.layouts.create(`Layout for ${user.Name}`, layout));
    });
  }

  /**
   * The demo call center gets the connector's `switchboard` section pointing at the SIP server
   * (the seed leaves that section to whoever knows the server).
   */
  connectDemoCallCenter(internalName: string, sipServer: string, sipDomain: string, ephemeral: boolean): void {
    const cc = this.db.callCenters.get(internalName);
    if (!cc) return;
    const others = cc.items.filter((i) => i.section !== 'switchboard');
    const order = Math.max(0, ...others.map((i) => i.sectionSortOrder ?? 0)) + 1;
    const section = { section: 'switchboard', sectionLabel: 'Switchboard Connector', sectionSortOrder: order };
    // Ephemeral: each user mints credentials for their own extension; static: every console signs
    // in as the demo agent. Colleagues fill the transfer directory.
    const connector = { ...demoConnectorItems(sipServer, { ephemeral }), sipDomain };
    const items: CallCenterItem[] = [
      ...others,
      ...Object.entries(connector).map(([item, value], sortOrder) => ({
        ...section,
        item,
        value,
        sortOrder,
        label: SWITCHBOARD_ITEMS.find((s) => s.name === item)?.label ?? item,
      })),
    ];
    this.db.callCenters.import({ items });
  }
}

/** The section fields an added item shares with its section's other items. */
function sectionOf(items: readonly CallCenterItem[], section: string): Pick<CallCenterItem, 'section' | 'sectionLabel' | 'sectionSortOrder'> {
  const other = items.find((i) => i.section === section);
  return {
    section,
    ...(other?.sectionLabel !== undefined ? { sectionLabel: other.sectionLabel } : {}),
    ...(other?.sectionSortOrder !== undefined ? { sectionSortOrder: other.sectionSortOrder } : {}),
  };
}

export interface OpenOptions {
  readonly file: string;
  /** The SIP server the demo call center points the connector at. */
  readonly sipServer?: string;
  readonly sipDomain?: string;
  /** The demo call center mints short-lived SIP credentials per user (the emulator has the SIP secret). */
  readonly ephemeralCredentials?: boolean;
  /** The REST API's session check: the request's user Id, or undefined without a session. */
  readonly authenticate?: (req: IncomingMessage) => string | undefined;
}

export function openConsoleData(options: OpenOptions): OpenedConsoleData {
  const db = openConsoleDb({ file: options.file });
  try {
    const seeded = seedIfEmpty(db);
    if (!seeded) upgradeDemoOrg(db);
    const data = new ConsoleDbData(db);
    if (seeded || options.sipServer)
      data.connectDemoCallCenter(
        'SwitchboardDemo',
        options.sipServer ?? 'ws://127.0.0.1:5066',
        options.sipDomain ?? 'localhost',
        options.ephemeralCredentials ?? false,
      );
    return { data, db, rest: createRestHandler(db, options.authenticate ? { authenticate: options.authenticate } : {}), close: () => db.close() };
  } catch (e) {
    db.close();
    throw e;
  }
}
