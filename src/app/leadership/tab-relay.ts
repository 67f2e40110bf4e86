/**
 * The leader tab mirrors its engine state to the other console tabs and carries out their
 * commands, over a BroadcastChannel (same origin only) named by tab-session.ts:
 * `switchboard-softphone.<session secret>`.
 *
 * Protocol (every message `{v: 1, t, from}`, validated on receipt; anything else is dropped):
 *   follower → all   `hello`                        "send me the state"
 *   leader   → all   `state {state, since}`         after every change and in reply to hello
 *   follower → all   `command {id, command}`        only the leader acts on it
 *   leader   → all   `result {id, to, error?}`      the command's outcome, for its sender
 *   follower → all   `attention {attention}`        its page's visibility and last gain of focus
 *                                                  (tab-attention.ts), at start, on each change
 *                                                  and to each new leader
 *   leader   → all   `pop {id, to, pop}`            "screen-pop here": the agent looks at that tab
 *   follower → all   `popped {id, to, outcome?, error?}`  the pop's outcome, for the leader
 *
 * Screen pops go to the console the agent is looking at: Open CTI pops in the Salesforce page of
 * the frame that asks, so the leader has the follower in the attended tab run the pop through its
 * own Open CTI (softphone-runtime.ts decides where, the follower's CRM searches and pops).
 *
 * No SIP password ever crosses the channel. The mirrored state drops the call center's password; a
 * `command` that is a sign-in carrying a password is dropped (FollowerRelay refuses to send one).
 * The agent signs in in the tab where they typed the password: that tab takes the phone over
 * (TabLeadership.takeOver) and registers itself, so the password stays in the memory of the one tab
 * it was typed in. Chosen over handing the password to the leader because any page that can join the
 * channel could then ask for it, and over keeping it in every tab (the old design) for the same
 * reason. The price: when the leader tab closes, the next tab cannot re-register with a typed
 * password it never had; with the `agent` scheme it shows the sign-in form ("the phone moved to
 * this tab"), with `ephemeral` its engine mints its own credentials, and a demo call center's
 * shared password comes from its own settings.
 *
 * What the channel secret protects against, and what not: a same-origin page that does not run
 * our code (another app of the org's Visualforce origin, a page that only knows the channel's
 * public name) never receives the state (caller numbers and names) and cannot post commands (a
 * forged `dial`). It does not protect against script that runs in our origin and reads IndexedDB:
 * such script can read the secret and join. The real protection against that is that nothing
 * secret crosses the channel, and that the connector only loads script from allowed origins.
 */
import {
  ERROR_CATALOG,
  Emitter,
  SwitchboardError,
  toSwitchboardError,
  type AgentCommand,
  type Clock,
  type EngineState,
  type EventSource,
  type Logger,
  type RecordRef,
  type ScreenPopOutcome,
  type ScreenPopRequest,
  type SerializedError,
} from '../../core/index.ts';
import { COMMAND_TYPES, isObject, isRecordRef, isScreenPopOutcome, isScreenPopRequest, isSerializedError, isUnsavedLog } from './relay-validation.ts';
import { isTabAttention, type AttentionSource, type TabAttention } from './tab-attention.ts';

export const RELAY_CHANNEL = 'switchboard-softphone';
/** How long a follower waits for the leader to carry out a command. */
export const RELAY_COMMAND_TIMEOUT_MS = 15_000;
/**
 * How long the leader waits for a follower's screen pop before popping in its own console. The
 * pop is one or two Open CTI round trips; a tab that does not answer in this time has gone (its
 * page froze or closed without a word), and a late pop beats none.
 */
export const RELAY_POP_TIMEOUT_MS = 5000;

/** Screen-pop work the leader hands to the follower in the attended tab. */
export type PopWork = { readonly op: 'screen-pop'; readonly request: ScreenPopRequest } | { readonly op: 'open-record'; readonly record: RecordRef };

