import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SwitchboardError, silentLogger, type Logger } from '../../core/index.ts';
import { FakeOrg, seededRandom } from '../fake/fake-org.ts';
import { FakeSurface } from '../fake/fake-surface.ts';
import { FakeClock, flushAsync } from '../testing/fake-clock.ts';
import { FakeLockManager } from '../testing/fake-locks.ts';
import { MemoryLogger } from '../testing/test-fixtures.ts';
import type { LockManagerLike } from '../shared/environment.ts';
import { CallLogOutbox, OUTBOX_LOCK } from './call-log-outbox.ts';
import { surfaceLogWriter, type LogWriter } from './log-writer.ts';
import { MemoryStorage } from './memory-storage.ts';
import { pendingEntry, toJson } from './outbox-entry.ts';

function fields(i: number | string): Record<string, string | number> {
  return {
    Subject: `Inbound call ${i}`,
    Status: 'Completed',
    Priority: 'Normal',
    Type: 'Call',
    TaskSubtype: 'Call',
    CallType: 'Inbound',
    CallDurationInSeconds: 42,
    CallObject: `call-${i}`,
    CallDisposition: 'Resolved',
    ActivityDate: '2026-01-15',
    Description: '',
  };
}

interface Rig {
  org: FakeOrg;
  surface: FakeSurface;
  storage: MemoryStorage;
  clock: FakeClock;
  make(owner: string, options?: { locks?: LockManagerLike; logger?: Logger; writer?: LogWriter }): CallLogOutbox;
  /** A writer whose saves take `ms` of (fake) time, so another tab can try the same entry meanwhile. */
  slowWriter(ms: number): LogWriter;
}

function rig(org = new FakeOrg()): Rig {
  const surface = new FakeSurface(org);
  const storage = new MemoryStorage();
  const clock = new FakeClock();
  let seed = 1;
  return {
    org,
    surface,
    storage,
    clock,
    make: (owner, options = {}) =>
      new CallLogOutbox({
        storage,
        writer: options.writer ?? surfaceLogWriter(surface),
        clock,
        logger: options.logger ?? silentLogger,
        owner,
        random: seededRandom(seed++),
        ...(options.locks ? { locks: options.locks } : {}),
      }),
    slowWriter: (ms) => {
      const base = surfaceLogWriter(surface);
      return { ...base, create: (o, f) => new Promise<string>((resolve, reject) => clock.setTimeout(() => base.create(o, f).then(resolve, reject), ms)) };
    },
  };
}

async function settleAll(r: Rig, outboxes: () => CallLogOutbox[], limitMs = 6 * 3600_000): Promise<void> {
  const end = r.clock.now() + limitMs;
  for (let step = 0; ; step++) {
    // Kick, never await, a drain: a hung save waits for the fake clock, which only this loop moves.
    for (const o of outboxes()) void o.drain();
    await flushAsync();
    const at = r.clock.nextTimerAt();
    // Reading every entry is the costly part: look only now and then, and when time has nowhere to go.
    if (at === undefined || step % 25 === 0) {
      const entries = await outboxes()[0]!.entries();
      if (entries.every((e) => e.state !== 'pending')) return;
      assert.ok(at !== undefined, `outbox stuck with ${entries.filter((e) => e.state === 'pending').length} pending entries and no timer`);
    }
    assert.ok(at! <= end, 'outbox not settled within the time limit');
    await r.clock.advance(Math.max(0, at! - r.clock.now()));
  }
}

function assertExactlyOnce(org: FakeOrg, count: number): void {
  const byCall = new Map<string, number>();
  for (const t of org.tasks) byCall.set(String(t.fields.CallObject), (byCall.get(String(t.fields.CallObject)) ?? 0) + 1);
  const dupes = [...byCall].filter(([, n]) => n > 1);
  assert.deepEqual(dupes, [], 'no call logged twice');
  assert.equal(org.tasks.length, count, `exactly ${count} Tasks`);
  for (let i = 0; i < count; i++) assert.equal(byCall.get(`call-${i}`), 1, `call-${i} logged once`);
}

