import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AudioDevice } from '../../core/index.ts';
import { CapturingLogger, FakeClock, MemoryStorage, RecordingCrm, settingsMap } from '../../core/testing/index.ts';
import { FakePhoneSystem } from '../../telephony/fake/index.ts';
import { SoftphoneHost } from '../host/softphone-host.ts';
import { LEADERSHIP_LOCK } from '../leadership/leadership.ts';
import { FakeLockManager } from '../testing/fake-locks.ts';
import { MemoryChannelHub } from '../testing/memory-channel.ts';
import { until } from '../testing/wait.ts';
import { SoftphoneRuntime, type RuntimeAudio } from './softphone-runtime.ts';

class AudioDouble implements RuntimeAudio {
  ringing = false;
  readonly selection = {};
  async listDevices(): Promise<readonly AudioDevice[]> { return []; }
  async setMicrophone(): Promise<void> {}
  async setSpeaker(): Promise<void> {}
  async setRinger(): Promise<void> {}
  onInputLevel(): () => void { return () => {}; }
  async playTestTone(): Promise<void> {}
  startRinging(): void { this.ringing = true; }
  stopRinging(): void { this.ringing = false; }
}

function world() {
  const phone = new FakePhoneSystem({ users: { '1001': 'secret', '1002': { password: 'x', displayName: 'Alan Turing' } } });
  const locks = new FakeLockManager();
  const hub = new MemoryChannelHub();
  const storage = new MemoryStorage();
  const clock = new FakeClock();
  const tab = (id: string) => {
    const crm = new RecordingCrm({ settings: settingsMap({ '/switchboard/directory': '1002:Alan Turing' }) });
    const host = new SoftphoneHost({ locale: 'en', clock });
    const audio = new AudioDouble();
    const telephonies: ReturnType<FakePhoneSystem['createTelephony']>[] = [];
    const channel = hub.open();
    const runtime = new SoftphoneRuntime({
      crm, storage, clock, host, tabId: id, channel,
      logger: new CapturingLogger(),
      locks: locks.forTab(id),
      createTelephony: () => {
        const t = Object.assign(phone.createTelephony(), { audio });
        telephonies.push(t);
        return t;
      },
    });
    return { id, crm, host, audio, runtime, telephonies, channel };
  };
  return { phone, locks, hub, tab };
}

test('one tab holds the phone; another mirrors it, relays commands, and takes over when it closes', async () => {
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

  // The agent signs in from tab B: tab A registers.
  await b.host.execute({ type: 'sign-in', username: '1001', password: 'secret' });
  await until(() => a.host.state.registration.state === 'registered' && b.host.state.registration.state === 'registered', 'registered, mirrored');
  assert.equal(a.host.state.presence.status, 'available');
  assert.deepEqual([...a.telephonies[0]!.watchedLines], ['1002'], 'the directory busy lamps are watched');

  // A call rings: A opens the panel and rings; B shows it and answers it.
  const caller = w.phone.callAgent({ from: '+14155550134', displayName: '<img src=x onerror=alert(1)>' });
  await until(() => b.host.state.calls.some((c) => c.state === 'offering'), 'B sees the offer');
  assert.equal(a.audio.ringing, true);
  assert.deepEqual(a.crm.calls.filter((c) => c.method === 'setPanelVisible').map((c) => c.args[0]), [true]);
  const offered = b.host.state.calls[0]!;
  await b.host.execute({ type: 'answer', callId: offered.id });
  await until(() => b.host.state.calls[0]?.state === 'active', 'answered, mirrored');
  assert.equal(a.audio.ringing, false, 'the ringer stops on answer');
  assert.equal(await caller.answeredPromise, true);

  // Click-to-dial in tab B's Salesforce goes to the phone in A (after this call ends).
  caller.hangup();
  await until(() => a.host.state.calls.every((c) => c.state === 'wrap-up'), 'wrap-up');
  await b.host.execute({ type: 'complete-wrap-up', callId: offered.id, disposition: 'Resolved', notes: 'ok' });
  await until(() => a.crm.logs.length === 1, 'logged once');
  b.crm.clickToDial({ number: '1002' });
  await until(() => a.host.state.calls.some((c) => c.remote.number === '1002'), 'click-to-dial from B placed by A');
  await a.host.execute({ type: 'hangup', callId: a.host.state.calls.find((c) => c.remote.number === '1002')!.id });
  await until(() => b.host.state.calls.every((c) => c.state === 'wrap-up' || c.state === 'ended'), 'outbound call ended');

  // Tab A closes: B takes over within two seconds, signed in with the shared credentials.
  const closedAt = Date.now();
  await a.runtime.stop();
  w.locks.crash('A');
  await until(() => b.host.leadership.role === 'leader', 'B leads');
  await until(() => b.host.state.registration.state === 'registered', 'B registered with the shared sign-in', 2000);
  assert.ok(Date.now() - closedAt < 2000, `takeover took ${Date.now() - closedAt} ms`);
  assert.equal(w.locks.holder(LEADERSHIP_LOCK), 'B');
  assert.equal(b.telephonies.length, 1);
  assert.ok(b.host.audio);
  // B now rings for new calls.
  w.phone.callAgent({ from: '+14155550199' });
  await until(() => b.host.state.calls.some((c) => c.state === 'offering'), 'B is offered the next call');
  assert.equal(b.audio.ringing, true);
  await b.runtime.stop();
});

test('a commands sent while this tab is still electing fails clearly', async () => {
  const w = world();
  const a = w.tab('A');
  await assert.rejects(a.host.execute({ type: 'dial', number: '1002' }), /still starting/);
});
