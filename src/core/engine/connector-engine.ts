/**
 * The connector engine: telephony and CRM events in; telephony commands, CRM commands (screen pop,
 * log, presence) and UI state out. It is the dispatcher: it holds the state, hands each command
 * and event to the part that owns it, and commits what the parts change. Three decisions:
 * - when to screen-pop: on ring or on answer (settings.popTiming), never for internal calls
 *   (call-events.ts, screen-pops.ts);
 * - when to log: exactly once per call, when wrap-up completes (or at hangup when wrap-up is off)
 *   (wrap-up.ts, call-closer.ts);
 * - presence: on-call while a call is up, wrap-up after, back to the status chosen before
 *   (presence-policy.ts).
 *
 * Deterministic: time comes only from the Clock port; the telephony adapter comes from a factory
 * once the settings are known.
 */
import { Call, type CallSnapshot } from '../call/call.ts';
import { Emitter, type EventSource } from '../events/emitter.ts';
import { SwitchboardError, toSwitchboardError } from '../errors/catalog.ts';
import type { Clock } from '../ports/clock.ts';
import type { CrmPort } from '../ports/crm-port.ts';
import type { Logger } from '../ports/logger.ts';
import type { StoragePort } from '../ports/storage.ts';
import type { RegistrationState, TelephonyPort } from '../ports/telephony-port.ts';
import { initialPresence, type ChosenStatus, type PresenceState } from '../presence/presence.ts';
import type { ConnectorSettings } from '../settings/connector-settings.ts';
import { CallJournal } from './call-journal.ts';
import { CallBoard } from './call-board.ts';
import { CallCloser } from './call-closer.ts';
import { ScreenPops } from './screen-pops.ts';
import { TakeBackGate } from './take-back-gate.ts';
import { CallTransfers } from './call-transfers.ts';
import { CallControl } from './call-control.ts';
import { WrapUp } from './wrap-up.ts';
import { CallEvents } from './call-events.ts';
import { CallHistory, mergeHistory } from './call-history.ts';
import { SignIn } from './sign-in.ts';
import type { AgentCommand } from './commands.ts';
import type { EngineState } from './engine-state.ts';
import { followUnsavedLogs, runUnsavedLogCommand } from './unsaved-logs.ts';
import { diffCalls } from './call-lifecycle.ts';
import { choosePresence, presenceForCalls, presenceRequest, restoredPresence, storedPresence } from './presence-policy.ts';

export interface EngineEvents {
  /** Every state change: the UI re-renders from the snapshot. */
  change: [EngineState];
  /** A call is being offered to the agent: ring, and open the panel if minimised. */
  offered: [CallSnapshot];
  /** The offer stopped (answered, declined, missed): stop the ringer. */
  offerEnded: [callId: string];
  error: [SwitchboardError];
}

export interface ConnectorEngineOptions {
  readonly crm: CrmPort;
  /**
   * Builds the phone-system adapter once the call center settings are known. May answer a promise
   * (the adapter's code still loading): the CRM hears the panel is ready without waiting for it.
   */
  readonly createTelephony: (settings: ConnectorSettings) => TelephonyPort | Promise<TelephonyPort>;
  readonly storage: StoragePort;
  /**
   * Where the History list is kept across reloads (per extension); absent: not kept. Customer
   * names and numbers: the softphone page gives the tab's sessionStorage, not the durable storage.
   */
  readonly historyStorage?: StoragePort;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How many finished calls `state.recent` keeps. */
  readonly recentLimit?: number;
  /**
   * The call journal (call-journal.ts): `staleMs: 0` where only one engine can run per browser
   * (the tab holds a Web Lock); `owner` names this engine in it (tests).
   */
  readonly journal?: { readonly heartbeatMs?: number; readonly staleMs?: number; readonly owner?: string };
}

const PRESENCE_KEY = 'engine/presence';

