/* eslint-disable prefer-rest-params -- the fake inspects `arguments` as Salesforce's library does (it refuses a second argument). */
/**
 * A behaving fake of `sforce.opencti` (Lightning) over a `FakeOrg`: argument checks that throw with
 * Salesforce's messages, callbacks answered later with `{success, returnValue, errors}`, listeners
 * that are never removed, SCREEN_POP_DATA for deferred searches, saveLog validation by the org.
 */
import type { SalesforceErrorItem } from '../shared/salesforce-error.ts';
import type { FakeOrg } from '../fake/fake-org.ts';
import { MISSING_VALUE, requireCallback, requireListener, validateArguments, type Args, type Fn } from './sforce-arguments.ts';
import type { Injection, SforceRecorder } from './sforce-recorder.ts';

/** Sales Engagement (hvs) work: the listeners of onWorkStart, and what completeWork received. */
export interface FakeHvs {
  readonly workListeners: Fn[];
  readonly completedWork: unknown[];
}

/** `apiVersion` below 47 leaves out LMS, below 46 hvs, as the real library does. */
export function createFakeOpencti(org: FakeOrg, recorder: SforceRecorder, apiVersion: number, hvs: FakeHvs): Record<string, unknown> {
  const { enter, hung } = recorder;
  const { workListeners, completedWork } = hvs;
  const subscriptions = new Map<string, () => void>();
  let nextSubscription = 1;

  function respond(
    method: string,
    args: Args | undefined,
    injection: Injection | undefined,
    work: () => { ok: true; value: unknown } | { ok: false; errors: readonly SalesforceErrorItem[] } | 'hang',
  ): void {
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
      respond('setSoftphonePanelVisibility', args, inj, () =>
        typeof args.visible === 'boolean' ? (org.setPanel({ visible: args.visible }), ok()) : bad('visible must be a boolean'),
      );
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
    ...Object.fromEntries(
      ['setSoftphonePanelLabel', 'setSoftphoneItemLabel'].map((method) => [
        method,
        function (this: unknown, args: Args) {
          validateArguments(arguments);
          const inj = enter('opencti', method, [...arguments]);
          respond(method, args, inj, () => (typeof args.label === 'string' ? ok() : bad('label must be a string')));
        },
      ]),
    ),
    ...Object.fromEntries(
      ['setSoftphonePanelIcon', 'setSoftphoneItemIcon'].map((method) => [
        method,
        function (this: unknown, args: Args) {
          validateArguments(arguments);
          const inj = enter('opencti', method, [...arguments]);
          respond(method, args, inj, () => (typeof args.key === 'string' && args.key !== '' ? ok() : bad('key must be an SLDS icon name')));
        },
      ]),
    ),
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
        if (typeof args.callType !== 'string' || !['inbound', 'outbound', 'internal'].includes(args.callType))
          return bad('callType must be inbound, outbound or internal');
        if (typeof args.searchParams === 'string' && args.searchParams.length > 0 && args.searchParams.length < 3)
          return bad('searchParams must have at least 3 characters');
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
        subscriptions.set(
          subscriptionId,
          org.subscribe(args.channelName, (m) => queueMicrotask(() => listener(m))),
        );
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

  return opencti;
}
