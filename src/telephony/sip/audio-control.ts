/**
 * The agent's audio: which microphone, speaker and ringer device, the ringer itself, an input
 * level meter and a speaker test tone. Calls get their microphone stream and output elements from
 * here, so a device choice applies to calls in progress and to the next ones.
 *
 * What the agent must know about their audio is in `notices`: a ringer the browser's autoplay
 * policy keeps silent (autoplay-guard.ts; `enableSound` from a click fixes it), an output device
 * that refused to play (that role then plays on the system default). Which devices to use across
 * reloads is the app's business (src/app/softphone/remembered-audio.ts): this class applies them.
 */
import { SwitchboardError } from '../../core/index.ts';
import type { AudioDevice, AudioNotice, Clock, Logger } from '../../core/index.ts';
import { AudioOutput } from './audio-output.ts';
import { AutoplayGuard } from './autoplay-guard.ts';
import { DestinationPool, RING, TEST_TONE, startTone, type PlayingTone } from './tones.ts';

export interface AudioSelection {
  readonly microphone?: string;
  readonly speaker?: string;
  readonly ringer?: string;
}

export interface AudioControl {
  /** Microphones and speakers; labels are empty until the page has microphone permission. */
  listDevices(): Promise<readonly AudioDevice[]>;
  readonly selection: AudioSelection;
  /** Uses this microphone for new calls and switches calls in progress to it. */
  setMicrophone(deviceId: string): Promise<void>;
  /** Plays call audio (and ringback) on this output device. */
  setSpeaker(deviceId: string): Promise<void>;
  /** Plays the ringer on this output device (e.g. the laptop speaker while the headset plays calls). */
  setRinger(deviceId: string): Promise<void>;
  startRinging(): void;
  stopRinging(): void;
  readonly ringing: boolean;
  /**
   * Subscribes to the microphone's level, 0 (silence) to 1, about ten times a second. The returned
   * function unsubscribes; the meter releases the microphone when the last listener leaves.
   */
  onInputLevel(listener: (level: number) => void): () => void;
  /** Plays a 440 Hz tone on the speaker device for `durationMs` (default 1500). */
  playTestTone(durationMs?: number): Promise<void>;
  /** What the agent must know about their audio now (see AudioNotice); empty when all is well. */
  readonly notices: readonly AudioNotice[];
  /**
   * MUST be called from a user gesture (a click): resumes the sound the browser's autoplay policy
   * held back, restarting the ringer when it rings. The `ringer-blocked` notice goes once it plays.
   */
  enableSound(): Promise<void>;
  /**
   * Calls `listener` after the notices or the device list changed (a device plugged or unplugged;
   * labels readable once the microphone was granted). Returns unsubscribe.
   */
  subscribe(listener: () => void): () => void;
}

type OutputRole = 'speaker' | 'ringer';

/** getUserMedia's answer when the exact device asked for is not there. */
function isMissingDevice(error: unknown): boolean {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return name === 'OverconstrainedError' || name === 'NotFoundError';
}

const LEVEL_INTERVAL_MS = 100;

