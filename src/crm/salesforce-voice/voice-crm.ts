/**
 * The CRM port under Salesforce Voice. Salesforce pops, logs (the VoiceCall record), runs
 * Omni-Channel presence and after-call work itself, so every engine policy for them is off; what
 * the engine still needs from this side is the call center (from `SETUP_CONNECTOR`), a way in for
 * the commands Salesforce sends (`attach`) and a way out for what happens to the calls
 * (`callLifecycle`). The VendorConnector (voice-connector.ts) is the other half.
 */
import {
  Emitter,
  type CallLifecycleEvent,
  type CallLogEntry,
  type ConnectorSettings,
  type CrmCapabilities,
  type CrmEvents,
  type CrmPort,
  type EngineHandle,
  type MintedSipCredentials,
  type PresenceState,
  type RecordRef,
  type ScreenPopOutcome,
} from '../../core/index.ts';
import { deferred } from './deferred.ts';
import { voiceSettings } from './voice-settings.ts';

export interface VoiceCrmOptions {
  /**
   * Mints short-lived SIP credentials for the signed-in user (call centers with `credentialScheme:
   * ephemeral`); absent where the page has no way to ask Salesforce for them.
   */
  readonly mint?: () => Promise<MintedSipCredentials>;
}

export const VOICE_CAPABILITIES: CrmCapabilities = {
  screenPop: false,
  callLogging: false,
  clickToDial: false,
  presenceSync: false,
  externalWrapUp: true,
};

export class VoiceCrm implements CrmPort {
  readonly capabilities = VOICE_CAPABILITIES;
  private readonly emitter = new Emitter<CrmEvents>();
  private readonly config = deferred<unknown>();
  private readonly readyFlag = deferred<void>();
  private engine?: EngineHandle;
  private readonly listeners = new Set<(event: CallLifecycleEvent) => void>();
  readonly mintSipCredentials?: () => Promise<MintedSipCredentials>;

  constructor(options: VoiceCrmOptions = {}) {
    if (options.mint) this.mintSipCredentials = options.mint;
  }

  get events(): Emitter<CrmEvents> {
    return this.emitter;
  }

  /** The engine, once it started (`attach`). */
  get handle(): EngineHandle | undefined {
    return this.engine;
  }

  /** Resolves once the engine told Salesforce it is ready (settings read, or found unusable). */
  get ready(): Promise<void> {
    return this.readyFlag.promise;
  }

  /** `SETUP_CONNECTOR`'s connectorConfig: what `loadSettings` parses. Only the first counts. */
  configure(connectorConfig: unknown): void {
    this.config.resolve(connectorConfig);
  }

  onLifecycle(listener: (event: CallLifecycleEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  attach(engine: EngineHandle): void {
    this.engine = engine;
  }

  callLifecycle(event: CallLifecycleEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  async loadSettings(): Promise<ConnectorSettings> {
    return voiceSettings(await this.config.promise);
  }

  async notifyReady(): Promise<void> {
    this.readyFlag.resolve();
  }

  // Salesforce Voice does these itself; with the capabilities off the engine never asks for them.
  async screenPop(): Promise<ScreenPopOutcome> {
    return { kind: 'skipped', records: [], explanation: ["Salesforce Voice pops the caller's records itself."] };
  }

  async openRecord(_record: RecordRef): Promise<void> {}

  async logCall(_entry: CallLogEntry): Promise<void> {}

  async publishPresence(_presence: PresenceState): Promise<void> {}

  async enableClickToDial(_enabled: boolean): Promise<void> {}

  async setPanelVisible(_visible: boolean): Promise<void> {}
}
