/**
 * The softphone's life in one tab, independent of the browser objects it is given: elect the tab
 * that holds the phone; there, run the connector engine (telephony + CRM), ring and open the panel
 * on offers, mirror state to the other tabs; elsewhere, mirror the leader and relay commands,
 * including this tab's click-to-dial and Omni-Channel requests. Takes over when the leader goes.
 *
 * The softphone page and the panel preview both compose this; Node tests drive it with fake
 * locks, an in-memory channel hub, FakeCrm and FakeTelephony.
 */
import { ConnectorEngine, type Clock, type ConnectorSettings, type CrmPort, type Logger, type SipCredentials, type StoragePort, type TelephonyPort } from '../../core/index.ts';
import type { PanelAudio } from '../../ui/panel-host.ts';
import type { SoftphoneHost } from '../host/softphone-host.ts';
import { TabLeadership, type LockManagerLike } from '../leadership/leadership.ts';
import { FollowerRelay, LeaderRelay, type ChannelLike } from '../leadership/tab-relay.ts';

/** The audio side of a telephony adapter (sip: AudioControl); the fake has none. */
export interface RuntimeAudio extends PanelAudio {
  startRinging(): void;
  stopRinging(): void;
}

export type RuntimeTelephony = TelephonyPort & { readonly audio?: RuntimeAudio; dispose?(): Promise<void> | void };

export interface SoftphoneRuntimeOptions {
  readonly crm: CrmPort;
  /** May answer a promise: the softphone page loads the SIP stack lazily. */
  readonly createTelephony: (settings: ConnectorSettings) => RuntimeTelephony | Promise<RuntimeTelephony>;
  readonly storage: StoragePort;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly locks: LockManagerLike | undefined;
  readonly channel: ChannelLike;
  readonly tabId: string;
  readonly host: SoftphoneHost;
  readonly relayTimeoutMs?: number;
}

export class SoftphoneRuntime {
  private readonly leadership: TabLeadership;
  private follower?: { relay: FollowerRelay; off: (() => void)[] };
  private engine?: ConnectorEngine;
  private leaderRelay?: LeaderRelay;
  private telephony?: RuntimeTelephony;
  private notified = false;
  private stopped = false;

  constructor(private readonly options: SoftphoneRuntimeOptions) {
    this.leadership = new TabLeadership({ locks: options.locks, clock: options.clock, logger: options.logger, channel: options.channel, tabId: options.tabId });
    this.leadership.events.on('role', (role) => {
      if (role === 'leader') void this.lead();
      else if (role === 'follower') void this.abdicate().then(() => this.follow());
    });
  }

  get role(): TabLeadership['role'] {
    return this.leadership.role;
  }

  /** The engine, in the leader tab (for diagnostics and tests). */
  get connectorEngine(): ConnectorEngine | undefined {
    return this.engine;
  }

  /** Starts the election; the rest follows from the role. Resolves once the role is known. */
  async start(): Promise<void> {
    await this.leadership.start();
  }

  /** Leaves: releases the phone to another tab and stops the phone system connection. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.leadership.release();
    this.dropFollower();
    this.leaderRelay?.dispose();
    this.engine?.dispose();
    await Promise.resolve(this.telephony?.dispose?.()).catch(() => {});
  }

  /** A leader that learns another tab led first (channel election) gives up its phone. */
  private async abdicate(): Promise<void> {
    if (!this.engine) return;
    this.options.logger.log('warn', 'another tab holds the phone; this tab stops its own');
    this.leaderRelay?.dispose();
    this.leaderRelay = undefined;
    this.engine.dispose();
    this.engine = undefined;
    this.options.host.setAudio(undefined);
    const telephony = this.telephony;
    this.telephony = undefined;
    await Promise.resolve(telephony?.dispose?.() ?? telephony?.unregister()).catch(() => {});
  }

