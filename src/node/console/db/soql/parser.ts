/**
 * A recursive-descent parser for the SOQL subset:
 *
 *   query     := SELECT selectList FROM ident [WHERE condition] [GROUP BY field {, field} [HAVING condition']]
 *                [ORDER BY order {, order}] [LIMIT int] [OFFSET int]
 *   condition':= condition whose predicates may also be AGG '(' field ')' op literal
 *   selectList:= COUNT '(' ')' | item {, item}
 *   item      := field | AGG '(' field ')' [alias] | '(' query ')'   -- a subquery: a child relationship
 *              | TYPEOF ident {WHEN ident THEN fields} [ELSE fields] END  -- fields by the parent's type
 *   field     := ident {'.' ident}                                  -- parent relationships
 *   AGG       := COUNT | COUNT_DISTINCT | SUM | AVG | MIN | MAX
 *   condition := unary {AND unary} | unary {OR unary}        -- mixing AND/OR needs parentheses, as in SOQL
 *   unary     := NOT unary | '(' condition ')' | predicate
 *   predicate := ident op literal | ident [NOT] IN '(' literal {, literal} ')' | ident LIKE string
 *              | ident [NOT] IN '(' query ')'                    -- a semi-join (anti-join with NOT)
 *   op        := = | != | <> | < | <= | > | >=
 *   literal   := string | number | TRUE | FALSE | NULL | date | datetime | DATEFN [':' int]
 *   order     := ident [ASC|DESC] [NULLS (FIRST|LAST)]
 *
 * Errors are MALFORMED_QUERY with Salesforce's "ERROR at Row:r:Column:c / unexpected token: 'x'" text.
 */
import { tokenize, TokenStream, positionedError } from './lexer.ts';
import type { AggregateFunction, AggregateRef, CompareOp, Condition, FieldRef, Literal, OrderItem, SelectQuery, SubQuery, TypeOf } from './ast.ts';

/** Relative date literals; those ending in _N_… take ':n'. */
export const DATE_FUNCTIONS = new Set([
  'TODAY',
  'YESTERDAY',
  'TOMORROW',
  'LAST_WEEK',
  'THIS_WEEK',
  'NEXT_WEEK',
  'LAST_MONTH',
  'THIS_MONTH',
  'NEXT_MONTH',
  'LAST_N_DAYS',
  'NEXT_N_DAYS',
  'THIS_YEAR',
  'LAST_YEAR',
  'NEXT_YEAR',
]);

const RESERVED = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'IN',
  'LIKE',
  'ORDER',
  'BY',
  'LIMIT',
  'OFFSET',
  'ASC',
  'DESC',
  'NULLS',
  'NULL',
  'TRUE',
  'FALSE',
  'GROUP',
  'HAVING',
]);

export const QUERY_ERROR = 'MALFORMED_QUERY';

export function parseSoql(source: string): SelectQuery {
  const ts = new TokenStream(source, tokenize(source, QUERY_ERROR), QUERY_ERROR);
  const query = parseSelect(ts);
  if (ts.peek().kind !== 'eof') throw ts.unexpected();
  return query;
}

/** Parses one SELECT … (used on its own and, for the part after the object name, by SOSL RETURNING). */
function parseSelect(ts: TokenStream, nested = false): SelectQuery {
  ts.expectKeyword('SELECT');
  let select: SelectQuery['select'];
  if (ts.isKeyword('COUNT') && ts.peek(1).kind === '(' && ts.peek(2).kind === ')') {
    const token = ts.next();
    ts.expect('(');
    ts.expect(')');
    select = { kind: 'count', token };
  } else {
    const fields: FieldRef[] = [];
    const aggregates: AggregateRef[] = [];
    const subqueries: SubQuery[] = [];
    const typeofs: TypeOf[] = [];
    do {
      const token = ts.peek();
      if (token.kind === 'ident' && token.text.toUpperCase() === 'TYPEOF' && ts.peek(1).kind === 'ident') {
        typeofs.push(parseTypeOf(ts));
      } else if (token.kind === '(') {
        if (nested) throw positionedError(QUERY_ERROR, ts.source, token, 'a subquery cannot hold another subquery');
        ts.next();
        subqueries.push({ query: parseSelect(ts, true), token });
        ts.expect(')');
      } else if (token.kind === 'ident' && AGGREGATES.has(token.text.toUpperCase()) && ts.peek(1).kind === '(') {
        ts.next();
        ts.expect('(');
        const field = fieldRef(ts);
        ts.expect(')');
        const next = ts.peek();
        const alias = next.kind === 'ident' && !RESERVED.has(next.text.toUpperCase()) ? ts.next().text : undefined;
        aggregates.push({ fn: token.text.toUpperCase() as AggregateFunction, field, token, ...(alias ? { alias } : {}) });
      } else {
        fields.push(fieldRef(ts));
      }
    } while (ts.accept(','));
    select = {
      kind: 'fields',
      fields,
      ...(aggregates.length ? { aggregates } : {}),
      ...(subqueries.length ? { subqueries } : {}),
      ...(typeofs.length ? { typeofs } : {}),
    };
  }
  ts.expectKeyword('FROM');
  const from = fieldRef(ts);
  return { select, from, ...parseClauses(ts) };
}

