/**
 * A parked outbox entry as the core sees it (`UnsavedLog`): whom the call was with and when, the
 * Task's Subject as its title, and Salesforce's reason for refusing it. The engine and the panel
 * never see the Task's fields, only this.
 */
import type { UnsavedLog } from '../../core/index.ts';
import type { OutboxEntry } from './call-log-outbox.ts';

export function unsavedLogOf(entry: OutboxEntry): UnsavedLog {
  const about = entry.about;
  const subject = entry.fields['Subject'];
  const error = entry.lastError;
  return {
    callId: entry.callId,
    ...(about?.direction ? { direction: about.direction } : {}),
    ...(about?.number ? { number: about.number } : {}),
    ...(about?.name ? { name: about.name } : {}),
    title: subject !== undefined && String(subject) !== '' ? String(subject) : entry.callId,
    at: about?.endedAt ?? entry.createdAt,
    // Entries parked before reasons were kept have only our wrapped message.
    reason: error?.reason ?? error?.message ?? '',
    fields: error?.fields ?? [],
  };
}
