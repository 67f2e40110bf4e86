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
  isErrorCode,
  toSwitchboardError,
  type AgentCommand,
  type Clock,
  type EngineState,
  type EventSource,
  type Logger,
  type SerializedError,
} from '../../core/index.ts';

export const RELAY_CHANNEL = 'switchboard-softphone';
/** How long a follower waits for the leader to carry out a command. */
export const RELAY_COMMAND_TIMEOUT_MS = 15_000;

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
  | { readonly v: 1; readonly t: 'result'; readonly from: string; readonly to: string; readonly id: string; readonly error?: SerializedError };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const COMMAND_TYPES = new Set<AgentCommand['type']>([
  'sign-in', 'sign-out', 'set-presence', 'dial', 'answer', 'decline', 'hangup', 'hold', 'resume', 'mute', 'dtmf',
  'blind-transfer', 'consult', 'complete-transfer', 'conference', 'swap', 'choose-record', 'set-wrap-up', 'complete-wrap-up',
]);

/** Checks a channel message's shape; the engine checks each command's arguments itself. */
export function parseRelayMessage(data: unknown): RelayMessage | undefined {
  if (!isObject(data) || data['v'] !== 1 || typeof data['from'] !== 'string') return undefined;
  switch (data['t']) {
    case 'hello':
      return data as RelayMessage;
    case 'state': {
      const state = data['state'];
      if (!isObject(state) || typeof state['phase'] !== 'string' || !Array.isArray(state['calls']) || !isObject(state['presence'])) return undefined;
      if (data['since'] !== undefined && typeof data['since'] !== 'number') return undefined;
      return data as RelayMessage;
    }
    case 'command': {
      const command = data['command'];
      if (typeof data['id'] !== 'string' || !isObject(command) || !COMMAND_TYPES.has(command['type'] as AgentCommand['type'])) return undefined;
      if (command['type'] === 'sign-in' && command['password'] !== undefined) return undefined;
      return data as RelayMessage;
    }
    case 'result': {
      const error = data['error'];
      if (typeof data['id'] !== 'string' || typeof data['to'] !== 'string') return undefined;
      if (error !== undefined && !(isObject(error) && isErrorCode(error['code']) && typeof error['message'] === 'string')) return undefined;
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

/** The leader's side: publishes state and runs followers' commands. */
export class LeaderRelay {
  private readonly offChange: () => void;
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
    }
  };

  constructor(
    private readonly channel: ChannelLike,
    private readonly tabId: string,
    private readonly source: RelaySource,
    private readonly since: number | undefined,
    private readonly logger: Logger,
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

  dispose(): void {
    this.disposed = true;
    this.offChange();
    this.channel.removeEventListener('message', this.onMessage);
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
  private sequence = 0;
  private readonly pending = new Map<string, { resolve: () => void; reject: (e: SwitchboardError) => void; cancel: () => void }>();
  private readonly onMessage = (event: { readonly data: unknown }): void => {
    const message = parseRelayMessage(event.data);
    if (!message || message.from === this.tabId) return;
    if (message.t === 'state') {
      this.latest = message.state;
      this.leaderSince = message.since;
      this.emitter.emit('change', message.state);
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
  ) {
    channel.addEventListener('message', this.onMessage);
    channel.postMessage({ v: 1, t: 'hello', from: tabId } satisfies RelayMessage);
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
    this.channel.removeEventListener('message', this.onMessage);
    for (const [id, waiting] of this.pending) {
      waiting.cancel();
      waiting.reject(new SwitchboardError('SB40001', 'This tab took over the phone before the command was carried out.'));
      this.pending.delete(id);
    }
    this.emitter.removeAllListeners();
  }
}