test('enqueue stores the entry before it resolves; nothing is lost without a drain', async () => {
  const r = rig();
  const outbox = r.make('tab-a');
  await outbox.enqueue('call-0', 'Task', fields(0));
  // The entry, and its open marker (a pass lists markers only).
  assert.deepEqual(await r.storage.keys('outbox/'), ['outbox/entry/call-0', 'outbox/open/call-0']);
  const [entry] = await outbox.entries();
  assert.equal(entry?.state, 'pending');
  assert.equal(r.org.tasks.length, 0, 'not started: nothing written yet');
  // A new page over the same storage drains what the old one left.
  const next = r.make('tab-a-reloaded');
  const logged: string[] = [];
  next.events.on('logged', (callId, id) => logged.push(`${callId}=${id}`));
  next.start();
  await settleAll(r, () => [next]);
  assert.deepEqual(logged, [`call-0=${r.org.tasks[0]!.id}`]);
  assert.equal((await next.entry('call-0'))?.recordId, r.org.tasks[0]!.id);
});

test('enqueuing the same callId twice logs it once', async () => {
  const r = rig();
  const outbox = r.make('tab-a');
  outbox.start();
  await outbox.enqueue('call-0', 'Task', fields(0));
  await settleAll(r, () => [outbox]);
  await outbox.enqueue('call-0', 'Task', fields(0));
  await settleAll(r, () => [outbox]);
  assertExactlyOnce(r.org, 1);
});

test('500 calls, 30 % of saveLog failing (rejected, lost, hung) and reloads between hangup and save: exactly 500 Tasks', async () => {
  const r = rig();
  r.org.setSaveFailureRate(0.3, { seed: 42, modes: ['reject', 'lost', 'hang'] });
  const rnd = seededRandom(2026);
  let generation = 0;
  let outbox = r.make(`tab-${generation}`);
  outbox.start();
  let reloads = 0;
  for (let i = 0; i < 500; i++) {
    await outbox.enqueue(`call-${i}`, 'Task', fields(i));
    if (rnd() < 0.15) {
      // The page reloads right after the hangup was queued: in-flight saves are abandoned mid-air.
      outbox.stop();
      outbox = r.make(`tab-${++generation}`);
      outbox.start();
      reloads++;
    }
    await r.clock.advance(Math.floor(rnd() * 4000));
  }
  await settleAll(r, () => [outbox]);
  assertExactlyOnce(r.org, 500);
  const outcomes = r.org.saveAttempts.map((a) => a.outcome);
  const failed = outcomes.filter((o) => o !== 'saved').length;
  assert.ok(failed / outcomes.length > 0.2, `failures really injected (${failed}/${outcomes.length})`);
  assert.ok(outcomes.includes('lost') && outcomes.includes('hang'), 'saves that succeeded without telling us happened');
  assert.ok(reloads > 40, `reloads happened (${reloads})`);
  const lookups = r.surface.calls.filter((c) => c.method === 'runApex').length;
  assert.ok(lookups > 0, 'uncertain attempts were looked up by CallObject');
  const entries = await outbox.entries();
  assert.equal(entries.filter((e) => e.state === 'saved').length, 500);
});

test('two tabs over one storage (leases only, then with Web Locks) still log each call exactly once', async () => {
  for (const withLocks of [false, true]) {
    const r = rig();
    r.org.setSaveFailureRate(0.3, { seed: 9, modes: ['reject', 'lost', 'hang'] });
    const locks = withLocks ? new FakeLockManager() : undefined;
    // Saves take 2 s, so the other tab finds entries mid-save: only the lease keeps it off them.
    const a = r.make('tab-a', { ...(locks ? { locks } : {}), writer: r.slowWriter(2000) });
    const b = r.make('tab-b', { ...(locks ? { locks } : {}), writer: r.slowWriter(2000) });
    a.start();
    b.start();
    const rnd = seededRandom(5);
    for (let i = 0; i < 200; i++) {
      // Each call ends in one tab; both tabs drain everything, racing for the same entries.
      await (i % 2 ? a : b).enqueue(`call-${i}`, 'Task', fields(i));
      void a.drain();
      void b.drain();
      if (i % 10 === 0) await r.clock.advance(Math.floor(rnd() * 3000));
      else await flushAsync();
    }
    await settleAll(r, () => [a, b]);
    assertExactlyOnce(r.org, 200);
    if (locks) assert.ok(locks.unavailable > 0, 'the tabs contended for the Web Lock');
    a.stop();
    b.stop();
  }
});

