/**
 * Semi-joins and anti-joins: `WHERE Id IN (SELECT AccountId FROM Contact WHERE …)`, and `NOT IN`.
 * Salesforce's restrictions (SOQL and SOSL Reference, "Semi-Join and Anti-Join Restrictions") are
 * checked, each refused with the token it is about: the left operand is an Id or lookup field of the
 * queried object itself (no relationship path); the subquery selects one Id or lookup field, of
 * another object, pointing to the same object type as the left operand, without ORDER BY, LIMIT,
 * OFFSET, GROUP BY or aggregates; at most two per WHERE clause, ANDed at its top level (never under
 * OR or NOT) and never inside a subquery's own WHERE, a HAVING or SOSL.
 */
import type { FieldDef, ObjectDef } from '../schema.ts';
import { col, tableOf } from '../sql.ts';
import { positionedError } from './lexer.ts';
import { QUERY_ERROR } from './parser.ts';
import type { Condition } from './ast.ts';
import type { CompileContext, SqlParam } from './compile.ts';
import { targetsOf } from './relationship.ts';

const MAX_SEMI_JOINS = 2;

type SemiJoin = Extract<Condition, { kind: 'semiJoin' }>;

/**
 * The semi-joins a top-level WHERE may hold (those ANDed at its top); throws at the first one placed
 * where Salesforce refuses it (under OR or NOT) or past the second.
 */
export function topLevelSemiJoins(where: Condition | undefined, ctx: Pick<CompileContext, 'source' | 'semiJoins'>): ReadonlySet<Condition> {
  const allowed = new Set<Condition>();
  const visit = (cond: Condition, top: boolean, under?: 'OR' | 'NOT'): void => {
    switch (cond.kind) {
      case 'and':
        for (const c of cond.items) visit(c, top, under);
        return;
      case 'or':
        for (const c of cond.items) visit(c, false, under ?? 'OR');
        return;
      case 'not':
        visit(cond.item, false, under ?? 'NOT');
        return;
      case 'semiJoin':
        if (!top)
          throw positionedError(
            QUERY_ERROR,
            ctx.source,
            cond.token,
            `a semi-join or anti-join cannot be used under ${under}: AND it at the top of the WHERE clause${under === 'NOT' ? ' (write NOT IN for an anti-join)' : ''}`,
          );
        if (allowed.size === MAX_SEMI_JOINS)
          throw positionedError(QUERY_ERROR, ctx.source, cond.token, `at most ${MAX_SEMI_JOINS} semi-joins or anti-joins are allowed in a WHERE clause`);
        allowed.add(cond);
        return;
      default:
    }
  };
  if (where) visit(where, true);
  return allowed;
}

/** The object types an Id or lookup field points to. */
function pointsTo(object: ObjectDef, field: FieldDef): ObjectDef[] {
  return field.type === 'id' ? [object] : targetsOf(field);
}

/**
 * `cond` as SQL over `object`'s rows: the subquery's non-null values (a null in NOT IN would make
 * SQL's answer unknown for every row). NOT IN keeps the rows whose field is null, as SOQL's NOT IN
 * with a value list does.
 */
export function compileSemiJoin(
  object: ObjectDef,
  cond: SemiJoin,
  ctx: Pick<CompileContext, 'source' | 'semiJoins'>,
  params: SqlParam[],
  helpers: {
    resolveObject(ref: SemiJoin['query']['from']): ObjectDef;
    resolveField(object: ObjectDef, ref: SemiJoin['field']): FieldDef;
    compileCondition(object: ObjectDef, cond: Condition, params: SqlParam[]): string;
  },
): string {
  if (!ctx.semiJoins?.has(cond)) {
    throw positionedError(
      QUERY_ERROR,
      ctx.source,
      cond.token,
      'a semi-join or anti-join is allowed only in the WHERE clause of the main query, not in a subquery, HAVING or SOSL',
    );
  }
  if (cond.field.path)
    throw positionedError(
      QUERY_ERROR,
      ctx.source,
      cond.field.token,
      `the left operand of a semi-join or anti-join cannot use relationships: ${[...cond.field.path, cond.field.name].join('.')}`,
    );
  const left = helpers.resolveField(object, cond.field);
  if (left.type !== 'id' && left.type !== 'reference') {
    throw positionedError(
      'INVALID_FIELD',
      ctx.source,
      cond.field.token,
      `the left operand of a semi-join or anti-join must be an Id or a lookup field; ${object.name}.${left.name} is ${left.type}`,
    );
  }
  const sub = cond.query;
  const inner = helpers.resolveObject(sub.from);
  if (inner === object)
    throw positionedError(QUERY_ERROR, ctx.source, sub.from.token, `a semi-join or anti-join cannot query the same object as the main query (${object.name})`);
  const select = sub.select;
  if (select.kind !== 'fields' || select.fields.length !== 1 || select.aggregates?.length || select.subqueries?.length || select.typeofs?.length) {
    throw positionedError(
      QUERY_ERROR,
      ctx.source,
      cond.token,
      'a semi-join or anti-join subquery selects exactly one field (no COUNT, aggregates or subqueries)',
    );
  }
  const extra = sub.orderBy[0]?.field.token ?? sub.limit?.token ?? sub.offset?.token ?? sub.groupBy?.[0]?.token;
  if (extra) throw positionedError(QUERY_ERROR, ctx.source, extra, 'a semi-join or anti-join subquery cannot use ORDER BY, LIMIT, OFFSET or GROUP BY');
  const ref = select.fields[0]!;
  if (ref.path)
    throw positionedError(
      QUERY_ERROR,
      ctx.source,
      ref.token,
      `a semi-join or anti-join subquery cannot select a relationship field: ${[...ref.path, ref.name].join('.')}`,
    );
  const right = helpers.resolveField(inner, ref);
  if (right.type !== 'id' && right.type !== 'reference') {
    throw positionedError(
      'INVALID_FIELD',
      ctx.source,
      ref.token,
      `a semi-join or anti-join subquery must select an Id or a lookup field; ${inner.name}.${right.name} is ${right.type}`,
    );
  }
  const leftTargets = pointsTo(object, left);
  if (!pointsTo(inner, right).some((o) => leftTargets.includes(o))) {
    throw positionedError(
      'INVALID_FIELD',
      ctx.source,
      ref.token,
      `${inner.name}.${right.name} does not point to the same object type as ${object.name}.${left.name} (${leftTargets.map((o) => o.name).join(', ')})`,
    );
  }
  const where = [`${col(right)} IS NOT NULL`];
  if (sub.where) where.push(helpers.compileCondition(inner, sub.where, params));
  const subquery = `SELECT ${col(right)} FROM ${tableOf(inner)} WHERE ${where.join(' AND ')}`;
  const expr = col(left);
  return cond.negated ? `(${expr} IS NULL OR ${expr} NOT IN (${subquery}))` : `(${expr} IN (${subquery}))`;
}
