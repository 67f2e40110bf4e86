/**
 * The emulator's `sforce.interaction` (Open CTI for Salesforce Classic): positional
 * arguments, callbacks receiving `{result, error}` where `result` is often a JSON string. It reads
 * `sfdcIFrameOrigin` (capital F, as Classic frames carry it), posts only to that origin and trusts
 * only replies from it. The console page (classic mode) does the work.
 */
import { INTERACTION_API_TYPE, isApiReply, isTrustedTopOrigin, type LibraryConfig } from './protocol.ts';
import { firstString, parseQueryString } from './query-string.ts';

export const CLASSIC_INIT_FAILURE = 'Failed to initialize Open CTI for Salesforce Classic: the softphone URL has no valid sfdcIFrameOrigin parameter';

type Fn = (data: unknown) => void;

export interface InteractionApi {
  readonly cti: Readonly<Record<string, unknown>>;
  readonly [method: string]: unknown;
}

export function createInteraction(win: Window, config: LibraryConfig): InteractionApi {
  const params = parseQueryString(win.location.search);
  const origin = firstString(params.sfdcIFrameOrigin);
  if (!(origin && isTrustedTopOrigin(origin, config.allowLocalOrigins) && origin.indexOf(win.location.protocol) === 0)) {
    throw CLASSIC_INIT_FAILURE;
  }
  const sfdcOrigin = origin;
  const nonce = firstString(params.nonce) ?? '';
  const callbacks = new Map<string, Fn>();
  const listeners = new Map<string, Fn[]>();
  let nextCallId = 0;

  win.addEventListener('message', (event: MessageEvent) => {
    const data: unknown = event.data;
    if (event.origin !== sfdcOrigin || !isApiReply(data) || data.apiType !== INTERACTION_API_TYPE) return;
    const key = `${data.methodName}_${data.callId}`;
    const cb = callbacks.get(key);
    if (cb) {
      callbacks.delete(key);
      cb(data.response);
    }
    for (const l of listeners.get(data.methodName) ?? []) l(data.response);
  });

  function invoke(methodName: string, args: Record<string, unknown>, callback?: unknown, listener?: unknown): void {
    const callId = nextCallId++;
    if (typeof callback === 'function') callbacks.set(`${methodName}_${callId}`, callback as Fn);
    if (typeof listener === 'function') listeners.set(methodName, [...(listeners.get(methodName) ?? []), listener as Fn]);
    win.parent.postMessage(
      {
        methodName,
        callId,
        apiVersion: config.apiVersion,
        apiType: INTERACTION_API_TYPE,
        nonce,
        isCallbackRegistered: typeof callback === 'function',
        isListenerRegistered: typeof listener === 'function',
        args,
      },
      sfdcOrigin,
    );
  }

  const cti = {
    enableClickToDial: (callback?: Fn) => invoke('enableClickToDial', {}, callback),
    disableClickToDial: (callback?: Fn) => invoke('disableClickToDial', {}, callback),
    onClickToDial: (listener: Fn) => invoke('onClickToDial', {}, undefined, listener),
    getCallCenterSettings: (callback: Fn) => invoke('getCallCenterSettings', {}, callback),
    getSoftphoneLayout: (callback: Fn) => invoke('getSoftphoneLayout', {}, callback),
    getDirectoryNumbers: (isGlobal: boolean, callCenterName: string, callback: Fn, resultSetPage?: number, resultSetPageSize?: number) =>
      invoke('getDirectoryNumbers', { isGlobal, callCenterName, resultSetPage, resultSetPageSize }, callback),
    notifyInitializationComplete: () => invoke('notifyInitializationComplete', {}),
    setSoftphoneHeight: (height: number, callback?: Fn) => invoke('setSoftphoneHeight', { height }, callback),
    setSoftphoneWidth: (width: number, callback?: Fn) => invoke('setSoftphoneWidth', { width }, callback),
  };

  return {
    cti,
    getPageInfo: (callback: Fn) => invoke('getPageInfo', {}, callback),
    isInConsole: (callback: Fn) => invoke('isInConsole', {}, callback),
    isVisible: (callback: Fn) => invoke('isVisible', {}, callback),
    setVisible: (value: boolean, callback?: Fn) => invoke('setVisible', { value }, callback),
    onFocus: (listener: Fn) => invoke('onFocus', {}, undefined, listener),
    refreshPage: (callback?: Fn) => invoke('refreshPage', {}, callback),
    refreshRelatedList: (listName: string, callback?: Fn) => invoke('refreshRelatedList', { listName }, callback),
    runApex: (apexClass: string, methodName: string, methodParams: string, callback?: Fn) =>
      invoke('runApex', { apexClass, methodName, methodParams }, callback),
    saveLog: (object: string, saveParams: string, callback?: Fn) => invoke('saveLog', { object, saveParams }, callback),
    screenPop: (url: string, force?: boolean, callback?: Fn) => invoke('screenPop', { url, force }, callback),
    searchAndScreenPop: (searchParams: string, queryParams: string, callType: string, callback?: Fn) =>
      invoke('searchAndScreenPop', { searchParams, queryParams, callType }, callback),
    searchAndGetScreenPopUrl: (searchParams: string, queryParams: string, callType: string, callback?: Fn) =>
      invoke('searchAndGetScreenPopUrl', { searchParams, queryParams, callType }, callback),
  };
}
