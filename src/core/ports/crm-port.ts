/**
 * The CRM surface (Salesforce), as the core sees it. Adapters: `src/crm/opencti-lightning`,
 * `src/crm/opencti-classic`, later a Salesforce Voice adapter; `src/crm/fake` for unit tests.
 *
 * Under Open CTI the connector drives (it asks Salesforce to pop and to log); under Salesforce
 * Voice Salesforce pops and logs itself. `capabilities` says which policies this surface wants the
 * engine to run.
 */
import type { EventSource } from '../events/emitter.ts';
import type { AttachedData, CallDirection, ConsultationRecord, EndReason, Party, RecordRef, TransferRecord } from '../call/call-types.ts';
import type { ConnectorSettings } from '../settings/connector-settings.ts';
import type { PresenceState, ChosenStatus } from '../presence/presence.ts';
import type { MintedSipCredentials } from '../credentials/minted-credentials.ts';
import type { CallLifecycleEvent } from '../engine/call-lifecycle.ts';
import type { EngineHandle } from '../engine/engine-handle.ts';

export interface CrmCapabilities {
  /** The engine asks this surface to screen-pop. */
  readonly screenPop: boolean;
  /** The engine hands finished calls to this surface to log. */
  readonly callLogging: boolean;
  readonly clickToDial: boolean;
  /** Presence is mirrored to and from the CRM (Omni-Channel). */
  readonly presenceSync: boolean;
  /**
   * After-call work belongs to the CRM (Salesforce Voice): a call in wrap-up stays there until the
   * CRM ends it (`complete-wrap-up`), whatever time limit the call center sets for the engine.
   */
  readonly externalWrapUp?: boolean;
}

export interface ScreenPopRequest {
  readonly callId: string;
  readonly direction: CallDirection;
  readonly remote: Party;
  readonly attachedData: AttachedData;
  /**
   * false: find the records but open nothing (another conversation holds the agent's workspace:
   * call waiting). The outcome says what was found; the engine opens it when the agent answers.
   */
  readonly navigate?: boolean;
}

/**
 * What a screen pop found and did:
 * - `single`: one record matched and was popped (or the layout said not to pop it);
 * - `multiple`: several matched; the agent chooses (`records` lists them);
 * - `none`: nothing matched; the layout's no-match action ran (`newRecord` set when that was a new-record form);
 * - `skipped`: no pop by rule (internal call, pop disabled).
 */
export interface ScreenPopOutcome {
  readonly kind: 'single' | 'multiple' | 'none' | 'skipped';
  readonly records: readonly RecordRef[];
  /**
   * Records the single match brings along, related to the call too but not offered as choices: a
   * Case's contact (the log's WhoId beside the Case as WhatId).
   */
  readonly related?: readonly RecordRef[];
  readonly newRecord?: { readonly objectType: string; readonly defaults: Readonly<Record<string, string>> };
  /** One line per decision, for the call's timeline ("searched +14155550134 and 4155550134 in Contact, Account: 2 matches"). */
  readonly explanation: readonly string[];
}

/** What gets logged for one call (mapped to a Task by the Open CTI adapters). */
export interface CallLogEntry {
  /** The call id: the Task's CallObject, the idempotency key. */
  readonly callId: string;
  readonly direction: CallDirection;
  /** Offered to the agent or dialled by the agent (absent in logs written before it existed). */
  readonly origin?: 'offered' | 'dialed';
  readonly remote: Party;
  readonly startedAt: number;
  readonly answeredAt?: number;
  readonly endedAt: number;
  readonly durationSeconds: number;
  readonly holdSeconds: number;
  readonly endReason: EndReason;
  readonly disposition?: string;
  readonly notes: string;
  readonly who?: RecordRef;
  readonly what?: RecordRef;
  readonly attachedData: AttachedData;
  /** How the agent handed the call on, when they did. */
  readonly transfer?: TransferRecord;
  /** Consultations about this call, folded into its log. */
  readonly consultations?: readonly ConsultationRecord[];
}

export interface ClickToDialRequest {
  readonly number: string;
  readonly record?: RecordRef;
}

export interface PresenceRequest {
  readonly status: ChosenStatus;
  readonly reasonId?: string;
}

