/**
 * Which outbox entries still have work to do: one marker key per entry that is pending or parked,
 * so a drain pass lists those alone, not every saved entry of the past week (the idempotency
 * records), and a page holds nothing per log once it is saved.
 *
 * A marker is written after the entry it marks. A crash in between leaves an entry without one;
 * the sweep at the next page's first pass marks it (and the call journal queues that call again,
 * which marks it too). A marker is removed once its entry is saved or gone, never before, so an
 * entry with work never goes unlisted for longer than a sweep.
 *
 * The sweep reads every entry: it marks unmarked open entries (an older version's, or a crash's),
 * empties saved entries an older version left with content, and deletes saved entries past the
 * retention. It runs at a page's first pass and then at most once per `SWEEP_EVERY_MS`.
 */
import type { JsonValue, StoragePort } from '../../core/index.ts';
import { ENTRY_PREFIX, hasContent, isOutboxEntry, toJson, withoutContent } from './outbox-entry.ts';

export const OPEN_PREFIX = 'outbox/open/';
export const SWEEP_EVERY_MS = 3600_000;

/** The entry key a marker key stands for. */
export function entryKeyOf(marker: string): string {
  return ENTRY_PREFIX + marker.slice(OPEN_PREFIX.length);
}

/**
 * Marks a call's entry as having work. The marker gets a fresh `token` each time, so a pass that read
 * an older one does not remove this one (see `clearOpen`).
 */
export async function markOpen(storage: StoragePort, callId: string, token: string): Promise<void> {
  await storage.update(OPEN_PREFIX + callId, () => token);
}

/**
 * Removes a marker the pass read as `seen`, found its entry saved or gone, unless it was marked again
 * meanwhile: the entry of a call queued again (after a discard, or after its saved entry expired)
 * is written before its new marker, so a pass that missed the entry has read the older marker.
 */
export async function clearOpen(storage: StoragePort, marker: string, seen: JsonValue | undefined): Promise<void> {
  await storage.update(marker, (current) => (current === seen ? undefined : current));
}

export interface SweepResult {
  readonly marked: number;
  readonly emptied: number;
  readonly expired: number;
}

/** See the header. `stopped` ends the sweep early (the page is going). */
export async function sweepEntries(storage: StoragePort, now: number, retentionMs: number, stopped: () => boolean): Promise<SweepResult> {
  // A marker written since the listing is kept as it is: only unmarked entries get one here.
  let marked = 0;
  let emptied = 0;
  let expired = 0;
  const open = new Set(await storage.keys(OPEN_PREFIX));
  for (const key of await storage.keys(ENTRY_PREFIX)) {
    if (stopped()) break;
    const entry = await storage.get(key);
    if (!isOutboxEntry(entry)) continue;
    if (entry.state !== 'saved') {
      if (!open.has(OPEN_PREFIX + entry.callId)) {
        await storage.update(OPEN_PREFIX + entry.callId, (current) => current ?? `sweep:${now}`);
        marked++;
      }
    } else if (entry.savedAt !== null && now - entry.savedAt > retentionMs) {
      await storage.update(key, (current) => (isOutboxEntry(current) && current.state === 'saved' ? undefined : current));
      expired++;
    } else if (hasContent(entry)) {
      await storage.update(key, (raw) => (isOutboxEntry(raw) && raw.state === 'saved' ? toJson(withoutContent(raw)) : raw));
      emptied++;
    }
  }
  return { marked, emptied, expired };
}
