import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AudioDevice } from '../../core/index.ts';
import { findSavedDevice, parseSavedChoices, planChoices, savedChoicesToJson, savedDeviceFor, type SavedDevice } from './audio-choices.ts';

/** What Chromium lists: the 'default' entries, then each device with its per-origin id. */
const DEVICES: readonly AudioDevice[] = [
  { kind: 'audioinput', deviceId: 'default', label: 'Default - Headset Microphone', groupId: 'g-headset' },
  { kind: 'audioinput', deviceId: 'mic-laptop', label: 'Built-in Microphone', groupId: 'g-laptop' },
  { kind: 'audioinput', deviceId: 'mic-headset', label: 'Headset Microphone', groupId: 'g-headset' },
  { kind: 'audiooutput', deviceId: 'default', label: 'Default - Headset Earphone', groupId: 'g-headset' },
  { kind: 'audiooutput', deviceId: 'out-laptop', label: 'Built-in Speaker', groupId: 'g-laptop' },
  { kind: 'audiooutput', deviceId: 'out-headset', label: 'Headset Earphone', groupId: 'g-headset' },
];

const headsetMic: SavedDevice = { deviceId: 'mic-headset', label: 'Headset Microphone', groupId: 'g-headset' };
const headsetOut: SavedDevice = { deviceId: 'out-headset', label: 'Headset Earphone', groupId: 'g-headset' };
const laptopOut: SavedDevice = { deviceId: 'out-laptop', label: 'Built-in Speaker', groupId: 'g-laptop' };

test('a saved device is found by its id', () => {
  assert.deepEqual(findSavedDevice(headsetMic, 'audioinput', DEVICES), { kind: 'present', device: DEVICES[2] });
  const plan = planChoices({ microphone: headsetMic, speaker: headsetOut, ringer: laptopOut }, DEVICES);
  assert.deepEqual(plan.use, { microphone: 'mic-headset', speaker: 'out-headset', ringer: 'out-laptop' });
  assert.deepEqual(plan.missing, []);
  assert.equal(plan.refreshed, undefined, 'nothing to update');
});

test('a device whose id changed (another USB port) is found by its label, and the new id is saved', () => {
  const moved = DEVICES.map((d) => (d.deviceId === 'mic-headset' ? { ...d, deviceId: 'mic-headset-2' } : d));
  const plan = planChoices({ microphone: headsetMic }, moved);
  assert.equal(plan.use.microphone, 'mic-headset-2');
  assert.deepEqual(plan.refreshed?.microphone, { ...headsetMic, deviceId: 'mic-headset-2' });
});

test('two devices with the same label: the one of the saved group wins', () => {
  const twins: AudioDevice[] = [
    { kind: 'audiooutput', deviceId: 'a', label: 'USB Headset', groupId: 'g1' },
    { kind: 'audiooutput', deviceId: 'b', label: 'USB Headset', groupId: 'g2' },
  ];
  const where = findSavedDevice({ deviceId: 'gone', label: 'USB Headset', groupId: 'g2' }, 'audiooutput', twins);
  assert.deepEqual(where, { kind: 'present', device: twins[1] });
});

test('the label only matches devices of the same kind, and never the browser\'s "default" entry', () => {
  const saved: SavedDevice = { deviceId: 'gone', label: 'Default - Headset Microphone', groupId: '' };
  assert.equal(findSavedDevice(saved, 'audioinput', DEVICES).kind, 'absent');
  assert.equal(findSavedDevice({ ...headsetOut, deviceId: 'gone' }, 'audioinput', DEVICES).kind, 'absent');
});

test('a saved device that is not connected: the system default, and the choice stays saved', () => {
  const unplugged = DEVICES.filter((d) => d.groupId !== 'g-headset' || d.deviceId === 'default');
  const plan = planChoices({ microphone: headsetMic, speaker: headsetOut, ringer: laptopOut }, unplugged);
  assert.deepEqual(plan.use, { microphone: '', speaker: '', ringer: 'out-laptop' });
  assert.deepEqual(plan.missing, [
    { role: 'microphone', saved: headsetMic },
    { role: 'speaker', saved: headsetOut },
  ]);
  assert.equal(plan.refreshed, undefined, 'the missing choices are not dropped');
});

test('before microphone permission (ids, no labels): found by id, and the label is learnt later', () => {
  const unlabelled = DEVICES.map((d) => ({ ...d, label: '', groupId: '' }));
  // A choice made before permission has no label yet.
  const early = savedDeviceFor('microphone', 'mic-headset', unlabelled);
  assert.deepEqual(early, { deviceId: 'mic-headset', label: '', groupId: '' });
  const before = planChoices({ microphone: early, speaker: headsetOut }, unlabelled);
  assert.deepEqual(before.use, { microphone: 'mic-headset', speaker: 'out-headset', ringer: '' });
  assert.equal(before.refreshed, undefined, 'an empty label never overwrites a known one');
  // Permission came: the label and group are saved from now on.
  const after = planChoices({ microphone: early, speaker: headsetOut }, DEVICES);
  assert.deepEqual(after.refreshed, { microphone: headsetMic, speaker: headsetOut });
});

test('before permission, with a saved label but ids unknown to the list: absent, not matched by an empty label', () => {
  const unlabelled = DEVICES.map((d) => ({ ...d, label: '' }));
  assert.equal(findSavedDevice({ ...headsetMic, deviceId: 'other-id' }, 'audioinput', unlabelled).kind, 'absent');
  assert.equal(findSavedDevice({ deviceId: 'x', label: '', groupId: '' }, 'audioinput', DEVICES).kind, 'absent');
});

test('a browser that hides device ids before permission: the saved id is applied as is', () => {
  const hidden: AudioDevice[] = [
    { kind: 'audioinput', deviceId: '', label: '' },
    { kind: 'audiooutput', deviceId: '', label: '' },
  ];
  const plan = planChoices({ microphone: headsetMic, ringer: laptopOut }, hidden);
  assert.deepEqual(plan.use, { microphone: 'mic-headset', speaker: '', ringer: 'out-laptop' });
  assert.deepEqual(plan.missing, []);
});

test('stored choices are validated: malformed entries count as not chosen', () => {
  const json = savedChoicesToJson({ microphone: headsetMic, ringer: laptopOut });
  assert.deepEqual(parseSavedChoices(json), { microphone: headsetMic, ringer: laptopOut });
  assert.deepEqual(parseSavedChoices(undefined), {});
  assert.deepEqual(parseSavedChoices('mic-headset'), {});
  assert.deepEqual(parseSavedChoices([headsetMic as unknown as string]), {});
  assert.deepEqual(parseSavedChoices({ microphone: { deviceId: 'x' }, speaker: { deviceId: '', label: '', groupId: '' }, ringer: { ...laptopOut } }), {
    ringer: laptopOut,
  });
  assert.deepEqual(parseSavedChoices({ microphone: { ...headsetMic, extra: 1 } }), { microphone: headsetMic }, 'unknown fields are dropped');
});
