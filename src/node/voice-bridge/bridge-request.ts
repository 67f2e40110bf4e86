/**
 * The bridge API's request bodies, checked at the edge: each problem names the field and what was
 * expected, so a phone-system script author sees what to fix.
 */
import type { CreateVoiceCall, UpdateVoiceCall } from './scrt-client.ts';

export class BadRequest extends Error {
  override readonly name = 'BadRequest';
}

const MAX_KEY = 255;

/** `POST /v1/calls` → the create call for Salesforce. */
export function readStartCall(body: unknown, now: () => number): CreateVoiceCall {
  const o = object(body);
  const vendorCallKey = text(o, 'vendorCallKey', true, MAX_KEY) as string;
  const from = text(o, 'from', true, 255) as string;
  const to = text(o, 'to', true, 255) as string;
  const startTime = isoTime(o, 'startTime') ?? new Date(now()).toISOString();
  const method = o.initiationMethod ?? 'Inbound';
  if (method !== 'Inbound' && method !== 'Transfer') throw new BadRequest(`initiationMethod must be "Inbound" or "Transfer" (got ${JSON.stringify(method)})`);
  const parent = text(o, 'parentVendorCallKey', false, MAX_KEY);
  if (method === 'Transfer' && parent === undefined)
    throw new BadRequest('a Transfer needs parentVendorCallKey (the Call-ID of the call it was transferred from)');
  let callAttributes: Record<string, string> | undefined;
  if (o.callAttributes !== undefined) {
    if (!o.callAttributes || typeof o.callAttributes !== 'object' || Array.isArray(o.callAttributes))
      throw new BadRequest('callAttributes must be an object of field name → string value');
    callAttributes = {};
    for (const [k, v] of Object.entries(o.callAttributes as Record<string, unknown>)) {
      if (typeof v !== 'string') throw new BadRequest(`callAttributes.${k} must be a string (got ${typeof v})`);
      callAttributes[k] = v;
    }
  }
  return {
    vendorCallKey,
    from,
    to,
    startTime,
    initiationMethod: method,
    ...(parent !== undefined ? { parentVoiceCallId: parent } : {}),
    ...(callAttributes ? { callAttributes } : {}),
  };
}

/** `POST /v1/calls/{vendorCallKey}/end` → the update for Salesforce. */
export function readEndCall(body: unknown, now: () => number): UpdateVoiceCall {
  const o = body === undefined ? {} : object(body);
  const endTime = isoTime(o, 'endTime') ?? new Date(now()).toISOString();
  const disconnectReason = text(o, 'disconnectReason', false, 255);
  const recordingLocation = text(o, 'recordingLocation', false, 2000);
  const duration = o.totalRecordingDuration;
  if (duration !== undefined && (typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0)) {
    throw new BadRequest(`totalRecordingDuration must be a number of seconds ≥ 0 (got ${JSON.stringify(duration)})`);
  }
  if ((recordingLocation === undefined) !== (duration === undefined)) {
    throw new BadRequest('recordingLocation and totalRecordingDuration go together (Salesforce makes the VoiceCallRecording from both)');
  }
  const acceptTime = isoTime(o, 'acceptTime');
  const metrics: Record<string, number> = {};
  for (const name of METRICS) {
    const value = wholeSeconds(o, name);
    if (value !== undefined) metrics[name] = value;
  }
  if (metrics.longestHoldDuration !== undefined && metrics.totalHoldDuration !== undefined && metrics.longestHoldDuration > metrics.totalHoldDuration) {
    throw new BadRequest(`longestHoldDuration (${metrics.longestHoldDuration}) cannot exceed totalHoldDuration (${metrics.totalHoldDuration})`);
  }
  return {
    endTime,
    ...(disconnectReason !== undefined ? { disconnectReason } : {}),
    ...(recordingLocation !== undefined ? { recordingLocation, totalRecordingDuration: duration as number } : {}),
    ...(acceptTime !== undefined ? { acceptTime } : {}),
    ...metrics,
  };
}

/** The hold and interaction metrics `/end` takes: whole seconds (numberOfHolds a count), sent to Salesforce as they are. */
const METRICS = ['numberOfHolds', 'totalHoldDuration', 'longestHoldDuration', 'agentInteractionDuration'] as const;

function wholeSeconds(o: Record<string, unknown>, name: string): number | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new BadRequest(`${name} must be a whole number ≥ 0${name === 'numberOfHolds' ? '' : ' (seconds)'} (got ${JSON.stringify(v)})`);
  }
  return v;
}

/** The vendorCallKey of an `/end` path segment. */
export function readKeyFromPath(segment: string): string {
  let key: string;
  try {
    key = decodeURIComponent(segment);
  } catch {
    throw new BadRequest('the vendorCallKey in the path is not valid percent-encoding');
  }
  if (key === '' || key.length > MAX_KEY) throw new BadRequest(`the vendorCallKey in the path must be 1..${MAX_KEY} characters`);
  return key;
}

function object(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('the body must be a JSON object');
  return body as Record<string, unknown>;
}

function text(o: Record<string, unknown>, name: string, required: boolean, max: number): string | undefined {
  const v = o[name];
  if (v === undefined || v === null) {
    if (required) throw new BadRequest(`${name} is required (a non-empty string)`);
    return undefined;
  }
  if (typeof v !== 'string' || v.trim() === '') throw new BadRequest(`${name} must be a non-empty string (got ${JSON.stringify(v)})`);
  if (v.length > max) throw new BadRequest(`${name} is longer than ${max} characters`);
  return v;
}

function isoTime(o: Record<string, unknown>, name: string): string | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  // An ISO 8601 date-time with a zone: Salesforce stores UTC, a zoneless time would be ambiguous.
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/.test(v) || Number.isNaN(Date.parse(v))) {
    throw new BadRequest(`${name} must be an ISO 8601 date-time with a zone, e.g. 2026-12-07T02:00:00.000Z (got ${JSON.stringify(v)})`);
  }
  return new Date(v).toISOString();
}
