/**
 * The phone tab's audio devices, remembered across reloads. Wraps the telephony adapter's audio
 * (sip: BrowserAudio) so that the agent's microphone, speaker and ringer choices are saved in the
 * softphone's storage (the StoragePort the engine uses: IndexedDB in the browser) and applied again
 * when the phone starts and whenever the device list changes (plugged, unplugged, labelled once the
 * microphone is granted). audio-choices.ts decides what applies; this class reads, applies, saves.
 *
 * A saved device that is not connected leaves its role on the system default and stays saved; the
 * panel says so (`device-missing`). A choice is saved once it applied: a device that refused to play
 * (its own `output-failed` notice) does not replace the saved one.
 *
 * Contract: operations run one at a time, in call order (a restore never overtakes a choice the
 * agent made meanwhile). A device is applied at most once per change of the device list, so one
 * that refuses is not retried in a loop.
 */
import type { AudioDevice, AudioNotice, AudioRole, Logger, StoragePort } from '../../core/index.ts';
import type { AudioSelection } from '../../ui/panel-host.ts';
import {
  AUDIO_ROLES,
  parseSavedChoices,
  planChoices,
  savedChoicesToJson,
  savedDeviceFor,
  type ChoicePlan,
  type SavedChoices,
  type SavedDevice,
} from './audio-choices.ts';
import type { RuntimeAudio } from './softphone-runtime.ts';

export const AUDIO_CHOICES_KEY = 'audio/choices';

export class RememberedAudio implements RuntimeAudio {
  private saved: SavedChoices = {};
  private missing: ChoicePlan['missing'] = [];
  /** The device list last reconciled (kinds, ids, labels, groups), to act on changes only. */
  private listed: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<() => void>();
  private readonly offInner: () => void;
  private disposed = false;
  /** Settles once the saved choices were read and applied (failures are logged). */
  readonly restored: Promise<void>;

  constructor(
    private readonly inner: RuntimeAudio,
    private readonly storage: StoragePort,
    private readonly logger: Logger,
  ) {
    this.offInner = inner.subscribe(() => {
      this.notify();
      void this.serial(() => this.reconcile(false)).catch((e: unknown) => logger.log('warn', 'applying saved audio devices failed', { error: String(e) }));
    });
    this.restored = this.serial(async () => {
      this.saved = parseSavedChoices(await storage.get(AUDIO_CHOICES_KEY));
      await this.reconcile(true);
    }).catch((e: unknown) => logger.log('warn', 'the saved audio devices could not be restored', { error: String(e) }));
  }

  get selection(): AudioSelection {
    return this.inner.selection;
  }

  get notices(): readonly AudioNotice[] {
    return [...this.inner.notices, ...this.missing.map(({ role, saved }): AudioNotice => ({ kind: 'device-missing', role, label: saved.label }))];
  }

  listDevices(): Promise<readonly AudioDevice[]> {
    return this.inner.listDevices();
  }

  setMicrophone(deviceId: string): Promise<void> {
    return this.choose('microphone', deviceId);
  }

  setSpeaker(deviceId: string): Promise<void> {
    return this.choose('speaker', deviceId);
  }

  setRinger(deviceId: string): Promise<void> {
    return this.choose('ringer', deviceId);
  }

  onInputLevel(listener: (level: number) => void): () => void {
    return this.inner.onInputLevel(listener);
  }

  playTestTone(): Promise<void> {
    return this.inner.playTestTone();
  }

  startRinging(): void {
    this.inner.startRinging();
  }

  stopRinging(): void {
    this.inner.stopRinging();
  }

  enableSound(): Promise<void> {
    // Not queued: it must reach the browser inside the click's user gesture.
    return this.inner.enableSound();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops following the inner audio (the phone left this tab); it is the adapter's to dispose. */
  dispose(): void {
    this.disposed = true;
    this.offInner();
    this.listeners.clear();
  }

  /** The agent picked `deviceId` for `role` ('' = the system default): apply it, then save it if it applied. */
  private choose(role: AudioRole, deviceId: string): Promise<void> {
    return this.serial(async () => {
      await this.apply(role, deviceId);
      if ((this.inner.selection[role] ?? '') !== deviceId) return;
      const next: Partial<Record<AudioRole, SavedDevice>> = { ...this.saved };
      if (deviceId) next[role] = savedDeviceFor(role, deviceId, await this.inner.listDevices());
      else delete next[role];
      this.saved = next;
      this.missing = this.missing.filter((m) => m.role !== role);
      this.notify();
      // The device is in use either way: a choice that could not be saved is lost on reload only.
      await this.storage
        .set(AUDIO_CHOICES_KEY, savedChoicesToJson(next))
        .catch((e: unknown) => this.logger.log('warn', 'the audio device choice could not be saved', { role, error: String(e) }));
    });
  }

  /** Applies the saved choices to the devices listed now, when that list changed (or `force`). */
  private async reconcile(force: boolean): Promise<void> {
    if (this.disposed) return;
    const devices = await this.inner.listDevices();
    const listed = JSON.stringify(devices.map((d) => [d.kind, d.deviceId, d.label, d.groupId ?? '']));
    if (!force && listed === this.listed) return;
    this.listed = listed;
    const plan = planChoices(this.saved, devices);
    for (const role of AUDIO_ROLES) {
      if ((this.inner.selection[role] ?? '') === plan.use[role]) continue;
      await this.apply(role, plan.use[role]).catch((e: unknown) => this.logger.log('warn', `the saved ${role} could not be applied`, { error: String(e) }));
    }
    const missingBefore = JSON.stringify(this.missing);
    this.missing = plan.missing;
    if (JSON.stringify(this.missing) !== missingBefore) this.notify();
    if (plan.refreshed) {
      this.saved = plan.refreshed;
      await this.storage.set(AUDIO_CHOICES_KEY, savedChoicesToJson(plan.refreshed));
    }
  }

  private apply(role: AudioRole, deviceId: string): Promise<void> {
    if (role === 'microphone') return this.inner.setMicrophone(deviceId);
    if (role === 'speaker') return this.inner.setSpeaker(deviceId);
    return this.inner.setRinger(deviceId);
  }

  /** Runs `task` after every earlier one has settled. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => {});
    return run;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        this.logger.log('error', 'audio change listener threw', { error: String(error) });
      }
    }
  }
}
