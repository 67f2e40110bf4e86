/**
 * Parent relationship fields in WHERE and ORDER BY (`Account.Name`, `Account.Owner.Name`, polymorphic
 * `Who.Name`, `What.Type`). Each becomes one correlated scalar subquery over the parent tables, so
 * the query's own columns stay unqualified and a missing parent reads as null, as SOQL's outer join
 * gives it. Only schema names and key prefixes reach the SQL text; values stay parameters. The
 * Name object's fields (what Who and What offer) are defined here for the select list too.
 */
import { findField, findObject, type FieldDef, type ObjectDef } from '../schema.ts';
import { col, tableOf } from '../sql.ts';
import { positionedError } from './lexer.ts';
import type { FieldRef } from './ast.ts';

/** A field of the query, resolved: its definition (for type checks) and the SQL that reads it. */
export interface Operand {
  readonly field: FieldDef;
  readonly expr: string;
}

/** Salesforce's limit on child-to-parent levels in one field path (`Contact.Account.Owner.FirstName` is three). */
export const MAX_PARENT_LEVELS = 5;

/**
 * The fields of Salesforce's Name object, which is what a polymorphic relationship (Who, What)
 * points to without TYPEOF: a field outside this list is INVALID_FIELD even when every target has it.
 */
const NAME_OBJECT_FIELDS: readonly FieldDef[] = [
  { name: 'Id', label: 'Record ID', type: 'id', length: 18, createable: false, updateable: false },
  { name: 'Name', label: 'Name', type: 'string', length: 255, createable: false, updateable: false },
  { name: 'Type', label: 'Type', type: 'picklist', length: 40, createable: false, updateable: false },
  { name: 'Alias', label: 'Alias', type: 'string', length: 8, createable: false, updateable: false },
  { name: 'FirstName', label: 'First Name', type: 'string', length: 40, createable: false, updateable: false },
  { name: 'LastName', label: 'Last Name', type: 'string', length: 80, createable: false, updateable: false },
  { name: 'Email', label: 'Email', type: 'email', length: 80, createable: false, updateable: false },
  { name: 'Phone', label: 'Phone', type: 'phone', length: 40, createable: false, updateable: false },
  { name: 'Title', label: 'Title', type: 'string', length: 80, createable: false, updateable: false },
  { name: 'Username', label: 'Username', type: 'string', length: 80, createable: false, updateable: false },
  { name: 'IsActive', label: 'Active', type: 'boolean', createable: false, updateable: false },
];

/** The Name object's field `name` (case-insensitive), if it has one. */
export function nameObjectField(name: string): FieldDef | undefined {
  return NAME_OBJECT_FIELDS.find((fd) => fd.name.toLowerCase() === name.toLowerCase());
}

const SAFE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** A schema constant (object name, key prefix) as an SQL string literal; refuses anything that could need quoting. */
function schemaLiteral(text: string): string {
  if (!SAFE_NAME.test(text) && !/^[0-9A-Za-z]{3}$/.test(text)) throw new Error(`schema constant ${JSON.stringify(text)} cannot be an SQL literal`);
  return `'${text}'`;
}