export class ConnectorEngine {
  private readonly emitter: Emitter<EngineEvents>;
  private readonly calls = new CallBoard();
  private telephony?: TelephonyPort;
  private current: EngineState;
  private unsubscribe: (() => void)[] = [];
  /** Open calls' would-be logs, kept durably so a closed tab's calls are still logged. */
  private readonly journal: CallJournal;
  private readonly closer: CallCloser;
  private readonly pops: ScreenPops;
  private readonly transfers: CallTransfers;
  private readonly control: CallControl;
  private readonly wrapUp: WrapUp;
  /** The History list, kept per extension across reloads. */
  private readonly history: CallHistory;
  private readonly signIn: SignIn;
  private readonly callEvents: CallEvents;
  private readonly takeBacks: TakeBackGate;

  constructor(private readonly options: ConnectorEngineOptions) {
    this.emitter = new Emitter<EngineEvents>((event, error) => this.options.logger.log('error', `listener for '${event}' threw`, { error: String(error) }));
    this.current = {
      phase: 'loading',
      registration: { state: 'unregistered' },
      presence: initialPresence(options.clock.now()),
      calls: [],
      recent: [],
      lines: {},
      clickToDialEnabled: false,
    };
    this.history = new CallHistory(options.historyStorage, options.logger, options.recentLimit ?? 20);
    this.journal = new CallJournal({
      storage: options.storage,
      clock: options.clock,
      logger: options.logger,
      current: () => [...this.calls.values()].map((c) => this.closer.journalRecord(c.snapshot())),
      owner: options.journal?.owner ?? `engine-${options.clock.now().toString(36)}-${Math.floor(Math.random() * 2 ** 32).toString(36)}`,
      ...(options.journal?.heartbeatMs !== undefined ? { heartbeatMs: options.journal.heartbeatMs } : {}),
      ...(options.journal?.staleMs !== undefined ? { staleMs: options.journal.staleMs } : {}),
    });
    this.pops = new ScreenPops(options.crm, this.calls, {
      recent: () => this.current.recent,
      now: () => this.now(),
      publish: () => this.publish(),
      error: (e) => this.emitter.emit('error', e),
    });
    this.transfers = new CallTransfers(this.calls, {
      telephony: () => this.requireTelephony(),
      settings: () => this.current.settings,
      add: (call) => this.addCall(call),
      publish: () => this.publish(),
      now: () => this.now(),
    });
    this.control = new CallControl(this.calls, {
      telephony: () => this.requireTelephony(),
      state: () => this.current,
      named: (party) => this.transfers.withDirectoryName(party),
      add: (call) => this.addCall(call),
      lookUp: (call) => {
        if (this.options.crm.capabilities.screenPop) void this.pops.pop(call);
      },
      publish: () => this.publish(),
      now: () => this.now(),
    });
    this.wrapUp = new WrapUp(this.calls, options.crm, options.clock, {
      settings: () => this.current.settings,
      recent: () => this.current.recent,
      close: (call, why) => this.closer.close(call, why),
      publish: () => this.publish(),
    });
    this.signIn = new SignIn({
      crm: options.crm,
      clock: options.clock,
      logger: options.logger,
      calls: this.calls,
      host: {
        telephony: () => this.requireTelephony(),
        state: () => this.current,
        set: (patch) => this.set(patch),
        restorePresence: () => this.restorePresence(),
        changePresence: (status, reasonId) => this.changePresence(status, reasonId),
        restoreHistory: (extension) => this.restoreHistory(extension),
        close: (call, why) => this.closer.close(call, why),
        error: (e) => this.emitter.emit('error', e),
      },
    });
    this.takeBacks = new TakeBackGate(
      {
        isOpen: (id) => this.calls.has(id),
        call: (id) => this.calls.get(id),
        kept: (id) => this.journal.read(id),
        add: (call) => this.addCall(call),
        publish: () => this.publish(),
        now: () => this.now(),
      },
      options.logger,
    );
    this.closer = new CallCloser({
      crm: options.crm,
      journal: this.journal,
      clock: options.clock,
      logger: options.logger,
      host: {
        openCalls: () => this.calls.values(),
        isOpen: (id) => this.calls.has(id),
        settings: () => this.current.settings,
        popInFlight: (id) => this.pops.inFlight(id),
        retire: (snapshot) => this.retire(snapshot),
        error: (e) => this.emitter.emit('error', e),
      },
    });
    this.callEvents = new CallEvents(
      options.crm,
      options.logger,
      {
        calls: this.calls,
        pops: this.pops,
        takeBacks: this.takeBacks,
        transfers: this.transfers,
        wrapUp: this.wrapUp,
        closer: this.closer,
        control: this.control,
      },
      {
        state: () => this.current,
        signingInAs: () => this.signIn.signingInAs,
        telephony: () => this.requireTelephony(),
        add: (call) => this.addCall(call),
        publish: () => this.publish(),
        presenceChanged: () => this.updatePresenceForCalls(),
        showError: (e) => this.set({ lastError: e.toJSON() }),
        offered: (call) => this.emitter.emit('offered', call),
        offerEnded: (id) => this.emitter.emit('offerEnded', id),
        error: (e) => this.emitter.emit('error', e),
        now: () => this.now(),
      },
    );
  }

