/**
 * The part of Salesforce's formula language a validation rule's error condition uses here:
 *
 *     expr    := or
 *     or      := and ( '||' and )*
 *     and     := compare ( '&&' compare )*
 *     compare := term ( ('=' | '==' | '!=' | '<>' | '<' | '<=' | '>' | '>=') term )?
 *     term    := NUMBER | 'text' | "text" | TRUE | FALSE | NULL | FIELD | FUNC '(' expr (',' expr)* ')' | '(' expr ')'
 *     FUNC    := AND | OR | NOT | ISBLANK | ISPICKVAL | LEN | BEGINS | CONTAINS
 *
 * Names are case-insensitive, as in Salesforce. A field is checked against the object when the rule
 * is saved (an org refuses a rule naming a field it does not have), so evaluation never meets an
 * unknown name. Blank text and null are the same value (Salesforce's "treat blank fields as blanks").
 */
import type { FieldValue } from './schema.ts';

export type Formula =
  | { readonly kind: 'literal'; readonly value: FieldValue }
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'call'; readonly fn: FunctionName; readonly args: readonly Formula[] }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: Formula; readonly right: Formula };

type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

const FUNCTIONS = {
  AND: [1, Infinity],
  OR: [1, Infinity],
  NOT: [1, 1],
  ISBLANK: [1, 1],
  ISPICKVAL: [2, 2],
  LEN: [1, 1],
  BEGINS: [2, 2],
  CONTAINS: [2, 2],
} as const;
type FunctionName = keyof typeof FUNCTIONS;

function isFunctionName(name: string): name is FunctionName {
  return Object.prototype.hasOwnProperty.call(FUNCTIONS, name);
}

/** A formula that cannot be parsed; `message` says where, as the formula editor would. */
export class FormulaError extends Error {
  override readonly name = 'FormulaError';
}

type Token =
  | { readonly kind: 'num'; readonly value: number }
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'name'; readonly value: string }
  | { readonly kind: 'op'; readonly value: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let text = '';
      let j = i + 1;
      for (; j < source.length && source[j] !== c; j++) text += source[j] === '\\' && j + 1 < source.length ? source[++j] : source[j];
      if (j >= source.length) throw new FormulaError(`Syntax error: unterminated text starting at position ${i + 1}`);
      tokens.push({ kind: 'str', value: text });
      i = j + 1;
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ kind: 'num', value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (name) {
      tokens.push({ kind: 'name', value: name[0] });
      i += name[0].length;
      continue;
    }
    const op = /^(&&|\|\||==|!=|<>|<=|>=|[=<>(),])/.exec(source.slice(i));
    if (!op) throw new FormulaError(`Syntax error: unexpected '${c}' at position ${i + 1}`);
    tokens.push({ kind: 'op', value: op[0] });
    i += op[0].length;
  }
  return tokens;
}

