// The fake phone system behaves like a phone system: these tests hold it to the TelephonyPort contract.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakePhoneSystem, type FarEnd } from './index.ts';
import type { EndReason, IncomingCall, SwitchboardError, TelephonyEvents } from '../../core/index.ts';

const USERS = { '1001': 'secret', '1002': { password: 'pw2', displayName: 'Bob Colleague' } };

function rejectsCode(code: string) {
  return (e: SwitchboardError) => {
    assert.equal(e.code, code, e.message);
    return true;
  };
}

/** A phone system with agent 1001 registered, recording every event its telephony emits. */
async function agent(options: { accept?: (c: IncomingCall) => boolean } = {}) {
  let now = 1_000_000;
  const phone = new FakePhoneSystem({ users: USERS, now: () => now });
  const t = phone.createTelephony();
  const events: [keyof TelephonyEvents, ...unknown[]][] = [];
  let inCommand = false;
  const reentered: string[] = [];
  for (const name of ['registration', 'incoming', 'progress', 'established', 'held', 'ended', 'transfer', 'lineState', 'quality'] as const) {
    t.events.on(name, (...args: unknown[]) => {
      if (inCommand) reentered.push(name);
      events.push([name, ...args]);
    });
  }
  const offers: IncomingCall[] = [];
  t.setDelegate({
    acceptIncoming: (c) => {
      if (inCommand) reentered.push('delegate');
      offers.push(c);
      return options.accept ? options.accept(c) : true;
    },
  });
  /** Runs a command, flagging any event delivered synchronously inside it. */
  const cmd = async <T>(f: () => Promise<T>): Promise<T> => {
    inCommand = true;
    let p: Promise<T>;
    try {
      p = f();
    } finally {
      inCommand = false;
    }
    return p;
  };
  await cmd(() => t.register({ username: '1001', password: 'secret' }));
  await phone.settle();
  const named = (name: keyof TelephonyEvents) => events.filter((e) => e[0] === name).map((e) => e.slice(1));
  return { phone, t, events, named, offers, cmd, reentered, advance: (ms: number) => (now += ms) };
}

describe('FakePhoneSystem: registration', () => {
  it('registers with the right password: connecting → registered', async () => {
    const a = await agent();
    assert.deepEqual(a.named('registration'), [[{ state: 'connecting' }], [{ state: 'registered', expiresAt: 1_000_000 + 600_000 }]]);
    assert.equal(a.t.extension, '1001');
  });

  it('a wrong password or unknown user fails with SB20001', async () => {
    const phone = new FakePhoneSystem({ users: USERS });
    const t = phone.createTelephony();
    const seen: unknown[] = [];
    t.events.on('registration', (r) => seen.push(r));
    await assert.rejects(t.register({ username: '1001', password: 'nope' }), rejectsCode('SB20001'));
    await assert.rejects(t.register({ username: '9999', password: 'secret' }), rejectsCode('SB20001'));
    await phone.settle();
    assert.deepEqual(seen.at(-1), { state: 'failed', code: 'SB20001', reason: '403 Forbidden (wrong extension or password)' });
  });

  it('an unreachable phone system fails with SB20002', async () => {
    const phone = new FakePhoneSystem({ users: USERS });
    phone.dropConnection();
    await assert.rejects(phone.createTelephony().register({ username: '1001', password: 'secret' }), rejectsCode('SB20002'));
  });

  it('paused registrations stay connecting until released', async () => {
    const phone = new FakePhoneSystem({ users: USERS });
    phone.pauseRegistrations();
    const t = phone.createTelephony();
    let done = false;
    const p = t.register({ username: '1001', password: 'secret' }).then(() => (done = true));
    await phone.settle();
    assert.equal(done, false);
    assert.equal(t.registration.state, 'connecting');
    phone.releaseRegistrations();
    await p;
    assert.equal(t.registration.state, 'registered');
  });

  it('drop and restore: reconnecting, then registered; commands fail while down', async () => {
    const a = await agent();
    a.advance(5_000);
    a.phone.dropConnection({ reason: 'WebSocket closed (1006)' });
    await a.phone.settle();
    assert.deepEqual(a.named('registration').at(-1), [{ state: 'reconnecting', attempt: 1, nextAttemptAt: 1_007_000, reason: 'WebSocket closed (1006)' }]);
    await assert.rejects(a.t.dial({ target: '1002' }), rejectsCode('SB20002'));
    assert.equal(a.phone.callAgent({ from: '+1555' }).sipCode, 480);
    a.phone.restoreConnection();
    await a.phone.settle();
    assert.equal(a.t.registration.state, 'registered');
    await a.t.dial({ target: '1002' });
  });

  it('dropping with endCalls ends live calls as failed', async () => {
    const a = await agent();
    const far = a.phone.callAgent({ from: '+1555' });
    await a.phone.settle();
    a.phone.dropConnection({ endCalls: true });
    assert.equal(await far.endedPromise, 'failed');
  });

  it('unregister; a second tab registering the same extension takes over', async () => {
    const a = await agent();
    const other = a.phone.createTelephony();
    await other.register({ username: '1001', password: 'secret' });
    await a.phone.settle();
    assert.equal(a.t.registration.state, 'unregistered');
    await other.unregister();
    assert.equal(other.registration.state, 'unregistered');
    assert.equal(a.phone.callAgent({ from: '+1555', to: '1001' }).sipCode, 480);
  });
});

