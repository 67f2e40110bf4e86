/**
 * What an org refuses on a create or update, before anything is stored: fields the API may not
 * write, values of the wrong type or shape, lookups to a missing or wrong-typed record, rules across
 * fields, the admin's validation rules and duplicate unique values. ConsoleDb decides when a write
 * happens and what it stamps on the record; these checks are Salesforce's rules about the values
 * themselves, and each refusal carries the error code and wording an org gives.
 */
import type { ConsoleDb } from './console-db.ts';
import { sfError, SalesforceError, type SalesforceErrorItem } from './errors.ts';
import { keyPrefixOf, normalizeId } from './ids.ts';
import { findField, objectForPrefix, type FieldDef, type FieldValue, type ObjectDef } from './schema.ts';
import { col, tableOf } from './sql.ts';
import { coerceValue, toSql } from './values.ts';

/** Id and the audit fields: the platform's alone, even for a system write. */
export const AUDIT = new Set(['Id', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp']);

/**
 * Validates API input for create/update; returns stored values by field name. Throws all value errors at once.
 * `system` lets a Setup or Voice write set fields the API may not (never the audit or calculated ones).
 */
export function checkInput(
  db: ConsoleDb,
  def: ObjectDef,
  input: Readonly<Record<string, unknown>>,
  mode: 'create' | 'update',
  selfId: string | undefined,
  system: boolean,
): Record<string, FieldValue> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw sfError('JSON_PARSER_ERROR', 'The record must be a JSON object');
  const entries: [FieldDef, unknown][] = [];
  const readOnly: string[] = [];
  for (const [key, raw] of Object.entries(input)) {
    if (key === 'attributes') continue;
    const fd = findField(def, key);
    if (!fd) throw sfError('INVALID_FIELD', `No such column '${key}' on sobject of type ${def.name}`, [key]);
    const allowed = mode === 'create' ? fd.createable : fd.updateable;
    if (!allowed && !(system && !AUDIT.has(fd.name) && !fd.calculated)) {
      readOnly.push(fd.name);
      continue;
    }
    entries.push([fd, raw]);
  }
  if (readOnly.length) {
    throw sfError(
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      readOnly,
    );
  }
  const errors: SalesforceErrorItem[] = [];
  const values: Record<string, FieldValue> = {};
  for (const [fd, raw] of entries) {
    const c = coerceValue(fd, raw);
    if (!c.ok) {
      errors.push(c.error);
      continue;
    }
    if (fd.type === 'reference' && typeof c.value === 'string') {
      const problem = checkReference(db, fd, c.value, selfId);
      if (typeof problem === 'string') {
        values[fd.name] = problem;
        continue;
      }
      errors.push(problem);
      continue;
    }
    values[fd.name] = c.value;
  }
  if (errors.length) throw new SalesforceError(errors);
  return values;
}

/** The normalised Id, or the error Salesforce gives for it. */
function checkReference(db: ConsoleDb, fd: FieldDef, value: string, selfId: string | undefined): string | SalesforceErrorItem {
  const id = normalizeId(value);
  if (!id) return { errorCode: 'MALFORMED_ID', message: `${fd.label}: id value of incorrect type: ${value}`, fields: [fd.name] };
  const target = objectForPrefix(keyPrefixOf(id));
  if (!target || !(fd.referenceTo ?? []).includes(target.name)) {
    return { errorCode: 'INVALID_CROSS_REFERENCE_KEY', message: `${fd.label}: id value of incorrect type: ${value}`, fields: [fd.name] };
  }
  if (id !== selfId && !db.prepare(`SELECT * FROM ${tableOf(target)} WHERE "Id" = ?`).get(id)) {
    return { errorCode: 'INVALID_CROSS_REFERENCE_KEY', message: `invalid cross reference id`, fields: [fd.name] };
  }
  return id;
}

/**
 * The object's rule across fields (schema `validate`), then the admin's validation rules, on the
 * record as it would be stored (Salesforce's order: system validation before custom rules).
 */
export function checkRecord(db: ConsoleDb, def: ObjectDef, record: Readonly<Record<string, FieldValue>>): void {
  const problem = def.validate?.(record);
  if (problem) throw new SalesforceError(problem);
  db.validationRules.check(def.name, record);
}

export function checkUnique(db: ConsoleDb, def: ObjectDef, values: Record<string, FieldValue>, selfId: string): void {
  for (const fd of def.fields) {
    if (!fd.unique || fd.autoNumber || values[fd.name] === undefined || values[fd.name] === null) continue;
    const clash = db.prepare(`SELECT "Id" FROM ${tableOf(def)} WHERE ${col(fd)} = ? COLLATE NOCASE AND "Id" != ?`).get(toSql(values[fd.name]!), selfId) as
      { Id: string } | undefined;
    if (!clash) continue;
    if (def.name === 'User' && fd.name === 'Username') {
      throw sfError(
        'DUPLICATE_USERNAME',
        'Duplicate Username. The username already exists in this or another Salesforce organization. Usernames must be unique across all Salesforce organizations.',
        [fd.name],
      );
    }
    throw sfError('DUPLICATE_VALUE', `duplicate value found: ${fd.name} duplicates value on record with id: ${clash.Id}`, [fd.name]);
  }
}