test('a save slower than the attempt timeout is waited for, never raced by a retry that would write it twice', async () => {
  for (const withLocks of [false, true]) {
    const r = rig();
    const locks = withLocks ? new FakeLockManager() : undefined;
    const logger = new MemoryLogger();
    // Tab A's saves land 45 s after they are sent (attemptTimeoutMs is 30 s); tab B saves at once.
    const a = r.make('tab-a', { ...(locks ? { locks } : {}), writer: r.slowWriter(45_000), logger });
    const b = r.make('tab-b', { ...(locks ? { locks } : {}) });
    a.start();
    await a.enqueue('call-0', 'Task', fields(0));
    await a.enqueue('call-1', 'Task', fields(1));
    await r.clock.advance(31_000); // A's first save has timed out and is still on its way
    assert.ok(
      logger.lines.some((l) => l.message.startsWith('saveLog is slow to answer')),
      'the slow save is waited for',
    );
    b.start();
    await settleAll(r, () => [a, b]);
    assertExactlyOnce(r.org, 2);
    const [entry] = (await a.entries()).filter((e) => e.callId === 'call-0');
    assert.equal(entry?.state, 'saved');
    a.stop();
    b.stop();
  }
});

test('a save that never answers is given up after abandonAfterMs: looked up, then written once', async () => {
  const r = rig();
  const logger = new MemoryLogger();
  let creates = 0;
  const base = surfaceLogWriter(r.surface);
  const silent: LogWriter = { ...base, create: (o, f) => (++creates === 1 ? new Promise<string>(() => {}) : base.create(o, f)) };
  const outbox = new CallLogOutbox({
    storage: r.storage,
    writer: silent,
    clock: r.clock,
    logger,
    owner: 'tab-a',
    random: seededRandom(3),
    abandonAfterMs: 120_000,
  });
  outbox.start();
  await outbox.enqueue('call-0', 'Task', fields(0));
  await r.clock.advance(100_000);
  assert.equal(creates, 1, 'no second save while the first may still answer');
  await settleAll(r, () => [outbox]);
  assertExactlyOnce(r.org, 1);
  assert.equal(creates, 2);
  assert.ok(logger.lines.some((l) => l.message.startsWith('saveLog never answered')));
  outbox.stop();
});

test('a held Web Lock defers draining until the other tab lets go', async () => {
  const r = rig();
  const locks = new FakeLockManager();
  const release = locks.hold(OUTBOX_LOCK);
  const outbox = r.make('tab-a', { locks });
  outbox.start();
  await outbox.enqueue('call-0', 'Task', fields(0));
  await r.clock.advance(10_000);
  assert.equal(r.org.tasks.length, 0, 'another tab holds the lock');
  release();
  await settleAll(r, () => [outbox]);
  assertExactlyOnce(r.org, 1);
});

test('a field error is retried once without the optional call fields', async () => {
  const r = rig(new FakeOrg({ rejectFields: ['TaskSubtype'] }));
  const logger = new MemoryLogger();
  const outbox = r.make('tab-a', { logger });
  outbox.start();
  await outbox.enqueue('call-0', 'Task', fields(0));
  await settleAll(r, () => [outbox]);
  assertExactlyOnce(r.org, 1);
  const saved = r.org.tasks[0]!.fields;
  assert.equal(saved.TaskSubtype, undefined);
  assert.equal(saved.CallType, undefined);
  assert.equal(saved.CallObject, 'call-0', 'CallObject is never stripped');
  assert.equal(saved.CallDurationInSeconds, 42);
  assert.ok(logger.lines.some((l) => /without the optional call fields/.test(l.message)));
});

