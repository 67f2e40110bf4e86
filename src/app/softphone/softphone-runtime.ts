/**
 * The softphone's life in one tab, independent of the browser objects it is given: join the tabs'
 * session (tab-session.ts: the secret in the channel's name), elect the tab that holds the phone;
 * there, run the connector engine (telephony + CRM), ring and open the panel on offers, mirror state
 * to the other tabs; elsewhere, mirror the leader and relay commands, including this tab's
 * click-to-dial and Omni-Channel requests. Takes over when the leader goes.
 *
 * Sign-in happens in the tab where the agent asks for it: a follower takes the phone over first
 * (signInHere), so a typed password stays in that tab's memory and never crosses the channel. A tab
 * that takes over because the leader closed signs in by itself only from its own settings (the
 * `ephemeral` scheme mints credentials; a demo call center's shared password); with typed
 * passwords it shows the sign-in form and says the phone moved.
 *
 * Screen pops open where the agent is looking: every tab reports its attention (tab-attention.ts:
 * page visibility, focus in the frame), and the leader has the follower in the attended tab run the
 * pop through that tab's own Open CTI, since Open CTI pops in the page of the frame that asks. A
 * follower also mirrors the phone's presence into its own console (Omni-Channel) and opens its
 * panel when a call is offered, so every tab shows the agent's real status and the ringing call.
 *
 * The softphone page and the panel preview both compose this; Node tests drive it with fake
 * locks, an in-memory channel hub, FakeCrm and FakeTelephony.
 */
import {
  ConnectorEngine,
  SwitchboardError,
  type Clock,
  type ConnectorSettings,
  type CrmPort,
  type EngineState,
  type Logger,
  type ScreenPopOutcome,
  type StoragePort,
  type TelephonyPort,
} from '../../core/index.ts';
import type { PanelAudio } from '../../ui/panel-host.ts';
import type { SignInCommand } from '../host/softphone-host.ts';
import type { RuntimeHost } from '../host/runtime-host.ts';
import { TabLeadership, type LockManagerLike } from '../leadership/leadership.ts';
import { attendedTab, type AttentionSource } from '../leadership/tab-attention.ts';
import { FollowerRelay, LeaderRelay, PopUnanswered, RELAY_CHANNEL, type ChannelLike, type PopWork } from '../leadership/tab-relay.ts';
import { joinTabSession, relayChannelName, type TabSession } from '../leadership/tab-session.ts';
import { RememberedAudio } from './remembered-audio.ts';
import { watchDirectoryLamps } from '../runtime/directory-lamps.ts';

/** The audio side of a telephony adapter (sip: AudioControl); the fake has none. */
export interface RuntimeAudio extends PanelAudio {
  startRinging(): void;
  stopRinging(): void;
}

export type RuntimeTelephony = TelephonyPort & {
  readonly audio?: RuntimeAudio;
  dispose?(): Promise<void> | void;
  /** Keeps the established calls for the next page of this tab and sends nothing; answers their ids (sip: SipTelephony.suspend). */
  suspend?(): readonly string[];
};

export interface SoftphoneRuntimeOptions {
  readonly crm: CrmPort;
  /** May answer a promise: the softphone page loads the SIP stack lazily. */
  readonly createTelephony: (settings: ConnectorSettings) => RuntimeTelephony | Promise<RuntimeTelephony>;
  readonly storage: StoragePort;
  /** Per-tab storage that survives a reload of the tab (the History list); absent: History is not kept. */
  readonly historyStorage?: StoragePort;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly locks: LockManagerLike | undefined;
  /** Opens the tabs' BroadcastChannel of this name (it carries the session secret). */
  readonly openChannel: (name: string) => ChannelLike;
  /** The channel's name without the secret; RELAY_CHANNEL by default. */
  readonly channelName?: string;
  /**
   * Storage every tab of this softphone shares (IndexedDB), where the channel secret lives.
   * Undefined where tabs share none: the channel then has its bare name (see tab-session.ts).
   */
  readonly sharedStorage?: StoragePort;
  readonly tabId: string;
  readonly host: RuntimeHost;
  readonly relayTimeoutMs?: number;
  /**
   * Whether the agent is looking at this tab (tab-attention.ts). Without it, this tab never asks
   * for pops elsewhere nor is asked, and the leader pops in its own console.
   */
  readonly attention?: AttentionSource;
}

