// Logs Salesforce refuses, as the engine shows them and acts on the agent's choice: against the
// behaving Salesforce (FakeCrm: the real outbox over an in-memory org) and the fake phone system.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectorEngine } from './connector-engine.ts';
import { SwitchboardError } from '../errors/catalog.ts';
import { parseConnectorSettings, type ConnectorSettings } from '../settings/connector-settings.ts';
import { CapturingLogger, FakeClock, MemoryStorage, RecordingCrm, settingsMap } from '../testing/index.ts';
import { FakePhoneSystem } from '../../telephony/fake/index.ts';
import { FakeCrm, FakeOrg, type FakeRecord } from '../../crm/fake/index.ts';
import type { CrmPort } from '../ports/crm-port.ts';
import type { StoragePort } from '../ports/storage.ts';

const ADA: FakeRecord = { id: '003000000000000ADA', objectType: 'Contact', name: 'Ada Lovelace', phones: ['(415) 555-0134'] };

function settings(): ConnectorSettings {
  const parsed = parseConnectorSettings(settingsMap({ '/switchboard/wrapUpEnabled': 'false' }));
  assert.ok(parsed.ok);
  return parsed.settings;
}

/** An org that refuses every call log (its Task has no Description field) until `accept()`. */
function refusingOrg(): FakeOrg & { accept(): void } {
  const org = new FakeOrg({ rejectFields: ['Description'], records: [ADA] });
  return Object.assign(org, { accept: () => org.rejectFields.clear() });
}

async function agent(crm: CrmPort) {
  const clock = new FakeClock();
  const phone = new FakePhoneSystem({ users: { '1001': 'secret' }, now: () => clock.now() });
  const logger = new CapturingLogger();
  const engine = new ConnectorEngine({ crm, createTelephony: () => phone.createTelephony(), storage: new MemoryStorage(), clock, logger });
  await engine.start();
  await engine.execute({ type: 'sign-in', username: '1001', password: 'secret' });
  await phone.settle();
  return {
    engine,
    logger,
    /** A caller rings, the agent answers, the caller hangs up: logged at once (no wrap-up). Answers the call id. */
    async call(from = '+14155550134'): Promise<string> {
      const far = phone.callAgent({ from });
      await phone.settle();
      await engine.execute({ type: 'answer', callId: far.callId });
      await phone.settle();
      far.hangup();
      await phone.settle();
      return far.callId;
    },
    dispose: () => engine.dispose(),
  };
}

function salesforce(org: FakeOrg, storage?: StoragePort, logger = new CapturingLogger()): FakeCrm {
  return new FakeCrm({ settings: settings(), org, logger, ...(storage ? { storage } : {}) });
}

describe('call logs Salesforce refuses', () => {
  it('are in the state with whom, when and why; Retry after the fix saves the same log once, looking it up first', async () => {
    const org = refusingOrg();
    const fake = salesforce(org);
    const a = await agent(fake);
    const callId = await a.call();
    await fake.settle();
    const [log, ...more] = a.engine.state.unsavedLogs ?? [];
    assert.equal(more.length, 0);
    assert.ok(log, 'the refused log is in the state');
    assert.equal(log.callId, callId);
    assert.equal(log.direction, 'inbound');
    assert.equal(log.name, 'Ada Lovelace');
    assert.match(log.number ?? '', /415/);
    assert.match(log.title, /^Inbound call/, 'the Task Subject it would have');
    assert.match(log.reason, /No such column 'Description'/);
    assert.deepEqual(log.fields, ['Description']);
    assert.equal(org.tasks.length, 0);

    org.accept();
    const saves = org.saveAttempts.length;
    const calls = fake.surface.calls.length;
    await a.engine.execute({ type: 'retry-log', callId });
    await fake.settle();
    assert.deepEqual(a.engine.state.unsavedLogs, []);
    assert.equal(org.tasksWithCallObject(callId).length, 1, 'saved once');
    assert.equal(org.saveAttempts.length, saves + 1, 'one more save');
    const after = fake.surface.calls.slice(calls).map((c) => c.method);
    assert.ok(
      after.indexOf('runApex') >= 0 && after.indexOf('runApex') < after.indexOf('saveLog'),
      `looked up by CallObject before saving (${after.join(', ')})`,
    );
    // A second Retry (a double click, another tab) finds nothing parked: nothing more is written.
    await a.engine.execute({ type: 'retry-log', callId });
    await fake.settle();
    assert.equal(org.tasksWithCallObject(callId).length, 1);
    a.dispose();
    fake.dispose();
  });

  it('Discard drops the log for good (never written, even once the org would take it) and logs that it did', async () => {
    const org = refusingOrg();
    const logger = new CapturingLogger();
    const fake = salesforce(org, undefined, logger);
    const a = await agent(fake);
    const kept = await a.call();
    const dropped = await a.call('+16505550123');
    await fake.settle();
    assert.deepEqual(
      a.engine.state.unsavedLogs?.map((l) => l.callId),
      [kept, dropped],
    );
    assert.equal(a.engine.state.unsavedLogs?.[1]?.name, undefined, 'an unknown caller has no name');
    await a.engine.execute({ type: 'discard-log', callId: dropped });
    await fake.settle();
    assert.deepEqual(
      a.engine.state.unsavedLogs?.map((l) => l.callId),
      [kept],
    );
    assert.equal(logger.find('warn', 'discarded').length, 1);
    assert.equal(logger.find('warn', 'discarded')[0]?.data?.['callId'], dropped);
    org.accept();
    await a.engine.execute({ type: 'retry-log', callId: dropped });
    await a.engine.execute({ type: 'retry-log', callId: kept });
    await fake.settle();
    assert.equal(org.tasksWithCallObject(dropped).length, 0, 'the discarded log is never written');
    assert.equal(org.tasksWithCallObject(kept).length, 1);
    a.dispose();
    fake.dispose();
  });

  it('a reloaded page shows the logs an earlier one left refused', async () => {
    const org = refusingOrg();
    const storage = new MemoryStorage();
    const first = salesforce(org, storage);
    const a = await agent(first);
    const callId = await a.call();
    await first.settle();
    a.dispose();
    first.dispose();
    const again = salesforce(org, storage);
    const b = await agent(again);
    await again.settle();
    assert.deepEqual(
      b.engine.state.unsavedLogs?.map((l) => l.callId),
      [callId],
    );
    b.dispose();
    again.dispose();
  });

  it('a CRM that keeps no refused logs (it logs by itself) has none to show, and says so to a retry', async () => {
    const crm = new RecordingCrm({ settings: settingsMap({}) });
    const a = await agent(crm);
    assert.equal(a.engine.state.unsavedLogs, undefined);
    await assert.rejects(a.engine.execute({ type: 'retry-log', callId: 'x' }), (e: SwitchboardError) => e.code === 'SB40001');
    a.dispose();
  });
});
