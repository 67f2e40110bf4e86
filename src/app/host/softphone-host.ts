/**
 * The PanelHost the app gives the panel. Its source changes with leadership: the connector engine
 * (this tab holds the phone) or a FollowerRelay (another tab does). The panel keeps one host object
 * for the tab's life and just re-reads it on every notification.
 *
 * In a follower, a sign-in is not relayed: it goes to `signInHere`, which takes the phone to this
 * tab and signs in there, so a typed password never leaves the tab (see tab-relay.ts).
 */
import { initialPresence, SwitchboardError, toSwitchboardError, type AgentCommand, type Clock, type EngineState, type EventSource } from '../../core/index.ts';
import type { EngineEvents } from '../../core/index.ts';
import type { DiagnosisFinding } from '../../core/diagnosis/index.ts';
import type { LeadershipInfo, PanelAudio, PanelHost } from '../../ui/panel-host.ts';
import type { FollowerRelay } from '../leadership/tab-relay.ts';
import type { RuntimeHost } from './runtime-host.ts';

/** The part of ConnectorEngine the host uses. */
export interface EngineLike {
  readonly state: EngineState;
  readonly events: EventSource<EngineEvents>;
  execute(command: AgentCommand): Promise<void>;
}

export interface SoftphoneHostOptions {
  readonly locale: string;
  readonly clock: Clock;
  readonly downloadLog?: () => void;
  /** The page's diagnosis (diagnosis-probe.ts), given the host's own state. */
  readonly diagnose?: (state: () => EngineState) => Promise<readonly DiagnosisFinding[]>;
}

export type SignInCommand = Extract<AgentCommand, { type: 'sign-in' }>;

type Source =
  | { readonly kind: 'none' }
  | { readonly kind: 'engine'; readonly engine: EngineLike; readonly off: () => void }
  | { readonly kind: 'relay'; readonly relay: FollowerRelay; readonly off: () => void; readonly signInHere?: (command: SignInCommand) => Promise<void> };

export function loadingState(at: number): EngineState {
  return {
    phase: 'loading',
    registration: { state: 'unregistered' },
    presence: initialPresence(at),
    calls: [],
    recent: [],
    lines: {},
    clickToDialEnabled: false,
  };
}

export class SoftphoneHost implements PanelHost, RuntimeHost {
  readonly locale: string;
  private readonly listeners = new Set<() => void>();
  private source: Source = { kind: 'none' };
  private currentState: EngineState;
  private currentLeadership: LeadershipInfo = { role: 'electing' };
  private currentAudio?: PanelAudio;
  private offAudio?: () => void;
  private readonly download?: () => void;

  constructor(private readonly options: SoftphoneHostOptions) {
    this.locale = options.locale;
    this.currentState = loadingState(options.clock.now());
    if (options.downloadLog) this.download = options.downloadLog;
  }

  get state(): EngineState {
    return this.currentState;
  }

  get leadership(): LeadershipInfo {
    return this.currentLeadership;
  }

  get audio(): PanelAudio | undefined {
    return this.currentAudio;
  }

  get downloadLog(): (() => void) | undefined {
    return this.download;
  }

  get diagnose(): (() => Promise<readonly DiagnosisFinding[]>) | undefined {
    const diagnose = this.options.diagnose;
    return diagnose ? () => diagnose(() => this.currentState) : undefined;
  }

  now(): number {
    return this.options.clock.now();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async execute(command: AgentCommand): Promise<void> {
    const source = this.source;
    if (source.kind === 'engine') {
      await source.engine.execute(command);
      return;
    }
    if (source.kind === 'relay') {
      try {
        if (command.type === 'sign-in' && source.signInHere) await source.signInHere(command);
        else await source.relay.execute(command);
      } catch (error) {
        // The leader reports its own failures in the mirrored state; a relay timeout only here.
        const e = toSwitchboardError(error);
        this.currentState = { ...this.currentState, lastError: e.toJSON() };
        this.notify();
        throw e;
      }
      return;
    }
    throw new SwitchboardError('SB40001', 'The phone is still starting.');
  }

  /** This tab holds the phone: render the engine. */
  attachEngine(engine: EngineLike): void {
    this.detach();
    const off = engine.events.on('change', (state) => this.setState(state));
    this.source = { kind: 'engine', engine, off };
    this.setState(engine.state);
  }

  /** Another tab holds the phone: render its mirrored state. A sign-in here goes to `signInHere`. */
  attachFollower(relay: FollowerRelay, signInHere?: (command: SignInCommand) => Promise<void>): void {
    this.detach();
    const off = relay.events.on('change', (state) => this.setState(state));
    this.source = { kind: 'relay', relay, off, ...(signInHere ? { signInHere } : {}) };
    this.followAudio(undefined);
    if (relay.state) this.setState(relay.state);
    else this.notify();
  }

  /** The connector could not start at all (e.g. Open CTI failed to load): say why. */
  fail(error: unknown): void {
    this.detach();
    this.currentState = { ...this.currentState, phase: 'misconfigured', lastError: toSwitchboardError(error, 'SB30001').toJSON() };
    this.notify();
  }

  setAudio(audio: PanelAudio | undefined): void {
    this.followAudio(audio);
    this.notify();
  }

  /** The panel re-reads the audio's notices when they change (a ringer blocked, a device gone). */
  private followAudio(audio: PanelAudio | undefined): void {
    this.offAudio?.();
    this.offAudio = audio?.subscribe(() => this.notify());
    this.currentAudio = audio;
  }

  setLeadership(info: LeadershipInfo): void {
    this.currentLeadership = info;
    this.notify();
  }

  private detach(): void {
    if (this.source.kind !== 'none') this.source.off();
    this.source = { kind: 'none' };
  }

  private setState(state: EngineState): void {
    this.currentState = state;
    // "Sign in again" is about the sign-in form the takeover left; it goes once the agent is in.
    if (this.currentLeadership.role === 'leader' && this.currentLeadership.signInAgain && state.phase !== 'signed-out')
      this.currentLeadership = { role: 'leader' };
    if (this.source.kind === 'relay') {
      const since = this.source.relay.since;
      const info: LeadershipInfo = { role: 'follower', ...(since !== undefined ? { leaderSince: since } : {}) };
      const current = this.currentLeadership;
      if (current.role !== 'follower' || current.leaderSince !== info.leaderSince) this.currentLeadership = info;
    }
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // A broken listener must not stop the others (the panel re-renders on the next change).
      }
    }
  }
}