describe('FakePhoneSystem: inbound calls', () => {
  it('asks the delegate, then announces incoming on a microtask; answer → established', async () => {
    const a = await agent();
    const far = a.phone.callAgent({ from: '+14155550134', displayName: 'Alice', attachedData: { caseNumber: '42' }, dialed: '+18005550100' });
    assert.equal(a.offers.length, 1);
    assert.equal(a.named('incoming').length, 0, 'not synchronous');
    await a.phone.settle();
    assert.deepEqual(a.named('incoming'), [
      [
        {
          callId: far.callId,
          remote: { number: '+14155550134', displayName: 'Alice' },
          attachedData: { caseNumber: '42' },
          internal: false,
          dialed: '+18005550100',
        },
      ],
    ]);
    await a.cmd(() => a.t.answer(far.callId));
    assert.equal(await far.answeredPromise, true);
    await a.phone.settle();
    assert.deepEqual(a.named('established'), [[far.callId]]);
    assert.equal(far.status, 'active');
    assert.deepEqual(a.reentered, []);
  });

  it('a refused call gets 486 and is never announced, never ends', async () => {
    const a = await agent({ accept: () => false });
    const far = a.phone.callAgent({ from: '+14155550134' });
    assert.deepEqual([far.status, far.sipCode], ['refused', 486]);
    assert.equal(await far.answeredPromise, false);
    assert.equal(await far.endedPromise, 'rejected');
    await a.phone.settle();
    assert.deepEqual([a.named('incoming'), a.named('ended')], [[], []]);
    assert.throws(() => far.cancel(), /cannot cancel/);
    await assert.rejects(a.t.answer(far.callId), rejectsCode('SB20006'));
  });

  it('cancel → missed; decline → declined (603 for a direct call); remote hangup → remote-hangup; local hangup → local-hangup', async () => {
    const a = await agent();
    const missed = a.phone.callAgent({ from: '+1' });
    const declined = a.phone.callAgent({ from: '+2' });
    const remote = a.phone.callAgent({ from: '+3' });
    const local = a.phone.callAgent({ from: '+4' });
    await a.phone.settle();
    missed.cancel();
    await a.cmd(() => a.t.decline(declined.callId));
    await a.cmd(() => a.t.answer(remote.callId));
    await a.cmd(() => a.t.answer(local.callId));
    remote.hangup();
    await a.cmd(() => a.t.hangup(local.callId));
    await a.phone.settle();
    assert.deepEqual(
      a.named('ended').map((e) => [e[0], e[1]]),
      [
        [missed.callId, 'missed'],
        [declined.callId, 'declined'],
        [remote.callId, 'remote-hangup'],
        [local.callId, 'local-hangup'],
      ],
    );
    assert.deepEqual([missed.sipCode, declined.sipCode], [487, 603]);
    assert.deepEqual(a.reentered, []);
  });

  it('routes by extension when several agents are registered, and insists on one', async () => {
    const a = await agent();
    const bob = a.phone.createTelephony();
    await bob.register({ username: '1002', password: 'pw2' });
    assert.throws(() => a.phone.callAgent({ from: '+1' }), /say which one/);
    const far = a.phone.callAgent({ from: '+1', to: '1002' });
    await a.phone.settle();
    await assert.rejects(a.t.answer(far.callId), rejectsCode('SB20006'));
    await bob.answer(far.callId);
  });
});