  get events(): EventSource<EngineEvents> {
    return this.emitter;
  }

  get state(): EngineState {
    return this.current;
  }

  /**
   * Reads the settings, builds the telephony adapter, tells the CRM the panel is ready (never
   * waiting on SIP registration), and signs in by itself when the CRM mints credentials
   * (credentialScheme `ephemeral`) or the settings hold them.
   */
  async start(): Promise<void> {
    const { crm, logger } = this.options;
    const current = (): EngineState => this.current;
    crm.attach?.({
      execute: (command) => this.execute(command),
      get state() {
        return current();
      },
      onChange: (listener) => this.emitter.on('change', listener),
    });
    // Logs the CRM refused are shown whatever else fails: they wait for the agent, not for the phone.
    this.unsubscribe.push(followUnsavedLogs(crm, (logs) => this.set({ unsavedLogs: logs }), logger));
    let settings: ConnectorSettings;
    try {
      settings = await crm.loadSettings();
    } catch (error) {
      const e = toSwitchboardError(error, 'SB10001');
      this.set({ phase: 'misconfigured', lastError: e.toJSON() });
      this.emitter.emit('error', e);
      await crm.notifyReady().catch(() => {});
      return;
    }
    // Followed from the start: the record in view must be known even while the SIP code loads.
    // (Click-to-dial is enabled, and presence accepted, only once the phone exists.)
    this.unsubscribe.push(
      crm.events.on('navigation', (record) => {
        this.set(record ? { recordInView: record } : { recordInView: undefined });
        if (record) this.pops.recordOpened(record);
      }),
    );
    const notifyReady = (): Promise<void> => crm.notifyReady().catch((e: unknown) => logger.log('warn', 'notifyReady failed', { error: String(e) }));
    let ready: Promise<void> | undefined;
    let telephony: TelephonyPort;
    try {
      const made = this.options.createTelephony(settings);
      if (made instanceof Promise) {
        // The adapter's code is still loading: the panel must not wait for it to be declared ready.
        ready = notifyReady();
        telephony = await made;
      } else {
        telephony = made;
      }
    } catch (error) {
      // The adapter refused these settings (a bad WebSocket URL…) or could not load: same as
      // unusable settings, and Salesforce must still hear that the panel loaded, so it can show our error.
      const e = toSwitchboardError(error, 'SB10001');
      this.set({ phase: 'misconfigured', settings, lastError: e.toJSON() });
      this.emitter.emit('error', e);
      await (ready ?? notifyReady());
      return;
    }
    this.telephony = telephony;
    telephony.setDelegate({ acceptIncoming: (call) => this.callEvents.acceptIncoming(call) });
    this.unsubscribe.push(
      telephony.events.on('registration', (r) => this.onRegistration(r)),
      ...this.callEvents.follow(telephony),
      telephony.events.on('lineState', (ext, state) => this.set({ lines: { ...this.current.lines, [ext]: state } })),
      crm.events.on('clickToDial', (req) => {
        void this.execute({ type: 'dial', number: req.number, ...(req.record ? { record: req.record } : {}) }).catch(() => {});
      }),
      crm.events.on('presence', (req) => {
        // Omni-Channel asked.
        const next = presenceRequest(this.current.presence, req);
        if (next.kind === 'ignore') return;
        if (next.kind === 'defer') {
          this.setPresence(next.presence, false);
          return;
        }
        void this.execute({ type: 'set-presence', status: req.status, ...(req.reasonId ? { reasonId: req.reasonId } : {}) }).catch(() => {});
      }),
    );
    // Before the journal is recovered: a call being taken back is carried on, not logged as failed.
    await this.takeBacks.restore(telephony.reattaching ?? []);
    this.set({ phase: 'signed-out', settings });
    // Calls a closed or crashed page left open are logged now (or dropped, where the CRM logs by itself); nothing waits for it.
    void this.closer.recoverJournal();
    await (ready ?? notifyReady());
    if (crm.capabilities.clickToDial) {
      await crm.enableClickToDial(true).then(
        () => this.set({ clickToDialEnabled: true }),
        (e: unknown) => logger.log('warn', 'enableClickToDial failed', { error: String(e) }),
      );
    }
    if (settings.sip.credentialScheme === 'ephemeral' || (settings.sip.username && settings.sip.password)) {
      // Not awaited: a registration that hangs (server down, slow network) must not hold up start().
      void this.execute({ type: 'sign-in' }).catch(() => {});
    }
  }

