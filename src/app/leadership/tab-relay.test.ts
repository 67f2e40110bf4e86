import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Emitter, SwitchboardError, initialPresence, parseConnectorSettings, type AgentCommand, type EngineState } from '../../core/index.ts';
import { CapturingLogger, FakeClock, settingsMap } from '../../core/testing/index.ts';
import { MemoryChannelHub } from '../testing/memory-channel.ts';
import { until } from '../testing/wait.ts';
import type { AttentionSource, TabAttention } from './tab-attention.ts';
import { FollowerRelay, LeaderRelay, PopUnanswered, mirrorableState, parseRelayMessage, revive, type PopWork } from './tab-relay.ts';

function engineState(phase: EngineState['phase'] = 'ready', password?: string): EngineState {
  const parsed = parseConnectorSettings(settingsMap(password ? { '/switchboard/sipUsername': '1001', '/switchboard/sipPassword': password } : {}));
  assert.ok(parsed.ok);
  return {
    phase,
    settings: parsed.settings,
    registration: { state: 'registered' },
    presence: initialPresence(0),
    calls: [],
    recent: [],
    lines: {},
    clickToDialEnabled: false,
  };
}

/** A tab's attention the test sets. */
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

/** A stand-in for the engine: state, change events, and commands it records (or fails). */
class SourceDouble {
  state: EngineState = engineState();
  readonly executed: AgentCommand[] = [];
  fail?: SwitchboardError;
  private readonly emitter = new Emitter<{ change: [EngineState] }>();
  onChange(listener: (s: EngineState) => void): () => void {
    return this.emitter.on('change', listener);
  }
  set(state: EngineState): void {
    this.state = state;
    this.emitter.emit('change', state);
  }
  async execute(command: AgentCommand): Promise<void> {
    this.executed.push(command);
    if (this.fail) throw this.fail;
  }
}

test('a follower gets the leader state on hello and every change after it, without the SIP password', async () => {
  const hub = new MemoryChannelHub();
  const source = new SourceDouble();
  source.state = engineState('ready', 'hunter2');
  const leader = new LeaderRelay(hub.open(), 'L', source, 1234, new CapturingLogger());
  const follower = new FollowerRelay(hub.open(), 'F', new FakeClock());
  await until(() => follower.state !== undefined, 'first state');
  assert.equal(follower.state?.phase, 'ready');
  assert.equal(follower.state?.settings?.sip.password, undefined);
  assert.equal(follower.state?.settings?.sip.username, '1001');
  assert.equal(follower.since, 1234);
  assert.ok(!JSON.stringify(hub.log).includes('hunter2'), 'the password never crosses the channel');
  source.set({ ...engineState('signed-out') });
  await until(() => follower.state?.phase === 'signed-out', 'mirrored change');
  leader.dispose();
  follower.dispose();
});

test('a follower command runs in the leader; its outcome, success or error, comes back', async () => {
  const hub = new MemoryChannelHub();
  const source = new SourceDouble();
  new LeaderRelay(hub.open(), 'L', source, undefined, new CapturingLogger());
  const follower = new FollowerRelay(hub.open(), 'F', new FakeClock());
  const other = new FollowerRelay(hub.open(), 'G', new FakeClock());
  await follower.execute({ type: 'answer', callId: 'c1' });
  assert.deepEqual(source.executed, [{ type: 'answer', callId: 'c1' }]);
  source.fail = new SwitchboardError('SB40001', 'The call is ended.');
  await assert.rejects(follower.execute({ type: 'hold', callId: 'c1' }), (e: unknown) => {
    assert.ok(e instanceof SwitchboardError);
    assert.equal(e.code, 'SB40001');
    assert.equal(e.message, 'That action is not possible in the current call state. The call is ended.');
    return true;
  });
  assert.equal(source.executed.length, 2, 'each command runs once, though every tab hears it');
  other.dispose();
});

test('a command nobody answers times out with a clear error', async () => {
  const hub = new MemoryChannelHub();
  const clock = new FakeClock();
  const follower = new FollowerRelay(hub.open(), 'F', clock, 5000);
  const pending = follower.execute({ type: 'dial', number: '1002' });
  clock.advance(5000);
  await assert.rejects(pending, /did not answer within 5 s/);
});

