/**
 * `FakeCrm`: a behaving `CrmPort` for the engine's unit tests. It is the real CRM logic (the
 * screen-pop policy, Task mapping and the durable outbox of `SalesforceCrm`) over an in-memory
 * Salesforce (`FakeOrg`), so what the engine sees is what it would see over Open CTI:
 * phone search across number forms, the softphone layout's no/one/many-match rules, logs saved
 * exactly once by CallObject even when saveLog fails, and presence/click-to-dial/navigation events.
 *
 * ```ts
 * const crm = new FakeCrm({ settings, records: [{ objectType: 'Contact', name: 'Ada', phones: ['+14155550134'] }] });
 * // …drive the engine…
 * await crm.settle();             // drain the call-log outbox (advances crm.clock when it owns it)
 * crm.savedLogs; crm.pops; crm.openedRecords; crm.presencePublished
 * ```
 */
import {
  SwitchboardError,
  type CallLogEntry,
  type Clock,
  type ConnectorSettings,
  type CrmCapabilities,
  type CrmEvents,
  type CrmPort,
  type EventSource,
  type Logger,
  type MintedSipCredentials,
  type PresenceState,
  type RecordRef,
  type ScreenPopOutcome,
  type ScreenPopRequest,
  type StoragePort,
  type UnsavedLogs,
  silentLogger,
} from '../../core/index.ts';
import type { CallLogOutbox } from '../outbox/call-log-outbox.ts';
import { MemoryStorage } from '../outbox/memory-storage.ts';
import { SalesforceCrm } from '../shared/salesforce-crm.ts';
import { PRESENCE_CHANNEL, type PresenceMessage } from '../shared/salesforce-surface.ts';
import type { SoftphoneLayout } from '../shared/softphone-layout.ts';
import { FakeClock, flushAsync } from '../testing/fake-clock.ts';
import { FakeOrg, type FakeCredentialMinting, type FakePop, type FakeRecord, type SaveFailureMode, type SavedTask, type StoredRecord } from './fake-org.ts';
import { FakeSurface } from './fake-surface.ts';

export interface FakeCrmOptions {
  /** What loadSettings returns. */
  readonly settings: ConnectorSettings;
  readonly records?: readonly FakeRecord[];
  readonly layout?: SoftphoneLayout;
  /** Task fields the org refuses with INVALID_FIELD (e.g. ['TaskSubtype']). */
  readonly rejectFields?: readonly string[];
  readonly capabilities?: Partial<CrmCapabilities>;
  /** Defaults to a FakeClock this CRM owns (then `settle()` advances it). */
  readonly clock?: Clock;
  /** Defaults to a fresh MemoryStorage; pass one to simulate a reload over the same outbox. */
  readonly storage?: StoragePort;
  readonly logger?: Logger;
  /** Share one org between several FakeCrm (two tabs). */
  readonly org?: FakeOrg;
  /** Makes loadSettings fail with SB10001 and this detail. */
  readonly settingsError?: string;
  /** The org mints short-lived SIP credentials (ignored when `org` is given: configure that org). */
  readonly sipCredentials?: FakeCredentialMinting;
}

export class FakeCrm implements CrmPort {
  readonly org: FakeOrg;
  readonly surface: FakeSurface;
  readonly clock: Clock;
  readonly storage: StoragePort;
  /** Every screenPop request the engine made, in order. */
  readonly screenPopRequests: ScreenPopRequest[] = [];
  /** Every outcome returned, in order. */
  readonly screenPopOutcomes: ScreenPopOutcome[] = [];
  /** Every logCall entry received (before the outbox; duplicates included). */
  readonly logRequests: CallLogEntry[] = [];
  /** Presence states the engine published, in order. */
  readonly presenceRequests: PresenceState[] = [];
  readonly panelVisibility: boolean[] = [];
  readNotifications = 0;
  private readonly crm: SalesforceCrm;
  private readonly ownsClock: boolean;

  constructor(private readonly options: FakeCrmOptions) {
    this.org =
      options.org ??
      new FakeOrg({
        ...(options.records ? { records: options.records } : {}),
        ...(options.layout ? { layout: options.layout } : {}),
        ...(options.rejectFields ? { rejectFields: options.rejectFields } : {}),
        defaultCountry: options.settings.dialing.defaultCountry,
        ...(options.sipCredentials ? { sipCredentials: options.sipCredentials } : {}),
      });
    if (options.org && options.records) for (const r of options.records) this.org.addRecord(r);
    this.ownsClock = !options.clock;
    this.clock = options.clock ?? new FakeClock();
    this.storage = options.storage ?? new MemoryStorage();
    this.surface = new FakeSurface(this.org, options.capabilities?.presenceSync ?? true);
    this.crm = new SalesforceCrm({
      surface: this.surface,
      storage: this.storage,
      clock: this.clock,
      logger: options.logger ?? silentLogger,
      ...(options.capabilities ? { capabilities: options.capabilities } : {}),
    });
    this.crm.useSettings(options.settings);
    void this.crm.attach();
  }

