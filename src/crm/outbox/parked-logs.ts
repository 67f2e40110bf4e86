/**
 * Parked logs (Salesforce refused them for good) in the journal: the two ways the agent decides on
 * one, each a single atomic `StoragePort.update`, and the bookkeeping that reports the parked set
 * (`unsaved`) only when it changed.
 */
import type { StoragePort } from '../../core/index.ts';
import { asEntry, ENTRY_PREFIX, isOutboxEntry, toJson, type OutboxEntry } from './outbox-entry.ts';

/**
 * A parked entry back to pending with all its fields, uncertain (its CallObject is looked up before
 * it is created again). True when the entry was parked; any other entry is left as it is.
 */
export async function requeueParked(storage: StoragePort, callId: string, now: number): Promise<boolean> {
  let requeued = false;
  await storage.update(ENTRY_PREFIX + callId, (raw) => {
    const current = asEntry(raw);
    requeued = current?.state === 'failed';
    if (!current || current.state !== 'failed') return raw;
    return toJson({ ...current, state: 'pending', stripped: false, uncertain: true, nextAttemptAt: now, lease: null, lastError: null });
  });
  return requeued;
}

/** Removes the entry when it is parked; the removed entry, else undefined (saved and pending ones stay). */
export async function removeParked(storage: StoragePort, callId: string): Promise<OutboxEntry | undefined> {
  let dropped: OutboxEntry | undefined;
  await storage.update(ENTRY_PREFIX + callId, (current) => {
    dropped = isOutboxEntry(current) && current.state === 'failed' ? current : undefined;
    return dropped ? undefined : current;
  });
  return dropped;
}

/** The parked entries last reported, as a signature (call id and refusal): report only a change. */
export class ParkedReport {
  private reported = '[]';

  /** True when `parked` differs from the last set this was told about (which it now remembers). */
  changed(parked: readonly OutboxEntry[]): boolean {
    const signature = JSON.stringify(parked.map((e) => [e.callId, e.lastError?.message ?? '']));
    if (signature === this.reported) return false;
    this.reported = signature;
    return true;
  }
}