  /** Runs one agent command. Rejects with a SwitchboardError (also kept in `state.lastError`). */
  async execute(command: AgentCommand): Promise<void> {
    const before = this.current.lastError;
    try {
      await this.run(command);
      // Clears the error the agent saw when acting, not one that arose meanwhile (a call that
      // ended during a reload is reported while sign-in is still running).
      if (this.current.lastError && this.current.lastError === before) this.set({ lastError: undefined });
    } catch (error) {
      const e = toSwitchboardError(error);
      this.options.logger.log(e.expected ? 'warn' : 'error', `command '${command.type}' failed`, { code: e.code, message: e.message });
      this.set({ lastError: e.toJSON() });
      this.emitter.emit('error', e);
      throw e;
    }
  }

  dispose(): void {
    this.signIn.dispose();
    this.journal.dispose();
    this.closer.dispose();
    // Nobody will answer any more: refuse new callers rather than let them ring into the void.
    this.telephony?.setDelegate({ acceptIncoming: () => false });
    this.takeBacks.dispose();
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    this.wrapUp.dispose();
    this.emitter.removeAllListeners();
  }

  // ── commands ────────────────────────────────────────────────────────────────────────────────

  private async run(command: AgentCommand): Promise<void> {
    // A hang-up of a call that ended while it was being taken back has nothing left to do: the
    // call is reported ended (CallEvents.ended), as the agent wanted.
    if ((await this.takeBacks.waitFor(command)) === 'ended' && command.type === 'hangup') return;
    switch (command.type) {
      case 'sign-in':
      case 'sign-out':
        return this.signIn.run(command);
      case 'set-presence':
        return this.changePresence(command.status, command.reasonId);
      case 'dial':
      case 'answer':
      case 'decline':
      case 'hangup':
      case 'hold':
      case 'resume':
      case 'swap':
      case 'mute':
      case 'dtmf':
        return this.control.run(command);
      case 'blind-transfer':
      case 'consult':
      case 'complete-transfer':
      case 'leave-conference':
      case 'conference':
        return this.transfers.run(command);
      case 'choose-record':
      case 'relate':
        return this.pops.run(command);
      case 'set-wrap-up':
      case 'complete-wrap-up':
        return this.wrapUp.run(command);
      case 'retry-log':
      case 'discard-log':
        return runUnsavedLogCommand(this.options.crm, command, this.options.logger);
    }
  }

  // ── telephony events ───────────────────────────────────────────────────────────────────────