test('no SIP password crosses the channel: nothing shares a sign-in, and a relayed sign-in with a password is neither sent nor carried out', async () => {
  const hub = new MemoryChannelHub();
  const source = new SourceDouble();
  source.state = engineState('signed-out', 'hunter2');
  const leader = new LeaderRelay(hub.open(), 'L', source, undefined, new CapturingLogger());
  const follower = new FollowerRelay(hub.open(), 'F', new FakeClock());
  await until(() => follower.state !== undefined, 'first state');
  // A follower refuses to send a password, and posts nothing.
  const posted = hub.log.length;
  await assert.rejects(follower.execute({ type: 'sign-in', username: '1001', password: 's3cret' }), /never sent to another tab/);
  assert.equal(hub.log.length, posted, 'nothing posted');
  // A forged one (another script on the channel) is dropped by the leader: no result, not run.
  const forger = hub.open();
  forger.postMessage({ v: 1, t: 'command', from: 'X', id: 'x1', command: { type: 'sign-in', username: '1001', password: 's3cret' } });
  // Barrier: a legitimate command posted after it comes back, so the forged one was seen first.
  await follower.execute({ type: 'answer', callId: 'c1' });
  assert.deepEqual(source.executed, [{ type: 'answer', callId: 'c1' }], 'only the legitimate command ran');
  assert.ok(!hub.log.some((m) => (m as { to?: string }).to === 'X'), 'the forged command got no result');
  // A sign-in without a password (credentials from the leader's own settings) may still be relayed.
  await follower.execute({ type: 'sign-in' });
  assert.deepEqual(source.executed.at(-1), { type: 'sign-in' });
  assert.ok(
    hub.log.filter((m) => JSON.stringify(m).includes('s3cret')).every((m) => (m as { from?: string }).from === 'X'),
    'only the forger posted the password',
  );
  assert.ok(!JSON.stringify(hub.log).includes('hunter2'), 'the call center password never crosses the channel');
  assert.ok(!hub.log.some((m) => (m as { t?: string }).t === 'credentials'), 'no credentials message exists');
  leader.dispose();
  follower.dispose();
});

test('malformed channel messages are ignored', () => {
  assert.equal(parseRelayMessage(null), undefined);
  assert.equal(parseRelayMessage({ v: 2, t: 'hello', from: 'x' }), undefined);
  assert.equal(parseRelayMessage({ v: 1, t: 'hello' }), undefined);
  assert.equal(parseRelayMessage({ v: 1, t: 'state', from: 'x', state: { phase: 'ready' } }), undefined);
  assert.equal(parseRelayMessage({ v: 1, t: 'command', from: 'x', id: '1', command: { type: 'format-disk' } }), undefined);
  assert.equal(parseRelayMessage({ v: 1, t: 'result', from: 'x', to: 'y', id: '1', error: { code: 'NOPE', message: 'x' } }), undefined);
  assert.equal(parseRelayMessage({ v: 1, t: 'credentials', from: 'x', credentials: { username: '1001', password: 'p' } }), undefined, 'no credentials message');
  assert.equal(
    parseRelayMessage({ v: 1, t: 'command', from: 'x', id: '1', command: { type: 'sign-in', username: '1001', password: 'p' } }),
    undefined,
    'no password in a command',
  );
  assert.ok(parseRelayMessage({ v: 1, t: 'command', from: 'x', id: '1', command: { type: 'answer', callId: 'c' } }));
  // Wrap-up's Name/Related To and leaving a conference work from a follower tab too.
  assert.ok(parseRelayMessage({ v: 1, t: 'command', from: 'x', id: '1', command: { type: 'relate', callId: 'c', whoId: null } }));
  assert.ok(parseRelayMessage({ v: 1, t: 'command', from: 'x', id: '1', command: { type: 'leave-conference', callId: 'c' } }));
  assert.ok(parseRelayMessage({ v: 1, t: 'result', from: 'x', to: 'y', id: '1', error: { code: 'SB20001', message: 'x' } }));
});

test('revive keeps the detail of an error that crossed the channel', () => {
  const original = new SwitchboardError('SB20004', "'abc' is not a number.");
  const back = revive(original.toJSON());
  assert.equal(back.code, 'SB20004');
  assert.equal(back.message, original.message);
  assert.equal(revive({ code: 'SB20004', message: 'something else' }).message, 'The call could not be placed. something else');
});

test('mirrorableState leaves state without a password untouched', () => {
  const s = engineState();
  assert.equal(mirrorableState(s), s);
});