export class SoftphoneRuntime {
  private leadership?: TabLeadership;
  private channel?: ChannelLike;
  private session?: TabSession;
  private follower?: { relay: FollowerRelay; off: (() => void)[] };
  private engine?: ConnectorEngine;
  private leaderRelay?: LeaderRelay;
  private telephony?: RuntimeTelephony;
  /** The telephony's audio as the panel sees it: the agent's device choices survive reloads. */
  private audio?: RememberedAudio;
  /** lead() of the current leadership, until the engine has started. */
  private leading?: Promise<void>;
  private notified = false;
  private stopped = false;

  constructor(private readonly options: SoftphoneRuntimeOptions) {}

  get role(): TabLeadership['role'] {
    return this.leadership?.role ?? 'electing';
  }

  /** The engine, in the leader tab (for diagnostics and tests). */
  get connectorEngine(): ConnectorEngine | undefined {
    return this.engine;
  }

  /** Joins the tabs' session and starts the election; the rest follows from the role. Resolves once the role is known. */
  async start(): Promise<void> {
    const { locks, clock, logger, tabId, sharedStorage } = this.options;
    const session = await joinTabSession({ storage: sharedStorage, locks, logger }).catch((error: unknown) => {
      logger.log('error', "the tabs' channel secret could not be read; the channel has no secret", { error: String(error) });
      return { secret: undefined, leave: () => {} } satisfies TabSession;
    });
    if (this.stopped) {
      session.leave();
      return;
    }
    this.session = session;
    const channel = this.options.openChannel(relayChannelName(this.options.channelName ?? RELAY_CHANNEL, session.secret));
    this.channel = channel;
    const leadership = new TabLeadership({ locks, clock, logger, channel, tabId });
    this.leadership = leadership;
    leadership.events.on('role', (role) => {
      if (role === 'leader')
        this.leading = this.lead(channel, leadership).catch((e: unknown) => logger.log('error', 'the phone could not start in this tab', { error: String(e) }));
      else if (role === 'follower') void this.abdicate().then(() => this.follow(channel));
    });
    await leadership.start();
  }

