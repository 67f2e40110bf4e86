import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger, type ScreenPopRequest } from '../../core/index.ts';
import { DEFAULT_LAYOUT, FakeOrg } from '../fake/fake-org.ts';
import { FakeSurface } from '../fake/fake-surface.ts';
import { RECORDS } from '../testing/test-fixtures.ts';
import { phoneForms } from './phone-forms.ts';
import { ScreenPopPolicy } from './screen-pop-policy.ts';

function setup(org = new FakeOrg({ records: RECORDS })) {
  const surface = new FakeSurface(org);
  const policy = new ScreenPopPolicy({ surface, logger: silentLogger });
  const searches = () => surface.calls.filter((c) => c.method === 'deferredSearch').map((c) => (c.args[0] as { searchParams: string }).searchParams);
  return { org, surface, policy, searches };
}

function inbound(number: string, attachedData: Record<string, string> = {}): ScreenPopRequest {
  return { callId: 'c1', direction: 'inbound', remote: { number }, attachedData };
}

test('phone forms: one search string, E.164 when the adapter gave it, else the number as received', () => {
  assert.deepEqual(phoneForms({ number: '(415) 555-0134' }), { search: '4155550134', searches: ['4155550134'] });
  assert.deepEqual(phoneForms({ number: '415-555-0134', e164: '+14155550134' }).search, '+14155550134');
  assert.deepEqual(phoneForms({ number: '+44 20 7946 0958' }).search, '+442079460958');
  assert.deepEqual(phoneForms({ number: '020 7946 0958' }).search, '02079460958');
  assert.deepEqual(phoneForms({ number: '1002' }).searches, ['1002'], 'an extension is searched as dialled');
  assert.deepEqual(phoneForms({ number: '' }).searches, []);
  assert.deepEqual(phoneForms({ number: '12' }).searches, [], 'shorter than Salesforce searches (3 characters)');
  assert.deepEqual(phoneForms({ number: '0134', e164: 'not e164' }).search, '0134', 'a malformed e164 is not trusted');
});