describe('FakePhoneSystem: outbound calls', () => {
  const cases: [behaviour: 'answer' | 'busy' | 'no-answer' | 'reject', progress: boolean, end?: EndReason, sip?: number][] = [
    ['answer', true, undefined, 200],
    ['busy', false, 'busy', 486],
    ['no-answer', true, 'no-answer', 480],
    ['reject', false, 'rejected', 603],
  ];
  for (const [behaviour, rings, end, sip] of cases) {
    it(`far end '${behaviour}': events arrive after dial resolved`, async () => {
      const a = await agent();
      a.phone.setFarEnd('+442079460958', behaviour);
      const result = await a.cmd(() => a.t.dial({ target: '+442079460958', attachedData: { recordId: '003' } }));
      assert.deepEqual(result.remote, { number: '+442079460958' });
      assert.equal(result.internal, false);
      assert.equal(a.events.filter((e) => e[0] !== 'registration').length, 0, 'nothing before dial resolved');
      await a.phone.settle();
      assert.equal(a.named('progress').length, rings ? 1 : 0);
      assert.equal(a.named('established').length, end ? 0 : 1);
      assert.deepEqual(
        a.named('ended').map((e) => [e[0], e[1]]),
        end ? [[result.callId, end]] : [],
      );
      if (end) assert.match(String(a.named('ended')[0]?.[2]), new RegExp(`^${sip} `));
      assert.equal(a.phone.farEnd(result.callId).sipCode, sip);
      assert.deepEqual(a.phone.farEnd(result.callId).attachedData, { recordId: '003' });
    });
  }

  it('manual far end: rings until answered or rejected; reject codes map to reasons', async () => {
    const a = await agent();
    a.phone.defaultFarEnd = 'manual';
    const codes: [number, EndReason][] = [
      [486, 'busy'],
      [600, 'busy'],
      [480, 'no-answer'],
      [408, 'no-answer'],
      [404, 'not-found'],
      [503, 'failed'],
      [603, 'rejected'],
    ];
    for (const [code, reason] of codes) {
      const { callId } = await a.t.dial({ target: '+15550000' });
      await a.phone.settle();
      a.phone.farEnd(callId).reject(code);
      assert.equal(await a.phone.farEnd(callId).endedPromise, reason);
    }
    const { callId } = await a.t.dial({ target: '+15550001' });
    await a.phone.settle();
    a.phone.farEnd(callId).answer();
    await a.phone.settle();
    assert.deepEqual(a.named('established'), [[callId]]);
  });

  it('a known extension is an internal call with its display name; bad numbers are refused', async () => {
    const a = await agent();
    const r = await a.t.dial({ target: '1002' });
    assert.deepEqual([r.internal, r.remote.displayName], [true, 'Bob Colleague']);
    await assert.rejects(a.t.dial({ target: 'not a number' }), rejectsCode('SB20004'));
    a.phone.failNext('dial');
    await assert.rejects(a.t.dial({ target: '1002' }), rejectsCode('SB20004'));
    await a.t.dial({ target: '1002' });
  });

  it('hanging up a ringing outbound call cancels it', async () => {
    const a = await agent();
    a.phone.setFarEnd('+1555', 'manual');
    const { callId } = await a.t.dial({ target: '+1555' });
    await a.phone.settle();
    await a.t.hangup(callId);
    assert.equal(a.phone.farEnd(callId).sipCode, 487);
    assert.equal(await a.phone.farEnd(callId).endedPromise, 'local-hangup');
  });
});