  private follow(): void {
    if (this.follower || this.stopped) return;
    const { crm, channel, tabId, clock, host, logger } = this.options;
    const relay = new FollowerRelay(channel, tabId, clock, this.options.relayTimeoutMs);
    const relayed = (what: string) => (e: unknown) => logger.log('warn', `relayed ${what} failed`, { error: String(e) });
    // This tab's Salesforce still sends click-to-dial and Omni-Channel requests: the leader acts on them.
    const off = [
      crm.events.on('clickToDial', (req) => {
        relay.execute({ type: 'dial', number: req.number, ...(req.record ? { record: req.record } : {}) }).catch(relayed('click-to-dial'));
      }),
      crm.events.on('presence', (req) => {
        relay.execute({ type: 'set-presence', status: req.status, ...(req.reasonId ? { reasonId: req.reasonId } : {}) }).catch(relayed('presence'));
      }),
    ];
    this.follower = { relay, off };
    host.attachFollower(relay);
    host.setLeadership({ role: 'follower', ...(relay.since !== undefined ? { leaderSince: relay.since } : {}) });
    // Salesforce falls back to the standby URL unless every softphone frame says it is ready.
    if (!this.notified) {
      this.notified = true;
      crm.notifyReady().catch((e: unknown) => logger.log('warn', 'notifyReady failed', { error: String(e) }));
    }
  }

  private dropFollower(): SipCredentials | null {
    const follower = this.follower;
    if (!follower) return null;
    this.follower = undefined;
    for (const off of follower.off) off();
    const credentials = follower.relay.credentials;
    follower.relay.dispose();
    return credentials;
  }

  private async lead(): Promise<void> {
    if (this.engine || this.stopped) return;
    const { crm, storage, clock, logger, host, channel, tabId } = this.options;
    const credentials = this.dropFollower();
    const engine = new ConnectorEngine({
      crm,
      storage,
      clock,
      logger,
      createTelephony: (settings) => this.createTelephony(settings),
      // With Web Locks this is the only engine in the browser: a journaled call is a dead page's, log it at once.
      ...(this.options.locks ? { journal: { staleMs: 0 } } : {}),
    });
    this.engine = engine;
    engine.events.on('offered', () => {
      // Open the utility-bar panel if minimised, and ring on the ringer device: a microtask later,
      // so the screen pop's search (asked right after this event) leaves first and the console
      // handles it before the panel request.
      queueMicrotask(() => {
        crm.setPanelVisible(true).catch((e: unknown) => logger.log('warn', 'could not open the softphone panel', { error: String(e) }));
        this.telephony?.audio?.startRinging();
      });
    });
    engine.events.on('offerEnded', (callId) => {
      const stillOffered = engine.state.calls.some((c) => c.state === 'offering' && c.id !== callId);
      if (!stillOffered) this.telephony?.audio?.stopRinging();
    });
    const relay = new LeaderRelay(channel, tabId, {
      get state() { return engine.state; },
      onChange: (listener) => engine.events.on('change', listener),
      execute: (command) => host.execute(command),
    }, this.leadership.since, logger);
    this.leaderRelay = relay;
    host.attachEngine(engine, (c) => relay.shareCredentials(c));
    host.setLeadership({ role: 'leader' });
    this.notified = true;
    await engine.start();
    // Taking over from a tab that closed: sign in again with the sign-in it shared (memory only).
    if (credentials && engine.state.phase === 'signed-out') {
      await host.execute({ type: 'sign-in', username: credentials.username, password: credentials.password }).catch(() => {});
    }
  }

  private createTelephony(settings: ConnectorSettings): RuntimeTelephony | Promise<RuntimeTelephony> {
    const made = this.options.createTelephony(settings);
    return made instanceof Promise ? made.then((t) => this.adopt(t, settings)) : this.adopt(made, settings);
  }

  private adopt(telephony: RuntimeTelephony, settings: ConnectorSettings): RuntimeTelephony {
    const { logger, host } = this.options;
    this.telephony = telephony;
    host.setAudio(telephony.audio);
    const extensions = settings.directory.map((d) => d.extension);
    if (extensions.length) {
      // The busy lamps of the transfer directory: watch once registered (again after each re-register).
      telephony.events.on('registration', (r) => {
        if (r.state === 'registered') telephony.watchLines(extensions).catch((e: unknown) => logger.log('warn', 'watching directory lines failed', { error: String(e) }));
      });
    }
    return telephony;
  }
}
