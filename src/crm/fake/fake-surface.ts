/**
 * `SalesforceSurface` over a `FakeOrg`, answering asynchronously as the real libraries do (a
 * `hang` failure never answers). Used by `FakeCrm`; the bridges' own tests use `installFakeSforce`.
 */
import { type ClickToDialRequest, type RecordRef } from '../../core/index.ts';
import { clickToDialRequest, recordFromAppView, recordsFromSearchResult } from '../shared/records.ts';
import { SalesforceApiError } from '../shared/salesforce-error.ts';
import type { DeferredSearchRequest, DeferredSearchResult, LogFields, PresenceMessage, SalesforceSurface } from '../shared/salesforce-surface.ts';
import { PRESENCE_CHANNEL } from '../shared/salesforce-surface.ts';
import type { SoftphoneLayout } from '../shared/softphone-layout.ts';
import type { FakeOrg } from './fake-org.ts';

/** Resolves on a later microtask, like an answer coming back over postMessage. */
function later<T>(fn: () => T): Promise<T> {
  return Promise.resolve().then(fn);
}

export class FakeSurface implements SalesforceSurface {
  readonly kind = 'fake' as const;
  /** Every call made, in order, for assertions. */
  readonly calls: { readonly method: string; readonly args: readonly unknown[] }[] = [];

  constructor(
    readonly org: FakeOrg,
    readonly presenceSync = true,
  ) {}

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }

  callCenterSettings(): Promise<Record<string, string>> {
    this.record('callCenterSettings');
    return later(() => ({ ...this.org.callCenterSettings }));
  }

  notifyInitializationComplete(): Promise<void> {
    this.record('notifyInitializationComplete');
    return later(() => {
      this.org.initializationCompleted = true;
    });
  }

  softphoneLayout(): Promise<SoftphoneLayout> {
    this.record('softphoneLayout');
    return later(() => this.org.layout);
  }

  deferredSearch(request: DeferredSearchRequest): Promise<DeferredSearchResult> {
    this.record('deferredSearch', request);
    return later(() => {
      const result = this.org.searchAndScreenPop({ ...request, deferred: true });
      return { records: recordsFromSearchResult(result), popData: result.SCREEN_POP_DATA };
    });
  }

  searchAndPop(request: DeferredSearchRequest): Promise<readonly RecordRef[]> {
    this.record('searchAndPop', request);
    return later(() => recordsFromSearchResult(this.org.searchAndScreenPop({ ...request, deferred: false })));
  }

  popDeferred(popData: unknown): Promise<void> {
    this.record('popDeferred', popData);
    return later(() => {
      const p = popData as { type?: unknown; params?: unknown } | null;
      const error = this.org.screenPop(p?.type, p?.params);
      if (error) throw new SalesforceApiError('screenPop', [{ code: 'INVALID_PARAM', description: error }]);
    });
  }

  popRecord(record: RecordRef): Promise<void> {
    this.record('popRecord', record);
    return later(() => {
      const error = this.org.screenPop('sobject', { recordId: record.id });
      if (error) throw new SalesforceApiError('screenPop', [{ code: 'INVALID_PARAM', description: error }]);
    });
  }

  saveLog(objectApiName: string, fields: LogFields): Promise<string> {
    this.record('saveLog', objectApiName, fields);
    return new Promise<string>((resolve, reject) => {
      void later(() => {
        const outcome = this.org.saveLog(objectApiName, fields);
        if (outcome.kind === 'saved') resolve(outcome.id);
        else if (outcome.kind === 'error') reject(new SalesforceApiError('saveLog', outcome.errors));
        // 'hang': never settles, as a lost answer never comes.
      });
    });
  }

  runApex(apexClass: string, methodName: string, methodParams: string): Promise<unknown> {
    this.record('runApex', apexClass, methodName, methodParams);
    return later(() => {
      const outcome = this.org.runApex(apexClass, methodName, methodParams);
      if (!outcome.ok) throw new SalesforceApiError('runApex', outcome.errors);
      return outcome.value;
    });
  }

  refreshView(): Promise<void> {
    this.record('refreshView');
    return later(() => {
      this.org.refreshes++;
    });
  }

  setClickToDial(enabled: boolean): Promise<void> {
    this.record('setClickToDial', enabled);
    return later(() => {
      this.org.clickToDialEnabled = enabled;
    });
  }

  onClickToDial(listener: (request: ClickToDialRequest) => void): Promise<void> {
    this.record('onClickToDial');
    this.org.onClickToDial((payload) => {
      const request = clickToDialRequest(payload);
      if (request) listener(request);
    });
    return Promise.resolve();
  }

  onNavigation(listener: (record: RecordRef | null) => void): Promise<void> {
    this.record('onNavigation');
    this.org.onNavigation((payload) => listener(recordFromAppView(payload)));
    return Promise.resolve();
  }

  setPanelVisible(visible: boolean): Promise<void> {
    this.record('setPanelVisible', visible);
    return later(() => {
      this.org.setPanel({ visible });
    });
  }

  setPanelSize(size: { readonly height?: number; readonly width?: number }): Promise<void> {
    this.record('setPanelSize', size);
    return later(() => {
      const error = this.org.setPanel(size);
      if (error) throw new SalesforceApiError('setPanelSize', [{ code: 'INVALID_PARAM', description: error }]);
    });
  }

  setUtilityLabel(label: string): Promise<void> {
    this.record('setUtilityLabel', label);
    return later(() => undefined);
  }

  publishPresence(message: PresenceMessage): Promise<void> {
    this.record('publishPresence', message);
    return later(() => this.org.publish(PRESENCE_CHANNEL, message));
  }

  onPresence(listener: (message: unknown) => void): Promise<void> {
    this.record('onPresence');
    this.org.subscribe(PRESENCE_CHANNEL, (m) => queueMicrotask(() => listener(m)));
    return Promise.resolve();
  }
}
