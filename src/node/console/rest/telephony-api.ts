/**
 * Salesforce's Telephony Integration REST API (`https://{MyDomain}.my.salesforce-scrt.com/telephony/v1`),
 * served by the emulator at `<Lightning origin>/telephony/v1/` for a telephony system (Switchboard's
 * voice bridge) to create and update VoiceCalls as it does against an org:
 * - `POST /voiceCalls`: creates the VoiceCall, `{voiceCallId}`; the same vendorCallKey again answers
 *   the existing record's Id;
 * - `PATCH /voiceCalls/{voiceCallId|vendorCallKey}`: times, hold metrics, queue, agent, recording
 *   (a VoiceCallRecording), attributes; for a key with no call yet and the create fields given, the
 *   call is created after the fact (a missed or abandoned call), as Salesforce allows;
 * - `POST /voiceCalls/{vendorCallKey}/messages`: one transcript utterance, stored with the call
 *   (Salesforce adds it to the call's conversation transcript; the emulator keeps the utterances);
 * - `PATCH /voiceCalls/{id}/omniFlow` and `/clearRouting`: recorded with the call (Salesforce creates or
 *   deletes a PendingServiceRouting and Omni-Channel routes the work; the emulator has no Omni-Channel).
 * Auth: telephony-auth.ts. It is server to server, so the console's session and CSRF rules do not
 * apply (request-guard.ts exempts the path). Success is 200 `{voiceCallId}` for a create and 204 for
 * the rest; errors are `{errorCode, message}` (the emulator's choice: Salesforce does not document
 * this API's error body).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseDateTime, SalesforceError, type OpenConsoleDb, type VoiceCallChanges, type VoiceCallType } from '../db/index.ts';
import { readJson, sendJson, sendNoContent } from './http.ts';
import { CERTIFICATE_SETTING, TelephonyApiError, verifyTelephonyToken, type TelephonyCaller } from './telephony-auth.ts';

export const TELEPHONY_API_PATH = '/telephony/v1';

/** Whether a request path is the Telephony Integration API's (exempt from the console's session guard). */
export function isTelephonyApiPath(path: string): boolean {
  return path === TELEPHONY_API_PATH || path.startsWith(`${TELEPHONY_API_PATH}/`);
}

export interface TelephonyApiOptions {
  /** The org id JWTs must be issued by. */
  readonly orgId: string;
  /** Milliseconds now, for token expiry; default Date.now. */
  readonly now?: () => number;
}

/** The VoiceCall field behind each body parameter, to name the parameter when the record refuses a value. */
const PARAM_OF_FIELD: Readonly<Record<string, string>> = {
  CallStartDateTime: 'startTime',
  CallEndDateTime: 'endTime',
  CallQueuedDateTime: 'enqueueTime',
  CallAcceptDateTime: 'acceptTime',
  FromPhoneNumber: 'from',
  ToPhoneNumber: 'to',
  QueueName: 'queue',
  UserId: 'agent',
  CallOrigin: 'callOrigin',
  DisconnectReason: 'disconnectReason',
  CallCenterId: 'callCenterApiName',
  ParentVoiceCallId: 'parentVoiceCallId',
  CallType: 'initiationMethod',
  RecordingLocation: 'recordingLocation',
  DurationInSeconds: 'totalRecordingDuration',
};
const CREATE_PARAMS = ['callCenterApiName', 'vendorCallKey', 'to', 'from', 'initiationMethod', 'startTime', 'participants'] as const;
const INITIATION_METHODS: readonly VoiceCallType[] = ['Inbound', 'Transfer'];
const PARTICIPANT_TYPES = ['END_USER', 'HUMAN_AGENT'];
const UPDATE_PARAMS = new Set([
  'startTime',
  'endTime',
  'enqueueTime',
  'acceptTime',
  'fromNumber',
  'totalHoldDuration',
  'longestHoldDuration',
  'numberOfHolds',
  'queue',
  'agent',
  'agentInteractionDuration',
  'recordingLocation',
  'totalRecordingDuration',
  'callAttributes',
  'callOrigin',
  'isActiveCall',
  'disconnectReason',
  // Only for a call created after the fact.
  'callCenterApiName',
  'vendorCallKey',
  'to',
  'from',
  'initiationMethod',
  'participants',
  'parentVoiceCallId',
]);

const bad = (message: string, code = 'INVALID_INPUT') => new TelephonyApiError(400, code, message);

