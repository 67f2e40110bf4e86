/**
 * Turns a parsed SOQL query into parameterised SQL over the object tables, checking names and
 * literal types on the way with Salesforce's error codes (INVALID_TYPE, INVALID_FIELD,
 * INVALID_QUERY_FILTER_OPERATOR). Values only ever travel as SQL parameters.
 */
import { findField, findObject, isNumberType, isTextType, OBJECTS, type FieldDef, type ObjectDef } from '../schema.ts';
import { normalizeId } from '../ids.ts';
import { formatDate, formatDateTime, parseDateTime } from '../values.ts';
import { col, tableOf } from '../sql.ts';
import { positionedError } from './lexer.ts';
import { QUERY_ERROR } from './parser.ts';
import type { AggregateFunction, AggregateRef, Condition, FieldRef, Literal, SelectQuery, SubQuery } from './ast.ts';
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

function filterError(ctx: CompileContext, at: FieldRef | Literal, reason: string) {
  return positionedError('INVALID_QUERY_FILTER_OPERATOR', ctx.source, at.token, reason);
}

const day = 86_400_000;

/** The [start, end) UTC-millisecond range of a relative date literal. */
function dateFunctionRange(name: string, n: number | undefined, now: number): [number, number] {
  const today = Math.floor(now / day) * day;
  const d = new Date(today);
  const weekStart = today - d.getUTCDay() * day; // Sunday, as in the en_US locale
  const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const month = (k: number) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k, 1);
  const year = (k: number) => Date.UTC(d.getUTCFullYear() + k, 0, 1);
  switch (name) {
    case 'TODAY':
      return [today, today + day];
    case 'YESTERDAY':
      return [today - day, today];
    case 'TOMORROW':
      return [today + day, today + 2 * day];
    case 'THIS_WEEK':
      return [weekStart, weekStart + 7 * day];
    case 'LAST_WEEK':
      return [weekStart - 7 * day, weekStart];
    case 'NEXT_WEEK':
      return [weekStart + 7 * day, weekStart + 14 * day];
    case 'THIS_MONTH':
      return [monthStart, month(1)];
    case 'LAST_MONTH':
      return [month(-1), monthStart];
    case 'NEXT_MONTH':
      return [month(1), month(2)];
    case 'THIS_YEAR':
      return [year(0), year(1)];
    case 'LAST_YEAR':
      return [year(-1), year(0)];
    case 'NEXT_YEAR':
      return [year(1), year(2)];
    // Salesforce: LAST_N_DAYS:n covers today and the n days before; NEXT_N_DAYS:n the n days after today.
    case 'LAST_N_DAYS':
      return [today - (n ?? 0) * day, today + day];
    case 'NEXT_N_DAYS':
      return [today + day, today + ((n ?? 0) + 1) * day];
  }
  throw new Error(`unknown date literal ${name}`);
}

function typeName(field: FieldDef): string {
  if (isNumberType(field.type)) return 'double';
  if (field.type === 'datetime') return 'dateTime';
  if (field.type === 'date' || field.type === 'boolean') return field.type;
  return 'string';
}

/** `field op value` in SQL; `expr` stands for the field's column when comparing MIN/MAX of it (HAVING). */
function comparison(field: FieldDef, ref: FieldRef, op: string, value: Literal, ctx: CompileContext, params: SqlParam[], expr = col(field)): string {
  const c = expr;
  if (value.kind === 'null') {
    if (op === '=') return `(${c} IS NULL)`;
    if (op === '!=') return `(${c} IS NOT NULL)`;
    throw filterError(ctx, value, `invalid operator on null: ${op}`);
  }
  const mustBe = (quoted: boolean) =>
    filterError(
      ctx,
      value,
      `value of filter criterion for field '${field.name}' must be of type ${typeName(field)} and ${quoted ? 'should be enclosed in quotes' : 'should not be enclosed in quotes'}`,
    );
  // != keeps rows where the field is null, as in SOQL.
  const finish = (expr: string) => (op === '!=' ? `(${c} IS NULL OR ${expr})` : `(${expr})`);
  const sqlOp = op;

  if (field.type === 'id' || field.type === 'reference') {
    if (value.kind !== 'string') throw mustBe(true);
    const id = normalizeId(value.value);
    if (id === undefined) {
      if (field.type === 'id' || op === '=' || op === '!=') throw filterError(ctx, value, `invalid ID field: ${value.value}`);
      params.push(value.value);
    } else params.push(id);
    return finish(`${c} ${sqlOp} ?`);
  }
  if (isTextType(field.type)) {
    if (value.kind !== 'string') throw mustBe(true);
    params.push(value.value);
    return finish(`${c} ${sqlOp} ? COLLATE NOCASE`);
  }
  if (isNumberType(field.type)) {
    if (value.kind !== 'number') throw mustBe(false);
    params.push(value.value);
    return finish(`${c} ${sqlOp} ?`);
  }
  if (field.type === 'boolean') {
    if (value.kind !== 'boolean') throw mustBe(false);
    if (op !== '=' && op !== '!=') throw filterError(ctx, value, `invalid operator on boolean field: ${op}`);
    params.push(value.value ? 1 : 0);
    return `(COALESCE(${c}, 0) ${sqlOp} ?)`;
  }
  // date and datetime: each literal is a [start, end) range in the field's storage form.
  let range: [string, string];
  const asField = (ms: number) => (field.type === 'date' ? formatDate(ms) : formatDateTime(ms));
  if (value.kind === 'dateFunction') {
    const [a, b] = dateFunctionRange(value.name, value.n, ctx.now);
    range = [asField(a), asField(b)];
  } else if (field.type === 'date' && value.kind === 'date') {
    const t = Date.parse(value.value + 'T00:00:00Z');
    if (Number.isNaN(t)) throw filterError(ctx, value, `invalid date: ${value.value}`);
    range = [value.value, formatDate(t + day)];
  } else if (field.type === 'datetime' && value.kind === 'datetime') {
    const t = parseDateTime(value.value);
    if (t === undefined) throw filterError(ctx, value, `invalid dateTime: ${value.value}`);
    range = [formatDateTime(t), formatDateTime(t + 1)];
  } else {
    throw mustBe(false);
  }
  const [start, end] = range;
  switch (op) {
    case '=':
      params.push(start, end);
      return `(${c} >= ? AND ${c} < ?)`;
    case '!=':
      params.push(start, end);
      return `(${c} IS NULL OR ${c} < ? OR ${c} >= ?)`;
    case '<':
      params.push(start);
      return `(${c} < ?)`;
    case '<=':
      params.push(end);
      return `(${c} < ?)`;
    case '>':
      params.push(end);
      return `(${c} >= ?)`;
    default:
      params.push(start);
      return `(${c} >= ?)`;
  }
}
