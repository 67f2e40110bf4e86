/**
 * Promise wrappers over every method of `sforce.opencti`:
 * - one non-empty object argument, never a second;
 * - always a callback where Salesforce answers, so every call settles (or times out on the Clock);
 * - a synchronous throw from the library's argument checks becomes a rejection;
 * - `success:false` rejects with `SalesforceApiError` (SB30002) holding the structured errors;
 * - return values are read defensively.
 * Listener registrations (`onClickToDial`, `onNavigationChange`, `hvs.onWorkStart`) resolve once
 * registered; the library never removes listeners, so callers register once.
 */
import type { Clock } from '../../core/index.ts';
import { callbackCall, syncCall } from '../shared/callback-call.ts';
import { asRecord, isSalesforceId } from '../shared/records.ts';
import { SalesforceApiError, toErrorItems } from '../shared/salesforce-error.ts';
import { PANEL_HEIGHT, PANEL_WIDTH, clamp } from '../shared/salesforce-surface.ts';
import { parseSoftphoneLayout, type SoftphoneLayout } from '../shared/softphone-layout.ts';
import type { OpenCtiCallback, OpenCtiLibrary, OpenCtiListener, OpenCtiResponse } from './opencti-library.ts';

export const SCREENPOP_TYPE = {
  URL: 'url',
  SOBJECT: 'sobject',
  OBJECTHOME: 'objecthome',
  LIST: 'list',
  SEARCH: 'search',
  NEW_RECORD_MODAL: 'newRecord',
  FLOW: 'flow',
} as const;
export type ScreenPopType = (typeof SCREENPOP_TYPE)[keyof typeof SCREENPOP_TYPE];
export type OpenCtiCallType = 'inbound' | 'outbound' | 'internal';

export interface AppViewInfo {
  readonly url?: string;
  readonly recordId?: string;
  readonly recordName?: string;
  readonly objectType?: string;
  readonly accountId?: string;
  readonly contactId?: string;
  readonly personAccount?: boolean;
}

export interface SearchAndScreenPopArgs {
  readonly searchParams?: string;
  readonly queryParams?: string;
  readonly params?: unknown;
  readonly defaultFieldValues?: Readonly<Record<string, string>>;
  readonly callType: OpenCtiCallType;
  readonly deferred?: boolean;
}

/** The LMS subscription object subscribe's callback yields (opaque; pass it back to unsubscribe). */
export type LmsSubscription = Readonly<Record<string, unknown>>;

function isResponse(value: unknown): value is OpenCtiResponse {
  return typeof value === 'object' && value !== null && typeof (value as { success?: unknown }).success === 'boolean';
}

function strings(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(value) ?? {})) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  }
  return out;
}