test('a case number from the IVR pops that Case, before any phone search', async () => {
  const { policy, org, searches } = setup();
  const outcome = await policy.pop(inbound('+14155550134', { caseNumber: '00001042' }));
  assert.equal(outcome.kind, 'single');
  assert.deepEqual(
    outcome.records.map((r) => [r.objectType, r.id]),
    [['Case', '500000000000000001']],
  );
  assert.deepEqual(org.pops, [{ type: 'sobject', params: { recordId: '500000000000000001' } }]);
  assert.deepEqual(searches(), ['00001042'], "the caller's number was not needed");
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

test('a number matching one record pops it through the layout (SCREEN_POP_DATA unmodified), in one search', async () => {
  const { policy, org, searches, surface } = setup();
  const outcome = await policy.pop(inbound('415-555-0134'));
  assert.equal(outcome.kind, 'single');
  assert.deepEqual(
    outcome.records.map((r) => r.id),
    ['003000000000000001'],
  );
  assert.deepEqual(searches(), ['4155550134'], 'one round trip: the phone search matches every format');
  const popped = surface.calls.filter((c) => c.method === 'popDeferred').map((c) => c.args[0]);
  assert.deepEqual(popped, [{ type: 'sobject', params: { recordId: '003000000000000001' } }]);
  assert.equal(org.pops.length, 1);
  assert.match(outcome.explanation.at(-1)!, /searched 4155550134 in Contact, Account, Case, Lead: 1 match, Contact Ada Lovelace/);
});

test('one search finds a number stored in another format, either way round', async () => {
  const org = new FakeOrg({
    records: [
      { id: '003000000000000009', objectType: 'Contact', name: 'Nat Ional', phones: ['415.555.0101'] },
      { id: '003000000000000010', objectType: 'Contact', name: 'Inter National', phones: ['+1 415 555 0102'] },
    ],
  });
  const { policy, searches } = setup(org);
  const e164Caller = await policy.pop(inbound('+1 415 555 0101'));
  assert.equal(e164Caller.kind, 'single');
  assert.equal(e164Caller.records[0]?.id, '003000000000000009');
  const nationalCaller = await policy.pop(inbound('4155550102'));
  assert.equal(nationalCaller.kind, 'single');
  assert.equal(nationalCaller.records[0]?.id, '003000000000000010');
  assert.deepEqual(searches(), ['+14155550101', '4155550102']);
});

test('with the layout known, the search leaves synchronously from pop() (nothing of ours before the round trip)', async () => {
  const { policy, searches } = setup();
  await policy.warmUp();
  const pending = policy.pop(inbound('+14155550134'));
  assert.deepEqual(searches(), ['+14155550134'], 'sent before pop() returned');
  assert.equal((await pending).kind, 'single');
  const withCase = policy.pop(inbound('+14155550134', { caseNumber: '00001042' }));
  assert.deepEqual(searches().at(-1), '00001042', 'the IVR lookup too');
  await withCase;
});

test('the layout is fetched once and reused; a failed fetch is retried at the next call', async () => {
  const { policy, surface } = setup();
  const original = surface.softphoneLayout.bind(surface);
  let fail = true;
  let layouts = 0;
  surface.softphoneLayout = () => {
    layouts++;
    return fail ? Promise.reject(new Error('GENERIC_ERROR')) : original();
  };
  const first = await policy.pop(inbound('+14155550134'));
  assert.match(first.explanation[0]!, /softphone layout unavailable; searching anyway/);
  fail = false;
  await policy.pop(inbound('+14155550134'));
  await policy.pop(inbound('+14155550134'));
  assert.equal(layouts, 2, 'one failed fetch, then one that is kept');
});

test('a shared number gives multiple: no navigation, the records listed for the agent', async () => {
  const { policy, org } = setup();
  const outcome = await policy.pop(inbound('+14155550177'));
  assert.equal(outcome.kind, 'multiple');
  assert.deepEqual(outcome.records.map((r) => r.objectType).sort(), ['Contact', 'Lead']);
  assert.deepEqual(org.pops, [], 'nothing popped');
  assert.match(outcome.explanation.at(-1)!, /2 matches .*no pop, the agent chooses/);
});

test("an unknown number opens the layout's new-record form with the number prefilled", async () => {
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

test('a failing search by IVR data falls back to the number; if the number search fails the pop rejects', async () => {
  const { policy, surface } = setup();
  const original = surface.deferredSearch.bind(surface);
  let failing = new Set(['00001042']);
  surface.deferredSearch = (request) => (failing.has(request.searchParams) ? Promise.reject(new Error('SERVER_ERROR: busy')) : original(request));
  const outcome = await policy.pop(inbound('+14155550134', { caseNumber: '00001042' }));
  assert.equal(outcome.kind, 'single');
  assert.equal(outcome.records[0]?.name, 'Ada Lovelace');
  assert.match(outcome.explanation[0]!, /case number 00001042 from the IVR: search failed \(SERVER_ERROR: busy\)/);
  failing = new Set(['+14155550134']);
  await assert.rejects(policy.pop(inbound('+14155550134')), /SERVER_ERROR: busy/);
});

test('a Case popped from the IVR brings its contact: the log will name the person beside the Case', async () => {
  const org = new FakeOrg({
    records: [
      ...RECORDS.filter((r) => r.objectType !== 'Case'),
      { id: '500000000000000001', objectType: 'Case', name: 'Engine jammed', fields: { CaseNumber: '00001042', ContactId: '003000000000000001' } },
    ],
  });
  const { policy, surface } = setup(org);
  const outcome = await policy.pop(inbound('+14155559999', { caseNumber: '00001042' }));
  assert.deepEqual(
    outcome.records.map((r) => r.id),
    ['500000000000000001'],
    'the Case is the one match',
  );
  assert.deepEqual(outcome.related, [{ id: '003000000000000001', objectType: 'Contact', name: 'Ada Lovelace' }]);
  assert.deepEqual(
    surface.calls.filter((c) => c.method === 'runApex').map((c) => c.args),
    [['SwitchboardRecords', 'caseContact', 'caseId=500000000000000001']],
  );
  assert.match(outcome.explanation.join('\n'), /the Case's contact is Ada Lovelace \(003000000000000001\)/);
});

test('a Case without a contact, or an org without the Apex class, still pops the Case and says why no contact', async () => {
  const { policy, org } = setup();
  const none = await policy.pop(inbound('+14155559999', { caseNumber: '00001042' }));
  assert.equal(none.related, undefined);
  assert.match(none.explanation.join('\n'), /the Case has no contact/);
  org.unregisterApexClass('SwitchboardRecords');
  const missing = await policy.pop(inbound('+14155559999', { caseNumber: '00001042' }));
  assert.equal(missing.kind, 'single');
  assert.equal(missing.related, undefined);
  assert.match(missing.explanation.join('\n'), /the Case's contact could not be read .*SwitchboardRecords Apex class deployed/);
});

test("a keypad-dialled number is searched in the layout's outbound section", async () => {
  const { policy, surface } = setup();
  const outcome = await policy.pop({ callId: 'c2', direction: 'outbound', remote: { number: '(415) 555-0134', e164: '+14155550134' }, attachedData: {} });
  assert.equal(outcome.kind, 'single');
  assert.equal(outcome.records[0]?.name, 'Ada Lovelace');
  // The outbound section pops nothing, so one search-and-pop request does it (it navigates nowhere).
  assert.deepEqual(
    surface.calls
      .filter((c) => c.method === 'deferredSearch' || c.method === 'searchAndPop')
      .map((c) => [c.method, (c.args[0] as { callType: string }).callType]),
    [['searchAndPop', 'outbound']],
  );
});

/** The default layout, but several matches pop nothing ("Don't pop"): the panel's chooser is the choice. */
function oneStepOrg(): FakeOrg {
  const rules = { ...DEFAULT_LAYOUT.Inbound.screenPopSettings, MultipleMatches: { screenPopType: 'DoNotPop' } };
  return new FakeOrg({ records: RECORDS, layout: { ...DEFAULT_LAYOUT, Inbound: { ...DEFAULT_LAYOUT.Inbound, screenPopSettings: rules } } });
}
const methods = (surface: FakeSurface) => surface.calls.map((c) => c.method).filter((m) => m !== 'softphoneLayout');

test('one request per pop where the layout pops nothing for several matches: one match opens with the search itself', async () => {
  const { policy, org, surface } = setup(oneStepOrg());
  const outcome = await policy.pop(inbound('+14155550134'));
  assert.equal(outcome.kind, 'single');
  assert.equal(outcome.records[0]?.name, 'Ada Lovelace');
  assert.deepEqual(org.pops, [{ type: 'sobject', params: { recordId: outcome.records[0]!.id } }]);
  assert.deepEqual(methods(surface), ['searchAndPop'], 'no second request to pop');
  assert.match(outcome.explanation.join('\n'), /1 match, Contact Ada Lovelace .*popped it \(search and pop in one request\)/);
});

test("one request per pop: no match runs the layout's new-record action with the number prefilled; several open nothing", async () => {
  const { policy, org, surface } = setup(oneStepOrg());
  const none = await policy.pop(inbound('+16505550123'));
  assert.equal(none.kind, 'none');
  assert.deepEqual(none.newRecord, { objectType: 'Contact', defaults: { Phone: '+16505550123' } });
  assert.deepEqual(org.pops, [{ type: 'newRecord', params: { entityName: 'Contact', defaultFieldValues: { Phone: '+16505550123' } } }]);
  org.pops.length = 0;
  const several = await policy.pop(inbound('+14155550177'));
  assert.equal(several.kind, 'multiple');
  assert.deepEqual(several.records.map((r) => r.name).sort(), ['Charles Babbage', 'Grace Hopper']);
  assert.deepEqual(org.pops, [], 'several matches open nothing: the agent chooses');
  assert.deepEqual(methods(surface), ['searchAndPop', 'searchAndPop']);
});

test('one request per pop is not used for call waiting (navigate false) nor where several matches would open a search page', async () => {
  const waiting = setup(oneStepOrg());
  const outcome = await waiting.policy.pop({ ...inbound('+14155550134'), navigate: false });
  assert.equal(outcome.kind, 'single');
  assert.deepEqual(waiting.org.pops, [], 'nothing opens while another conversation holds the workspace');
  assert.deepEqual(methods(waiting.surface), ['deferredSearch']);
  const searchPage = setup();
  await searchPage.policy.pop(inbound('+14155550134'));
  assert.deepEqual(
    methods(searchPage.surface),
    ['deferredSearch', 'popDeferred'],
    'the layout pops a search page on several matches: the deferred form keeps the choice in the panel',
  );
});

test('navigate false (call waiting): the same searches find the same records, and nothing opens', async () => {
  const { policy, org } = setup();
  const byCase = await policy.pop({ ...inbound('+14155550134', { caseNumber: '00001042' }), navigate: false });
  assert.deepEqual([byCase.kind, byCase.records.map((r) => r.objectType)], ['single', ['Case']]);
  assert.match(byCase.explanation.join('\n'), /not opened yet: the agent is in another conversation/);
  const byNumber = await policy.pop({ ...inbound('+14155550134'), navigate: false });
  assert.equal(byNumber.kind, 'single');
  const unknown = await policy.pop({ ...inbound('+16505550123'), navigate: false });
  assert.deepEqual([unknown.kind, unknown.newRecord], ['none', undefined], 'the no-match form does not run either');
  assert.deepEqual(org.pops, [], 'no navigation at all');
});
