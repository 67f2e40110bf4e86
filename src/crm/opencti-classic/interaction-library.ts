/**
 * The shape of `window.sforce.interaction` (Open CTI for Salesforce Classic):
 * positional arguments, callbacks receiving `{result, error}` where `result` is often JSON text.
 * Read only through `readInteraction`, which checks it at run time.
 */
import type { WindowLike } from '../shared/environment.ts';

export interface InteractionResponse {
  readonly result?: unknown;
  readonly error?: unknown;
  /** saveLog answers with the new record's id here in some versions. */
  readonly id?: unknown;
}

export type InteractionCallback = (response: InteractionResponse) => void;
export type InteractionListener = (response: InteractionResponse) => void;

export interface InteractionCti {
  enableClickToDial(callback: InteractionCallback): void;
  disableClickToDial(callback: InteractionCallback): void;
  onClickToDial(listener: InteractionListener): void;
  getCallCenterSettings(callback: InteractionCallback): void;
  getSoftphoneLayout(callback: InteractionCallback): void;
  getDirectoryNumbers(
    isGlobal: boolean,
    callCenterName: string | undefined,
    callback: InteractionCallback,
    resultSetPage?: number,
    resultSetPageSize?: number,
  ): void;
  notifyInitializationComplete(): void;
  setSoftphoneHeight(height: number, callback: InteractionCallback): void;
  setSoftphoneWidth(width: number, callback: InteractionCallback): void;
}

export interface InteractionEntityFeed {
  refreshObject(objectId: string, refreshFields: boolean, refreshRelatedLists: boolean, refreshFeed: boolean, callback: InteractionCallback): void;
  onObjectUpdate(callback: InteractionListener): void;
  reloadFrame(): void;
}

export interface InteractionLibrary {
  readonly cti: InteractionCti;
  readonly entityFeed?: InteractionEntityFeed;
  getPageInfo(callback: InteractionCallback): void;
  isInConsole(callback: InteractionCallback): void;
  isVisible(callback: InteractionCallback): void;
  setVisible(value: boolean, callback: InteractionCallback): void;
  onFocus(listener: InteractionListener): void;
  refreshPage(callback: InteractionCallback): void;
  refreshRelatedList(listName: string, callback: InteractionCallback): void;
  runApex(apexClass: string, methodName: string, methodParams: string, callback: InteractionCallback): void;
  saveLog(object: string, saveParams: string, callback: InteractionCallback): void;
  screenPop(url: string, force: boolean, callback: InteractionCallback): void;
  searchAndScreenPop(searchParams: string, queryParams: string, callType: string, callback: InteractionCallback): void;
  searchAndGetScreenPopUrl(searchParams: string, queryParams: string, callType: string, callback: InteractionCallback): void;
}

const APP_METHODS = [
  'getPageInfo',
  'isInConsole',
  'isVisible',
  'setVisible',
  'onFocus',
  'refreshPage',
  'refreshRelatedList',
  'runApex',
  'saveLog',
  'screenPop',
  'searchAndScreenPop',
  'searchAndGetScreenPopUrl',
] as const;
const CTI_METHODS = [
  'enableClickToDial',
  'disableClickToDial',
  'onClickToDial',
  'getCallCenterSettings',
  'getSoftphoneLayout',
  'getDirectoryNumbers',
  'notifyInitializationComplete',
  'setSoftphoneHeight',
  'setSoftphoneWidth',
] as const;

export function isInteractionLibrary(value: unknown): value is InteractionLibrary {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const cti = v.cti as Record<string, unknown> | undefined;
  return (
    APP_METHODS.every((m) => typeof v[m] === 'function') && typeof cti === 'object' && cti !== null && CTI_METHODS.every((m) => typeof cti[m] === 'function')
  );
}

export function readInteraction(win: WindowLike): InteractionLibrary | undefined {
  const sforce = win.sforce;
  if (typeof sforce !== 'object' || sforce === null) return undefined;
  const interaction = (sforce as { interaction?: unknown }).interaction;
  return isInteractionLibrary(interaction) ? interaction : undefined;
}
