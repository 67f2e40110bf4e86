import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SwitchboardError, silentLogger } from '../../core/index.ts';
import { MemoryStorage } from '../outbox/memory-storage.ts';
import { CLASSIC_LIBRARY_PATH } from '../shared/load-library.ts';
import { SalesforceApiError } from '../shared/salesforce-error.ts';
import { FakeClock, flushAsync } from '../testing/fake-clock.ts';
import { installFakeSforce, type FakeSforceControl } from '../testing/fake-sforce.ts';
import { createFakeBrowser, type ScriptBehaviour } from '../testing/fake-window.ts';
import { CLASSIC_SEARCH, LIGHTNING_SEARCH, SF_ORIGIN, SF_TRUST, standardOrg } from '../testing/test-fixtures.ts';
import type { FakeOrg } from '../fake/fake-org.ts';
import { OpenCtiClassicApi, parseClassicResult } from './classic-api.ts';
import { toSaveParams } from './classic-surface.ts';
import { createOpenCtiClassic } from './create-classic.ts';
import { readInteraction } from './interaction-library.ts';

function boot(options: { search?: string; behaviour?: (org: FakeOrg) => ScriptBehaviour } = {}) {
  const org = standardOrg();
  const clock = new FakeClock();
  let control: FakeSforceControl | undefined;
  const browser = createFakeBrowser({
    search: options.search ?? CLASSIC_SEARCH,
    onScript: () =>
      options.behaviour?.(org) ?? {
        kind: 'run',
        run: (win) => {
          control = installFakeSforce(win, org);
        },
      },
  });
  const crm = createOpenCtiClassic({
    window: browser.window,
    document: browser.document,
    clock,
    logger: silentLogger,
    storage: new MemoryStorage(),
    origins: SF_TRUST,
  });
  return { org, clock, browser, crm, control: () => control! };
}

function apiOver(org: FakeOrg) {
  const win: { sforce?: unknown } = {};
  const control = installFakeSforce(win, org);
  const lib = readInteraction({ sforce: win.sforce, location: { search: '', protocol: 'https:' }, addEventListener: () => {}, removeEventListener: () => {} });
  assert.ok(lib, 'the fake sforce.interaction passes the type guard');
  const clock = new FakeClock();
  return { api: new OpenCtiClassicApi(lib, clock, 5_000), control, clock };
}

