/**
 * A recursive-descent parser for the SOSL subset:
 *
 *   search   := FIND '{' term '}' [IN (ALL|NAME|EMAIL|PHONE) FIELDS]
 *               [RETURNING target {, target}] [LIMIT int]
 *   target   := ident ['(' ident {, ident} [WHERE condition] [ORDER BY …] [LIMIT int] [OFFSET int] ')']
 *
 * The WHERE/ORDER BY/LIMIT inside a target are SOQL's (shared parser). Errors are MALFORMED_SEARCH
 * with Salesforce's positioned message; a too-short term is INVALID_SEARCH.
 */
import { tokenize, TokenStream, positionedError, type Token } from '../soql/lexer.ts';
import { fieldRef, parseClauses } from '../soql/parser.ts';
import type { FieldRef, SelectQuery } from '../soql/ast.ts';
import { sfError } from '../errors.ts';

export type SearchScope = 'ALL' | 'NAME' | 'EMAIL' | 'PHONE';

export interface SearchTargetSpec extends Omit<SelectQuery, 'select' | 'from'> {
  readonly object: FieldRef;
  /** Fields to return; empty means Id only. */
  readonly fields: readonly FieldRef[];
}

export interface SearchQuery {
  readonly term: string;
  readonly termToken: Token;
  readonly scope: SearchScope;
  /** Empty means every searchable object, Id only. */
  readonly returning: readonly SearchTargetSpec[];
  readonly limit?: number;
}

export const SEARCH_ERROR = 'MALFORMED_SEARCH';

export function parseSosl(source: string): SearchQuery {
  const ts = new TokenStream(source, tokenize(source, SEARCH_ERROR), SEARCH_ERROR);
  ts.expectKeyword('FIND');
  const termToken = ts.peek();
  if (termToken.kind !== 'braced') throw ts.unexpected();
  ts.next();
  let scope: SearchScope = 'ALL';
  if (ts.acceptKeyword('IN')) {
    const word = ts.peek();
    const upper = word.text.toUpperCase();
    if (word.kind !== 'ident' || !['ALL', 'NAME', 'EMAIL', 'PHONE'].includes(upper)) throw ts.unexpected();
    ts.next();
    ts.expectKeyword('FIELDS');
    scope = upper as SearchScope;
  }
  const returning: SearchTargetSpec[] = [];
  if (ts.acceptKeyword('RETURNING')) {
    do returning.push(parseTarget(ts));
    while (ts.accept(','));
  }
  let limit: number | undefined;
  if (ts.acceptKeyword('LIMIT')) {
    const n = ts.peek();
    if (n.kind !== 'number' || !/^\d+$/.test(n.text)) throw ts.unexpected();
    ts.next();
    limit = Number(n.text);
  }
  if (ts.peek().kind !== 'eof') throw ts.unexpected();
  checkTerm(source, termToken);
  return { term: termToken.value, termToken, scope, returning, limit };
}

function parseTarget(ts: TokenStream): SearchTargetSpec {
  const object = fieldRef(ts);
  if (!ts.accept('(')) return { object, fields: [], orderBy: [] };
  const fields = [fieldRef(ts)];
  while (ts.accept(',')) fields.push(fieldRef(ts));
  const clauses = parseClauses(ts);
  ts.expect(')');
  return { object, fields, ...clauses };
}

function checkTerm(source: string, token: Token): void {
  const significant = token.value.replace(/\\(.)/g, '$1').replace(/[*?"\s]/g, '');
  if (significant.length < 2) throw sfError('INVALID_SEARCH', 'search term must be longer than one character');
  if (significant.length > 10_000) throw positionedError(SEARCH_ERROR, source, token, 'search term too long');
}

/**
 * The term as alternatives (split on OR) of required words or "quoted phrases", each a LIKE
 * pattern body with * → % and ? → _ (other LIKE characters escaped).
 */
export function termToPatterns(term: string): string[][] {
  const alternatives: string[][] = [];
  let words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|((?:[^\s"\\]|\\.)+)/g;
  for (const m of term.matchAll(re)) {
    const word = m[1] ?? m[2]!;
    if (m[2] !== undefined && word.toUpperCase() === 'OR') {
      if (words.length) alternatives.push(words);
      words = [];
      continue;
    }
    if (m[2] !== undefined && word.toUpperCase() === 'AND') continue;
    words.push(likeBody(word));
  }
  if (words.length) alternatives.push(words);
  return alternatives;
}

function likeBody(word: string): string {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    const ch = word[i]!;
    if (ch === '\\' && i + 1 < word.length) {
      out += escapeLike(word[++i]!);
      continue;
    }
    if (ch === '*') out += '%';
    else if (ch === '?') out += '_';
    else out += escapeLike(ch);
  }
  return out;
}

function escapeLike(ch: string): string {
  return ch === '%' || ch === '_' || ch === '\\' ? '\\' + ch : ch;
}

/** The literal text of a term with escapes and wildcards removed (for phone matching). */
export function termText(term: string): string {
  return term.replace(/\\(.)/g, '$1').replace(/[*?"]/g, '');
}
