/**
 * The agent's saved audio device choices, and how each finds its device again. Pure functions: the
 * browser's device list comes in, what to use comes out (remembered-audio.ts applies it).
 *
 * A choice is saved by deviceId and by the device's label and groupId. Chromium's deviceIds are
 * stable per origin, so the id finds the device; the label finds it when its id changed (the same
 * headset in another USB port can get another id). A device that is not connected leaves its role
 * on the system default, and the choice stays saved for when it is back. Before microphone
 * permission labels are empty: a choice is then found by id alone and takes its label later; where
 * the browser hides even the ids (one anonymous entry per kind), the saved id is applied as is.
 */
import type { AudioDevice, AudioRole, JsonValue } from '../../core/index.ts';

export interface SavedDevice {
  readonly deviceId: string;
  /** Empty when saved before microphone permission (then learnt later, see `planChoices`). */
  readonly label: string;
  readonly groupId: string;
}

export type SavedChoices = Partial<Readonly<Record<AudioRole, SavedDevice>>>;

export const AUDIO_ROLES: readonly AudioRole[] = ['microphone', 'speaker', 'ringer'];

export const ROLE_KIND: Readonly<Record<AudioRole, AudioDevice['kind']>> = {
  microphone: 'audioinput',
  speaker: 'audiooutput',
  ringer: 'audiooutput',
};

/** Entries that follow the system's own choice (Chromium's 'default', Windows' 'communications'): never a device of their own. */
function isPseudo(device: AudioDevice): boolean {
  return device.deviceId === '' || device.deviceId === 'default' || device.deviceId === 'communications';
}

function isSavedDevice(value: unknown): value is SavedDevice {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v['deviceId'] === 'string' && v['deviceId'] !== '' && typeof v['label'] === 'string' && typeof v['groupId'] === 'string';
}

/** Reads stored choices; anything malformed (another version, a hand edit) counts as not chosen. */
export function parseSavedChoices(value: JsonValue | undefined): SavedChoices {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const choices: Partial<Record<AudioRole, SavedDevice>> = {};
  for (const role of AUDIO_ROLES) {
    const saved = value[role];
    if (isSavedDevice(saved)) choices[role] = { deviceId: saved.deviceId, label: saved.label, groupId: saved.groupId };
  }
  return choices;
}

export function savedChoicesToJson(choices: SavedChoices): JsonValue {
  const json: Record<string, JsonValue> = {};
  for (const role of AUDIO_ROLES) {
    const saved = choices[role];
    if (saved) json[role] = { deviceId: saved.deviceId, label: saved.label, groupId: saved.groupId };
  }
  return json;
}

/** What to save when the agent picks `deviceId` for `role`: its label and group as listed now (empty before permission). */
export function savedDeviceFor(role: AudioRole, deviceId: string, devices: readonly AudioDevice[]): SavedDevice {
  const device = devices.find((d) => d.kind === ROLE_KIND[role] && d.deviceId === deviceId);
  return { deviceId, label: device?.label ?? '', groupId: device?.groupId ?? '' };
}

/** Where a saved choice is: a listed device, not listed at all, or unknown because the browser hides device ids. */
export type Whereabouts = { readonly kind: 'present'; readonly device: AudioDevice } | { readonly kind: 'hidden' } | { readonly kind: 'absent' };

/**
 * Finds a saved device among `devices`: by deviceId, else by its (non-empty) label, preferring the
 * same groupId when several devices share the label (two identical headsets).
 */
export function findSavedDevice(saved: SavedDevice, kind: AudioDevice['kind'], devices: readonly AudioDevice[]): Whereabouts {
  const listed = devices.filter((d) => d.kind === kind && !isPseudo(d));
  const byId = listed.find((d) => d.deviceId === saved.deviceId);
  if (byId) return { kind: 'present', device: byId };
  if (saved.label) {
    const byLabel = listed.filter((d) => d.label === saved.label);
    const device = byLabel.find((d) => saved.groupId !== '' && d.groupId === saved.groupId) ?? byLabel[0];
    if (device) return { kind: 'present', device };
  }
  // Before permission some browsers list one anonymous entry per kind (no id, no label): nothing
  // tells whether the device is there, and its id is still the origin's, so it is applied as is.
  if (listed.length === 0) return { kind: 'hidden' };
  return { kind: 'absent' };
}

export interface ChoicePlan {
  /** The device id each role should use now; '' = the system default. */
  readonly use: Readonly<Record<AudioRole, string>>;
  /** Saved choices whose device is not connected (they stay saved, for when it is back). */
  readonly missing: readonly { readonly role: AudioRole; readonly saved: SavedDevice }[];
  /**
   * The saved choices brought up to date — a device found by label under a new id, a label and
   * group learnt once permission came — or undefined when nothing changed.
   */
  readonly refreshed?: SavedChoices;
}

/** What each role should use given the saved choices and the devices listed now. */
export function planChoices(saved: SavedChoices, devices: readonly AudioDevice[]): ChoicePlan {
  const use: Record<AudioRole, string> = { microphone: '', speaker: '', ringer: '' };
  const missing: { role: AudioRole; saved: SavedDevice }[] = [];
  const refreshed: Partial<Record<AudioRole, SavedDevice>> = { ...saved };
  let changed = false;
  for (const role of AUDIO_ROLES) {
    const choice = saved[role];
    if (!choice) continue;
    const where = findSavedDevice(choice, ROLE_KIND[role], devices);
    if (where.kind === 'absent') {
      missing.push({ role, saved: choice });
      continue;
    }
    if (where.kind === 'hidden') {
      use[role] = choice.deviceId;
      continue;
    }
    const { device } = where;
    use[role] = device.deviceId;
    // A label or group the browser did not show when the choice was saved is kept from now on; an
    // empty one (permission gone) never overwrites a known one.
    const next: SavedDevice = { deviceId: device.deviceId, label: device.label || choice.label, groupId: device.groupId || choice.groupId };
    if (next.deviceId !== choice.deviceId || next.label !== choice.label || next.groupId !== choice.groupId) {
      refreshed[role] = next;
      changed = true;
    }
  }
  return { use, missing, ...(changed ? { refreshed } : {}) };
}
