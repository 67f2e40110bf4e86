/**
 * `SalesforceSurface` over Open CTI for Lightning: the policy-level operations in terms of the
 * wrapped `sforce.opencti` methods.
 */
import type { ClickToDialRequest, RecordRef } from '../../core/index.ts';
import { clickToDialRequest, recordFromAppView, recordsFromSearchResult } from '../shared/records.ts';
import {
  PRESENCE_CHANNEL,
  type DeferredSearchRequest,
  type DeferredSearchResult,
  type LogFields,
  type PresenceMessage,
  type SalesforceSurface,
} from '../shared/salesforce-surface.ts';
import type { SoftphoneLayout } from '../shared/softphone-layout.ts';
import { SCREENPOP_TYPE, type OpenCtiLightningApi } from './lightning-api.ts';

export class LightningSurface implements SalesforceSurface {
  readonly kind = 'lightning' as const;
  readonly presenceSync = true;

  constructor(readonly api: OpenCtiLightningApi) {}

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
    const result = await this.api.searchAndScreenPop({
      searchParams: request.searchParams,
      callType: request.callType,
      deferred: true,
      // Top-level for searchAndScreenPop.
      ...(request.defaultFieldValues ? { defaultFieldValues: request.defaultFieldValues } : {}),
    });
    return { records: recordsFromSearchResult(result), popData: result.SCREEN_POP_DATA };
  }

  async searchAndPop(request: DeferredSearchRequest): Promise<readonly RecordRef[]> {
    const result = await this.api.searchAndScreenPop({
      searchParams: request.searchParams,
      callType: request.callType,
      deferred: false,
      ...(request.defaultFieldValues ? { defaultFieldValues: request.defaultFieldValues } : {}),
    });
    return recordsFromSearchResult(result);
  }

  popDeferred(popData: unknown): Promise<void> {
    return this.api.screenPopData(popData);
  }

  popRecord(record: RecordRef): Promise<void> {
    return this.api.screenPop(SCREENPOP_TYPE.SOBJECT, { recordId: record.id });
  }

  saveLog(objectApiName: string, fields: LogFields): Promise<string> {
    return this.api.saveLog({ entityApiName: objectApiName, ...fields });
  }

  runApex(apexClass: string, methodName: string, methodParams: string): Promise<unknown> {
    return this.api.runApex(apexClass, methodName, methodParams);
  }

  refreshView(): Promise<void> {
    return this.api.refreshView();
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
    return this.api.onNavigationChange((payload) => listener(recordFromAppView(payload)));
  }

  setPanelVisible(visible: boolean): Promise<void> {
    return this.api.setSoftphonePanelVisibility(visible);
  }

  async setPanelSize(size: { readonly height?: number; readonly width?: number }): Promise<void> {
    if (size.height !== undefined) await this.api.setSoftphonePanelHeight(size.height);
    if (size.width !== undefined) await this.api.setSoftphonePanelWidth(size.width);
  }

  /** The utility bar item (seen while the panel is minimised) and the open panel's header. */
  async setUtilityLabel(label: string): Promise<void> {
    await this.api.setSoftphoneItemLabel(label);
    await this.api.setSoftphonePanelLabel(label);
  }

  publishPresence(message: PresenceMessage): Promise<void> {
    return this.api.publish(PRESENCE_CHANNEL, message);
  }

  async onPresence(listener: (message: unknown) => void): Promise<void> {
    await this.api.subscribe(PRESENCE_CHANNEL, listener);
  }
}