describe('FakePhoneSystem: in-call features', () => {
  async function talking() {
    const a = await agent();
    const far = a.phone.callAgent({ from: '+14155550134' });
    await a.phone.settle();
    await a.t.answer(far.callId);
    await a.phone.settle();
    return { ...a, far };
  }

  it('hold and resume are confirmed with held events; the far end can hold too', async () => {
    const a = await talking();
    await a.cmd(() => a.t.hold(a.far.callId));
    assert.equal(a.far.held, true);
    await a.cmd(() => a.t.resume(a.far.callId));
    a.far.hold();
    a.far.resume();
    await a.phone.settle();
    assert.deepEqual(a.named('held'), [
      [a.far.callId, true],
      [a.far.callId, false],
      [a.far.callId, true],
      [a.far.callId, false],
    ]);
    a.phone.failNext('hold');
    await assert.rejects(a.t.hold(a.far.callId), rejectsCode('SB20005'));
    assert.deepEqual(a.reentered, []);
  });

  it('mute and DTMF are recorded; bad digits refused', async () => {
    const a = await talking();
    await a.t.setMuted(a.far.callId, true);
    await a.t.sendDtmf(a.far.callId, '12');
    await a.t.sendDtmf(a.far.callId, '#a');
    assert.equal(a.far.muted, true);
    assert.equal(a.far.dtmf, '12#A');
    await assert.rejects(a.t.sendDtmf(a.far.callId, 'x'), rejectsCode('SB40001'));
  });

  it('blind transfer: holds, trying → ringing → succeeded, ends transferred', async () => {
    const a = await talking();
    await a.cmd(() => a.t.blindTransfer(a.far.callId, '1002'));
    await a.phone.settle();
    assert.deepEqual(
      a.named('transfer').map((e) => e[1]),
      ['trying', 'ringing', 'succeeded'],
    );
    assert.deepEqual(
      a.named('ended').map((e) => e[1]),
      ['transferred'],
    );
    assert.equal(a.far.transferredTo, '1002');
  });

  for (const [behaviour, detail] of [
    ['busy', '486 Busy Here'],
    ['no-answer', '480 Temporarily Unavailable'],
  ] as const) {
    it(`blind transfer to a ${behaviour} target fails and leaves the call held`, async () => {
      const a = await talking();
      a.phone.setFarEnd('1002', behaviour);
      await a.t.blindTransfer(a.far.callId, '1002');
      await a.phone.settle();
      assert.deepEqual(a.named('transfer').at(-1), [a.far.callId, 'failed', detail]);
      assert.deepEqual([a.far.status, a.far.held], ['active', true]);
      assert.deepEqual(a.named('ended'), []);
    });
  }

  it('consult holds the caller and dials; completeTransfer ends both as transferred', async () => {
    const a = await talking();
    const c = await a.cmd(() => a.t.consult(a.far.callId, '1002'));
    await a.phone.settle();
    assert.equal(a.far.held, true);
    assert.equal(a.phone.farEnd(c.callId).consultationFor, a.far.callId);
    assert.equal(a.phone.farEnd(c.callId).status, 'active');
    await a.cmd(() => a.t.completeTransfer(a.far.callId, c.callId));
    await a.phone.settle();
    assert.deepEqual(
      a.named('ended').map((e) => [e[0], e[1]]),
      [
        [a.far.callId, 'transferred'],
        [c.callId, 'transferred'],
      ],
    );
    assert.deepEqual(a.reentered, []);
  });

  it('conference mixes the calls and takes held legs off hold', async () => {
    const a = await talking();
    const c = await a.t.consult(a.far.callId, '1002');
    await a.phone.settle();
    await a.t.conference([a.far.callId, c.callId]);
    await a.phone.settle();
    assert.deepEqual(a.far.conferencedWith, [c.callId]);
    assert.equal(a.far.held, false);
    a.phone.farEnd(c.callId).hangup();
    assert.deepEqual(a.far.conferencedWith, []);
    await assert.rejects(a.t.conference([a.far.callId]), rejectsCode('SB40001'));
  });

  it('presence PUBLISH is recorded per extension', async () => {
    const a = await agent();
    await a.t.publishPresence('available');
    await a.t.publishPresence('on-call');
    assert.deepEqual(a.phone.publishedPresence('1001'), ['available', 'on-call']);
  });

  it('busy lamps: derived from fake agents, overridable by the test, only for watched lines', async () => {
    const a = await agent();
    const bob = a.phone.createTelephony();
    await a.t.watchLines(['1002', '2000']);
    await a.phone.settle();
    assert.deepEqual(a.named('lineState'), [
      ['1002', 'offline'],
      ['2000', 'unknown'],
    ]);
    await bob.register({ username: '1002', password: 'pw2' });
    const far = a.phone.callAgent({ from: '+1', to: '1002' });
    await a.phone.settle();
    await bob.answer(far.callId);
    far.hangup();
    a.phone.setLineState('2000', 'busy');
    a.phone.setLineState('3000', 'busy');
    await a.phone.settle();
    assert.deepEqual(a.named('lineState').slice(2), [
      ['1002', 'idle'],
      ['1002', 'ringing'],
      ['1002', 'busy'],
      ['1002', 'idle'],
      ['2000', 'busy'],
    ]);
  });

  it('commands on unknown or finished calls fail with SB20006', async () => {
    const a = await talking();
    await assert.rejects(a.t.hold('nope'), rejectsCode('SB20006'));
    a.far.hangup();
    await assert.rejects(a.t.hangup(a.far.callId), rejectsCode('SB20006'));
  });
});

