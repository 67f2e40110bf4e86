/**
 * The console page's JSON endpoints, `/emulator/api/console/...`. The page (top frame) receives
 * Open CTI calls from the softphone and does the UI-side work itself; whatever needs the org's data
 * (search and pop by layout, saveLog, runApex, settings, layout) is answered here, already in Open
 * CTI's `{success, returnValue, errors}` shape, so the page forwards it untouched.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ACTIVITY_HISTORY, DataError, type ConsoleData, type SoftphoneLayoutDef, type UserView } from './console-data.ts';
import { ApexRegistry, parseMethodParams } from './apex-registry.ts';
import { ConsoleEventLog } from './event-log.ts';
import { HttpError, readJson, sendJson } from './http-util.ts';
import { searchAndPop } from './screen-pop-rules.ts';
import { validateCallCenterText } from './call-center-import.ts';
import { createCallCenter, saveSwitchboardValues, switchboardSetupView, unknownItems } from './switchboard-setup.ts';
import { setupChecklist, type ConnectorPageCheck } from './setup-checklist.ts';
import type { VoiceConsoleRoute } from './voice-console-routes.ts';

export const CONSOLE_API = '/emulator/api/console/';
/** How many activities a record page carries (Lightning's timeline shows the latest few, then "View More"). */
const ACTIVITIES_SHOWN = 10;
/** Records per page of a View All list. */
const VIEW_ALL_PAGE = 50;

/** A whole-number query parameter within [min, max]; `fallback` when absent or not a number. */
function pageParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  const n = raw === null || raw.trim() === '' ? NaN : Number(raw);
  if (Number.isNaN(n)) return fallback;
  if (!Number.isInteger(n) || n < min || n > max) throw new HttpError(400, `${name} must be a whole number from ${min} to ${max}`);
  return n;
}

export interface OpenCtiReply {
  readonly success: boolean;
  readonly returnValue: unknown;
  readonly errors: readonly { code: string; description: string; details?: unknown }[] | null;
}

const ok = (returnValue: unknown = null): OpenCtiReply => ({ success: true, returnValue, errors: null });
const fail = (code: string, description: string, details?: unknown): OpenCtiReply => ({
  success: false,
  returnValue: null,
  errors: [{ code, description, ...(details === undefined ? {} : { details }) }],
});

export interface ConsoleApiOptions {
  readonly data: ConsoleData;
  readonly apex: ApexRegistry;
  readonly log: ConsoleEventLog;
  /** Origins and URLs the page needs (Lightning origin, VF origin…). */
  readonly describeOrigins: () => Readonly<Record<string, string>>;
  /** The user of the request's session (cookie or bearer token), if it has one. */
  readonly sessionUserId?: (req: IncomingMessage) => string | undefined;
  /** Whether a call center's adapter URL leads to a connector this emulator serves (the setup checklist). */
  readonly connectorPage?: ConnectorPageCheck;
  /** The Content-Security-Policy the connector page is served with now (the admin's diagnosis judges it). */
  readonly connectorCsp?: () => string;
  /** Salesforce Voice's VoiceCall work for the console's phone (`voice/...`, voice-console-routes.ts). */
  readonly voice?: VoiceConsoleRoute;
}

