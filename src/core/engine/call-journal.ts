/**
 * The engine's call journal: while a call is up or in wrap-up, the log entry it would get if the
 * page died now is kept in the StoragePort. A call is handed to the durable outbox only when it
 * closes, so without the journal a tab closed, reloaded or crashed mid-call (or mid-wrap-up) would
 * leave no log at all. The next engine to start logs what the journal still holds, once: the outbox
 * is idempotent by call id, and an entry is forgotten only after the outbox has it.
 *
 * Ownership: entries carry their engine's id and a heartbeat (`savedAt`, refreshed every
 * `heartbeatMs` while calls are open). An engine recovers only entries that are not its own and
 * whose heartbeat is older than `staleMs`, so a second engine that briefly co-exists (tab
 * election without Web Locks) cannot log a call another engine is still carrying. Where one engine
 * per browser is guaranteed (Web Locks), `staleMs: 0` recovers at once.
 */
import type { CallSnapshot } from '../call/call.ts';
import type { Clock } from '../ports/clock.ts';
import type { CallLogEntry } from '../ports/crm-port.ts';
import type { Logger } from '../ports/logger.ts';
import type { JsonValue, StoragePort } from '../ports/storage.ts';

const PREFIX = 'engine/journal/';

export interface CallJournalOptions {
  readonly storage: StoragePort;
  readonly clock: Clock;
  readonly logger: Logger;
  /** This engine's identity in entries. */
  readonly owner: string;
  /** The open calls' records as of now (the heartbeat writes them, with their end time and duration). */
  readonly current: () => readonly JournalRecord[];
  readonly heartbeatMs?: number;
  readonly staleMs?: number;
}

/** What an open call would be logged as right now. `ended`: the call itself is over (wrap-up). */
export interface JournalRecord {
  readonly entry: CallLogEntry;
  readonly ended: boolean;
  /** The call itself, so a page that reloads mid-call can carry it on (records, notes, timeline). */
  readonly call?: CallSnapshot;
  /** Logged as part of another call (a consultation folded into the customer's call): never on its own. */
  readonly folded?: boolean;
}

interface StoredRecord {
  readonly owner: string;
  readonly savedAt: number;
  readonly ended: boolean;
  readonly entry: CallLogEntry;
  readonly call?: CallSnapshot;
  readonly folded?: boolean;
}

/** How long a call that was ringing when its page left may take to ring again on the next page. */
export const OFFER_RETURN_MS = 20_000;

/** The note added to a recovered log, so whoever reads the Task knows why it may be short. */
export const RECOVERED_NOTE = '[Switchboard] The softphone closed while this call was open; this log was written when it started again.';

export class CallJournal {
  readonly heartbeatMs: number;
  readonly staleMs: number;
  /** Per call: the last signature written and the chain of writes (keeps them in order). */
  private readonly written = new Map<string, { signature: string; chain: Promise<void> }>();
  private heartbeat?: () => void;
  /** Calls tracked and not yet forgotten. */
  private readonly open = new Set<string>();
  /** A write of the open calls is scheduled for the end of this task. */
  private dirty = false;
  private disposed = false;

  constructor(private readonly options: CallJournalOptions) {
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.staleMs = options.staleMs ?? Math.round(this.heartbeatMs * 2.5);
  }

  /**
   * The open calls changed: once the current task's synchronous work is done, writes those (from
   * `current()`) whose content changed (the clock-driven fields, end time and
   * duration, do not count: the heartbeat refreshes them). So a ringing call's screen pop goes out
   * before its journal entry is built and serialised, and the state changes of one event make one write.
   */
  changed(): void {
    if (this.disposed || this.dirty) return;
    this.dirty = true;
    void Promise.resolve().then(() => this.flush());
  }

