import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../core/index.ts';
import { FakeOrg, seededRandom } from '../fake/fake-org.ts';
import { FakeSurface } from '../fake/fake-surface.ts';
import { FakeClock, flushAsync } from '../testing/fake-clock.ts';
import { MemoryLogger } from '../testing/test-fixtures.ts';
import { CallLogOutbox } from './call-log-outbox.ts';
import { surfaceLogWriter } from './log-writer.ts';
import { MemoryStorage } from './memory-storage.ts';
import { ENTRY_PREFIX, pendingEntry, toJson } from './outbox-entry.ts';
import { OPEN_PREFIX, SWEEP_EVERY_MS } from './open-markers.ts';

const WEEK = 7 * 24 * 3600_000;

/** A storage that counts the keys each listing hands back, by prefix. */
class CountingStorage extends MemoryStorage {
  readonly listed = new Map<string, number>();
  override async keys(prefix: string): Promise<string[]> {
    const keys = await super.keys(prefix);
    this.listed.set(prefix, (this.listed.get(prefix) ?? 0) + keys.length);
    return keys;
  }
}

function rig() {
  const org = new FakeOrg();
  const surface = new FakeSurface(org);
  const storage = new CountingStorage();
  const clock = new FakeClock();
  let seed = 1;
  const make = (owner: string, logger = silentLogger) =>
    new CallLogOutbox({ storage, writer: surfaceLogWriter(surface), clock, logger, owner, random: seededRandom(seed++) });
  return { org, storage, clock, make };
}

const fields = (i: number) => ({ Subject: `Inbound call ${i}`, Status: 'Completed', CallObject: `call-${i}`, CallType: 'Inbound' });

test('a drain pass lists only the logs with work left, not every saved log of the week', async () => {
  const r = rig();
  const outbox = r.make('tab');
  outbox.start();
  for (let i = 0; i < 50; i++) await outbox.enqueue(`call-${i}`, 'Task', fields(i));
  await outbox.drain();
  assert.equal(r.org.tasks.length, 50);
  assert.deepEqual(await r.storage.keys(OPEN_PREFIX), [], 'saved: no marker left');
  r.storage.listed.clear();
  await outbox.enqueue('call-50', 'Task', fields(50));
  await outbox.drain();
  assert.equal(r.org.tasks.length, 51);
  // The sweep ran at the first pass; within the hour a pass reads the one open log, not the 50 saved.
  assert.equal(r.storage.listed.get(ENTRY_PREFIX) ?? 0, 0, 'no pass listed every entry');
  assert.ok((r.storage.listed.get(OPEN_PREFIX) ?? 0) <= 2, `listed ${r.storage.listed.get(OPEN_PREFIX)} open markers`);
  outbox.stop();
});

test('a pending log without its marker (an older version, or a crash between the two writes) is found by the next page and saved once', async () => {
  const r = rig();
  await r.storage.set(ENTRY_PREFIX + 'call-7', toJson(pendingEntry('call-7', 'Task', fields(7), r.clock.now())));
  const logger = new MemoryLogger();
  const outbox = r.make('next-page', logger);
  outbox.start();
  await flushAsync();
  await outbox.drain();
  assert.deepEqual(
    r.org.tasks.map((t) => t.fields.CallObject),
    ['call-7'],
  );
  assert.equal(logger.lines.filter((l) => l.level === 'warn' && l.message.startsWith('call logs found without their open marker')).length, 1);
  assert.deepEqual(await r.storage.keys(OPEN_PREFIX), []);
  outbox.stop();
});

test('a marker whose log is gone (discarded by the agent) is dropped at the next pass', async () => {
  const r = rig();
  await r.storage.set(OPEN_PREFIX + 'call-gone', 1);
  const outbox = r.make('tab');
  outbox.start();
  await flushAsync();
  await outbox.drain();
  assert.deepEqual(await r.storage.keys(OPEN_PREFIX), []);
  assert.equal(r.org.tasks.length, 0);
  outbox.stop();
});

test('saved logs are kept as idempotency records for the retention, then swept (at most once an hour)', async () => {
  const r = rig();
  const outbox = r.make('tab');
  outbox.start();
  await outbox.enqueue('call-1', 'Task', fields(1));
  await outbox.drain();
  assert.equal((await outbox.entry('call-1'))?.state, 'saved');
  // Within the retention: enqueuing the same call again writes nothing (the saved entry is the record).
  await r.clock.advance(WEEK - 1000);
  await outbox.enqueue('call-1', 'Task', fields(1));
  assert.deepEqual(await r.storage.keys(OPEN_PREFIX), [], 'a saved log queued again gets no marker');
  await outbox.drain();
  assert.equal(r.org.tasks.length, 1);
  // Past the retention, the next sweep removes it; passes in between do not sweep again.
  await r.clock.advance(2000);
  await outbox.drain();
  assert.equal((await outbox.entry('call-1'))?.state, 'saved', 'swept less than an hour ago: kept');
  await r.clock.advance(SWEEP_EVERY_MS);
  await outbox.drain();
  assert.equal(await outbox.entry('call-1'), undefined);
  assert.deepEqual(await r.storage.keys('outbox/'), []);
  outbox.stop();
});

test('a call queued again while a pass drops its old marker keeps its new one, and is saved without waiting for a sweep', async () => {
  // The state a discard leaves: the marker of call-9, no entry.
  const r = rig();
  await r.storage.set(OPEN_PREFIX + 'call-9', 'an older marker');
  const outbox = r.make('tab');
  let armed = true;
  const get = r.storage.get.bind(r.storage);
  r.storage.get = async (key: string) => {
    const value = await get(key);
    if (armed && key === ENTRY_PREFIX + 'call-9') {
      // The pass has read "no entry"; before it drops the marker, the call is queued again.
      armed = false;
      await outbox.enqueue('call-9', 'Task', fields(9));
    }
    return value;
  };
  outbox.start();
  await flushAsync();
  await outbox.drain();
  await outbox.drain();
  assert.deepEqual(
    r.org.tasks.map((t) => t.fields.CallObject),
    ['call-9'],
  );
  assert.deepEqual(await r.storage.keys(OPEN_PREFIX), []);
  outbox.stop();
});
