/**
 * `CrmPort` over a `SalesforceSurface`: the part of the Open CTI bridges that does not depend on
 * which library is underneath — settings parsing, the screen-pop policy, the call-log outbox,
 * click-to-dial, navigation and presence sync.
 *
 * Listeners are registered once, in `attach()` (Open CTI never removes a
 * listener); our own emitter is what callers subscribe to and unsubscribe from.
 */
import {
  Emitter,
  SwitchboardError,
  parseConnectorSettings,
  type CallLogEntry,
  type Clock,
  type ConnectorSettings,
  type CrmCapabilities,
  type CrmEvents,
  type CrmPort,
  type EventSource,
  type Logger,
  type PresenceRequest,
  type PresenceState,
  type RecordRef,
  type ScreenPopOutcome,
  type MintedSipCredentials,
  type Party,
  type ScreenPopRequest,
  type StoragePort,
  type UnsavedLogs,
} from '../../core/index.ts';
import { taskFields } from '../call-log/task-fields.ts';
import { CallLogOutbox, type CallLogOutboxOptions } from '../outbox/call-log-outbox.ts';
import { surfaceLogWriter } from '../outbox/log-writer.ts';
import { unsavedLogOf } from '../outbox/unsaved-log.ts';
import { mintThroughApex } from './sip-credentials.ts';
import { ScreenPopPolicy } from '../screen-pop/screen-pop-policy.ts';
import type { LockManagerLike } from './environment.ts';
import { asRecord } from './records.ts';
import { PANEL_HEIGHT, PANEL_WIDTH, SOFTPHONE_SOURCE, clamp, type SalesforceSurface } from './salesforce-surface.ts';

export interface SalesforceCrmOptions {
  readonly surface: SalesforceSurface;
  readonly storage: StoragePort;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly locks?: LockManagerLike;
  /** Overrides for the outbox (timeouts, backoff, owner id). */
  readonly outbox?: Partial<Omit<CallLogOutboxOptions, 'storage' | 'writer' | 'clock' | 'logger' | 'locks'>>;
  /** Turns capabilities off (e.g. logging handled elsewhere). */
  readonly capabilities?: Partial<CrmCapabilities>;
  /**
   * How a number reads in the log's subject: the panel's own formatter (src/ui/format/phone-format.ts,
   * given by the app), so a Task names a number exactly as the panel showed it. Without it, the E.164
   * form when known, else the number as received.
   */
  readonly formatNumber?: NumberFormatter;
  /** notifyInitializationComplete already sent by the bridge (as soon as its library loaded): notifyReady shares it. */
  readonly readyNotice?: Promise<void>;
}

/** Formats a party's number for text that is written once (a log's subject); `defaultCountry` reads national numbers. */
export type NumberFormatter = (party: Party, defaultCountry: string) => Promise<string>;

/** The CrmPort the Open CTI factories return: also exposes the outbox (parked logs for the UI) and panel sizing. */
export interface OpenCtiCrm extends CrmPort {
  readonly surface: SalesforceSurface;
  readonly outbox: CallLogOutbox;
  /** Resizes the panel, clamped to Salesforce's limits (height 240–2560, width 200–1920 px). */
  setPanelSize(size: { readonly height?: number; readonly width?: number }): Promise<void>;
  /**
   * Names the softphone in the console's utility bar (its item and its panel header), where the
   * surface can (Lightning); a no-op elsewhere (Classic has no such call).
   */
  setUtilityLabel(label: string): Promise<void>;
  /** Stops the outbox's timers (page teardown, tests). */
  dispose(): void;
}

const CHOSEN = new Set(['available', 'away', 'offline']);

/** Validates a presence channel message; returns the request it carries, unless it is our own echo. */
export function presenceRequestFrom(message: unknown): PresenceRequest | undefined {
  const o = asRecord(message);
  const m = asRecord(o?.message) ?? o; // some LMS deliveries wrap the payload
  if (!m || m.source === SOFTPHONE_SOURCE || typeof m.status !== 'string' || !CHOSEN.has(m.status)) return undefined;
  const status = m.status as PresenceRequest['status'];
  return typeof m.reasonId === 'string' && m.reasonId !== '' && status === 'away' ? { status, reasonId: m.reasonId } : { status };
}

