/**
 * The emulator's `sforce.opencti` (Open CTI for Lightning Experience). It behaves as Salesforce's
 * library does, as far as a softphone can observe: it refuses to start without
 * `sfdcIframeOrigin` + `mode` (throwing the exact string Salesforce throws), validates arguments
 * synchronously with Salesforce's messages, posts each call to the parent frame targeted at
 * sfdcIframeOrigin, accepts replies only from that origin with its apiVersion/apiType, runs the
 * one-shot callback `methodName_callId` and every listener registered for the method (never removed).
 */
import { OPENCTI_API_TYPE, isApiReply, isTrustedTopOrigin, type LibraryConfig, type OpenCtiResponse } from './protocol.ts';
import { firstString, parseQueryString } from './query-string.ts';

export const INIT_FAILURE = 'Failed to initialize Open CTI. Ensure that it is loaded from the right frame with correct URL parameters';
export const ONE_OBJECT = 'Must pass in only one object which holds arguments to this API method call.';
export const MISSING_CALLBACK = 'Missing the required argument `callback`!';
export const MISSING_LISTENER = 'Missing the required argument `listener`!';
export const MISSING_VALUE = 'Missing the required argument `value object`!';

type Fn = (data: unknown) => void;
type Args = Record<string, unknown>;

function validateArguments(args: readonly unknown[], optional = false): void {
  if (optional && args.length === 0) return;
  const first: unknown = args[0];
  if (!(args.length === 1 && typeof first === 'object' && first !== null && Object.keys(first).length > 0)) {
    throw new Error(ONE_OBJECT);
  }
}
function validateCallback(args: Args | undefined): void {
  if (!(args && typeof args.callback === 'function')) throw new Error(MISSING_CALLBACK);
}
function validateListener(args: Args | undefined): void {
  if (!(args && typeof args.listener === 'function')) throw new Error(MISSING_LISTENER);
}
function validateValue(args: Args | undefined): void {
  if (!(args && typeof args.value === 'object')) throw new Error(MISSING_VALUE);
}
const callbackOf = (args: Args | undefined): Fn | undefined => (args && typeof args.callback === 'function' ? (args.callback as Fn) : undefined);

export interface OpenCtiLightning {
  readonly SCREENPOP_TYPE: Readonly<Record<string, string>>;
  readonly CALL_TYPE: Readonly<Record<string, string>>;
  readonly [method: string]: unknown;
}

/**
 * Builds the library for `win` (the softphone frame). Like Salesforce's, the object exists before
 * `initialize()` runs; `initialize()` throws INIT_FAILURE (a string, as Salesforce does) when the
 * frame's URL lacks the parameters or names an untrusted origin.
 */
