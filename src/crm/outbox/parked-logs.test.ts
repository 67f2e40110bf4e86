// Parked logs (Salesforce refused them for good) as the outbox reports and keeps them for the agent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../core/index.ts';
import { FakeClock, flushAsync } from '../testing/fake-clock.ts';
import { MemoryLogger } from '../testing/test-fixtures.ts';
import { SalesforceApiError } from '../shared/salesforce-error.ts';
import { CallLogOutbox, type OutboxEntry } from './call-log-outbox.ts';
import type { LogWriter } from './log-writer.ts';
import { MemoryStorage } from './memory-storage.ts';
import { unsavedLogOf } from './unsaved-log.ts';

const FIELDS = { Subject: 'Inbound call +1 415 555 0134', Type: 'Call', CallObject: 'call-1', Description: '' };
const ABOUT = { direction: 'inbound', number: '+1 415 555 0134', name: 'Maria Lopez', endedAt: 1_000 } as const;

/**
 * An org with a validation rule ("a call needs Comments") while `refusing`, answering saveLog the
 * way the console emulator does: Salesforce's REST error items in `details.errors`.
 */
function org() {
  const tasks = new Map<string, Record<string, string | number>>();
  const calls: string[] = [];
  const state = { refusing: true };
  const writer: LogWriter = {
    create: async (_object, fields) => {
      calls.push('create');
      await Promise.resolve();
      if (state.refusing && !fields['Description']) {
        throw new SalesforceApiError('saveLog', [
          {
            code: 'GENERIC_ERROR',
            description: 'Describe the call in Comments.',
            details: { errors: [{ errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Describe the call in Comments.', fields: ['Description'] }] },
          },
        ]);
      }
      const id = `00T${String(tasks.size + 1).padStart(15, '0')}`;
      tasks.set(id, { ...fields });
      return id;
    },
    findByCallObject: async (_object, callObject) => {
      calls.push('find');
      return [...tasks.entries()].find(([, t]) => t['CallObject'] === callObject)?.[0] ?? null;
    },
    refresh: async () => {},
  };
  return { tasks, calls, state, writer };
}

function outbox(
  o: ReturnType<typeof org>,
  storage: MemoryStorage,
  clock: FakeClock,
  owner: string,
  logger = silentLogger,
): { box: CallLogOutbox; reports: (readonly OutboxEntry[])[] } {
  const box = new CallLogOutbox({ storage, writer: o.writer, clock, logger, owner });
  const reports: (readonly OutboxEntry[])[] = [];
  box.events.on('unsaved', (entries) => reports.push(entries));
  return { box, reports };
}

test("a refused log is reported with Salesforce's reason and field and whom it is about; a retry saves it once and empties it", async () => {
  const o = org();
  const storage = new MemoryStorage();
  const clock = new FakeClock();
  const logger = new MemoryLogger();
  const { box, reports } = outbox(o, storage, clock, 'tab-a', logger);
  box.start();
  await box.enqueue('call-1', 'Task', FIELDS, ABOUT);
  await box.drain();
  await flushAsync();
  assert.equal(reports.length, 1, 'reported once (a second pass reports no change)');
  const log = unsavedLogOf(reports[0]![0]!);
  assert.deepEqual(log, {
    callId: 'call-1',
    direction: 'inbound',
    number: '+1 415 555 0134',
    name: 'Maria Lopez',
    title: FIELDS.Subject,
    at: 1_000,
    reason: 'Describe the call in Comments.',
    fields: ['Description'],
  });
  await box.drain();
  assert.equal(reports.length, 1, 'nothing changed, nothing reported');

  o.state.refusing = false;
  o.calls.length = 0;
  assert.equal(await box.retryParked('call-1'), true);
  await box.drain();
  await flushAsync();
  assert.deepEqual(o.calls, ['find', 'create'], 'a retry looks up the CallObject before creating');
  assert.equal(o.tasks.size, 1);
  assert.deepEqual(reports.at(-1), [], 'no parked log left');
  const saved = await box.entry('call-1');
  assert.equal(saved?.state, 'saved');
  assert.equal(saved?.about, undefined, 'whom the call was with is not kept once Salesforce has the log');
  assert.deepEqual(saved?.fields, {});
  assert.ok(logger.lines.some((l) => /queued again/.test(l.message)));
  assert.equal(await box.retryParked('call-1'), false, 'a saved log is not parked: nothing to retry');
  assert.equal(await box.discardParked('call-1'), false, 'nor to discard');
  box.stop();
});

test('a discarded log is gone for good and its discard logged; pending logs cannot be discarded', async () => {
  const o = org();
  const storage = new MemoryStorage();
  const clock = new FakeClock();
  const logger = new MemoryLogger();
  const { box, reports } = outbox(o, storage, clock, 'tab-a', logger);
  await box.enqueue('call-2', 'Task', { ...FIELDS, CallObject: 'call-2' });
  assert.equal(await box.discardParked('call-2'), false, "still pending: not the agent's to drop");
  box.start();
  await box.drain();
  assert.equal(reports.at(-1)?.length, 1);
  assert.equal(await box.discardParked('call-2'), true);
  assert.deepEqual(reports.at(-1), []);
  assert.equal(await box.entry('call-2'), undefined);
  const line = logger.lines.find((l) => /discarded/.test(l.message));
  assert.equal(line?.level, 'warn');
  assert.equal(line?.data?.['refusal'], 'Describe the call in Comments.');
  o.state.refusing = false;
  await box.enqueue('call-3', 'Task', { ...FIELDS, CallObject: 'call-3' });
  await box.drain();
  assert.deepEqual(
    [...o.tasks.values()].map((t) => t['CallObject']),
    ['call-3'],
    'the discarded log never reaches Salesforce',
  );
  box.stop();
});

test('a log another tab parked is reported by this tab at its next pass', async () => {
  const o = org();
  const storage = new MemoryStorage();
  const clock = new FakeClock();
  const a = outbox(o, storage, clock, 'tab-a');
  const b = outbox(o, storage, clock, 'tab-b');
  await b.box.enqueue('call-4', 'Task', { ...FIELDS, CallObject: 'call-4' }, ABOUT);
  await b.box.drain();
  assert.equal(b.reports.at(-1)?.[0]?.callId, 'call-4');
  assert.equal(a.reports.length, 0);
  await a.box.drain();
  assert.deepEqual(
    a.reports.at(-1)?.map((e) => e.callId),
    ['call-4'],
  );
  assert.deepEqual(
    (await a.box.parked()).map(unsavedLogOf).map((l) => l.name),
    ['Maria Lopez'],
  );
});
