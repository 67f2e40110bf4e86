/**
 * The call state machine, as a checked transition table.
 *
 * ```
 *   inbound:   offering ──answer──▶ active ◀──resume── held
 *                 │                  │  ▲ └──hold──▶────┘
 *              decline/missed        │  └── transfer failed ──┐
 *                 ▼                  ├──transfer──▶ transferring
 *   outbound:  dialing ─180─▶ ringing-out ─200─▶ active      │
 *                 │              │               │            │
 *                 └──────────────┴──── ended ◀───┴────────────┘
 *                                       │
 *                          wrap-up ◀────┤ (after-call work, if enabled)
 *                             │         │
 *                             └──▶ closed ◀ (logged; terminal)
 * ```
 */
import { SwitchboardError } from '../errors/catalog.ts';

export const CallState = {
  Offering: 'offering',
  Dialing: 'dialing',
  RingingOut: 'ringing-out',
  Active: 'active',
  Held: 'held',
  Transferring: 'transferring',
  Ended: 'ended',
  WrapUp: 'wrap-up',
  Closed: 'closed',
} as const;
export type CallState = (typeof CallState)[keyof typeof CallState];

export const CALL_TRANSITIONS: Readonly<Record<CallState, readonly CallState[]>> = {
  offering: ['active', 'ended'],
  dialing: ['ringing-out', 'active', 'ended'],
  'ringing-out': ['active', 'ended'],
  active: ['held', 'transferring', 'ended'],
  held: ['active', 'transferring', 'ended'],
  transferring: ['active', 'held', 'ended'],
  ended: ['wrap-up', 'closed'],
  'wrap-up': ['closed'],
  closed: [],
};

/** States in which the call is up (signalling established and not over). */
export const LIVE_CALL_STATES: readonly CallState[] = ['offering', 'dialing', 'ringing-out', 'active', 'held', 'transferring'];

export function isLive(state: CallState): boolean {
  return LIVE_CALL_STATES.includes(state);
}

export function canTransition(from: CallState, to: CallState): boolean {
  return CALL_TRANSITIONS[from].includes(to);
}

export class IllegalTransitionError extends SwitchboardError {
  constructor(
    readonly machine: 'call' | 'presence',
    readonly from: string,
    readonly to: string,
  ) {
    super(machine === 'call' ? 'SB40001' : 'SB40002', `Cannot go from '${from}' to '${to}'.`);
    this.name = 'IllegalTransitionError';
  }
}

/** Checks a transition against the table; throws IllegalTransitionError when it is not allowed. */
export function assertCallTransition(from: CallState, to: CallState): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError('call', from, to);
}
