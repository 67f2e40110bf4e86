import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { silentLogger, type CallLogEntry, type Party } from '../../core/index.ts';
import { FakeOrg } from '../fake/fake-org.ts';
import { FakeSurface } from '../fake/fake-surface.ts';
import { MemoryStorage } from '../outbox/memory-storage.ts';
import { FakeClock } from '../testing/fake-clock.ts';
import { testSettings } from '../testing/test-fixtures.ts';
import { SalesforceCrm, type NumberFormatter } from './salesforce-crm.ts';

function entry(callId: string, direction: CallLogEntry['direction'], remote: Party): CallLogEntry {
  return {
    callId,
    direction,
    remote,
    startedAt: 0,
    endedAt: 1000,
    durationSeconds: 1,
    holdSeconds: 0,
    endReason: 'remote-hangup',
    notes: '',
    attachedData: {},
  };
}

/** Logs an inbound call as the phone system sent the number and an outbound one as the agent typed it; answers both subjects. */
async function subjects(formatNumber?: NumberFormatter): Promise<string[]> {
  const org = new FakeOrg();
  const crm = new SalesforceCrm({
    surface: new FakeSurface(org),
    storage: new MemoryStorage(),
    clock: new FakeClock(),
    logger: silentLogger,
    ...(formatNumber ? { formatNumber } : {}),
  });
  crm.useSettings(testSettings());
  await crm.logCall(entry('in-1', 'inbound', { number: '+442079460958' }));
  await crm.logCall(entry('out-1', 'outbound', { number: '020 7946 0958', e164: '+442079460958' }));
  await crm.outbox.drain();
  crm.dispose();
  return ['in-1', 'out-1'].map((id) => String(org.tasksWithCallObject(id)[0]?.fields.Subject));
}

/** The subjects' wording is the call-log's business (task-fields.ts); only the number is checked here. */
function assertNumberIn(subjects: readonly string[], number: string): void {
  assert.equal(subjects.length, 2);
  for (const subject of subjects) {
    assert.ok(subject.includes(number), `'${subject}' names ${number}`);
    assert.ok(!subject.includes('020 7946'), `'${subject}' does not hold the number as typed`);
  }
}

test('log subjects name a number in one format, whichever form the call had it in', async () => {
  // The app gives the panel's formatter; libphonenumber's international format stands for it here.
  const international: NumberFormatter = async (party, country) =>
    parsePhoneNumberFromString(party.e164 ?? party.number, country as CountryCode)?.formatInternational() ?? party.number;
  assertNumberIn(await subjects(international), '+44 20 7946 0958');
});

test('without a formatter the subject holds the E.164 form, not what the agent typed', async () => {
  assertNumberIn(await subjects(), '+442079460958');
});

test('a formatter that fails never costs the log: it goes out with the plain number', async () => {
  assertNumberIn(await subjects(() => Promise.reject(new Error('chunk failed to load'))), '+442079460958');
});

test('Salesforce hears the softphone is ready once per page, whoever asks; a refused notice is asked again', async () => {
  let notices = 0;
  let refuse = true;
  class CountingSurface extends FakeSurface {
    override notifyInitializationComplete(): Promise<void> {
      notices++;
      if (refuse) return Promise.reject(new Error('Open CTI is not ready'));
      return super.notifyInitializationComplete();
    }
  }
  const org = new FakeOrg();
  const crm = new SalesforceCrm({ surface: new CountingSurface(org), storage: new MemoryStorage(), clock: new FakeClock(), logger: silentLogger });
  await assert.rejects(crm.notifyReady(), /not ready/);
  refuse = false;
  // The page, the engine and the tab leadership each ask: one notice reaches Salesforce.
  await Promise.all([crm.notifyReady(), crm.notifyReady(), crm.notifyReady()]);
  await crm.notifyReady();
  assert.equal(notices, 2, 'the refused notice, then one');
  assert.equal(org.initializationCompleted, true);
  crm.dispose();
});