  private flush(): void {
    this.dirty = false;
    if (this.disposed) return;
    for (const record of this.options.current()) {
      const callId = record.entry.callId;
      this.open.add(callId);
      const call = record.call;
      const signature = JSON.stringify({
        ...record.entry,
        endedAt: 0,
        durationSeconds: 0,
        ended: record.ended,
        ...(call ? { state: call.state, relations: call.relations, muted: call.muted, conferencedWith: call.conferencedWith } : {}),
      });
      if (this.written.get(callId)?.signature === signature) continue;
      this.write(record, signature);
    }
    this.armHeartbeat();
  }

  /**
   * The call closed but its log could not be handed on: keep its final record for the next start
   * (this engine no longer heartbeats it, so another engine sees it go stale).
   */
  keep(record: JournalRecord): void {
    this.open.delete(record.entry.callId);
    this.write(record, '');
    if (this.open.size === 0) this.stopHeartbeat();
  }

  /** The call is in the outbox (or needs no log): drop its entry, after any write still queued. */
  forget(callId: string): Promise<void> {
    this.open.delete(callId);
    const previous = this.written.get(callId)?.chain ?? Promise.resolve();
    const chain = previous
      .then(() => this.options.storage.delete(PREFIX + callId))
      .catch((error: unknown) => {
        this.options.logger.log('warn', 'could not clear a call from the journal', { callId, error: String(error) });
      });
    this.written.set(callId, { signature: '', chain });
    void chain.then(() => {
      if (this.written.get(callId)?.chain === chain) this.written.delete(callId);
    });
    if (this.open.size === 0) this.stopHeartbeat();
    return chain;
  }

  /**
   * Entries left by engines that are gone: ready to log (end reason `failed` for a call that was
   * still up, its end time the last heartbeat, the recovery note added). Fresh entries of another
   * engine are not returned; `nextCheckAt` says when they would be stale.
   */
  async orphans(): Promise<{ records: CallLogEntry[]; nextCheckAt?: number }> {
    const { storage, clock, owner } = this.options;
    const now = clock.now();
    const records: CallLogEntry[] = [];
    let nextCheckAt: number | undefined;
    for (const key of await storage.keys(PREFIX)) {
      const stored = asStored(await storage.get(key));
      if (!stored) {
        this.options.logger.log('warn', 'dropping an unreadable call journal entry', { key });
        await storage.delete(key);
        continue;
      }
      if (stored.owner === owner) continue;
      if (stored.folded && now - stored.savedAt >= this.staleMs) {
        // The call it belongs to carries it (as it stood at its last heartbeat).
        await storage.delete(key);
        continue;
      }
      // A call still ringing when its page left rings again on the page that comes next (the phone
      // system offers it again once that page registers): that page's journal takes the entry over.
      const wait = stored.call?.state === 'offering' && !stored.ended ? Math.max(this.staleMs, OFFER_RETURN_MS) : this.staleMs;
      if (now - stored.savedAt < wait) {
        const at = stored.savedAt + wait;
        nextCheckAt = nextCheckAt === undefined ? at : Math.min(nextCheckAt, at);
        continue;
      }
      const entry = stored.entry;
      const notes = entry.notes ? `${entry.notes}\n\n${RECOVERED_NOTE}` : RECOVERED_NOTE;
      // Never answered: missed, not failed (the agent was never on it).
      const endReason =
        stored.call?.state === 'offering' || (stored.call === undefined && entry.answeredAt === undefined && entry.origin === 'offered')
          ? ('missed' as const)
          : ('failed' as const);
      records.push({ ...entry, notes, ...(stored.ended ? {} : { endReason }) });
    }
    return { records, ...(nextCheckAt !== undefined ? { nextCheckAt } : {}) };
  }

  /** What the journal holds for a call (any owner's entry), e.g. to carry it on after a reload. */
  async read(callId: string): Promise<JournalRecord | undefined> {
    const stored = asStored(await this.options.storage.get(PREFIX + callId));
    if (!stored) return undefined;
    return { entry: stored.entry, ended: stored.ended, ...(stored.call ? { call: stored.call } : {}), ...(stored.folded ? { folded: true } : {}) };
  }