export function createConsoleApi(options: ConsoleApiOptions): (req: IncomingMessage, res: ServerResponse, path: string, url: URL) => Promise<void> {
  const { data, apex, log } = options;

  // A page opened with ?user= names its user on every call (two users' consoles can share one
  // browser, and so one cookie); otherwise the session's user, else the demo agent.
  const userOf = (req: IncomingMessage, url: URL, body?: Record<string, unknown>): UserView => {
    const wanted = typeof body?.userId === 'string' ? body.userId : (url.searchParams.get('user') ?? options.sessionUserId?.(req));
    if (!wanted) return data.defaultUser();
    const user = data.user(wanted);
    if (!user) throw new HttpError(404, `no user '${wanted}' (use an Id or a Username)`);
    return user;
  };

  function session(user: UserView): Record<string, unknown> {
    const callCenter = user.CallCenterId ? data.callCenter(user.CallCenterId) : undefined;
    return {
      user,
      users: data.users(),
      callCenter: callCenter ?? null,
      settings: callCenter ? data.callCenterSettings(callCenter.Id) : null,
      layout: data.softphoneLayout(user.Id),
      objects: data
        .objects()
        .filter((o) => !['CallCenter', 'SoftphoneLayout', 'User'].includes(o.name))
        .map((o) => ({ name: o.name, label: o.label, labelPlural: o.labelPlural, keyPrefix: o.keyPrefix })),
      origins: options.describeOrigins(),
    };
  }

  async function openCti(method: string, args: Record<string, unknown>, user: UserView): Promise<OpenCtiReply> {
    switch (method) {
      case 'getCallCenterSettings': {
        if (!user.CallCenterId) return fail('GENERIC_ERROR', `User ${user.Username} is not assigned to a call center.`);
        return ok(data.callCenterSettings(user.CallCenterId));
      }
      case 'getSoftphoneLayout':
        return ok(data.softphoneLayout(user.Id));
      case 'searchAndScreenPop': {
        const term = typeof args.searchParams === 'string' ? args.searchParams.trim() : '';
        if (term !== '' && term.length < 3) return fail('INVALID_PARAM', 'searchParams must be at least 3 characters long.');
        if (args.callType !== undefined && args.callType !== null && !['inbound', 'outbound', 'internal'].includes(String(args.callType))) {
          return fail('INVALID_PARAM', `callType must be one of inbound, outbound, internal; got '${String(args.callType)}'.`);
        }
        const result = searchAndPop(args, data.softphoneLayout(user.Id), (t, objects) => data.search(t, objects));
        // The page the pop opens comes with the answer (the console would otherwise ask for it next).
        const popped = result.pop?.type === 'sobject' ? recordPage((result.pop.params as { recordId?: unknown } | undefined)?.recordId) : undefined;
        return ok({ matches: result.matches, pop: result.pop, rule: result.rule, matchCount: result.matchCount, ...(popped ? { record: popped } : {}) });
      }
      case 'saveLog':
        return saveLog(args.object, user);
      case 'runApex':
        return runApex(args, user);
      default:
        return fail('INVALID_PARAM', `The console does not serve '${method}' from the server.`);
    }
  }

  /**
   * What a record page shows: the record, its object's description, its latest activities and how
   * many it has, the names of its lookups' parents (and of those activities' Who/What) and its
   * related lists — one response, so the page needs no request per lookup. Like Lightning, the page
   * carries the latest few activities, not all: a contact called hundreds of times would otherwise
   * ship and render hundreds of rows on every screen pop (View All lists the rest).
   */
  function recordPage(id: unknown) {
    const record = typeof id === 'string' ? data.record(id) : undefined;
    if (!record) return undefined;
    const object = data.object(record.object);
    const activities = data.activities(record.Id, { limit: ACTIVITIES_SHOWN });
    const refs = (object?.fields ?? []).filter((f) => f.type === 'reference').map((f) => record.fields[f.name]);
    const ids = [...refs, ...activities.flatMap((t) => [t.fields.WhoId, t.fields.WhatId])].filter((v): v is string => typeof v === 'string' && v !== '');
    return {
      record,
      object,
      activities,
      activityCount: data.activityCount(record.Id),
      names: data.lookupNames(ids),
      related: data.relatedLists(record),
      activityObject: data.object('Task'),
    };
  }

  /** One page of a record's View All list: its related list by relationship name, or its Activity History. */
  function relatedPage(id: string, relationship: string, url: URL) {
    const record = data.record(id);
    if (!record) throw new HttpError(404, `no record with Id ${id}`);
    const page = { limit: pageParam(url, 'limit', VIEW_ALL_PAGE, 1, 200), offset: pageParam(url, 'offset', 0, 0, 2000) };
    const parent = { Id: record.Id, object: record.object, name: record.name, label: data.object(record.object)?.label ?? record.object };
    if (relationship.toLowerCase() === ACTIVITY_HISTORY.toLowerCase()) {
      const field = record.object === 'Contact' || record.object === 'Lead' ? 'WhoId' : 'WhatId';
      const list = {
        object: 'Task',
        label: 'Activity History',
        field,
        relationship: ACTIVITY_HISTORY,
        count: data.activityCount(record.Id),
        records: data.activities(record.Id, page),
      };
      return { parent, list, object: data.object('Task'), offset: page.offset };
    }
    const list = data.relatedList(record, relationship, page);
    if (!list) throw new HttpError(404, `${record.object} has no related list '${relationship}'`);
    return { parent, list, object: data.object(list.object), offset: page.offset };
  }

  function saveLog(value: unknown, user: UserView): OpenCtiReply {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('INVALID_PARAM', 'value must be an object of field values.');
    const fields: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const id = typeof fields.Id === 'string' ? fields.Id : typeof fields.id === 'string' ? fields.id : undefined;
    const entity = typeof fields.entityApiName === 'string' ? fields.entityApiName : undefined;
    delete fields.Id;
    delete fields.id;
    delete fields.entityApiName;
    try {
      if (id) {
        data.update(id, fields, user.Id);
        return ok({ recordId: id });
      }
      if (!entity) return fail('INVALID_PARAM', 'saveLog needs Id (to update) or entityApiName (to create).');
      const recordId = data.create(entity, fields, user.Id);
      return ok({ recordId });
    } catch (e) {
      if (e instanceof DataError) {
        return fail('GENERIC_ERROR', e.errors.map((x) => x.message).join(' '), { errors: e.errors });
      }
      throw e;
    }
  }

  async function runApex(args: Record<string, unknown>, user: UserView): Promise<OpenCtiReply> {
    const apexClass = typeof args.apexClass === 'string' ? args.apexClass : '';
    const methodName = typeof args.methodName === 'string' ? args.methodName : '';
    const rawParams = typeof args.methodParams === 'string' ? args.methodParams : args.methodParams === undefined ? '' : JSON.stringify(args.methodParams);
    if (!apexClass || !methodName) return fail('INVALID_PARAM', 'runApex needs apexClass and methodName.');
    const handler = apex.find(apexClass, methodName);
    if (!handler) return fail('SERVER_ERROR', `Could not load Apex class: ${apexClass}`);
    try {
      const result = await handler(parseMethodParams(rawParams), rawParams, { userId: user.Id });
      return ok({ runApex: result ?? null });
    } catch (e) {
      return fail('SERVER_ERROR', `${apexClass}.${methodName}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  return async (req, res, path, url) => {
    const rest = path.slice(CONSOLE_API.length);
    const method = req.method ?? 'GET';
    if (rest === 'session' && method === 'GET') return sendJson(res, 200, session(userOf(req, url)));
    if (rest.startsWith('opencti/') && method === 'POST') {
      const body = await readJson(req);
      const user = userOf(req, url, body);
      const name = rest.slice('opencti/'.length);
      const args = typeof body.args === 'object' && body.args !== null ? (body.args as Record<string, unknown>) : {};
      const reply = await openCti(name, args, user);
      return sendJson(res, 200, reply);
    }
    if (rest === 'log') {
      if (method === 'GET') return sendJson(res, 200, log.list(Number(url.searchParams.get('since') ?? 0)));
      if (method === 'DELETE') {
        log.clear();
        return sendJson(res, 200, { cleared: true });
      }
      if (method === 'POST') {
        const body = await readJson(req);
        const entries = Array.isArray(body.entries) ? body.entries : [body];
        for (const e of entries as Record<string, unknown>[]) {
          if (typeof e.method !== 'string') throw new HttpError(400, 'log entry needs a method');
          log.add({
            method: e.method,
            args: e.args ?? null,
            at: typeof e.at === 'number' ? e.at : Date.now(),
            surface: e.surface === 'classic' || e.surface === 'voice' ? e.surface : 'lightning',
            ...(typeof e.userId === 'string' ? { userId: e.userId } : {}),
            ...(typeof e.success === 'boolean' ? { success: e.success } : {}),
          });
        }
        return sendJson(res, 200, { logged: entries.length });
      }
    }
    if (rest.startsWith('voice/') && options.voice && (await options.voice(req, res, rest.slice('voice/'.length), method, userOf(req, url)))) return;
    let m = /^records\/([A-Za-z0-9]{15,18})$/.exec(rest);
    if (m && method === 'GET') {
      const page = recordPage(m[1]);
      if (!page) throw new HttpError(404, `no record with Id ${m[1]}`);
      return sendJson(res, 200, page);
    }
    m = /^records\/([A-Za-z0-9]{15,18})\/related\/(\w+)$/.exec(rest);
    if (m && method === 'GET') return sendJson(res, 200, relatedPage(m[1]!, m[2]!, url));
    m = /^objects\/(\w+)\/records$/.exec(rest);
    if (m) {
      const object = data.object(m[1]!);
      if (!object) throw new HttpError(404, `no object '${m[1]}'`);
      if (method === 'GET') return sendJson(res, 200, { object, records: data.list(object.name, Number(url.searchParams.get('limit') ?? 50)) });
      if (method === 'POST') {
        const body = await readJson(req);
        const user = userOf(req, url, body);
        try {
          const id = data.create(object.name, (body.fields ?? {}) as Record<string, unknown>, user.Id);
          return sendJson(res, 201, { id });
        } catch (e) {
          if (e instanceof DataError) return sendJson(res, 400, { errors: e.errors });
          throw e;
        }
      }
    }
    m = /^objects\/(\w+)$/.exec(rest);
    if (m && method === 'GET') {
      const object = data.object(m[1]!);
      if (!object) throw new HttpError(404, `no object '${m[1]}'`);
      return sendJson(res, 200, object);
    }
    if (rest === 'search' && method === 'GET') {
      const q = (url.searchParams.get('q') ?? '').trim();
      if (q.length < 3) throw new HttpError(400, 'search needs at least 3 characters');
      return sendJson(res, 200, { term: q, records: data.search(q) });
    }
    if (rest === 'setup/call-centers' && method === 'GET') return sendJson(res, 200, { callCenters: data.callCenters(), users: data.users() });
    if (rest === 'setup/call-centers/import' && method === 'POST') {
      const body = await readJson(req);
      const text = typeof body.text === 'string' ? body.text : '';
      const fileName = typeof body.fileName === 'string' && body.fileName ? body.fileName : 'callcenter.xml';
      const verdict = await validateCallCenterText(text, fileName);
      if (verdict.errors.length) return sendJson(res, 422, verdict);
      const callCenter = data.importCallCenter(text);
      return sendJson(res, 201, { ...verdict, callCenter });
    }
    if (rest === 'setup/switchboard' && method === 'GET') {
      return sendJson(res, 200, switchboardSetupView(data, url.searchParams.get('callCenter') ?? undefined));
    }
    if (rest === 'setup/switchboard/checklist' && method === 'GET') {
      const id = url.searchParams.get('callCenter') ?? '';
      if (!data.callCenter(id)) throw new HttpError(404, `no call center '${id}'`);
      const steps = setupChecklist(data, id, options.connectorPage ?? (() => ({ state: 'unknown', detail: 'This server does not serve connector pages.' })));
      return sendJson(res, 200, { steps, connectorCsp: options.connectorCsp?.() ?? null });
    }
    if (rest === 'setup/switchboard/new' && method === 'POST') {
      const body = await readJson(req);
      const created = createCallCenter(data, String(body.internalName ?? '').trim(), String(body.displayName ?? '').trim());
      return sendJson(res, created.callCenterId ? 201 : 422, created);
    }
    if (rest === 'setup/switchboard' && method === 'PUT') {
      const body = await readJson(req);
      if (typeof body.callCenterId !== 'string' || !data.callCenter(body.callCenterId))
        throw new HttpError(404, `no call center '${String(body.callCenterId)}'`);
      const values = body.values;
      if (typeof values !== 'object' || values === null || Array.isArray(values) || Object.values(values).some((v) => typeof v !== 'string')) {
        throw new HttpError(400, 'values must be an object of item name → string value');
      }
      const unknown = unknownItems(values as Record<string, string>);
      if (unknown.length) throw new HttpError(400, `the connector reads no item ${unknown.map((u) => `'${u}'`).join(', ')}`);
      const result = saveSwitchboardValues(data, body.callCenterId, values as Record<string, string>);
      return sendJson(res, result.saved ? 200 : 422, result);
    }
    if (rest === 'setup/assign' && method === 'POST') {
      const body = await readJson(req);
      if (typeof body.userId !== 'string') throw new HttpError(400, 'userId is required');
      const callCenterId = typeof body.callCenterId === 'string' && body.callCenterId ? body.callCenterId : null;
      if (!data.user(body.userId)) throw new HttpError(404, `no user '${body.userId}'`);
      if (callCenterId && !data.callCenter(callCenterId)) throw new HttpError(404, `no call center '${callCenterId}'`);
      data.assignCallCenter(data.user(body.userId)!.Id, callCenterId);
      return sendJson(res, 200, { assigned: true });
    }
    if (rest === 'setup/softphone-layout') {
      const user = userOf(req, url);
      if (method === 'GET') return sendJson(res, 200, data.softphoneLayout(user.Id));
      if (method === 'PUT') {
        const body = await readJson(req);
        const problem = checkLayout(body);
        if (problem) throw new HttpError(400, problem);
        data.saveSoftphoneLayout(user.Id, body as unknown as SoftphoneLayoutDef);
        return sendJson(res, 200, data.softphoneLayout(user.Id));
      }
    }
    throw new HttpError(404, `no console endpoint ${method} ${path}`);
  };

  function checkLayout(body: Record<string, unknown>): string | undefined {
    const popTypes = ['PopToEntity', 'PopToVisualforce', 'PopToSearch', 'PopToFlow', 'DoNotPop'];
    for (const type of ['Inbound', 'Outbound', 'Internal']) {
      const section = body[type] as Record<string, unknown> | undefined;
      if (typeof section !== 'object' || section === null) return `${type} section is missing`;
      const objects = section.objects as Record<string, unknown> | undefined;
      if (typeof objects !== 'object' || objects === null) return `${type}.objects must be an object`;
      for (const [name, fields] of Object.entries(objects)) {
        const def = data.object(name);
        if (!def) return `${type}.objects: unknown object '${name}'`;
        if (!Array.isArray(fields)) return `${type}.objects.${name} must be a list of fields`;
        for (const f of fields as { apiName?: unknown }[]) {
          if (typeof f?.apiName !== 'string' || !def.fields.some((x) => x.name === f.apiName))
            return `${type}.objects.${name}: unknown field '${String(f?.apiName)}'`;
        }
      }
      const pops = (section.screenPopSettings ?? {}) as Record<string, { screenPopType?: unknown } | undefined>;
      for (const rule of ['NoMatch', 'SingleMatch', 'MultipleMatches']) {
        const p = pops[rule];
        if (p && !popTypes.includes(String(p.screenPopType))) return `${type}.screenPopSettings.${rule}: unknown screenPopType '${String(p.screenPopType)}'`;
      }
    }
    return undefined;
  }
}
