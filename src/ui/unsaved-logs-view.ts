/**
 * What the panel shows of the call logs Salesforce refused (`EngineState.unsavedLogs`), and the
 * utility bar's label that counts them. Pure, like the rest of the view model.
 */
import type { EngineState, UnsavedLog } from '../core/index.ts';
import type { MessageKey } from './i18n/i18n.ts';
import type { Text } from './view-model.ts';

export interface UnsavedLogView {
  readonly callId: string;
  /** Whom the call was with: the name, else the number, else the log's title. */
  readonly who: string;
  /** The number, when a name is shown beside it. */
  readonly number?: string;
  /** What kind of call it was (incoming, outgoing, internal; "call" when not known). */
  readonly kind: MessageKey;
  readonly at: number;
  /** Salesforce's reason, in its words (text from the org: rendered as text only). */
  readonly reason: string;
  /** The fields Salesforce named, comma-separated; empty when it named none. */
  readonly fields: string;
}

export interface UnsavedLogsView {
  /** "2 call logs were not saved". */
  readonly summary: Text;
  readonly logs: readonly UnsavedLogView[];
}

const KIND: Readonly<Record<NonNullable<UnsavedLog['direction']>, MessageKey>> = {
  inbound: 'call.inbound',
  outbound: 'call.outbound',
  internal: 'call.internal',
};

function logView(log: UnsavedLog): UnsavedLogView {
  const who = log.name || log.number || log.title;
  return {
    callId: log.callId,
    who,
    ...(log.name && log.number ? { number: log.number } : {}),
    kind: log.direction ? KIND[log.direction] : 'unsaved.call',
    at: log.at,
    reason: log.reason,
    fields: log.fields.join(', '),
  };
}

/** The refused logs, oldest first; undefined when there are none. */
export function unsavedLogsView(state: EngineState): UnsavedLogsView | undefined {
  const logs = state.unsavedLogs ?? [];
  if (!logs.length) return undefined;
  return {
    summary: logs.length === 1 ? { key: 'unsaved.one' } : { key: 'unsaved.many', params: { count: logs.length } },
    logs: logs.map(logView),
  };
}

/** The softphone's name in the console's utility bar: "Phone", or "Phone (2 unsaved)" while logs wait. */
export function utilityLabel(state: EngineState): Text {
  const count = state.unsavedLogs?.length ?? 0;
  return count ? { key: 'utility.unsaved', params: { count } } : { key: 'panel.title' };
}
