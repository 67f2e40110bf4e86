/**
 * The console emulator's data layer. `openConsoleDb({ file, defaultRegion })` opens (and migrates)
 * the database; the returned ConsoleDb has the repository API plus `layouts`, `callCenters` and `voiceCalls`.
 */
import { ConsoleDb, type ConsoleDbOptions } from './console-db.ts';
import { SoftphoneLayoutStore } from './softphone-layout.ts';
import { CallCenterStore } from './call-center.ts';
import { VoiceCallStore } from './voice-calls.ts';

export * from './errors.ts';
export * from './ids.ts';
export * from './schema.ts';
export * from './telephony-objects.ts';
export * from './sql.ts';
export * from './describe.ts';
export * from './phone.ts';
export * from './softphone-layout.ts';
export * from './call-center.ts';
export * from './validation-rules.ts';
export * from './voice-calls.ts';
export { ConsoleDb, DEFAULT_DB_FILE, type ConsoleDbOptions, type WriteContext, type QueryResult, type SearchTarget } from './console-db.ts';
export type { SearchResult } from './search.ts';
export { formatDate, formatDateTime, parseDateTime } from './values.ts';

/** A ConsoleDb with its softphone-layout and call-center stores. */
export interface OpenConsoleDb extends ConsoleDb {
  readonly layouts: SoftphoneLayoutStore;
  readonly callCenters: CallCenterStore;
  /** Salesforce Voice's VoiceCall records (the telephony API's and the Voice console page's). */
  readonly voiceCalls: VoiceCallStore;
}

export function openConsoleDb(options: ConsoleDbOptions = {}): OpenConsoleDb {
  const db = new ConsoleDb(options) as ConsoleDb & { layouts: SoftphoneLayoutStore; callCenters: CallCenterStore; voiceCalls: VoiceCallStore };
  db.layouts = new SoftphoneLayoutStore(db);
  db.callCenters = new CallCenterStore(db);
  db.voiceCalls = new VoiceCallStore(db);
  return db;
}