async function rejectsWith(promise: Promise<unknown>, code: string, pattern?: RegExp): Promise<SwitchboardError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SwitchboardError, `expected a SwitchboardError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (pattern) assert.match(error.message, pattern);
    return error;
  }
  assert.fail(`expected a rejection with ${code}`);
}

test("loads interaction.js from sfdcIFrameOrigin (capital F); Lightning's parameter is not accepted", async () => {
  const { crm, browser } = boot();
  const port = await crm;
  assert.deepEqual(browser.scripts, [`${SF_ORIGIN}${CLASSIC_LIBRARY_PATH}`]);
  assert.equal(port.capabilities.presenceSync, false, 'Classic has no LMS');
  port.dispose();
  const wrong = boot({ search: LIGHTNING_SEARCH });
  await rejectsWith(wrong.crm, 'SB30001', /sfdcIFrameOrigin/);
  assert.equal(wrong.browser.scripts.length, 0);
});

test('Classic refuses a foreign or http origin in sfdcIFrameOrigin before injecting anything', async () => {
  for (const origin of ['https://attacker.example', 'http://acme.my.salesforce.com', 'javascript:alert(1)']) {
    const { crm, browser } = boot({ search: `?sfdcIFrameOrigin=${encodeURIComponent(origin)}&nonce=abc&isdtp=vw` });
    await rejectsWith(crm, 'SB30001', /sfdcIFrameOrigin/);
    assert.deepEqual(browser.scripts, [], `nothing injected for ${origin}`);
  }
});

test('a Classic library that throws at load is SB30001', async () => {
  const { crm } = boot({
    behaviour: () => ({
      kind: 'run',
      run: () => {
        throw 'Failed to initialize Open CTI for Salesforce Classic';
      },
    }),
  });
  await rejectsWith(crm, 'SB30001', /Failed to initialize Open CTI/);
});

test('parseClassicResult: JSON strings parsed, booleans read, other text kept', () => {
  assert.deepEqual(parseClassicResult('{"a":1}'), { a: 1 });
  assert.deepEqual(parseClassicResult('[1]'), [1]);
  assert.equal(parseClassicResult('true'), true);
  assert.equal(parseClassicResult('false'), false);
  assert.equal(parseClassicResult('00T000000000000001'), '00T000000000000001');
  assert.equal(parseClassicResult('{broken'), '{broken');
});

test('every Classic wrapper: positional arguments, callbacks, JSON results parsed', async () => {
  const org = standardOrg();
  const { api, control } = apiOver(org);
  assert.deepEqual(await api.getPageInfo(), { url: '/home/home.jsp', objectId: '', object: '', objectName: '' });
  assert.equal(await api.isInConsole(), true);
  assert.equal(await api.isVisible(), true);
  await api.setVisible(false);
  assert.equal(await api.isVisible(), false);
  const focus: unknown[] = [];
  await api.onFocus((p) => focus.push(p));
  org.navigate({ id: '001000000000000001', objectType: 'Account', name: 'Analytical Engines' });
  await flushAsync();
  assert.deepEqual(focus, [
    { url: '/lightning/r/Account/001000000000000001/view', objectId: '001000000000000001', object: 'Account', objectName: 'Analytical Engines' },
  ]);
  await api.refreshPage();
  await api.refreshRelatedList('ActivityHistory');
  assert.equal(org.refreshes, 1);
  org.registerApex('Greeter', 'hello', (p) => ({ hello: p.name }));
  assert.deepEqual(await api.runApex('Greeter', 'hello', 'name=Ada'), { hello: 'Ada' });
  const id = await api.saveLog('Task', toSaveParams({ Subject: 'Call & more', CallObject: 'c-1', CallDurationInSeconds: 5 }));
  assert.match(id, /^00T/);
  assert.equal(org.tasks[0]!.fields.Subject, 'Call & more', 'saveParams encoded and decoded');
  await api.screenPop('/003000000000000001', true);
  assert.deepEqual(org.pops.at(-1), { type: 'sobject', params: { recordId: '003000000000000001' } });
  const found = await api.searchAndScreenPop('+14155550134', '', 'inbound');
  assert.deepEqual(Object.keys(found as object), ['003000000000000001']);
  const url = await api.searchAndGetScreenPopUrl('+14155550000', '', 'inbound');
  assert.deepEqual(url, { records: {}, screenPopUrl: '/003/e' });
  await api.refreshObject('500000000000000001', true, true, true);
  await api.onObjectUpdate(() => {});
  await api.reloadFrame();
  await api.enableClickToDial();
  assert.equal(org.clickToDialEnabled, true);
  await api.disableClickToDial();
  const dials: unknown[] = [];
  await api.onClickToDial((p) => dials.push(p));
  await api.enableClickToDial();
  org.clickToDial('4155550134', { id: '003000000000000001', objectType: 'Contact', name: 'Ada Lovelace' });
  await flushAsync();
  assert.deepEqual(dials, [{ number: '4155550134', objectId: '003000000000000001', objectName: 'Ada Lovelace', object: 'Contact', displayName: 'Contact' }]);
  assert.equal((await api.getCallCenterSettings())['/switchboard/sipDomain'], 'switchboard.test');
  assert.equal((await api.getSoftphoneLayout()).Inbound.screenPopSettings.MultipleMatches?.screenPopType, 'PopToSearch');
  const directory = await api.getDirectoryNumbers(true, undefined, 0, 2);
  assert.equal(directory.numbers.length, 2);
  assert.equal(directory.hasNext, false);
  await api.notifyInitializationComplete();
  assert.equal(org.initializationCompleted, true);
  await api.setSoftphoneHeight(99_999);
  await api.setSoftphoneWidth(3);
  assert.deepEqual([org.panel.height, org.panel.width], [2560, 200]);

  const methods = new Set(control.calls.map((c) => c.method));
  assert.equal(methods.size, 24, `all sforce.interaction(.cti/.entityFeed) methods called: ${[...methods].join(', ')}`);
  const noCallback = new Set(['onFocus', 'cti.onClickToDial', 'cti.notifyInitializationComplete', 'entityFeed.onObjectUpdate', 'entityFeed.reloadFrame']);
  for (const call of control.calls) {
    if (noCallback.has(call.method)) continue;
    assert.ok(
      call.args.some((a) => typeof a === 'function'),
      `${call.method}: a callback was passed`,
    );
  }
});

test('Classic {error} answers and synchronous throws reject with SB30002', async () => {
  const { api, control } = apiOver(standardOrg());
  const apex = await rejectsWith(api.runApex('Nope', 'x', ''), 'SB30002', /Could not load Apex class: Nope/);
  assert.equal((apex as SalesforceApiError).errors[0]?.code, 'CLASSIC_ERROR');
  control.failNext('getPageInfo', [{ code: 'GENERIC_ERROR', description: 'console not ready' }]);
  await rejectsWith(api.getPageInfo(), 'SB30002', /console not ready/);
  control.throwNext('saveLog', 'saveLog(object, saveParams, callback): object and saveParams must be strings');
  const thrown = await rejectsWith(api.saveLog('Task', 'Subject=x'), 'SB30002', /must be strings/);
  assert.equal((thrown as SalesforceApiError).kind, 'threw');
  const refused = await rejectsWith(api.saveLog('Task', 'Bogus__c=1'), 'SB30002', /INVALID_FIELD/);
  assert.equal((refused as SalesforceApiError).kind, 'rejected');
});

test('Classic bridge: screen pop via searchAndGetScreenPopUrl, logging via saveLog query strings, events, panel', async () => {
  const { crm, org } = boot();
  const port = await crm;
  await port.loadSettings();
  const single = await port.screenPop({ callId: 'c1', direction: 'inbound', remote: { number: '(415) 555-0134' }, attachedData: {} });
  assert.equal(single.kind, 'single');
  assert.deepEqual(org.pops.at(-1), { type: 'sobject', params: { recordId: '003000000000000001' } });
  const none = await port.screenPop({ callId: 'c2', direction: 'inbound', remote: { number: '+14155550000' }, attachedData: {} });
  assert.equal(none.kind, 'none');
  assert.deepEqual(none.newRecord, { objectType: 'Contact', defaults: {} }, 'Classic cannot prefill');
  assert.deepEqual(org.pops.at(-1), { type: 'url', params: { url: '/003/e' } });
  const multiple = await port.screenPop({ callId: 'c3', direction: 'inbound', remote: { number: '+14155550177' }, attachedData: {} });
  assert.equal(multiple.kind, 'multiple');
  await port.openRecord(multiple.records[0]!);
  assert.deepEqual(org.pops.at(-1), { type: 'sobject', params: { recordId: multiple.records[0]!.id } });

  const logged = new Promise<string>((resolve) => port.events.on('logged', (_c, id) => resolve(id)));
  await port.logCall({
    callId: 'classic-1',
    direction: 'outbound',
    remote: { number: '+14155550134' },
    startedAt: 0,
    endedAt: 60_000,
    durationSeconds: 55,
    holdSeconds: 0,
    endReason: 'local-hangup',
    notes: 'n',
    attachedData: {},
  });
  const id = await logged;
  assert.equal(org.tasks[0]!.id, id);
  assert.equal(org.tasks[0]!.fields.CallType, 'Outbound');
  assert.equal(org.tasks[0]!.fields.CallDurationInSeconds, '55', 'query strings carry text');

  const nav: unknown[] = [];
  port.events.on('navigation', (r) => nav.push(r));
  org.navigate({ id: '500000000000000001', objectType: 'Case', name: 'Engine jammed' });
  await flushAsync();
  assert.deepEqual(nav, [{ id: '500000000000000001', objectType: 'Case', name: 'Engine jammed' }]);
  await port.setPanelVisible(false);
  assert.equal(org.panel.visible, false);
  await port.publishPresence({ status: 'available', since: 0, returnTo: { status: 'available' } });
  assert.equal(org.published.length, 0, 'no presence sync in Classic');
  port.dispose();
});