export class BrowserAudio implements AudioControl {
  private context: AudioContext | undefined;
  private pool: DestinationPool | undefined;
  private current: { microphone?: string; speaker?: string; ringer?: string } = {};
  private readonly ringer = new AudioOutput();
  private ringTone: PlayingTone | undefined;
  private readonly outputs = new Set<AudioOutput>();
  private readonly levelListeners = new Set<(level: number) => void>();
  private meter: { stream: MediaStream; cancel: () => void } | undefined;
  private readonly guard: AutoplayGuard;
  /** Output roles whose chosen device refused to play, with that device's label. */
  private readonly failedOutputs = new Map<OutputRole, string>();
  private readonly changeListeners = new Set<() => void>();
  /** A microphone was granted once: device labels are readable from then on. */
  private granted = false;
  /** Released: a warm-up scheduled before must not make a context nobody closes. */
  private disposed = false;
  private readonly onDeviceChange = (): void => {
    void this.listDevices().then(
      (d) => this.hooks.devicesChanged(d),
      () => {},
    );
    this.changed();
  };

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly hooks: {
      devicesChanged(devices: readonly AudioDevice[]): void;
      microphoneChanged(): Promise<void>;
    },
  ) {
    navigator.mediaDevices?.addEventListener?.('devicechange', this.onDeviceChange);
    this.guard = new AutoplayGuard(clock, () => this.changed());
  }

  get selection(): AudioSelection {
    return { ...this.current };
  }

  get notices(): readonly AudioNotice[] {
    const notices: AudioNotice[] = this.guard.blocked ? [{ kind: 'ringer-blocked' }] : [];
    for (const [role, label] of this.failedOutputs) notices.push({ kind: 'output-failed', role, label });
    return notices;
  }

  subscribe(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  get ringing(): boolean {
    return this.ringTone !== undefined;
  }

  /** The shared AudioContext (tones, meter, conference mixing). */
  audioContext(): AudioContext {
    if (!this.context || this.context.state === 'closed') this.context = new AudioContext();
    if (this.context.state === 'suspended') void this.context.resume().catch(() => {});
    return this.context;
  }

  /** Tone destinations of the shared AudioContext (see DestinationPool: they are never freed, so reused). */
  tonePool(): DestinationPool {
    const context = this.audioContext();
    if (this.pool?.context !== context) this.pool = new DestinationPool(context);
    return this.pool;
  }

  async listDevices(): Promise<readonly AudioDevice[]> {
    const all = await navigator.mediaDevices.enumerateDevices();
    return all
      .filter((d): d is MediaDeviceInfo & { kind: 'audioinput' | 'audiooutput' } => d.kind === 'audioinput' || d.kind === 'audiooutput')
      .map((d) => ({ deviceId: d.deviceId, kind: d.kind, label: d.label, groupId: d.groupId }));
  }

  /**
   * A fresh microphone stream with the chosen device; SB20003 when the browser refuses. A chosen
   * microphone that is gone gives way to the system default: a call must not fail for it.
   */
  async microphone(): Promise<MediaStream> {
    const chosen = this.current.microphone;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: chosen ? { deviceId: { exact: chosen } } : true, video: false });
    } catch (error) {
      if (chosen && isMissingDevice(error) && this.current.microphone === chosen) {
        this.logger.log('warn', 'the chosen microphone is not there; using the default one', { deviceId: chosen, error: String(error) });
        this.current = { ...this.current, microphone: undefined };
        this.changed();
        return this.microphone();
      }
      throw new SwitchboardError('SB20003', error instanceof Error ? `${error.name}: ${error.message}` : String(error), error);
    }
    if (!this.granted) {
      // The first grant makes device labels readable: listeners learn the names (and may relabel choices).
      this.granted = true;
      this.changed();
    }
    return stream;
  }

  async setMicrophone(deviceId: string): Promise<void> {
    this.current = { ...this.current, microphone: deviceId || undefined };
    await this.hooks.microphoneChanged();
    if (this.meter) {
      this.stopMeter();
      if (this.levelListeners.size) await this.startMeter();
    }
  }

  /** Routes call audio to `deviceId`; a device that refuses leaves it on the default output, with a notice. */
  async setSpeaker(deviceId: string): Promise<void> {
    const outputs = [...this.outputs];
    // With no call up no element plays yet: a spare one tells whether the device takes audio.
    const routed = await this.route('speaker', deviceId, outputs.length ? outputs : [new AudioOutput()]);
    this.current = { ...this.current, speaker: routed ? deviceId || undefined : undefined };
  }

  /** Routes the ringer to `deviceId`; a device that refuses leaves it on the default output, with a notice. */
  async setRinger(deviceId: string): Promise<void> {
    const routed = await this.route('ringer', deviceId, [this.ringer]);
    this.current = { ...this.current, ringer: routed ? deviceId || undefined : undefined };
  }

  /** An output for call audio on the speaker device; release it with `releaseOutput`. */
  createOutput(): AudioOutput {
    const output = new AudioOutput();
    const speaker = this.current.speaker;
    if (speaker) {
      void this.route('speaker', speaker, [output]).then((routed) => {
        if (!routed && this.current.speaker === speaker) this.current = { ...this.current, speaker: undefined };
      });
    }
    this.outputs.add(output);
    return output;
  }

  /**
   * Sets the output device of `outputs`. A device that refuses (unplugged, unknown to the browser,
   * not allowed) must not leave the role silent: they go back to the default output and the
   * agent is told (`output-failed`). Answers whether the device took them; never rejects.
   */
  private async route(role: OutputRole, deviceId: string, outputs: readonly AudioOutput[]): Promise<boolean> {
    try {
      await Promise.all(outputs.map((o) => o.setSink(deviceId)));
      this.setOutputFailure(role, undefined);
      return true;
    } catch (error) {
      this.logger.log('warn', `the ${role} device refused to play; using the default output`, { deviceId, error: String(error) });
      await Promise.all(outputs.map((o) => o.setSink('').catch(() => {})));
      const label = (await this.listDevices().catch(() => [])).find((d) => d.kind === 'audiooutput' && d.deviceId === deviceId)?.label ?? '';
      this.setOutputFailure(role, label);
      return false;
    }
  }

  private setOutputFailure(role: OutputRole, label: string | undefined): void {
    if (this.failedOutputs.get(role) === label) return;
    if (label === undefined) this.failedOutputs.delete(role);
    else this.failedOutputs.set(role, label);
    this.changed();
  }

  private changed(): void {
    for (const listener of [...this.changeListeners]) {
      try {
        listener();
      } catch (error) {
        this.logger.log('error', 'audio change listener threw', { error: String(error) });
      }
    }
  }

  releaseOutput(output: AudioOutput): void {
    output.stop();
    this.outputs.delete(output);
  }

  /**
   * Creates what the first ring needs (the AudioContext and its tone destinations: creating the
   * context takes tens of milliseconds in Chromium) while the agent is idle. Playing waits for the
   * ring, and the browser's autoplay rules apply to it then as before.
   */
  warmUp(): void {
    if (this.disposed || (this.context && this.context.state !== 'closed')) return;
    try {
      // The ring's own path once, silent (its stream plays nowhere): the context, a destination
      // kept in the pool for the ring, and the oscillators' first creation.
      startTone(this.tonePool(), RING, 0).stop();
    } catch (error) {
      this.logger.log('warn', 'could not prepare the ringer ahead of the first call', { error: String(error) });
    }
  }

  startRinging(): void {
    if (this.ringTone) return;
    const context = this.audioContext();
    const tone = startTone(this.tonePool(), RING);
    this.ringTone = tone;
    // A ring the browser keeps silent must be told, not swallowed: the agent would miss the call.
    void this.guard.check(context, this.ringer.start(tone.stream));
  }

  async enableSound(): Promise<void> {
    const tone = this.ringTone;
    await this.guard.unblock(this.audioContext(), tone ? () => this.ringer.start(tone.stream) : undefined);
    // Call audio refused for the same reason (answered by a keyboard shortcut…) starts too.
    for (const o of this.outputs) {
      if (o.element.srcObject && o.element.paused) o.element.play().catch(() => {});
    }
  }

  stopRinging(): void {
    this.ringer.stop();
    this.ringTone?.stop();
    this.ringTone = undefined;
    // A click elsewhere in the panel (Answer) was the gesture the browser waited for: the context
    // can run now, so the next ring will be heard and the notice goes (without one, resume() would
    // wait forever, so it is not tried).
    const context = this.context;
    if (this.guard.blocked && context && navigator.userActivation?.hasBeenActive) void this.guard.unblock(context);
  }

  onInputLevel(listener: (level: number) => void): () => void {
    this.levelListeners.add(listener);
    if (!this.meter) void this.startMeter().catch((e) => this.logger.log('warn', 'input level meter failed', { error: String(e) }));
    return () => {
      this.levelListeners.delete(listener);
      if (this.levelListeners.size === 0) this.stopMeter();
    };
  }

  private async startMeter(): Promise<void> {
    const stream = await this.microphone();
    const context = this.audioContext();
    const source = context.createMediaStreamSource(stream);
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let cancelTimer = (): void => {};
    const tick = (): void => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      // RMS scaled so speech sits mid-scale: -60 dBFS → 0, 0 dBFS → 1.
      const db = 10 * Math.log10(sum / samples.length || 1e-12);
      const level = Math.min(1, Math.max(0, (db + 60) / 60));
      for (const l of [...this.levelListeners]) {
        try {
          l(level);
        } catch (e) {
          this.logger.log('error', 'input level listener threw', { error: String(e) });
        }
      }
      cancelTimer = this.clock.setTimeout(tick, LEVEL_INTERVAL_MS);
    };
    this.meter = {
      stream,
      cancel: () => {
        cancelTimer();
        source.disconnect();
      },
    };
    tick();
  }

  private stopMeter(): void {
    if (!this.meter) return;
    this.meter.cancel();
    for (const t of this.meter.stream.getTracks()) t.stop();
    this.meter = undefined;
  }

  async playTestTone(durationMs = 1500): Promise<void> {
    const output = this.createOutput();
    const tone = startTone(this.tonePool(), TEST_TONE);
    output.play(tone.stream);
    await new Promise<void>((resolve) => this.clock.setTimeout(resolve, durationMs));
    this.releaseOutput(output);
    tone.stop();
  }

  dispose(): void {
    this.disposed = true;
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.onDeviceChange);
    this.changeListeners.clear();
    this.guard.dispose();
    this.stopRinging();
    this.stopMeter();
    for (const o of this.outputs) o.stop();
    this.outputs.clear();
    void this.context?.close().catch(() => {});
    this.context = undefined;
    this.pool = undefined;
  }
}
