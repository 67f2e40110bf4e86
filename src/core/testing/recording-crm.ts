/**
 * A CrmPort test double that records every call, for the engine's unit tests. It is deliberately
 * thin: settings come from a getCallCenterSettings-style map through the real parser, screen pops
 * answer from a table of records by number, and logCall does NOT de-duplicate, so a test sees
 * every time the engine asked to log (the behaving Salesforce is `src/crm/fake`'s FakeCrm).
 */
import { Emitter } from '../events/emitter.ts';
import { SwitchboardError } from '../errors/catalog.ts';
import type { RecordRef } from '../call/call-types.ts';
import type {
  CallLogEntry,
  ClickToDialRequest,
  CrmCapabilities,
  CrmEvents,
  CrmPort,
  PresenceRequest,
  ScreenPopOutcome,
  ScreenPopRequest,
} from '../ports/crm-port.ts';
import type { PresenceState } from '../presence/presence.ts';
import type { MintedSipCredentials } from '../credentials/minted-credentials.ts';
import { parseConnectorSettings, type ConnectorSettings } from '../settings/connector-settings.ts';

export type CrmMethod =
  'loadSettings' | 'notifyReady' | 'screenPop' | 'openRecord' | 'logCall' | 'publishPresence' | 'enableClickToDial' | 'setPanelVisible' | 'mintSipCredentials';

export interface RecordedCrmCall {
  readonly method: CrmMethod;
  readonly args: readonly unknown[];
}

/** A minimal settings map that parses: the two required SIP items plus the call center's name. */
export function settingsMap(overrides: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    '/reqGeneralInfo/reqInternalName': 'SwitchboardTest',
    '/reqGeneralInfo/reqDisplayName': 'Switchboard Test',
    '/switchboard/sipWebSocketUrl': 'wss://pbx.example.com:8089/ws',
    '/switchboard/sipDomain': 'pbx.example.com',
    ...overrides,
  };
}

export interface RecordingCrmOptions {
  readonly settings?: Readonly<Record<string, string>>;
  readonly capabilities?: Partial<CrmCapabilities>;
  /** Records that a screen pop finds, keyed by the caller's number as received. */
  readonly records?: Readonly<Record<string, readonly RecordRef[]>>;
  /** Makes this CRM mint short-lived SIP credentials (`mintSipCredentials`) with this function. */
  readonly mint?: () => MintedSipCredentials | Promise<MintedSipCredentials>;
}

export class RecordingCrm implements CrmPort {
  readonly capabilities: CrmCapabilities;
  readonly calls: RecordedCrmCall[] = [];
  readonly logs: CallLogEntry[] = [];
  readonly pops: ScreenPopRequest[] = [];
  readonly presence: PresenceState[] = [];
  private readonly emitter = new Emitter<CrmEvents>();
  private settingsMap: Readonly<Record<string, string>>;
  private readonly records: Map<string, readonly RecordRef[]>;
  private failures = new Map<CrmMethod, Error>();
  /** Present only when the options give a `mint` function, as on a surface that can mint. */
  readonly mintSipCredentials?: () => Promise<MintedSipCredentials>;

  constructor(options: RecordingCrmOptions = {}) {
    const mint = options.mint;
    if (mint) {
      this.mintSipCredentials = async () => {
        this.record('mintSipCredentials');
        return mint();
      };
    }
    this.settingsMap = options.settings ?? settingsMap();
    this.capabilities = { screenPop: true, callLogging: true, clickToDial: true, presenceSync: true, ...options.capabilities };
    this.records = new Map(Object.entries(options.records ?? {}));
  }

  get events(): Emitter<CrmEvents> {
    return this.emitter;
  }

  /** Method names in call order (handy for ordering assertions). */
  get methods(): CrmMethod[] {
    return this.calls.map((c) => c.method);
  }

  count(method: CrmMethod): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  setRecords(number: string, records: readonly RecordRef[]): void {
    this.records.set(number, records);
  }

  /** Makes the next call of `method` reject with `error`. */
  failNext(method: CrmMethod, error: Error = new SwitchboardError('SB30002', `injected ${method} failure`)): void {
    this.failures.set(method, error);
  }

  // ── what the CRM user does ────────────────────────────────────────────────────────────────
  clickToDial(request: ClickToDialRequest): void {
    this.emitter.emit('clickToDial', request);
  }
  omniChannelPresence(request: PresenceRequest): void {
    this.emitter.emit('presence', request);
  }
  navigate(record: RecordRef | null): void {
    this.emitter.emit('navigation', record);
  }

  // ── CrmPort ───────────────────────────────────────────────────────────────────────────────
  async loadSettings(): Promise<ConnectorSettings> {
    this.record('loadSettings');
    const result = parseConnectorSettings(this.settingsMap);
    if (!result.ok) throw new SwitchboardError('SB10001', result.problems.map((p) => `${p.key}: ${p.message}`).join(' '));
    return result.settings;
  }

  async notifyReady(): Promise<void> {
    this.record('notifyReady');
  }

  async screenPop(request: ScreenPopRequest): Promise<ScreenPopOutcome> {
    this.record('screenPop', request);
    this.pops.push(request);
    const found = this.records.get(request.remote.number) ?? [];
    const kind = found.length === 0 ? 'none' : found.length === 1 ? 'single' : 'multiple';
    // As the console does: a single match is opened, and the console says so (onNavigationChange).
    if (kind === 'single' && request.navigate !== false) this.navigateSoon(found[0]!);
    return { kind, records: found, explanation: [`searched ${request.remote.number}: ${found.length} match(es)`] };
  }

  async openRecord(record: RecordRef): Promise<void> {
    this.record('openRecord', record);
    this.navigateSoon(record);
  }

  /** The record the console shows now (the last one popped or opened). */
  shown: RecordRef | null = null;

  private navigateSoon(record: RecordRef): void {
    this.shown = record;
    void Promise.resolve().then(() => this.emitter.emit('navigation', record));
  }

  async logCall(entry: CallLogEntry): Promise<void> {
    this.record('logCall', entry);
    this.logs.push(entry);
  }

  async publishPresence(presence: PresenceState): Promise<void> {
    this.record('publishPresence', presence);
    this.presence.push(presence);
  }

  async enableClickToDial(enabled: boolean): Promise<void> {
    this.record('enableClickToDial', enabled);
  }

  async setPanelVisible(visible: boolean): Promise<void> {
    this.record('setPanelVisible', visible);
  }

  private record(method: CrmMethod, ...args: unknown[]): void {
    this.calls.push({ method, args });
    const failure = this.failures.get(method);
    if (failure) {
      this.failures.delete(method);
      throw failure;
    }
  }
}
