/**
 * The engine's presence policy, pure: `(presence, calls, request) → next presence`. On-call while
 * a call is up, wrap-up while one waits for after-call work, then back to the status the agent
 * chose (a choice made meanwhile waits in `returnTo`). The engine applies what these answer:
 * stores the chosen status, publishes it to the phone system and the CRM.
 */
import { SwitchboardError } from '../errors/catalog.ts';
import type { CallSnapshot } from '../call/call.ts';
import { isLive } from '../call/call-state.ts';
import type { DeclineOptions } from '../ports/telephony-port.ts';
import type { PresenceRequest } from '../ports/crm-port.ts';
import { assertPresenceTransition, type AwayReason, type ChosenStatus, type PresenceState, type PresenceStatus } from '../presence/presence.ts';

/** One presence the engine commits; `propagate`: also published to the phone system and the CRM. */
export interface PresenceChange {
  readonly presence: PresenceState;
  readonly propagate: boolean;
}

export interface PresenceChoiceContext {
  readonly presence: PresenceState;
  /** Signed in (phase `ready`). */
  readonly signedIn: boolean;
  readonly awayReasons: readonly AwayReason[];
  /** How many calls the engine still holds (live, wrapping up, or waiting for their pop and log). */
  readonly openCalls: number;
  readonly now: number;
}

/**
 * The agent (or Omni-Channel) chose `status`: the presences to commit, in order (none when already
 * there). Throws SB40002 for a choice that cannot be made now.
 */
export function choosePresence(ctx: PresenceChoiceContext, status: ChosenStatus, reasonId?: string): PresenceChange[] {
  const p = ctx.presence;
  // Not signed in: nobody can reach the agent, so only offline is true (the panel or Omni-Channel may ask).
  if (!ctx.signedIn && status !== 'offline') throw new SwitchboardError('SB40002', 'Sign in before changing your status.');
  if (status === 'away') {
    const reasons = ctx.awayReasons;
    if (reasonId !== undefined && reasons.length && !reasons.some((r) => r.id === reasonId)) {
      throw new SwitchboardError('SB40002', `'${reasonId}' is not an away reason of this call center.`);
    }
  }
  const returnTo = { status, ...(status === 'away' && reasonId ? { reasonId } : {}) };
  if (p.status === 'on-call') {
    if (status === 'offline') throw new SwitchboardError('SB40002', 'You cannot go offline with a call up.');
    // The choice applies after the call.
    return [{ presence: { ...p, returnTo }, propagate: true }];
  }
  if (p.status === 'wrap-up') {
    // Choosing a status during wrap-up ends wrap-up's hold on presence only when no call waits for it.
    const kept: PresenceState = { ...p, returnTo };
    const changes = [{ presence: kept, propagate: true }];
    if (ctx.openCalls === 0) changes.push({ presence: appliedPresence(kept, status, reasonId, ctx.now), propagate: true });
    return changes;
  }
  if (p.status === status && p.reasonId === reasonId) return [];
  return [{ presence: appliedPresence(p, status, reasonId, ctx.now), propagate: true }];
}

/** `status` taken now (a chosen one also becomes what the agent returns to); throws on a transition the machine refuses. */
export function appliedPresence(p: PresenceState, status: PresenceStatus, reasonId: string | undefined, now: number): PresenceState {
  if (!(p.status === status && p.reasonId === reasonId)) assertPresenceTransition(p.status, status);
  const chosen = status === 'available' || status === 'away' || status === 'offline';
  return {
    status,
    since: now,
    returnTo: chosen ? { status, ...(reasonId ? { reasonId } : {}) } : p.returnTo,
    ...(status === 'away' && reasonId ? { reasonId } : {}),
  };
}

/**
 * on-call while a call is live; wrap-up while one waits for it; else back to the chosen status.
 * Undefined: the presence stays as it is.
 */
export function presenceForCalls(p: PresenceState, calls: readonly Pick<CallSnapshot, 'state' | 'wrapUpDeadline'>[], now: number): PresenceState | undefined {
  const live = calls.some((c) => isLive(c.state));
  // An ended call waits only for its pop and its log: no after-call work holds the agent.
  const wrapping = calls.some((c) => c.state === 'wrap-up');
  const target: PresenceStatus = live ? 'on-call' : wrapping ? 'wrap-up' : p.returnTo.status;
  if (target === p.status && (target !== 'away' || p.reasonId === p.returnTo.reasonId)) return undefined;
  if (p.status === 'offline' && target !== 'on-call') return undefined;
  const deadline = target === 'wrap-up' ? calls.map((c) => c.wrapUpDeadline).find((d) => d !== undefined) : undefined;
  return {
    status: target,
    since: now,
    returnTo: p.returnTo,
    ...(target === 'away' && p.returnTo.reasonId ? { reasonId: p.returnTo.reasonId } : {}),
    ...(deadline !== undefined ? { wrapUpDeadline: deadline } : {}),
  };
}

/**
 * What a presence request from the CRM (Omni-Channel) does: nothing when the agent is already
 * there (breaks the echo loop of a two-way sync); during a call or wrap-up it only changes what
 * the agent returns to (`defer`, not published back); otherwise it is the agent's choice (`choose`).
 */
export function presenceRequest(
  p: PresenceState,
  req: PresenceRequest,
): { readonly kind: 'ignore' } | { readonly kind: 'defer'; readonly presence: PresenceState } | { readonly kind: 'choose' } {
  if (p.status === req.status && p.reasonId === req.reasonId) return { kind: 'ignore' };
  if (p.status === 'on-call' || p.status === 'wrap-up') {
    return { kind: 'defer', presence: { ...p, returnTo: { status: req.status, ...(req.reasonId ? { reasonId: req.reasonId } : {}) } } };
  }
  return { kind: 'choose' };
}

/**
 * How to decline: the agent counts as unavailable when the status they chose is away or offline.
 * While an offer rings the presence is the automatic on-call, and a choice made meanwhile waits
 * in `returnTo`, so that is the one that says whether the agent takes calls.
 */
export function declineOptions(p: PresenceState): DeclineOptions {
  const chosen = p.status === 'on-call' || p.status === 'wrap-up' ? p.returnTo.status : p.status;
  return { unavailable: chosen === 'away' || chosen === 'offline' };
}

/**
 * Whether an inbound call may ring: an available agent takes one; with call waiting a second
 * call may be offered while on a call, never a third. `busy` counts live calls and calls
 * accepted but not yet announced.
 */
export function acceptsOffer(status: PresenceStatus, busy: number, callWaiting: boolean): boolean {
  return (status === 'available' && (busy === 0 || (callWaiting && busy < 2))) || (status === 'on-call' && callWaiting && busy < 2);
}

/**
 * What is stored as the status sign-in restores: the chosen one. Undefined: not stored (an automatic
 * status over an offline return, as for a call offered while signing in, keeps the earlier choice).
 */
export function storedPresence(p: PresenceState): { readonly status: ChosenStatus; readonly reasonId: string | null } | undefined {
  if (p.returnTo.status === 'offline' && p.status !== 'offline') return undefined;
  return { status: p.returnTo.status, reasonId: p.returnTo.reasonId ?? null };
}

/** The status sign-in restores from what `storedPresence` kept: available or away, else available. */
export function restoredPresence(saved: unknown): { status: ChosenStatus; reasonId?: string } {
  if (saved && typeof saved === 'object' && !Array.isArray(saved)) {
    const { status, reasonId } = saved as Record<string, unknown>;
    if (status === 'available' || status === 'away') return { status, ...(typeof reasonId === 'string' ? { reasonId } : {}) };
  }
  return { status: 'available' };
}