type Body = Record<string, unknown>;

function objectBody(value: unknown): Body {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('The request body must be a JSON object', 'JSON_PARSER_ERROR');
  return value as Body;
}

function optionalString(body: Body, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw bad(`${name} must be a string, got ${JSON.stringify(v)}`);
  return v;
}

function optionalTime(body: Body, name: string): string | undefined {
  const v = optionalString(body, name);
  if (v !== undefined && parseDateTime(v) === undefined)
    throw bad(`${name} must be an ISO 8601 date and time such as 2026-12-07T10:15:30.000Z, got ${JSON.stringify(v)}`);
  return v;
}

function optionalSeconds(body: Body, name: string): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw bad(`${name} must be a whole number of seconds (0 or more), got ${JSON.stringify(v)}`);
  return v;
}

/** `callAttributes`: Salesforce takes a JSON string of field values; an object is taken too. Values become text. */
function attributesOf(body: Body): Record<string, string> | undefined {
  let v = body.callAttributes;
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v) as unknown;
    } catch {
      throw bad(`callAttributes must be a JSON object (as a string), got ${JSON.stringify(body.callAttributes)}`);
    }
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('callAttributes must be a JSON object of field values');
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v as Body)) {
    if (value !== null && typeof value === 'object') throw bad(`callAttributes.${k} must be a text, number or boolean value`);
    out[k] = value === null ? '' : String(value);
  }
  return out;
}

