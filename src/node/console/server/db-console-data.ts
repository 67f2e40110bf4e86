/**
 * ConsoleData on the emulator's SQLite database (src/node/console/db: schema tables, migrations,
 * value coercion, phone keys, Ids). Field rules are the schema's: an unknown field, a field the API
 * may not write, a wrong type or a missing required field fails with Salesforce's error codes.
 */
import { demoConnectorItems } from '../../demo/demo-phone-system.ts';
import { SWITCHBOARD_ITEMS } from '../../../core/index.ts';
import Database from 'better-sqlite3';
import type { CountryCode } from 'libphonenumber-js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OBJECTS, findField, findObject, objectForPrefix, type FieldDef, type FieldValue, type ObjectDef } from '../db/schema.ts';
import { migrate } from '../db/migrations.ts';
import { coerceValue, formatDateTime, fromSql, toSql } from '../db/values.ts';
import { col, tableOf } from '../db/sql.ts';
import { looksLikePhone, regionOfCountry, searchPhoneKeys, storedPhoneKeys } from '../db/phone.ts';
import { makeId, normalizeId } from '../db/ids.ts';
import { lintCallCenter } from '../../callcenter/lint.ts';
import {
  DataError, type CallCenterView, type ConsoleData, type DataErrorItem, type ObjectInfo, type RecordView,
  type SoftphoneLayoutDef, type UserView, type Value,
} from './console-data.ts';

type Row = Record<string, unknown>;
const DEFAULT_REGION: CountryCode = 'US';
const COUNTRY_FIELD: Readonly<Record<string, string>> = { Account: 'BillingCountry', Contact: 'MailingCountry', Lead: 'Country' };

export interface OpenedConsoleData {
  readonly data: ConsoleData;
  /** Answers REST paths (`/services/data/...`); false when the path is not its own. */
  rest(req: IncomingMessage, res: ServerResponse): Promise<boolean> | boolean;
  close(): void;
}

export const DEFAULT_LAYOUT: SoftphoneLayoutDef = {
  Inbound: {
    callRelatedFields: ['ANI', 'DNIS'],
    objects: {
      Contact: [{ apiName: 'Name', displayName: 'Full Name' }, { apiName: 'Phone', displayName: 'Business Phone' }],
      Account: [{ apiName: 'Name', displayName: 'Account Name' }, { apiName: 'Phone', displayName: 'Account Phone' }],
      Lead: [{ apiName: 'Name', displayName: 'Full Name' }, { apiName: 'Phone', displayName: 'Phone' }],
    },
    screenPopSettings: {
      screenPopsOpenWithin: 'ExistingWindow',
      NoMatch: { screenPopType: 'PopToEntity', screenPopData: 'Contact' },
      SingleMatch: { screenPopType: 'PopToEntity' },
      MultipleMatches: { screenPopType: 'PopToSearch' },
    },
  },
  Outbound: { callRelatedFields: ['DNIS'], objects: { Contact: [{ apiName: 'Name', displayName: 'Full Name' }], Account: [{ apiName: 'Name', displayName: 'Account Name' }] }, screenPopSettings: {} },
  Internal: { callRelatedFields: [], objects: {}, screenPopSettings: {} },
};

function err(errorCode: string, message: string, fields: readonly string[] = []): DataError {
  return new DataError([{ errorCode, message, fields }]);
}

export class SqliteConsoleData implements ConsoleData {
  constructor(private readonly db: Database.Database, private readonly clock: () => number = Date.now) {}

  // ---- records ----------------------------------------------------------------------------
  objects(): readonly ObjectInfo[] {
    return OBJECTS.map(info);
  }

  object(name: string): ObjectInfo | undefined {
    const o = findObject(name);
    return o ? info(o) : undefined;
  }

  private nextNumber(key: string): number {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(`seq:${key}`) as { value: string } | undefined;
    const n = (row ? Number(row.value) : 0) + 1;
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(`seq:${key}`, String(n));
    return n;
  }

  private row(object: ObjectDef, id: string): Row | undefined {
    return this.db.prepare(`SELECT * FROM ${tableOf(object)} WHERE "Id" = ?`).get(id) as Row | undefined;
  }

