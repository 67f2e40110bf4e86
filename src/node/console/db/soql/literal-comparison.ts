/**
 * One field compared with one literal (`Amount > 100`, `CloseDate = LAST_N_DAYS:30`, `WhoId != null`):
 * the literal is checked against the field's type with Salesforce's INVALID_QUERY_FILTER_OPERATOR
 * wording, and date literals become [start, end) ranges in the field's storage form. WHERE, IN and
 * HAVING all come through here, so the typing rules live in one place; values only ever become SQL
 * parameters.
 */
import { isNumberType, isTextType, type FieldDef } from '../schema.ts';
import { normalizeId } from '../ids.ts';
import { formatDate, formatDateTime, parseDateTime } from '../values.ts';
import { col } from '../sql.ts';
import { positionedError } from './lexer.ts';
import type { FieldRef, Literal } from './ast.ts';
import type { CompileContext, SqlParam } from './compile.ts';

export function filterError(ctx: CompileContext, at: FieldRef | Literal, reason: string) {
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
export function comparison(field: FieldDef, ref: FieldRef, op: string, value: Literal, ctx: CompileContext, params: SqlParam[], expr = col(field)): string {
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
