/**
 * Emulator-only JSON endpoints under `/emulator/api/` for the console page and tests:
 *
 *   GET  users                              → [{ id, username, name, locale, callCenterId, softphoneLayoutId }]
 *   GET  users/:id/softphone-layout         → { id, name, isDefault, layout }   (the user's effective layout)
 *   PUT  users/:id/softphone-layout         ← { layoutId } assigns; ← { layout, name? } replaces the user's own layout
 *                                             (creating one for the user when they are on the shared default)
 *   GET  users/:id/call-center              → { callCenter: { id, internalName, displayName, adapterUrl, settings } | null }
 *   PUT  users/:id/call-center              ← { callCenterId: string | null }
 *   GET  softphone-layouts                  → [{ id, name, isDefault, layout }]
 *   GET  call-centers                       → [{ id, internalName, displayName, adapterUrl }]
 *   GET  call-centers/:idOrInternalName     → { id, internalName, displayName, adapterUrl, xml, items, settings }
 *   POST call-centers/import                ← { xml?, items: CallCenterItem[] } (already validated) → { id, created }
 *
 * Errors use the REST error shape; bad input is 400 with errorCode INVALID_INPUT and a message naming the problem.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SalesforceError, sfError, type CallCenterItem, type OpenConsoleDb } from '../db/index.ts';
import { readJson, sendJson, sendNoContent } from './http.ts';

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const badInput = (message: string) => sfError('INVALID_INPUT', message);

function checkItems(value: unknown): CallCenterItem[] {
  if (!Array.isArray(value)) throw badInput('items must be an array of {section, item, value, label?, sortOrder}');
  return value.map((it, i) => {
    if (!isObj(it) || typeof it.section !== 'string' || typeof it.item !== 'string' || typeof it.value !== 'string' || typeof it.sortOrder !== 'number') {
      throw badInput(`items[${i}] must be {section: string, item: string, value: string, label?: string, sortOrder: number}`);
    }
    return {
      section: it.section,
      item: it.item,
      value: it.value,
      sortOrder: it.sortOrder,
      ...(typeof it.label === 'string' ? { label: it.label } : {}),
      ...(typeof it.sectionLabel === 'string' ? { sectionLabel: it.sectionLabel } : {}),
      ...(typeof it.sectionSortOrder === 'number' ? { sectionSortOrder: it.sectionSortOrder } : {}),
    };
  });
}

export async function handleEmulatorApi(db: OpenConsoleDb, req: IncomingMessage, res: ServerResponse, path: string[], _url: URL): Promise<void> {
  const method = req.method ?? 'GET';
  const [area, key, sub] = path;
  const wrongMethod = () => sfError('METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed here`);
  const notFound = () => sfError('NOT_FOUND', `No emulator resource /emulator/api/${path.join('/')}`);

  if (area === 'users' && !key) {
    if (method !== 'GET') throw wrongMethod();
    const users = db.query('SELECT Id, Username, Name, LocaleSidKey, CallCenterId, IsActive FROM User ORDER BY Username').records;
    return sendJson(
      res,
      200,
      users.map((u) => ({
        id: u.Id,
        username: u.Username,
        name: u.Name,
        locale: u.LocaleSidKey,
        isActive: u.IsActive,
        callCenterId: u.CallCenterId,
        softphoneLayoutId: db.layouts.forUser(String(u.Id))?.id ?? null,
      })),
    );
  }
  if (area === 'users' && key) {
    const user = db.retrieveById(key, ['Name']);
    if (!user || user.attributes.type !== 'User') throw sfError('NOT_FOUND', `No user ${key}`);
    const userId = String(user.Id);
    if (sub === 'softphone-layout') {
      if (method === 'GET') {
        const layout = db.layouts.forUser(userId);
        if (!layout) throw sfError('NOT_FOUND', 'No softphone layout is assigned and there is no default');
        return sendJson(res, 200, layout);
      }
      if (method !== 'PUT') throw wrongMethod();
      const body = await readJson(req);
      if (!isObj(body)) throw badInput('body must be { layoutId } or { layout, name? }');
      if (typeof body.layoutId === 'string' || body.layoutId === null) {
        db.layouts.assign(userId, body.layoutId ?? undefined);
      } else if (body.layout !== undefined) {
        let layout;
        try {
          const current = db.layouts.forUser(userId);
          if (current && !current.isDefault) db.layouts.replace(current.id, body.layout);
          else db.layouts.assign(userId, db.layouts.create(typeof body.name === 'string' ? body.name : `${String(user.Name)}'s Softphone Layout`, body.layout));
          layout = db.layouts.forUser(userId);
        } catch (e) {
          if (e instanceof Error && !(e instanceof SalesforceError)) throw badInput(e.message);
          throw e;
        }
        return sendJson(res, 200, layout);
      } else throw badInput('body must be { layoutId } or { layout, name? }');
      return sendJson(res, 200, db.layouts.forUser(userId));
    }
    if (sub === 'call-center') {
      if (method === 'GET') {
        const cc = db.callCenters.forUser(userId);
        return sendJson(res, 200, {
          callCenter: cc ? { id: cc.id, internalName: cc.internalName, displayName: cc.displayName, adapterUrl: cc.adapterUrl, settings: cc.settings } : null,
        });
      }
      if (method !== 'PUT') throw wrongMethod();
      const body = await readJson(req);
      if (!isObj(body) || !(typeof body.callCenterId === 'string' || body.callCenterId === null))
        throw badInput('body must be { callCenterId: string | null }');
      let callCenterId: string | null = null;
      if (typeof body.callCenterId === 'string') {
        const cc = db.callCenters.get(body.callCenterId);
        if (!cc) throw sfError('NOT_FOUND', `No call center ${body.callCenterId}`);
        callCenterId = cc.id;
      }
      db.callCenters.assign(userId, callCenterId);
      return sendNoContent(res);
    }
    throw notFound();
  }
  if (area === 'softphone-layouts' && !key) {
    if (method !== 'GET') throw wrongMethod();
    return sendJson(res, 200, db.layouts.list());
  }
  if (area === 'call-centers') {
    if (!key) {
      if (method !== 'GET') throw wrongMethod();
      return sendJson(res, 200, db.callCenters.list());
    }
    if (key === 'import' && !sub) {
      if (method !== 'POST') throw wrongMethod();
      const body = await readJson(req);
      if (!isObj(body)) throw badInput('body must be { xml?, items }');
      if (body.xml !== undefined && typeof body.xml !== 'string') throw badInput('xml must be a string');
      const result = db.callCenters.import({ items: checkItems(body.items), ...(typeof body.xml === 'string' ? { xml: body.xml } : {}) });
      return sendJson(res, result.created ? 201 : 200, result);
    }
    if (!sub) {
      if (method !== 'GET') throw wrongMethod();
      const cc = db.callCenters.get(key);
      if (!cc) throw sfError('NOT_FOUND', `No call center ${key}`);
      return sendJson(res, 200, cc);
    }
  }
  throw notFound();
}
