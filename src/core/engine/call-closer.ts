/**
 * The end of a call's life in the engine, and its log: exactly once per call, through the CRM's
 * durable outbox, with the call journal as the safety net in between (a call whose page closed or
 * crashed before its log was queued is logged by the next page that starts).
 */
import type { Call, CallSnapshot } from '../call/call.ts';
import type { CallState } from '../call/call-state.ts';
import { isLive } from '../call/call-state.ts';
import { toSwitchboardError, type SwitchboardError } from '../errors/catalog.ts';
import type { Clock } from '../ports/clock.ts';
import type { CrmPort } from '../ports/crm-port.ts';
import type { Logger } from '../ports/logger.ts';
import type { ConnectorSettings } from '../settings/connector-settings.ts';
import type { CallJournal, JournalRecord } from './call-journal.ts';
import { consultationRecord, toLogEntry } from './call-log-entry.ts';

/**
 * How many logged call ids the closer remembers (its exactly-once guard; see `logged`). An adapter
 * that announces a call id again does so moments after it ended (a late duplicate), not a hundred
 * calls later; behind this guard the outbox is idempotent by call id for its whole retention.
 */
const LOGGED_MEMORY = 100;

/** What the closer reads of the engine, and what it hands back to it. */
export interface CallCloserHost {
  /** The calls the engine holds (not yet closed). */
  openCalls(): Iterable<Call>;
  isOpen(callId: string): boolean;
  settings(): ConnectorSettings | undefined;
  /** The call's screen pop still searching, if it is. */
  popInFlight(callId: string): Promise<void> | undefined;
  /** The call is closed: out of the open calls and into the recent ones (presence follows). */
  retire(snapshot: CallSnapshot): void;
  error(error: SwitchboardError): void;
}

export interface CallCloserOptions {
  readonly crm: CrmPort;
  readonly journal: CallJournal;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly host: CallCloserHost;
}

export class CallCloser {
  /**
   * Calls already handed to logging: the exactly-once guard inside this engine. Only the last
   * LOGGED_MEMORY are remembered (oldest forgotten first), so a long shift does not grow it for
   * ever; a call is closed once, and the outbox is idempotent by CallObject behind it.
   */
  private readonly logged = new Set<string>();
  private readonly closing = new Set<string>();
  private recoveryTimer?: () => void;
  private disposed = false;

  constructor(private readonly options: CallCloserOptions) {}

  /** Ends a call's life in the engine: logs it (once, unless `log` is false) and returns presence. */
  async close(call: Call, why: string, log = true): Promise<void> {
    const { crm, journal, logger, host } = this.options;
    if (call.state === 'closed') return;
    // A caller who hangs up while the pop still searches: the log names whom the pop found.
    const pop = host.popInFlight(call.id);
    if (pop) {
      if (this.closing.has(call.id)) return;
      this.closing.add(call.id);
      await pop;
      this.closing.delete(call.id);
      if ((call.state as CallState) === 'closed') return; // closed meanwhile (the pop awaited)
    }
    call.transition('closed', this.now(), why);
    const snapshot = call.snapshot();
    host.retire(snapshot);
    if (!crm.capabilities.callLogging || !log) {
      await journal.forget(call.id);
    } else if (!this.logged.has(call.id)) {
      this.markLogged(call.id);
      try {
        await crm.logCall(toLogEntry(snapshot, this.now()));
        // The outbox holds it now: the journal's copy is no longer needed.
        await journal.forget(call.id);
      } catch (error) {
        // logCall is durable once it resolves; a rejection means it could not even be queued
        // (the journal keeps the call, and the next start logs it).
        journal.keep(this.journalRecord(snapshot));
        const e = toSwitchboardError(error, 'SB30003');
        logger.log('error', 'call log could not be queued', { callId: call.id, code: e.code, message: e.message });
        host.error(e);
      }
    }
  }

  /** Logs the calls a page that is gone left in the journal (once each); looks again for fresh ones. */
  async recoverJournal(): Promise<void> {
    this.recoveryTimer = undefined;
    if (this.disposed) return;
    const { crm, logger, clock, journal, host } = this.options;
    let found: Awaited<ReturnType<CallJournal['orphans']>>;
    try {
      found = await journal.orphans();
    } catch (error) {
      logger.log('warn', 'could not read the call journal', { error: String(error) });
      return;
    }
    for (const entry of found.records) {
      if (this.disposed) return;
      if (host.isOpen(entry.callId) || this.logged.has(entry.callId)) continue;
      if (!crm.capabilities.callLogging) {
        // Kept only to carry the call across a reload; a page that is gone left nothing to log here.
        await journal.drop(entry.callId).catch(() => {});
        continue;
      }
      try {
        await crm.logCall(entry);
        this.markLogged(entry.callId);
        await journal.drop(entry.callId);
        logger.log('warn', 'logged a call a closed softphone left open', { callId: entry.callId, endedAt: entry.endedAt });
      } catch (error) {
        logger.log('error', 'could not queue the log of a call a closed softphone left open; will try at the next start', {
          callId: entry.callId,
          error: String(error),
        });
      }
    }
    if (found.nextCheckAt !== undefined && !this.disposed) {
      this.recoveryTimer = clock.setTimeout(() => void this.recoverJournal(), Math.max(0, found.nextCheckAt - clock.now()));
    }
  }

  /** What the journal keeps for an open call: its log as of now, and the call to carry on after a reload. */
  journalRecord(call: CallSnapshot): JournalRecord {
    const ended = call.timestamps.ended !== undefined;
    const now = this.now();
    // Consultations still up count in the customer's log as they stand; their own records are
    // never logged alone when folded.
    const live = [...this.options.host.openCalls()]
      .filter((c) => c.snapshot().consultationFor === call.id && isLive(c.state))
      .map((c) => consultationRecord(c.snapshot(), 'open', now));
    const logged = toLogEntry(call, now);
    const entry = live.length
      ? { ...logged, consultations: [...(logged.consultations ?? []).filter((c) => !live.some((l) => l.callId === c.callId)), ...live] }
      : logged;
    const answered = call.timestamps.answered;
    const folded = call.consultationFor !== undefined && this.options.host.settings()?.log.consultations !== 'separate';
    return {
      ended,
      entry: ended || answered === undefined ? entry : { ...entry, durationSeconds: Math.max(0, Math.round((now - answered) / 1000)) },
      call,
      ...(folded ? { folded } : {}),
    };
  }

  /** Stops looking for calls closed pages left; a recovery under way stops at its next call. */
  dispose(): void {
    this.disposed = true;
    this.recoveryTimer?.();
    this.recoveryTimer = undefined;
  }

  private markLogged(callId: string): void {
    this.logged.add(callId);
    if (this.logged.size > LOGGED_MEMORY) this.logged.delete(this.logged.values().next().value!);
  }

  private now(): number {
    return this.options.clock.now();
  }
}
