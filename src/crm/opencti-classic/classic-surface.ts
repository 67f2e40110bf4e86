/**
 * `SalesforceSurface` over Open CTI for Salesforce Classic. Classic has no deferred flag; its
 * equivalent is `searchAndGetScreenPopUrl` (the matches plus the URL the softphone layout would
 * pop), and popping that URL afterwards. Classic has no Lightning Message Service, so no presence
 * sync, and no new-record prefill.
 */
import { SwitchboardError, type ClickToDialRequest, type RecordRef } from '../../core/index.ts';
import { clickToDialRequest, recordFromAppView, recordsFromSearchResult } from '../shared/records.ts';
import type { DeferredSearchRequest, DeferredSearchResult, LogFields, SalesforceSurface } from '../shared/salesforce-surface.ts';
import type { SoftphoneLayout } from '../shared/softphone-layout.ts';
import type { OpenCtiClassicApi } from './classic-api.ts';

/** Classic saveLog's `saveParams`: `Field=value&…`, each part URL-encoded. */
export function toSaveParams(fields: LogFields): string {
  return Object.entries(fields)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

export class ClassicSurface implements SalesforceSurface {
  readonly kind = 'classic' as const;
  readonly presenceSync = false;

  constructor(readonly api: OpenCtiClassicApi) {}

  callCenterSettings(): Promise<Record<string, string>> {
    return this.api.getCallCenterSettings();
  }

  notifyInitializationComplete(): Promise<void> {
    return this.api.notifyInitializationComplete();
  }

  softphoneLayout(): Promise<SoftphoneLayout> {
    return this.api.getSoftphoneLayout();
  }

  async deferredSearch(request: DeferredSearchRequest): Promise<DeferredSearchResult> {
    const result = await this.api.searchAndGetScreenPopUrl(request.searchParams, '', request.callType);
    return { records: recordsFromSearchResult(result.records), popData: result.screenPopUrl };
  }

  popDeferred(popData: unknown): Promise<void> {
    if (typeof popData !== 'string' || popData === '') return Promise.reject(new SwitchboardError('SB30002', 'Classic screen pop needs a relative URL.'));
    return this.api.screenPop(popData, true);
  }

  popRecord(record: RecordRef): Promise<void> {
    return this.api.screenPop(`/${encodeURIComponent(record.id)}`, true);
  }

  saveLog(objectApiName: string, fields: LogFields): Promise<string> {
    return this.api.saveLog(objectApiName, toSaveParams(fields));
  }

  runApex(apexClass: string, methodName: string, methodParams: string): Promise<unknown> {
    return this.api.runApex(apexClass, methodName, methodParams);
  }

  refreshView(): Promise<void> {
    return this.api.refreshPage();
  }

  setClickToDial(enabled: boolean): Promise<void> {
    return enabled ? this.api.enableClickToDial() : this.api.disableClickToDial();
  }

  onClickToDial(listener: (request: ClickToDialRequest) => void): Promise<void> {
    return this.api.onClickToDial((payload) => {
      const request = clickToDialRequest(payload);
      if (request) listener(request);
    });
  }

  onNavigation(listener: (record: RecordRef | null) => void): Promise<void> {
    return this.api.onFocus((payload) => listener(recordFromAppView(payload)));
  }

  setPanelVisible(visible: boolean): Promise<void> {
    return this.api.setVisible(visible);
  }

  async setPanelSize(size: { readonly height?: number; readonly width?: number }): Promise<void> {
    if (size.height !== undefined) await this.api.setSoftphoneHeight(size.height);
    if (size.width !== undefined) await this.api.setSoftphoneWidth(size.width);
  }

  publishPresence(): Promise<void> {
    return Promise.reject(new SwitchboardError('SB30002', 'Salesforce Classic has no Lightning Message Service; presence is not synchronised.'));
  }

  onPresence(): Promise<void> {
    return Promise.reject(new SwitchboardError('SB30002', 'Salesforce Classic has no Lightning Message Service; presence is not synchronised.'));
  }
}