  // ── CrmPort ──────────────────────────────────────────────────────────────────────────

  get capabilities(): CrmCapabilities {
    return this.crm.capabilities;
  }

  get events(): EventSource<CrmEvents> {
    return this.crm.events;
  }

  get outbox(): CallLogOutbox {
    return this.crm.outbox;
  }

  get unsavedLogs(): UnsavedLogs {
    return this.crm.unsavedLogs;
  }

  async loadSettings(): Promise<ConnectorSettings> {
    await this.crm.attach();
    if (this.options.settingsError !== undefined) throw new SwitchboardError('SB10001', this.options.settingsError);
    return this.options.settings;
  }

  async notifyReady(): Promise<void> {
    this.readNotifications++;
    await this.crm.notifyReady();
  }

  async screenPop(request: ScreenPopRequest): Promise<ScreenPopOutcome> {
    this.screenPopRequests.push(request);
    const outcome = await this.crm.screenPop(request);
    this.screenPopOutcomes.push(outcome);
    return outcome;
  }

  openRecord(record: RecordRef): Promise<void> {
    return this.crm.openRecord(record);
  }

  logCall(entry: CallLogEntry): Promise<void> {
    this.logRequests.push(entry);
    return this.crm.logCall(entry);
  }

  publishPresence(presence: PresenceState): Promise<void> {
    this.presenceRequests.push(presence);
    return this.crm.publishPresence(presence);
  }

  enableClickToDial(enabled: boolean): Promise<void> {
    return this.crm.enableClickToDial(enabled);
  }

  setPanelVisible(visible: boolean): Promise<void> {
    this.panelVisibility.push(visible);
    return this.crm.setPanelVisible(visible);
  }

  /** Through runApex and the org's `SwitchboardCredentials.mint`, as over Open CTI. */
  mintSipCredentials(): Promise<MintedSipCredentials> {
    return this.crm.mintSipCredentials();
  }

  // ── what happened ────────────────────────────────────────────────────────────────────

  /** Screen pops performed in the (fake) console, in order. */
  get pops(): readonly FakePop[] {
    return this.org.pops;
  }

  /** Records opened (sobject pops), in order. */
  get openedRecords(): RecordRef[] {
    return this.org.openedRecords;
  }

  /** Tasks in the org (duplicates would show here). */
  get savedLogs(): readonly SavedTask[] {
    return this.org.tasks;
  }

  /** Presence messages the softphone published on SwitchboardPresence__c. */
  get presencePublished(): PresenceMessage[] {
    return this.org.published
      .filter((p) => p.channelName === PRESENCE_CHANNEL)
      .map((p) => p.message as PresenceMessage)
      .filter((m) => m.source === 'softphone');
  }

  get clickToDialEnabled(): boolean {
    return this.org.clickToDialEnabled;
  }

  // ── drive it ─────────────────────────────────────────────────────────────────────────

  addRecord(record: FakeRecord): StoredRecord {
    return this.org.addRecord(record);
  }

  /** The agent clicks a number in Salesforce; fires only when click-to-dial is enabled. */
  clickToDial(number: string, record?: RecordRef): boolean {
    return this.org.clickToDial(number, record);
  }

  /** The agent opens a record (null: a page without one). */
  navigate(record: RecordRef | null): void {
    this.org.navigate(record);
  }

  /** Omni-Channel publishes a status change. */
  omniPresence(status: 'available' | 'away' | 'offline', reasonId?: string): void {
    this.org.publish(PRESENCE_CHANNEL, { source: 'omni', status, ...(reasonId ? { reasonId } : {}) });
  }

  failNextLogs(count: number, mode: SaveFailureMode = 'reject'): void {
    this.org.failNextSaves(count, mode);
  }

  setLogFailureRate(probability: number, seed: number, modes?: readonly SaveFailureMode[]): void {
    this.org.setSaveFailureRate(probability, { seed, ...(modes ? { modes } : {}) });
  }

  /**
   * Drains the call-log outbox until nothing is pending (saved or parked). When this CRM owns its
   * clock, retries are reached by advancing it; with an injected clock, advance it yourself.
   */
  async settle(maxRounds = 200): Promise<void> {
    for (let round = 0; round < maxRounds; round++) {
      // Kick, never await, a drain: a hung save waits for the clock, which this loop moves.
      void this.crm.outbox.drain();
      await flushAsync();
      const pending = (await this.crm.outbox.entries()).some((e) => e.state === 'pending');
      if (!pending) return;
      if (!this.ownsClock) return;
      const clock = this.clock as FakeClock;
      const at = clock.nextTimerAt();
      if (at === undefined) return;
      await clock.advance(Math.max(0, at - clock.now()));
    }
  }

  /** Moves this CRM's own fake clock (outbox retries, timeouts); only when no clock was injected. */
  async advance(ms: number): Promise<void> {
    if (!(this.clock instanceof FakeClock)) throw new Error('FakeCrm.advance: this FakeCrm uses an injected clock; advance that one.');
    await this.clock.advance(ms);
  }

  dispose(): void {
    this.crm.dispose();
  }
}
