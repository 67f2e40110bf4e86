/**
 * What the outbox writes through: create a log record, find one by CallObject, refresh the view.
 *
 * ## The `SwitchboardCallLog.findByCallObject` Apex contract
 * Open CTI has no query method, and a log whose save timed out may or may not exist. Before creating
 * a log again after such an uncertain failure, the outbox asks Salesforce through `runApex`:
 *
 *     runApex({ apexClass: 'SwitchboardCallLog', methodName: 'findByCallObject',
 *               methodParams: 'callObject=<url-encoded call id>&objectApiName=Task' })
 *
 * The Switchboard Salesforce package ships this class (and the console emulator registers a handler
 * of the same name): a `global` class whose `webService static String findByCallObject(String
 * callObject, String objectApiName)` returns the Id of the newest record of that object with
 * `CallObject = :callObject` owned by the running user, or `''`/null when there is none. We accept
 * the Id as the bare `runApex` value or as JSON `{"Id": "00T…"}` / `{"taskId": "00T…"}`.
 * If the class is missing (SERVER_ERROR "Could not load Apex class"), the lookup is unavailable
 * and the outbox falls back to creating (at-least-once) and logs a warning once.
 */
import { asRecord, isSalesforceId } from '../shared/records.ts';
import type { LogFields, SalesforceSurface } from '../shared/salesforce-surface.ts';

export const CALL_LOG_APEX_CLASS = 'SwitchboardCallLog';
export const CALL_LOG_APEX_METHOD = 'findByCallObject';

export interface LogWriter {
  /** Creates the record; resolves its Id. */
  create(objectApiName: string, fields: LogFields): Promise<string>;
  /** The Id of an existing record with this CallObject, or null. Rejects when it cannot tell. */
  findByCallObject(objectApiName: string, callObject: string): Promise<string | null>;
  /** Refreshes the agent's view so the new Task shows (best effort). */
  refresh(): Promise<void>;
}

/** Reads the Apex method's answer: an Id, '' / null (none), or JSON holding one. */
export function readFoundId(value: unknown): string | null {
  if (value === null || value === undefined || value === '' || value === 'null') return null;
  if (isSalesforceId(value)) return value;
  if (typeof value === 'string') {
    try {
      return readFoundId(JSON.parse(value) as unknown);
    } catch {
      throw new Error(`${CALL_LOG_APEX_CLASS}.${CALL_LOG_APEX_METHOD} returned '${value.slice(0, 80)}', which is not a record Id`);
    }
  }
  const o = asRecord(value);
  if (o) {
    for (const key of ['Id', 'id', 'taskId', 'recordId']) if (key in o) return readFoundId(o[key]);
    if ('runApex' in o) return readFoundId(o.runApex);
  }
  throw new Error(`${CALL_LOG_APEX_CLASS}.${CALL_LOG_APEX_METHOD} returned an unexpected value`);
}

export function surfaceLogWriter(surface: SalesforceSurface): LogWriter {
  return {
    create: (objectApiName, fields) => surface.saveLog(objectApiName, fields),
    findByCallObject: async (objectApiName, callObject) => {
      const params = `callObject=${encodeURIComponent(callObject)}&objectApiName=${encodeURIComponent(objectApiName)}`;
      return readFoundId(await surface.runApex(CALL_LOG_APEX_CLASS, CALL_LOG_APEX_METHOD, params));
    },
    refresh: () => surface.refreshView(),
  };
}

/** True when the error says the Apex class is not deployed (so the lookup can never work). */
export function isApexMissing(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /Could not load Apex class|No such Apex class|INVALID_APEX|does not exist/i.test(text);
}