/** The part of BroadcastChannel we use; injected so tests connect tabs through an in-memory hub. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
}

export type RelayMessage =
  | { readonly v: 1; readonly t: 'hello'; readonly from: string }
  | { readonly v: 1; readonly t: 'state'; readonly from: string; readonly state: EngineState; readonly since?: number }
  | { readonly v: 1; readonly t: 'command'; readonly from: string; readonly id: string; readonly command: AgentCommand }
  | { readonly v: 1; readonly t: 'result'; readonly from: string; readonly to: string; readonly id: string; readonly error?: SerializedError }
  | { readonly v: 1; readonly t: 'attention'; readonly from: string; readonly attention: TabAttention }
  | { readonly v: 1; readonly t: 'pop'; readonly from: string; readonly to: string; readonly id: string; readonly pop: PopWork }
  | {
      readonly v: 1;
      readonly t: 'popped';
      readonly from: string;
      readonly to: string;
      readonly id: string;
      readonly outcome?: ScreenPopOutcome;
      readonly error?: SerializedError;
    };

function isPopWork(value: unknown): value is PopWork {
  if (!isObject(value)) return false;
  if (value['op'] === 'screen-pop') return isScreenPopRequest(value['request']);
  if (value['op'] === 'open-record') return isRecordRef(value['record']);
  return false;
}

/** Checks a channel message's shape; the engine checks each command's arguments itself. */
export function parseRelayMessage(data: unknown): RelayMessage | undefined {
  if (!isObject(data) || data['v'] !== 1 || typeof data['from'] !== 'string') return undefined;
  switch (data['t']) {
    case 'hello':
      return data as RelayMessage;
    case 'state': {
      const state = data['state'];
      if (!isObject(state) || typeof state['phase'] !== 'string' || !Array.isArray(state['calls']) || !isObject(state['presence'])) return undefined;
      if (state['unsavedLogs'] !== undefined && !(Array.isArray(state['unsavedLogs']) && state['unsavedLogs'].every(isUnsavedLog))) return undefined;
      if (data['since'] !== undefined && typeof data['since'] !== 'number') return undefined;
      return data as RelayMessage;
    }
    case 'command': {
      const command = data['command'];
      if (typeof data['id'] !== 'string' || !isObject(command) || typeof command['type'] !== 'string' || !COMMAND_TYPES.has(command['type'])) return undefined;
      if (command['type'] === 'sign-in' && command['password'] !== undefined) return undefined;
      return data as RelayMessage;
    }
    case 'result': {
      const error = data['error'];
      if (typeof data['id'] !== 'string' || typeof data['to'] !== 'string') return undefined;
      if (error !== undefined && !isSerializedError(error)) return undefined;
      return data as RelayMessage;
    }
    case 'attention':
      return isTabAttention(data['attention']) ? (data as RelayMessage) : undefined;
    case 'pop':
      if (typeof data['id'] !== 'string' || typeof data['to'] !== 'string' || !isPopWork(data['pop'])) return undefined;
      return data as RelayMessage;
    case 'popped': {
      if (typeof data['id'] !== 'string' || typeof data['to'] !== 'string') return undefined;
      const { outcome, error } = data;
      if (error !== undefined ? !isSerializedError(error) || outcome !== undefined : outcome !== undefined && !isScreenPopOutcome(outcome)) return undefined;
      return data as RelayMessage;
    }
    default:
      return undefined;
  }
}

/** Rebuilds a SwitchboardError that crossed the channel as `{code, message}`, keeping its detail. */
export function revive(error: SerializedError): SwitchboardError {
  const base = ERROR_CATALOG[error.code].message;
  const detail = error.message.startsWith(base) ? error.message.slice(base.length).trim() : error.message;
  return new SwitchboardError(error.code, detail || undefined);
}

/** The engine state as other tabs may see it: without the call center's SIP password. */
export function mirrorableState(state: EngineState): EngineState {
  const settings = state.settings;
  if (!settings?.sip.password) return state;
  const { password: _password, ...sip } = settings.sip;
  return { ...state, settings: { ...settings, sip } };
}

/** What the leader relays for: the engine (or anything that runs commands and has state). */
export interface RelaySource {
  readonly state: EngineState;
  onChange(listener: (state: EngineState) => void): () => void;
  execute(command: AgentCommand): Promise<void>;
}

/** The follower asked to pop did not answer in time (its tab has gone): the leader pops itself. */
export class PopUnanswered extends Error {}

const timerClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

export interface LeaderRelayOptions {
  readonly clock?: Clock;
  readonly popTimeoutMs?: number;
}

