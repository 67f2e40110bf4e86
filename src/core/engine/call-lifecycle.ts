/**
 * The call-lifecycle outlet: what happened to the calls between two committed engine states, as
 * typed events, for a surface that shows the calls itself (Salesforce Voice renders its own
 * phone and needs CALL_STARTED, CALL_CONNECTED, HOLD_TOGGLE… as they happen).
 *
 * A pure differ over call snapshots, run by the engine on every commit that changes the calls, so
 * the engine's transitions stay where they are and every path (commands, telephony events, a
 * reload taking calls back) is covered by the same rule.
 *
 * A consultation (a call placed about another, `consultationFor`) is a participant of the call it
 * is about: its start, connection and end are `participant-*` events naming that call.
 */
import type { CallSnapshot } from '../call/call.ts';
import type { EndReason } from '../call/call-types.ts';
import { isLive } from '../call/call-state.ts';

export type CallLifecycleEvent =
  /**
   * A call appeared: offered to the agent (ringing) or dialled. `restored`: a call an earlier page
   * of this tab left up, shown again already connected (a host that replays calls after a reload
   * learns of it from the active calls, not from this event).
   */
  | { readonly type: 'started'; readonly call: CallSnapshot; readonly restored: boolean }
  | { readonly type: 'connected'; readonly call: CallSnapshot }
  | { readonly type: 'hold'; readonly call: CallSnapshot; readonly held: boolean }
  | { readonly type: 'mute'; readonly call: CallSnapshot; readonly muted: boolean }
  | { readonly type: 'participant-added'; readonly call: CallSnapshot; readonly parentId: string }
  | { readonly type: 'participant-connected'; readonly call: CallSnapshot; readonly parentId: string }
  | { readonly type: 'participant-removed'; readonly call: CallSnapshot; readonly parentId: string; readonly reason: EndReason }
  /** The call is mixed with `with` (a local conference). */
  | { readonly type: 'conferenced'; readonly call: CallSnapshot; readonly with: readonly string[] }
  | { readonly type: 'ended'; readonly call: CallSnapshot; readonly reason: EndReason }
  | { readonly type: 'wrap-up-started'; readonly call: CallSnapshot }
  | { readonly type: 'wrap-up-ended'; readonly call: CallSnapshot };

export type CallLifecycleType = CallLifecycleEvent['type'];

/**
 * The events that take `before` to `after` (each the engine's `calls`, oldest first). `finished`
 * is the engine's `recent`: a call that left `calls` is looked up there for how it ended.
 * Events come per call in the order the calls are listed, each call's in lifecycle order.
 */
export function diffCalls(before: readonly CallSnapshot[], after: readonly CallSnapshot[], finished: readonly CallSnapshot[] = []): CallLifecycleEvent[] {
  const out: CallLifecycleEvent[] = [];
  const previous = new Map(before.map((c) => [c.id, c]));
  const current = new Set(after.map((c) => c.id));
  for (const call of after) {
    const was = previous.get(call.id);
    if (!was) {
      out.push(...appeared(call));
      continue;
    }
    out.push(...changed(was, call));
  }
  for (const was of before) {
    if (current.has(was.id)) continue;
    // Left the engine's calls: closed. It is in `finished` unless the engine was told to forget it.
    const now = finished.find((c) => c.id === was.id) ?? { ...was, state: 'closed' as const };
    out.push(...changed(was, now));
  }
  return out;
}

function appeared(call: CallSnapshot): CallLifecycleEvent[] {
  const parentId = call.consultationFor;
  const connected = call.timestamps.answered !== undefined;
  if (parentId !== undefined) {
    const out: CallLifecycleEvent[] = [{ type: 'participant-added', call, parentId }];
    if (connected) out.push({ type: 'participant-connected', call, parentId });
    return out;
  }
  const restored = connected && isLive(call.state);
  return [{ type: 'started', call, restored }];
}

function changed(was: CallSnapshot, call: CallSnapshot): CallLifecycleEvent[] {
  const out: CallLifecycleEvent[] = [];
  const parentId = call.consultationFor;
  const live = isLive(call.state);
  if (was.timestamps.answered === undefined && call.timestamps.answered !== undefined) {
    out.push(parentId !== undefined ? { type: 'participant-connected', call, parentId } : { type: 'connected', call });
  }
  if (live && isLive(was.state)) {
    const heldBefore = was.state === 'held';
    const heldNow = call.state === 'held';
    if (heldBefore !== heldNow && call.state !== 'transferring' && was.state !== 'transferring') out.push({ type: 'hold', call, held: heldNow });
    if (was.muted !== call.muted) out.push({ type: 'mute', call, muted: call.muted });
    if (call.conferencedWith.length > 0 && !sameMembers(was.conferencedWith, call.conferencedWith))
      out.push({ type: 'conferenced', call, with: call.conferencedWith });
  }
  if (isLive(was.state) && !live) {
    const reason = call.endReason ?? 'local-hangup';
    out.push(parentId !== undefined ? { type: 'participant-removed', call, parentId, reason } : { type: 'ended', call, reason });
  }
  if (parentId === undefined) {
    if (was.state !== 'wrap-up' && call.state === 'wrap-up') out.push({ type: 'wrap-up-started', call });
    if (was.state === 'wrap-up' && call.state === 'closed') out.push({ type: 'wrap-up-ended', call });
  }
  return out;
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}
