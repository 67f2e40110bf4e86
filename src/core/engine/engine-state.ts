/** What the UI renders: one immutable snapshot of everything, replaced on every change. */
import type { CallSnapshot } from '../call/call.ts';
import type { PresenceState } from '../presence/presence.ts';
import type { LineState, RegistrationState } from '../ports/telephony-port.ts';
import type { ConnectorSettings } from '../settings/connector-settings.ts';
import type { SerializedError } from '../errors/catalog.ts';
import type { RecordRef } from '../call/call-types.ts';
import type { UnsavedLog } from '../ports/crm-port.ts';

export interface EngineState {
  /** `loading` until settings are read; `signed-out` until the agent signs in; then `ready`. */
  readonly phase: 'loading' | 'signed-out' | 'ready' | 'misconfigured';
  readonly settings?: ConnectorSettings;
  readonly registration: RegistrationState;
  /**
   * Who the phone is signed in as (set once registered, cleared at sign-out). With short-lived
   * credentials, `credentialExpiresAt` (epoch ms) is when the current one expires; it is renewed before.
   */
  readonly signedInAs?: { readonly extension: string; readonly credentialExpiresAt?: number };
  readonly presence: PresenceState;
  /** Live calls and calls in wrap-up, oldest first. */
  readonly calls: readonly CallSnapshot[];
  /** The call the agent is talking on (or being offered), if any. */
  readonly activeCallId?: string;
  /** Finished calls, newest first (bounded). */
  readonly recent: readonly CallSnapshot[];
  readonly lines: Readonly<Record<string, LineState>>;
  /** The record in view in the CRM, for relating outbound calls. */
  readonly recordInView?: RecordRef;
  readonly clickToDialEnabled: boolean;
  /**
   * Call logs the CRM refused for good, oldest first, until the agent retries or discards them
   * (`retry-log`, `discard-log`). Absent: none, or a CRM that keeps none.
   */
  readonly unsavedLogs?: readonly UnsavedLog[];
  /** The last error the agent should see (cleared on the next successful command). */
  readonly lastError?: SerializedError;
}
