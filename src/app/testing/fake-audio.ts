/**
 * A behaving fake of the phone tab's audio (what sip's BrowserAudio does with the browser's devices),
 * for the app's Node tests: a device list the test plugs and unplugs devices in and out of, labels
 * hidden until `grant()`, output devices that refuse to play (`refuse`), falling back to the
 * default with an `output-failed` notice as BrowserAudio does, and change notifications on
 * `devicechange`.
 */
import type { AudioDevice, AudioNotice, AudioRole } from '../../core/index.ts';
import type { AudioSelection } from '../../ui/panel-host.ts';
import type { RuntimeAudio } from '../softphone/softphone-runtime.ts';

export class FakeAudio implements RuntimeAudio {
  ringing = false;
  /** Every set* call, in order: `role=deviceId`. */
  readonly applied: string[] = [];
  /** Output device ids whose setSinkId fails. */
  readonly refuse = new Set<string>();
  private plugged: AudioDevice[];
  private labelled: boolean;
  private current: { microphone?: string; speaker?: string; ringer?: string } = {};
  private failed = new Map<'speaker' | 'ringer', string>();
  private readonly listeners = new Set<() => void>();

  /** `labelled: false` = before microphone permission (labels empty, ids shown). */
  constructor(devices: readonly AudioDevice[], options: { readonly labelled?: boolean } = {}) {
    this.plugged = [...devices];
    this.labelled = options.labelled ?? true;
  }

  get selection(): AudioSelection {
    return { ...this.current };
  }

  get notices(): readonly AudioNotice[] {
    return [...this.failed].map(([role, label]) => ({ kind: 'output-failed', role, label }));
  }

  async listDevices(): Promise<readonly AudioDevice[]> {
    return this.plugged.map((d) => (this.labelled ? { ...d } : { ...d, label: '', groupId: '' }));
  }

  async setMicrophone(deviceId: string): Promise<void> {
    this.applied.push(`microphone=${deviceId}`);
    this.current = { ...this.current, microphone: deviceId || undefined };
  }

  setSpeaker(deviceId: string): Promise<void> {
    return this.setOutput('speaker', deviceId);
  }

  setRinger(deviceId: string): Promise<void> {
    return this.setOutput('ringer', deviceId);
  }

  onInputLevel(): () => void {
    return () => {};
  }

  async playTestTone(): Promise<void> {}
  startRinging(): void {
    this.ringing = true;
  }
  stopRinging(): void {
    this.ringing = false;
  }
  async enableSound(): Promise<void> {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A device is plugged in (devicechange). */
  plug(device: AudioDevice): void {
    this.plugged.push(device);
    this.changed();
  }

  /** A device is unplugged (devicechange). */
  unplug(deviceId: string): void {
    this.plugged = this.plugged.filter((d) => d.deviceId !== deviceId);
    this.changed();
  }

  /** The microphone was granted: labels are readable from now on. */
  grant(): void {
    this.labelled = true;
    this.changed();
  }

  /** The device the role uses now ('' = the default). */
  using(role: AudioRole): string {
    return this.current[role] ?? '';
  }

  private async setOutput(role: 'speaker' | 'ringer', deviceId: string): Promise<void> {
    this.applied.push(`${role}=${deviceId}`);
    const known = deviceId === '' || this.plugged.some((d) => d.kind === 'audiooutput' && d.deviceId === deviceId);
    if (!known || this.refuse.has(deviceId)) {
      this.current = { ...this.current, [role]: undefined };
      this.failed.set(role, this.plugged.find((d) => d.deviceId === deviceId)?.label ?? '');
    } else {
      this.current = { ...this.current, [role]: deviceId || undefined };
      this.failed.delete(role);
    }
    this.changed();
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