/**
 * A call log the CRM refused for good (a validation rule, a required field, a value the org does
 * not take): kept by the CRM adapter, never retried by itself, until the agent retries it (after
 * the cause is fixed) or discards it. Surface-neutral: what the agent needs to recognise the call
 * and understand the refusal.
 */
export interface UnsavedLog {
  /** The call id (the log's CallObject under Open CTI). */
  readonly callId: string;
  readonly direction?: CallDirection;
  /** The other party's number as the log names it; absent in logs kept before it was recorded. */
  readonly number?: string;
  /** The other party's name (the related person or the caller's display name), when known. */
  readonly name?: string;
  /** The log's title as it would be saved (e.g. the Task's Subject). */
  readonly title: string;
  /** When the call ended (epoch ms); when the log was queued, for logs kept without it. */
  readonly at: number;
  /** Why the CRM refused it, in the CRM's words (e.g. a validation rule's error message). */
  readonly reason: string;
  /** The fields the CRM named in its refusal (API names), if any. */
  readonly fields: readonly string[];
}

/** The logs a CRM adapter keeps after a refusal (`CrmPort.unsavedLogs`); changes come as the `unsavedLogs` event. */
export interface UnsavedLogs {
  /** The refused logs, oldest first. */
  list(): Promise<readonly UnsavedLog[]>;
  /** Sends the log again, as it was (same call id: never written twice). A log not kept is a no-op. */
  retry(callId: string): Promise<void>;
  /** Drops the log for good: it is never written. A log not kept is a no-op. */
  discard(callId: string): Promise<void>;
}

export interface CrmEvents {
  /** The agent clicked a phone number in the CRM. */
  clickToDial: [ClickToDialRequest];
  /** The CRM (Omni-Channel) asks for a status change. */
  presence: [PresenceRequest];
  /** The record in view changed (null: no record). */
  navigation: [RecordRef | null];
  /** A log was durably saved (recordId of the Task). */
  logged: [callId: string, recordId: string];
  /** The refused logs changed (one refused, retried, saved or discarded): all of them, oldest first. */
  unsavedLogs: [readonly UnsavedLog[]];
}

export interface CrmPort {
  readonly capabilities: CrmCapabilities;
  readonly events: EventSource<CrmEvents>;

  /** Reads the call center settings and parses them (see settings/connector-settings.ts). */
  loadSettings(): Promise<ConnectorSettings>;
  /** Tells the CRM the panel is usable (Open CTI notifyInitializationComplete). */
  notifyReady(): Promise<void>;

  screenPop(request: ScreenPopRequest): Promise<ScreenPopOutcome>;
  /** Opens one record (the agent's pick among several matches). */
  openRecord(record: RecordRef): Promise<void>;
  /**
   * Logs a finished call. MUST be durable and exactly-once: the entry is stored before this
   * resolves, retried until saved, and never saved twice for the same `callId` (look up an
   * existing log by CallObject first).
   */
  logCall(entry: CallLogEntry): Promise<void>;

  /** Mirrors the agent's presence to the CRM (Omni-Channel), if `presenceSync`. */
  publishPresence(presence: PresenceState): Promise<void>;
  enableClickToDial(enabled: boolean): Promise<void>;
  /** Opens (true) or minimises (false) the softphone panel. */
  setPanelVisible(visible: boolean): Promise<void>;
  /**
   * The logs this CRM refused for good, when its logging keeps them (a durable outbox). Absent
   * where the CRM logs by itself (Salesforce Voice) and nothing is ever kept for the agent.
   */
  readonly unsavedLogs?: UnsavedLogs;
  /**
   * Mints short-lived SIP credentials for the signed-in user (call centers with
   * `credentialScheme: ephemeral`). Surfaces that cannot leave it out. Rejects with SB30005 when the
   * CRM refuses (no extension, no secret) or answers something that is not a credential.
   */
  mintSipCredentials?(): Promise<MintedSipCredentials>;
  /**
   * For a surface whose own UI sends the commands (Salesforce Voice): the engine hands over its
   * handle when it starts, before reading the settings.
   */
  attach?(engine: EngineHandle): void;
  /** For a surface that shows the calls itself: every lifecycle event, right after the state that caused it is committed. */
  callLifecycle?(event: CallLifecycleEvent): void;
}