test('the leader posts the state once per task, the last one, however many changes the task made', async () => {
  const hub = new MemoryChannelHub();
  const source = new SourceDouble();
  const leader = new LeaderRelay(hub.open(), 'L', source, undefined, new CapturingLogger());
  const posts = () => hub.log.filter((m) => (m as { t?: string }).t === 'state').length;
  const before = posts();
  source.set(engineState('signed-out'));
  source.set(engineState('ready'));
  source.set(engineState('misconfigured'));
  assert.equal(posts(), before, "nothing posted while the task runs (an offer's screen pop goes first)");
  await Promise.resolve();
  assert.equal(posts(), before + 1);
  const last = hub.log.filter((m) => (m as { t?: string }).t === 'state').at(-1) as { state: EngineState };
  assert.equal(last.state.phase, 'misconfigured');
  leader.dispose();
  source.set(engineState('ready'));
  await Promise.resolve();
  assert.equal(posts(), before + 1, 'nothing after dispose');
});

test('a follower tells the leader where the agent looks, at start, on change, to a new leader, and no longer once it goes', async () => {
  const hub = new MemoryChannelHub();
  const source = new SourceDouble();
  const leader = new LeaderRelay(hub.open(), 'L', source, undefined, new CapturingLogger());
  const attention = new AttentionDouble({ visible: true, at: 10 });
  const follower = new FollowerRelay(hub.open(), 'F', new FakeClock(), undefined, attention);
  await until(() => leader.followerAttention.get('F')?.at === 10, 'the attention at start');
  attention.set({ visible: false, at: 10 });
  await until(() => leader.followerAttention.get('F')?.visible === false, 'the change');
  attention.set({ visible: true, at: 30 });
  await until(() => leader.followerAttention.get('F')?.at === 30, 'the next change');

  // Another tab takes the phone: it has never heard F, and learns where F stands from F itself.
  leader.dispose();
  const next = new LeaderRelay(hub.open(), 'M', source, undefined, new CapturingLogger());
  await until(() => next.followerAttention.get('F')?.at === 30, 'the new leader hears F');

  follower.dispose();
  await until(() => next.followerAttention.get('F')?.visible === false, 'a closing follower is no place to pop');
  attention.set({ visible: true, at: 50 });
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(next.followerAttention.get('F')?.at, 30, 'nothing after dispose');
  next.dispose();
});

test('the leader has a follower run a screen pop and gets its outcome or its error', async () => {
  const hub = new MemoryChannelHub();
  const leader = new LeaderRelay(hub.open(), 'L', new SourceDouble(), undefined, new CapturingLogger());
  const follower = new FollowerRelay(hub.open(), 'F', new FakeClock());
  const other = new FollowerRelay(hub.open(), 'G', new FakeClock());
  const ran: { tab: string; work: PopWork }[] = [];
  const record = { id: '003000000000001AAA', objectType: 'Contact', name: 'Ada' };
  follower.servePops(async (work) => {
    ran.push({ tab: 'F', work });
    if (work.op === 'open-record') return undefined;
    if (work.request.remote.number === '+1000') throw new SwitchboardError('SB30002', 'search failed');
    return { kind: 'single', records: [record], explanation: ['searched: 1 match'] };
  });
  other.servePops(async (work) => {
    ran.push({ tab: 'G', work });
    return undefined;
  });
  const request = { callId: 'c1', direction: 'inbound', remote: { number: '+14155550134' }, attachedData: {} } as const;
  const outcome = await leader.popIn('F', { op: 'screen-pop', request });
  assert.deepEqual(outcome, { kind: 'single', records: [record], explanation: ['searched: 1 match'] });
  assert.equal(await leader.popIn('F', { op: 'open-record', record }), undefined);
  await assert.rejects(leader.popIn('F', { op: 'screen-pop', request: { ...request, remote: { number: '+1000' } } }), (e: unknown) => {
    assert.ok(e instanceof SwitchboardError && !(e instanceof PopUnanswered));
    assert.equal(e.code, 'SB30002');
    assert.match(e.message, /search failed/);
    return true;
  });
  assert.deepEqual(
    ran.map((r) => `${r.tab}:${r.work.op}`),
    ['F:screen-pop', 'F:open-record', 'F:screen-pop'],
    'only the tab asked runs the pop',
  );
  leader.dispose();
  follower.dispose();
  other.dispose();
});

test('a follower that does not answer a pop in time is given up and forgotten as a place to pop', async () => {
  const hub = new MemoryChannelHub();
  const clock = new FakeClock();
  const leader = new LeaderRelay(hub.open(), 'L', new SourceDouble(), undefined, new CapturingLogger(), { clock, popTimeoutMs: 3000 });
  // A tab that said where it is, then froze: it never answers.
  const frozen = hub.open();
  frozen.postMessage({ v: 1, t: 'attention', from: 'F', attention: { visible: true, at: 5 } });
  await until(() => leader.followerAttention.has('F'), 'the attention');
  const pending = leader.popIn('F', { op: 'open-record', record: { id: '003000000000001AAA', objectType: 'Contact' } });
  clock.advance(3000);
  await assert.rejects(pending, (e: unknown) => e instanceof PopUnanswered && /within 3000 ms/.test(e.message));
  assert.equal(leader.followerAttention.has('F'), false);
  leader.dispose();
});

