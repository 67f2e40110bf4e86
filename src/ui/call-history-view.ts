/**
 * What the panel says about calls that are over: the History list's entries and the notice for a
 * placed call that never connected. Both read the engine's closed calls and turn why a call ended
 * into words, a concern of its own beside the live calls' cards and buttons.
 */
import type { CallSnapshot, EndReason, EngineState } from '../core/index.ts';
import { displayNumber } from './format/phone-format.ts';
import type { MessageKey } from './i18n/i18n.ts';
import type { HistoryEntry, PanelView } from './view-model.ts';

const OUTCOME: Readonly<Record<EndReason, MessageKey>> = {
  'local-hangup': 'end.local-hangup',
  'remote-hangup': 'end.remote-hangup',
  declined: 'end.declined',
  missed: 'end.missed',
  'answered-elsewhere': 'end.answered-elsewhere',
  rejected: 'end.rejected',
  busy: 'end.busy',
  'no-answer': 'end.no-answer',
  'not-found': 'end.not-found',
  failed: 'end.failed',
  transferred: 'end.transferred',
  replaced: 'end.replaced',
};

/** One line of History; a call not taken that rang for this agent counts as missed. */
export function historyEntry(call: CallSnapshot, country: string): HistoryEntry {
  const { answered, ended } = call.timestamps;
  return {
    id: call.id,
    direction: call.direction,
    ...(call.remote.displayName ? { name: call.remote.displayName } : {}),
    number: displayNumber(call.remote, country),
    dial: call.remote.e164 ?? call.remote.number,
    at: call.timestamps.offered,
    durationSeconds: answered !== undefined && ended !== undefined ? Math.max(0, Math.round((ended - answered) / 1000)) : 0,
    outcome: OUTCOME[call.endReason ?? 'local-hangup'],
    missed: call.direction !== 'outbound' && answered === undefined && call.endReason !== 'answered-elsewhere',
  };
}

/** What the panel says when a call the agent placed never connected, by why it ended. */
const CALL_FAILED: Readonly<Partial<Record<EndReason, MessageKey>>> = {
  busy: 'callFailed.busy',
  'not-found': 'callFailed.not-found',
  'no-answer': 'callFailed.no-answer',
  rejected: 'callFailed.rejected',
  failed: 'callFailed.failed',
};

/**
 * The notice for a placed call that never connected. Such a call closes at once (no wrap-up), so
 * without it the agent would see the call vanish and learn why only from History. It is about the
 * latest closed call only, and gives way as soon as a newer call is offered or dialled; a call the
 * agent cancelled (local-hangup) needs no explanation.
 */
export function callFailedNotice(state: EngineState, country: string): PanelView['callFailed'] {
  const last = state.recent[0];
  if (!last || last.timestamps.answered !== undefined || last.endReason === undefined) return undefined;
  // Snapshots from before `origin` existed: only an outbound call can have been dialled for sure.
  const dialed = last.origin !== undefined ? last.origin === 'dialed' : last.direction === 'outbound';
  const key = dialed ? CALL_FAILED[last.endReason] : undefined;
  if (!key) return undefined;
  const endedAt = last.timestamps.ended ?? last.timestamps.closed ?? last.timestamps.offered;
  if (state.calls.some((c) => c.timestamps.offered >= endedAt)) return undefined;
  return { key, params: { number: displayNumber(last.remote, country) }, callId: last.id };
}