export function createOpenCtiLightning(win: Window, config: LibraryConfig): OpenCtiLightning {
  let sfdcIframeOrigin = '';
  const apiVersion = config.apiVersion;
  const callbacks = new Map<string, Fn>();
  const listeners = new Map<string, Fn[]>();
  let nextCallId = 0;

  const onMessage = (event: MessageEvent): void => {
    const data: unknown = event.data;
    if (event.origin !== sfdcIframeOrigin || !isApiReply(data) || data.apiVersion !== apiVersion || data.apiType !== OPENCTI_API_TYPE) return;
    const key = `${data.methodName}_${data.callId}`;
    const callback = callbacks.get(key);
    if (callback) {
      callbacks.delete(key);
      callback.call(null, data.response);
    }
    for (const listener of listeners.get(data.methodName) ?? []) listener.call(null, data.response);
  };

  function invoke(methodName: string, args: Args, callback?: Fn, listener?: Fn): void {
    const callId = nextCallId++;
    let isCallbackRegistered = false;
    let isListenerRegistered = false;
    if (typeof callback === 'function') {
      callbacks.set(`${methodName}_${callId}`, callback);
      isCallbackRegistered = true;
    }
    if (typeof listener === 'function') {
      const list = listeners.get(methodName) ?? [];
      list.push(listener);
      listeners.set(methodName, list);
      isListenerRegistered = true;
    }
    win.parent.postMessage({ methodName, callId, apiVersion, apiType: OPENCTI_API_TYPE, isCallbackRegistered, isListenerRegistered, args }, sfdcIframeOrigin);
  }

  // Lightning Message Service: the subscribe callback yields the subscription; messages for it
  // arrive as `subscribe` events carrying the subscriptionId.
  const lmsListeners = new Map<string, Fn>();
  listeners.set('lmsMessage', [
    (data: unknown) => {
      const d = data as { subscriptionId?: unknown; message?: unknown } | null;
      if (d && typeof d.subscriptionId === 'string') lmsListeners.get(d.subscriptionId)?.call(null, d.message);
    },
  ]);

  const api: Record<string, unknown> = {
    initialize() {
      const params = parseQueryString(win.location.search);
      const origin = firstString(params.sfdcIframeOrigin);
      const mode = firstString(params.mode);
      if (!(origin && mode && isTrustedTopOrigin(origin, config.allowLocalOrigins) && origin.indexOf(win.location.protocol) === 0)) {
        throw INIT_FAILURE;
      }
      sfdcIframeOrigin = origin;
      win.addEventListener('message', onMessage, false);
    },
    SCREENPOP_TYPE: { URL: 'url', SOBJECT: 'sobject', OBJECTHOME: 'objecthome', LIST: 'list', SEARCH: 'search', NEW_RECORD_MODAL: 'newRecord', FLOW: 'flow' },
    CALL_TYPE: { INBOUND: 'inbound', OUTBOUND: 'outbound', INTERNAL: 'internal' },
    setSoftphonePanelVisibility(...argv: unknown[]) {
      validateArguments(argv);
      const args = argv[0] as Args;
      invoke('setSoftphonePanelVisibility', { visible: args.visible }, callbackOf(args));
    },
    isSoftphonePanelVisible(...argv: unknown[]) {
      validateArguments(argv);
      const args = argv[0] as Args;
      validateCallback(args);
      invoke('isSoftphonePanelVisible', {}, callbackOf(args));
    },
    screenPop(...argv: unknown[]) {
      validateArguments(argv);
      const args = argv[0] as Args;
      invoke('screenPop', { type: args.type, params: args.params }, callbackOf(args));
    },
    searchAndScreenPop(...argv: unknown[]) {
      validateArguments(argv);
      const args = argv[0] as Args;
      invoke(
        'searchAndScreenPop',
        {
          searchParams: args.searchParams,
          callType: args.callType,
          queryParams: args.queryParams,
          defaultFieldValues: args.defaultFieldValues,
          deferred: args.deferred,
          params: args.params,
        },
        callbackOf(args),
      );
    },
    getAppViewInfo(...argv: unknown[]) {
      validateArguments(argv);
      const args = argv[0] as Args;
      validateCallback(args);
      invoke('getAppViewInfo', {}, callbackOf(args));
    },
    saveLog(...argv: unknown[]) {
      validateArguments(argv);
      const args = argv[0] as Args;
      validateValue(args);
      invoke('saveLog', { object: args.value }, callbackOf(args));
    },
    refreshView(...argv: unknown[]) {
      validateArguments(argv, true);
      const args = argv[0] as Args | undefined;
      invoke('refreshView', {}, callbackOf(args));
    },
    notifyInitializationComplete(args?: Args) {
      invoke('notifyInitializationComplete', {}, callbackOf(args));
    },
    setSoftphoneItemLabel(...argv: unknown[]) {
      validateArguments(argv);
      const args = argv[0] as Args;
      invoke('setSoftphoneItemLabel', { label: args.label }, callbackOf(args));
    },
    setSoftphonePanelLabel(...argv: unknown[]) {
      validateArguments(argv);
      const args = argv[0] as Args;
      invoke('setSoftphonePanelLabel', { label: args.label }, callbackOf(args));
    },
    setSoftphoneItemIcon(...argv: unknown[]) {
      validateArguments(argv);
      const args = argv[0] as Args;
      invoke('setSoftphoneItemIcon', { key: args.key }, callbackOf(args));
    },
    setSoftphonePanelIcon(...argv: unknown[]) {
      validateArguments(argv);
      const args = argv[0] as Args;
      invoke('setSoftphonePanelIcon', { key: args.key }, callbackOf(args));
    },
    setSoftphonePanelHeight(...argv: unknown[]) {
      validateArguments(argv);
      const args = argv[0] as Args;
      invoke('setSoftphonePanelHeight', { heightPX: args.heightPX }, callbackOf(args));
    },
    setSoftphonePanelWidth(...argv: unknown[]) {
      validateArguments(argv);
      const args = argv[0] as Args;
      invoke('setSoftphonePanelWidth', { widthPX: args.widthPX }, callbackOf(args));
    },
    getCallCenterSettings(...argv: unknown[]) {
      validateArguments(argv);
      const args = argv[0] as Args;
      validateCallback(args);
      invoke('getCallCenterSettings', {}, callbackOf(args));
    },
    onClickToDial(...argv: unknown[]) {
      validateArguments(argv);
      const args = argv[0] as Args;
      validateListener(args);
      invoke('onClickToDial', {}, undefined, args.listener as Fn);
    },
    enableClickToDial(...argv: unknown[]) {
      validateArguments(argv, true);
      const args = argv[0] as Args | undefined;
      invoke('enableClickToDial', {}, callbackOf(args));
    },
    disableClickToDial(...argv: unknown[]) {
      validateArguments(argv, true);
      const args = argv[0] as Args | undefined;
      invoke('disableClickToDial', {}, callbackOf(args));
    },
    getSoftphoneLayout(...argv: unknown[]) {
      validateArguments(argv);
      const args = argv[0] as Args;
      validateCallback(args);
      invoke('getSoftphoneLayout', {}, callbackOf(args));
    },
    onNavigationChange(...argv: unknown[]) {
      validateArguments(argv);
      const args = argv[0] as Args;
      validateListener(args);
      invoke('onNavigationChange', {}, undefined, args.listener as Fn);
    },
    runApex(...argv: unknown[]) {
      validateArguments(argv);
      const args = argv[0] as Args;
      invoke('runApex', { apexClass: args.apexClass, methodName: args.methodName, methodParams: args.methodParams }, callbackOf(args));
    },
  };

  if (apiVersion >= 46) {
    api.hvs = {
      onWorkStart(...argv: unknown[]) {
        validateArguments(argv);
        const args = argv[0] as Args;
        validateListener(args);
        invoke('hvs.onWorkStart', {}, undefined, args.listener as Fn);
      },
      completeWork(...argv: unknown[]) {
        validateArguments(argv);
        const args = argv[0] as Args;
        invoke('hvs.completeWork', { workId: args.workId, attributes: args.attributes }, callbackOf(args));
      },
    };
  }

  if (apiVersion >= 47) {
    api.subscribe = function subscribe(...argv: unknown[]) {
      validateArguments(argv);
      const args = argv[0] as Args;
      validateListener(args);
      const listener = args.listener as Fn;
      const callback = callbackOf(args);
      invoke('subscribe', { channelName: args.channelName }, (response: unknown) => {
        const r = response as OpenCtiResponse;
        const sub = r && r.success ? (r.returnValue as { subscriptionId?: unknown } | null) : null;
        if (sub && typeof sub.subscriptionId === 'string') lmsListeners.set(sub.subscriptionId, listener);
        callback?.call(null, response);
      });
    };
    api.unsubscribe = function unsubscribe(...argv: unknown[]) {
      validateArguments(argv);
      const args = argv[0] as Args;
      const subscription = args.subscription as { subscriptionId?: unknown } | undefined;
      const callback = callbackOf(args);
      invoke('unsubscribe', { subscription }, (response: unknown) => {
        const r = response as OpenCtiResponse;
        if (r && r.success && subscription && typeof subscription.subscriptionId === 'string') lmsListeners.delete(subscription.subscriptionId);
        callback?.call(null, response);
      });
    };
    api.publish = function publish(...argv: unknown[]) {
      validateArguments(argv);
      const args = argv[0] as Args;
      invoke('publish', { channelName: args.channelName, message: args.message }, callbackOf(args));
    };
  }
  return api as unknown as OpenCtiLightning;
}