/** The leader's side: publishes state, runs followers' commands, hears where the agent looks and has pops run there. */
export class LeaderRelay {
  private readonly offChange: () => void;
  /** Each follower's attention as it last said (tab-attention.ts). */
  private readonly attention = new Map<string, TabAttention>();
  private readonly pops = new Map<string, { resolve: (outcome: ScreenPopOutcome | undefined) => void; reject: (e: Error) => void; cancel: () => void }>();
  private popSequence = 0;
  /** A state post is scheduled for the end of this task (one post, of the latest state, per task). */
  private statePending = false;
  private disposed = false;
  private readonly onMessage = (event: { readonly data: unknown }): void => {
    const message = parseRelayMessage(event.data);
    if (!message || message.from === this.tabId) return;
    if (message.t === 'hello') {
      this.publish(this.source.state);
    } else if (message.t === 'command') {
      this.source.execute(message.command).then(
        () => this.post({ v: 1, t: 'result', from: this.tabId, to: message.from, id: message.id }),
        (error: unknown) => this.post({ v: 1, t: 'result', from: this.tabId, to: message.from, id: message.id, error: toSwitchboardError(error).toJSON() }),
      );
    } else if (message.t === 'attention') {
      this.attention.set(message.from, message.attention);
    } else if (message.t === 'popped' && message.to === this.tabId) {
      const waiting = this.pops.get(message.id);
      if (!waiting) return;
      this.pops.delete(message.id);
      waiting.cancel();
      if (message.error) waiting.reject(revive(message.error));
      else waiting.resolve(message.outcome);
    }
  };

  constructor(
    private readonly channel: ChannelLike,
    private readonly tabId: string,
    private readonly source: RelaySource,
    private readonly since: number | undefined,
    private readonly logger: Logger,
    private readonly options: LeaderRelayOptions = {},
  ) {
    channel.addEventListener('message', this.onMessage);
    // Coalesced: the engine changes state several times in one task (an offer: the call, then
    // presence), and each post clones the whole state; one post at the end of the task carries the
    // last, and leaves the offer's own work (its screen pop's search) to go first.
    this.offChange = source.onChange(() => this.schedulePublish());
    this.publish(source.state);
  }

  private schedulePublish(): void {
    if (this.statePending) return;
    this.statePending = true;
    queueMicrotask(() => {
      this.statePending = false;
      if (!this.disposed) this.publish(this.source.state);
    });
  }

  /** The followers' attention, by tab id, as each last reported it. */
  get followerAttention(): ReadonlyMap<string, TabAttention> {
    return this.attention;
  }

