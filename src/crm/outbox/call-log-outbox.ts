/**
 * The durable call-log outbox: every finished call's log is written exactly once.
 *
 * ```
 *  enqueue ──▶ pending ──claim (lease)──▶ [lookup by CallObject if uncertain] ──▶ create ──▶ saved
 *                 ▲   │                                                            │
 *                 │   └─ transient failure: release, backoff, uncertain=true ◀──────┤
 *                 │                                                                │
 *                 └── field error, first time: strip optional fields, retry now ◀──┤
 *                                                                                  ▼
 *                                       field error again: failed (parked, SB30004, surfaced)
 *                                          │                 │
 *                      retryParked (agent) ┘                 └ discardParked (agent): removed, never written
 *                      → pending, uncertain (lookup first)
 * ```
 *
 * Contract:
 * - `enqueue` resolves only once the entry is in the `StoragePort`; from then on it survives reloads.
 *   Enqueuing a callId again is a no-op (the entry, saved or not, is the idempotency record).
 * - An entry is worked on by one owner at a time: a claim is an atomic `StoragePort.update` that
 *   sets a lease `{owner, token, until}`; another tab (or this one after a reload) may take the entry
 *   only when the lease has expired. Draining also runs under the Web Lock `switchboard-outbox` when
 *   the browser has Web Locks, so two tabs rarely even race for the lease.
 * - Exactly once: a log is created only when no earlier attempt can have created it. An attempt
 *   whose outcome is unknown (timeout, lost answer, transient error, or a lease that expired because
 *   the tab died mid-save) marks the entry `uncertain`; before creating again, the outbox asks
 *   Salesforce for a record with that CallObject (log-writer.ts documents the Apex contract) and
 *   adopts it when found. The Id of the saved record is kept (`taskId`), so a saved entry is never
 *   written again.
 * - A lookup is bounded by `attemptTimeoutMs`. A save that has not answered by then is NOT retried:
 *   its request may still be on its way, and a retry's lookup could run before it lands and write
 *   the log a second time. The entry stays leased (`lease.awaiting`, respected even under the Web
 *   Lock) while the owner waits for the late answer, and the pass goes on with the other entries;
 *   only after `abandonAfterMs` without an answer is it released as uncertain (lookup, then create).
 *   `attemptTimeoutMs` MUST be shorter than `leaseMs` so a lease never expires while its owner may
 *   still be saving.
 * - Retries back off exponentially (base × 2^attempts, capped, with jitter), scheduled on the Clock.
 * - Nothing of a call stays in the browser once Salesforce holds it: a `saved` entry keeps only what
 *   exactly-once needs (the call id, which is the CallObject; the object; the record Id; state and
 *   times) and its `fields` (Subject with the caller's name, notes, WhoId…) are emptied in the same
 *   atomic write that marks it saved. Pending and parked entries keep their fields: they still have
 *   to be written. Saved entries left with content by an older version are emptied on the next pass.
 * - Parked entries are the agent's to decide on: the `unsaved` event reports all of them whenever
 *   that set changes (a log parked, retried, saved after a retry, discarded), as seen by a pass, a
 *   retry or a discard of this instance. Entries another tab parks are reported by this instance's
 *   next pass (every instance passes when a retry it knows of is due, and after the Web Lock frees).
 */
import { Emitter, SwitchboardError, type Clock, type EventSource, type Logger, type StoragePort } from '../../core/index.ts';
import { isPermanentRecordError, refusalOf, timeoutError } from '../shared/salesforce-error.ts';
import type { LockManagerLike } from '../shared/environment.ts';
import type { LogFields } from '../shared/salesforce-surface.ts';
import { withoutOptionalFields } from '../call-log/task-fields.ts';
import { isApexMissing, type LogWriter } from './log-writer.ts';
import { asEntry, ENTRY_PREFIX, isOutboxEntry, oldestFirst, pendingEntry, toJson, withoutContent, type OutboxAbout, type OutboxEntry } from './outbox-entry.ts';
import { DrainLoop } from './drain-loop.ts';
import { clearOpen, entryKeyOf, markOpen, OPEN_PREFIX, sweepEntries, SWEEP_EVERY_MS } from './open-markers.ts';
import { ParkedReport, removeParked, requeueParked } from './parked-logs.ts';
import { isTimeout, retryDelay, withDeadline, type Backoff } from './retry-schedule.ts';

