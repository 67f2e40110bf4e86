import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AudioDevice, CallLifecycleEvent, EngineHandle, RecordRef } from '../../core/index.ts';
import { CapturingLogger, FakeClock, MemoryStorage, RecordingCrm, settingsMap } from '../../core/testing/index.ts';
import { FakePhoneSystem } from '../../telephony/fake/index.ts';
import { SoftphoneHost } from '../host/softphone-host.ts';
import type { RuntimeHost } from '../host/runtime-host.ts';
import { LEADERSHIP_LOCK } from '../leadership/leadership.ts';
import type { AttentionSource, TabAttention } from '../leadership/tab-attention.ts';
import { FakeLockManager } from '../testing/fake-locks.ts';
import { MemoryChannelHub } from '../testing/memory-channel.ts';
import { FakeAudio } from '../testing/fake-audio.ts';
import { until } from '../testing/wait.ts';
import { AUDIO_CHOICES_KEY } from './remembered-audio.ts';
import { SoftphoneRuntime, type RuntimeAudio } from './softphone-runtime.ts';

class AudioDouble implements RuntimeAudio {
  ringing = false;
  readonly selection = {};
  async listDevices(): Promise<readonly AudioDevice[]> {
    return [];
  }
  async setMicrophone(): Promise<void> {}
  async setSpeaker(): Promise<void> {}
  async setRinger(): Promise<void> {}
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
  readonly notices = [];
  async enableSound(): Promise<void> {}
  subscribe(): () => void {
    return () => {};
  }
}

