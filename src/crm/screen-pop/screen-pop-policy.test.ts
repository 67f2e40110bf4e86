// Tests run in Node; the crm layer rule has no *.test.ts exception for node:* (told the lead).
 
import { test } from 'node:test';
 
import assert from 'node:assert/strict';
import { silentLogger, type ScreenPopRequest } from '../../core/index.ts';
import { DEFAULT_LAYOUT, FakeOrg } from '../fake/fake-org.ts';
import { FakeSurface } from '../fake/fake-surface.ts';
import { RECORDS } from '../testing/test-fixtures.ts';
import { phoneForms } from './phone-forms.ts';
import { ScreenPopPolicy } from './screen-pop-policy.ts';

function setup(org = new FakeOrg({ records: RECORDS }), country = 'US') {
  const surface = new FakeSurface(org);
  const policy = new ScreenPopPolicy({ surface, logger: silentLogger, defaultCountry: () => country });
  const searches = () => surface.calls.filter((c) => c.method === 'deferredSearch').map((c) => (c.args[0] as { searchParams: string }).searchParams);
  return { org, surface, policy, searches };
}

function inbound(number: string, attachedData: Record<string, string> = {}): ScreenPopRequest {
  return { callId: 'c1', direction: 'inbound', remote: { number }, attachedData };
}

test('phone forms: E.164 and the national number, read with the default country', () => {
  assert.deepEqual(phoneForms({ number: '(415) 555-0134' }, 'US'), { e164: '+14155550134', national: '4155550134', searches: ['+14155550134', '4155550134'] });
  assert.deepEqual(phoneForms({ number: '020 7946 0958' }, 'GB'), { e164: '+442079460958', national: '2079460958', searches: ['+442079460958', '2079460958'] });
  assert.deepEqual(phoneForms({ number: '+33 1 23 45 67 89' }, 'US').searches, ['+33123456789', '123456789']);
  assert.deepEqual(phoneForms({ number: '1002' }, 'US').searches, ['1002'], 'an extension is searched as dialled');
  assert.deepEqual(phoneForms({ number: '' }, 'US').searches, []);
});

