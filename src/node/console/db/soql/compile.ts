/**
 * Turns a parsed SOQL query into parameterised SQL over the object tables, checking names and
 * literal types on the way with Salesforce's error codes (INVALID_TYPE, INVALID_FIELD,
 * INVALID_QUERY_FILTER_OPERATOR). Values only ever travel as SQL parameters.
 */
import { findField, findObject, isNumberType, isTextType, OBJECTS, type FieldDef, type ObjectDef } from '../schema.ts';
import { col, tableOf } from '../sql.ts';
import { positionedError } from './lexer.ts';
import { QUERY_ERROR } from './parser.ts';
import type { AggregateFunction, AggregateRef, Condition, FieldRef, SelectQuery, SubQuery } from './ast.ts';
import { comparison, filterError } from './literal-comparison.ts';
import { nameObjectField, noSuchColumn, relationshipField, relationshipOperand, targetsOf, type Operand } from './relationship.ts';
import { compileSemiJoin, topLevelSemiJoins } from './semi-join.ts';
import { resolveTypeOf } from './typeof-select.ts';

export type SqlParam = string | number | null;

/** A parent relationship in the select list (`Account.Name`, polymorphic `Who.Name`): read per row after the query. */
export interface ParentSelect {
  /** The key the parent record goes under in each result record (the schema's relationship name). */
  readonly relationship: string;
  /** The lookup field holding the parent's Id (AccountId, WhoId). */
  readonly reference: FieldDef;
  /** Parent field names, in select order. */
  readonly fields: readonly string[];
  /** A polymorphic lookup (Who, What): the fields are the Name object's (Type, Name as each object names its records). */
  readonly polymorphic: boolean;
  /** TYPEOF (typeof-select.ts): the fields per parent type; `fields` are then the ELSE ones. */
  readonly byType?: ReadonlyMap<string, readonly string[]>;
}

/** A child relationship subquery: its SQL runs once per parent row, the parent's Id as `params[0]`. */
export interface ChildSelect {
  readonly relationship: string;
  readonly object: ObjectDef;
  readonly fields: readonly FieldDef[];
  readonly sql: string;
  readonly params: readonly SqlParam[];
}

/** One column of an aggregate query's rows: a grouped field, or an aggregate under its alias or exprN. */
export type AggregateColumn =
  | { readonly kind: 'group'; readonly key: string; readonly field: FieldDef }
  | { readonly kind: 'aggregate'; readonly key: string; readonly fn: AggregateFunction; readonly field: FieldDef };

export interface CompiledQuery {
  readonly object: ObjectDef;
  readonly count: boolean;
  /** An aggregate query (aggregate functions or GROUP BY): its rows are AggregateResults with these columns. */
  readonly aggregate?: readonly AggregateColumn[];
  readonly children: readonly ChildSelect[];
  /** Fields to return, in select order (empty for COUNT()). */
  readonly fields: readonly FieldDef[];
  /** Parent relationship fields of the select list, grouped by relationship. */
  readonly parents: readonly ParentSelect[];
  readonly sql: string;
  readonly params: readonly SqlParam[];
}

export interface CompileContext {
  readonly source: string;
  /** Milliseconds now, for TODAY and friends (UTC days). */
  readonly now: number;
  /** Error code for positioned errors: MALFORMED_QUERY (SOQL) or MALFORMED_SEARCH (SOSL). */
  readonly errorCode?: string;
  /** The semi-joins of the main query's WHERE (semi-join.ts); anywhere else one is refused. */
  readonly semiJoins?: ReadonlySet<Condition>;
}