  /** Removes a recovered entry once the outbox holds its log. */
  async drop(callId: string): Promise<void> {
    await this.options.storage.delete(PREFIX + callId);
  }

  dispose(): void {
    this.disposed = true;
    this.stopHeartbeat();
  }

  private write(record: JournalRecord, signature: string): void {
    const { storage, clock, owner, logger } = this.options;
    const callId = record.entry.callId;
    const previous = this.written.get(callId)?.chain ?? Promise.resolve();
    const value: StoredRecord = {
      owner,
      savedAt: clock.now(),
      ended: record.ended,
      entry: record.entry,
      ...(record.call ? { call: record.call } : {}),
      ...(record.folded ? { folded: true } : {}),
    };
    const chain = previous
      .then(() => storage.set(PREFIX + callId, value as unknown as JsonValue))
      .catch((error: unknown) => logger.log('warn', 'could not journal a call', { callId, error: String(error) }));
    this.written.set(callId, { signature, chain });
  }

  private armHeartbeat(): void {
    if (this.heartbeat || this.open.size === 0 || this.disposed) return;
    this.heartbeat = this.options.clock.setTimeout(() => {
      this.heartbeat = undefined;
      for (const record of this.options.current()) {
        if (this.open.has(record.entry.callId)) this.write(record, this.written.get(record.entry.callId)?.signature ?? '');
      }
      this.armHeartbeat();
    }, this.heartbeatMs);
  }

  private stopHeartbeat(): void {
    this.heartbeat?.();
    this.heartbeat = undefined;
  }
}

function asStored(value: JsonValue | undefined): StoredRecord | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { owner, savedAt, ended, entry } = value;
  if (typeof owner !== 'string' || typeof savedAt !== 'number' || typeof ended !== 'boolean') return undefined;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return undefined;
  const e = entry;
  const remote = e['remote'];
  const ok =
    typeof e['callId'] === 'string' &&
    e['callId'] !== '' &&
    (e['direction'] === 'inbound' || e['direction'] === 'outbound' || e['direction'] === 'internal') &&
    typeof remote === 'object' &&
    remote !== null &&
    !Array.isArray(remote) &&
    typeof remote['number'] === 'string' &&
    typeof e['startedAt'] === 'number' &&
    typeof e['endedAt'] === 'number' &&
    typeof e['durationSeconds'] === 'number' &&
    typeof e['holdSeconds'] === 'number' &&
    typeof e['endReason'] === 'string' &&
    typeof e['notes'] === 'string' &&
    typeof e['attachedData'] === 'object' &&
    e['attachedData'] !== null;
  if (!ok) return undefined;
  const call = asSnapshot(value['call'], e['callId'] as string);
  return { owner, savedAt, ended, entry: entry as unknown as CallLogEntry, ...(call ? { call } : {}) };
}

/** A stored call snapshot, when it is one of this entry's call (older entries have none). */
function asSnapshot(value: JsonValue | undefined, callId: string): CallSnapshot | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { timestamps, relations, remote, timeline } = value;
  const ok =
    value['id'] === callId &&
    typeof value['state'] === 'string' &&
    typeof value['direction'] === 'string' &&
    typeof timestamps === 'object' &&
    timestamps !== null &&
    !Array.isArray(timestamps) &&
    typeof timestamps['offered'] === 'number' &&
    Array.isArray(timestamps['holds']) &&
    typeof relations === 'object' &&
    relations !== null &&
    !Array.isArray(relations) &&
    Array.isArray(relations['candidates']) &&
    typeof remote === 'object' &&
    remote !== null &&
    !Array.isArray(remote) &&
    typeof remote['number'] === 'string' &&
    Array.isArray(timeline) &&
    typeof value['notes'] === 'string' &&
    Array.isArray(value['conferencedWith']);
  return ok ? (value as unknown as CallSnapshot) : undefined;
}
