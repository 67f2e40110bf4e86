/**
 * Runs a parsed SOSL search: text terms as case-insensitive LIKE patterns over the scope's fields,
 * phone numbers through the normalised phone index, then each RETURNING target's WHERE/ORDER
 * BY/LIMIT (compiled by the SOQL compiler).
 */
import type { ConsoleDb } from './console-db.ts';
import { sfError } from './errors.ts';
import { looksLikePhone } from './phone.ts';
import { OBJECTS, findObject, type FieldDef, type ObjectDef } from './schema.ts';
import { col, rowToRecord, tableOf, type SObjectRecord } from './sql.ts';
import { compileTail, resolveSelectFields, type SqlParam } from './soql/compile.ts';
import { positionedError } from './soql/lexer.ts';
import { termText, termToPatterns, SEARCH_ERROR, type SearchQuery, type SearchScope, type SearchTargetSpec } from './sosl/parser.ts';

export interface SearchResult {
  readonly searchRecords: readonly SObjectRecord[];
}

const TEXT_SCOPE_TYPES = new Set(['string', 'email', 'phone', 'url', 'textarea']);

function scopeFields(object: ObjectDef, scope: SearchScope): FieldDef[] {
  switch (scope) {
    case 'NAME':
      return object.fields.filter((f) => object.nameSearchFields.includes(f.name));
    case 'EMAIL':
      return object.fields.filter((f) => f.type === 'email');
    case 'PHONE':
      return [];
    case 'ALL':
      return object.fields.filter((f) => TEXT_SCOPE_TYPES.has(f.type) && !f.name.endsWith('Id'));
  }
}

/** SQL matching `term` in `object` under `scope`; false ('0') when nothing can match. */
function matchSql(db: ConsoleDb, object: ObjectDef, term: string, scope: SearchScope): { sql: string; params: SqlParam[] } {
  const parts: string[] = [];
  const params: SqlParam[] = [];
  const text = termText(term);
  if (scope === 'PHONE' || (scope === 'ALL' && looksLikePhone(text))) {
    const ids = db.phoneMatches(object, text);
    if (ids.length) {
      parts.push(`"Id" IN (${ids.map(() => '?').join(', ')})`);
      params.push(...ids);
    }
  }
  const fields = scopeFields(object, scope);
  if (fields.length) {
    const alternatives = termToPatterns(term).map(
      (words) =>
        '(' +
        words
          .map((w) => {
            const any = fields.map((f) => {
              params.push(`%${w}%`);
              return `${col(f)} LIKE ? ESCAPE '\\'`;
            });
            return `(${any.join(' OR ')})`;
          })
          .join(' AND ') +
        ')',
    );
    if (alternatives.length) parts.push(alternatives.join(' OR '));
  }
  return { sql: parts.length ? parts.join(' OR ') : '0', params };
}

export function executeSearch(db: ConsoleDb, query: SearchQuery, source: string, apiVersion: string): SearchResult {
  const targets: SearchTargetSpec[] = query.returning.length
    ? [...query.returning]
    : OBJECTS.filter((o) => o.searchable).map((o) => ({ object: { name: o.name, token: query.termToken }, fields: [], orderBy: [] }));
  const ctx = { source, now: db.now(), errorCode: SEARCH_ERROR };
  const out: SObjectRecord[] = [];
  for (const target of targets) {
    const object = findObject(target.object.name);
    if (!object) throw positionedError('INVALID_TYPE', source, target.object.token, `sObject type '${target.object.name}' is not supported.`);
    if (!object.searchable) throw positionedError('INVALID_TYPE', source, target.object.token, `entity type ${object.name} does not support search`);
    const fields = target.fields.length ? resolveSelectFields(object, target.fields, ctx) : [object.fields[0]!];
    const params: SqlParam[] = [];
    const match = matchSql(db, object, query.term, query.scope);
    const order = target.orderBy.length ? target : { ...target, orderBy: [] };
    let tail = compileTail(object, order, ctx, params, match);
    if (!target.orderBy.length) tail = tail.replace(/( LIMIT \?.*)?$/, (m) => ` ORDER BY "LastModifiedDate" DESC, "Id"${m}`);
    const columns = [...new Set(['Id', ...fields.map((f) => f.name)])].map(col).join(', ');
    const rows = db.prepare(`SELECT ${columns} FROM ${tableOf(object)}${tail}`).all(...params) as Record<string, unknown>[];
    for (const row of rows) out.push(rowToRecord(object, row, fields, apiVersion));
  }
  if (query.limit !== undefined && query.limit < 1) throw sfError(SEARCH_ERROR, 'LIMIT must be at least 1');
  return { searchRecords: query.limit !== undefined ? out.slice(0, query.limit) : out };
}
