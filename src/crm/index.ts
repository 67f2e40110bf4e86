// The CRM layer's public surface: the Open CTI bridges (CrmPort adapters), the screen-pop policy,
// call-log mapping and its durable outbox, and the storage they use.
export { detectSurface, type CrmSurfaceKind } from './detect-surface.ts';
export { createOpenCtiLightning, type OpenCtiBridgeOptions } from './opencti-lightning/create-lightning.ts';
export { createOpenCtiClassic } from './opencti-classic/create-classic.ts';
export {
  OpenCtiLightningApi,
  SCREENPOP_TYPE,
  type AppViewInfo,
  type LmsSubscription,
  type OpenCtiCallType,
  type ScreenPopType,
  type SearchAndScreenPopArgs,
} from './opencti-lightning/lightning-api.ts';
export { readOpenCti, isOpenCtiLibrary, type OpenCtiLibrary, type OpenCtiResponse } from './opencti-lightning/opencti-library.ts';
export { LightningSurface } from './opencti-lightning/lightning-surface.ts';
export { OpenCtiClassicApi, parseClassicResult, type PageInfo, type ScreenPopUrlResult, type DirectoryNumbers } from './opencti-classic/classic-api.ts';
export { readInteraction, isInteractionLibrary, type InteractionLibrary, type InteractionResponse } from './opencti-classic/interaction-library.ts';
export { ClassicSurface, toSaveParams } from './opencti-classic/classic-surface.ts';
export { SalesforceCrm, presenceRequestFrom, type OpenCtiCrm, type SalesforceCrmOptions } from './shared/salesforce-crm.ts';
export {
  PRESENCE_CHANNEL,
  SOFTPHONE_SOURCE,
  PANEL_HEIGHT,
  PANEL_WIDTH,
  clamp,
  type SalesforceSurface,
  type DeferredSearchRequest,
  type DeferredSearchResult,
  type LogFields,
  type PresenceMessage,
  type SearchCallType,
} from './shared/salesforce-surface.ts';
export { SalesforceApiError, isPermanentRecordError, type SalesforceErrorItem, type FailureKind } from './shared/salesforce-error.ts';
export { OPEN_CTI_API_VERSION, LIGHTNING_LIBRARY_PATH, CLASSIC_LIBRARY_PATH } from './shared/load-library.ts';
export {
  SALESFORCE_HOST_SUFFIXES,
  isSalesforceOrigin,
  parseTrustedOrigins,
  frameAncestry,
  type OriginTrust,
  type FrameAncestry,
} from './shared/trusted-origins.ts';
export { parseSoftphoneLayout, type SoftphoneLayout, type LayoutSection, type ScreenPopSetting } from './shared/softphone-layout.ts';
export type { BridgeDependencies, WindowLike, DocumentLike, ScriptElementLike, ErrorEventLike, LockManagerLike } from './shared/environment.ts';
export { browserLocks } from './shared/browser-locks.ts';
export { ScreenPopPolicy, ATTACHED_LOOKUPS, type ScreenPopPolicyOptions } from './screen-pop/screen-pop-policy.ts';
export { phoneForms, type PhoneForms } from './screen-pop/phone-forms.ts';
export { taskFields, renderSubject, activityDate, withoutOptionalFields, OPTIONAL_CALL_FIELDS } from './call-log/task-fields.ts';
export {
  CallLogOutbox,
  OUTBOX_LOCK,
  type CallLogOutboxOptions,
  type OutboxAbout,
  type OutboxEntry,
  type OutboxError,
  type OutboxEvents,
  type OutboxState,
} from './outbox/call-log-outbox.ts';
export { unsavedLogOf } from './outbox/unsaved-log.ts';
export { mintThroughApex, readMintedCredentials, CREDENTIALS_APEX_CLASS, CREDENTIALS_APEX_METHOD } from './shared/sip-credentials.ts';
export { surfaceLogWriter, readFoundId, CALL_LOG_APEX_CLASS, CALL_LOG_APEX_METHOD, type LogWriter } from './outbox/log-writer.ts';
export { IndexedDbStorage, type IndexedDbStorageOptions } from './outbox/indexeddb-storage.ts';
export { MemoryStorage } from './outbox/memory-storage.ts';