  private onRegistration(registration: RegistrationState): void {
    this.set({ registration });
    if (registration.state === 'registered' && this.current.presence.status !== 'offline') {
      void this.telephony?.publishPresence(this.current.presence.status).catch(() => {});
    }
  }

  /** A closed call leaves the open calls for the recent ones (and the History); presence follows. */
  private retire(snapshot: CallSnapshot): void {
    this.wrapUp.ended(snapshot.id);
    this.calls.delete(snapshot.id);
    const recentLimit = this.options.recentLimit ?? 20;
    this.set({
      calls: this.calls.snapshots(),
      recent: [snapshot, ...this.current.recent.filter((c) => c.id !== snapshot.id)].slice(0, recentLimit),
      activeCallId: this.calls.active(),
    });
    this.updatePresenceForCalls();
    const extension = this.current.signedInAs?.extension;
    if (extension) this.history.save(extension, this.current.recent);
  }

  /** History as an earlier page (or sign-in) of this extension left it, under what this page has. */
  private async restoreHistory(extension: string): Promise<void> {
    const stored = await this.history.load(extension);
    if (!stored.length || this.current.signedInAs?.extension !== extension) return;
    this.set({ recent: mergeHistory(this.current.recent, stored, this.options.recentLimit ?? 20) });
  }

  // ── presence ──────────────────────────────────────────────────────────────────────────────

  private async changePresence(status: ChosenStatus, reasonId?: string): Promise<void> {
    const { presence, phase, settings } = this.current;
    const changes = choosePresence(
      { presence, signedIn: phase === 'ready', awayReasons: settings?.awayReasons ?? [], openCalls: this.calls.size, now: this.now() },
      status,
      reasonId,
    );
    for (const change of changes) this.setPresence(change.presence, change.propagate);
  }

  private setPresence(presence: PresenceState, propagate: boolean): void {
    this.set({ presence });
    const stored = storedPresence(presence);
    if (stored) void this.options.storage.set(PRESENCE_KEY, stored).catch(() => {});
    if (!propagate) return;
    void this.telephony
      ?.publishPresence(presence.status)
      .catch((e: unknown) => this.options.logger.log('warn', 'presence PUBLISH failed', { error: String(e) }));
    if (this.options.crm.capabilities.presenceSync) {
      void this.options.crm
        .publishPresence(presence)
        .catch((e: unknown) => this.options.logger.log('warn', 'presence sync to CRM failed', { error: String(e) }));
    }
  }

  private updatePresenceForCalls(): void {
    const next = presenceForCalls(this.current.presence, this.calls.snapshots(), this.now());
    if (next) this.setPresence(next, true);
  }

  private async restorePresence(): Promise<{ status: ChosenStatus; reasonId?: string }> {
    return restoredPresence(await this.options.storage.get(PRESENCE_KEY).catch(() => undefined));
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────

  private addCall(call: Call): void {
    this.calls.set(call);
    this.set({ calls: this.calls.snapshots(), activeCallId: this.calls.active() });
    this.updatePresenceForCalls();
  }

  private requireTelephony(): TelephonyPort {
    if (!this.telephony) throw new SwitchboardError('SB10001', 'The connector has not started.');
    return this.telephony;
  }

  private publish(): void {
    this.set({ calls: this.calls.snapshots(), activeCallId: this.calls.active() });
  }

  private set(patch: Partial<EngineState>): void {
    const previous = this.current;
    const next = { ...this.current, ...patch } as EngineState & Record<string, unknown>;
    for (const key of Object.keys(patch)) if ((patch as Record<string, unknown>)[key] === undefined) delete next[key];
    this.current = next;
    // Also where the CRM logs by itself: the journal is what a reloaded page carries its calls on with (their attached data).
    if (patch.calls) this.journal.changed();
    this.emitter.emit('change', this.current);
    const lifecycle = this.options.crm.callLifecycle?.bind(this.options.crm);
    if (lifecycle && patch.calls) for (const event of diffCalls(previous.calls, next.calls, next.recent)) lifecycle(event);
  }

  private now(): number {
    return this.options.clock.now();
  }
}