  /**
   * Has follower `to` run `pop` through its own Open CTI (so it opens in that tab's console).
   * Resolves with the screen pop's outcome (undefined for open-record); rejects with the follower's
   * error, or with PopUnanswered when it does not answer in time (the tab is then forgotten as a
   * place to pop, until it reports its attention again).
   */
  popIn(to: string, pop: PopWork): Promise<ScreenPopOutcome | undefined> {
    if (this.disposed) return Promise.reject(new PopUnanswered('this tab no longer holds the phone'));
    const clock = this.options.clock ?? timerClock;
    const timeoutMs = this.options.popTimeoutMs ?? RELAY_POP_TIMEOUT_MS;
    const id = `${this.tabId}:pop:${++this.popSequence}`;
    return new Promise<ScreenPopOutcome | undefined>((resolve, reject) => {
      const cancel = clock.setTimeout(() => {
        if (!this.pops.delete(id)) return;
        this.attention.delete(to);
        reject(new PopUnanswered(`the tab ${to} did not answer the screen pop within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pops.set(id, {
        resolve: (outcome) => {
          if (pop.op === 'screen-pop' && !outcome) reject(new SwitchboardError('SB30002', 'The tab that popped answered no outcome.'));
          else resolve(outcome);
        },
        reject,
        cancel,
      });
      this.post({ v: 1, t: 'pop', from: this.tabId, to, id, pop });
    });
  }

  dispose(): void {
    this.disposed = true;
    this.offChange();
    this.channel.removeEventListener('message', this.onMessage);
    for (const [id, waiting] of this.pops) {
      waiting.cancel();
      waiting.reject(new PopUnanswered('this tab stopped holding the phone before the pop was answered'));
      this.pops.delete(id);
    }
  }

  private publish(state: EngineState): void {
    this.post({ v: 1, t: 'state', from: this.tabId, state: mirrorableState(state), ...(this.since !== undefined ? { since: this.since } : {}) });
  }

  private post(message: RelayMessage): void {
    try {
      this.channel.postMessage(message);
    } catch (error) {
      this.logger.log('warn', 'relay message could not be posted', { t: message.t, error: String(error) });
    }
  }
}

export interface FollowerRelayEvents {
  /** The leader's state arrived (or changed). */
  change: [EngineState];
}

/** A follower's side: mirrors the leader's state and sends commands to it. */
export class FollowerRelay {
  private readonly emitter = new Emitter<FollowerRelayEvents>();
  private latest?: EngineState;
  private leaderSince?: number;
  /** The tab whose state this one mirrors; a new one is told this tab's attention. */
  private leaderId?: string;
  private popHandler?: (pop: PopWork) => Promise<ScreenPopOutcome | undefined>;
  private readonly offAttention: () => void;
  private sequence = 0;
  private readonly pending = new Map<string, { resolve: () => void; reject: (e: SwitchboardError) => void; cancel: () => void }>();
  private readonly onMessage = (event: { readonly data: unknown }): void => {
    const message = parseRelayMessage(event.data);
    if (!message || message.from === this.tabId) return;
    if (message.t === 'state') {
      if (this.leaderId !== message.from) {
        this.leaderId = message.from;
        this.reportAttention();
      }
      this.latest = message.state;
      this.leaderSince = message.since;
      this.emitter.emit('change', message.state);
    } else if (message.t === 'pop' && message.to === this.tabId) {
      this.runPop(message.from, message.id, message.pop);
    } else if (message.t === 'result' && message.to === this.tabId) {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      waiting.cancel();
      if (message.error) waiting.reject(revive(message.error));
      else waiting.resolve();
    }
  };

  constructor(
    private readonly channel: ChannelLike,
    private readonly tabId: string,
    private readonly clock: Clock,
    private readonly timeoutMs = RELAY_COMMAND_TIMEOUT_MS,
    private readonly attention?: AttentionSource,
  ) {
    channel.addEventListener('message', this.onMessage);
    channel.postMessage({ v: 1, t: 'hello', from: tabId } satisfies RelayMessage);
    this.reportAttention();
    this.offAttention = attention?.onChange(() => this.reportAttention()) ?? (() => {});
  }

  /** Where screen pops the leader sends to this tab are carried out (this tab's CRM). */
  servePops(handler: (pop: PopWork) => Promise<ScreenPopOutcome | undefined>): void {
    this.popHandler = handler;
  }

  private reportAttention(): void {
    const attention = this.attention?.current();
    if (attention) this.channel.postMessage({ v: 1, t: 'attention', from: this.tabId, attention } satisfies RelayMessage);
  }

  private runPop(leader: string, id: string, pop: PopWork): void {
    const reply = (result: { outcome?: ScreenPopOutcome; error?: SerializedError }): void =>
      this.channel.postMessage({ v: 1, t: 'popped', from: this.tabId, to: leader, id, ...result } satisfies RelayMessage);
    const handler = this.popHandler;
    if (!handler) {
      reply({ error: new SwitchboardError('SB30002', 'This tab does not screen-pop.').toJSON() });
      return;
    }
    handler(pop).then(
      (outcome) => reply(outcome ? { outcome } : {}),
      (error: unknown) => reply({ error: toSwitchboardError(error, 'SB30002').toJSON() }),
    );
  }

  get events(): EventSource<FollowerRelayEvents> {
    return this.emitter;
  }

  /** The leader's latest state, once one arrived. */
  get state(): EngineState | undefined {
    return this.latest;
  }

  /** Since when the leader holds the phone (epoch ms), when it said so. */
  get since(): number | undefined {
    return this.leaderSince;
  }

  /**
   * Sends a command to the leader; resolves or rejects with the leader's outcome. A sign-in with a
   * password is refused here: the password MUST stay in this tab (see the header).
   */
  execute(command: AgentCommand): Promise<void> {
    if (command.type === 'sign-in' && command.password !== undefined) {
      return Promise.reject(new SwitchboardError('SB90001', 'A password is never sent to another tab: sign in takes the phone to this tab.'));
    }
    const id = `${this.tabId}:${++this.sequence}`;
    return new Promise<void>((resolve, reject) => {
      const cancel = this.clock.setTimeout(() => {
        if (!this.pending.delete(id)) return;
        reject(new SwitchboardError('SB40001', `The tab that holds the phone did not answer within ${Math.round(this.timeoutMs / 1000)} s.`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, cancel });
      this.channel.postMessage({ v: 1, t: 'command', from: this.tabId, id, command } satisfies RelayMessage);
    });
  }

  dispose(): void {
    this.offAttention();
    // The leader stops counting on this tab for pops (it is closing, or leads now).
    const attention = this.attention?.current();
    if (attention?.visible)
      this.channel.postMessage({ v: 1, t: 'attention', from: this.tabId, attention: { ...attention, visible: false } } satisfies RelayMessage);
    this.popHandler = undefined;
    this.channel.removeEventListener('message', this.onMessage);
    for (const [id, waiting] of this.pending) {
      waiting.cancel();
      waiting.reject(new SwitchboardError('SB40001', 'This tab took over the phone before the command was carried out.'));
      this.pending.delete(id);
    }
    this.emitter.removeAllListeners();
  }
}
