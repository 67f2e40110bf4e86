/* eslint-disable prefer-rest-params -- the fake inspects `arguments` as Salesforce's library does (it refuses a second argument). */
/**
 * A behaving fake of `sforce.interaction` (Classic) over a `FakeOrg`: callbacks answered later with
 * `{result, error}` and JSON-string results, listeners that are never removed, screen pops as
 * Classic URLs, saveLog validation by the org.
 */
import { keyPrefixOf, type FakeOrg, type FakePop } from '../fake/fake-org.ts';
import type { Fn } from './sforce-arguments.ts';
import type { Injection, SforceRecorder } from './sforce-recorder.ts';

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

export function createFakeInteraction(org: FakeOrg, recorder: SforceRecorder): Record<string, unknown> {
  const { enter, hung } = recorder;

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
  const pageInfo = (payload: Readonly<Record<string, unknown>>): string =>
    JSON.stringify({
      url: payload.url,
      objectId: payload.recordId ?? '',
      object: payload.objectType ?? '',
      objectName: payload.recordName ?? '',
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
      org.onClickToDial((p) =>
        queueMicrotask(() =>
          listener({
            result: JSON.stringify({
              number: p.number,
              objectId: p.recordId ?? '',
              objectName: p.recordName ?? '',
              object: p.objectType ?? '',
              displayName: p.objectType ?? '',
            }),
          }),
        ),
      );
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
      answer('setVisible', callback, inj, () =>
        typeof value === 'boolean' ? (org.setPanel({ visible: value }), { result: true }) : { error: 'value must be a boolean' },
      );
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
      if (typeof object !== 'string' || typeof saveParams !== 'string')
        throw new Error('saveLog(object, saveParams, callback): object and saveParams must be strings');
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
        const result: Record<string, unknown> = Object.fromEntries(
          matches.map((m) => [m.id, { Name: m.name, object: m.objectType, displayName: m.objectType }]),
        );
        if (pop) result.screenPopUrl = classicUrlFor(pop, keyPrefixOf);
        return { result: JSON.stringify(result) };
      });
      void queryParams;
    },
  };

  return interaction;
}
