/**
 * The only thing the softphone panel talks to. The panel renders `state` and sends intents through
 * `execute`; it holds no telephony and no CRM logic. `src/app` implements this over the connector
 * engine (the tab that holds the phone) or over a relay to that tab (every other console tab).
 *
 * Contract:
 * - `state`, `leadership`, `audio` and `locale` MUST be readable at any time and reflect the latest
 *   values; a listener given to `subscribe` MUST be called (without arguments' meaning beyond "read
 *   me again") after any of them changed.
 * - `execute` resolves when the command was carried out and rejects with a `SwitchboardError`-shaped
 *   error otherwise; the host also reports the failure in `state.lastError`, so the panel MAY ignore
 *   the rejection.
 * - A listener MUST NOT be called synchronously from within `subscribe` itself.
 */
import type { AgentCommand, AudioDevice, AudioNotice, EngineState } from '../core/index.ts';
import type { DiagnosisFinding } from '../core/diagnosis/index.ts';

/** Where the phone is: this tab registers and rings, or another console tab does. */
export type LeadershipInfo =
  /** Still finding out (the first few milliseconds after the panel loads). */
  | { readonly role: 'electing' }
  /**
   * This tab is the phone. `signInAgain`: it took the phone over from a tab that closed while the
   * agent was signed in with a typed password, which never left that tab; the agent signs in again.
   */
  | { readonly role: 'leader'; readonly signInAgain?: boolean }
  /**
   * Another tab is the phone; this panel mirrors it and relays commands to it.
   * `leaderSince` (epoch ms) says since when that tab holds the phone, when known.
   */
  | { readonly role: 'follower'; readonly leaderSince?: number; readonly leaderLabel?: string };

/** Which audio devices the agent chose (device ids; undefined = the system default). */
export interface AudioSelection {
  readonly microphone?: string;
  readonly speaker?: string;
  readonly ringer?: string;
}

/** Audio device control of the tab that holds the phone. */
export interface PanelAudio {
  /** Lists microphones and speakers (labels may be empty before microphone permission). */
  listDevices(): Promise<readonly AudioDevice[]>;
  readonly selection: AudioSelection;
  setMicrophone(deviceId: string): Promise<void>;
  setSpeaker(deviceId: string): Promise<void>;
  setRinger(deviceId: string): Promise<void>;
  /** Calls `listener` with the microphone's input level, 0 (silence) to 1 (full scale), several times a second. Returns unsubscribe. */
  onInputLevel(listener: (level: number) => void): () => void;
  /** Plays a short tone on the chosen speaker. */
  playTestTone(): Promise<void>;
  /**
   * What the agent must know about their audio (a ringer the browser keeps silent, a device that
   * refused or is not connected); empty when all is well. The panel shows them.
   */
  readonly notices: readonly AudioNotice[];
  /**
   * Resumes the sound the browser's autoplay policy held back (the `ringer-blocked` notice). MUST be
   * called from a user gesture (the click on the notice's button): only that lets the sound play.
   */
  enableSound(): Promise<void>;
  /** Calls `listener` after the notices, the devices or the selection changed. Returns unsubscribe. */
  subscribe(listener: () => void): () => void;
}

export interface PanelHost {
  readonly state: EngineState;
  readonly leadership: LeadershipInfo;
  /** Present only in the tab that holds the phone (devices belong to that tab). */
  readonly audio?: PanelAudio;
  /** A BCP 47 tag or Salesforce locale (`en_US`, `de-DE`, `ja`); the panel picks its language from it. */
  readonly locale: string;
  /** The current time (epoch ms), from the app's Clock: the panel's timers and countdowns use it. */
  now(): number;
  /** Calls `listener` after any change of state, leadership, audio (its notices too) or locale. Returns unsubscribe. */
  subscribe(listener: () => void): () => void;
  execute(command: AgentCommand): Promise<void>;
  /** Saves the connector's recent log lines as a file, when the app keeps them. */
  downloadLog?(): void;
  /** Why the phone may be blank or get no calls, checked now from this page (the Help tab's diagnosis). */
  diagnose?(): Promise<readonly DiagnosisFinding[]>;
}