export class SalesforceCrm implements OpenCtiCrm {
  readonly capabilities: CrmCapabilities;
  readonly outbox: CallLogOutbox;
  readonly surface: SalesforceSurface;
  /** The logs Salesforce refused, parked in the outbox until the agent retries or discards them. */
  readonly unsavedLogs: UnsavedLogs;
  private readonly emitter: Emitter<CrmEvents>;
  private readonly policy: ScreenPopPolicy;
  private settings?: ConnectorSettings;
  private attached?: Promise<void>;
  /** Salesforce's answer to the ready notice, kept so the page's, the engine's and the leadership's asks share it. */
  private readyNotified: Promise<void> | undefined;

  constructor(private readonly options: SalesforceCrmOptions) {
    this.surface = options.surface;
    if (options.readyNotice) this.readyNotified = this.keepReadyNotice(options.readyNotice);
    this.capabilities = {
      screenPop: true,
      callLogging: true,
      clickToDial: true,
      presenceSync: options.surface.presenceSync,
      ...options.capabilities,
    };
    if (!options.surface.presenceSync && this.capabilities.presenceSync) this.capabilities = { ...this.capabilities, presenceSync: false };
    this.emitter = new Emitter<CrmEvents>((event, error) => options.logger.log('error', `CRM listener for '${event}' threw`, { error: String(error) }));
    this.policy = new ScreenPopPolicy({ surface: options.surface, logger: options.logger });
    this.outbox = new CallLogOutbox({
      ...options.outbox,
      storage: options.storage,
      writer: surfaceLogWriter(options.surface),
      clock: options.clock,
      logger: options.logger,
      ...(options.locks ? { locks: options.locks } : {}),
    });
    this.outbox.events.on('logged', (callId, recordId) => this.emitter.emit('logged', callId, recordId));
    this.outbox.events.on('unsaved', (entries) => this.emitter.emit('unsavedLogs', entries.map(unsavedLogOf)));
    const outbox = this.outbox;
    this.unsavedLogs = {
      list: async () => (await outbox.parked()).map(unsavedLogOf),
      retry: async (callId) => {
        await outbox.retryParked(callId);
      },
      discard: async (callId) => {
        await outbox.discardParked(callId);
      },
    };
  }

  get events(): EventSource<CrmEvents> {
    return this.emitter;
  }

  /**
   * Registers the library listeners (once) and starts the outbox, which first drains what an earlier
   * page left. Called by the factories; idempotent.
   */
  attach(): Promise<void> {
    this.attached ??= (async () => {
      const { surface, logger } = this.options;
      if (this.capabilities.clickToDial) {
        await surface.onClickToDial((request) => this.emitter.emit('clickToDial', request));
      }
      await surface.onNavigation((record) => this.emitter.emit('navigation', record));
      if (this.capabilities.presenceSync) {
        // Not awaited: a slow or missing message channel must not hold up the panel's start.
        void surface
          .onPresence((message) => {
            const request = presenceRequestFrom(message);
            if (request) this.emitter.emit('presence', request);
          })
          .catch((error: unknown) =>
            logger.log('warn', 'cannot subscribe to the presence channel; presence sync from Omni-Channel is off', { error: String(error) }),
          );
      }
      if (this.capabilities.callLogging) this.outbox.start();
      if (this.capabilities.screenPop) void this.policy.warmUp();
    })();
    return this.attached;
  }

  /** Uses already-known settings (the fake CRM; a host that parsed them itself). */
  useSettings(settings: ConnectorSettings): void {
    this.settings = settings;
  }