test('a log refused even without the optional fields is parked as SB30004, surfaced, never retried, and can be retried after a fix', async () => {
  const r = rig(new FakeOrg({ rejectFields: ['Description'] }));
  const outbox = r.make('tab-a');
  const parked: SwitchboardError[] = [];
  outbox.events.on('parked', (_id, e) => parked.push(e));
  outbox.start();
  await outbox.enqueue('call-0', 'Task', fields(0));
  await settleAll(r, () => [outbox]);
  assert.equal(parked.length, 1);
  assert.equal(parked[0]!.code, 'SB30004');
  assert.match(parked[0]!.message, /INVALID_FIELD.*Description/);
  const list = await outbox.parked();
  assert.deepEqual(
    list.map((e) => [e.callId, e.state, e.lastError?.code]),
    [['call-0', 'failed', 'SB30004']],
  );
  const attempts = r.org.saveAttempts.length;
  assert.equal(attempts, 2, 'full fields once, stripped once');
  await r.clock.advance(3600_000);
  void outbox.drain();
  await flushAsync();
  assert.equal(r.org.saveAttempts.length, attempts, 'a parked log is not retried by itself');
  assert.equal(r.org.tasks.length, 0);
  r.org.rejectFields.clear();
  await outbox.retryParked('call-0');
  await settleAll(r, () => [outbox]);
  assertExactlyOnce(r.org, 1);
  assert.equal(r.org.tasks[0]!.fields.TaskSubtype, 'Call', 'retried with all fields');
});

test('retries back off exponentially, capped, on the clock', async () => {
  const r = rig();
  r.org.failNextSaves(12, 'reject');
  const outbox = new CallLogOutbox({
    storage: r.storage,
    writer: surfaceLogWriter(r.surface),
    clock: r.clock,
    logger: silentLogger,
    owner: 'tab',
    random: () => 0.5,
    backoff: { baseMs: 1000, maxMs: 60_000 },
  });
  const delays: number[] = [];
  outbox.events.on('retrying', (_id, error, at) => {
    assert.equal(error.code, 'SB30003');
    delays.push(at - r.clock.now());
  });
  outbox.start();
  await outbox.enqueue('call-0', 'Task', fields(0));
  await settleAll(r, () => [outbox]);
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000, 60000, 60000]);
  assertExactlyOnce(r.org, 1);
});

test('when the lookup itself fails transiently, nothing is created until it answers', async () => {
  const r = rig();
  r.org.failNextSaves(1, 'lost');
  let apexDown = true;
  r.org.registerApex('SwitchboardCallLog', 'findByCallObject', (p) => {
    if (apexDown) throw new Error('UNABLE_TO_LOCK_ROW');
    return r.org.tasksWithCallObject(p.callObject ?? '')[0]?.id ?? '';
  });
  const outbox = r.make('tab');
  outbox.start();
  await outbox.enqueue('call-0', 'Task', fields(0));
  await r.clock.advance(30_000);
  assert.equal(r.org.tasks.length, 1, 'the lost save created one Task');
  assert.ok(r.org.saveAttempts.length === 1, 'no second save while the lookup fails');
  apexDown = false;
  await settleAll(r, () => [outbox]);
  assertExactlyOnce(r.org, 1);
  assert.equal((await outbox.entry('call-0'))?.recordId, r.org.tasks[0]!.id, 'adopted the Task the lost save created');
});

test('without the SwitchboardCallLog Apex class, an uncertain save is retried (at-least-once) and the risk is logged', async () => {
  const r = rig();
  r.org.unregisterApexClass('SwitchboardCallLog');
  r.org.failNextSaves(1, 'lost');
  const logger = new MemoryLogger();
  const outbox = r.make('tab', { logger });
  outbox.start();
  await outbox.enqueue('call-0', 'Task', fields(0));
  await settleAll(r, () => [outbox]);
  assert.equal(r.org.tasks.length, 2, 'documented limitation: the lost save and the retry both exist');
  assert.ok(logger.lines.some((l) => l.level === 'warn' && /Apex class missing/.test(l.message)));
});

test('attemptTimeoutMs must be shorter than the lease', () => {
  const r = rig();
  assert.throws(
    () =>
      new CallLogOutbox({
        storage: r.storage,
        writer: surfaceLogWriter(r.surface),
        clock: r.clock,
        logger: silentLogger,
        leaseMs: 1000,
        attemptTimeoutMs: 1000,
      }),
    /attemptTimeoutMs/,
  );
});

test('a storage failure during a pass is logged and retried, never an unhandled rejection', async () => {
  const r = rig();
  const logger = new MemoryLogger();
  let broken = true;
  const realUpdate = r.storage.update.bind(r.storage);
  r.storage.update = (key, fn) =>
    broken && key.startsWith('outbox/entry/') && r.org.tasks.length === 0 && logger.lines.length < 3
      ? Promise.reject(new Error('QuotaExceededError'))
      : realUpdate(key, fn);
  const outbox = r.make('tab', { logger });
  await realUpdate('outbox/entry/call-0', () => toJson(pendingEntry('call-0', 'Task', fields(0), 0)));
  outbox.start();
  await flushAsync();
  assert.ok(logger.lines.some((l) => l.level === 'error' && /pass failed/.test(l.message)));
  broken = false;
  await settleAll(r, () => [outbox]);
  assertExactlyOnce(r.org, 1);
});