test('a case number from the IVR pops that Case, before any phone search', async () => {
  const { policy, org, searches } = setup();
  const outcome = await policy.pop(inbound('+14155550134', { caseNumber: '00001042' }));
  assert.equal(outcome.kind, 'single');
  assert.deepEqual(outcome.records.map((r) => [r.objectType, r.id]), [['Case', '500000000000000001']]);
  assert.deepEqual(org.pops, [{ type: 'sobject', params: { recordId: '500000000000000001' } }]);
  assert.deepEqual(searches(), ['00001042'], 'the caller\'s number was not needed');
  assert.match(outcome.explanation.join('\n'), /Case Engine jammed \(500000000000000001\) found from the IVR's case number; popped it/);
});

test('an account number from the IVR pops the Account; an unknown case number falls back to it', async () => {
  const { policy, org } = setup();
  const outcome = await policy.pop(inbound('+14155559999', { caseNumber: '00009999', accountNumber: 'ACC-7731' }));
  assert.equal(outcome.kind, 'single');
  assert.equal(outcome.records[0]?.objectType, 'Account');
  assert.deepEqual(org.pops, [{ type: 'sobject', params: { recordId: '001000000000000001' } }]);
  assert.match(outcome.explanation[0]!, /case number 00009999 from the IVR: no Case found/);
});

test('a case number is not searched when the softphone layout has no Case, and the explanation says why', async () => {
  const objects = { ...DEFAULT_LAYOUT.Inbound.objects };
  delete (objects as Record<string, unknown>).Case;
  const org = new FakeOrg({ records: RECORDS, layout: { ...DEFAULT_LAYOUT, Inbound: { ...DEFAULT_LAYOUT.Inbound, objects } } });
  const { policy, searches } = setup(org);
  const outcome = await policy.pop(inbound('+14155550134', { caseNumber: '00001042' }));
  assert.match(outcome.explanation[0]!, /Case is not in the softphone layout's inbound objects/);
  assert.ok(!searches().includes('00001042'));
  assert.equal(outcome.kind, 'single');
  assert.equal(outcome.records[0]?.name, 'Ada Lovelace');
});

test('a number matching one record pops it through the layout (SCREEN_POP_DATA unmodified), searching E.164 and national forms', async () => {
  const { policy, org, searches, surface } = setup();
  const outcome = await policy.pop(inbound('415-555-0134'));
  assert.equal(outcome.kind, 'single');
  assert.deepEqual(outcome.records.map((r) => r.id), ['003000000000000001']);
  assert.deepEqual(searches(), ['+14155550134', '4155550134']);
  const popped = surface.calls.filter((c) => c.method === 'popDeferred').map((c) => c.args[0]);
  assert.deepEqual(popped, [{ type: 'sobject', params: { recordId: '003000000000000001' } }]);
  assert.equal(org.pops.length, 1);
  assert.match(outcome.explanation.at(-1)!, /searched \+14155550134 and 4155550134 in Contact, Account, Case, Lead: 1 match, Contact Ada Lovelace/);
});

test('a number stored in another format in the org is still found (national form search)', async () => {
  const org = new FakeOrg({ records: [{ id: '003000000000000009', objectType: 'Contact', name: 'Nat Ional', phones: ['415.555.0101'] }] });
  const { policy } = setup(org);
  const outcome = await policy.pop(inbound('+1 415 555 0101'));
  assert.equal(outcome.kind, 'single');
  assert.equal(outcome.records[0]?.id, '003000000000000009');
});

test('a shared number gives multiple: no navigation, the records listed for the agent', async () => {
  const { policy, org } = setup();
  const outcome = await policy.pop(inbound('+14155550177'));
  assert.equal(outcome.kind, 'multiple');
  assert.deepEqual(outcome.records.map((r) => r.objectType).sort(), ['Contact', 'Lead']);
  assert.deepEqual(org.pops, [], 'nothing popped');
  assert.match(outcome.explanation.at(-1)!, /2 matches .*no pop, the agent chooses/);
});

test('an unknown number opens the layout\'s new-record form with the number prefilled', async () => {
  const { policy, org } = setup();
  const outcome = await policy.pop(inbound('+14155550000'));
  assert.equal(outcome.kind, 'none');
  assert.deepEqual(outcome.newRecord, { objectType: 'Contact', defaults: { Phone: '+14155550000' } });
  assert.deepEqual(org.pops, [{ type: 'newRecord', params: { entityName: 'Contact', defaultFieldValues: { Phone: '+14155550000' } } }]);
  assert.match(outcome.explanation.at(-1)!, /no match; opened a new Contact with Phone=\+14155550000 prefilled/);
});

test('no match and no no-match action: nothing pops, the explanation says so', async () => {
  const org = new FakeOrg({ records: RECORDS, layout: { ...DEFAULT_LAYOUT, Inbound: { ...DEFAULT_LAYOUT.Inbound, screenPopSettings: {} } } });
  const { policy } = setup(org);
  const outcome = await policy.pop(inbound('+14155550000'));
  assert.equal(outcome.kind, 'none');
  assert.equal(outcome.newRecord, undefined);
  assert.deepEqual(org.pops, []);
  assert.match(outcome.explanation.at(-1)!, /no no-match action/);
});

test('internal calls are never popped; an anonymous caller is skipped', async () => {
  const { policy, surface } = setup();
  const internal = await policy.pop({ callId: 'c2', direction: 'internal', remote: { number: '1002' }, attachedData: {} });
  assert.equal(internal.kind, 'skipped');
  assert.match(internal.explanation[0]!, /internal call/);
  assert.equal(surface.calls.length, 0, 'not even a search');
  const anonymous = await policy.pop(inbound(''));
  assert.equal(anonymous.kind, 'skipped');
});

test('outbound: the layout has no pop settings, so the match is reported and nothing pops', async () => {
  const { policy, org } = setup();
  const outcome = await policy.pop({ callId: 'c3', direction: 'outbound', remote: { number: '+14155550134' }, attachedData: {} });
  assert.equal(outcome.kind, 'single');
  assert.equal(outcome.records[0]?.id, '003000000000000001');
  assert.deepEqual(org.pops, []);
  assert.match(outcome.explanation.at(-1)!, /not popped \(the softphone layout has no single-match pop for outbound calls\)/);
});

test('a failing search by IVR data falls back to the number; if every number search fails the pop rejects', async () => {
  const { policy, surface } = setup();
  const original = surface.deferredSearch.bind(surface);
  let failing = new Set(['00001042']);
  surface.deferredSearch = (request) => (failing.has(request.searchParams) ? Promise.reject(new Error('SERVER_ERROR: busy')) : original(request));
  const outcome = await policy.pop(inbound('+14155550134', { caseNumber: '00001042' }));
  assert.equal(outcome.kind, 'single');
  assert.equal(outcome.records[0]?.name, 'Ada Lovelace');
  assert.match(outcome.explanation[0]!, /case number 00001042 from the IVR: search failed \(SERVER_ERROR: busy\)/);
  failing = new Set(['+14155550134', '4155550134']);
  await assert.rejects(policy.pop(inbound('+14155550134')), /SERVER_ERROR: busy/);
});
