import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallLogEntry, ClickToDialRequest, PresenceRequest } from '../../core/index.ts';
import { MemoryStorage } from '../outbox/memory-storage.ts';
import { flushAsync } from '../testing/fake-clock.ts';
import { RECORDS, testSettings } from '../testing/test-fixtures.ts';
import { FakeCrm } from './fake-crm.ts';

function log(callId: string): CallLogEntry {
  return {
    callId,
    direction: 'inbound',
    remote: { number: '+14155550134' },
    startedAt: 0,
    endedAt: 1000,
    durationSeconds: 1,
    holdSeconds: 0,
    endReason: 'remote-hangup',
    notes: '',
    attachedData: {},
  };
}

test('FakeCrm: settings, pops by the layout rules, and recorded calls', async () => {
  const crm = new FakeCrm({ settings: testSettings(), records: RECORDS });
  assert.equal((await crm.loadSettings()).sip.domain, 'switchboard.test');
  await crm.notifyReady();
  assert.equal(crm.org.initializationCompleted, true);
  const single = await crm.screenPop({ callId: 'c1', direction: 'inbound', remote: { number: '4155550134' }, attachedData: {} });
  assert.equal(single.kind, 'single');
  assert.deepEqual(
    crm.openedRecords.map((r) => r.name),
    ['Ada Lovelace'],
  );
  const multiple = await crm.screenPop({ callId: 'c2', direction: 'inbound', remote: { number: '+14155550177' }, attachedData: {} });
  assert.equal(multiple.kind, 'multiple');
  await crm.openRecord(multiple.records[1]!);
  assert.equal(crm.openedRecords.length, 2);
  const none = await crm.screenPop({ callId: 'c3', direction: 'inbound', remote: { number: '+14155550000' }, attachedData: {} });
  assert.deepEqual(none.newRecord, { objectType: 'Contact', defaults: { Phone: '+14155550000' } });
  assert.equal(crm.screenPopRequests.length, 3);
  crm.dispose();
});

test('FakeCrm: logs are saved exactly once even with failures; settle() drains', async () => {
  const crm = new FakeCrm({ settings: testSettings() });
  crm.setLogFailureRate(0.5, 3, ['reject', 'lost', 'hang']);
  const logged: string[] = [];
  crm.events.on('logged', (callId) => logged.push(callId));
  for (let i = 0; i < 30; i++) await crm.logCall(log(`call-${i}`));
  await crm.logCall(log('call-0'));
  await crm.settle();
  assert.equal(crm.savedLogs.length, 30);
  assert.equal(new Set(crm.savedLogs.map((t) => t.fields.CallObject)).size, 30);
  assert.equal(new Set(logged).size, 30);
  crm.dispose();
});

test('FakeCrm: a reload over the same storage finishes what the previous page queued', async () => {
  const storage = new MemoryStorage();
  const first = new FakeCrm({ settings: testSettings(), storage });
  first.failNextLogs(1, 'hang');
  await first.logCall(log('call-1'));
  first.dispose();
  const second = new FakeCrm({ settings: testSettings(), storage, org: first.org, clock: first.clock });
  await first.advance(120_000);
  await second.settle();
  assert.equal(first.org.tasksWithCallObject('call-1').length, 1, 'the hung save created it; the new page adopted it');
  second.dispose();
});

test('FakeCrm: click-to-dial, navigation, Omni-Channel presence and presence publishing', async () => {
  const crm = new FakeCrm({ settings: testSettings(), records: RECORDS });
  const dials: ClickToDialRequest[] = [];
  const presence: PresenceRequest[] = [];
  const nav: unknown[] = [];
  crm.events.on('clickToDial', (r) => dials.push(r));
  crm.events.on('presence', (r) => presence.push(r));
  crm.events.on('navigation', (r) => nav.push(r));
  await crm.loadSettings();
  assert.equal(crm.clickToDial('+14155550134'), false);
  await crm.enableClickToDial(true);
  assert.equal(crm.clickToDial('+14155550134'), true);
  crm.navigate({ id: '003000000000000001', objectType: 'Contact', name: 'Ada Lovelace' });
  crm.omniPresence('away', 'Lunch');
  await crm.publishPresence({ status: 'on-call', since: 0, returnTo: { status: 'available' } });
  await flushAsync();
  assert.deepEqual(dials, [{ number: '+14155550134' }]);
  assert.deepEqual(nav, [{ id: '003000000000000001', objectType: 'Contact', name: 'Ada Lovelace' }]);
  assert.deepEqual(presence, [{ status: 'away', reasonId: 'Lunch' }], 'own on-call echo ignored');
  assert.deepEqual(crm.presencePublished, [{ source: 'softphone', status: 'on-call' }]);
  crm.dispose();
});

test('FakeCrm: settingsError makes loadSettings fail with SB10001; capabilities can be turned off', async () => {
  const crm = new FakeCrm({ settings: testSettings(), settingsError: 'sipDomain is required', capabilities: { presenceSync: false, callLogging: false } });
  await assert.rejects(crm.loadSettings(), { code: 'SB10001' });
  assert.equal(crm.capabilities.presenceSync, false);
  assert.equal(crm.capabilities.callLogging, false);
  await crm.publishPresence({ status: 'available', since: 0, returnTo: { status: 'available' } });
  assert.equal(crm.org.published.length, 0);
  crm.dispose();
});