  private view(object: ObjectDef, row: Row): RecordView {
    const fields: Record<string, Value> = {};
    for (const f of object.fields) fields[f.name] = fromSql(f, row[f.name]);
    const nameField = object.fields.find((f) => f.nameField);
    return { Id: String(row.Id), object: object.name, name: String((nameField ? fields[nameField.name] : '') ?? ''), fields };
  }

  record(id: string): RecordView | undefined {
    const norm = normalizeId(id);
    const object = norm ? objectForPrefix(norm.slice(0, 3)) : undefined;
    if (!norm || !object) return undefined;
    const row = this.row(object, norm);
    return row ? this.view(object, row) : undefined;
  }

  list(object: string, limit: number): readonly RecordView[] {
    const o = findObject(object);
    if (!o) return [];
    const n = Math.max(1, Math.min(2000, Math.trunc(limit) || 50));
    return (this.db.prepare(`SELECT * FROM ${tableOf(o)} ORDER BY "LastModifiedDate" DESC, "Id" LIMIT ?`).all(n) as Row[]).map((r) => this.view(o, r));
  }

  search(term: string, objects?: readonly string[]): readonly RecordView[] {
    const targets = (objects ?? OBJECTS.filter((o) => o.searchable && !['User', 'Task'].includes(o.name)).map((o) => o.name))
      .map((n) => findObject(n)).filter((o): o is ObjectDef => Boolean(o));
    const out = new Map<string, RecordView>();
    if (looksLikePhone(term)) {
      const keys = searchPhoneKeys(term, DEFAULT_REGION);
      if (keys.length) {
        const rows = this.db.prepare(`SELECT DISTINCT object, record_id FROM phone_keys WHERE key IN (${keys.map(() => '?').join(',')})`).all(...keys) as { object: string; record_id: string }[];
        for (const r of rows) {
          const o = targets.find((t) => t.name === r.object);
          const row = o ? this.row(o, r.record_id) : undefined;
          if (o && row) out.set(r.record_id, this.view(o, row));
        }
      }
      return [...out.values()];
    }
    const like = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    for (const o of targets) {
      const fields = [...o.nameSearchFields, ...o.fields.filter((f) => f.type === 'email').map((f) => f.name)].filter((f) => findField(o, f));
      if (!fields.length) continue;
      const where = fields.map((f) => `${col(f)} LIKE ? ESCAPE '\\'`).join(' OR ');
      for (const row of this.db.prepare(`SELECT * FROM ${tableOf(o)} WHERE ${where} LIMIT 200`).all(...fields.map(() => like)) as Row[]) out.set(String(row.Id), this.view(o, row));
    }
    return [...out.values()];
  }