export function resolveObject(ref: FieldRef, ctx: CompileContext): ObjectDef {
  const object = findObject(ref.name);
  if (!object)
    throw positionedError(
      'INVALID_TYPE',
      ctx.source,
      ref.token,
      `sObject type '${ref.name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  return object;
}

export function resolveField(object: ObjectDef, ref: FieldRef, ctx: CompileContext): FieldDef {
  if (ref.path)
    throw positionedError(
      'INVALID_FIELD',
      ctx.source,
      ref.token,
      `${[...ref.path, ref.name].join('.')}: the emulator reads relationship fields in a query's own select list, WHERE and ORDER BY, not in a subquery's or SOSL's field list, GROUP BY, HAVING or aggregates.`,
    );
  const field = findField(object, ref.name);
  if (!field) throw noSuchColumn(ctx.source, ref, object.name);
  return field;
}

/** A field a filter or ordering reads: a column of `object`, or a parent's through its relationship path. */
function operand(object: ObjectDef, ref: FieldRef, ctx: CompileContext): Operand {
  if (ref.path) return relationshipOperand(object, ref, ctx);
  const field = resolveField(object, ref, ctx);
  return { field, expr: col(field) };
}

/** The select list, checked: known fields, no duplicates. */
export function resolveSelectFields(object: ObjectDef, refs: readonly FieldRef[], ctx: CompileContext): FieldDef[] {
  const fields: FieldDef[] = [];
  for (const ref of refs) {
    const field = resolveField(object, ref, ctx);
    if (fields.includes(field)) throw positionedError('INVALID_FIELD', ctx.source, ref.token, `duplicate field selected: ${field.name}`);
    fields.push(field);
  }
  return fields;
}

export function compileQuery(query: SelectQuery, base: CompileContext): CompiledQuery {
  const ctx: CompileContext = { ...base, semiJoins: topLevelSemiJoins(query.where, base) };
  const object = resolveObject(query.from, ctx);
  const params: SqlParam[] = [];
  const select = query.select;
  if (select.kind === 'fields' && (select.aggregates?.length || query.groupBy?.length)) return compileAggregate(object, query, ctx);
  const refs = select.kind === 'count' ? [] : select.fields;
  const fields = resolveSelectFields(
    object,
    refs.filter((r) => !r.path),
    ctx,
  );
  const parents: ParentSelect[] = resolveParents(
    object,
    refs.filter((r) => r.path),
    ctx,
  );
  for (const t of select.kind === 'fields' ? (select.typeofs ?? []) : []) {
    const typed = resolveTypeOf(object, t, ctx.source);
    if (parents.some((p) => p.reference === typed.reference)) {
      throw positionedError(
        QUERY_ERROR,
        ctx.source,
        t.token,
        `${typed.relationship} is selected both with TYPEOF and as ${typed.relationship}.field: select it one way`,
      );
    }
    parents.push({ relationship: typed.relationship, reference: typed.reference, fields: typed.otherwise, polymorphic: true, byType: typed.byType });
  }
  const children = select.kind === 'fields' ? (select.subqueries ?? []).map((sub) => compileChild(object, sub, base)) : [];
  const tail = compileTail(object, query, ctx, params);
  if (select.kind === 'count') {
    return { object, count: true, fields, parents, children, sql: `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${tableOf(object)}${tail})`, params };
  }
  const columns = [...new Set(['Id', ...fields.map((fd) => fd.name), ...parents.map((p) => p.reference.name)])].map(col).join(', ');
  return { object, count: false, fields, parents, children, sql: `SELECT ${columns} FROM ${tableOf(object)}${tail}`, params };
}

const AUDIT_REFERENCES = new Set(['CreatedById', 'LastModifiedById', 'OwnerId']);

/** The child relationships of `parent` as SOQL names them: Account → Contacts, Cases, Opportunities, Tasks (WhatId)… */
export function childRelationships(parent: ObjectDef): { name: string; object: ObjectDef; field: FieldDef }[] {
  const out: { name: string; object: ObjectDef; field: FieldDef }[] = [];
  for (const child of OBJECTS) {
    for (const field of child.fields) {
      if (field.type !== 'reference' || AUDIT_REFERENCES.has(field.name) || !field.referenceTo?.includes(parent.name)) continue;
      const name = child.labelPlural.replace(/\s+/g, '');
      if (!out.some((r) => r.name === name)) out.push({ name, object: child, field });
    }
  }
  return out;
}