/** Everything the storage holds, as one string (what a look at IndexedDB would show). */
async function storedText(storage: MemoryStorage): Promise<string> {
  const values = await Promise.all((await storage.keys('')).map(async (k) => [k, await storage.get(k)]));
  return JSON.stringify(values);
}

function privateFields(i: number): Record<string, string | number> {
  return { ...fields(i), Subject: `Inbound call from Maria Lopez ${i}`, Description: `Notes: card ending 4242 (${i})`, WhoId: `003000000000Maria${i}` };
}

test('a confirmed log keeps no content in storage: only the call id, Task id, state and times; still logged exactly once', async () => {
  const r = rig();
  const outbox = r.make('tab-a');
  outbox.start();
  await outbox.enqueue('call-0', 'Task', privateFields(0));
  await settleAll(r, () => [outbox]);
  const stored = await storedText(r.storage);
  for (const secret of ['Maria', '4242', 'Notes', '003000000000']) assert.ok(!stored.includes(secret), `${secret} is gone from storage: ${stored}`);
  const entry = await outbox.entry('call-0');
  assert.equal(entry?.state, 'saved');
  assert.equal(entry?.recordId, r.org.tasks[0]!.id);
  assert.deepEqual(entry?.fields, {});
  assert.equal(typeof entry?.savedAt, 'number');
  assert.equal(r.org.tasks[0]!.fields['Subject'], 'Inbound call from Maria Lopez 0', 'Salesforce got the whole log');
  // The emptied entry is still the idempotency record, for this page and for the next one.
  await outbox.enqueue('call-0', 'Task', privateFields(0));
  const reloaded = r.make('tab-a-reloaded');
  reloaded.start();
  await settleAll(r, () => [outbox, reloaded]);
  assertExactlyOnce(r.org, 1);
  outbox.stop();
  reloaded.stop();
});

test('a late answer and a log adopted after a lost answer are emptied too; pending and parked logs keep their content', async () => {
  const r = rig();
  const a = r.make('tab-a', { writer: r.slowWriter(45_000) });
  a.start();
  await a.enqueue('call-0', 'Task', privateFields(0));
  await r.clock.advance(31_000);
  assert.match(await storedText(r.storage), /Maria Lopez 0/, 'not confirmed yet: the log is still needed');
  await settleAll(r, () => [a]);
  assert.doesNotMatch(await storedText(r.storage), /Maria|4242/);
  a.stop();

  const lost = rig();
  lost.org.failNextSaves(1, 'lost');
  const b = lost.make('tab-b');
  b.start();
  await b.enqueue('call-1', 'Task', privateFields(1));
  await settleAll(lost, () => [b]);
  assert.equal(lost.org.tasks.length, 1, 'the lost save was adopted, not written again');
  assert.equal((await b.entry('call-1'))?.state, 'saved');
  assert.doesNotMatch(await storedText(lost.storage), /Maria|4242/);
  b.stop();
});

test('saved entries an older version left with their content are emptied by the next pass', async () => {
  const r = rig();
  await r.storage.set('outbox/entry/call-9', {
    callId: 'call-9',
    objectApiName: 'Task',
    fields: privateFields(9),
    state: 'saved',
    createdAt: 0,
    attempts: 1,
    nextAttemptAt: 0,
    lease: null,
    uncertain: false,
    stripped: false,
    recordId: '00T000000000009',
    savedAt: r.clock.now(),
    lastError: null,
  });
  const outbox = r.make('tab-a');
  outbox.start();
  await settleAll(r, () => [outbox]);
  const entry = await outbox.entry('call-9');
  assert.deepEqual([entry?.state, entry?.recordId, entry?.fields], ['saved', '00T000000000009', {}]);
  assert.doesNotMatch(await storedText(r.storage), /Maria|4242/);
  assert.equal(r.org.tasks.length, 0, 'a saved entry is never written again');
  outbox.stop();
});