/** runApex's method result, parsed when it is JSON text. */
export function parseApexResult(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!/^[[{"]/.test(text)) return value;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return value;
  }
}

/** saveLog's Id: `{recordId}` in practice, a bare Id, or `{Id}`/`{id}`. */
export function readSavedId(method: string, returnValue: unknown): string {
  if (isSalesforceId(returnValue)) return returnValue;
  const o = asRecord(returnValue);
  for (const key of ['recordId', 'Id', 'id']) if (o && isSalesforceId(o[key])) return o[key] as string;
  throw new SalesforceApiError(method, [{ code: 'GENERIC_ERROR', description: `saveLog succeeded but returned no record Id: ${JSON.stringify(returnValue)}` }]);
}

export class OpenCtiLightningApi {
  constructor(
    private readonly lib: OpenCtiLibrary,
    private readonly clock: Clock,
    /** How long to wait for an answer before rejecting with a timeout. */
    private readonly timeoutMs = 30_000,
  ) {}

  /** The raw library, for what this class does not wrap (nothing, today). */
  get library(): OpenCtiLibrary {
    return this.lib;
  }

  private call<T>(method: string, invoke: (callback: OpenCtiCallback) => void, read: (returnValue: unknown) => T): Promise<T> {
    return callbackCall<unknown, T>(
      this.clock,
      this.timeoutMs,
      method,
      (cb) => invoke(cb as OpenCtiCallback),
      (response) => {
        if (!isResponse(response))
          throw new SalesforceApiError(method, [{ code: 'GENERIC_ERROR', description: `unexpected callback value ${JSON.stringify(response)}` }]);
        if (!response.success) {
          const items = toErrorItems(response.errors ?? (response as { error?: unknown }).error);
          throw new SalesforceApiError(method, items.length ? items : [{ code: 'GENERIC_ERROR', description: 'success=false without errors' }]);
        }
        return read(response.returnValue);
      },
    );
  }

  private none = (): void => undefined;

  // ── click-to-dial ──────────────────────────────────────────────────────────────────────
  enableClickToDial(): Promise<void> {
    return this.call('enableClickToDial', (callback) => this.lib.enableClickToDial({ callback }), this.none);
  }

  disableClickToDial(): Promise<void> {
    return this.call('disableClickToDial', (callback) => this.lib.disableClickToDial({ callback }), this.none);
  }

  onClickToDial(listener: OpenCtiListener): Promise<void> {
    return syncCall('onClickToDial', () => this.lib.onClickToDial({ listener }));
  }

  // ── the view ───────────────────────────────────────────────────────────────────────────
  getAppViewInfo(): Promise<AppViewInfo> {
    return this.call(
      'getAppViewInfo',
      (callback) => this.lib.getAppViewInfo({ callback }),
      (rv) => (asRecord(rv) ?? {}) as AppViewInfo,
    );
  }

  onNavigationChange(listener: OpenCtiListener): Promise<void> {
    return syncCall('onNavigationChange', () => this.lib.onNavigationChange({ listener }));
  }

  refreshView(): Promise<void> {
    return this.call('refreshView', (callback) => this.lib.refreshView({ callback }), this.none);
  }

  // ── call center ────────────────────────────────────────────────────────────────────────
  /** The flat slash-key map; non-string values are stringified. */
  getCallCenterSettings(): Promise<Record<string, string>> {
    return this.call('getCallCenterSettings', (callback) => this.lib.getCallCenterSettings({ callback }), strings);
  }

  getSoftphoneLayout(): Promise<SoftphoneLayout> {
    return this.call('getSoftphoneLayout', (callback) => this.lib.getSoftphoneLayout({ callback }), parseSoftphoneLayout);
  }

  notifyInitializationComplete(): Promise<void> {
    return this.call('notifyInitializationComplete', (callback) => this.lib.notifyInitializationComplete({ callback }), this.none);
  }

  // ── the panel ──────────────────────────────────────────────────────────────────────────
  isSoftphonePanelVisible(): Promise<boolean> {
    return this.call(
      'isSoftphonePanelVisible',
      (callback) => this.lib.isSoftphonePanelVisible({ callback }),
      (rv) => asRecord(rv)?.visible === true,
    );
  }

  setSoftphonePanelVisibility(visible: boolean): Promise<void> {
    return this.call('setSoftphonePanelVisibility', (callback) => this.lib.setSoftphonePanelVisibility({ visible, callback }), this.none);
  }

  /** Clamped to 240–2560 px. */
  setSoftphonePanelHeight(heightPX: number): Promise<void> {
    const h = clamp(heightPX, PANEL_HEIGHT);
    return this.call('setSoftphonePanelHeight', (callback) => this.lib.setSoftphonePanelHeight({ heightPX: h, callback }), this.none);
  }

  /** Clamped to 200–1920 px. */
  setSoftphonePanelWidth(widthPX: number): Promise<void> {
    const w = clamp(widthPX, PANEL_WIDTH);
    return this.call('setSoftphonePanelWidth', (callback) => this.lib.setSoftphonePanelWidth({ widthPX: w, callback }), this.none);
  }

  setSoftphonePanelLabel(label: string): Promise<void> {
    return this.call('setSoftphonePanelLabel', (callback) => this.lib.setSoftphonePanelLabel({ label, callback }), this.none);
  }

  setSoftphoneItemLabel(label: string): Promise<void> {
    return this.call('setSoftphoneItemLabel', (callback) => this.lib.setSoftphoneItemLabel({ label, callback }), this.none);
  }

  /** `key`: an SLDS utility icon name such as `call`. */
  setSoftphonePanelIcon(key: string): Promise<void> {
    return this.call('setSoftphonePanelIcon', (callback) => this.lib.setSoftphonePanelIcon({ key, callback }), this.none);
  }

  setSoftphoneItemIcon(key: string): Promise<void> {
    return this.call('setSoftphoneItemIcon', (callback) => this.lib.setSoftphoneItemIcon({ key, callback }), this.none);
  }

  // ── records ────────────────────────────────────────────────────────────────────────────
  /** Resolves the Apex method's result (`returnValue.runApex`), parsed when JSON. */
  runApex(apexClass: string, methodName: string, methodParams: string): Promise<unknown> {
    return this.call(
      'runApex',
      (callback) => this.lib.runApex({ apexClass, methodName, methodParams: methodParams || 'none', callback }),
      (rv) => {
        const o = asRecord(rv);
        return parseApexResult(o && 'runApex' in o ? o.runApex : rv);
      },
    );
  }

  /** `value` holds `entityApiName` (create) or `Id` (update) and the fields; resolves the record Id. */
  saveLog(value: Readonly<Record<string, unknown>>): Promise<string> {
    return this.call(
      'saveLog',
      (callback) => this.lib.saveLog({ value, callback }),
      (rv) => readSavedId('saveLog', rv),
    );
  }

  /** NEW_RECORD_MODAL defaults go inside `params` (v43 drops a top-level defaultFieldValues). */
  screenPop(type: ScreenPopType, params: unknown): Promise<void> {
    return this.call('screenPop', (callback) => this.lib.screenPop({ type, params, callback }), this.none);
  }

  /** Pops a deferred search's SCREEN_POP_DATA, passed on unmodified (only our callback is added beside it). */
  screenPopData(data: unknown): Promise<void> {
    const o = asRecord(data);
    if (!o) return Promise.reject(new SalesforceApiError('screenPop', [{ code: 'INVALID_PARAM', description: 'SCREEN_POP_DATA is not an object' }]));
    return this.call('screenPop', (callback) => this.lib.screenPop({ ...(o as { type: string; params: unknown }), callback }), this.none);
  }

  /** The raw returnValue: `recordId → record`, plus `SCREEN_POP_DATA` when deferred. */
  searchAndScreenPop(args: SearchAndScreenPopArgs): Promise<Record<string, unknown>> {
    return this.call(
      'searchAndScreenPop',
      (callback) => this.lib.searchAndScreenPop({ ...args, callback }),
      (rv) => asRecord(rv) ?? {},
    );
  }

  // ── Lightning Message Service (47.0+) ──────────────────────────────────────────────────
  subscribe(channelName: string, listener: OpenCtiListener): Promise<LmsSubscription> {
    const lib = this.lib;
    if (!lib.subscribe) return Promise.reject(missing('subscribe', '47.0'));
    return this.call(
      'subscribe',
      (callback) => lib.subscribe!({ channelName, listener, callback }),
      (rv) => asRecord(rv) ?? {},
    );
  }

  unsubscribe(subscription: LmsSubscription): Promise<void> {
    const lib = this.lib;
    if (!lib.unsubscribe) return Promise.reject(missing('unsubscribe', '47.0'));
    return this.call('unsubscribe', (callback) => lib.unsubscribe!({ subscription, callback }), this.none);
  }

  publish(channelName: string, message: unknown): Promise<void> {
    const lib = this.lib;
    if (!lib.publish) return Promise.reject(missing('publish', '47.0'));
    return this.call('publish', (callback) => lib.publish!({ channelName, message, callback }), this.none);
  }

  // ── Sales Engagement (46.0+) ───────────────────────────────────────────────────────────
  hvsOnWorkStart(listener: OpenCtiListener): Promise<void> {
    const hvs = this.lib.hvs;
    if (!hvs) return Promise.reject(missing('hvs.onWorkStart', '46.0'));
    return syncCall('hvs.onWorkStart', () => hvs.onWorkStart({ listener }));
  }

  /** `disposition` and `taskId` are required when the work completes on TaskSaved. */
  hvsCompleteWork(workId: string, attributes: { readonly disposition?: string; readonly taskId?: string; readonly wasConnected?: boolean }): Promise<void> {
    const hvs = this.lib.hvs;
    if (!hvs) return Promise.reject(missing('hvs.completeWork', '46.0'));
    return this.call('hvs.completeWork', (callback) => hvs.completeWork({ workId, attributes, callback }), this.none);
  }
}

function missing(method: string, version: string): SalesforceApiError {
  return new SalesforceApiError(method, [{ code: 'GENERIC_ERROR', description: `this Open CTI library has no ${method} (needs API ${version}+)` }]);
}
