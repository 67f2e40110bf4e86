import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CapturingLogger, MemoryStorage } from '../../core/testing/index.ts';
import { FakeLockManager } from '../testing/fake-locks.ts';
import { joinTabSession, relayChannelName, SESSION_LOCK, TAB_SECRET_KEY } from './tab-session.ts';

function counter(): () => Uint8Array {
  let n = 0;
  return () => new Uint8Array(16).fill(++n);
}

test('tabs open together share one secret; a session after every tab closed gets a new one', async () => {
  const locks = new FakeLockManager();
  const storage = new MemoryStorage();
  const randomBytes = counter();
  const join = (tab: string) => joinTabSession({ storage, locks: locks.forTab(tab), logger: new CapturingLogger(), randomBytes });
  const [a, b] = await Promise.all([join('a'), join('b')]);
  assert.match(a.secret ?? '', /^[0-9a-f]{32}$/);
  assert.equal(b.secret, a.secret, 'two tabs opening together agree');
  assert.deepEqual(locks.holders(SESSION_LOCK).sort(), ['a', 'b']);
  a.leave();
  const c = await join('c');
  assert.equal(c.secret, a.secret, 'b is still open: same session');
  b.leave();
  c.leave();
  await new Promise((r) => setTimeout(r, 1));
  assert.deepEqual(locks.holders(SESSION_LOCK), []);
  const d = await join('d');
  assert.notEqual(d.secret, a.secret, 'a new session, a new secret');
  assert.equal(await storage.get(TAB_SECRET_KEY), d.secret);
  d.leave();
});

test('a crashed tab leaves the session too', async () => {
  const locks = new FakeLockManager();
  const storage = new MemoryStorage();
  const randomBytes = counter();
  const a = await joinTabSession({ storage, locks: locks.forTab('a'), logger: new CapturingLogger(), randomBytes });
  locks.crash('a');
  const b = await joinTabSession({ storage, locks: locks.forTab('b'), logger: new CapturingLogger(), randomBytes });
  assert.notEqual(b.secret, a.secret);
});

test('without Web Locks the stored secret is kept; a malformed one is replaced', async () => {
  const storage = new MemoryStorage();
  await storage.set(TAB_SECRET_KEY, 'not-a-secret');
  const logger = new CapturingLogger();
  const a = await joinTabSession({ storage, locks: undefined, logger, randomBytes: counter() });
  assert.match(a.secret ?? '', /^[0-9a-f]{32}$/);
  const b = await joinTabSession({ storage, locks: undefined, logger, randomBytes: counter() });
  assert.equal(b.secret, a.secret);
  assert.equal(logger.find('warn', 'not rotated').length, 2);
});

test('without shared storage there is no secret, and the log says what that means', async () => {
  const logger = new CapturingLogger();
  const s = await joinTabSession({ storage: undefined, locks: new FakeLockManager().forTab('a'), logger });
  assert.equal(s.secret, undefined);
  assert.equal(relayChannelName('switchboard-softphone', s.secret), 'switchboard-softphone');
  assert.equal(relayChannelName('switchboard-softphone', 'ab'), 'switchboard-softphone.ab');
  assert.equal(logger.find('warn', 'any page of this origin').length, 1);
});

test('a random source too short is refused with a clear error', async () => {
  await assert.rejects(
    joinTabSession({ storage: new MemoryStorage(), locks: undefined, logger: new CapturingLogger(), randomBytes: () => new Uint8Array(4) }),
    /needs 16 random bytes; got 4/,
  );
});