function parseTypeOf(ts: TokenStream): TypeOf {
  const token = ts.next();
  const relationship = fieldRef(ts);
  const fields = (): FieldRef[] => {
    const list = [fieldRef(ts)];
    while (ts.accept(',')) list.push(fieldRef(ts));
    return list;
  };
  const whens: { object: FieldRef; fields: FieldRef[] }[] = [];
  while (ts.isKeyword('WHEN')) {
    ts.next();
    const object = fieldRef(ts);
    ts.expectKeyword('THEN');
    whens.push({ object, fields: fields() });
  }
  if (!whens.length) throw ts.unexpected();
  const otherwise = ts.acceptKeyword('ELSE') ? fields() : undefined;
  ts.expectKeyword('END');
  return { token, relationship, whens, ...(otherwise ? { otherwise } : {}) };
}

const AGGREGATES = new Set(['COUNT', 'COUNT_DISTINCT', 'SUM', 'AVG', 'MIN', 'MAX']);
const COMPARE_OPS: readonly string[] = ['=', '!=', '<', '<=', '>', '>='];

/** WHERE / ORDER BY / LIMIT / OFFSET, in that order. */
export function parseClauses(ts: TokenStream): Omit<SelectQuery, 'select' | 'from'> {
  let where: Condition | undefined;
  if (ts.acceptKeyword('WHERE')) where = parseCondition(ts);
  let groupBy: FieldRef[] | undefined;
  if (ts.isKeyword('GROUP')) {
    ts.next();
    ts.expectKeyword('BY');
    groupBy = [fieldRef(ts)];
    while (ts.accept(',')) groupBy.push(fieldRef(ts));
  }
  let having: Condition | undefined;
  if (ts.isKeyword('HAVING')) {
    if (!groupBy) throw positionedError(QUERY_ERROR, ts.source, ts.peek(), 'HAVING needs a GROUP BY clause');
    ts.next();
    having = parseCondition(ts, true);
  }
  const orderBy: OrderItem[] = [];
  if (ts.isKeyword('ORDER')) {
    ts.next();
    ts.expectKeyword('BY');
    do orderBy.push(parseOrderItem(ts));
    while (ts.accept(','));
  }
  let limit: SelectQuery['limit'];
  if (ts.isKeyword('LIMIT')) {
    ts.next();
    limit = nonNegativeInt(ts);
  }
  let offset: SelectQuery['offset'];
  if (ts.isKeyword('OFFSET')) {
    ts.next();
    offset = nonNegativeInt(ts);
  }
  return { where, ...(groupBy ? { groupBy } : {}), ...(having ? { having } : {}), orderBy, limit, offset };
}

function nonNegativeInt(ts: TokenStream): { value: number; token: ReturnType<TokenStream['next']> } {
  const token = ts.peek();
  if (token.kind !== 'number' || !/^\d+$/.test(token.text)) throw ts.unexpected();
  ts.next();
  return { value: Number(token.text), token };
}

export function fieldRef(ts: TokenStream): FieldRef {
  const token = ts.peek();
  if (token.kind !== 'ident' || RESERVED.has(token.text.toUpperCase())) throw ts.unexpected();
  ts.next();
  const names = [token.text];
  while (ts.accept('.')) {
    const next = ts.peek();
    if (next.kind !== 'ident') throw ts.unexpected();
    ts.next();
    names.push(next.text);
  }
  return names.length === 1 ? { name: token.text, token } : { name: names.at(-1)!, path: names.slice(0, -1), token };
}

function parseOrderItem(ts: TokenStream): OrderItem {
  const field = fieldRef(ts);
  let descending = false;
  if (ts.acceptKeyword('DESC')) descending = true;
  else ts.acceptKeyword('ASC');
  // Salesforce's default: nulls first ascending, nulls last descending.
  let nullsLast = descending;
  if (ts.acceptKeyword('NULLS')) {
    if (ts.acceptKeyword('LAST')) nullsLast = true;
    else {
      ts.expectKeyword('FIRST');
      nullsLast = false;
    }
  }
  return { field, descending, nullsLast };
}