/** A tab's attention the test sets (where the agent looks). */
class AttentionDouble implements AttentionSource {
  private readonly listeners = new Set<(a: TabAttention) => void>();
  constructor(private state: TabAttention) {}
  current(): TabAttention {
    return this.state;
  }
  onChange(listener: (a: TabAttention) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  dispose(): void {
    this.listeners.clear();
  }
  set(state: TabAttention): void {
    this.state = state;
    for (const l of this.listeners) l(state);
  }
}

function world() {
  const phone = new FakePhoneSystem({ users: { '1001': 'secret', '1002': { password: 'x', displayName: 'Alan Turing' } } });
  const locks = new FakeLockManager();
  const hub = new MemoryChannelHub();
  const storage = new MemoryStorage();
  const clock = new FakeClock();
  const tab = (
    id: string,
    settings: Record<string, string> = {},
    extra: { attention?: AttentionSource; records?: Record<string, readonly RecordRef[]>; audio?: RuntimeAudio & { readonly ringing: boolean } } = {},
  ) => {
    const crm = new RecordingCrm({
      settings: settingsMap({ '/switchboard/directory': '1002:Alan Turing', ...settings }),
      ...(extra.records ? { records: extra.records } : {}),
    });
    const host = new SoftphoneHost({ locale: 'en', clock });
    const audio = extra.audio ?? new AudioDouble();
    const telephonies: ReturnType<FakePhoneSystem['createTelephony']>[] = [];
    const runtime = new SoftphoneRuntime({
      crm,
      storage,
      clock,
      host,
      tabId: id,
      openChannel: (name) => hub.open(name),
      sharedStorage: storage,
      ...(extra.attention ? { attention: extra.attention } : {}),
      logger: new CapturingLogger(),
      locks: locks.forTab(id),
      createTelephony: () => {
        const t = Object.assign(phone.createTelephony(), { audio });
        telephonies.push(t);
        return t;
      },
    });
    return { id, crm, host, audio, runtime, telephonies };
  };
  return { phone, locks, hub, storage, tab };
}

/** Whether any message posted on any channel carries `text`. */
function crossed(hub: MemoryChannelHub, text: string): boolean {
  return JSON.stringify(hub.log).includes(text);
}

test('one tab holds the phone; another mirrors it and relays commands; the tab where the agent signs in takes the phone; a takeover asks to sign in again', async () => {
  const w = world();
  const a = w.tab('A');
  const b = w.tab('B');
  await a.runtime.start();
  await until(() => a.host.state.phase === 'signed-out', 'A signed-out (settings have no credentials)');
  assert.equal(a.host.leadership.role, 'leader');
  assert.ok(a.host.audio, 'the leader exposes its audio devices');
  assert.equal(a.crm.count('notifyReady'), 1, 'the panel says ready before any registration');

  await b.runtime.start();
  assert.equal(b.runtime.role, 'follower');
  await until(() => b.host.state.phase === 'signed-out', 'B mirrors A');
  assert.equal(b.host.leadership.role, 'follower');
  assert.equal(b.host.audio, undefined, 'devices belong to the leader tab');
  assert.equal(b.crm.count('notifyReady'), 1, 'every softphone frame tells Salesforce it is ready');
  assert.equal(b.telephonies.length, 0, 'a follower never builds telephony');

  // The agent signs in from tab B: B takes the phone and registers itself; A follows and mirrors it.
  await b.host.execute({ type: 'sign-in', username: '1001', password: 'secret' });
  assert.equal(b.host.leadership.role, 'leader');
  await until(() => b.host.state.registration.state === 'registered' && a.host.state.registration.state === 'registered', 'registered in B, mirrored in A');
  assert.equal(a.host.leadership.role, 'follower');
  assert.equal(w.locks.holder(LEADERSHIP_LOCK), 'B');
  assert.equal(a.telephonies.length, 1, 'A built telephony while it led, and never registered');
  assert.equal(b.telephonies.length, 1);
  assert.equal(b.host.state.presence.status, 'available');
  assert.deepEqual([...b.telephonies[0]!.watchedLines], ['1002'], 'the directory busy lamps are watched');
  assert.ok(!crossed(w.hub, 'secret'), 'the password never crossed the channel');

  // A call rings: B opens the panel and rings; A shows it and answers it.
  const caller = w.phone.callAgent({ from: '+14155550134', displayName: '<img src=x onerror=alert(1)>' });
  await until(() => a.host.state.calls.some((c) => c.state === 'offering'), 'A sees the offer');
  assert.equal(b.audio.ringing, true);
  assert.deepEqual(
    b.crm.calls.filter((c) => c.method === 'setPanelVisible').map((c) => c.args[0]),
    [true],
  );
  const offered = a.host.state.calls[0]!;
  await a.host.execute({ type: 'answer', callId: offered.id });
  await until(() => a.host.state.calls[0]?.state === 'active', 'answered, mirrored');
  assert.equal(b.audio.ringing, false, 'the ringer stops on answer');
  assert.equal(await caller.answeredPromise, true);

  // Click-to-dial in tab A's Salesforce goes to the phone in B (after this call ends).
  caller.hangup();
  await until(() => b.host.state.calls.every((c) => c.state === 'wrap-up'), 'wrap-up');
  await a.host.execute({ type: 'complete-wrap-up', callId: offered.id, disposition: 'Resolved', notes: 'ok' });
  await until(() => b.crm.logs.length === 1, 'logged once');
  a.crm.clickToDial({ number: '1002' });
  await until(() => b.host.state.calls.some((c) => c.remote.number === '1002'), 'click-to-dial from A placed by B');
  await b.host.execute({ type: 'hangup', callId: b.host.state.calls.find((c) => c.remote.number === '1002')!.id });
  await until(() => a.host.state.calls.every((c) => c.state === 'wrap-up' || c.state === 'ended'), 'outbound call ended');

  // Tab B closes: A takes over within two seconds. The typed password never reached A, so A shows
  // the sign-in form and says why.
  const closedAt = Date.now();
  await b.runtime.stop();
  w.locks.crash('B');
  await until(() => a.host.leadership.role === 'leader', 'A leads');
  await until(() => a.host.state.phase === 'signed-out', 'A shows the sign-in form');
  assert.ok(Date.now() - closedAt < 2000, `takeover took ${Date.now() - closedAt} ms`);
  await until(() => a.host.leadership.role === 'leader' && a.host.leadership.signInAgain === true, 'A says the phone moved');
  assert.equal(w.locks.holder(LEADERSHIP_LOCK), 'A');
  assert.ok(a.host.audio);
  // The agent signs in again, here: A registers and rings for new calls; the notice goes.
  await a.host.execute({ type: 'sign-in', username: '1001', password: 'secret' });
  await until(() => a.host.state.registration.state === 'registered', 'A registered');
  assert.deepEqual(a.host.leadership, { role: 'leader' });
  w.phone.callAgent({ from: '+14155550199' });
  await until(() => a.host.state.calls.some((c) => c.state === 'offering'), 'A is offered the next call');
  assert.equal(a.audio.ringing, true);
  assert.ok(!crossed(w.hub, 'secret'), 'the password never crossed the channel');
  await a.runtime.stop();
});

test("with a demo call center's shared password, the tab that takes over signs in by itself from its own settings", async () => {
  const w = world();
  const demo = { '/switchboard/demoCallCenter': 'true', '/switchboard/sipUsername': '1001', '/switchboard/sipPassword': 'secret' };
  const a = w.tab('A', demo);
  const b = w.tab('B', demo);
  await a.runtime.start();
  await until(() => a.host.state.registration.state === 'registered', 'A signs in from its settings');
  await b.runtime.start();
  await until(() => b.host.state.registration.state === 'registered', 'B mirrors A');
  await a.runtime.stop();
  w.locks.crash('A');
  await until(() => b.host.leadership.role === 'leader' && b.telephonies.length === 1, 'B leads');
  await until(() => b.host.state.registration.state === 'registered' && b.host.state.phase === 'ready', 'B registered by itself');
  assert.deepEqual(b.host.leadership, { role: 'leader' }, 'nothing to sign in again');
  assert.ok(!crossed(w.hub, 'secret'), 'the shared password never crossed the channel');
  await b.runtime.stop();
});

test('a page of the same origin without the session secret hears nothing and its commands are not carried out', async () => {
  const w = world();
  const a = w.tab('A');
  const b = w.tab('B');
  await a.runtime.start();
  await b.runtime.start();
  await until(() => b.host.state.phase === 'signed-out', 'B mirrors A');
  await b.host.execute({ type: 'sign-in', username: '1001', password: 'secret' });
  await until(() => a.host.state.registration.state === 'registered', 'signed in, mirrored');
  const names = w.hub.names;
  assert.equal(names.length, 1, 'the tabs share one channel');
  assert.match(names[0]!, /^switchboard-softphone\.[0-9a-f]{32}$/, 'its name carries the session secret');

  // The foreign page knows the channel's public name only.
  const foreign = w.hub.open('switchboard-softphone');
  foreign.postMessage({ v: 1, t: 'hello', from: 'evil' });
  foreign.postMessage({ v: 1, t: 'command', from: 'evil', id: 'e1', command: { type: 'dial', number: '+19005550100' } });
  // Barrier: a legitimate dial after the forged one is placed; the forged one never is.
  await a.host.execute({ type: 'dial', number: '1002' });
  await until(() => b.host.state.calls.some((c) => c.remote.number === '1002'), 'the legitimate dial is placed');
  assert.ok(!b.host.state.calls.some((c) => c.remote.number === '+19005550100'), 'the forged dial was not placed');
  assert.deepEqual(foreign.received, [], 'no state, no result, nothing reached the foreign page');
  // Even a page on the secret channel gets state only: no message carries a password.
  assert.ok(!crossed(w.hub, 'secret'));
  await a.runtime.stop();
  await b.runtime.stop();
});

test('a sign-in in a follower while the phone is signed in elsewhere is refused, not relayed', async () => {
  const w = world();
  const a = w.tab('A');
  const b = w.tab('B');
  await a.runtime.start();
  await a.host.execute({ type: 'sign-in', username: '1001', password: 'secret' });
  await b.runtime.start();
  await until(() => b.host.state.registration.state === 'registered', 'B mirrors A');
  await assert.rejects(b.host.execute({ type: 'sign-in', username: '1001', password: 'secret' }), /not signed out/);
  assert.equal(a.host.leadership.role, 'leader');
  assert.ok(!crossed(w.hub, 'secret'));
  await a.runtime.stop();
  await b.runtime.stop();
});

test('a commands sent while this tab is still electing fails clearly', async () => {
  const w = world();
  const a = w.tab('A');
  await assert.rejects(a.host.execute({ type: 'dial', number: '1002' }), /still starting/);
});

test("the screen pop runs in the tab the agent looks at, and that tab shows the phone's presence and opens its panel", async () => {
  const w = world();
  const demo = { '/switchboard/demoCallCenter': 'true', '/switchboard/sipUsername': '1001', '/switchboard/sipPassword': 'secret' };
  const ada: RecordRef = { id: '003000000000001AAA', objectType: 'Contact', name: 'Ada Lovelace' };
  const records = { '+14155550134': [ada], '+14155550177': [ada, { id: '003000000000002AAA', objectType: 'Contact', name: 'Alan' }] };
  const atA = new AttentionDouble({ visible: true, at: 1 });
  const atB = new AttentionDouble({ visible: true, at: 2 });
  const a = w.tab('A', demo, { attention: atA, records });
  const b = w.tab('B', demo, { attention: atB, records });
  await a.runtime.start();
  await until(() => a.host.state.registration.state === 'registered' && a.host.state.presence.status === 'available', 'A signed in and available');
  await b.runtime.start();
  assert.equal(b.runtime.role, 'follower');
  // B's Salesforce (its Omni-Channel) hears the phone's presence from B's own frame.
  await until(() => b.crm.presence.some((p) => p.status === 'available'), 'B mirrors the presence into its CRM');

  // The agent looks at A (B went behind it): the pop is A's own.
  atB.set({ visible: false, at: 2 });
  atA.set({ visible: true, at: 3 });
  await new Promise((r) => setTimeout(r, 5));
  const first = w.phone.callAgent({ from: '+14155550134' });
  await until(() => a.crm.pops.length === 1, 'A pops');
  assert.equal(b.crm.pops.length, 0);
  await until(() => a.host.state.calls[0]?.relations.who?.id === ada.id, 'the call relates the popped record');
  first.hangup();
  await until(() => a.host.state.calls.length === 0, 'the first call ends');

  // The agent switches to B: B's CRM searches and pops; the outcome still relates the call in A's engine.
  atA.set({ visible: false, at: 3 });
  atB.set({ visible: true, at: 4 });
  await new Promise((r) => setTimeout(r, 5));
  const panelBefore = b.crm.calls.filter((c) => c.method === 'setPanelVisible').length;
  const second = w.phone.callAgent({ from: '+14155550134' });
  await until(() => b.crm.pops.length === 1, 'B pops');
  assert.equal(a.crm.pops.length, 1, 'A did not pop again');
  await until(() => a.host.state.calls[0]?.relations.who?.id === ada.id, "related from B's outcome");
  assert.ok(
    a.host.state.calls[0]!.timeline.some((e) => e.text.includes('popped in the console tab the agent is looking at')),
    'the timeline says where it popped',
  );
  await until(() => b.crm.calls.filter((c) => c.method === 'setPanelVisible' && c.args[0] === true).length > panelBefore, 'B opens its panel for the offer');
  second.hangup();
  await until(() => a.host.state.calls.length === 0, 'the second call ends');

  // Several matches: the agent picks one; it opens where the agent looks (B).
  const third = w.phone.callAgent({ from: '+14155550177' });
  await until(() => (a.host.state.calls[0]?.relations.candidates.length ?? 0) === 2, 'two candidates');
  await b.host.execute({ type: 'choose-record', callId: a.host.state.calls[0]!.id, record: ada });
  assert.deepEqual(
    b.crm.calls.filter((c) => c.method === 'openRecord').map((c) => c.args[0]),
    [ada],
  );
  assert.equal(a.crm.count('openRecord'), 0);
  third.hangup();
  await a.runtime.stop();
  await b.runtime.stop();
});

test('the phone tab applies the audio devices the agent chose before the reload, and the panel reads their notices', async () => {
  const w = world();
  await w.storage.set(AUDIO_CHOICES_KEY, {
    microphone: { deviceId: 'mic-headset', label: 'Headset Microphone', groupId: 'g' },
    ringer: { deviceId: 'out-gone', label: 'Desk Speaker', groupId: 'g2' },
  });
  const devices = new FakeAudio([
    { kind: 'audioinput', deviceId: 'mic-headset', label: 'Headset Microphone', groupId: 'g' },
    { kind: 'audiooutput', deviceId: 'out-laptop', label: 'Built-in Speaker', groupId: 'g3' },
  ]);
  const a = w.tab('A', {}, { audio: devices });
  let notified = 0;
  a.host.subscribe(() => notified++);
  await a.runtime.start();
  await until(() => devices.using('microphone') === 'mic-headset', 'the saved microphone is in use');
  assert.equal(a.host.audio?.selection.microphone, 'mic-headset');
  await until(() => a.host.audio?.notices.length === 1, 'the missing ringer device is said');
  assert.deepEqual(a.host.audio?.notices, [{ kind: 'device-missing', role: 'ringer', label: 'Desk Speaker' }]);
  const before = notified;
  devices.plug({ kind: 'audiooutput', deviceId: 'out-gone', label: 'Desk Speaker', groupId: 'g2' });
  await until(() => devices.using('ringer') === 'out-gone' && a.host.audio?.notices.length === 0, 'the ringer device is used once plugged in');
  assert.ok(notified > before, 'the panel was told to read the audio again');
  await a.runtime.stop();
});

test('the runtime runs under any RuntimeHost, and a CRM that drives the engine itself (Salesforce Voice) keeps its handle and lifecycle events', async () => {
  const phone = new FakePhoneSystem({ users: { '1001': 'secret' } });
  const locks = new FakeLockManager();
  const hub = new MemoryChannelHub();
  const storage = new MemoryStorage();
  class HostDriven extends RecordingCrm {
    handle?: EngineHandle;
    readonly lifecycle: string[] = [];
    attach(engine: EngineHandle): void {
      this.handle = engine;
    }
    callLifecycle(event: CallLifecycleEvent): void {
      this.lifecycle.push(event.type);
    }
  }
  const crm = new HostDriven({ settings: settingsMap({ '/switchboard/sipUsername': '1001', '/switchboard/sipPassword': 'secret' }) });
  // A page without a panel: it only records what the runtime tells it.
  const told: string[] = [];
  const host: RuntimeHost = {
    execute: async (command) => {
      told.push(`execute:${command.type}`);
    },
    attachEngine: () => {
      told.push('engine');
    },
    attachFollower: () => {
      told.push('follower');
    },
    setLeadership: (info) => {
      told.push(`leadership:${info.role}`);
    },
    setAudio: () => {},
  };
  const runtime = new SoftphoneRuntime({
    crm,
    storage,
    clock: new FakeClock(),
    host,
    tabId: 'V',
    openChannel: (name) => hub.open(name),
    sharedStorage: storage,
    logger: new CapturingLogger(),
    locks: locks.forTab('V'),
    createTelephony: () => phone.createTelephony(),
  });
  await runtime.start();
  await until(() => crm.handle?.state.registration.state === 'registered', 'signed in by itself from the call center');
  assert.deepEqual(told.slice(0, 2), ['engine', 'leadership:leader']);
  phone.callAgent({ from: '+14155550134' });
  await until(() => crm.lifecycle.includes('started'), 'the CRM hears the call start');
  const callId = crm.handle!.state.calls[0]!.id;
  await crm.handle!.execute({ type: 'answer', callId });
  await until(() => crm.lifecycle.includes('connected'), 'and its answer, sent through its own handle');
  await runtime.stop();
});