  private checkFields(object: ObjectDef, input: Readonly<Record<string, unknown>>, mode: 'create' | 'update'): Record<string, FieldValue> {
    const errors: DataErrorItem[] = [];
    const values: Record<string, FieldValue> = {};
    for (const [key, raw] of Object.entries(input)) {
      const field = findField(object, key);
      if (!field) {
        errors.push({ errorCode: 'INVALID_FIELD', message: `No such column '${key}' on sobject of type ${object.name}`, fields: [key] });
        continue;
      }
      if (mode === 'create' ? !field.createable : !field.updateable) {
        errors.push({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', message: `Unable to ${mode} field ${field.name} on ${object.name}: it is not ${mode === 'create' ? 'createable' : 'updateable'}.`, fields: [field.name] });
        continue;
      }
      const c = coerceValue(field, raw);
      if (!c.ok) {
        errors.push(c.error);
        continue;
      }
      if (field.type === 'reference' && typeof c.value === 'string') {
        const target = this.record(c.value);
        if (!target || !(field.referenceTo ?? []).includes(target.object)) {
          errors.push({ errorCode: 'FIELD_INTEGRITY_EXCEPTION', message: `${field.label}: id value of incorrect type: ${c.value}`, fields: [field.name] });
          continue;
        }
        values[field.name] = target.Id;
        continue;
      }
      values[field.name] = c.value;
    }
    if (errors.length) throw new DataError(errors);
    return values;
  }

  private write(object: ObjectDef, id: string, record: Record<string, FieldValue>, insert: boolean): void {
    const stored = object.fields.filter((f) => f.name !== 'Id');
    if (insert) {
      const names = object.fields.map((f) => col(f)).join(', ');
      this.db.prepare(`INSERT INTO ${tableOf(object)} (${names}) VALUES (${object.fields.map(() => '?').join(', ')})`)
        .run(...object.fields.map((f) => toSql(f.name === 'Id' ? id : record[f.name] ?? null)));
    } else {
      this.db.prepare(`UPDATE ${tableOf(object)} SET ${stored.map((f) => `${col(f)} = ?`).join(', ')} WHERE "Id" = ?`)
        .run(...stored.map((f) => toSql(record[f.name] ?? null)), id);
    }
    this.db.prepare('DELETE FROM phone_keys WHERE record_id = ?').run(id);
    const region = regionOfCountry(String(record[COUNTRY_FIELD[object.name] ?? ''] ?? '')) ?? DEFAULT_REGION;
    const insertKey = this.db.prepare('INSERT INTO phone_keys (object, record_id, field, key) VALUES (?, ?, ?, ?)');
    for (const f of object.fields) {
      const v = record[f.name];
      if (f.type !== 'phone' || typeof v !== 'string' || v === '') continue;
      for (const key of new Set(storedPhoneKeys(v, region))) insertKey.run(object.name, id, f.name, key);
    }
  }

  private requireFields(object: ObjectDef, record: Record<string, FieldValue>): void {
    const missing = object.fields.filter((f) => f.required && !f.calculated && (record[f.name] === null || record[f.name] === undefined || record[f.name] === ''));
    if (missing.length) throw err('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.map((f) => f.name).join(', ')}]`, missing.map((f) => f.name));
  }

  private insert(object: ObjectDef, values: Record<string, FieldValue>, userId: string): string {
    const now = formatDateTime(this.clock());
    const record: Record<string, FieldValue> = {};
    for (const f of object.fields) if (f.defaultValue !== undefined) record[f.name] = f.defaultValue;
    Object.assign(record, values);
    if (findField(object, 'OwnerId') && !record.OwnerId) record.OwnerId = userId;
    for (const f of object.fields) if (f.autoNumber) record[f.name] = String(this.nextNumber(`${object.name}.${f.name}`)).padStart(8, '0');
    this.requireFields(object, record);
    Object.assign(record, object.derive?.(record, now) ?? {});
    Object.assign(record, { CreatedDate: now, LastModifiedDate: now, SystemModstamp: now, CreatedById: userId || null, LastModifiedById: userId || null });
    const id = makeId(object.keyPrefix, this.nextNumber(object.keyPrefix));
    this.write(object, id, record, true);
    return id;
  }

  create(object: string, fields: Readonly<Record<string, unknown>>, userId: string): string {
    const o = findObject(object);
    if (!o) throw err('NOT_FOUND', `sObject type '${object}' is not supported.`);
    if (!o.createable) throw err('CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY', `${o.name} records cannot be created through the API.`);
    const values = this.checkFields(o, fields, 'create');
    return this.db.transaction(() => this.insert(o, values, userId))();
  }

  update(id: string, fields: Readonly<Record<string, unknown>>, userId: string): void {
    const current = this.record(id);
    if (!current) throw err('INVALID_ID_FIELD', `Invalid record Id: ${id}`, ['Id']);
    const o = findObject(current.object)!;
    if (!o.updateable) throw err('CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY', `${o.name} records cannot be updated through the API.`);
    const values = this.checkFields(o, fields, 'update');
    const record: Record<string, FieldValue> = { ...current.fields, ...values };
    this.requireFields(o, record);
    const now = formatDateTime(this.clock());
    Object.assign(record, o.derive?.(record, now) ?? {});
    Object.assign(record, { LastModifiedDate: now, SystemModstamp: now, LastModifiedById: userId || null });
    this.db.transaction(() => this.write(o, current.Id, record, false))();
  }

  activities(id: string): readonly RecordView[] {
    const task = findObject('Task')!;
    return (this.db.prepare(`SELECT * FROM ${tableOf(task)} WHERE "WhoId" = ? OR "WhatId" = ? ORDER BY "CreatedDate" DESC, "Id" DESC`).all(id, id) as Row[]).map((r) => this.view(task, r));
  }

  findByCallObject(objectApiName: string, callObject: string, ownerId: string): RecordView | undefined {
    const o = findObject(objectApiName);
    if (!o) throw err('NOT_FOUND', `sObject type '${objectApiName}' is not supported.`);
    if (!findField(o, 'CallObject')) throw err('INVALID_FIELD', `No such column 'CallObject' on entity '${o.name}'.`, ['CallObject']);
    const owner = findField(o, 'OwnerId') ? ' AND "OwnerId" = ?' : '';
    const args = owner ? [callObject, ownerId] : [callObject];
    const row = this.db.prepare(`SELECT * FROM ${tableOf(o)} WHERE "CallObject" = ?${owner} ORDER BY "CreatedDate" DESC, "Id" DESC LIMIT 1`).get(...args) as Row | undefined;
    return row ? this.view(o, row) : undefined;
  }

  // ---- users and call centers -------------------------------------------------------------
  private userView(r: RecordView): UserView {
    return { Id: r.Id, Name: r.name, Username: String(r.fields.Username ?? ''), Alias: String(r.fields.Alias ?? ''), CallCenterId: (r.fields.CallCenterId as string | null) ?? null };
  }

  users(): readonly UserView[] {
    return this.list('User', 2000).map((u) => this.userView(u)).sort((a, b) => a.Name.localeCompare(b.Name));
  }

  user(idOrUsername: string): UserView | undefined {
    const byId = normalizeId(idOrUsername) ? this.record(idOrUsername) : undefined;
    if (byId?.object === 'User') return this.userView(byId);
    return this.users().find((u) => u.Username.toLowerCase() === idOrUsername.toLowerCase() || u.Alias?.toLowerCase() === idOrUsername.toLowerCase());
  }

  defaultUser(): UserView {
    const meta = this.db.prepare("SELECT value FROM meta WHERE key = 'defaultUser'").get() as { value: string } | undefined;
    const chosen = meta ? this.user(meta.value) : undefined;
    const first = chosen ?? this.users().find((u) => u.CallCenterId) ?? this.users()[0];
    if (!first) throw new Error('the emulated org has no users');
    return first;
  }

  callCenters(): readonly CallCenterView[] {
    return this.list('CallCenter', 500).map((r) => ({ Id: r.Id, Name: r.name, InternalName: String(r.fields.InternalName), AdapterUrl: (r.fields.AdapterUrl as string | null) ?? null }));
  }

  callCenter(id: string): CallCenterView | undefined {
    return this.callCenters().find((c) => c.Id === id || c.InternalName === id);
  }

  callCenterSettings(callCenterId: string): Readonly<Record<string, string>> {
    const row = this.db.prepare('SELECT items FROM call_center_definitions WHERE call_center_id = ?').get(callCenterId) as { items: string } | undefined;
    return row ? (JSON.parse(row.items) as Record<string, string>) : {};
  }

  importCallCenter(xml: string): CallCenterView {
    const parsed = lintCallCenter(xml, 'import.xml').callCenter;
    if (!parsed?.internalName) throw err('INVALID_CALL_CENTER', 'The Call Center definition has no reqInternalName.');
    const settings = parsed.toSettingsMap();
    const object = findObject('CallCenter')!;
    const fields = { Name: parsed.displayName ?? parsed.internalName, InternalName: parsed.internalName, AdapterUrl: parsed.value('reqGeneralInfo', 'reqAdapterUrl') ?? null, Version: '4' };
    return this.db.transaction(() => {
      const existing = this.callCenters().find((c) => c.InternalName === parsed.internalName);
      let id: string;
      if (existing) {
        id = existing.Id;
        const record: Record<string, FieldValue> = { ...this.record(id)!.fields, ...fields, LastModifiedDate: formatDateTime(this.clock()) };
        this.write(object, id, record, false);
      } else id = this.insert(object, fields, '');
      this.db.prepare('INSERT INTO call_center_definitions (call_center_id, xml, items) VALUES (?, ?, ?) ON CONFLICT(call_center_id) DO UPDATE SET xml = excluded.xml, items = excluded.items')
        .run(id, xml, JSON.stringify(settings));
      return this.callCenter(id)!;
    })();
  }

  assignCallCenter(userId: string, callCenterId: string | null): void {
    const user = this.record(userId);
    if (!user || user.object !== 'User') throw err('INVALID_ID_FIELD', `No user ${userId}`);
    const object = findObject('User')!;
    this.write(object, user.Id, { ...user.fields, CallCenterId: callCenterId, LastModifiedDate: formatDateTime(this.clock()) }, false);
  }

  // ---- softphone layouts ------------------------------------------------------------------
  private layoutRecordFor(userId: string): RecordView | undefined {
    const a = this.db.prepare('SELECT layout_id FROM softphone_layout_assignments WHERE user_id = ?').get(userId) as { layout_id: string } | undefined;
    if (a) return this.record(a.layout_id);
    const object = findObject('SoftphoneLayout')!;
    const row = this.db.prepare(`SELECT * FROM ${tableOf(object)} WHERE "IsDefault" = 1 ORDER BY "CreatedDate" LIMIT 1`).get() as Row | undefined;
    return row ? this.view(object, row) : undefined;
  }

  softphoneLayout(userId: string): SoftphoneLayoutDef {
    const r = this.layoutRecordFor(userId);
    const def = r?.fields.Definition;
    return typeof def === 'string' && def ? (JSON.parse(def) as SoftphoneLayoutDef) : DEFAULT_LAYOUT;
  }

  saveSoftphoneLayout(userId: string, layout: SoftphoneLayoutDef): void {
    const object = findObject('SoftphoneLayout')!;
    this.db.transaction(() => {
      const a = this.db.prepare('SELECT layout_id FROM softphone_layout_assignments WHERE user_id = ?').get(userId) as { layout_id: string } | undefined;
      const current = a ? this.record(a.layout_id) : undefined;
      if (current) {
        this.write(object, current.Id, { ...current.fields, Definition: JSON.stringify(layout), LastModifiedDate: formatDateTime(this.clock()) }, false);
        return;
      }
      const user = this.user(userId);
      const id = this.insert(object, { Name: `Layout for ${user?.Name ?? userId}`, IsDefault: false, Definition: JSON.stringify(layout) }, userId);
      this.db.prepare('INSERT INTO softphone_layout_assignments (user_id, layout_id) VALUES (?, ?) ON CONFLICT(user_id) DO UPDATE SET layout_id = excluded.layout_id').run(userId, id);
    })();
  }

  /**
   * A fresh database without the seed gets the minimum to start: the demo agent, assigned to a
   * "Switchboard Demo" call center that loads the connector from /softphone/ and points it at
   * `sipServer`.
   */
  ensureAgent(sipServer = 'ws://127.0.0.1:5066', sipDomain = 'localhost'): void {
    if (this.users().length) return;
    const id = this.insert(findObject('User')!, { Username: 'agent@switchboard.dev', FirstName: 'Demo', LastName: 'Agent', Alias: 'agent', Email: 'agent@switchboard.dev', ProfileName: 'Call Center Agent', Extension: '1001' }, '');
    this.db.prepare("INSERT INTO meta (key, value) VALUES ('defaultUser', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(id);
    const cc = this.importCallCenter(demoCallCenterXml(sipServer, sipDomain));
    this.assignCallCenter(id, cc.Id);
    this.db.transaction(() => {
      for (const a of DEMO_RECORDS) {
        const accountId = this.insert(findObject('Account')!, a.account, id);
        for (const c of a.contacts) this.insert(findObject('Contact')!, { ...c, AccountId: accountId }, id);
      }
      for (const l of DEMO_LEADS) this.insert(findObject('Lead')!, l, id);
    })();
  }
}

/** A few records so a fresh, unseeded console has callers to pop (555-01xx numbers are fictional). */
const DEMO_RECORDS: readonly { account: Record<string, FieldValue>; contacts: readonly Record<string, FieldValue>[] }[] = [
  { account: { Name: 'Acme Corporation', Phone: '+1 415 555 0100', Industry: 'Manufacturing', BillingCity: 'San Francisco', BillingCountry: 'United States' },
    contacts: [
      { FirstName: 'Ada', LastName: 'Lovelace', Title: 'CTO', Phone: '+1 415 555 0134', Email: 'ada@acme.example', MailingCountry: 'United States' },
      { FirstName: 'Grace', LastName: 'Hopper', Title: 'VP Engineering', Phone: '+1 415 555 0135', MobilePhone: '+1 415 555 0199', Email: 'grace@acme.example', MailingCountry: 'United States' },
    ] },
  { account: { Name: 'Globex Ltd', Phone: '+44 20 7946 0000', Industry: 'Energy', BillingCity: 'London', BillingCountry: 'United Kingdom' },
    contacts: [{ FirstName: 'Alan', LastName: 'Turing', Phone: '020 7946 0018', Email: 'alan@globex.example', MailingCountry: 'United Kingdom' }] },
];
const DEMO_LEADS: readonly Record<string, FieldValue>[] = [
  { FirstName: 'Katherine', LastName: 'Johnson', Company: 'Initech', Phone: '+1 212 555 0147', Email: 'katherine@initech.example', Country: 'United States' },
];

/** What tests may rely on in a fresh, unseeded console. */
export const DEMO = {
  agent: { username: 'agent@switchboard.dev', name: 'Demo Agent' },
  callCenter: { internalName: 'SwitchboardDemo', adapterUrl: '/softphone/' },
  /** A contact whose phone number no other record has. */
  contact: { name: 'Ada Lovelace', phone: '+1 415 555 0134', account: 'Acme Corporation' },
  /** Two numbers of one contact (Phone and MobilePhone). */
  twoNumbers: { name: 'Grace Hopper', phone: '+1 415 555 0135', mobile: '+1 415 555 0199' },
  lead: { name: 'Katherine Johnson', phone: '+1 212 555 0147' },
} as const;

/** The demo agent signs in with the call center's credentials; colleagues fill the transfer directory. */
function connectorItems(sipServer: string, sipDomain: string, esc: (v: string) => string): string {
  const items = { ...demoConnectorItems(sipServer), sipDomain };
  return Object.entries(items)
    .map(([name, value], i) => `    <item sortOrder="${i}" name="${name}" label="${SWITCHBOARD_ITEMS.find((s) => s.name === name)?.label ?? name}">${esc(value)}</item>`)
    .join('\n');
}

/** The demo call center: the connector at /softphone/ on the Visualforce origin. */
export function demoCallCenterXml(sipServer: string, sipDomain: string): string {
  const esc = (v: string): string => v.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<callCenter>
  <section sortOrder="0" name="reqGeneralInfo" label="General Information">
    <item sortOrder="0" name="reqInternalName" label="Internal Name">SwitchboardDemo</item>
    <item sortOrder="1" name="reqDisplayName" label="Display Name">Switchboard Demo</item>
    <item sortOrder="2" name="reqAdapterUrl" label="CTI Adapter URL">/softphone/</item>
    <item sortOrder="3" name="reqUseApi" label="Use CTI API">true</item>
    <item sortOrder="4" name="reqSoftphoneHeight" label="Softphone Height">560</item>
    <item sortOrder="5" name="reqSoftphoneWidth" label="Softphone Width">340</item>
    <item sortOrder="6" name="reqSalesforceCompatibilityMode" label="Salesforce Compatibility Mode">Classic_and_Lightning</item>
  </section>
  <section sortOrder="1" name="switchboard" label="Switchboard Connector">
${connectorItems(sipServer, sipDomain, esc)}
  </section>
</callCenter>
`;
}

function info(o: ObjectDef): ObjectInfo {
  return {
    name: o.name, label: o.label, labelPlural: o.labelPlural, keyPrefix: o.keyPrefix,
    fields: o.fields.map((f: FieldDef) => ({
      name: f.name, label: f.label, type: f.type, required: Boolean(f.required), createable: f.createable,
      ...(f.picklistValues ? { picklistValues: f.picklistValues } : {}),
    })),
  };
}

export function openConsoleData(options: { file: string; sipServer?: string; sipDomain?: string }): OpenedConsoleData {
  const db = new Database(options.file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  const data = new SqliteConsoleData(db);
  data.ensureAgent(options.sipServer, options.sipDomain);
  return {
    data,
    rest: () => false,
    close: () => db.close(),
  };
}
