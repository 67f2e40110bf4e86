// The core's test doubles must be right, or every test built on them proves nothing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CapturingLogger, FakeClock, MemoryStorage, RecordingCrm, settingsMap } from './index.ts';

describe('FakeClock', () => {
  it('stands still until advanced; fires due timers in due order, ties in scheduling order', () => {
    const clock = new FakeClock(1_000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => fired.push(`c@${clock.now()}`), 20);
    assert.equal(clock.now(), 1_000);
    clock.advance(9);
    assert.deepEqual(fired, []);
    clock.advance(11);
    assert.deepEqual(fired, ['a@1010', 'b@1020', 'c@1020']);
    assert.equal(clock.now(), 1_020);
    assert.equal(clock.pending, 0);
  });

  it('timers scheduled while advancing fire within the same window; time ends at the target', () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 5);
      clock.setTimeout(() => fired.push(clock.now()), 500);
    }, 10);
    clock.advance(100);
    assert.deepEqual(fired, [10, 15]);
    assert.equal(clock.now(), 100);
    assert.equal(clock.nextDue(), 510);
  });

  it('cancel is idempotent and stops the timer', () => {
    const clock = new FakeClock(0);
    let n = 0;
    const cancel = clock.setTimeout(() => n++, 1);
    cancel();
    cancel();
    clock.runAll();
    assert.equal(n, 0);
  });

  it('runAll runs every timer, moving time; a self-re-arming timer is caught', () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), 3_000);
    clock.setTimeout(() => fired.push(clock.now()), 1_000);
    clock.runAll();
    assert.deepEqual(fired, [1_000, 3_000]);
    const tick = () => {
      clock.setTimeout(tick, 1);
    };
    tick();
    assert.throws(() => clock.runAll(50), /re-arms itself/);
  });

  it('refuses nonsense delays', () => {
    const clock = new FakeClock();
    assert.throws(() => clock.setTimeout(() => {}, -1), RangeError);
    assert.throws(() => clock.setTimeout(() => {}, Number.NaN), RangeError);
    assert.throws(() => clock.advance(-5), RangeError);
  });
});

describe('MemoryStorage', () => {
  it('keeps JSON copies: mutating what was stored or read changes nothing', async () => {
    const s = new MemoryStorage({ seeded: { a: 1 } });
    assert.deepEqual(await s.get('seeded'), { a: 1 });
    const value = { list: [1, 2] };
    await s.set('k', value);
    value.list.push(3);
    const read = (await s.get('k')) as { list: number[] };
    read.list.push(4);
    assert.deepEqual(await s.get('k'), { list: [1, 2] });
    assert.equal(await s.get('missing'), undefined);
  });

  it('keys by prefix, delete, update (undefined deletes), failure injection', async () => {
    const s = new MemoryStorage();
    await s.set('outbox/1', 1);
    await s.set('outbox/2', 2);
    await s.set('other', 3);
    assert.deepEqual((await s.keys('outbox/')).sort(), ['outbox/1', 'outbox/2']);
    assert.equal(await s.update('outbox/1', (v) => (v as number) + 10), 11);
    assert.equal(s.peek('outbox/1'), 11);
    await s.update('outbox/2', () => undefined);
    await s.delete('other');
    assert.equal(s.size, 1);
    s.failNext('set');
    await assert.rejects(s.set('x', 1), /injected set failure/);
    await s.set('x', 1);
    assert.equal(s.peek('x'), 1);
  });
});

describe('CapturingLogger', () => {
  it('keeps entries and finds them; refuses data that is not JSON', () => {
    const log = new CapturingLogger();
    log.log('warn', 'presence PUBLISH failed', { error: 'x' });
    log.log('info', 'hello');
    assert.equal(log.find('warn', 'PUBLISH').length, 1);
    assert.equal(log.find('error').length, 0);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    assert.throws(() => log.log('error', 'bad', cyclic), TypeError);
    log.clear();
    assert.equal(log.entries.length, 0);
  });
});

describe('RecordingCrm', () => {
  it('parses its settings map and fails with SB10001 naming the problem', async () => {
    assert.equal((await new RecordingCrm().loadSettings()).sip.domain, 'pbx.example.com');
    const crm = new RecordingCrm({ settings: settingsMap({ '/switchboard/popTiming': 'never' }) });
    await assert.rejects(crm.loadSettings(), (e: Error & { code?: string }) => e.code === 'SB10001' && /popTiming/.test(e.message));
  });

  it('answers screen pops from its records and records every call', async () => {
    const crm = new RecordingCrm({ records: { '+1555': [{ id: '003A', objectType: 'Contact' }] } });
    const base = { callId: 'c', direction: 'inbound' as const, attachedData: {} };
    assert.equal((await crm.screenPop({ ...base, remote: { number: '+1555' } })).kind, 'single');
    assert.equal((await crm.screenPop({ ...base, remote: { number: '+1666' } })).kind, 'none');
    crm.setRecords('+1666', [
      { id: 'a', objectType: 'Account' },
      { id: 'b', objectType: 'Account' },
    ]);
    assert.equal((await crm.screenPop({ ...base, remote: { number: '+1666' } })).kind, 'multiple');
    assert.equal(crm.count('screenPop'), 3);
    crm.failNext('notifyReady');
    await assert.rejects(crm.notifyReady());
  });
});
