/**
 * Promise wrappers over every method of `sforce.interaction` and `sforce.interaction.cti`
 *. Positional arguments as Classic wants them; always a callback where one is
 * accepted; synchronous throws and `{error}` answers reject with `SalesforceApiError` (SB30002);
 * `result` strings holding JSON are parsed.
 */
import type { Clock } from '../../core/index.ts';
import { callbackCall, syncCall } from '../shared/callback-call.ts';
import { asRecord, isSalesforceId } from '../shared/records.ts';
import { SalesforceApiError } from '../shared/salesforce-error.ts';
import { PANEL_HEIGHT, PANEL_WIDTH, clamp } from '../shared/salesforce-surface.ts';
import { parseSoftphoneLayout, type SoftphoneLayout } from '../shared/softphone-layout.ts';
import type { InteractionCallback, InteractionLibrary, InteractionListener, InteractionResponse } from './interaction-library.ts';

/** Parses a Classic `result`: JSON text → value; "true"/"false" → boolean; anything else as is. */
export function parseClassicResult(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^[[{"]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

function classicError(method: string, error: unknown): SalesforceApiError {
  const description = typeof error === 'string' ? error : JSON.stringify(error);
  return new SalesforceApiError(method, [{ code: 'CLASSIC_ERROR', description }]);
}

function hasError(response: InteractionResponse): boolean {
  return response.error !== undefined && response.error !== null && response.error !== '';
}

function isResponse(value: unknown): value is InteractionResponse {
  return typeof value === 'object' && value !== null;
}

export interface PageInfo {
  readonly url?: string;
  readonly objectId?: string;
  readonly object?: string;
  readonly objectName?: string;
  readonly [key: string]: unknown;
}

export interface ScreenPopUrlResult {
  /** `recordId → {Name, object, displayName}`. */
  readonly records: Readonly<Record<string, unknown>>;
  readonly screenPopUrl?: string;
}

export interface DirectoryNumbers {
  readonly numbers: readonly unknown[];
  readonly hasNext: boolean;
  readonly raw: unknown;
}

export class OpenCtiClassicApi {
  constructor(
    private readonly lib: InteractionLibrary,
    private readonly clock: Clock,
    private readonly timeoutMs = 30_000,
  ) {}

  get library(): InteractionLibrary {
    return this.lib;
  }

  private call<T>(method: string, invoke: (callback: InteractionCallback) => void, read: (result: unknown, response: InteractionResponse) => T): Promise<T> {
    return callbackCall<unknown, T>(
      this.clock,
      this.timeoutMs,
      method,
      (cb) => invoke(cb as InteractionCallback),
      (response) => {
        if (!isResponse(response)) throw classicError(method, `unexpected callback value ${JSON.stringify(response)}`);
        if (hasError(response)) throw classicError(method, response.error);
        return read(parseClassicResult(response.result), response);
      },
    );
  }

  private none = (): void => undefined;

  /** Wraps a listener so it gets the parsed `result` (listeners receive `{result}` in Classic). */
  private static listen(listener: (result: unknown) => void): InteractionListener {
    return (response) => listener(parseClassicResult(isResponse(response) && 'result' in response ? response.result : response));
  }

  // ── sforce.interaction ─────────────────────────────────────────────────────────────────
  getPageInfo(): Promise<PageInfo> {
    return this.call(
      'getPageInfo',
      (cb) => this.lib.getPageInfo(cb),
      (r) => (asRecord(r) ?? {}) as PageInfo,
    );
  }

  isInConsole(): Promise<boolean> {
    return this.call(
      'isInConsole',
      (cb) => this.lib.isInConsole(cb),
      (r) => r === true,
    );
  }

  isVisible(): Promise<boolean> {
    return this.call(
      'isVisible',
      (cb) => this.lib.isVisible(cb),
      (r) => r === true,
    );
  }

  setVisible(value: boolean): Promise<void> {
    return this.call('setVisible', (cb) => this.lib.setVisible(value, cb), this.none);
  }

  onFocus(listener: (pageInfo: unknown) => void): Promise<void> {
    return syncCall('onFocus', () => this.lib.onFocus(OpenCtiClassicApi.listen(listener)));
  }

  refreshPage(): Promise<void> {
    return this.call('refreshPage', (cb) => this.lib.refreshPage(cb), this.none);
  }

  refreshRelatedList(listName: string): Promise<void> {
    return this.call('refreshRelatedList', (cb) => this.lib.refreshRelatedList(listName, cb), this.none);
  }

  /** Resolves the method's result, parsed when JSON. */
  runApex(apexClass: string, methodName: string, methodParams: string): Promise<unknown> {
    return this.call(
      'runApex',
      (cb) => this.lib.runApex(apexClass, methodName, methodParams || 'none', cb),
      (r) => r,
    );
  }

  /** `saveParams` is a query string (`Subject=…&CallType=…`); resolves the saved record's Id. */
  saveLog(object: string, saveParams: string): Promise<string> {
    return this.call(
      'saveLog',
      (cb) => this.lib.saveLog(object, saveParams, cb),
      (r, response) => {
        if (r === false) throw classicError('saveLog', 'Salesforce did not save the record');
        for (const candidate of [response.id, r, asRecord(r)?.id, asRecord(r)?.Id]) if (isSalesforceId(candidate)) return candidate;
        throw classicError('saveLog', `saveLog succeeded but returned no record Id: ${JSON.stringify(response)}`);
      },
    );
  }

  /** `url` is relative (`/001…`). */
  screenPop(url: string, force = true): Promise<void> {
    return this.call('screenPop', (cb) => this.lib.screenPop(url, force, cb), this.none);
  }

  searchAndScreenPop(searchParams: string, queryParams: string, callType: string): Promise<unknown> {
    return this.call(
      'searchAndScreenPop',
      (cb) => this.lib.searchAndScreenPop(searchParams, queryParams, callType, cb),
      (r) => r,
    );
  }

  /** Searches without popping (Classic's deferred search): the matches and the URL the layout would pop. */
  searchAndGetScreenPopUrl(searchParams: string, queryParams: string, callType: string): Promise<ScreenPopUrlResult> {
    return this.call(
      'searchAndGetScreenPopUrl',
      (cb) => this.lib.searchAndGetScreenPopUrl(searchParams, queryParams, callType, cb),
      (r) => {
        const o = asRecord(r) ?? {};
        const records: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(o)) if (k !== 'screenPopUrl') records[k] = v;
        return typeof o.screenPopUrl === 'string' && o.screenPopUrl !== '' ? { records, screenPopUrl: o.screenPopUrl } : { records };
      },
    );
  }

  // ── sforce.interaction.entityFeed (Case Feed only) ─────────────────────────────────────
  refreshObject(objectId: string, refreshFields: boolean, refreshRelatedLists: boolean, refreshFeed: boolean): Promise<void> {
    const feed = this.lib.entityFeed;
    if (!feed) return Promise.reject(classicError('entityFeed.refreshObject', 'not in a Case Feed page'));
    return this.call('entityFeed.refreshObject', (cb) => feed.refreshObject(objectId, refreshFields, refreshRelatedLists, refreshFeed, cb), this.none);
  }

  onObjectUpdate(listener: (update: unknown) => void): Promise<void> {
    const feed = this.lib.entityFeed;
    if (!feed) return Promise.reject(classicError('entityFeed.onObjectUpdate', 'not in a Case Feed page'));
    return syncCall('entityFeed.onObjectUpdate', () => feed.onObjectUpdate(OpenCtiClassicApi.listen(listener)));
  }

  reloadFrame(): Promise<void> {
    const feed = this.lib.entityFeed;
    if (!feed) return Promise.reject(classicError('entityFeed.reloadFrame', 'not in a Case Feed page'));
    return syncCall('entityFeed.reloadFrame', () => feed.reloadFrame());
  }

  // ── sforce.interaction.cti ─────────────────────────────────────────────────────────────
  enableClickToDial(): Promise<void> {
    return this.call('cti.enableClickToDial', (cb) => this.lib.cti.enableClickToDial(cb), this.none);
  }

  disableClickToDial(): Promise<void> {
    return this.call('cti.disableClickToDial', (cb) => this.lib.cti.disableClickToDial(cb), this.none);
  }

  onClickToDial(listener: (payload: unknown) => void): Promise<void> {
    return syncCall('cti.onClickToDial', () => this.lib.cti.onClickToDial(OpenCtiClassicApi.listen(listener)));
  }

  getCallCenterSettings(): Promise<Record<string, string>> {
    return this.call(
      'cti.getCallCenterSettings',
      (cb) => this.lib.cti.getCallCenterSettings(cb),
      (r) => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(asRecord(r) ?? {}))
          if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
        return out;
      },
    );
  }

  getSoftphoneLayout(): Promise<SoftphoneLayout> {
    return this.call('cti.getSoftphoneLayout', (cb) => this.lib.cti.getSoftphoneLayout(cb), parseSoftphoneLayout);
  }

  getDirectoryNumbers(isGlobal: boolean, callCenterName?: string, resultSetPage?: number, resultSetPageSize?: number): Promise<DirectoryNumbers> {
    return this.call(
      'cti.getDirectoryNumbers',
      (cb) => this.lib.cti.getDirectoryNumbers(isGlobal, callCenterName, cb, resultSetPage, resultSetPageSize),
      (r) => {
        const o = asRecord(r) ?? {};
        const numbers = Object.entries(o)
          .filter(([k]) => k !== 'hasNext')
          .map(([, v]) => v);
        return { numbers, hasNext: o.hasNext === true || o.hasNext === 'true', raw: r };
      },
    );
  }

  /** Classic's notifyInitializationComplete takes no arguments and never answers. */
  notifyInitializationComplete(): Promise<void> {
    return syncCall('cti.notifyInitializationComplete', () => this.lib.cti.notifyInitializationComplete());
  }

  setSoftphoneHeight(height: number): Promise<void> {
    const h = clamp(height, PANEL_HEIGHT);
    return this.call('cti.setSoftphoneHeight', (cb) => this.lib.cti.setSoftphoneHeight(h, cb), this.none);
  }

  /** Only honoured in the Classic console. */
  setSoftphoneWidth(width: number): Promise<void> {
    const w = clamp(width, PANEL_WIDTH);
    return this.call('cti.setSoftphoneWidth', (cb) => this.lib.cti.setSoftphoneWidth(w, cb), this.none);
  }
}