function compileChild(parent: ObjectDef, sub: SubQuery, ctx: CompileContext): ChildSelect {
  const rel = childRelationships(parent).find((r) => r.name.toLowerCase() === sub.query.from.name.toLowerCase());
  if (!rel) {
    throw positionedError(
      'INVALID_TYPE',
      ctx.source,
      sub.query.from.token,
      `Didn't understand relationship '${sub.query.from.name}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  }
  const select = sub.query.select;
  if (select.kind !== 'fields' || select.aggregates?.length || sub.query.groupBy?.length)
    throw positionedError(QUERY_ERROR, ctx.source, sub.token, 'a subquery selects fields (no COUNT, aggregates or GROUP BY)');
  if (select.typeofs?.length)
    throw positionedError(QUERY_ERROR, ctx.source, select.typeofs[0]!.token, "the emulator reads TYPEOF in the main query's select list, not in a subquery");
  const fields = resolveSelectFields(rel.object, select.fields, ctx);
  const params: SqlParam[] = [];
  const tail = compileTail(rel.object, sub.query, ctx, params, { sql: `${col(rel.field)} = ?`, params: [''] });
  const columns = [...new Set(['Id', ...fields.map((fd) => fd.name)])].map(col).join(', ');
  return { relationship: rel.name, object: rel.object, fields, sql: `SELECT ${columns} FROM ${tableOf(rel.object)}${tail}`, params };
}

function compileAggregate(object: ObjectDef, query: SelectQuery, ctx: CompileContext): CompiledQuery {
  const select = query.select as Extract<SelectQuery['select'], { kind: 'fields' }>;
  if (select.subqueries?.length) throw positionedError(QUERY_ERROR, ctx.source, select.subqueries[0]!.token, 'an aggregate query cannot hold a subquery');
  if (select.typeofs?.length) throw positionedError(QUERY_ERROR, ctx.source, select.typeofs[0]!.token, 'an aggregate query cannot hold TYPEOF');
  const groups = (query.groupBy ?? []).map((ref) => resolveField(object, ref, ctx));
  const columns: AggregateColumn[] = [];
  for (const ref of select.fields) {
    const field = resolveField(object, ref, ctx);
    if (!groups.includes(field)) throw positionedError(QUERY_ERROR, ctx.source, ref.token, `Field must be grouped or aggregated: ${field.name}`);
    columns.push({ kind: 'group', key: field.name, field });
  }
  let expr = 0;
  for (const a of select.aggregates ?? []) {
    columns.push({ kind: 'aggregate', key: a.alias ?? `expr${expr++}`, fn: a.fn, field: aggregatedField(object, a, ctx) });
  }
  const params: SqlParam[] = [];
  const tail = compileTail(object, query, ctx, params);
  const sqlOf = (c: AggregateColumn, i: number): string => (c.kind === 'group' ? `${col(c.field)} AS "c${i}"` : `${aggregateSql(c.fn, c.field)} AS "c${i}"`);
  return {
    object,
    count: false,
    fields: [],
    parents: [],
    children: [],
    aggregate: columns,
    sql: `SELECT ${columns.map(sqlOf).join(', ')} FROM ${tableOf(object)}${tail}`,
    params,
  };
}

/** The field an aggregate reads, refused (as Salesforce does) when the function does not apply to its type. */
function aggregatedField(object: ObjectDef, a: AggregateRef, ctx: CompileContext): FieldDef {
  const field = resolveField(object, a.field, ctx);
  const numeric = isNumberType(field.type);
  const ordered = numeric || field.type === 'date' || field.type === 'datetime' || isTextType(field.type) || field.type === 'id' || field.type === 'reference';
  if ((a.fn === 'SUM' || a.fn === 'AVG') && !numeric)
    throw positionedError(QUERY_ERROR, ctx.source, a.token, `field ${field.name} does not support aggregate operator ${a.fn}`);
  if ((a.fn === 'MIN' || a.fn === 'MAX') && !ordered)
    throw positionedError(QUERY_ERROR, ctx.source, a.token, `field ${field.name} does not support aggregate operator ${a.fn}`);
  return field;
}

function aggregateSql(fn: AggregateFunction, field: FieldDef): string {
  return fn === 'COUNT_DISTINCT' ? `COUNT(DISTINCT ${col(field)})` : `${fn}(${col(field)})`;
}

/** HAVING filters groups: a plain field it names must be one the query groups by. */
function checkHavingFields(object: ObjectDef, cond: Condition, groups: readonly FieldDef[], ctx: CompileContext): void {
  switch (cond.kind) {
    case 'and':
    case 'or':
      for (const item of cond.items) checkHavingFields(object, item, groups, ctx);
      return;
    case 'not':
      checkHavingFields(object, cond.item, groups, ctx);
      return;
    case 'aggregateCompare':
      return;
    default: {
      const field = resolveField(object, cond.field, ctx);
      if (!groups.includes(field)) throw positionedError(QUERY_ERROR, ctx.source, cond.field.token, `Field must be grouped or aggregated: ${field.name}`);
    }
  }
}

/** `Account.Name`, `Who.Name`: one level of parent relationship, its field known on the object (or, polymorphic, the Name object) it points to. */
function resolveParents(object: ObjectDef, refs: readonly FieldRef[], ctx: CompileContext): ParentSelect[] {
  const byRelationship = new Map<string, { relationship: string; reference: FieldDef; fields: string[]; polymorphic: boolean }>();
  for (const ref of refs) {
    const path = ref.path!;
    const reference = relationshipField(object, path[0]!);
    if (!reference) {
      throw positionedError(
        'INVALID_FIELD',
        ctx.source,
        ref.token,
        `Didn't understand relationship '${path[0]}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    if (path.length > 1)
      throw positionedError(
        'INVALID_FIELD',
        ctx.source,
        ref.token,
        `${[...path, ref.name].join('.')}: the emulator reads one level of parent relationship in the select list (up to five in WHERE and ORDER BY).`,
      );
    const targets = targetsOf(reference);
    // A polymorphic lookup (Who, What) offers the Name object's fields, as in WHERE.
    const field = targets.length === 1 ? findField(targets[0]!, ref.name) : nameObjectField(ref.name);
    if (!field) throw noSuchColumn(ctx.source, ref, targets.length === 1 ? targets[0]!.name : 'Name');
    const entry = byRelationship.get(reference.name) ?? { relationship: reference.relationshipName!, reference, fields: [], polymorphic: targets.length !== 1 };
    if (entry.fields.some((f) => f.toLowerCase() === field.name.toLowerCase()))
      throw positionedError('INVALID_FIELD', ctx.source, ref.token, `duplicate field selected: ${path[0]}.${field.name}`);
    entry.fields.push(field.name);
    byRelationship.set(reference.name, entry);
  }
  return [...byRelationship.values()];
}

/** WHERE … ORDER BY … LIMIT … OFFSET … for `object`, appending to `params`. */
export function compileTail(
  object: ObjectDef,
  query: Omit<SelectQuery, 'select' | 'from'>,
  ctx: CompileContext,
  params: SqlParam[],
  extraWhere?: { sql: string; params: readonly SqlParam[] },
): string {
  let sql = '';
  const where: string[] = [];
  if (extraWhere) {
    where.push(`(${extraWhere.sql})`);
    params.push(...extraWhere.params);
  }
  if (query.where) where.push(compileCondition(object, query.where, ctx, params));
  if (where.length) sql += ` WHERE ${where.join(' AND ')}`;
  if (query.groupBy?.length) {
    const groups = query.groupBy.map((ref) => resolveField(object, ref, ctx));
    sql += ` GROUP BY ${groups.map(col).join(', ')}`;
    if (query.having) {
      checkHavingFields(object, query.having, groups, ctx);
      sql += ` HAVING ${compileCondition(object, query.having, ctx, params)}`;
    }
  }
  if (query.orderBy.length) {
    sql +=
      ' ORDER BY ' +
      query.orderBy
        .map((o) => {
          const { field, expr } = operand(object, o.field, ctx);
          const collate = isTextType(field.type) ? ' COLLATE NOCASE' : '';
          return `${expr}${collate} ${o.descending ? 'DESC' : 'ASC'} NULLS ${o.nullsLast ? 'LAST' : 'FIRST'}`;
        })
        .join(', ');
  }
  if (query.offset && query.offset.value > 2000) {
    throw positionedError('NUMBER_OUTSIDE_VALID_RANGE', ctx.source, query.offset.token, `Maximum SOQL offset allowed is 2000`);
  }
  if (query.limit || query.offset) {
    sql += ' LIMIT ?';
    params.push(query.limit ? query.limit.value : -1);
    if (query.offset) {
      sql += ' OFFSET ?';
      params.push(query.offset.value);
    }
  }
  return sql;
}

export function compileCondition(object: ObjectDef, cond: Condition, ctx: CompileContext, params: SqlParam[]): string {
  switch (cond.kind) {
    case 'and':
      return '(' + cond.items.map((c) => compileCondition(object, c, ctx, params)).join(' AND ') + ')';
    case 'or':
      return '(' + cond.items.map((c) => compileCondition(object, c, ctx, params)).join(' OR ') + ')';
    case 'not':
      return `(NOT COALESCE(${compileCondition(object, cond.item, ctx, params)}, 0))`;
    case 'like': {
      const { field, expr } = operand(object, cond.field, ctx);
      if (!isTextType(field.type) && field.type !== 'id' && field.type !== 'reference') {
        throw filterError(ctx, cond.field, `invalid operator on field '${field.name}' of type ${field.type}: LIKE`);
      }
      params.push(cond.pattern.kind === 'string' ? cond.pattern.value : '');
      // SOQL LIKE is case-insensitive with % and _ wildcards and \ escapes, as SQLite's LIKE with ESCAPE.
      return `(${expr} LIKE ? ESCAPE '\\')`;
    }
    case 'in': {
      const { field, expr } = operand(object, cond.field, ctx);
      const pieces = cond.values.map((v) => comparison(field, cond.field, '=', v, ctx, params, expr));
      const any = `(${pieces.join(' OR ')})`;
      // NOT IN keeps nulls, as != does in SOQL.
      return cond.negated ? `(${expr} IS NULL OR NOT COALESCE(${any}, 0))` : any;
    }
    case 'compare': {
      const { field, expr } = operand(object, cond.field, ctx);
      return comparison(field, cond.field, cond.op, cond.value, ctx, params, expr);
    }
    case 'semiJoin': {
      // The subquery's own WHERE may hold no semi-join of its own.
      const inner: CompileContext = { source: ctx.source, now: ctx.now, ...(ctx.errorCode ? { errorCode: ctx.errorCode } : {}) };
      return compileSemiJoin(object, cond, ctx, params, {
        resolveObject: (ref) => resolveObject(ref, ctx),
        resolveField: (o, ref) => resolveField(o, ref, ctx),
        compileCondition: (o, c, p) => compileCondition(o, c, inner, p),
      });
    }
    case 'aggregateCompare': {
      const { aggregate, op, value } = cond;
      const field = aggregatedField(object, aggregate, ctx);
      const expr = aggregateSql(aggregate.fn, field);
      // MIN and MAX are of the field's type (a date compares with a date); the others are numbers.
      if (aggregate.fn === 'MIN' || aggregate.fn === 'MAX') return comparison(field, aggregate.field, op, value, ctx, params, expr);
      if (value.kind !== 'number')
        throw filterError(
          ctx,
          value,
          `value of filter criterion for ${aggregate.fn}(${field.name}) must be of type double and should not be enclosed in quotes`,
        );
      params.push(value.value);
      return `(${expr} ${op} ?)`;
    }
  }
}