test('malformed attention and pop messages are ignored', () => {
  const request = { callId: 'c1', direction: 'inbound', remote: { number: '+1' }, attachedData: {} };
  assert.ok(parseRelayMessage({ v: 1, t: 'attention', from: 'x', attention: { visible: true, at: 1 } }));
  assert.equal(parseRelayMessage({ v: 1, t: 'attention', from: 'x', attention: { visible: 1, at: 1 } }), undefined);
  assert.ok(parseRelayMessage({ v: 1, t: 'pop', from: 'x', to: 'y', id: '1', pop: { op: 'screen-pop', request } }));
  assert.equal(
    parseRelayMessage({ v: 1, t: 'pop', from: 'x', to: 'y', id: '1', pop: { op: 'screen-pop', request: { ...request, direction: 'sideways' } } }),
    undefined,
  );
  assert.equal(parseRelayMessage({ v: 1, t: 'pop', from: 'x', to: 'y', id: '1', pop: { op: 'format-disk' } }), undefined);
  assert.equal(
    parseRelayMessage({ v: 1, t: 'pop', from: 'x', id: '1', pop: { op: 'open-record', record: { id: 'a', objectType: 'Contact' } } }),
    undefined,
    'no addressee',
  );
  assert.ok(parseRelayMessage({ v: 1, t: 'popped', from: 'x', to: 'y', id: '1' }));
  assert.ok(parseRelayMessage({ v: 1, t: 'popped', from: 'x', to: 'y', id: '1', outcome: { kind: 'none', records: [], explanation: [] } }));
  assert.equal(parseRelayMessage({ v: 1, t: 'popped', from: 'x', to: 'y', id: '1', outcome: { kind: 'maybe', records: [], explanation: [] } }), undefined);
  assert.equal(
    parseRelayMessage({ v: 1, t: 'popped', from: 'x', to: 'y', id: '1', outcome: { kind: 'single', records: [{ id: 1 }], explanation: [] } }),
    undefined,
  );
  assert.equal(parseRelayMessage({ v: 1, t: 'popped', from: 'x', to: 'y', id: '1', error: { code: 'NOPE', message: 'x' } }), undefined);
  assert.equal(
    parseRelayMessage({
      v: 1,
      t: 'popped',
      from: 'x',
      to: 'y',
      id: '1',
      error: { code: 'SB30002', message: 'x' },
      outcome: { kind: 'none', records: [], explanation: [] },
    }),
    undefined,
    'an outcome or an error, not both',
  );
});

test('a follower mirrors the call logs Salesforce refused, and its Retry and Discard run in the leader', async () => {
  const hub = new MemoryChannelHub();
  const source = new SourceDouble();
  const refused = {
    callId: 'c1',
    direction: 'inbound' as const,
    number: '+1 415 555 0134',
    name: 'Maria Lopez',
    title: 'Inbound call',
    at: 5,
    reason: 'Describe the call in Comments.',
    fields: ['Description'],
  };
  source.state = { ...engineState(), unsavedLogs: [refused] };
  const leader = new LeaderRelay(hub.open(), 'L', source, undefined, new CapturingLogger());
  const follower = new FollowerRelay(hub.open(), 'F', new FakeClock());
  await until(() => follower.state !== undefined, 'first state');
  assert.deepEqual(follower.state?.unsavedLogs, [refused]);
  await follower.execute({ type: 'retry-log', callId: 'c1' });
  await follower.execute({ type: 'discard-log', callId: 'c1' });
  assert.deepEqual(source.executed, [
    { type: 'retry-log', callId: 'c1' },
    { type: 'discard-log', callId: 'c1' },
  ]);
  // A state whose unsaved logs are not what the panel can render is dropped whole.
  const bad = { v: 1, t: 'state', from: 'L', state: { ...engineState(), unsavedLogs: [{ ...refused, fields: 'Description' }] } };
  assert.equal(parseRelayMessage(bad), undefined);
  assert.equal(parseRelayMessage({ ...bad, state: { ...bad.state, unsavedLogs: [{ ...refused, reason: 42 }] } }), undefined);
  leader.dispose();
  follower.dispose();
});
