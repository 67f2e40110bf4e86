/* eslint-disable prefer-rest-params -- the fake inspects `arguments` as Salesforce's library does (it refuses a second argument). */
/**
 * Behaving fakes of `sforce.opencti` (Lightning) and `sforce.interaction` (Classic) over a
 * `FakeOrg`, for the bridges' unit tests. They do what the real libraries do as far as a softphone
 * can see: argument checks that throw with Salesforce's messages, callbacks answered later with
 * `{success, returnValue, errors}` (Lightning) or `{result, error}` with JSON-string results
 * (Classic), listeners that are never removed, SCREEN_POP_DATA for deferred searches, saveLog
 * validation by the org — plus failure injection per method (fail, hang, throw).
 */
import type { SalesforceErrorItem } from '../shared/salesforce-error.ts';
import { keyPrefixOf, type FakeOrg, type FakePop } from '../fake/fake-org.ts';

export const ONE_OBJECT = 'Must pass in only one object which holds arguments to this API method call.';
export const MISSING_CALLBACK = 'Missing the required argument `callback`!';
export const MISSING_LISTENER = 'Missing the required argument `listener`!';
export const MISSING_VALUE = 'Missing the required argument `value object`!';

type Fn = (data: unknown) => void;
type Args = Record<string, unknown>;

type Injection = { readonly kind: 'fail'; readonly errors: readonly SalesforceErrorItem[] } | { readonly kind: 'hang' } | { readonly kind: 'throw'; readonly message: string };

export interface FakeSforceControl {
  /** The `sforce` object installed on the target. */
  readonly sforce: { opencti: Record<string, unknown>; interaction: Record<string, unknown> };
  /** Every call: which API, which method, the arguments as passed. */
  readonly calls: { readonly api: 'opencti' | 'interaction'; readonly method: string; readonly args: readonly unknown[] }[];
  /** Calls whose callback has not been answered (hung). */
  readonly hung: string[];
  /** The next call of `method` answers with success:false (Classic: `{error}`). */
  failNext(method: string, errors?: readonly SalesforceErrorItem[]): void;
  /** The next call of `method` never answers. */
  hangNext(method: string): void;
  /** The next call of `method` throws synchronously (as an argument check would). */
  throwNext(method: string, message: string): void;
  /** Sales Engagement: starts a piece of work (hvs.onWorkStart listeners fire). */
  startWork(work: { workId: string; to: string }): void;
  /** hvs.completeWork calls received. */
  readonly completedWork: unknown[];
}

function validateArguments(args: IArguments, optional = false): void {
  if (optional && args.length === 0) return;
  const first: unknown = args[0];
  if (!(args.length === 1 && typeof first === 'object' && first !== null && Object.keys(first).length > 0)) throw new Error(ONE_OBJECT);
}
function requireCallback(args: Args | undefined): void {
  if (!(args && typeof args.callback === 'function')) throw new Error(MISSING_CALLBACK);
}
function requireListener(args: Args | undefined): void {
  if (!(args && typeof args.listener === 'function')) throw new Error(MISSING_LISTENER);
}

/** Classic's pop URLs for what Lightning would pop as `{type, params}`. */
export function classicUrlFor(pop: FakePop, keyPrefix: (objectType: string) => string): string {
  const p = pop.params;
  switch (pop.type) {
    case 'sobject':
      return `/${String(p.recordId)}`;
    case 'newRecord':
      return `/${keyPrefix(String(p.entityName))}/e`;
    case 'search':
      return `/_ui/search/ui/UnifiedSearchResults?str=${encodeURIComponent(String(p.searchString))}`;
    case 'url':
      return String(p.url);
    default:
      return '/home/home.jsp';
  }
}

function parseQuery(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split('&')) {
    const i = pair.indexOf('=');
    if (i > 0) out[decodeURIComponent(pair.slice(0, i))] = decodeURIComponent(pair.slice(i + 1).replace(/\+/g, ' '));
  }
  return out;
}

/**
 * Installs `sforce.opencti` and `sforce.interaction` on `target` (a FakeWindow, or any object).
 * `apiVersion` below 47 leaves out LMS, below 46 hvs, as the real library does.
 */