function unknownRelationship(source: string, ref: FieldRef, name: string) {
  return positionedError(
    'INVALID_FIELD',
    source,
    ref.token,
    `Didn't understand relationship '${name}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

export function noSuchColumn(source: string, ref: FieldRef, entity: string) {
  return positionedError(
    'INVALID_FIELD',
    source,
    ref.token,
    `No such column '${ref.name}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

/** The lookup field of `object` whose relationship is called `name` (case-insensitive), if any. */
export function relationshipField(object: ObjectDef, name: string): FieldDef | undefined {
  return object.fields.find((fd) => fd.type === 'reference' && fd.relationshipName?.toLowerCase() === name.toLowerCase());
}

/** The objects a lookup can point to, as the schema knows them. */
export function targetsOf(reference: FieldDef): ObjectDef[] {
  return (reference.referenceTo ?? []).map((name) => findObject(name)).filter((o): o is ObjectDef => o !== undefined);
}

/**
 * `ref` (which has a path) read from a row of `object`: a scalar subquery joining the parents one
 * level at a time, its last level per target object when the last relationship is polymorphic.
 */
export function relationshipOperand(object: ObjectDef, ref: FieldRef, ctx: { readonly source: string; readonly errorCode?: string }): Operand {
  const { source } = ctx;
  const path = ref.path!;
  if (path.length > MAX_PARENT_LEVELS) {
    throw positionedError(
      ctx.errorCode ?? 'MALFORMED_QUERY',
      source,
      ref.token,
      `SOQL statements cannot query relationships that are more than ${MAX_PARENT_LEVELS} levels away from the root entity object.`,
    );
  }
  const hops: Hop[] = [];
  let current = object;
  for (let i = 0; i < path.length; i++) {
    const reference = relationshipField(current, path[i]!);
    if (!reference) throw unknownRelationship(source, ref, path[i]!);
    const targets = targetsOf(reference);
    if (targets.length !== 1) {
      // A polymorphic lookup points to the Name object, which has no relationships to follow further.
      if (i < path.length - 1) throw unknownRelationship(source, ref, path[i + 1]!);
      return polymorphic(targets, readThrough(object, hops, reference), ref, source, hops.length + 1);
    }
    hops.push({ reference, target: targets[0]! });
    current = targets[0]!;
  }
  const field = findField(current, ref.name);
  if (!field) throw noSuchColumn(source, ref, current.name);
  return { field, expr: readThrough(object, hops, field) };
}

interface Hop {
  readonly reference: FieldDef;
  readonly target: ObjectDef;
}

/**
 * `column` of the last parent `hops` reach from a row of `object` (of the row itself without hops):
 * the parents joined as "p1" … "pN" in one subquery, null when any link is empty or dangling.
 */
function readThrough(object: ObjectDef, hops: readonly Hop[], column: FieldDef): string {
  if (!hops.length) return `${tableOf(object)}.${col(column)}`;
  const joins = hops.map((hop, i) => {
    const alias = `"p${i + 1}"`;
    return i === 0 ? `${tableOf(hop.target)} AS ${alias}` : `JOIN ${tableOf(hop.target)} AS ${alias} ON ${alias}.${col('Id')} = "p${i}".${col(hop.reference)}`;
  });
  return `(SELECT "p${hops.length}".${col(column)} FROM ${joins.join(' ')} WHERE "p1".${col('Id')} = ${tableOf(object)}.${col(hops[0]!.reference)})`;
}

/**
 * A Name-object field behind a polymorphic lookup whose Id is `idSql`: the Id's key prefix picks the
 * target table; Type is the target's object name, Name its name field (a Case's CaseNumber), and a
 * field the target lacks is null.
 */
function polymorphic(targets: readonly ObjectDef[], idSql: string, ref: FieldRef, source: string, depth: number): Operand {
  const field = nameObjectField(ref.name);
  if (!field) throw noSuchColumn(source, ref, 'Name');
  const alias = `"p${depth}"`;
  const branches = targets.map((target) => {
    const read = readOnTarget(target, field, alias);
    const value = read === undefined ? 'NULL' : `(SELECT ${read} FROM ${tableOf(target)} AS ${alias} WHERE ${alias}.${col('Id')} = ${idSql})`;
    return ` WHEN ${schemaLiteral(target.keyPrefix)} THEN ${value}`;
  });
  return { field, expr: `(CASE substr(${idSql}, 1, 3)${branches.join('')} END)` };
}

/**
 * Where a Name-object field's value comes from on a record of `target`: Type is the object's name,
 * Name its record name field (a Case's CaseNumber), another field the target's own of that name and
 * type; undefined when the target has none (the value is then null).
 */
export function nameObjectSource(target: ObjectDef, field: FieldDef): { readonly column: FieldDef } | { readonly constant: string } | undefined {
  if (field.name === 'Type') return { constant: target.name };
  const column = field.name === 'Name' ? target.fields.find((fd) => fd.nameField) : findField(target, field.name);
  return column && (field.name === 'Name' || column.type === field.type) ? { column } : undefined;
}

/** The SQL reading Name-object field `field` from a row of `target` under `alias`, or undefined when the target has none. */
function readOnTarget(target: ObjectDef, field: FieldDef, alias: string): string | undefined {
  const source = nameObjectSource(target, field);
  if (!source) return undefined;
  return 'constant' in source ? schemaLiteral(source.constant) : `${alias}.${col(source.column)}`;
}