/** Parses `source`; throws FormulaError. */
export function parseFormula(source: string): Formula {
  const tokens = tokenize(source);
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const isOp = (value: string): boolean => peek()?.kind === 'op' && peek()?.value === value;
  const expect = (value: string): void => {
    if (!isOp(value)) throw new FormulaError(`Syntax error: expected '${value}'${peek() ? ` before '${String(peek()!.value)}'` : ' at the end'}`);
    at++;
  };

  const or = (): Formula => {
    let left = and();
    while (isOp('||')) {
      at++;
      left = { kind: 'call', fn: 'OR', args: [left, and()] };
    }
    return left;
  };
  const and = (): Formula => {
    let left = compare();
    while (isOp('&&')) {
      at++;
      left = { kind: 'call', fn: 'AND', args: [left, compare()] };
    }
    return left;
  };
  const compare = (): Formula => {
    const left = term();
    const t = peek();
    if (t?.kind !== 'op' || !['=', '==', '!=', '<>', '<', '<=', '>', '>='].includes(t.value)) return left;
    at++;
    const op: CompareOp = t.value === '==' ? '=' : t.value === '<>' ? '!=' : (t.value as CompareOp);
    return { kind: 'compare', op, left, right: term() };
  };
  const term = (): Formula => {
    const t = peek();
    if (!t) throw new FormulaError('Syntax error: the formula ends too early');
    at++;
    if (t.kind === 'num' || t.kind === 'str') return { kind: 'literal', value: t.value };
    if (t.kind === 'op') {
      if (t.value !== '(') throw new FormulaError(`Syntax error: unexpected '${t.value}'`);
      const inner = or();
      expect(')');
      return inner;
    }
    const upper = t.value.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'literal', value: upper === 'TRUE' };
    if (upper === 'NULL') return { kind: 'literal', value: null };
    if (!isOp('(')) return { kind: 'field', name: t.value };
    if (!isFunctionName(upper)) throw new FormulaError(`Error: Unknown function ${t.value}. Check spelling.`);
    at++;
    const args: Formula[] = [or()];
    while (isOp(',')) {
      at++;
      args.push(or());
    }
    expect(')');
    const [min, max] = FUNCTIONS[upper];
    if (args.length < min || args.length > max)
      throw new FormulaError(
        `Error: Incorrect number of parameters for function '${upper}()'. Expected ${min === max ? min : `${min} or more`}, received ${args.length}`,
      );
    return { kind: 'call', fn: upper, args };
  };

  const formula = or();
  if (at < tokens.length) throw new FormulaError(`Syntax error: extra '${String(tokens[at]!.value)}'`);
  return formula;
}

/** Every field name the formula reads. */
export function fieldsOf(formula: Formula): string[] {
  switch (formula.kind) {
    case 'field':
      return [formula.name];
    case 'literal':
      return [];
    case 'compare':
      return [...fieldsOf(formula.left), ...fieldsOf(formula.right)];
    case 'call':
      return formula.args.flatMap(fieldsOf);
  }
}

function blank(value: FieldValue | undefined): boolean {
  return value === null || value === undefined || value === '';
}

function text(value: FieldValue | undefined): string {
  return blank(value) ? '' : String(value);
}

function truthy(value: FieldValue | undefined): boolean {
  return value === true;
}

/** Evaluates against a record (field values by API name, any case). */
export function evaluate(formula: Formula, record: Readonly<Record<string, FieldValue>>): FieldValue {
  const read = (name: string): FieldValue => {
    if (name in record) return record[name] ?? null;
    const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? null : (record[key] ?? null);
  };
  const ev = (f: Formula): FieldValue => evaluate(f, record);
  switch (formula.kind) {
    case 'literal':
      return formula.value;
    case 'field':
      return read(formula.name);
    case 'compare': {
      const a = ev(formula.left);
      const b = ev(formula.right);
      if (formula.op === '=' || formula.op === '!=') {
        const same = typeof a === 'number' && typeof b === 'number' ? a === b : text(a) === text(b);
        return formula.op === '=' ? same : !same;
      }
      if (blank(a) || blank(b)) return false;
      const [x, y] = typeof a === 'number' && typeof b === 'number' ? [a, b] : [text(a), text(b)];
      return formula.op === '<' ? x < y : formula.op === '<=' ? x <= y : formula.op === '>' ? x > y : x >= y;
    }
    case 'call': {
      const args = formula.args;
      switch (formula.fn) {
        case 'AND':
          return args.every((x) => truthy(ev(x)));
        case 'OR':
          return args.some((x) => truthy(ev(x)));
        case 'NOT':
          return !truthy(ev(args[0]!));
        case 'ISBLANK':
          return blank(ev(args[0]!));
        case 'ISPICKVAL':
          return text(ev(args[0]!)) === text(ev(args[1]!));
        case 'LEN':
          return text(ev(args[0]!)).length;
        case 'BEGINS':
          return text(ev(args[0]!)).startsWith(text(ev(args[1]!)));
        case 'CONTAINS':
          return text(ev(args[0]!)).includes(text(ev(args[1]!)));
      }
    }
  }
}