export function createTelephonyApi(db: OpenConsoleDb, options: TelephonyApiOptions): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const certificateOf = (name: string): string | undefined => {
    const cc = db.callCenters.list().find((c) => c.internalName.toLowerCase() === name.toLowerCase());
    return cc ? (db.callCenters.get(cc.id)?.settings[CERTIFICATE_SETTING] ?? '') : undefined;
  };

  /** The call (by Id or key) of the caller's call center; NOT_FOUND for another call center's, as for none. */
  const callOf = (caller: TelephonyCaller, idOrKey: string) => {
    const call = db.voiceCalls.get(idOrKey);
    const mine = db.callCenters.get(caller.callCenter)?.id;
    if (!call || call.callCenterId !== mine)
      throw new TelephonyApiError(404, 'NOT_FOUND', `No VoiceCall with Id or vendorCallKey '${idOrKey}' in call center '${caller.callCenter}'`);
    return call;
  };

  function createInput(caller: TelephonyCaller, body: Body, vendorCallKeyFromPath?: string) {
    const given: Body = vendorCallKeyFromPath !== undefined ? { ...body, vendorCallKey: vendorCallKeyFromPath } : body;
    const missing = CREATE_PARAMS.filter((p) => given[p] === undefined || given[p] === null || given[p] === '');
    if (missing.length) throw bad(`Required field${missing.length > 1 ? 's are' : ' is'} missing: ${missing.join(', ')}`, 'REQUIRED_FIELD_MISSING');
    const callCenter = optionalString(given, 'callCenterApiName')!;
    if (callCenter.toLowerCase() !== caller.callCenter.toLowerCase()) {
      throw new TelephonyApiError(
        403,
        'INVALID_CALL_CENTER',
        `callCenterApiName '${callCenter}' is not the call center the JWT was issued for ('${caller.callCenter}')`,
      );
    }
    const method = optionalString(given, 'initiationMethod')! as VoiceCallType;
    if (!INITIATION_METHODS.includes(method)) throw bad(`initiationMethod must be one of ${INITIATION_METHODS.join(', ')}, got '${method}'`);
    const parent = optionalString(given, 'parentVoiceCallId');
    if (method === 'Transfer' && !parent)
      throw bad("parentVoiceCallId is required for a Transfer (the parent call's VoiceCall Id or vendorCallKey)", 'REQUIRED_FIELD_MISSING');
    const participants = given.participants;
    if (!Array.isArray(participants) || participants.length === 0) throw bad('participants must be a non-empty array of {participantKey, type}');
    participants.forEach((p: unknown, i) => {
      const o = p as Body | null;
      if (typeof o !== 'object' || o === null || typeof o.participantKey !== 'string' || !PARTICIPANT_TYPES.includes(String(o.type))) {
        throw bad(`participants[${i}] must be {participantKey: string, type: ${PARTICIPANT_TYPES.join(' | ')}}`);
      }
    });
    const attributes = attributesOf(given);
    const callOrigin = optionalString(given, 'callOrigin');
    return {
      vendorCallKey: optionalString(given, 'vendorCallKey')!,
      callCenter: caller.callCenter,
      callType: method,
      from: optionalString(given, 'from')!,
      to: optionalString(given, 'to')!,
      startTime: optionalTime(given, 'startTime')!,
      ...(parent ? { parentVoiceCall: parent } : {}),
      ...(callOrigin ? { callOrigin } : {}),
      ...(attributes ? { callAttributes: attributes } : {}),
    };
  }

  function changesOf(body: Body): VoiceCallChanges {
    const unknown = Object.keys(body).filter((k) => !UPDATE_PARAMS.has(k));
    if (unknown.length) throw bad(`Unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, 'INVALID_FIELD');
    const changes: { -readonly [K in keyof VoiceCallChanges]: VoiceCallChanges[K] } = {};
    const set = <K extends keyof VoiceCallChanges>(key: K, value: VoiceCallChanges[K] | undefined) => {
      if (value !== undefined) changes[key] = value;
    };
    set('startTime', optionalTime(body, 'startTime'));
    set('endTime', optionalTime(body, 'endTime'));
    set('queuedTime', optionalTime(body, 'enqueueTime'));
    set('acceptTime', optionalTime(body, 'acceptTime'));
    set('fromNumber', optionalString(body, 'fromNumber'));
    set('totalHoldDuration', optionalSeconds(body, 'totalHoldDuration'));
    set('longestHoldDuration', optionalSeconds(body, 'longestHoldDuration'));
    set('numberOfHolds', optionalSeconds(body, 'numberOfHolds'));
    set('agentInteractionDuration', optionalSeconds(body, 'agentInteractionDuration'));
    set('queueName', optionalString(body, 'queue'));
    set('callOrigin', optionalString(body, 'callOrigin'));
    set('disconnectReason', optionalString(body, 'disconnectReason'));
    set('callAttributes', attributesOf(body));
    const agent = optionalString(body, 'agent');
    if (agent !== undefined) set('userId', userIdOf(agent));
    if (body.isActiveCall !== undefined) {
      if (typeof body.isActiveCall !== 'boolean') throw bad(`isActiveCall must be true or false, got ${JSON.stringify(body.isActiveCall)}`);
      set('isActiveCall', body.isActiveCall);
    } else if (changes.endTime !== undefined) {
      // A call with an end is over unless the vendor says otherwise.
      set('isActiveCall', false);
    }
    const location = optionalString(body, 'recordingLocation');
    const duration = optionalSeconds(body, 'totalRecordingDuration');
    if (location !== undefined && location !== '') set('recording', { location, durationSeconds: duration ?? null });
    else if (duration !== undefined) throw bad("totalRecordingDuration needs recordingLocation (together they make the call's VoiceCallRecording)");
    return changes;
  }

  /** `agent`: a User Id or Username of the org. */
  function userIdOf(agent: string): string {
    const byId = db.retrieveById(agent, ['Id']);
    if (byId && byId.attributes.type === 'User') return String(byId.Id);
    const row = db.prepare('SELECT "Id" FROM "sobj_User" WHERE "Username" = ? COLLATE NOCASE').get(agent) as { Id: string } | undefined;
    if (!row) throw bad(`agent '${agent}' is not a user of the org (a User Id or Username)`);
    return row.Id;
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string[]): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    // path: segments after /telephony/v1
    if (path[0] !== 'voiceCalls' || path.length > 3) throw new TelephonyApiError(404, 'NOT_FOUND', `No such resource: ${TELEPHONY_API_PATH}/${path.join('/')}`);
    const allowed =
      path.length === 1
        ? 'POST'
        : path.length === 2
          ? 'PATCH'
          : path[2] === 'messages'
            ? 'POST'
            : path[2] === 'omniFlow' || path[2] === 'clearRouting'
              ? 'PATCH'
              : undefined;
    if (!allowed) throw new TelephonyApiError(404, 'NOT_FOUND', `No such resource: ${TELEPHONY_API_PATH}/${path.join('/')}`);
    if (method !== allowed) throw new TelephonyApiError(405, 'METHOD_NOT_ALLOWED', `HTTP method ${method} is not allowed here; allowed is ${allowed}`);
    const caller = await verifyTelephonyToken(req.headers.authorization, { orgId: options.orgId, certificateOf, ...(options.now ? { now: options.now } : {}) });
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    if (!/^application\/json\s*(;|$)/.test(type) && !(path[2] === 'clearRouting' && !hasBody(req))) {
      throw new TelephonyApiError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `Content type '${type || '(none)'}' is not supported by the emulator; send application/json (Salesforce also takes XML)`,
      );
    }
    const body = objectBody(await readJsonBody(req));
    const key = path[1];

    if (path.length === 1) {
      const { voiceCall } = db.voiceCalls.createOrGet(createInput(caller, body));
      return sendJson(res, 200, { voiceCallId: voiceCall.id });
    }
    if (path.length === 2) {
      const changes = changesOf(body);
      const exists = db.voiceCalls.get(key!);
      if (!exists && body.callCenterApiName !== undefined) {
        db.transaction(() => {
          const created = db.voiceCalls.createOrGet(createInput(caller, body, key)).voiceCall;
          db.voiceCalls.update(created.id, changes);
        });
      } else {
        db.voiceCalls.update(callOf(caller, key!).id, changes);
      }
      return sendNoContent(res);
    }
    const call = callOf(caller, key!);
    if (path[2] === 'messages') {
      const participantId = optionalString(body, 'participantId');
      const time = (name: string): number | undefined => {
        const v = body[name];
        if (v === undefined || v === null) return undefined;
        if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
          throw bad(`${name} must be milliseconds since the epoch (a whole number), got ${JSON.stringify(v)}`);
        return v;
      };
      const missing = ['messageId', 'content', 'senderType'].filter((p) => typeof body[p] !== 'string' || body[p] === '');
      if (missing.length) throw bad(`Required field${missing.length > 1 ? 's are' : ' is'} missing: ${missing.join(', ')}`, 'REQUIRED_FIELD_MISSING');
      const [startTime, endTime] = [time('startTime'), time('endTime')];
      db.voiceCalls.addMessage(call.id, {
        messageId: String(body.messageId),
        content: String(body.content),
        senderType: String(body.senderType) as 'END_USER',
        ...(participantId !== undefined ? { participantId } : {}),
        ...(startTime !== undefined ? { startTime } : {}),
        ...(endTime !== undefined ? { endTime } : {}),
      });
      return sendNoContent(res);
    }
    if (path[2] === 'omniFlow') {
      const flow = optionalString(body, 'flowDevName') ?? optionalString(body, 'flowName');
      if (!flow) throw bad("Required field is missing: flowDevName (the Omni-Channel flow's API name)", 'REQUIRED_FIELD_MISSING');
      for (const name of ['fallbackQueue', 'dialedNumber']) optionalString(body, name);
      if (
        body.flowInputParameters !== undefined &&
        (typeof body.flowInputParameters !== 'object' || body.flowInputParameters === null || Array.isArray(body.flowInputParameters))
      ) {
        throw bad('flowInputParameters must be an object');
      }
      db.voiceCalls.recordRouting(call.id, 'omniFlow', body);
      return sendNoContent(res);
    }
    db.voiceCalls.recordRouting(call.id, 'clearRouting', body);
    return sendNoContent(res);
  }

  return async function handleTelephony(req, res) {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    if (!isTelephonyApiPath(url.pathname)) return false;
    const path = url.pathname
      .slice(TELEPHONY_API_PATH.length)
      .split('/')
      .filter((p) => p !== '')
      .map((p) => {
        try {
          return decodeURIComponent(p);
        } catch {
          return p;
        }
      });
    try {
      await route(req, res, path);
    } catch (e) {
      if (e instanceof TelephonyApiError) sendError(res, e.status, e.errorCode, e.message);
      else if (e instanceof SalesforceError) {
        const first = e.errors[0]!;
        const param = first.fields.map((f) => PARAM_OF_FIELD[f] ?? f)[0];
        sendError(
          res,
          first.errorCode === 'NOT_FOUND' ? 404 : 400,
          first.errorCode,
          param && !first.message.startsWith(param) ? `${param}: ${first.message}` : first.message,
        );
      } else sendError(res, 500, 'UNKNOWN_EXCEPTION', e instanceof Error ? e.message : String(e));
    }
    return true;
  };
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  try {
    return await readJson(req);
  } catch (e) {
    if (e instanceof SalesforceError) throw bad(e.message, e.errorCode);
    throw e;
  }
}

function sendError(res: ServerResponse, status: number, errorCode: string, message: string): void {
  sendJson(res, status, { errorCode, message });
}