export type { OutboxAbout, OutboxEntry, OutboxError, OutboxState } from './outbox-entry.ts';

export const OUTBOX_LOCK = 'switchboard-outbox';

export interface OutboxEvents {
  /** Saved (or found already saved): the record's Id. */
  logged: [callId: string, recordId: string];
  /** An attempt failed and will be retried at `nextAttemptAt`. */
  retrying: [callId: string, error: SwitchboardError, nextAttemptAt: number];
  /** Salesforce refused the log for good (SB30004); it stays in the outbox as `failed` until retried or discarded. */
  parked: [callId: string, error: SwitchboardError];
  /** The parked entries changed (see the header): every one of them, oldest first. */
  unsaved: [entries: readonly OutboxEntry[]];
}

export interface CallLogOutboxOptions {
  readonly storage: StoragePort;
  readonly writer: LogWriter;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Web Locks (navigator.locks) when the browser has them. */
  readonly locks?: LockManagerLike;
  /** This instance's identity in leases; unique per tab/instance. */
  readonly owner?: string;
  /** 0 ≤ random() < 1, for lease tokens and backoff jitter. */
  readonly random?: () => number;
  readonly leaseMs?: number;
  readonly attemptTimeoutMs?: number;
  /** How long a save that timed out may still answer before it is given up (then: lookup, create). */
  readonly abandonAfterMs?: number;
  readonly backoff?: Backoff;
  /** How long saved entries are kept as idempotency records. */
  readonly retentionMs?: number;
  /** When the Web Lock is held by another tab, look again after this long. */
  readonly lockRetryMs?: number;
}

const DEFAULTS = {
  leaseMs: 60_000,
  attemptTimeoutMs: 30_000,
  abandonAfterMs: 10 * 60_000,
  backoff: { baseMs: 1_000, maxMs: 5 * 60_000 },
  retentionMs: 7 * 24 * 3600_000,
  lockRetryMs: 2_000,
};

export class CallLogOutbox {
  private readonly emitter: Emitter<OutboxEvents>;
  private readonly owner: string;
  private readonly random: () => number;
  private readonly leaseMs: number;
  private readonly attemptTimeoutMs: number;
  private readonly abandonAfterMs: number;
  /** Saves of ours that timed out and may still answer (key → when we give up on them). */
  private readonly late = new Map<string, () => void>();
  private readonly backoff: Backoff;
  private readonly retentionMs: number;
  private readonly loop: DrainLoop;
  private started = false;
  private stopped = false;
  private warnedNoLookup = false;
  /** When this instance last swept every entry (open-markers.ts); a page's first pass sweeps. */
  private sweptAt = -Infinity;
  /** The parked entries last reported (`unsaved`): report only a change. */
  private readonly parkedReport = new ParkedReport();

