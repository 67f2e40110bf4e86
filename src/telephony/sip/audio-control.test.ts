/*
 * BrowserAudio's device handling in Node, over stand-ins for the browser objects it touches
 * (<audio> elements with setSinkId, navigator.mediaDevices): an output device that refuses falls
 * back to the default output and says so; a chosen microphone that is gone gives way to the default.
 * The autoplay side is autoplay-guard.test.ts (logic) and test/e2e/audio-devices.test.ts (Chromium).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AudioDevice } from '../../core/index.ts';
import { CapturingLogger, FakeClock } from '../../core/testing/index.ts';
import { BrowserAudio } from './audio-control.ts';

const DEVICES: readonly AudioDevice[] = [
  { kind: 'audioinput', deviceId: 'mic-a', label: 'Headset Microphone', groupId: 'g-a' },
  { kind: 'audiooutput', deviceId: 'out-a', label: 'Headset Earphone', groupId: 'g-a' },
  { kind: 'audiooutput', deviceId: 'out-b', label: 'HDMI Display', groupId: 'g-b' },
];
/** Output ids setSinkId accepts ('' = the default); 'out-b' is listed but refuses, as an output the OS will not open. */
const SINKS = new Set(['', 'out-a']);

class FakeAudioElement {
  autoplay = false;
  srcObject: unknown = null;
  paused = true;
  sinkId = '';
  static made: FakeAudioElement[] = [];
  constructor() {
    FakeAudioElement.made.push(this);
  }
  async setSinkId(id: string): Promise<void> {
    if (!SINKS.has(id)) throw Object.assign(new Error('Requested device not found'), { name: 'NotFoundError' });
    this.sinkId = id;
  }
  async play(): Promise<void> {
    this.paused = false;
  }
  pause(): void {
    this.paused = true;
  }
}

const asked: unknown[] = [];
const mediaDevices = {
  enumerateDevices: async () => DEVICES.map((d) => ({ ...d, groupId: d.groupId ?? '' })),
  getUserMedia: async (constraints: { audio: boolean | { deviceId: { exact: string } } }) => {
    asked.push(constraints.audio);
    if (typeof constraints.audio === 'object' && constraints.audio.deviceId.exact !== 'mic-a') {
      throw Object.assign(new Error('Requested device not found'), { name: 'OverconstrainedError' });
    }
    return { getTracks: () => [], getAudioTracks: () => [] };
  },
  addEventListener: () => {},
  removeEventListener: () => {},
};

const globals = globalThis as unknown as Record<string, unknown>;
before(() => {
  globals['Audio'] = FakeAudioElement;
  Object.defineProperty(globalThis, 'navigator', { value: { mediaDevices }, configurable: true, writable: true });
});
after(() => {
  delete globals['Audio'];
  delete globals['navigator'];
});

function audio() {
  const logger = new CapturingLogger();
  const a = new BrowserAudio(new FakeClock(), logger, { devicesChanged: () => {}, microphoneChanged: async () => {} });
  let changes = 0;
  a.subscribe(() => changes++);
  return { audio: a, logger, changes: () => changes };
}

test('a ringer device that refuses to play: the default output rings, and the agent is told which device failed', async () => {
  const { audio: a, logger, changes } = audio();
  await a.setRinger('out-b');
  assert.equal(a.selection.ringer, undefined, 'the ringer is on the default output');
  assert.deepEqual(a.notices, [{ kind: 'output-failed', role: 'ringer', label: 'HDMI Display' }]);
  assert.equal(changes(), 1);
  assert.ok(logger.find('warn', 'refused to play').length === 1);

  await a.setRinger('out-a');
  assert.equal(a.selection.ringer, 'out-a');
  assert.deepEqual(a.notices, [], 'the notice goes once the ringer plays on a device');
  a.dispose();
});

test('a speaker device that refuses is found out without a call up (a spare element), and calls play on the default', async () => {
  const { audio: a } = audio();
  await a.setSpeaker('out-b');
  assert.equal(a.selection.speaker, undefined);
  assert.deepEqual(a.notices, [{ kind: 'output-failed', role: 'speaker', label: 'HDMI Display' }]);
  await a.setSpeaker('out-a');
  const output = a.createOutput();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal((output.element as unknown as FakeAudioElement).sinkId, 'out-a', 'a new call plays on the chosen speaker');
  assert.deepEqual(a.notices, []);
  a.releaseOutput(output);
  a.dispose();
});

test('a chosen microphone that is gone gives way to the default one: the call does not fail for it', async () => {
  const { audio: a, logger } = audio();
  await a.setMicrophone('mic-unplugged');
  asked.length = 0;
  await a.microphone();
  assert.deepEqual(asked, [{ deviceId: { exact: 'mic-unplugged' } }, true]);
  assert.equal(a.selection.microphone, undefined);
  assert.ok(logger.find('warn', 'chosen microphone is not there').length === 1);
  await a.setMicrophone('mic-a');
  asked.length = 0;
  await a.microphone();
  assert.deepEqual(asked, [{ deviceId: { exact: 'mic-a' } }]);
  a.dispose();
});

test('device labels are listed with their group; the first granted microphone tells listeners (labels are readable now)', async () => {
  const { audio: a, changes } = audio();
  assert.deepEqual((await a.listDevices())[0], DEVICES[0]);
  await a.microphone();
  await a.microphone();
  assert.equal(changes(), 1, 'once');
  a.dispose();
});

test('warm-up makes the ringer AudioContext once, while idle; the ring reuses it; nothing is made after dispose', () => {
  class FakeAudioContext {
    static made = 0;
    state: 'running' | 'suspended' | 'closed' = 'running';
    currentTime = 0;
    destinations = 0;
    constructor() {
      FakeAudioContext.made++;
    }
    createGain() {
      return { gain: { value: 0, setValueAtTime() {} }, connect() {}, disconnect() {} };
    }
    createOscillator() {
      return { frequency: { value: 0 }, connect() {}, disconnect() {}, start() {}, stop() {} };
    }
    createMediaStreamDestination() {
      this.destinations++;
      return { stream: { getAudioTracks: () => [{ readyState: 'live' }] } };
    }
    async close(): Promise<void> {
      this.state = 'closed';
    }
    async resume(): Promise<void> {
      this.state = 'running';
    }
  }
  globals['AudioContext'] = FakeAudioContext;
  try {
    const { audio: a, logger } = audio();
    a.warmUp();
    a.warmUp();
    assert.equal(FakeAudioContext.made, 1);
    assert.deepEqual(logger.find('warn', 'could not prepare'), []);
    const context = a.audioContext() as unknown as FakeAudioContext;
    assert.equal(context.destinations, 1, 'the ring path ran once, silent');
    a.tonePool().acquire();
    assert.equal(context.destinations, 1, "the ring's destination waits in the pool");
    assert.equal(a.tonePool().context, a.audioContext(), 'the ring takes the warmed context and its pool');
    assert.equal(FakeAudioContext.made, 1);
    a.dispose();
    a.warmUp();
    assert.equal(FakeAudioContext.made, 1, 'a warm-up scheduled before dispose makes no context nobody closes');
  } finally {
    delete globals['AudioContext'];
  }
});
