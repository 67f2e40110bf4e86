/**
 * The tokenizer shared by the SOQL and SOSL parsers. Keywords are plain identifiers (the parsers
 * compare them case-insensitively, as Salesforce does); every token keeps its row/column so errors
 * can point at it the way Salesforce's do.
 */
import { sfError, type SalesforceError } from '../errors.ts';

export type TokenKind =
  'ident' | 'string' | 'number' | 'date' | 'datetime' | 'braced' | '(' | ')' | ',' | '.' | ':' | '=' | '!=' | '<' | '<=' | '>' | '>=' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token. */
  readonly text: string;
  /** Decoded value: string contents without quotes/escapes, or the braced SOSL term. */
  readonly value: string;
  /** 0-based offset in the source. */
  readonly offset: number;
  readonly row: number;
  readonly column: number;
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\dT])/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Salesforce's MALFORMED_QUERY / MALFORMED_SEARCH message: the source line, a caret, the position, the reason. */
export function positionedError(errorCode: string, source: string, at: { offset: number; row: number; column: number }, reason: string): SalesforceError {
  const lines = source.split('\n');
  const line = lines[at.row - 1] ?? '';
  const caret = ' '.repeat(Math.max(0, at.column - 1)) + '^';
  return sfError(errorCode, `\n${line}\n${caret}\nERROR at Row:${at.row}:Column:${at.column}\n${reason}`);
}

export function unexpected(errorCode: string, source: string, token: Token): SalesforceError {
  const shown = token.kind === 'eof' ? '<EOF>' : token.text;
  return positionedError(errorCode, source, token, `unexpected token: '${shown}'`);
}

/** Splits `source` into tokens; `errorCode` is used for lexical errors (MALFORMED_QUERY or MALFORMED_SEARCH). */
export function tokenize(source: string, errorCode: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let row = 1;
  let lineStart = 0;
  const at = (offset: number) => ({ offset, row, column: offset - lineStart + 1 });
  const push = (kind: TokenKind, start: number, end: number, value?: string) => {
    const text = source.slice(start, end);
    tokens.push({ kind, text, value: value ?? text, ...at(start) });
  };
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\n') {
      i++;
      row++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    const rest = source.slice(i);
    if (c === "'") {
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= source.length) throw positionedError(errorCode, source, at(i), 'unterminated string literal');
        const ch = source[j]!;
        if (ch === '\\') {
          const next = source[j + 1];
          if (next === undefined) throw positionedError(errorCode, source, at(j), 'unterminated string literal');
          const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };
          if (next in simple) value += simple[next];
          // \% and \_ stay escaped: they only mean something inside LIKE patterns.
          else if (next === '%' || next === '_') value += '\\' + next;
          else throw positionedError(errorCode, source, at(j), `invalid escape sequence '\\${next}' in string literal`);
          j += 2;
          continue;
        }
        if (ch === "'") break;
        value += ch;
        j++;
      }
      push('string', i, j + 1, value);
      i = j + 1;
      continue;
    }
    if (c === '{') {
      // A SOSL search term: everything up to the matching unescaped '}'.
      let j = i + 1;
      let value = '';
      while (j < source.length && source[j] !== '}') {
        if (source[j] === '\\' && j + 1 < source.length) {
          value += source[j]! + source[j + 1]!;
          j += 2;
          continue;
        }
        value += source[j]!;
        j++;
      }
      if (j >= source.length) throw positionedError(errorCode, source, at(i), "missing '}' after search term");
      push('braced', i, j + 1, value);
      i = j + 1;
      continue;
    }
    let m = DATETIME.exec(rest);
    if (m) {
      push('datetime', i, i + m[0].length);
      i += m[0].length;
      continue;
    }
    m = DATE.exec(rest);
    if (m) {
      push('date', i, i + m[0].length);
      i += m[0].length;
      continue;
    }
    m = /^(?:\d|\.\d|[+-]\d|[+-]\.\d)/.test(rest) ? NUMBER.exec(rest) : null;
    if (m) {
      push('number', i, i + m[0].length);
      i += m[0].length;
      continue;
    }
    m = IDENT.exec(rest);
    if (m) {
      push('ident', i, i + m[0].length);
      i += m[0].length;
      continue;
    }
    const two = rest.slice(0, 2);
    if (two === '!=' || two === '<=' || two === '>=') {
      push(two, i, i + 2);
      i += 2;
      continue;
    }
    if (two === '<>') {
      push('!=', i, i + 2);
      i += 2;
      continue;
    }
    if ('(),.:=<>'.includes(c)) {
      push(c as TokenKind, i, i + 1);
      i++;
      continue;
    }
    throw positionedError(errorCode, source, at(i), `unexpected character: '${c}'`);
  }
  tokens.push({ kind: 'eof', text: '', value: '', ...at(source.length) });
  return tokens;
}

/** A cursor over tokens with the helpers both parsers use. */
export class TokenStream {
  private index = 0;

  constructor(
    readonly source: string,
    readonly tokens: readonly Token[],
    readonly errorCode: string,
  ) {}

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
  }

  next(): Token {
    const t = this.peek();
    if (this.index < this.tokens.length - 1) this.index++;
    return t;
  }

  isKeyword(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'ident' && t.text.toUpperCase() === word;
  }

  acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.next();
    return true;
  }

  expectKeyword(word: string): Token {
    if (!this.isKeyword(word)) throw this.unexpected();
    return this.next();
  }

  accept(kind: TokenKind): Token | undefined {
    return this.peek().kind === kind ? this.next() : undefined;
  }

  expect(kind: TokenKind): Token {
    if (this.peek().kind !== kind) throw this.unexpected();
    return this.next();
  }

  unexpected(token: Token = this.peek()): SalesforceError {
    return unexpected(this.errorCode, this.source, token);
  }
}