  constructor(private readonly options: CallLogOutboxOptions) {
    this.emitter = new Emitter<OutboxEvents>((event, error) => options.logger.log('error', `outbox listener for '${event}' threw`, { error: String(error) }));
    this.random = options.random ?? Math.random;
    this.owner = options.owner ?? `outbox-${Math.floor(this.random() * 2 ** 48).toString(36)}`;
    this.leaseMs = options.leaseMs ?? DEFAULTS.leaseMs;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULTS.attemptTimeoutMs;
    this.abandonAfterMs = options.abandonAfterMs ?? DEFAULTS.abandonAfterMs;
    if (this.attemptTimeoutMs >= this.leaseMs)
      throw new SwitchboardError('SB90001', `outbox: attemptTimeoutMs (${this.attemptTimeoutMs}) must be shorter than leaseMs (${this.leaseMs}).`);
    this.backoff = options.backoff ?? DEFAULTS.backoff;
    this.retentionMs = options.retentionMs ?? DEFAULTS.retentionMs;
    this.loop = new DrainLoop({
      clock: options.clock,
      logger: options.logger,
      locks: options.locks,
      lockName: OUTBOX_LOCK,
      lockRetryMs: options.lockRetryMs ?? DEFAULTS.lockRetryMs,
      failureRetryMs: this.backoff.baseMs * 5,
      pass: (underLock) => this.pass(underLock),
    });
  }

  get events(): EventSource<OutboxEvents> {
    return this.emitter;
  }

  /** Starts draining: what is pending now (left by an earlier page) and whatever comes later. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    void this.drain();
  }

  /**
   * Stops this instance, as a page unload would: timers are cancelled and in-flight attempts are
   * abandoned (their results are not written; their leases expire and another instance takes over).
   */
  stop(): void {
    this.stopped = true;
    this.loop.stop();
    for (const cancel of this.late.values()) cancel();
    this.late.clear();
  }

  /**
   * Stores the log durably; resolves once stored. A second enqueue of one callId changes nothing.
   * `about` is what the agent would recognise the call by, should Salesforce refuse the log.
   */
  async enqueue(callId: string, objectApiName: string, fields: LogFields, about?: OutboxAbout): Promise<void> {
    if (!callId) throw new SwitchboardError('SB90001', 'outbox: a call log needs a callId.');
    const now = this.options.clock.now();
    const fresh = pendingEntry(callId, objectApiName, fields, now, about);
    const stored = await this.options.storage.update(ENTRY_PREFIX + callId, (current) => current ?? toJson(fresh));
    // After the entry (open-markers.ts): a marker never stands for an entry not yet written. A saved
    // entry is the call's idempotency record, with no work left: it gets none.
    if (!(isOutboxEntry(stored) && stored.state === 'saved')) await markOpen(this.options.storage, callId, this.token(now));
    if (this.started && !this.stopped) void this.drain();
  }

  async entries(): Promise<OutboxEntry[]> {
    const keys = await this.options.storage.keys(ENTRY_PREFIX);
    const out: OutboxEntry[] = [];
    for (const key of keys) {
      const value = await this.options.storage.get(key);
      if (isOutboxEntry(value)) out.push(value);
    }
    return out.sort(oldestFirst);
  }

  async entry(callId: string): Promise<OutboxEntry | undefined> {
    const value = await this.options.storage.get(ENTRY_PREFIX + callId);
    return isOutboxEntry(value) ? value : undefined;
  }

  /** Logs Salesforce refused for good, for the UI to show. */
  async parked(): Promise<OutboxEntry[]> {
    return (await this.entries()).filter((e) => e.state === 'failed');
  }

  /**
   * Puts a parked log back in the queue (after the admin fixed the org), with all its fields. It is
   * the same entry (same CallObject), marked uncertain: the next attempt looks for a record with its
   * CallObject before creating one, so a retry never writes a log twice, whatever happened to the
   * attempts before. True when a parked entry was requeued.
   */
  async retryParked(callId: string): Promise<boolean> {
    const requeued = await requeueParked(this.options.storage, callId, this.options.clock.now());
    if (requeued) {
      await markOpen(this.options.storage, callId, this.token(this.options.clock.now()));
      this.options.logger.log('info', 'parked call log queued again', { callId });
    }
    await this.reportParked();
    if (this.started && !this.stopped) void this.drain();
    return requeued;
  }