  /**
   * Leaves: releases the phone to another tab and stops the phone system connection. With
   * `keepCalls` (the page is unloading: a reload, a closed tab) established calls are not hung up:
   * their dialogs are kept for the next page of this tab, and neither BYE nor un-REGISTER is sent,
   * so the phone system keeps the far end's leg until the reloaded page takes the call back. This
   * part runs synchronously, as `pagehide` requires.
   */
  async stop(options: { readonly keepCalls?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const kept = options.keepCalls ? (this.telephony?.suspend?.() ?? []) : [];
    if (kept.length) this.options.logger.log('info', 'leaving with calls up; the next page of this tab takes them back', { callIds: [...kept] });
    this.leadership?.release();
    this.session?.leave();
    this.dropFollower();
    this.leaderRelay?.dispose();
    this.engine?.dispose();
    this.dropAudio();
    // Disposing would hang the kept calls up (sip.js Session.dispose and UserAgent.stop send BYE):
    // the unloading page takes the socket and the media with it instead.
    if (kept.length) return;
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
    this.dropAudio();
    this.options.host.setAudio(undefined);
    const telephony = this.telephony;
    this.telephony = undefined;
    await Promise.resolve(telephony?.dispose?.() ?? telephony?.unregister()).catch(() => {});
  }

  private follow(channel: ChannelLike): void {
    if (this.follower || this.stopped) return;
    const { crm, tabId, clock, host, logger } = this.options;
    const relay = new FollowerRelay(channel, tabId, clock, this.options.relayTimeoutMs, this.options.attention);
    const relayed = (what: string) => (e: unknown) => logger.log('warn', `relayed ${what} failed`, { error: String(e) });
    // The agent looks at this tab: the leader has this tab's Salesforce search and pop.
    relay.servePops(async (work) => {
      if (work.op === 'screen-pop') return crm.screenPop(work.request);
      await crm.openRecord(work.record);
      return undefined;
    });
    let shownPresence = '';
    const offered = new Set<string>();
    // This tab's Salesforce still sends click-to-dial and Omni-Channel requests: the leader acts on them.
    const off = [
      crm.events.on('clickToDial', (req) => {
        relay.execute({ type: 'dial', number: req.number, ...(req.record ? { record: req.record } : {}) }).catch(relayed('click-to-dial'));
      }),
      crm.events.on('presence', (req) => {
        relay.execute({ type: 'set-presence', status: req.status, ...(req.reasonId ? { reasonId: req.reasonId } : {}) }).catch(relayed('presence'));
      }),
      relay.events.on('change', (state) => {
        // This tab's Omni-Channel shows the phone's status too (only the leader's engine publishes it).
        const presence = `${state.presence.status}:${state.presence.reasonId ?? ''}`;
        if (crm.capabilities.presenceSync && presence !== shownPresence) {
          shownPresence = presence;
          crm.publishPresence(state.presence).catch((e: unknown) => logger.log('warn', "presence sync to this tab's CRM failed", { error: String(e) }));
        }
        // A new offer opens this tab's panel too: the agent may be looking at this console.
        const ringing = state.calls.filter((c) => c.state === 'offering').map((c) => c.id);
        if (ringing.some((id) => !offered.has(id))) {
          crm.setPanelVisible(true).catch((e: unknown) => logger.log('warn', 'could not open the softphone panel', { error: String(e) }));
        }
        offered.clear();
        for (const id of ringing) offered.add(id);
      }),
    ];
    this.follower = { relay, off };
    host.attachFollower(relay, (command) => this.signInHere(command));
    host.setLeadership({ role: 'follower', ...(relay.since !== undefined ? { leaderSince: relay.since } : {}) });
    // Salesforce falls back to the standby URL unless every softphone frame says it is ready.
    if (!this.notified) {
      this.notified = true;
      crm.notifyReady().catch((e: unknown) => logger.log('warn', 'notifyReady failed', { error: String(e) }));
    }
  }

  /**
   * The agent signs in in this follower tab: take the phone over, then sign in here, so the
   * password stays in this tab. Only while the phone is signed out (so no call is cut off).
   */
  private async signInHere(command: SignInCommand): Promise<void> {
    const leadership = this.leadership;
    const mirrored = this.follower?.relay.state;
    if (!leadership || mirrored?.phase !== 'signed-out') {
      throw new SwitchboardError('SB40001', 'The phone is not signed out (or still starting) in the tab that holds it.');
    }
    this.options.logger.log('info', 'signing in here: taking the phone over from the other tab');
    await leadership.takeOver();
    await this.leading;
    if (leadership.role !== 'leader' || !this.engine) throw new SwitchboardError('SB40001', 'This tab could not take the phone over; try again.');
    await this.options.host.execute(command);
  }

  /** Stops mirroring; answers the state the leader last showed (to know whether the agent was signed in). */
  private dropFollower(): EngineState | undefined {
    const follower = this.follower;
    if (!follower) return undefined;
    this.follower = undefined;
    for (const off of follower.off) off();
    const last = follower.relay.state;
    follower.relay.dispose();
    return last;
  }

  private async lead(channel: ChannelLike, leadership: TabLeadership): Promise<void> {
    if (this.engine || this.stopped) return;
    const { crm, storage, clock, logger, host, tabId } = this.options;
    const before = this.dropFollower();
    const engine = new ConnectorEngine({
      crm: this.popWhereTheAgentLooks(crm),
      storage,
      ...(this.options.historyStorage ? { historyStorage: this.options.historyStorage } : {}),
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
    const relay = new LeaderRelay(
      channel,
      tabId,
      {
        get state() {
          return engine.state;
        },
        onChange: (listener) => engine.events.on('change', listener),
        execute: (command) => host.execute(command),
      },
      leadership.since,
      logger,
      { clock },
    );
    this.leaderRelay = relay;
    host.attachEngine(engine);
    host.setLeadership({ role: 'leader' });
    this.notified = true;
    await engine.start();
    // Calls this tab's previous page left up are back (a reload): show them, as an offer would be.
    if (engine.state.calls.length && this.engine === engine) {
      crm.setPanelVisible(true).catch((e: unknown) => logger.log('warn', 'could not open the softphone panel', { error: String(e) }));
    }
    // Taking over from a tab where the agent was signed in with a typed password: that password
    // never left it, so the agent signs in again here (the engine signed in by itself otherwise).
    const sip = engine.state.settings?.sip;
    if (before?.phase === 'ready' && sip?.credentialScheme === 'agent' && !sip.password && engine.state.phase === 'signed-out' && this.engine === engine) {
      logger.log('info', 'the phone moved to this tab; the agent signs in again');
      host.setLeadership({ role: 'leader', signInAgain: true });
    }
  }

  /**
   * The CRM as the leader's engine sees it: screen pops and the agent's pick among several matches
   * run in the console tab the agent is looking at; everything else in this tab's CRM.
   */
  private popWhereTheAgentLooks(crm: CrmPort): CrmPort {
    const mint = crm.mintSipCredentials?.bind(crm);
    return {
      get capabilities() {
        return crm.capabilities;
      },
      get events() {
        return crm.events;
      },
      loadSettings: () => crm.loadSettings(),
      notifyReady: () => crm.notifyReady(),
      screenPop: async (request) => {
        const { outcome, elsewhere } = await this.popInAttendedTab({ op: 'screen-pop', request }, () => crm.screenPop(request));
        if (!outcome) throw new SwitchboardError('SB30002', 'The screen pop answered no outcome.');
        return elsewhere ? { ...outcome, explanation: [...outcome.explanation, 'popped in the console tab the agent is looking at'] } : outcome;
      },
      openRecord: async (record) => {
        await this.popInAttendedTab({ op: 'open-record', record }, async () => {
          await crm.openRecord(record);
          return undefined;
        });
      },
      logCall: (entry) => crm.logCall(entry),
      publishPresence: (presence) => crm.publishPresence(presence),
      enableClickToDial: (enabled) => crm.enableClickToDial(enabled),
      setPanelVisible: (visible) => crm.setPanelVisible(visible),
      ...(mint ? { mintSipCredentials: mint } : {}),
      // A surface that drives the engine itself and shows the calls (Salesforce Voice) keeps its seams.
      ...(crm.attach ? { attach: crm.attach.bind(crm) } : {}),
      ...(crm.callLifecycle ? { callLifecycle: crm.callLifecycle.bind(crm) } : {}),
      // This tab's outbox holds the logs Salesforce refused (the tabs share its storage).
      ...(crm.unsavedLogs ? { unsavedLogs: crm.unsavedLogs } : {}),
    };
  }

  /**
   * Runs pop work in the follower the agent is looking at, or here when that is this tab (or no tab
   * is visible, or attention is unknown). A follower that does not answer in time has gone: pop here.
   */
  private async popInAttendedTab(
    work: PopWork,
    here: () => Promise<ScreenPopOutcome | undefined>,
  ): Promise<{ outcome: ScreenPopOutcome | undefined; elsewhere: boolean }> {
    const relay = this.leaderRelay;
    const own = this.options.attention?.current();
    const target = relay && own ? attendedTab({ id: this.options.tabId, attention: own }, relay.followerAttention) : this.options.tabId;
    if (!relay || target === this.options.tabId) return { outcome: await here(), elsewhere: false };
    try {
      return { outcome: await relay.popIn(target, work), elsewhere: true };
    } catch (error) {
      if (!(error instanceof PopUnanswered)) throw error;
      this.options.logger.log('warn', 'the console tab the agent looks at did not pop; popping in this one', { error: error.message });
      return { outcome: await here(), elsewhere: false };
    }
  }

  private dropAudio(): void {
    this.audio?.dispose();
    this.audio = undefined;
  }

  private createTelephony(settings: ConnectorSettings): RuntimeTelephony | Promise<RuntimeTelephony> {
    const made = this.options.createTelephony(settings);
    return made instanceof Promise ? made.then((t) => this.adopt(t, settings)) : this.adopt(made, settings);
  }

  private adopt(telephony: RuntimeTelephony, settings: ConnectorSettings): RuntimeTelephony {
    const { logger, host, storage } = this.options;
    this.telephony = telephony;
    this.dropAudio();
    // The devices the agent chose last time are applied as soon as the phone has audio.
    this.audio = telephony.audio ? new RememberedAudio(telephony.audio, storage, logger) : undefined;
    host.setAudio(this.audio);
    watchDirectoryLamps(
      telephony,
      settings.directory.map((d) => d.extension),
      logger,
    );
    return telephony;
  }
}
