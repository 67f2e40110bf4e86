/**
 * The wire format between the emulator's Open CTI libraries (in the softphone frame) and the
 * console page (the top frame). Lightning's shape is Salesforce's own (opencti.js v43): a request
 * `{methodName, callId, apiVersion, apiType:'opencti', isCallbackRegistered, isListenerRegistered, args}`
 * and a reply `{methodName, callId, apiVersion, apiType:'opencti', response}`. Classic's
 * `interaction.js` uses the same envelope with `apiType:'interaction'` (its real wire format is not
 * public; only its callback shapes are, and those are what a softphone can see).
 */

export const OPENCTI_API_TYPE = 'opencti';
export const INTERACTION_API_TYPE = 'interaction';
/** Oldest Open CTI for Lightning version Salesforce serves. */
export const MIN_LIGHTNING_API_VERSION = 38;

export interface OpenCtiError {
  readonly code: string;
  readonly description: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** What every Lightning callback receives. */
export interface OpenCtiResponse {
  readonly success: boolean;
  readonly returnValue: unknown;
  readonly errors: readonly OpenCtiError[] | null;
}

export interface ApiRequest {
  readonly methodName: string;
  readonly callId: number;
  readonly apiVersion: number;
  readonly apiType: string;
  readonly isCallbackRegistered: boolean;
  readonly isListenerRegistered: boolean;
  readonly args: Readonly<Record<string, unknown>>;
}

export interface ApiReply {
  readonly methodName: string;
  /** The request's callId, or -1 for a listener event that answers no request. */
  readonly callId: number;
  readonly apiVersion: number;
  readonly apiType: string;
  readonly response: unknown;
}

/** Classic callbacks receive `{result, error}`; `result` is often a JSON string. */
export interface InteractionResponse {
  readonly result?: unknown;
  readonly error?: string;
}

/** Config the server wraps around the served bundle (see server/opencti-routes.ts). */
export interface LibraryConfig {
  readonly apiVersion: number;
  /** Local mode: also trust http(s)://127.0.0.1 / localhost origins (for `npm start` without host mapping). */
  readonly allowLocalOrigins: boolean;
}

/** Salesforce's own check on sfdcIframeOrigin (opencti.js v43). */
export const SALESFORCE_ORIGIN = /^http[s]?:\/\/[\w-.]+(\.force\.com|\.salesforce\.com)(:\d+)?$/;
/** Local mode's addition. */
export const LOCAL_ORIGIN = /^http[s]?:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/;

export function isTrustedTopOrigin(origin: string, allowLocal: boolean): boolean {
  return SALESFORCE_ORIGIN.test(origin) || (allowLocal && LOCAL_ORIGIN.test(origin));
}

export function isApiRequest(value: unknown, apiType: string): value is ApiRequest {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.apiType === apiType &&
    typeof v.methodName === 'string' &&
    typeof v.callId === 'number' &&
    typeof v.apiVersion === 'number' &&
    typeof v.args === 'object' &&
    v.args !== null
  );
}

export function isApiReply(value: unknown): value is ApiReply {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.methodName === 'string' && typeof v.callId === 'number' && typeof v.apiVersion === 'number';
}

/** The LMS channel presence travels on between the Omni-Channel utility and the softphone. */
export const PRESENCE_CHANNEL = 'SwitchboardPresence__c';

/**
 * A message on SwitchboardPresence__c. `source` says who published it so a side ignores its own
 * echo; `status` uses the core's presence status names.
 */
export interface PresenceMessage {
  readonly source: 'omni' | 'softphone';
  readonly status: 'available' | 'away' | 'offline' | 'on-call' | 'wrap-up';
  readonly reasonId?: string;
}

/** Lightning message channels known to the emulated org (LightningMessageChannel metadata). */
export const MESSAGE_CHANNELS: readonly string[] = [PRESENCE_CHANNEL, 'SwitchboardCallEvents__c'];