  /**
   * Removes a parked log the agent chose to give up on: it is never written. Saved and pending
   * entries cannot be discarded. True when a parked entry was removed (and logged as such).
   */
  async discardParked(callId: string): Promise<boolean> {
    const dropped = await removeParked(this.options.storage, callId);
    if (dropped) {
      // The one trace of a log that will never exist: say which, and why Salesforce refused it.
      this.options.logger.log('warn', 'parked call log discarded by the agent; it will never be saved', {
        callId,
        objectApiName: dropped.objectApiName,
        createdAt: dropped.createdAt,
        refusal: dropped.lastError?.reason ?? dropped.lastError?.message ?? '',
      });
    }
    await this.reportParked();
    return dropped !== undefined;
  }

  /** Reports the parked entries when they differ from the last report (`unsaved`). */
  private async reportParked(known?: readonly OutboxEntry[]): Promise<void> {
    const parked = known ?? (await this.parked());
    if (this.parkedReport.changed(parked)) this.emitter.emit('unsaved', parked);
  }

  /**
   * Runs a drain pass (or joins the one running, and runs once more after it if asked meanwhile).
   * Resolves when the pass is over; retries due later are scheduled on the Clock.
   */
  drain(): Promise<void> {
    return this.loop.run();
  }

  /**
   * `underLock`: this instance holds the Web Lock every drainer takes, so no other instance can be
   * mid-attempt and any lease still running is stale (a tab that closed or reloaded mid-save). It
   * is taken at once (as uncertain: the lookup by CallObject runs first) instead of waiting it out.
   */
  private async pass(underLock: boolean): Promise<void> {
    const { storage, clock } = this.options;
    let next = Infinity;
    const parked: OutboxEntry[] = [];
    if (clock.now() - this.sweptAt >= SWEEP_EVERY_MS) await this.sweep();
    for (const marker of await storage.keys(OPEN_PREFIX)) {
      if (this.stopped) return;
      const key = entryKeyOf(marker);
      const seen = await storage.get(marker);
      // Work one entry until it is saved, parked, or waits (a stripped retry runs at once).
      for (let round = 0; round < 3 && !this.stopped; round++) {
        const claimed = await this.claim(key, underLock);
        if (!claimed) break;
        const done = await this.attempt(key, claimed.entry, claimed.token);
        if (done) break;
      }
      const entry = await storage.get(key);
      // Saved or gone (discarded): no more work, so no more marker.
      if (!isOutboxEntry(entry) || entry.state === 'saved') {
        await clearOpen(storage, marker, seen);
        continue;
      }
      const now = clock.now();
      if (entry.state === 'failed') parked.push(entry);
      if (entry.state === 'pending') {
        const leased = entry.lease && entry.lease.until > now && (!underLock || entry.lease.awaiting);
        // Our own late save settles by itself (and drains again); another's is looked at when its lease ends.
        if (!this.late.has(key)) next = Math.min(next, Math.max(entry.nextAttemptAt, leased && entry.lease ? entry.lease.until : 0));
      }
    }
    if (next !== Infinity) this.loop.schedule(next);
    // Every entry was read: report the parked ones (those another tab parked included).
    await this.reportParked(parked.sort(oldestFirst));
  }

  /** A token no other write of this or another instance makes: for leases and open markers. */
  private token(now: number): string {
    return `${this.owner}:${now}:${Math.floor(this.random() * 2 ** 48).toString(36)}`;
  }

  /** Marks unmarked open entries, empties and expires saved ones (open-markers.ts). */
  private async sweep(): Promise<void> {
    const { storage, clock, logger } = this.options;
    this.sweptAt = clock.now();
    const swept = await sweepEntries(storage, this.sweptAt, this.retentionMs, () => this.stopped);
    if (swept.marked) logger.log('warn', 'call logs found without their open marker (an older version or a crash); queued', { count: swept.marked });
    if (swept.expired) logger.log('info', 'saved call logs past retention removed', { count: swept.expired });
  }

