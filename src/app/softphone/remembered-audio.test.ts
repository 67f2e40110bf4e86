import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AudioDevice } from '../../core/index.ts';
import { CapturingLogger, MemoryStorage } from '../../core/testing/index.ts';
import { FakeAudio } from '../testing/fake-audio.ts';
import { until } from '../testing/wait.ts';
import { AUDIO_CHOICES_KEY, RememberedAudio } from './remembered-audio.ts';

const MIC_LAPTOP: AudioDevice = { kind: 'audioinput', deviceId: 'mic-laptop', label: 'Built-in Microphone', groupId: 'g-laptop' };
const MIC_HEADSET: AudioDevice = { kind: 'audioinput', deviceId: 'mic-headset', label: 'Headset Microphone', groupId: 'g-headset' };
const OUT_LAPTOP: AudioDevice = { kind: 'audiooutput', deviceId: 'out-laptop', label: 'Built-in Speaker', groupId: 'g-laptop' };
const OUT_HEADSET: AudioDevice = { kind: 'audiooutput', deviceId: 'out-headset', label: 'Headset Earphone', groupId: 'g-headset' };
const ALL = [
  { kind: 'audioinput', deviceId: 'default', label: 'Default', groupId: 'g-laptop' },
  MIC_LAPTOP,
  MIC_HEADSET,
  { kind: 'audiooutput', deviceId: 'default', label: 'Default', groupId: 'g-laptop' },
  OUT_LAPTOP,
  OUT_HEADSET,
] as const satisfies readonly AudioDevice[];

/** A page load: the phone's audio (devices as the browser lists them now) wrapped over the same storage. */
async function load(storage: MemoryStorage, devices: readonly AudioDevice[] = ALL, options: { labelled?: boolean } = {}) {
  const inner = new FakeAudio(devices, options);
  const logger = new CapturingLogger();
  const audio = new RememberedAudio(inner, storage, logger);
  await audio.restored;
  return { inner, audio, logger };
}

test("the agent's microphone, speaker and ringer survive a reload", async () => {
  const storage = new MemoryStorage();
  const first = await load(storage);
  assert.deepEqual(first.inner.applied, [], 'nothing saved yet: nothing applied');
  await first.audio.setMicrophone('mic-headset');
  await first.audio.setSpeaker('out-headset');
  await first.audio.setRinger('out-laptop');
  assert.deepEqual(
    storage.peek(AUDIO_CHOICES_KEY),
    {
      microphone: { deviceId: 'mic-headset', label: 'Headset Microphone', groupId: 'g-headset' },
      speaker: { deviceId: 'out-headset', label: 'Headset Earphone', groupId: 'g-headset' },
      ringer: { deviceId: 'out-laptop', label: 'Built-in Speaker', groupId: 'g-laptop' },
    },
    'saved by id, label and group',
  );

  const reloaded = await load(storage);
  assert.deepEqual(reloaded.audio.selection, { microphone: 'mic-headset', speaker: 'out-headset', ringer: 'out-laptop' });
  assert.deepEqual(reloaded.audio.notices, []);

  // Back to the system default: the choice is forgotten.
  await reloaded.audio.setRinger('');
  assert.deepEqual(Object.keys(storage.peek(AUDIO_CHOICES_KEY) as object).sort(), ['microphone', 'speaker']);
  const third = await load(storage);
  assert.deepEqual(third.audio.selection, { microphone: 'mic-headset', speaker: 'out-headset' });
});

test('an unplugged headset: the system default on start, the choice kept and said; plugged back, it is used again', async () => {
  const storage = new MemoryStorage();
  const first = await load(storage);
  await first.audio.setMicrophone('mic-headset');
  await first.audio.setSpeaker('out-headset');

  const withoutHeadset = ALL.filter((d) => d.groupId !== 'g-headset');
  const { inner, audio } = await load(storage, withoutHeadset);
  assert.deepEqual(audio.selection, {}, 'both on the system default');
  assert.deepEqual(inner.applied, [], 'nothing absent is applied');
  assert.deepEqual(audio.notices, [
    { kind: 'device-missing', role: 'microphone', label: 'Headset Microphone' },
    { kind: 'device-missing', role: 'speaker', label: 'Headset Earphone' },
  ]);
  assert.ok((storage.peek(AUDIO_CHOICES_KEY) as Record<string, unknown>)['microphone'], 'still saved');

  let changes = 0;
  audio.subscribe(() => changes++);
  inner.plug(MIC_HEADSET);
  inner.plug(OUT_HEADSET);
  await until(() => inner.using('speaker') === 'out-headset' && inner.using('microphone') === 'mic-headset', 'the headset is used again once plugged in');
  await until(() => audio.notices.length === 0, 'the notices go');
  assert.ok(changes > 0, 'the panel was told');

  // Unplugged mid-shift: both roles go back to the default (a call switches to the default microphone).
  inner.unplug('mic-headset');
  await until(() => inner.using('microphone') === '', 'the default microphone');
  assert.deepEqual(audio.notices, [{ kind: 'device-missing', role: 'microphone', label: 'Headset Microphone' }]);
});

