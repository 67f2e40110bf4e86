/**
 * A Salesforce-shaped REST API over the console database, mountable on any `node:http` server:
 * `createRestHandler(db, options)` returns `(req, res) => Promise<boolean>` that answers
 * `/services/data/...` (versions, resources, describeGlobal, describe, sObject rows, query,
 * search, parameterizedSearch), `/emulator/api/...` (softphone layouts, call centers, users) and
 * `/telephony/v1/...` (Salesforce Voice's Telephony Integration REST API, telephony-api.ts),
 * and returns false for any other path so the caller can route it elsewhere.
 *
 * Like an org, `/services/data/vNN.0/...` needs a session, `Authorization: Bearer <token>` or the
 * session cookie (`authenticate`; on its own, the handler takes only EMULATOR_ACCESS_TOKEN), and
 * answers 401 INVALID_SESSION_ID without one.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SalesforceError, sfError, type OpenConsoleDb } from '../db/index.ts';
import { readJson, sendErrors, sendJson, sendNoContent } from './http.ts';
import { handleEmulatorApi } from './emulator-api.ts';
import { createTelephonyApi, isTelephonyApiPath } from './telephony-api.ts';
import { identityUrl, ORG_ID } from '../server/api-login.ts';

/** The only token a stand-alone REST handler (no `authenticate` option) accepts. */
export const EMULATOR_ACCESS_TOKEN = '00D5g000000SwBdEAK!AQ4AQSwitchboardEmulatorSessionToken';

export const MIN_API_VERSION = 20;
export const MAX_API_VERSION = 67;

export interface RestOptions {
  /** The user REST writes are attributed to; default the database's default user (the demo agent). */
  readonly userId?: () => string | undefined;
  /**
   * The request's session: the user Id it belongs to, or undefined when it has none (401
   * INVALID_SESSION_ID). Default: `Authorization: Bearer EMULATOR_ACCESS_TOKEN` as the default user.
   */
  readonly authenticate?: (req: IncomingMessage) => string | undefined;
}

export type RestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** "Summer '26" for 67.0, counting back three releases a year. */
export function releaseLabel(version: number): string {
  const k = MAX_API_VERSION - version;
  const year = 26 - Math.floor(k / 3);
  const season = ['Summer', 'Spring', 'Winter'][k % 3]!;
  return `${season} '${String(year).padStart(2, '0')}`;
}

function versions() {
  const out = [];
  for (let v = MIN_API_VERSION; v <= MAX_API_VERSION; v++) out.push({ label: releaseLabel(v), url: `/services/data/v${v}.0`, version: `${v}.0` });
  return out;
}

const notFound = () => sfError('NOT_FOUND', 'The requested resource does not exist');

function statusOf(e: SalesforceError): number {
  switch (e.errorCode) {
    case 'NOT_FOUND':
    case 'ENTITY_IS_DELETED':
      return 404;
    case 'INVALID_SESSION_ID':
      return 401;
    case 'METHOD_NOT_ALLOWED':
      return 405;
    default:
      return 400;
  }
}

/**
 * `/limits` as an org reports it: a Developer Edition's allocations, with the API requests this
 * emulator has served since it started counted against the daily one.
 */
function limits(apiRequestsServed: number): Record<string, { Max: number; Remaining: number }> {
  const fixed = (max: number) => ({ Max: max, Remaining: max });
  return {
    ConcurrentAsyncGetReportInstances: fixed(200),
    ConcurrentSyncReportRuns: fixed(20),
    DailyApiRequests: { Max: 15000, Remaining: Math.max(0, 15000 - apiRequestsServed) },
    DailyAsyncApexExecutions: fixed(250000),
    DailyBulkApiBatches: fixed(15000),
    DailyBulkV2QueryJobs: fixed(10000),
    DailyStreamingApiEvents: fixed(10000),
    DataStorageMB: fixed(5),
    FileStorageMB: fixed(20),
    HourlySyncReportRuns: fixed(500),
    MassEmail: fixed(10),
    SingleEmail: fixed(15),
  };
}

/** `Sforce-Query-Options: batchSize=N`: 200 to 2,000 records a batch (Salesforce's bounds), 2,000 by default. */
function batchSizeOf(req: IncomingMessage): number {
  const header = req.headers['sforce-query-options'];
  const m = /(?:^|[\s,;])batchSize\s*=\s*(\d+)/i.exec(Array.isArray(header) ? header.join(',') : (header ?? ''));
  return m ? Math.min(2000, Math.max(200, Number(m[1]))) : 2000;
}

