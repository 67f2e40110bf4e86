/**
 * The emulated org's records: create/retrieve/update/delete with Salesforce's validation, describe,
 * SOQL, SOSL and the softphone's phone search, on one better-sqlite3 database. All methods are
 * synchronous (better-sqlite3 is) and throw SalesforceError for anything an org would refuse.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CountryCode } from 'libphonenumber-js';
import { sfError, SalesforceError } from './errors.ts';
import { keyPrefixOf, makeId, normalizeId } from './ids.ts';
import { migrate } from './migrations.ts';
import { isRegion, regionOfCountry, searchPhoneKeys, storedPhoneKeys } from './phone.ts';
import { OBJECTS, findField, findObject, objectForPrefix, type FieldDef, type FieldValue, type ObjectDef } from './schema.ts';
import { col, rowToRecord, tableOf, type SObjectRecord } from './sql.ts';
import { formatAutoNumber, formatDateTime, fromSql, toSql } from './values.ts';
import { describeGlobalEntry, describeObject, type DescribeGlobalResult, type SObjectDescribe } from './describe.ts';
import { parseSoql } from './soql/parser.ts';
import { compileQuery } from './soql/compile.ts';
import { nameObjectField, nameObjectSource } from './soql/relationship.ts';
import { parseSosl } from './sosl/parser.ts';
import { executeSearch, type SearchResult } from './search.ts';
import { ValidationRuleStore } from './validation-rules.ts';
import { AUDIT, checkInput, checkRecord, checkUnique } from './write-checks.ts';

/** Prepared statements kept (see ConsoleDb.prepare). */
const STATEMENTS_KEPT = 200;

export interface ConsoleDbOptions {
  /** SQLite file; `:memory:` for tests. Default `.switchboard/console.sqlite`. */
  readonly file?: string;
  /** Region for reading national phone numbers (ISO 3166, default 'US'). */
  readonly defaultRegion?: string;
  /** Clock (ms since epoch) for audit fields and date literals; default Date.now. */
  readonly now?: () => number;
  /** API version used in `attributes.url` (default '62.0'); the REST layer passes its own. */
  readonly apiVersion?: string;
}

/** Who writes: becomes CreatedById/LastModifiedById and the default OwnerId. */
export interface WriteContext {
  readonly userId?: string;
}

export interface QueryResult {
  readonly totalSize: number;
  readonly done: boolean;
  readonly records: readonly SObjectRecord[];
}

/** One object to search, with the fields to return (default: Id and the name field). */
export interface SearchTarget {
  readonly object: string;
  readonly fields?: readonly string[];
}

export const DEFAULT_DB_FILE = '.switchboard/console.sqlite';
const COUNTRY_FIELDS = ['MailingCountry', 'BillingCountry', 'Country'];

type Row = Record<string, unknown>;

export class ConsoleDb {
  readonly sql: Database.Database;
  readonly file: string;
  readonly defaultRegion: CountryCode;
  readonly now: () => number;
  readonly apiVersion: string;
  /** The org's validation rules (Setup), run on every create and update. */
  readonly validationRules: ValidationRuleStore;

  constructor(options: ConsoleDbOptions = {}) {
    this.file = options.file ?? DEFAULT_DB_FILE;
    const region = (options.defaultRegion ?? 'US').toUpperCase();
    if (!isRegion(region)) throw new Error(`defaultRegion must be an ISO 3166 region such as 'US' or 'GB', got ${JSON.stringify(options.defaultRegion)}`);
    this.defaultRegion = region;
    this.now = options.now ?? Date.now;
    this.apiVersion = options.apiVersion ?? '62.0';
    if (this.file !== ':memory:') mkdirSync(dirname(this.file), { recursive: true });
    this.sql = new Database(this.file);
    if (this.file !== ':memory:') this.sql.pragma('journal_mode = WAL');
    migrate(this.sql);
    this.validationRules = new ValidationRuleStore(this.sql);
  }

  private readonly statements = new Map<string, Database.Statement>();