test('a headset in another USB port (a new id) is found by its label, and the new id is saved', async () => {
  const storage = new MemoryStorage({ [AUDIO_CHOICES_KEY]: { speaker: { deviceId: 'out-headset-old', label: 'Headset Earphone', groupId: 'g-old' } } });
  const { audio } = await load(storage);
  assert.equal(audio.selection.speaker, 'out-headset');
  assert.deepEqual(storage.peek(AUDIO_CHOICES_KEY), { speaker: { deviceId: 'out-headset', label: 'Headset Earphone', groupId: 'g-headset' } });
});

test('before microphone permission: a saved choice applies by id, a new one is saved without a label and relabelled once granted', async () => {
  const storage = new MemoryStorage({ [AUDIO_CHOICES_KEY]: { ringer: { deviceId: 'out-laptop', label: 'Built-in Speaker', groupId: 'g-laptop' } } });
  const { inner, audio } = await load(storage, ALL, { labelled: false });
  assert.equal(audio.selection.ringer, 'out-laptop', 'found by id while labels are empty');
  assert.deepEqual(audio.notices, []);
  await audio.setMicrophone('mic-headset');
  assert.deepEqual((storage.peek(AUDIO_CHOICES_KEY) as Record<string, unknown>)['microphone'], { deviceId: 'mic-headset', label: '', groupId: '' });
  assert.deepEqual(
    (storage.peek(AUDIO_CHOICES_KEY) as Record<string, unknown>)['ringer'],
    { deviceId: 'out-laptop', label: 'Built-in Speaker', groupId: 'g-laptop' },
    'a known label is not blanked',
  );

  inner.grant();
  await until(() => JSON.stringify(storage.peek(AUDIO_CHOICES_KEY)).includes('Headset Microphone'), 'the label is saved once readable');
  assert.deepEqual((storage.peek(AUDIO_CHOICES_KEY) as Record<string, unknown>)['microphone'], {
    deviceId: 'mic-headset',
    label: 'Headset Microphone',
    groupId: 'g-headset',
  });
});

test('a saved ringer whose device refuses to play: the default output rings, the agent is told, the choice is kept and not retried in a loop', async () => {
  const storage = new MemoryStorage({ [AUDIO_CHOICES_KEY]: { ringer: { deviceId: 'out-headset', label: 'Headset Earphone', groupId: 'g-headset' } } });
  const inner = new FakeAudio(ALL);
  inner.refuse.add('out-headset');
  const audio = new RememberedAudio(inner, storage, new CapturingLogger());
  await audio.restored;
  assert.equal(audio.selection.ringer, undefined, 'the ringer plays on the default output');
  assert.deepEqual(audio.notices, [{ kind: 'output-failed', role: 'ringer', label: 'Headset Earphone' }]);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(inner.applied, ['ringer=out-headset'], 'tried once');
  assert.ok(storage.peek(AUDIO_CHOICES_KEY), 'still saved: it may work on the next start');

  // The agent picks another device (saved once it plays), then the refusing one again: that is not saved over it.
  await audio.setRinger('out-laptop');
  assert.deepEqual(audio.notices, [], 'the notice goes once the ringer plays on the chosen device');
  await audio.setRinger('out-headset');
  assert.equal(audio.selection.ringer, undefined);
  assert.deepEqual(
    (storage.peek(AUDIO_CHOICES_KEY) as Record<string, { deviceId: string }>)['ringer']?.deviceId,
    'out-laptop',
    'the choice that applied stays saved',
  );
});

test('a choice the agent makes while the saved ones are being restored is not overtaken by the restore', async () => {
  const storage = new MemoryStorage({ [AUDIO_CHOICES_KEY]: { speaker: { deviceId: 'out-headset', label: 'Headset Earphone', groupId: 'g-headset' } } });
  const inner = new FakeAudio(ALL);
  const audio = new RememberedAudio(inner, storage, new CapturingLogger());
  const chosen = audio.setSpeaker('out-laptop');
  await Promise.all([audio.restored, chosen]);
  assert.equal(inner.using('speaker'), 'out-laptop');
  assert.deepEqual(inner.applied, ['speaker=out-headset', 'speaker=out-laptop']);
});

test('storage that fails: the devices still apply, the failure is logged', async () => {
  const storage = new MemoryStorage();
  storage.failNext('get');
  const { audio, logger } = await load(storage);
  assert.ok(logger.entries.some((e) => e.message.includes('could not be restored')));
  storage.failNext('set');
  await audio.setMicrophone('mic-laptop');
  assert.equal(audio.selection.microphone, 'mic-laptop');
  assert.ok(logger.entries.some((e) => e.message.includes('could not be saved')));
});

test('disposed (the phone left this tab): device changes are no longer followed', async () => {
  const storage = new MemoryStorage({ [AUDIO_CHOICES_KEY]: { microphone: { deviceId: 'mic-headset', label: 'Headset Microphone', groupId: 'g-headset' } } });
  const { inner, audio } = await load(
    storage,
    ALL.filter((d) => d.deviceId !== 'mic-headset'),
  );
  audio.dispose();
  inner.plug(MIC_HEADSET);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(inner.applied, []);
});
