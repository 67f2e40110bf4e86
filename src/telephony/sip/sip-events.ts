/** The SIP adapter's events, and how its parts send them. */
import type { TelephonyEvents } from '../../core/index.ts';

export interface SipTelephonyEvents extends TelephonyEvents {
  /** DTMF the far end sent us as SIP INFO (application/dtmf-relay or application/dtmf). */
  dtmfReceived: [callId: string, digits: string];
}

/** Queues one event for the adapter's listeners (from a microtask, never synchronously). */
export type EmitSipEvent = <E extends keyof SipTelephonyEvents & string>(event: E, ...args: SipTelephonyEvents[E]) => void;
