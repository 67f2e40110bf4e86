/**
 * The shape of `window.sforce.opencti` (Open CTI for Lightning Experience), declared
 * here rather than in a global `.d.ts`: the global is read only through `readOpenCti`, which checks
 * it at run time.
 */
import type { WindowLike } from '../shared/environment.ts';

/** What every Lightning callback receives. */
export interface OpenCtiResponse {
  readonly success: boolean;
  readonly returnValue: unknown;
  readonly errors: unknown;
}

export type OpenCtiCallback = (response: OpenCtiResponse) => void;
export type OpenCtiListener = (payload: unknown) => void;

interface WithCallback {
  readonly callback: OpenCtiCallback;
}

/** One object argument per method; `callback` where Salesforce answers. */
export interface OpenCtiLibrary {
  readonly SCREENPOP_TYPE?: Readonly<Record<string, string>>;
  readonly CALL_TYPE?: Readonly<Record<string, string>>;
  enableClickToDial(args: WithCallback): void;
  disableClickToDial(args: WithCallback): void;
  onClickToDial(args: { readonly listener: OpenCtiListener }): void;
  getAppViewInfo(args: WithCallback): void;
  onNavigationChange(args: { readonly listener: OpenCtiListener }): void;
  getCallCenterSettings(args: WithCallback): void;
  getSoftphoneLayout(args: WithCallback): void;
  isSoftphonePanelVisible(args: WithCallback): void;
  setSoftphonePanelVisibility(args: WithCallback & { readonly visible: boolean }): void;
  setSoftphonePanelHeight(args: WithCallback & { readonly heightPX: number }): void;
  setSoftphonePanelWidth(args: WithCallback & { readonly widthPX: number }): void;
  setSoftphonePanelLabel(args: WithCallback & { readonly label: string }): void;
  setSoftphoneItemLabel(args: WithCallback & { readonly label: string }): void;
  setSoftphonePanelIcon(args: WithCallback & { readonly key: string }): void;
  setSoftphoneItemIcon(args: WithCallback & { readonly key: string }): void;
  notifyInitializationComplete(args: WithCallback): void;
  refreshView(args: WithCallback): void;
  runApex(args: WithCallback & { readonly apexClass: string; readonly methodName: string; readonly methodParams: string }): void;
  saveLog(args: WithCallback & { readonly value: Readonly<Record<string, unknown>> }): void;
  screenPop(args: WithCallback & { readonly type: string; readonly params: unknown }): void;
  searchAndScreenPop(
    args: WithCallback & {
      readonly searchParams?: string;
      readonly queryParams?: string;
      readonly params?: unknown;
      readonly defaultFieldValues?: Readonly<Record<string, string>>;
      readonly callType: string;
      readonly deferred?: boolean;
    },
  ): void;
  /** Lightning Message Service, API 47.0+. */
  subscribe?(args: WithCallback & { readonly channelName: string; readonly listener: OpenCtiListener }): void;
  unsubscribe?(args: WithCallback & { readonly subscription: unknown }): void;
  publish?(args: WithCallback & { readonly channelName: string; readonly message: unknown }): void;
  /** Sales Engagement (High Velocity Sales), API 46.0+. */
  readonly hvs?: {
    onWorkStart(args: { readonly listener: OpenCtiListener }): void;
    completeWork(args: WithCallback & { readonly workId: string; readonly attributes: Readonly<Record<string, unknown>> }): void;
  };
}

/** The methods every Open CTI for Lightning version since 38.0 has. */
export const CORE_METHODS = [
  'enableClickToDial',
  'disableClickToDial',
  'onClickToDial',
  'getAppViewInfo',
  'onNavigationChange',
  'getCallCenterSettings',
  'getSoftphoneLayout',
  'isSoftphonePanelVisible',
  'setSoftphonePanelVisibility',
  'setSoftphonePanelHeight',
  'setSoftphonePanelWidth',
  'setSoftphonePanelLabel',
  'setSoftphoneItemLabel',
  'setSoftphonePanelIcon',
  'setSoftphoneItemIcon',
  'notifyInitializationComplete',
  'refreshView',
  'runApex',
  'saveLog',
  'screenPop',
  'searchAndScreenPop',
] as const;

export function isOpenCtiLibrary(value: unknown): value is OpenCtiLibrary {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return CORE_METHODS.every((m) => typeof v[m] === 'function');
}

/** `window.sforce.opencti`, when present and complete. */
export function readOpenCti(win: WindowLike): OpenCtiLibrary | undefined {
  const sforce = win.sforce;
  if (typeof sforce !== 'object' || sforce === null) return undefined;
  const opencti = (sforce as { opencti?: unknown }).opencti;
  return isOpenCtiLibrary(opencti) ? opencti : undefined;
}