  /**
   * A prepared statement, cached by its SQL (the seed's thousands of writes reuse a handful, and each
   * screen pop's search and layout read the same few shapes). Queries built from input (SOQL, SOSL)
   * vary in shape, so the cache keeps the most recently used STATEMENTS_KEPT.
   */
  prepare(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (st) {
      this.statements.delete(sql);
    } else {
      st = this.sql.prepare(sql);
      if (this.statements.size >= STATEMENTS_KEPT) this.statements.delete(this.statements.keys().next().value!);
    }
    this.statements.set(sql, st);
    return st;
  }

  close(): void {
    this.sql.close();
  }

  transaction<T>(fn: () => T): T {
    return this.sql.transaction(fn)();
  }

  /** True when no User and no Account exist (a fresh database, to be seeded). */
  isEmpty(): boolean {
    const count = (o: ObjectDef) => (this.prepare(`SELECT COUNT(*) AS n FROM ${tableOf(o)}`).get() as { n: number }).n;
    return count(findObject('User')!) === 0 && count(findObject('Account')!) === 0;
  }

  // ---- meta ---------------------------------------------------------------------------------
  getMeta(key: string): string | undefined {
    return (this.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** The user writes are attributed to when no WriteContext.userId is given (the seed sets the demo agent). */
  get defaultUserId(): string | undefined {
    return this.getMeta('defaultUserId');
  }

  set defaultUserId(id: string | undefined) {
    if (id === undefined) this.prepare("DELETE FROM meta WHERE key = 'defaultUserId'").run();
    else this.setMeta('defaultUserId', id);
  }

  private nextNumber(key: string): number {
    const n = Number(this.getMeta(`seq:${key}`) ?? '0') + 1;
    this.setMeta(`seq:${key}`, String(n));
    return n;
  }

  // ---- describe -----------------------------------------------------------------------------
  /** The object definition for an API name, or INVALID_TYPE. */
  objectDef(name: string): ObjectDef {
    const object = findObject(name);
    if (!object) throw sfError('INVALID_TYPE', `sObject type '${name}' is not supported.`);
    return object;
  }

  /** The object an Id belongs to (by key prefix), if any. */
  objectOfId(id: string): string | undefined {
    return objectForPrefix(keyPrefixOf(id))?.name;
  }

  describe(object: string, apiVersion = this.apiVersion): SObjectDescribe {
    return describeObject(this.objectDef(object), apiVersion);
  }

  describeGlobal(apiVersion = this.apiVersion): DescribeGlobalResult {
    return { encoding: 'UTF-8', maxBatchSize: 200, sobjects: OBJECTS.map((o) => describeGlobalEntry(o, apiVersion)) };
  }

  // ---- records ------------------------------------------------------------------------------
  private row(object: ObjectDef, id: string): Row | undefined {
    return this.prepare(`SELECT * FROM ${tableOf(object)} WHERE "Id" = ?`).get(id) as Row | undefined;
  }

  /** Resolves fields by name, INVALID_FIELD naming the first unknown one. */
  resolveFields(object: ObjectDef, names: readonly string[]): FieldDef[] {
    const out: FieldDef[] = [];
    for (const name of names) {
      const fd = findField(object, name.trim());
      if (!fd)
        throw sfError(
          'INVALID_FIELD',
          `No such column '${name.trim()}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
          [name.trim()],
        );
      if (!out.includes(fd)) out.push(fd);
    }
    return out;
  }

  /**
   * One record; `fields` limits the returned fields (Id is always included). NOT_FOUND when the Id
   * is malformed, of another object, or unknown.
   */
  retrieve(object: string, id: string, fields?: readonly string[], apiVersion = this.apiVersion): SObjectRecord {
    const def = this.objectDef(object);
    const wanted = fields && fields.length ? this.resolveFields(def, ['Id', ...fields]) : [...def.fields];
    const full = normalizeId(id);
    const row = full && keyPrefixOf(full) === def.keyPrefix ? this.row(def, full) : undefined;
    if (!row) throw this.missing(full);
    return rowToRecord(def, row, wanted, apiVersion);
  }

  /** The error for an Id with no row: ENTITY_IS_DELETED for a deleted record, as Salesforce says it, else NOT_FOUND. */
  private missing(full: string | undefined): SalesforceError {
    const deleted = full ? this.prepare('SELECT 1 FROM deleted_records WHERE id = ?').get(full) : undefined;
    return deleted ? sfError('ENTITY_IS_DELETED', 'entity is deleted') : sfError('NOT_FOUND', 'The requested resource does not exist');
  }

  /** Like retrieve, with the object taken from the Id's key prefix; undefined when not found. */
  retrieveById(id: string, fields?: readonly string[]): SObjectRecord | undefined {
    const full = normalizeId(id);
    const object = full ? this.objectOfId(full) : undefined;
    if (!full || !object) return undefined;
    try {
      return this.retrieve(object, full, fields);
    } catch (e) {
      if (e instanceof SalesforceError && (e.errorCode === 'NOT_FOUND' || e.errorCode === 'ENTITY_IS_DELETED')) return undefined;
      throw e;
    }
  }

  /** Creates a record and returns its 18-character Id. `system` bypasses the object's API createability (Setup data). */
  create(object: string, fields: Readonly<Record<string, unknown>>, ctx: WriteContext = {}, system = false): string {
    const def = this.objectDef(object);
    if (!def.createable && !system) throw sfError('CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY', `entity type cannot be inserted: ${def.label}`);
    return this.transaction(() => {
      const values = checkInput(this, def, fields, 'create', undefined, system);
      const userId = ctx.userId ?? this.defaultUserId ?? null;
      for (const fd of def.fields) {
        if (values[fd.name] !== undefined) continue;
        if (fd.defaultValue !== undefined) values[fd.name] = fd.defaultValue;
        else if (fd.name === 'OwnerId' && userId) values[fd.name] = userId;
        else if (fd.type === 'boolean') values[fd.name] = false;
      }
      const missing = def.fields.filter((fd) => fd.required && (values[fd.name] === undefined || values[fd.name] === null)).map((fd) => fd.name);
      if (missing.length) throw sfError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
      checkRecord(this, def, values);
      const id = makeId(def.keyPrefix, this.nextNumber(def.keyPrefix));
      checkUnique(this, def, values, id);
      const stamp = formatDateTime(this.now());
      Object.assign(values, { Id: id, CreatedDate: stamp, LastModifiedDate: stamp, SystemModstamp: stamp, CreatedById: userId, LastModifiedById: userId });
      if (def.name === 'Case') values.CaseNumber = String(1000 + this.nextNumber('CaseNumber')).padStart(8, '0');
      for (const fd of def.fields) if (fd.autoNumberFormat) values[fd.name] = formatAutoNumber(fd.autoNumberFormat, this.nextNumber(`${def.name}.${fd.name}`));
      Object.assign(values, def.derive?.(values, stamp) ?? {});
      const names = Object.keys(values);
      this.prepare(`INSERT INTO ${tableOf(def)} (${names.map(col).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`).run(
        ...names.map((n) => toSql(values[n]!)),
      );
      this.indexPhones(def, id, values);
      return id;
    });
  }

  update(object: string, id: string, fields: Readonly<Record<string, unknown>>, ctx: WriteContext = {}, system = false): void {
    const def = this.objectDef(object);
    if (!def.updateable && !system) throw sfError('CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY', `entity type cannot be updated: ${def.label}`);
    this.transaction(() => {
      const full = normalizeId(id);
      const row = full && keyPrefixOf(full) === def.keyPrefix ? this.row(def, full) : undefined;
      if (!full || !row) throw this.missing(full);
      const idKey = Object.keys(fields).find((k) => k.toLowerCase() === 'id');
      const givenId = idKey === undefined ? undefined : fields[idKey];
      const rest = Object.fromEntries(Object.entries(fields).filter(([k]) => k !== idKey));
      if (givenId !== undefined && normalizeId(String(givenId)) !== full)
        throw sfError('INVALID_ID_FIELD', 'Record ID: cannot specify Id in an update call', ['Id']);
      const changes = checkInput(this, def, rest, 'update', full, system);
      const cleared = def.fields.filter((fd) => fd.required && changes[fd.name] === null).map((fd) => fd.name);
      if (cleared.length) throw sfError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${cleared.join(', ')}]`, cleared);
      checkUnique(this, def, changes, full);
      const current: Record<string, FieldValue> = {};
      for (const fd of def.fields) current[fd.name] = (row[fd.name] ?? null) as FieldValue;
      const stamp = formatDateTime(this.now());
      const merged: Record<string, FieldValue> = {
        ...current,
        ...changes,
        LastModifiedDate: stamp,
        SystemModstamp: stamp,
        LastModifiedById: ctx.userId ?? this.defaultUserId ?? null,
      };
      checkRecord(this, def, merged);
      Object.assign(merged, def.derive?.(merged, stamp) ?? {});
      const names = def.fields.map((fd) => fd.name).filter((n) => n !== 'Id');
      this.prepare(`UPDATE ${tableOf(def)} SET ${names.map((n) => `${col(n)} = ?`).join(', ')} WHERE "Id" = ?`).run(
        ...names.map((n) => toSql(merged[n] ?? null)),
        full,
      );
      this.indexPhones(def, full, merged);
    });
  }

  delete(object: string, id: string): void {
    const def = this.objectDef(object);
    if (!def.deletable) throw sfError('CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY', `entity type cannot be deleted: ${def.label}`);
    this.transaction(() => {
      const full = normalizeId(id);
      const row = full && keyPrefixOf(full) === def.keyPrefix ? this.row(def, full) : undefined;
      if (!full || !row) throw this.missing(full);
      this.prepare(`DELETE FROM ${tableOf(def)} WHERE "Id" = ?`).run(full);
      this.prepare('INSERT OR REPLACE INTO deleted_records (id, object, deleted_at) VALUES (?, ?, ?)').run(full, def.name, formatDateTime(this.now()));
      this.prepare('DELETE FROM phone_keys WHERE record_id = ?').run(full);
      // Lookups to the deleted record are cleared, as Salesforce does for optional lookups.
      for (const other of OBJECTS) {
        for (const fd of other.fields) {
          if (fd.type === 'reference' && !AUDIT.has(fd.name) && fd.referenceTo?.includes(def.name)) {
            this.prepare(`UPDATE ${tableOf(other)} SET ${col(fd)} = NULL WHERE ${col(fd)} = ?`).run(full);
          }
        }
      }
    });
  }

  private indexPhones(def: ObjectDef, id: string, values: Readonly<Record<string, FieldValue>>): void {
    this.prepare('DELETE FROM phone_keys WHERE record_id = ?').run(id);
    const countryField = COUNTRY_FIELDS.find((n) => findField(def, n));
    const region = regionOfCountry(countryField ? (values[countryField] as string | null) : undefined) ?? this.defaultRegion;
    const insert = this.prepare('INSERT INTO phone_keys (object, record_id, field, key) VALUES (?, ?, ?, ?)');
    for (const fd of def.fields) {
      const v = values[fd.name];
      if (fd.type !== 'phone' || typeof v !== 'string' || v === '') continue;
      for (const key of storedPhoneKeys(v, region)) insert.run(def.name, id, fd.name, key);
    }
  }

  // ---- query and search ---------------------------------------------------------------------
  /** Runs a SOQL query (subset; see soql/parser.ts). */
  query(soql: string, apiVersion = this.apiVersion): QueryResult {
    const compiled = compileQuery(parseSoql(soql), { source: soql, now: this.now() });
    if (compiled.count) {
      const n = (this.prepare(compiled.sql).get(...compiled.params) as { n: number }).n;
      return { totalSize: n, done: true, records: [] };
    }
    const rows = this.prepare(compiled.sql).all(...compiled.params) as Row[];
    if (compiled.aggregate) {
      const columns = compiled.aggregate;
      const records = rows.map((r) => {
        const record: Record<string, unknown> = { attributes: { type: 'AggregateResult' } };
        columns.forEach((c, i) => {
          const v = r[`c${i}`];
          record[c.key] = c.kind === 'group' || c.fn === 'MIN' || c.fn === 'MAX' ? fromSql(c.field, v) : (v ?? null);
        });
        return record as SObjectRecord;
      });
      return { totalSize: records.length, done: true, records };
    }
    const records = rows.map((r) => {
      const record = rowToRecord(compiled.object, r, compiled.fields, apiVersion) as Record<string, unknown>;
      for (const p of compiled.parents) {
        const id = r[p.reference.name];
        record[p.relationship] = typeof id === 'string' ? this.parentRecord(id, p.fields, apiVersion, p.polymorphic, p.byType) : null;
      }
      for (const child of compiled.children) {
        const childRows = this.prepare(child.sql).all(r.Id as string, ...child.params.slice(1)) as Row[];
        record[child.relationship] = childRows.length
          ? { totalSize: childRows.length, done: true, records: childRows.map((c) => rowToRecord(child.object, c, child.fields, apiVersion)) }
          : null;
      }
      return record as SObjectRecord;
    });
    return { totalSize: records.length, done: true, records };
  }

  /**
   * A parent record as a relationship query nests it: its attributes and the fields asked for (null
   * where its object has no such field); with TYPEOF (`byType`), the fields its type's WHEN names.
   */
  private parentRecord(
    id: string,
    fields: readonly string[],
    apiVersion: string,
    polymorphic = false,
    byType?: ReadonlyMap<string, readonly string[]>,
  ): SObjectRecord | null {
    const object = this.objectOfId(id);
    const def = object ? this.objectDef(object) : undefined;
    const row = def ? this.row(def, id) : undefined;
    if (!def || !row) return null;
    const typed = byType?.get(def.name);
    if (typed) return this.parentRecord(id, typed, apiVersion);
    if (polymorphic) {
      // Through Who or What the fields are the Name object's: Type is the parent's object, Name its record name.
      const named = rowToRecord(def, row, [], apiVersion) as Record<string, unknown>;
      for (const n of fields) {
        const field = nameObjectField(n);
        const source = field && nameObjectSource(def, field);
        named[n] = !source ? null : 'constant' in source ? source.constant : fromSql(source.column, row[source.column.name]);
      }
      return named as SObjectRecord;
    }
    const record = rowToRecord(
      def,
      row,
      fields.map((n) => findField(def, n)).filter((fd): fd is FieldDef => fd !== undefined),
      apiVersion,
    ) as Record<string, unknown>;
    for (const n of fields) if (!(n in record)) record[n] = null;
    return record as SObjectRecord;
  }

  /** Runs a SOSL search (subset; see sosl/parser.ts). */
  search(sosl: string, apiVersion = this.apiVersion): SearchResult {
    return executeSearch(this, parseSosl(sosl), sosl, apiVersion);
  }

  /** Ids of records of `object` with a phone field matching `number` in any format. */
  phoneMatches(object: ObjectDef, number: string): string[] {
    const keys = searchPhoneKeys(number, this.defaultRegion);
    if (!keys.length) return [];
    const rows = this.prepare(
      `SELECT DISTINCT record_id FROM phone_keys WHERE object = ? AND key IN (${keys.map(() => '?').join(', ')}) ORDER BY record_id`,
    ).all(object.name, ...keys) as { record_id: string }[];
    return rows.map((r) => r.record_id);
  }

  /**
   * The softphone's search: records of the target objects (in target order) with any phone field
   * equal to `number` whatever its format (E.164, national, with or without punctuation).
   */
  searchPhone(number: string, targets: readonly (string | SearchTarget)[]): SObjectRecord[] {
    const out: SObjectRecord[] = [];
    for (const t of targets) {
      const target = typeof t === 'string' ? { object: t } : t;
      const def = this.objectDef(target.object);
      const fields = this.targetFields(def, target.fields);
      for (const id of this.phoneMatches(def, number)) {
        const row = this.row(def, id);
        if (row) out.push(rowToRecord(def, row, fields, this.apiVersion));
      }
    }
    return out;
  }

  /** SOSL-style text search (ALL FIELDS, phone numbers normalised) over the target objects. */
  searchText(text: string, targets: readonly (string | SearchTarget)[]): SObjectRecord[] {
    const escaped = text.replace(/[\\{}]/g, (c) => '\\' + c);
    const returning = targets.map((t) => {
      const target = typeof t === 'string' ? { object: t } : t;
      const def = this.objectDef(target.object);
      return `${def.name}(${this.targetFields(def, target.fields)
        .map((f) => f.name)
        .join(', ')})`;
    });
    return [...this.search(`FIND {${escaped}} IN ALL FIELDS RETURNING ${returning.join(', ')}`).searchRecords];
  }

  private targetFields(def: ObjectDef, names: readonly string[] | undefined): FieldDef[] {
    if (names && names.length) return this.resolveFields(def, ['Id', ...names]);
    return this.resolveFields(def, ['Id', ...def.fields.filter((f) => f.nameField).map((f) => f.name)]);
  }
}