  /** Takes the entry's lease if it is pending, due and not leased by a live owner. */
  private async claim(key: string, underLock: boolean): Promise<{ entry: OutboxEntry; token: string } | undefined> {
    const now = this.options.clock.now();
    const token = this.token(now);
    const result = await this.options.storage.update(key, (raw) => {
      const current = asEntry(raw);
      if (!current || current.state !== 'pending' || current.nextAttemptAt > now) return raw;
      if (current.lease && current.lease.until > now && (!underLock || current.lease.awaiting)) return raw;
      return toJson({
        ...current,
        attempts: current.attempts + 1,
        // A lease left to expire means its owner died mid-attempt: the record may exist.
        uncertain: current.uncertain || current.lease !== null,
        lease: { owner: this.owner, token, until: now + this.leaseMs },
      });
    });
    return isOutboxEntry(result) && result.lease?.token === token ? { entry: result, token } : undefined;
  }

  /** Writes the result only while we still hold the lease (a stopped instance writes nothing). */
  private async commit(key: string, token: string, change: (entry: OutboxEntry) => OutboxEntry): Promise<OutboxEntry | undefined> {
    if (this.stopped) return undefined;
    const result = await this.options.storage.update(key, (raw) => {
      const current = asEntry(raw);
      if (!current || current.lease?.token !== token) return raw;
      return toJson(change(current));
    });
    return isOutboxEntry(result) && result.lease === null ? result : undefined;
  }

  /** One attempt on a claimed entry; true when the entry needs no immediate further attempt. */
  private async attempt(key: string, entry: OutboxEntry, token: string): Promise<boolean> {
    const { writer, logger } = this.options;
    let uncertain = entry.uncertain;
    try {
      let recordId: string | null = null;
      if (uncertain) {
        try {
          recordId = await this.timed('findByCallObject', writer.findByCallObject(entry.objectApiName, entry.callId));
          uncertain = false;
          if (recordId) logger.log('info', 'call log already saved by an earlier attempt; adopting it', { callId: entry.callId, recordId });
        } catch (error) {
          if (!isApexMissing(error)) throw error;
          if (!this.warnedNoLookup) {
            this.warnedNoLookup = true;
            logger.log('warn', 'cannot look up earlier call logs (SwitchboardCallLog Apex class missing); a log whose save timed out may be written twice', {
              callId: entry.callId,
            });
          }
        }
      }
      if (this.stopped) return true;
      if (!recordId) {
        const fields = entry.stripped ? withoutOptionalFields(entry.fields) : entry.fields;
        const save = writer.create(entry.objectApiName, fields);
        try {
          recordId = await this.timed('saveLog', save);
        } catch (error) {
          if (!isTimeout(error) || this.stopped) throw error;
          await this.awaitLateAnswer(key, token, entry, save);
          return true;
        }
      }
      return await this.saved(key, token, entry, recordId);
    } catch (error) {
      return this.failed(key, token, entry, uncertain, error);
    }
  }

  private async saved(key: string, token: string, entry: OutboxEntry, id: string): Promise<boolean> {
    const { writer, logger, clock } = this.options;
    const saved = await this.commit(key, token, (e) =>
      withoutContent({ ...e, state: 'saved', recordId: id, savedAt: clock.now(), lease: null, uncertain: false, lastError: null }),
    );
    if (!saved) return true;
    this.emitter.emit('logged', entry.callId, id);
    void this.timed('refreshView', writer.refresh()).catch((error: unknown) =>
      logger.log('debug', 'refreshView after saveLog failed', { error: String(error) }),
    );
    return true;
  }