  async loadSettings(): Promise<ConnectorSettings> {
    const map = await this.options.surface.callCenterSettings();
    const result = parseConnectorSettings(map);
    if (!result.ok) {
      throw new SwitchboardError('SB10001', result.problems.map((p) => `${p.key}: ${p.message}`).join(' '));
    }
    for (const warning of result.warnings) this.options.logger.log('warn', `call center setting ${warning.key}: ${warning.message}`);
    this.settings = result.settings;
    return result.settings;
  }

  /**
   * Tells Salesforce the softphone has loaded, once per page: the page says it as soon as Open CTI is
   * in (as a bare softphone would), and the engine's and the tab leadership's later calls share that answer.
   * A refusal is not kept: the next call asks again.
   */
  notifyReady(): Promise<void> {
    this.readyNotified ??= this.keepReadyNotice(this.options.surface.notifyInitializationComplete());
    return this.readyNotified;
  }

  private keepReadyNotice(notice: Promise<void>): Promise<void> {
    const kept = notice.catch((error: unknown) => {
      if (this.readyNotified === kept) this.readyNotified = undefined;
      throw error;
    });
    return kept;
  }

  screenPop(request: ScreenPopRequest): Promise<ScreenPopOutcome> {
    return this.policy.pop(request);
  }

  openRecord(record: RecordRef): Promise<void> {
    return this.options.surface.popRecord(record);
  }

  async logCall(entry: CallLogEntry): Promise<void> {
    const settings = this.settings;
    if (!settings) throw new SwitchboardError('SB10001', 'logCall before loadSettings: the log object and subject are not known yet.');
    // The subject's number in the one format used everywhere (the subject builder reads remote.number).
    const number = await this.formatNumber(entry.remote, settings.dialing.defaultCountry);
    // Whom the log is about, as the Task names them: should Salesforce refuse it, the panel says so.
    const name = entry.who?.name ?? entry.remote.displayName;
    await this.outbox.enqueue(entry.callId, settings.log.object, taskFields({ ...entry, remote: { ...entry.remote, number } }, settings), {
      direction: entry.direction,
      number,
      ...(name ? { name } : {}),
      endedAt: entry.endedAt,
    });
  }

  private async formatNumber(party: Party, defaultCountry: string): Promise<string> {
    const plain = party.e164 ?? party.number;
    if (!this.options.formatNumber) return plain;
    try {
      return await this.options.formatNumber(party, defaultCountry);
    } catch (error) {
      // A log must never be lost to formatting: it goes out with the plain number.
      this.options.logger.log('warn', 'could not format the number for the call log', { error: String(error) });
      return plain;
    }
  }

  async publishPresence(presence: PresenceState): Promise<void> {
    if (!this.capabilities.presenceSync) return;
    // An offer changes presence (on-call) in the same task that asks for its screen pop: wait a
    // microtask so the pop's search reaches Salesforce first (the console handles requests in order).
    await Promise.resolve();
    await this.options.surface.publishPresence({
      source: SOFTPHONE_SOURCE,
      status: presence.status,
      ...(presence.reasonId ? { reasonId: presence.reasonId } : {}),
    });
  }

  enableClickToDial(enabled: boolean): Promise<void> {
    return this.options.surface.setClickToDial(enabled);
  }

  setPanelVisible(visible: boolean): Promise<void> {
    return this.options.surface.setPanelVisible(visible);
  }

  /** Apex `SwitchboardCredentials.mint` through runApex (Lightning and Classic alike). */
  mintSipCredentials(): Promise<MintedSipCredentials> {
    return mintThroughApex(this.options.surface);
  }

  setPanelSize(size: { readonly height?: number; readonly width?: number }): Promise<void> {
    return this.options.surface.setPanelSize({
      ...(size.height !== undefined ? { height: clamp(size.height, PANEL_HEIGHT) } : {}),
      ...(size.width !== undefined ? { width: clamp(size.width, PANEL_WIDTH) } : {}),
    });
  }

  setUtilityLabel(label: string): Promise<void> {
    return this.options.surface.setUtilityLabel?.(label) ?? Promise.resolve();
  }

  dispose(): void {
    this.outbox.stop();
  }
}