interface Cursor {
  readonly records: readonly unknown[];
  readonly totalSize: number;
  readonly batch: number;
  lastUsed: number;
}

/**
 * Query results larger than a batch, kept for `nextRecordsUrl` (`…/query/01g…-2000`) as an org
 * keeps a query locator: until it is read to the end or left unused for 15 minutes.
 */
class QueryCursors {
  private readonly open = new Map<string, Cursor>();
  private static readonly IDLE_MS = 15 * 60_000;
  private static readonly MAX_OPEN = 50;

  first(result: { totalSize: number; done: boolean; records: readonly unknown[] }, batch: number, base: string): Record<string, unknown> {
    if (result.records.length <= batch) return { ...result, done: true };
    this.expire();
    const locator = `01g${randomBytes(12)
      .toString('base64url')
      .replace(/[^A-Za-z0-9]/g, 'x')
      .slice(0, 15)}`;
    this.open.set(locator, { records: result.records, totalSize: result.totalSize, batch, lastUsed: Date.now() });
    return this.batch(locator, 0, base);
  }

  /** `locatorAndOffset` is the last segment of a nextRecordsUrl: `01g…-2000`. */
  next(locatorAndOffset: string, base: string): Record<string, unknown> {
    this.expire();
    const m = /^(01g[A-Za-z0-9]{12,15})-(\d+)$/.exec(locatorAndOffset);
    const cursor = m ? this.open.get(m[1]!) : undefined;
    if (!m || !cursor || Number(m[2]) >= cursor.records.length) throw sfError('INVALID_QUERY_LOCATOR', 'invalid query locator');
    return this.batch(m[1]!, Number(m[2]), base);
  }

  private batch(locator: string, offset: number, base: string): Record<string, unknown> {
    const cursor = this.open.get(locator)!;
    cursor.lastUsed = Date.now();
    const end = offset + cursor.batch;
    const done = end >= cursor.records.length;
    if (done) this.open.delete(locator);
    return {
      totalSize: cursor.totalSize,
      done,
      ...(done ? {} : { nextRecordsUrl: `${base}/query/${locator}-${end}` }),
      records: cursor.records.slice(offset, end),
    };
  }

  private expire(): void {
    const now = Date.now();
    for (const [locator, c] of this.open) if (now - c.lastUsed > QueryCursors.IDLE_MS) this.open.delete(locator);
    // The oldest go first when too many are left open (an org limits open cursors per user too).
    while (this.open.size >= QueryCursors.MAX_OPEN) this.open.delete(this.open.keys().next().value!);
  }
}

