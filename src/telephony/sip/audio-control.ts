/**
 * The agent's audio: which microphone, speaker and ringer device, the ringer itself, an input
 * level meter and a speaker test tone. Calls get their microphone stream and output elements from
 * here, so a device choice applies to calls in progress and to the next ones.
 */
import { SwitchboardError } from '../../core/index.ts';
import type { AudioDevice, Clock, Logger } from '../../core/index.ts';
import { AudioOutput } from './audio-output.ts';
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
  private readonly onDeviceChange = (): void => {
    void this.listDevices().then((d) => this.hooks.devicesChanged(d), () => {});
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
  }

  get selection(): AudioSelection {
    return { ...this.current };
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
      .map((d) => ({ deviceId: d.deviceId, kind: d.kind, label: d.label }));
  }

  /** A fresh microphone stream with the chosen device; SB20003 when the browser refuses. */
  async microphone(): Promise<MediaStream> {
    const audio: MediaTrackConstraints | boolean = this.current.microphone ? { deviceId: { exact: this.current.microphone } } : true;
    try {
      return await navigator.mediaDevices.getUserMedia({ audio, video: false });
    } catch (error) {
      throw new SwitchboardError('SB20003', error instanceof Error ? `${error.name}: ${error.message}` : String(error), error);
    }
  }

  async setMicrophone(deviceId: string): Promise<void> {
    this.current = { ...this.current, microphone: deviceId };
    await this.hooks.microphoneChanged();
    if (this.meter) {
      this.stopMeter();
      if (this.levelListeners.size) await this.startMeter();
    }
  }

  async setSpeaker(deviceId: string): Promise<void> {
    this.current = { ...this.current, speaker: deviceId };
    await Promise.all([...this.outputs].map((o) => o.setSink(deviceId)));
  }

  async setRinger(deviceId: string): Promise<void> {
    this.current = { ...this.current, ringer: deviceId };
    await this.ringer.setSink(deviceId);
  }

  /** An output for call audio on the speaker device; release it with `releaseOutput`. */
  createOutput(): AudioOutput {
    const output = new AudioOutput();
    if (this.current.speaker) void output.setSink(this.current.speaker).catch((e) => this.logger.log('warn', 'setSinkId failed', { error: String(e) }));
    this.outputs.add(output);
    return output;
  }

  releaseOutput(output: AudioOutput): void {
    output.stop();
    this.outputs.delete(output);
  }

  startRinging(): void {
    if (this.ringTone) return;
    this.ringTone = startTone(this.tonePool(), RING);
    this.ringer.play(this.ringTone.stream);
  }

  stopRinging(): void {
    this.ringer.stop();
    this.ringTone?.stop();
    this.ringTone = undefined;
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
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.onDeviceChange);
    this.stopRinging();
    this.stopMeter();
    for (const o of this.outputs) o.stop();
    this.outputs.clear();
    void this.context?.close().catch(() => {});
    this.context = undefined;
    this.pool = undefined;
  }
}
