/**
 * Shape checks for what arrives over the tab relay's channel. A message from another tab is data
 * from outside this one (that tab may run another build of the connector), so tab-relay.ts drops
 * whatever these guards do not accept. They live apart from the relay's protocol so the rules for
 * a well-formed payload (a command type, a record, a screen pop and its outcome, an unsaved log, an
 * error) read in one place.
 */
import {
  isErrorCode,
  type AgentCommand,
  type CallDirection,
  type RecordRef,
  type ScreenPopOutcome,
  type ScreenPopRequest,
  type SerializedError,
  type UnsavedLog,
} from '../../core/index.ts';

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A record over every command type, so a command added to the core cannot be forgotten here
// (a follower tab could not send it).
const COMMAND_TYPE_TABLE: Readonly<Record<AgentCommand['type'], true>> = {
  'sign-in': true,
  'sign-out': true,
  'set-presence': true,
  dial: true,
  answer: true,
  decline: true,
  hangup: true,
  hold: true,
  resume: true,
  mute: true,
  dtmf: true,
  'blind-transfer': true,
  consult: true,
  'complete-transfer': true,
  conference: true,
  'leave-conference': true,
  swap: true,
  'choose-record': true,
  relate: true,
  'set-wrap-up': true,
  'complete-wrap-up': true,
  // The logs Salesforce refused live in the leader's outbox: a follower's Retry and Discard go there.
  'retry-log': true,
  'discard-log': true,
};
export const COMMAND_TYPES: ReadonlySet<string> = new Set(Object.keys(COMMAND_TYPE_TABLE));

const DIRECTIONS = new Set<CallDirection>(['inbound', 'outbound', 'internal']);
const OUTCOME_KINDS = new Set<ScreenPopOutcome['kind']>(['single', 'multiple', 'none', 'skipped']);

function isStringRecord(value: unknown): value is Readonly<Record<string, string>> {
  return isObject(value) && Object.values(value).every((v) => typeof v === 'string');
}

export function isRecordRef(value: unknown): value is RecordRef {
  return (
    isObject(value) &&
    typeof value['id'] === 'string' &&
    typeof value['objectType'] === 'string' &&
    (value['name'] === undefined || typeof value['name'] === 'string') &&
    (value['fields'] === undefined || isStringRecord(value['fields']))
  );
}

export function isScreenPopRequest(value: unknown): value is ScreenPopRequest {
  if (!isObject(value) || typeof value['callId'] !== 'string' || !DIRECTIONS.has(value['direction'] as CallDirection)) return false;
  const remote = value['remote'];
  return isObject(remote) && typeof remote['number'] === 'string' && isStringRecord(value['attachedData']);
}

export function isScreenPopOutcome(value: unknown): value is ScreenPopOutcome {
  if (!isObject(value) || !OUTCOME_KINDS.has(value['kind'] as ScreenPopOutcome['kind'])) return false;
  const records = value['records'];
  const explanation = value['explanation'];
  const newRecord = value['newRecord'];
  return (
    Array.isArray(records) &&
    records.every(isRecordRef) &&
    Array.isArray(explanation) &&
    explanation.every((line) => typeof line === 'string') &&
    (newRecord === undefined || (isObject(newRecord) && typeof newRecord['objectType'] === 'string' && isStringRecord(newRecord['defaults'])))
  );
}

/** The unsaved logs the leader mirrors: the panel renders their text and sends their ids back. */
export function isUnsavedLog(value: unknown): value is UnsavedLog {
  return (
    isObject(value) &&
    typeof value['callId'] === 'string' &&
    typeof value['title'] === 'string' &&
    typeof value['at'] === 'number' &&
    typeof value['reason'] === 'string' &&
    Array.isArray(value['fields']) &&
    value['fields'].every((f) => typeof f === 'string') &&
    (value['number'] === undefined || typeof value['number'] === 'string') &&
    (value['name'] === undefined || typeof value['name'] === 'string') &&
    (value['direction'] === undefined || DIRECTIONS.has(value['direction'] as CallDirection))
  );
}

export function isSerializedError(value: unknown): value is SerializedError {
  return isObject(value) && isErrorCode(value['code']) && typeof value['message'] === 'string';
}