export function createRestHandler(db: OpenConsoleDb, options: RestOptions = {}): RestHandler {
  /** API requests served, for /limits' DailyApiRequests. */
  let apiRequests = 0;
  const cursors = new QueryCursors();
  // Salesforce Voice's Telephony Integration REST API: its own JWT auth, no session (telephony-api.ts).
  const telephony = createTelephonyApi(db, { orgId: ORG_ID });
  const currentUser = () => options.userId?.() ?? db.defaultUserId;
  const authenticate =
    options.authenticate ??
    ((req: IncomingMessage): string | undefined => {
      const m = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
      return m?.[1] === EMULATOR_ACCESS_TOKEN ? (currentUser() ?? '') : undefined;
    });

  async function services(req: IncomingMessage, res: ServerResponse, path: string[], url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    // path: ['services', 'data', vNN.0?, ...]
    if (path.length === 2) {
      if (method !== 'GET') throw sfError('METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET`);
      return sendJson(res, 200, versions());
    }
    const m = /^v(\d+)\.0$/.exec(path[2]!);
    const v = m ? Number(m[1]) : NaN;
    if (!(v >= MIN_API_VERSION && v <= MAX_API_VERSION)) throw notFound();
    const version = `${v}.0`;
    const sessionUser = authenticate(req);
    if (sessionUser === undefined) throw sfError('INVALID_SESSION_ID', 'Session expired or invalid');
    apiRequests++;
    const base = `/services/data/v${version}`;
    const rest = path.slice(3);
    const ctx = { userId: sessionUser || currentUser() };
    const only = (...allowed: string[]) => {
      if (!allowed.includes(method)) throw sfError('METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are ${allowed.join(',')}`);
    };

    if (rest.length === 0) {
      only('GET');
      // As an org's list, with the identity URL (absolute) that `conn.identity()` follows when it has only a token.
      const origin = `${'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http'}://${req.headers.host ?? '127.0.0.1'}`;
      return sendJson(res, 200, {
        ...(ctx.userId ? { identity: identityUrl(origin, ctx.userId) } : {}),
        sobjects: `${base}/sobjects`,
        query: `${base}/query`,
        queryAll: `${base}/queryAll`,
        search: `${base}/search`,
        parameterizedSearch: `${base}/parameterizedSearch`,
        limits: `${base}/limits`,
      });
    }
    const [resource, object, id, extra] = rest;
    if (resource === 'limits' && !object) {
      only('GET');
      return sendJson(res, 200, limits(apiRequests));
    }
    if (resource === 'query' || resource === 'queryAll') {
      only('GET');
      if (object) {
        if (id) throw notFound();
        return sendJson(res, 200, cursors.next(object, base));
      }
      const q = url.searchParams.get('q');
      if (!q) throw sfError('MALFORMED_QUERY', 'A query string has to be specified');
      return sendJson(res, 200, cursors.first(db.query(q, version), batchSizeOf(req), base));
    }
    if (resource === 'search') {
      only('GET');
      const q = url.searchParams.get('q');
      if (!q) throw sfError('MALFORMED_SEARCH', 'A search string has to be specified');
      return sendJson(res, 200, db.search(q, version));
    }
    if (resource === 'parameterizedSearch') {
      only('GET');
      return sendJson(res, 200, db.search(parameterizedToSosl(url.searchParams), version));
    }
    if (resource === 'composite' && object === 'sobjects') {
      return composite(req, res, rest.slice(2), url, method, version, ctx);
    }
    if (resource !== 'sobjects') throw notFound();
    if (!object) {
      only('GET');
      return sendJson(res, 200, db.describeGlobal(version));
    }
    let def;
    try {
      def = db.objectDef(object);
    } catch {
      throw notFound();
    }
    if (!id) {
      if (method === 'GET') {
        return sendJson(res, 200, { objectDescribe: db.describeGlobal(version).sobjects.find((s) => s.name === def.name), recentItems: [] });
      }
      only('GET', 'POST');
      const created = db.create(def.name, (await readJson(req)) as Record<string, unknown>, ctx);
      return sendJson(res, 201, { id: created, success: true, errors: [] });
    }
    if (id === 'describe' && !extra) {
      only('GET');
      return sendJson(res, 200, db.describe(def.name, version));
    }
    if (extra) throw notFound();
    if (method === 'GET') {
      const fields = url.searchParams.get('fields');
      return sendJson(res, 200, db.retrieve(def.name, id, fields ? fields.split(',').filter((f) => f.trim() !== '') : undefined, version));
    }
    if (method === 'PATCH') {
      db.update(def.name, id, (await readJson(req)) as Record<string, unknown>, ctx);
      return sendNoContent(res);
    }
    if (method === 'DELETE') {
      db.delete(def.name, id);
      return sendNoContent(res);
    }
    only('GET', 'PATCH', 'DELETE');
  }

  /**
   * sObject Collections (`/composite/sobjects`), which jsforce uses for arrays of records:
   * POST creates, PATCH updates, DELETE ?ids= deletes, POST /<Object> {ids, fields} retrieves.
   * Results are per record; with allOrNone one failure rolls all back.
   */
  async function composite(
    req: IncomingMessage,
    res: ServerResponse,
    rest: string[],
    url: URL,
    method: string,
    version: string,
    ctx: { userId?: string },
  ): Promise<void> {
    type Result = { id: string | null; success: boolean; errors: { statusCode: string; message: string; fields: readonly string[] }[] };
    const run = (allOrNone: boolean, items: (() => string)[]): Result[] => {
      const results: Result[] = [];
      const attempt = () => {
        for (const item of items) {
          try {
            results.push({ id: item(), success: true, errors: [] });
          } catch (e) {
            if (!(e instanceof SalesforceError)) throw e;
            if (allOrNone) throw e;
            results.push({ id: null, success: false, errors: e.errors.map((x) => ({ statusCode: x.errorCode, message: x.message, fields: x.fields })) });
          }
        }
      };
      db.transaction(attempt);
      return results;
    };
    const [object] = rest;
    if (object) {
      if (method !== 'POST') throw sfError('METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are POST`);
      const body = (await readJson(req)) as { ids?: unknown; fields?: unknown };
      if (!Array.isArray(body.ids) || !Array.isArray(body.fields)) throw sfError('INVALID_FIELD', 'ids and fields are required');
      const fields = body.fields.map(String);
      return sendJson(
        res,
        200,
        body.ids.map((id) => {
          try {
            return db.retrieve(object, String(id), fields, version);
          } catch (e) {
            if (e instanceof SalesforceError && (e.errorCode === 'NOT_FOUND' || e.errorCode === 'ENTITY_IS_DELETED')) return null;
            throw e;
          }
        }),
      );
    }
    if (method === 'DELETE') {
      const ids = (url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
      const allOrNone = url.searchParams.get('allOrNone') === 'true';
      return sendJson(
        res,
        200,
        run(
          allOrNone,
          ids.map((id) => () => {
            const type = db.objectOfId(id);
            if (!type) throw sfError('MALFORMED_ID', `malformed id ${id}`);
            db.delete(type, id);
            return id;
          }),
        ),
      );
    }
    if (method !== 'POST' && method !== 'PATCH') throw sfError('METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are POST,PATCH,DELETE`);
    const body = (await readJson(req)) as { allOrNone?: unknown; records?: unknown };
    if (!Array.isArray(body.records)) throw sfError('JSON_PARSER_ERROR', 'records must be an array');
    const records = body.records as Record<string, unknown>[];
    return sendJson(
      res,
      200,
      run(
        body.allOrNone === true,
        records.map((record) => () => {
          const { attributes, ...rest } = record as { attributes?: { type?: unknown } } & Record<string, unknown>;
          // Field names are case-insensitive (jsforce sends `id`).
          const idKey = Object.keys(rest).find((k) => k.toLowerCase() === 'id');
          const Id = idKey === undefined ? undefined : rest[idKey];
          const fields = Object.fromEntries(Object.entries(rest).filter(([k]) => k !== idKey));
          const type = typeof attributes?.type === 'string' ? attributes.type : undefined;
          if (!type) throw sfError('INVALID_TYPE', 'Each record needs attributes.type');
          if (method === 'POST') return db.create(type, fields, ctx);
          if (typeof Id !== 'string') throw sfError('MISSING_ARGUMENT', 'Id not specified in an update call', ['Id']);
          db.update(type, Id, fields, ctx);
          return Id;
        }),
      ),
    );
  }

  return async function handleRest(req, res) {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    if (isTelephonyApiPath(url.pathname)) return telephony(req, res);
    const path = url.pathname
      .split('/')
      .filter((p) => p !== '')
      .map(decodeURIComponent);
    const isServices = path[0] === 'services' && path[1] === 'data';
    const isEmulator = path[0] === 'emulator' && path[1] === 'api';
    if (!isServices && !isEmulator) return false;
    try {
      if (isServices) await services(req, res, path, url);
      else await handleEmulatorApi(db, req, res, path.slice(2), url);
    } catch (e) {
      if (e instanceof SalesforceError) sendErrors(res, statusOf(e), e.errors);
      else sendErrors(res, 500, [{ errorCode: 'UNKNOWN_EXCEPTION', message: (e as Error).message ?? String(e), fields: [] }]);
    }
    return true;
  };
}

/** GET parameterizedSearch's parameters as the equivalent SOSL. */
export function parameterizedToSosl(params: URLSearchParams): string {
  const q = params.get('q');
  if (!q) throw sfError('MALFORMED_SEARCH', "The 'q' parameter is required");
  const scope = (params.get('in') ?? 'ALL').toUpperCase();
  if (!['ALL', 'NAME', 'EMAIL', 'PHONE'].includes(scope)) throw sfError('MALFORMED_SEARCH', `Invalid 'in' value: ${scope}`);
  const objects = params
    .getAll('sobject')
    .flatMap((s) => s.split(','))
    .filter(Boolean);
  const defaultFields = params.get('fields');
  const targets = objects.map((o) => {
    if (!/^\w+$/.test(o)) throw sfError('MALFORMED_SEARCH', `Invalid sobject: ${o}`);
    const fields = params.get(`${o}.fields`) ?? defaultFields;
    const limit = params.get(`${o}.limit`);
    if (fields && !/^[\w\s,]+$/.test(fields)) throw sfError('MALFORMED_SEARCH', `Invalid fields for ${o}: ${fields}`);
    if (limit && !/^\d+$/.test(limit)) throw sfError('MALFORMED_SEARCH', `Invalid limit for ${o}: ${limit}`);
    return `${o}${fields || limit ? `(${fields || 'Id'}${limit ? ` LIMIT ${limit}` : ''})` : ''}`;
  });
  const overall = params.get('overallLimit');
  if (overall && !/^\d+$/.test(overall)) throw sfError('MALFORMED_SEARCH', `Invalid overallLimit: ${overall}`);
  const term = q.replace(/[\\{}]/g, (c) => '\\' + c);
  return `FIND {${term}} IN ${scope} FIELDS${targets.length ? ` RETURNING ${targets.join(', ')}` : ''}${overall ? ` LIMIT ${overall}` : ''}`;
}
