/**
 * Every call and presence command enters the core through this one interface, whoever sends it:
 * the panel, Open CTI click-to-dial, Omni-Channel, or (later) a Salesforce Voice host.
 */
import type { RecordRef } from '../call/call-types.ts';
import type { ChosenStatus } from '../presence/presence.ts';

export type AgentCommand =
  | { readonly type: 'sign-in'; readonly username?: string; readonly password?: string }
  | { readonly type: 'sign-out' }
  | { readonly type: 'set-presence'; readonly status: ChosenStatus; readonly reasonId?: string }
  | { readonly type: 'dial'; readonly number: string; readonly record?: RecordRef }
  | { readonly type: 'answer'; readonly callId: string }
  | { readonly type: 'decline'; readonly callId: string }
  | { readonly type: 'hangup'; readonly callId: string }
  | { readonly type: 'hold'; readonly callId: string }
  | { readonly type: 'resume'; readonly callId: string }
  | { readonly type: 'mute'; readonly callId: string; readonly muted: boolean }
  | { readonly type: 'dtmf'; readonly callId: string; readonly digits: string }
  | { readonly type: 'blind-transfer'; readonly callId: string; readonly target: string }
  | { readonly type: 'consult'; readonly callId: string; readonly target: string }
  | { readonly type: 'complete-transfer'; readonly callId: string; readonly consultationId: string }
  | { readonly type: 'conference'; readonly callIds: readonly string[] }
  /**
   * The agent leaves a two-party conference and the others go on talking: the call is handed to
   * the party it is mixed with (a transfer with Replaces), and logged as transferred.
   */
  | { readonly type: 'leave-conference'; readonly callId: string }
  /** Makes this call the active one; every other live call is put on hold. */
  | { readonly type: 'swap'; readonly callId: string }
  /** The agent's choice among several screen-pop matches: relates it and opens it. */
  | { readonly type: 'choose-record'; readonly callId: string; readonly record: RecordRef }
  /**
   * The call's Name (Who: a Contact or Lead) and Related To (What), each one of the records the
   * call knows (matches, related, opened during the call); null clears it, absent keeps it.
   */
  | { readonly type: 'relate'; readonly callId: string; readonly whoId?: string | null; readonly whatId?: string | null }
  /** Wrap-up fields as the agent edits them; a disposition of null clears it. */
  | { readonly type: 'set-wrap-up'; readonly callId: string; readonly disposition?: string | null; readonly notes?: string }
  /** Ends wrap-up and logs the call (once). */
  | { readonly type: 'complete-wrap-up'; readonly callId: string; readonly disposition?: string; readonly notes?: string }
  /** Sends a log the CRM refused again (the agent or the admin fixed the cause): `state.unsavedLogs`. */
  | { readonly type: 'retry-log'; readonly callId: string }
  /** Drops a log the CRM refused, for good: it is never written. */
  | { readonly type: 'discard-log'; readonly callId: string };

export type AgentCommandType = AgentCommand['type'];