/** A WHERE condition, or with `having` a HAVING one (its predicates may compare aggregates). */
export function parseCondition(ts: TokenStream, having = false): Condition {
  const first = parseUnary(ts, having);
  const items = [first];
  let joiner: 'AND' | 'OR' | undefined;
  while (ts.isKeyword('AND') || ts.isKeyword('OR')) {
    const word = ts.peek().text.toUpperCase() as 'AND' | 'OR';
    // SOQL refuses `a AND b OR c`: mixing needs parentheses.
    if (joiner && word !== joiner) throw ts.unexpected();
    joiner = word;
    ts.next();
    items.push(parseUnary(ts, having));
  }
  if (!joiner) return first;
  return joiner === 'AND' ? { kind: 'and', items } : { kind: 'or', items };
}

function parseUnary(ts: TokenStream, having: boolean): Condition {
  if (ts.acceptKeyword('NOT')) return { kind: 'not', item: parseUnary(ts, having) };
  if (ts.accept('(')) {
    const inner = parseCondition(ts, having);
    ts.expect(')');
    return inner;
  }
  return parsePredicate(ts, having);
}

function parsePredicate(ts: TokenStream, having: boolean): Condition {
  const start = ts.peek();
  if (having && start.kind === 'ident' && AGGREGATES.has(start.text.toUpperCase()) && ts.peek(1).kind === '(') {
    ts.next();
    ts.expect('(');
    const aggregated = fieldRef(ts);
    ts.expect(')');
    const opToken = ts.peek();
    if (!COMPARE_OPS.includes(opToken.kind)) throw ts.unexpected();
    ts.next();
    return {
      kind: 'aggregateCompare',
      aggregate: { fn: start.text.toUpperCase() as AggregateFunction, field: aggregated, token: start },
      op: opToken.kind as CompareOp,
      value: parseLiteral(ts),
    };
  }
  const field = fieldRef(ts);
  if (ts.isKeyword('LIKE')) {
    ts.next();
    const token = ts.peek();
    if (token.kind !== 'string') throw ts.unexpected();
    ts.next();
    return { kind: 'like', field, pattern: { kind: 'string', value: token.value, token } };
  }
  let negated = false;
  if (ts.isKeyword('NOT') && ts.isKeyword('IN', 1)) {
    ts.next();
    negated = true;
  }
  if (ts.acceptKeyword('IN')) {
    ts.expect('(');
    if (ts.isKeyword('SELECT')) {
      const token = ts.peek();
      const query = parseSelect(ts, true);
      ts.expect(')');
      return { kind: 'semiJoin', field, negated, query, token };
    }
    const values = [parseLiteral(ts)];
    while (ts.accept(',')) values.push(parseLiteral(ts));
    ts.expect(')');
    return { kind: 'in', field, negated, values };
  }
  const opToken = ts.peek();
  if (!COMPARE_OPS.includes(opToken.kind)) throw ts.unexpected();
  ts.next();
  return { kind: 'compare', field, op: opToken.kind as CompareOp, value: parseLiteral(ts) };
}

export function parseLiteral(ts: TokenStream): Literal {
  const token = ts.peek();
  switch (token.kind) {
    case 'string':
      ts.next();
      return { kind: 'string', value: token.value, token };
    case 'number':
      ts.next();
      return { kind: 'number', value: Number(token.text), token };
    case 'date':
      ts.next();
      return { kind: 'date', value: token.text, token };
    case 'datetime':
      ts.next();
      return { kind: 'datetime', value: token.text, token };
    case 'ident': {
      const word = token.text.toUpperCase();
      if (word === 'TRUE' || word === 'FALSE') {
        ts.next();
        return { kind: 'boolean', value: word === 'TRUE', token };
      }
      if (word === 'NULL') {
        ts.next();
        return { kind: 'null', token };
      }
      if (DATE_FUNCTIONS.has(word)) {
        ts.next();
        if (word.includes('_N_')) {
          ts.expect(':');
          const n = ts.peek();
          if (n.kind !== 'number' || !/^\d+$/.test(n.text)) throw ts.unexpected();
          ts.next();
          return { kind: 'dateFunction', name: word, n: Number(n.text), token };
        }
        return { kind: 'dateFunction', name: word, token };
      }
      throw ts.unexpected();
    }
    default:
      throw ts.unexpected();
  }
}
