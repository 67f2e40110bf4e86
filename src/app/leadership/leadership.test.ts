import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CapturingLogger, FakeClock } from '../../core/testing/index.ts';
import { FakeLockManager } from '../testing/fake-locks.ts';
import { MemoryChannelHub } from '../testing/memory-channel.ts';
import { until } from '../testing/wait.ts';
import { LEADERSHIP_LOCK, TabLeadership, type LeadershipRole } from './leadership.ts';

function tab(locks: FakeLockManager, id: string, clock = new FakeClock()) {
  const leadership = new TabLeadership({ locks: locks.forTab(id), clock, logger: new CapturingLogger() });
  const roles: LeadershipRole[] = [];
  leadership.events.on('role', (r) => roles.push(r));
  return { leadership, roles };
}

test('the first tab leads; the next ones follow', async () => {
  const locks = new FakeLockManager();
  const a = tab(locks, 'a');
  const b = tab(locks, 'b');
  const c = tab(locks, 'c');
  assert.equal(a.leadership.role, 'electing');
  assert.equal(await a.leadership.start(), 'leader');
  assert.equal(await b.leadership.start(), 'follower');
  assert.equal(await c.leadership.start(), 'follower');
  assert.equal(locks.holder(LEADERSHIP_LOCK), 'a');
  assert.equal(typeof a.leadership.since, 'number');
  assert.equal(b.leadership.since, undefined);
});

test('when the leader tab closes, the next tab in line takes over at once', async () => {
  const locks = new FakeLockManager();
  const a = tab(locks, 'a');
  const b = tab(locks, 'b');
  const c = tab(locks, 'c');
  await a.leadership.start();
  await b.leadership.start();
  await c.leadership.start();
  const closed = Date.now();
  locks.crash('a');
  await until(() => b.leadership.role === 'leader', 'b to lead');
  assert.ok(Date.now() - closed < 2000, 'takeover within two seconds');
  assert.equal(c.leadership.role, 'follower', 'only one tab leads');
  assert.deepEqual(b.roles, ['follower', 'leader']);
  assert.equal(locks.holder(LEADERSHIP_LOCK), 'b');
});

test('release() hands the phone over and a released tab never leads again', async () => {
  const locks = new FakeLockManager();
  const a = tab(locks, 'a');
  const b = tab(locks, 'b');
  await a.leadership.start();
  await b.leadership.start();
  b.leadership.release();
  assert.equal(b.leadership.role, 'released');
  a.leadership.release();
  assert.equal(a.leadership.role, 'released');
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(locks.holder(LEADERSHIP_LOCK), undefined, 'nobody holds the lock: b left the queue');
  const c = tab(locks, 'c');
  assert.equal(await c.leadership.start(), 'leader');
});

test('without Web Locks the tab leads alone and says so in the log', async () => {
  const logger = new CapturingLogger();
  const leadership = new TabLeadership({ locks: undefined, clock: new FakeClock(), logger });
  assert.equal(await leadership.start(), 'leader');
  assert.equal(logger.find('warn', 'Web Locks unavailable').length, 1);
});

test('a lock manager that throws leaves the tab leading rather than phoneless', async () => {
  const logger = new CapturingLogger();
  const leadership = new TabLeadership({
    locks: { request: () => Promise.reject(new Error('SecurityError: locks are disabled')) },
    clock: new FakeClock(),
    logger,
  });
  assert.equal(await leadership.start(), 'leader');
  assert.equal(logger.find('warn', 'leadership lock request failed').length, 1);
});

test('where Web Locks are denied, the tabs elect over the channel instead', async () => {
  const hub = new MemoryChannelHub();
  const clock = new FakeClock();
  const denied = { request: () => Promise.reject(new DOMException('The request was denied.', 'SecurityError')) };
  const make = (id: string) => new TabLeadership({ locks: denied, clock, logger: new CapturingLogger(), channel: hub.open(), tabId: id });
  const a = make('a');
  const b = make('b');
  const started = Promise.all([a.start(), b.start()]);
  for (let i = 0; i < 100 && (a.role === 'electing' || b.role === 'electing'); i++) {
    clock.advance(10);
    await new Promise((r) => setTimeout(r, 1));
  }
  assert.deepEqual(await started, ['leader', 'follower']);
  a.release();
  for (let i = 0; i < 200 && b.role !== 'leader'; i++) {
    clock.advance(10);
    await new Promise((r) => setTimeout(r, 1));
  }
  assert.equal(b.role, 'leader');
  b.release();
});

test('takeOver() steals the phone: this tab leads at once, the old leader follows and queues again', async () => {
  const locks = new FakeLockManager();
  const a = tab(locks, 'a');
  const b = tab(locks, 'b');
  const c = tab(locks, 'c');
  await a.leadership.start();
  await b.leadership.start();
  await c.leadership.start();
  await c.leadership.takeOver();
  assert.equal(c.leadership.role, 'leader');
  assert.equal(locks.holder(LEADERSHIP_LOCK), 'c');
  await until(() => a.leadership.role === 'follower', 'a follows');
  assert.deepEqual(a.roles, ['leader', 'follower']);
  assert.equal(b.leadership.role, 'follower');
  // c leaves: the queue goes on in order (b waited first, a queued again after the steal).
  c.leadership.release();
  await until(() => b.leadership.role === 'leader', 'b leads');
  assert.equal(a.leadership.role, 'follower');
  b.leadership.release();
  await until(() => a.leadership.role === 'leader', 'a leads again');
  assert.deepEqual(c.roles, ['follower', 'leader', 'released']);
});

test('takeOver() over the channel (Web Locks denied): the old leader follows and stays a follower', async () => {
  const hub = new MemoryChannelHub();
  const clock = new FakeClock();
  const denied = { request: () => Promise.reject(new DOMException('The request was denied.', 'SecurityError')) };
  const make = (id: string) => new TabLeadership({ locks: denied, clock, logger: new CapturingLogger(), channel: hub.open(), tabId: id });
  const a = make('a');
  const b = make('b');
  const started = Promise.all([a.start(), b.start()]);
  for (let i = 0; i < 100 && (a.role === 'electing' || b.role === 'electing'); i++) {
    clock.advance(10);
    await new Promise((r) => setTimeout(r, 1));
  }
  assert.deepEqual(await started, ['leader', 'follower']);
  await b.takeOver();
  assert.equal(b.role, 'leader');
  for (let i = 0; i < 300; i++) {
    clock.advance(10);
    await new Promise((r) => setTimeout(r, 1));
  }
  assert.equal(a.role, 'follower', 'a heard the take and follows');
  assert.equal(b.role, 'leader', "b kept the phone: a's heartbeats from before the take did not hand it back");
  a.release();
  b.release();
});