  /**
   * A save that did not answer in time may still land: wait for it (leased, marked `awaiting` so no
   * drainer takes the entry over) instead of racing it with a retry; give up after abandonAfterMs.
   */
  private async awaitLateAnswer(key: string, token: string, entry: OutboxEntry, save: Promise<string>): Promise<void> {
    const { clock, logger } = this.options;
    const until = clock.now() + this.abandonAfterMs + this.leaseMs;
    const extended = await this.options.storage.update(key, (raw) => {
      const current = asEntry(raw);
      if (!current || current.lease?.token !== token) return raw;
      return toJson({ ...current, uncertain: true, lease: { ...current.lease, until, awaiting: true } });
    });
    if (!isOutboxEntry(extended) || extended.lease?.token !== token) return;
    logger.log('warn', 'saveLog is slow to answer; waiting for it rather than risk writing the log twice', {
      callId: entry.callId,
      waitedMs: this.attemptTimeoutMs,
    });
    let settled = false;
    const finish = (work: () => Promise<unknown>): void => {
      if (settled) return;
      settled = true;
      this.late.get(key)?.();
      this.late.delete(key);
      void work()
        .catch((error: unknown) => logger.log('error', 'call-log outbox could not record a late save', { callId: entry.callId, error: errorText(error) }))
        .then(() => {
          if (!this.stopped) void this.drain();
        });
    };
    const cancel = clock.setTimeout(
      () =>
        finish(async () => {
          logger.log('warn', 'saveLog never answered; looking the log up before writing it again', {
            callId: entry.callId,
            abandonAfterMs: this.abandonAfterMs,
          });
          await this.failed(key, token, entry, true, timeoutError('saveLog', this.abandonAfterMs));
        }),
      this.abandonAfterMs,
    );
    this.late.set(key, cancel);
    save.then(
      (id) => finish(() => this.saved(key, token, entry, id)),
      (error: unknown) => finish(() => this.failed(key, token, entry, true, error)),
    );
  }

  /** A failed attempt: parked for a field error (after one stripped retry), else retried with backoff. */
  private async failed(key: string, token: string, entry: OutboxEntry, uncertain: boolean, error: unknown): Promise<boolean> {
    const { logger, clock } = this.options;
    if (this.stopped) return true;
    if (isPermanentRecordError(error)) {
      if (!entry.stripped) {
        logger.log('warn', 'Salesforce refused the call log; retrying without the optional call fields', { callId: entry.callId, error: String(error) });
        const retry = await this.commit(key, token, (e) => ({
          ...e,
          stripped: true,
          lease: null,
          nextAttemptAt: clock.now(),
          uncertain,
          lastError: { code: 'SB30004', message: errorText(error) },
        }));
        return !retry;
      }
      const parked = new SwitchboardError('SB30004', `Call ${entry.callId}: ${errorText(error)}`, error);
      const refusal = refusalOf(error);
      await this.commit(key, token, (e) => ({
        ...e,
        state: 'failed',
        lease: null,
        uncertain,
        lastError: { code: parked.code, message: parked.message, reason: refusal.message, fields: refusal.fields },
      }));
      logger.log('error', 'call log parked: Salesforce refused it', { callId: entry.callId, message: parked.message });
      this.emitter.emit('parked', entry.callId, parked);
      return true;
    }
    const delay = retryDelay(entry.attempts, this.backoff, this.random);
    const retry = new SwitchboardError('SB30003', `Call ${entry.callId}: ${errorText(error)}`, error);
    const nextAttemptAt = clock.now() + delay;
    // Any failure to hear back may hide a created record: look before creating next time.
    await this.commit(key, token, (e) => ({ ...e, lease: null, uncertain: true, nextAttemptAt, lastError: { code: retry.code, message: retry.message } }));
    logger.log('warn', 'call log not saved yet; will retry', { callId: entry.callId, attempt: entry.attempts, retryInMs: delay, error: retry.message });
    this.emitter.emit('retrying', entry.callId, retry, nextAttemptAt);
    return true;
  }

  private timed<T>(method: string, work: Promise<T>): Promise<T> {
    return withDeadline(this.options.clock, method, this.attemptTimeoutMs, work);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