describe('FakePhoneSystem: every announced call ends exactly once', () => {
  it('holds under a random mix of calls and actions (seeded)', async () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const a = await agent({ accept: () => rand(5) !== 0 });
    a.phone.defaultFarEnd = 'manual';
    const fars: FarEnd[] = [];
    for (let step = 0; step < 400; step++) {
      const live = fars.filter((f) => f.status === 'ringing' || f.status === 'active');
      const f = live[rand(Math.max(1, live.length))];
      const ignore = () => {};
      switch (rand(9)) {
        case 0:
          fars.push(a.phone.callAgent({ from: `+1555${step}` }));
          break;
        case 1:
          await a.t.dial({ target: `+1666${step}` }).then((r) => fars.push(a.phone.farEnd(r.callId)), ignore);
          break;
        case 2:
          if (f) await a.t.answer(f.callId).catch(ignore);
          break;
        case 3:
          if (f) await a.t.hangup(f.callId).catch(ignore);
          break;
        case 4:
          if (f) {
            try {
              f.hangup();
            } catch {
              /* not in a state to */
            }
          }
          break;
        case 5:
          if (f) {
            try {
              if (f.direction === 'outbound') f.answer();
              else f.cancel();
            } catch {
              /* not in a state to */
            }
          }
          break;
        case 6:
          if (f) await a.t.hold(f.callId).catch(ignore);
          break;
        case 7:
          if (f) await a.t.blindTransfer(f.callId, rand(2) ? '1002' : '+1777').catch(ignore);
          break;
        case 8:
          if (f && rand(2)) a.phone.dropConnection({ endCalls: rand(2) === 0 });
          else a.phone.restoreConnection();
          break;
      }
      if (step % 10 === 0) await a.phone.settle();
    }
    a.phone.restoreConnection();
    await a.phone.settle();
    for (const f of fars) {
      if (f.status === 'ringing' && f.direction === 'inbound') f.cancel();
      else if (f.status === 'ringing') f.reject(486);
      else if (f.status === 'active') f.hangup();
    }
    await a.phone.settle();
    const announced = new Set([
      ...a.named('incoming').map((e) => (e[0] as IncomingCall).callId),
      ...fars.filter((f) => f.direction === 'outbound').map((f) => f.callId),
    ]);
    const ended = a.named('ended').map((e) => e[0] as string);
    assert.ok(announced.size > 50, `only ${announced.size} calls announced`);
    assert.deepEqual([...ended].sort(), [...announced].sort(), 'each announced call ends once, and nothing else ends');
    assert.equal(new Set(ended).size, ended.length);
    for (const f of fars) if (f.status === 'refused') assert.ok(!announced.has(f.callId));
  });
});
