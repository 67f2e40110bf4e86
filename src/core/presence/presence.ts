/**
 * The agent presence machine, as a checked transition table.
 *
 * ```
 *            ┌──────────── offline ◀────────────┐
 *            ▼                                  │
 *   ┌──▶ available ◀──────▶ away(reason) ───────┤
 *   │        │                  │               │
 *   │        └──call up──┐ ┌────┘ (outbound)    │
 *   │                    ▼ ▼                    │
 *   │                 on-call  (offline refused)│
 *   │                    │                      │
 *   │      last call ends│                      │
 *   │                    ▼                      │
 *   └─ (status before) wrap-up ─────────────────┘
 * ```
 * Calls are offered only to an available agent (or, with call waiting, to one already on a call).
 * After wrap-up the agent returns to the status chosen before the call.
 */
import { IllegalTransitionError } from '../call/call-state.ts';

export const PresenceStatus = {
  Offline: 'offline',
  Available: 'available',
  Away: 'away',
  OnCall: 'on-call',
  WrapUp: 'wrap-up',
} as const;
export type PresenceStatus = (typeof PresenceStatus)[keyof typeof PresenceStatus];

/** The statuses an agent (or Omni-Channel) may choose; on-call and wrap-up are automatic. */
export type ChosenStatus = 'offline' | 'available' | 'away';

export const PRESENCE_TRANSITIONS: Readonly<Record<PresenceStatus, readonly PresenceStatus[]>> = {
  offline: ['available', 'away'],
  available: ['away', 'offline', 'on-call'],
  away: ['available', 'offline', 'on-call', 'away'],
  'on-call': ['wrap-up', 'available', 'away'],
  'wrap-up': ['available', 'away', 'offline', 'on-call'],
};

export interface AwayReason {
  readonly id: string;
  readonly label: string;
}

export interface PresenceState {
  readonly status: PresenceStatus;
  /** The away reason id when status is `away`. */
  readonly reasonId?: string;
  readonly since: number;
  /** What the agent returns to after on-call and wrap-up. */
  readonly returnTo: { readonly status: ChosenStatus; readonly reasonId?: string };
  /** When wrap-up ends by itself (epoch ms), if the call center sets a limit. */
  readonly wrapUpDeadline?: number;
}

export function canPresenceTransition(from: PresenceStatus, to: PresenceStatus): boolean {
  return PRESENCE_TRANSITIONS[from].includes(to);
}

export function assertPresenceTransition(from: PresenceStatus, to: PresenceStatus): void {
  if (!canPresenceTransition(from, to)) throw new IllegalTransitionError('presence', from, to);
}

export function initialPresence(at: number): PresenceState {
  return { status: 'offline', since: at, returnTo: { status: 'offline' } };
}
