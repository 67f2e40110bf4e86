/**
 * What the CRM logic (screen-pop policy, call-log outbox, click-to-dial, presence) needs from a
 * Salesforce surface, whatever the library underneath. `opencti-lightning/` and `opencti-classic/`
 * implement it over their own typed wrappers (the two libraries never share a code path); `fake/` implements it over an in-memory org.
 */
import type { ClickToDialRequest, RecordRef } from '../../core/index.ts';
import type { SoftphoneLayout } from './softphone-layout.ts';

export type SearchCallType = 'inbound' | 'outbound';

export interface DeferredSearchRequest {
  /** What to search for (≥3 characters). */
  readonly searchParams: string;
  readonly callType: SearchCallType;
  /** Prefill for the layout's no-match "new record" pop. */
  readonly defaultFieldValues?: Readonly<Record<string, string>>;
}

/**
 * The outcome of a search that did not navigate. `popData` is what the surface needs to perform the
 * layout's pop afterwards (Lightning: SCREEN_POP_DATA, passed on unmodified; Classic: the screen-pop
 * URL); undefined when the layout says not to pop.
 */
export interface DeferredSearchResult {
  readonly records: readonly RecordRef[];
  readonly popData: unknown;
}

/** A message on the presence channel (LMS `SwitchboardPresence__c`). */
export interface PresenceMessage {
  readonly source: string;
  readonly status: string;
  readonly reasonId?: string;
}

/** The Task (or other log object) fields as saveLog takes them. */
export type LogFields = Readonly<Record<string, string | number>>;

export interface SalesforceSurface {
  readonly kind: 'lightning' | 'classic' | 'fake';
  /** The surface can carry presence both ways (Lightning Message Service). */
  readonly presenceSync: boolean;

  callCenterSettings(): Promise<Record<string, string>>;
  notifyInitializationComplete(): Promise<void>;
  softphoneLayout(): Promise<SoftphoneLayout>;

  deferredSearch(request: DeferredSearchRequest): Promise<DeferredSearchResult>;
  /**
   * Searches and performs the softphone layout's pop in one round trip (Lightning:
   * `searchAndScreenPop` without `deferred`); resolves the matches. Absent where the library has no
   * such call worth using (Classic keeps the deferred form).
   */
  searchAndPop?(request: DeferredSearchRequest): Promise<readonly RecordRef[]>;
  /** Performs a deferred search's pop (MUST pass popData on unmodified). */
  popDeferred(popData: unknown): Promise<void>;
  popRecord(record: RecordRef): Promise<void>;

  /** Creates a log record; resolves its Id. */
  saveLog(objectApiName: string, fields: LogFields): Promise<string>;
  /** Runs an Apex method; resolves its (parsed when JSON) result. */
  runApex(apexClass: string, methodName: string, methodParams: string): Promise<unknown>;
  refreshView(): Promise<void>;

  setClickToDial(enabled: boolean): Promise<void>;
  /** Registers once; the library never removes listeners. */
  onClickToDial(listener: (request: ClickToDialRequest) => void): Promise<void>;
  onNavigation(listener: (record: RecordRef | null) => void): Promise<void>;
  setPanelVisible(visible: boolean): Promise<void>;
  setPanelSize(size: { readonly height?: number; readonly width?: number }): Promise<void>;
  /** Labels the utility bar item and its panel (Lightning only: Classic has no such call). */
  setUtilityLabel?(label: string): Promise<void>;

  publishPresence(message: PresenceMessage): Promise<void>;
  onPresence(listener: (message: unknown) => void): Promise<void>;
}

export const PRESENCE_CHANNEL = 'SwitchboardPresence__c';
/** `source` of the presence messages the softphone publishes; messages with it are our own echo. */
export const SOFTPHONE_SOURCE = 'softphone';

/** Lightning panel limits. */
export const PANEL_HEIGHT = { min: 240, max: 2560 } as const;
export const PANEL_WIDTH = { min: 200, max: 1920 } as const;

export function clamp(value: number, limits: { readonly min: number; readonly max: number }): number {
  if (!Number.isFinite(value)) return limits.min;
  return Math.min(limits.max, Math.max(limits.min, Math.round(value)));
}
