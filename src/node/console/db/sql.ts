/** Naming of the SQL tables and columns behind the objects, and row ↔ record conversion. */
import type { FieldDef, FieldValue, ObjectDef } from './schema.ts';
import { fromSql } from './values.ts';

export function tableOf(object: ObjectDef): string {
  return `"sobj_${object.name}"`;
}

export function col(field: FieldDef | string): string {
  return `"${typeof field === 'string' ? field : field.name}"`;
}

export interface RecordAttributes {
  readonly type: string;
  readonly url: string;
}

/** A record as the REST API returns it: `attributes` then the fields asked for, by API name. */
export interface SObjectRecord {
  readonly attributes: RecordAttributes;
  readonly [field: string]: FieldValue | RecordAttributes;
}

/** The REST URL of a record, for `attributes.url`. */
export function recordUrl(apiVersion: string, object: string, id: string): string {
  return `/services/data/v${apiVersion}/sobjects/${object}/${id}`;
}

/** Builds the API record from a SQL row holding (at least) `fields` and Id. */
export function rowToRecord(object: ObjectDef, row: Record<string, unknown>, fields: readonly FieldDef[], apiVersion: string): SObjectRecord {
  const out: Record<string, FieldValue | RecordAttributes> = {
    attributes: { type: object.name, url: recordUrl(apiVersion, object.name, String(row.Id)) },
  };
  for (const fd of fields) out[fd.name] = fromSql(fd, row[fd.name]);
  return out as SObjectRecord;
}

/** A field value of a record, without its attributes (typed for consumers). */
export function fieldOf(record: SObjectRecord, name: string): FieldValue {
  const v = record[name];
  return v === undefined || (typeof v === 'object' && v !== null) ? null : (v as FieldValue);
}
