/**
 * Test harness page: the connector engine (src/core/engine) on the real SIP adapter, with the
 * core's recording CRM (every logCall kept, none de-duplicated) and in-memory storage, exposed on
 * `window.engineHarness` so a browser test can see what the engine does with the adapter's events
 * (wrap-up, logging) when real calls end in ways only a real network produces.
 */
import { ConnectorEngine, silentLogger } from '../../../core/index.ts';
import type { CallLogEntry, CallSnapshot, EngineState, LogLevel, Logger } from '../../../core/index.ts';
import { MemoryStorage, RecordingCrm, settingsMap } from '../../../core/testing/index.ts';
import { browserClock, createSipTelephony } from '../index.ts';

export interface EngineHarnessConfig {
  readonly wsUrl: string;
  readonly domain: string;
  readonly username: string;
  readonly password: string;
  /** Extra `/switchboard/<item>` settings (full keys). */
  readonly settings?: Readonly<Record<string, string>>;
}

export class EngineHarness {
  engine: ConnectorEngine | undefined;
  crm: RecordingCrm | undefined;
  readonly logs: { level: LogLevel; message: string; data?: unknown }[] = [];

  async start(config: EngineHarnessConfig): Promise<void> {
    const logger: Logger = {
      log: (level, message, data) => {
        if (level !== 'debug') this.logs.push({ level, message, ...(data ? { data } : {}) });
        silentLogger.log(level, message, data);
      },
    };
    this.crm = new RecordingCrm({
      settings: settingsMap({
        '/switchboard/sipWebSocketUrl': config.wsUrl,
        '/switchboard/sipDomain': config.domain,
        ...config.settings,
      }),
    });
    this.engine = new ConnectorEngine({
      crm: this.crm,
      createTelephony: (settings) => createSipTelephony(settings, { clock: browserClock, logger, qualityIntervalMs: 1000 }),
      storage: new MemoryStorage(),
      clock: browserClock,
      logger,
    });
    await this.engine.start();
    await this.engine.execute({ type: 'sign-in', username: config.username, password: config.password });
    await this.engine.execute({ type: 'set-presence', status: 'available' });
  }

  get state(): EngineState {
    if (!this.engine) throw new Error('engine harness not started');
    return this.engine.state;
  }

  /** The call, live, in wrap-up, or finished (recent). */
  call(callId: string): CallSnapshot | undefined {
    const { calls, recent } = this.state;
    return calls.find((c) => c.id === callId) ?? recent.find((c) => c.id === callId);
  }

  /** Every logCall the engine made for the call (the recording CRM keeps duplicates). */
  logged(callId: string): CallLogEntry[] {
    return (this.crm?.logs ?? []).filter((l) => l.callId === callId);
  }
}

declare global {
  interface Window {
    engineHarness: EngineHarness;
  }
}

window.engineHarness = new EngineHarness();
