/**
 * What Salesforce itself does with VoiceCall records under Salesforce Voice, as the console's phone
 * asks for it (`/emulator/api/console/voice/...`): the screen pop of an inbound call (the record
 * page, and the caller's Contact as RelatedRecordId when exactly one Contact has the number), the
 * accept stamp (CallAcceptDateTime, UserId), the VoiceCall of an outbound call (Salesforce creates
 * it: the connector never calls the Telephony API for a dial), and the wrap-up's disposition.
 * Writes go through the VoiceCall store (db/voice-calls.ts), so one call has one VoiceCall.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VoiceCall, VoiceCallStore } from '../db/voice-calls.ts';
import { SalesforceError } from '../db/errors.ts';
import type { ConsoleData, RecordView, UserView } from './console-data.ts';
import { HttpError, readJson, sendJson } from './http-util.ts';

export type VoiceConsoleRoute = (req: IncomingMessage, res: ServerResponse, path: string, method: string, user: UserView) => Promise<boolean>;

const ID = '([A-Za-z0-9]{15,18})';

export function voiceConsoleRoutes(store: VoiceCallStore, data: ConsoleData): VoiceConsoleRoute {
  const page = (call: VoiceCall) => ({ record: data.record(call.id)!, object: data.object('VoiceCall')!, activities: [] as RecordView[], activityCount: 0 });
  const related = (call: VoiceCall): RecordView | null => (call.relatedRecordId ? (data.record(call.relatedRecordId) ?? null) : null);
  const answer = (res: ServerResponse, status: number, call: VoiceCall, extra: Record<string, unknown> = {}): true => {
    sendJson(res, status, { voiceCall: call, page: page(call), related: related(call), ...extra });
    return true;
  };
  const existing = (id: string): VoiceCall => {
    const call = store.get(id);
    if (!call) throw new HttpError(404, `no VoiceCall with Id or vendorCallKey '${id}'`);
    return call;
  };

  async function route(req: IncomingMessage, res: ServerResponse, path: string, method: string, user: UserView): Promise<boolean> {
    let m = new RegExp(`^calls/${ID}/pop$`).exec(path);
    if (m && method === 'POST') {
      const body = await readJson(req);
      let call = existing(m[1]!);
      const number = typeof body.phoneNumber === 'string' ? body.phoneNumber.trim() : '';
      // Record linking: one Contact with the caller's number becomes the call's related record.
      if (!call.relatedRecordId && number.replace(/\D/g, '').length >= 3) {
        const contacts = data.search(number, ['Contact']).filter((r) => r.object === 'Contact');
        if (contacts.length === 1) call = store.setRelatedRecord(call.id, contacts[0]!.Id, { userId: user.Id });
      }
      return answer(res, 200, call);
    }
    m = new RegExp(`^calls/${ID}/accept$`).exec(path);
    if (m && method === 'POST') return answer(res, 200, store.accept(existing(m[1]!).id, user.Id, undefined, { userId: user.Id }));
    m = new RegExp(`^calls/${ID}/disposition$`).exec(path);
    if (m && method === 'PUT') {
      const body = await readJson(req);
      if (typeof body.disposition !== 'string' || body.disposition.trim() === '') throw new HttpError(400, 'disposition must be a non-empty string');
      if (body.notes !== undefined && typeof body.notes !== 'string') throw new HttpError(400, 'notes must be a string');
      const call = existing(m[1]!);
      const notes = typeof body.notes === 'string' ? body.notes.trim() : '';
      store.setDisposition(call.id, body.disposition.trim(), { userId: user.Id });
      const saved = notes
        ? store.update(call.id, { description: call.description ? `${call.description}\n${notes}` : notes }, { userId: user.Id })
        : store.require(call.id);
      return answer(res, 200, saved);
    }
    if (path === 'calls' && method === 'POST') {
      const body = await readJson(req);
      const key = typeof body.vendorCallKey === 'string' ? body.vendorCallKey.trim() : '';
      const to = typeof body.toPhoneNumber === 'string' ? body.toPhoneNumber.trim() : '';
      if (!key) throw new HttpError(400, "vendorCallKey (the connector's callId) is required");
      if (!to) throw new HttpError(400, 'toPhoneNumber is required');
      if (!user.CallCenterId) throw new HttpError(400, `${user.Username} is not assigned to a call center`);
      const { voiceCall, created } = store.createOrGet(
        {
          vendorCallKey: key,
          callCenter: user.CallCenterId,
          callType: 'Outbound',
          to,
          // The org's outbound caller ID is the phone system's business; the agent's line stands for it.
          from: user.SwitchboardExtension__c ?? user.Username,
        },
        { userId: user.Id },
      );
      const accepted = created ? store.accept(voiceCall.id, user.Id, undefined, { userId: user.Id }) : voiceCall;
      return answer(res, created ? 201 : 200, accepted, { created });
    }
    return false;
  }

  return async (req, res, path, method, user) => {
    try {
      return await route(req, res, path, method, user);
    } catch (e) {
      if (e instanceof SalesforceError) {
        sendJson(res, e.errors.some((x) => x.errorCode === 'NOT_FOUND') ? 404 : 400, { error: e.message, errors: e.errors });
        return true;
      }
      throw e;
    }
  };
}