export function installFakeSforce(target: { sforce?: unknown }, org: FakeOrg, options: { readonly apiVersion?: number } = {}): FakeSforceControl {
  const apiVersion = options.apiVersion ?? 62;
  const injections = new Map<string, Injection[]>();
  const calls: FakeSforceControl['calls'] = [];
  const hung: string[] = [];
  const completedWork: unknown[] = [];
  const workListeners: Fn[] = [];
  const subscriptions = new Map<string, () => void>();
  let nextSubscription = 1;

  const take = (method: string): Injection | undefined => injections.get(method)?.shift();

  /** Runs an injected throw, then records the call. */
  function enter(api: 'opencti' | 'interaction', method: string, args: readonly unknown[]): Injection | undefined {
    calls.push({ api, method, args });
    const injection = take(method);
    if (injection?.kind === 'throw') throw new Error(injection.message);
    return injection;
  }

  // ── Lightning ────────────────────────────────────────────────────────────────────────
  function respond(method: string, args: Args | undefined, injection: Injection | undefined, work: () => { ok: true; value: unknown } | { ok: false; errors: readonly SalesforceErrorItem[] } | 'hang'): void {
    const callback = args && typeof args.callback === 'function' ? (args.callback as Fn) : undefined;
    queueMicrotask(() => {
      if (injection?.kind === 'hang') {
        hung.push(method);
        return;
      }
      if (injection?.kind === 'fail') {
        callback?.({ success: false, returnValue: null, errors: injection.errors });
        return;
      }
      const result = work();
      if (result === 'hang') {
        hung.push(method);
        return;
      }
      callback?.(result.ok ? { success: true, returnValue: result.value, errors: null } : { success: false, returnValue: null, errors: result.errors });
    });
  }
  const ok = (value: unknown = null) => ({ ok: true as const, value });
  const bad = (description: string, code = 'INVALID_PARAM') => ({ ok: false as const, errors: [{ code, description }] });

  const opencti: Record<string, unknown> = {
    SCREENPOP_TYPE: { URL: 'url', SOBJECT: 'sobject', OBJECTHOME: 'objecthome', LIST: 'list', SEARCH: 'search', NEW_RECORD_MODAL: 'newRecord', FLOW: 'flow' },
    CALL_TYPE: { INBOUND: 'inbound', OUTBOUND: 'outbound', INTERNAL: 'internal' },
    enableClickToDial(args?: Args) {
      validateArguments(arguments, true);
      const inj = enter('opencti', 'enableClickToDial', [...arguments]);
      respond('enableClickToDial', args, inj, () => ((org.clickToDialEnabled = true), ok()));
    },
    disableClickToDial(args?: Args) {
      validateArguments(arguments, true);
      const inj = enter('opencti', 'disableClickToDial', [...arguments]);
      respond('disableClickToDial', args, inj, () => ((org.clickToDialEnabled = false), ok()));
    },
    onClickToDial(args: Args) {
      validateArguments(arguments);
      requireListener(args);
      enter('opencti', 'onClickToDial', [...arguments]);
      const listener = args.listener as Fn;
      org.onClickToDial((payload) => queueMicrotask(() => listener(payload)));
    },
    getAppViewInfo(args: Args) {
      validateArguments(arguments);
      requireCallback(args);
      const inj = enter('opencti', 'getAppViewInfo', [...arguments]);
      respond('getAppViewInfo', args, inj, () => ok({ url: '/lightning/page/home', recordId: '', recordName: '', objectType: '' }));
    },
    onNavigationChange(args: Args) {
      validateArguments(arguments);
      requireListener(args);
      enter('opencti', 'onNavigationChange', [...arguments]);
      const listener = args.listener as Fn;
      org.onNavigation((payload) => queueMicrotask(() => listener(payload)));
    },
    getCallCenterSettings(args: Args) {
      validateArguments(arguments);
      requireCallback(args);
      const inj = enter('opencti', 'getCallCenterSettings', [...arguments]);
      respond('getCallCenterSettings', args, inj, () => ok({ ...org.callCenterSettings }));
    },
    getSoftphoneLayout(args: Args) {
      validateArguments(arguments);
      requireCallback(args);
      const inj = enter('opencti', 'getSoftphoneLayout', [...arguments]);
      respond('getSoftphoneLayout', args, inj, () => ok(JSON.parse(JSON.stringify(org.layout)) as unknown));
    },
    isSoftphonePanelVisible(args: Args) {
      validateArguments(arguments);
      requireCallback(args);
      const inj = enter('opencti', 'isSoftphonePanelVisible', [...arguments]);
      respond('isSoftphonePanelVisible', args, inj, () => ok({ visible: org.panel.visible }));
    },
    setSoftphonePanelVisibility(args: Args) {
      validateArguments(arguments);
      const inj = enter('opencti', 'setSoftphonePanelVisibility', [...arguments]);
      respond('setSoftphonePanelVisibility', args, inj, () => (typeof args.visible === 'boolean' ? (org.setPanel({ visible: args.visible }), ok()) : bad('visible must be a boolean')));
    },
    setSoftphonePanelHeight(args: Args) {
      validateArguments(arguments);
      const inj = enter('opencti', 'setSoftphonePanelHeight', [...arguments]);
      respond('setSoftphonePanelHeight', args, inj, () => {
        const error = typeof args.heightPX === 'number' ? org.setPanel({ height: args.heightPX }) : 'heightPX must be a number';
        return error ? bad(error) : ok();
      });
    },
    setSoftphonePanelWidth(args: Args) {
      validateArguments(arguments);
      const inj = enter('opencti', 'setSoftphonePanelWidth', [...arguments]);
      respond('setSoftphonePanelWidth', args, inj, () => {
        const error = typeof args.widthPX === 'number' ? org.setPanel({ width: args.widthPX }) : 'widthPX must be a number';
        return error ? bad(error) : ok();
      });
    },
    ...Object.fromEntries(['setSoftphonePanelLabel', 'setSoftphoneItemLabel'].map((method) => [method, function (this: unknown, args: Args) {
      validateArguments(arguments);
      const inj = enter('opencti', method, [...arguments]);
      respond(method, args, inj, () => (typeof args.label === 'string' ? ok() : bad('label must be a string')));
    }])),
    ...Object.fromEntries(['setSoftphonePanelIcon', 'setSoftphoneItemIcon'].map((method) => [method, function (this: unknown, args: Args) {
      validateArguments(arguments);
      const inj = enter('opencti', method, [...arguments]);
      respond(method, args, inj, () => (typeof args.key === 'string' && args.key !== '' ? ok() : bad('key must be an SLDS icon name')));
    }])),
    notifyInitializationComplete(args?: Args) {
      const inj = enter('opencti', 'notifyInitializationComplete', [...arguments]);
      respond('notifyInitializationComplete', args, inj, () => ((org.initializationCompleted = true), ok()));
    },
    refreshView(args?: Args) {
      validateArguments(arguments, true);
      const inj = enter('opencti', 'refreshView', [...arguments]);
      respond('refreshView', args, inj, () => (org.refreshes++, ok()));
    },
    runApex(args: Args) {
      validateArguments(arguments);
      const inj = enter('opencti', 'runApex', [...arguments]);
      respond('runApex', args, inj, () => {
        const outcome = org.runApex(String(args.apexClass), String(args.methodName), String(args.methodParams ?? ''));
        return outcome.ok ? ok({ runApex: outcome.value }) : { ok: false, errors: outcome.errors };
      });
    },
    saveLog(args: Args) {
      validateArguments(arguments);
      if (!(args && typeof args.value === 'object')) throw new Error(MISSING_VALUE);
      const inj = enter('opencti', 'saveLog', [...arguments]);
      respond('saveLog', args, inj, () => {
        const value = (args.value ?? {}) as Record<string, unknown>;
        const { entityApiName, ...fields } = value;
        if (typeof entityApiName !== 'string') return bad('saveLog needs value.entityApiName (create) or value.Id (update)');
        const outcome = org.saveLog(entityApiName, fields);
        if (outcome.kind === 'hang') return 'hang';
        return outcome.kind === 'saved' ? ok({ recordId: outcome.id }) : { ok: false, errors: outcome.errors };
      });
    },
    screenPop(args: Args) {
      validateArguments(arguments);
      const inj = enter('opencti', 'screenPop', [...arguments]);
      respond('screenPop', args, inj, () => {
        const error = org.screenPop(args.type, args.params);
        return error ? bad(error) : ok();
      });
    },
    searchAndScreenPop(args: Args) {
      validateArguments(arguments);
      const inj = enter('opencti', 'searchAndScreenPop', [...arguments]);
      respond('searchAndScreenPop', args, inj, () => {
        if (typeof args.callType !== 'string' || !['inbound', 'outbound', 'internal'].includes(args.callType)) return bad('callType must be inbound, outbound or internal');
        if (typeof args.searchParams === 'string' && args.searchParams.length > 0 && args.searchParams.length < 3) return bad('searchParams must have at least 3 characters');
        return ok(org.searchAndScreenPop(args));
      });
    },
  };

  if (apiVersion >= 46) {
    opencti.hvs = {
      onWorkStart(args: Args) {
        validateArguments(arguments);
        requireListener(args);
        enter('opencti', 'hvs.onWorkStart', [...arguments]);
        workListeners.push(args.listener as Fn);
      },
      completeWork(args: Args) {
        validateArguments(arguments);
        const inj = enter('opencti', 'hvs.completeWork', [...arguments]);
        respond('hvs.completeWork', args, inj, () => {
          if (typeof args.workId !== 'string' || args.workId === '') return bad('workId is required');
          completedWork.push({ workId: args.workId, attributes: args.attributes });
          return ok();
        });
      },
    };
  }

  if (apiVersion >= 47) {
    opencti.subscribe = function subscribe(args: Args) {
      validateArguments(arguments);
      requireListener(args);
      const inj = enter('opencti', 'subscribe', [...arguments]);
      respond('subscribe', args, inj, () => {
        if (typeof args.channelName !== 'string' || args.channelName === '') return bad('channelName is required');
        const subscriptionId = `sub-${nextSubscription++}`;
        const listener = args.listener as Fn;
        subscriptions.set(subscriptionId, org.subscribe(args.channelName, (m) => queueMicrotask(() => listener(m))));
        return ok({ subscriptionId, channelName: args.channelName });
      });
    };
    opencti.unsubscribe = function unsubscribe(args: Args) {
      validateArguments(arguments);
      const inj = enter('opencti', 'unsubscribe', [...arguments]);
      respond('unsubscribe', args, inj, () => {
        const id = (args.subscription as { subscriptionId?: unknown } | undefined)?.subscriptionId;
        const off = typeof id === 'string' ? subscriptions.get(id) : undefined;
        if (!off) return bad('unknown subscription');
        off();
        subscriptions.delete(id as string);
        return ok();
      });
    };
    opencti.publish = function publish(args: Args) {
      validateArguments(arguments);
      const inj = enter('opencti', 'publish', [...arguments]);
      respond('publish', args, inj, () => {
        if (typeof args.channelName !== 'string' || args.channelName === '') return bad('channelName is required');
        org.publish(args.channelName, args.message);
        return ok();
      });
    };
  }

  // ── Classic ──────────────────────────────────────────────────────────────────────────
  type ClassicResult = { result?: unknown; error?: string; id?: string } | 'hang';
  function answer(method: string, callback: unknown, injection: Injection | undefined, work: () => ClassicResult): void {
    const cb = typeof callback === 'function' ? (callback as Fn) : undefined;
    queueMicrotask(() => {
      if (injection?.kind === 'hang') {
        hung.push(method);
        return;
      }
      if (injection?.kind === 'fail') {
        cb?.({ result: null, error: injection.errors.map((e) => `${e.code}: ${e.description}`).join('; ') });
        return;
      }
      const r = work();
      if (r === 'hang') {
        hung.push(method);
        return;
      }
      cb?.(r);
    });
  }
  const requireFn = (value: unknown, name: string): void => {
    if (typeof value !== 'function') throw new Error(`${name} must be a function`);
  };
  const pageInfo = (payload: Readonly<Record<string, unknown>>): string => JSON.stringify({
    url: payload.url, objectId: payload.recordId ?? '', object: payload.objectType ?? '', objectName: payload.recordName ?? '',
  });
  const popUrl = (url: string): string | undefined => {
    if (!url.startsWith('/')) return 'url must be relative';
    const id = /^\/([a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?)$/.exec(url)?.[1];
    return org.screenPop(id ? 'sobject' : 'url', id ? { recordId: id } : { url });
  };

  const cti = {
    enableClickToDial(callback?: Fn) {
      const inj = enter('interaction', 'cti.enableClickToDial', [...arguments]);
      answer('cti.enableClickToDial', callback, inj, () => ((org.clickToDialEnabled = true), { result: true }));
    },
    disableClickToDial(callback?: Fn) {
      const inj = enter('interaction', 'cti.disableClickToDial', [...arguments]);
      answer('cti.disableClickToDial', callback, inj, () => ((org.clickToDialEnabled = false), { result: true }));
    },
    onClickToDial(listener: Fn) {
      requireFn(listener, 'listener');
      enter('interaction', 'cti.onClickToDial', [...arguments]);
      org.onClickToDial((p) => queueMicrotask(() => listener({ result: JSON.stringify({ number: p.number, objectId: p.recordId ?? '', objectName: p.recordName ?? '', object: p.objectType ?? '', displayName: p.objectType ?? '' }) })));
    },
    getCallCenterSettings(callback: Fn) {
      requireFn(callback, 'callback');
      const inj = enter('interaction', 'cti.getCallCenterSettings', [...arguments]);
      answer('cti.getCallCenterSettings', callback, inj, () => ({ result: JSON.stringify(org.callCenterSettings) }));
    },
    getSoftphoneLayout(callback: Fn) {
      requireFn(callback, 'callback');
      const inj = enter('interaction', 'cti.getSoftphoneLayout', [...arguments]);
      answer('cti.getSoftphoneLayout', callback, inj, () => ({ result: JSON.stringify(org.layout) }));
    },
    getDirectoryNumbers(isGlobal: boolean, callCenterName: string | undefined, callback: Fn, resultSetPage?: number, resultSetPageSize?: number) {
      requireFn(callback, 'callback');
      const inj = enter('interaction', 'cti.getDirectoryNumbers', [...arguments]);
      answer('cti.getDirectoryNumbers', callback, inj, () => {
        if (resultSetPageSize !== undefined && resultSetPageSize > 10000) return { error: 'resultSetPageSize must be at most 10000' };
        const people = org.records.filter((r) => r.objectType === 'Contact' && r.phones?.length);
        const page = resultSetPage ?? 0;
        const size = resultSetPageSize ?? 5000;
        const slice = people.slice(page * size, page * size + size);
        const result: Record<string, unknown> = Object.fromEntries(slice.map((r) => [r.name, r.phones![0]]));
        result.hasNext = people.length > (page + 1) * size;
        return { result: JSON.stringify(result) };
      });
      void isGlobal;
      void callCenterName;
    },
    notifyInitializationComplete() {
      enter('interaction', 'cti.notifyInitializationComplete', [...arguments]);
      org.initializationCompleted = true;
    },
    setSoftphoneHeight(height: number, callback?: Fn) {
      const inj = enter('interaction', 'cti.setSoftphoneHeight', [...arguments]);
      answer('cti.setSoftphoneHeight', callback, inj, () => {
        const error = org.setPanel({ height });
        return error ? { error } : { result: true };
      });
    },
    setSoftphoneWidth(width: number, callback?: Fn) {
      const inj = enter('interaction', 'cti.setSoftphoneWidth', [...arguments]);
      answer('cti.setSoftphoneWidth', callback, inj, () => {
        const error = org.setPanel({ width });
        return error ? { error } : { result: true };
      });
    },
  };

  let currentPage = JSON.stringify({ url: '/home/home.jsp', objectId: '', object: '', objectName: '' });
  org.onNavigation((p) => {
    currentPage = pageInfo(p);
  });

  const interaction: Record<string, unknown> = {
    cti,
    entityFeed: {
      refreshObject(objectId: string, refreshFields: boolean, refreshRelatedLists: boolean, refreshFeed: boolean, callback: Fn) {
        const inj = enter('interaction', 'entityFeed.refreshObject', [...arguments]);
        answer('entityFeed.refreshObject', callback, inj, () => (objectId ? { result: true } : { error: 'objectId is required' }));
      },
      onObjectUpdate(callback: Fn) {
        requireFn(callback, 'callback');
        enter('interaction', 'entityFeed.onObjectUpdate', [...arguments]);
      },
      reloadFrame() {
        enter('interaction', 'entityFeed.reloadFrame', [...arguments]);
      },
    },
    getPageInfo(callback: Fn) {
      requireFn(callback, 'callback');
      const inj = enter('interaction', 'getPageInfo', [...arguments]);
      answer('getPageInfo', callback, inj, () => ({ result: currentPage }));
    },
    isInConsole(callback: Fn) {
      requireFn(callback, 'callback');
      const inj = enter('interaction', 'isInConsole', [...arguments]);
      answer('isInConsole', callback, inj, () => ({ result: true }));
    },
    isVisible(callback: Fn) {
      requireFn(callback, 'callback');
      const inj = enter('interaction', 'isVisible', [...arguments]);
      answer('isVisible', callback, inj, () => ({ result: org.panel.visible }));
    },
    setVisible(value: boolean, callback?: Fn) {
      const inj = enter('interaction', 'setVisible', [...arguments]);
      answer('setVisible', callback, inj, () => (typeof value === 'boolean' ? (org.setPanel({ visible: value }), { result: true }) : { error: 'value must be a boolean' }));
    },
    onFocus(listener: Fn) {
      requireFn(listener, 'listener');
      enter('interaction', 'onFocus', [...arguments]);
      org.onNavigation((p) => queueMicrotask(() => listener({ result: pageInfo(p) })));
    },
    refreshPage(callback?: Fn) {
      const inj = enter('interaction', 'refreshPage', [...arguments]);
      answer('refreshPage', callback, inj, () => (org.refreshes++, { result: true }));
    },
    refreshRelatedList(listName: string, callback?: Fn) {
      const inj = enter('interaction', 'refreshRelatedList', [...arguments]);
      answer('refreshRelatedList', callback, inj, () => (listName ? { result: true } : { error: 'listName is required' }));
    },
    runApex(apexClass: string, methodName: string, methodParams: string, callback?: Fn) {
      const inj = enter('interaction', 'runApex', [...arguments]);
      answer('runApex', callback, inj, () => {
        const outcome = org.runApex(apexClass, methodName, methodParams);
        if (!outcome.ok) return { error: outcome.errors.map((e) => e.description).join('; ') };
        return { result: typeof outcome.value === 'string' ? outcome.value : JSON.stringify(outcome.value) };
      });
    },
    saveLog(object: string, saveParams: string, callback?: Fn) {
      if (typeof object !== 'string' || typeof saveParams !== 'string') throw new Error('saveLog(object, saveParams, callback): object and saveParams must be strings');
      const inj = enter('interaction', 'saveLog', [...arguments]);
      answer('saveLog', callback, inj, () => {
        const outcome = org.saveLog(object, parseQuery(saveParams));
        if (outcome.kind === 'hang') return 'hang';
        return outcome.kind === 'saved' ? { result: true, id: outcome.id } : { result: false, error: outcome.errors.map((e) => `${e.description}`).join('; ') };
      });
    },
    screenPop(url: string, force?: boolean, callback?: Fn) {
      const inj = enter('interaction', 'screenPop', [...arguments]);
      answer('screenPop', callback, inj, () => {
        const error = popUrl(url);
        return error ? { result: false, error } : { result: true };
      });
      void force;
    },
    searchAndScreenPop(searchParams: string, queryParams: string, callType: string, callback?: Fn) {
      const inj = enter('interaction', 'searchAndScreenPop', [...arguments]);
      answer('searchAndScreenPop', callback, inj, () => {
        const matches = org.search(searchParams, callType || 'inbound');
        const pop = callType === 'outbound' || callType === 'internal' ? undefined : org.popFor(matches, searchParams, callType || 'inbound');
        if (pop) popUrl(classicUrlFor(pop, keyPrefixOf));
        return { result: JSON.stringify(Object.fromEntries(matches.map((m) => [m.id, { Name: m.name, object: m.objectType, displayName: m.objectType }]))) };
      });
      void queryParams;
    },
    searchAndGetScreenPopUrl(searchParams: string, queryParams: string, callType: string, callback?: Fn) {
      const inj = enter('interaction', 'searchAndGetScreenPopUrl', [...arguments]);
      answer('searchAndGetScreenPopUrl', callback, inj, () => {
        const matches = org.search(searchParams, callType || 'inbound');
        const pop = callType === 'internal' ? undefined : org.popFor(matches, searchParams, callType || 'inbound');
        const result: Record<string, unknown> = Object.fromEntries(matches.map((m) => [m.id, { Name: m.name, object: m.objectType, displayName: m.objectType }]));
        if (pop) result.screenPopUrl = classicUrlFor(pop, keyPrefixOf);
        return { result: JSON.stringify(result) };
      });
      void queryParams;
    },
  };

  const sforce = { opencti, interaction };
  target.sforce = sforce;

  return {
    sforce,
    calls,
    hung,
    completedWork,
    failNext(method, errors = [{ code: 'GENERIC_ERROR', description: `${method} failed (injected)` }]) {
      injections.set(method, [...(injections.get(method) ?? []), { kind: 'fail', errors }]);
    },
    hangNext(method) {
      injections.set(method, [...(injections.get(method) ?? []), { kind: 'hang' }]);
    },
    throwNext(method, message) {
      injections.set(method, [...(injections.get(method) ?? []), { kind: 'throw', message }]);
    },
    startWork(work) {
      for (const l of workListeners) queueMicrotask(() => l({ workId: work.workId, completeWorkWhen: 'TaskSaved', attributes: { to: work.to } }));
    },
  };
}
