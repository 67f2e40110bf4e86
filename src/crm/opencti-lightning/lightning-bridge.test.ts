import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SwitchboardError, silentLogger } from '../../core/index.ts';
import { MemoryStorage } from '../outbox/memory-storage.ts';
import { LIGHTNING_LIBRARY_PATH } from '../shared/load-library.ts';
import { SalesforceApiError } from '../shared/salesforce-error.ts';
import type { OpenCtiCrm } from '../shared/salesforce-crm.ts';
import { FakeClock, flushAsync } from '../testing/fake-clock.ts';
import { installFakeSforce, MISSING_CALLBACK, ONE_OBJECT, type FakeSforceControl } from '../testing/fake-sforce.ts';
import { createFakeBrowser, type ScriptBehaviour } from '../testing/fake-window.ts';
import { LIGHTNING_SEARCH, SF_ORIGIN, SF_TRUST, standardOrg } from '../testing/test-fixtures.ts';
import type { OriginTrust } from '../shared/trusted-origins.ts';
import type { FakeOrg } from '../fake/fake-org.ts';
import { createOpenCtiLightning } from './create-lightning.ts';
import { OpenCtiLightningApi } from './lightning-api.ts';
import { readOpenCti, type OpenCtiLibrary } from './opencti-library.ts';

const INIT_FAILURE = 'Failed to initialize Open CTI. Ensure that it is loaded from the right frame with correct URL parameters';

async function boot(
  options: {
    search?: string;
    behaviour?: (org: FakeOrg) => ScriptBehaviour;
    clock?: FakeClock;
    origins?: OriginTrust;
    protocol?: string;
    storage?: Promise<MemoryStorage>;
    locks?: Promise<undefined>;
    notifyReadyOnLoad?: boolean;
  } = {},
) {
  const org = standardOrg();
  const clock = options.clock ?? new FakeClock();
  let control: FakeSforceControl | undefined;
  const browser = createFakeBrowser({
    search: options.search ?? LIGHTNING_SEARCH,
    ...(options.protocol ? { protocol: options.protocol } : {}),
    onScript: () =>
      options.behaviour?.(org) ?? {
        kind: 'run',
        run: (win) => {
          control = installFakeSforce(win, org);
        },
      },
  });
  const crm = createOpenCtiLightning({
    window: browser.window,
    document: browser.document,
    clock,
    logger: silentLogger,
    storage: options.storage ?? new MemoryStorage(),
    origins: options.origins ?? SF_TRUST,
    ...(options.locks ? { locks: options.locks } : {}),
    ...(options.notifyReadyOnLoad ? { notifyReadyOnLoad: true } : {}),
  });
  return { org, clock, browser, crm, control: () => control! };
}

function apiOver(org: FakeOrg, clock = new FakeClock()): { api: OpenCtiLightningApi; control: FakeSforceControl; lib: OpenCtiLibrary; clock: FakeClock } {
  const win: { sforce?: unknown } = {};
  const control = installFakeSforce(win, org);
  const lib = readOpenCti({ sforce: win.sforce, location: { search: '', protocol: 'https:' }, addEventListener: () => {}, removeEventListener: () => {} });
  assert.ok(lib, 'the fake sforce.opencti passes the type guard');
  return { api: new OpenCtiLightningApi(lib, clock, 5_000), control, lib, clock };
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

test('loads opencti_min.js from the sfdcIframeOrigin of the URL and registers its listeners', async () => {
  const { crm, browser, control } = await boot();
  const port = await crm;
  assert.deepEqual(browser.scripts, [`${SF_ORIGIN}${LIGHTNING_LIBRARY_PATH}`]);
  assert.match(LIGHTNING_LIBRARY_PATH, /^\/support\/api\/\d+\.0\/lightning\/opencti_min\.js$/);
  const registered = control().calls.map((c) => c.method);
  assert.ok(registered.includes('onClickToDial'));
  assert.ok(registered.includes('onNavigationChange'));
  assert.ok(registered.includes('subscribe'));
  assert.equal(port.capabilities.presenceSync, true);
  port.dispose();
});

test('the library loads while the storage is still opening; the bridge starts once both are there', async () => {
  let open: (storage: MemoryStorage) => void = () => {};
  const storage = new Promise<MemoryStorage>((resolve) => {
    open = resolve;
  });
  const { crm, browser } = await boot({ storage });
  let started = false;
  void crm.then(() => {
    started = true;
  });
  for (let i = 0; i < 20; i++) await Promise.resolve();
  assert.deepEqual(browser.scripts, [`${SF_ORIGIN}${LIGHTNING_LIBRARY_PATH}`], 'the script is asked for before the storage opens');
  assert.equal(started, false, 'nothing runs on a storage that is not open');
  open(new MemoryStorage());
  (await crm).dispose();
  assert.equal(started, true);
});

test('asked to, the bridge tells Salesforce it has loaded once the library is in, before the storage opens or the locks are probed; notifyReady shares that notice', async () => {
  let open: (storage: MemoryStorage) => void = () => {};
  let probed: (locks: undefined) => void = () => {};
  const storage = new Promise<MemoryStorage>((resolve) => {
    open = resolve;
  });
  const locks = new Promise<undefined>((resolve) => {
    probed = resolve;
  });
  const { crm, org, control } = await boot({ storage, locks, notifyReadyOnLoad: true });
  for (let i = 0; i < 20 && !org.initializationCompleted; i++) await new Promise((r) => setTimeout(r, 0));
  assert.equal(org.initializationCompleted, true, 'ready before the storage and the locks');
  open(new MemoryStorage());
  probed(undefined);
  const port = await crm;
  await port.notifyReady();
  assert.equal(control().calls.filter((c) => c.method === 'notifyInitializationComplete').length, 1, 'one notice');
  port.dispose();
});

test('missing sfdcIframeOrigin or mode, or a bad origin, fails with SB30001 before loading anything', async () => {
  for (const search of [
    '',
    '?mode=Lightning',
    `?sfdcIframeOrigin=${encodeURIComponent(SF_ORIGIN)}`,
    '?sfdcIframeOrigin=javascript:alert(1)&mode=x',
    `?sfdcIframeOrigin=${encodeURIComponent(SF_ORIGIN + '/path')}&mode=x`,
  ]) {
    const { crm, browser } = await boot({ search });
    await rejectsWith(crm, 'SB30001');
    assert.equal(browser.scripts.length, 0, `no script for '${search}'`);
  }
  const { crm } = await boot({ search: '?mode=Lightning' });
  await rejectsWith(crm, 'SB30001', /sfdcIframeOrigin/);
});

test('http origin from an https page is refused with a clear message', async () => {
  const { crm, browser } = await boot({ search: '?sfdcIframeOrigin=http%3A%2F%2Facme.my.salesforce.com&mode=Lightning' });
  await rejectsWith(crm, 'SB30001', /refused to load Open CTI from http:\/\/acme\.my\.salesforce\.com/);
  assert.equal(browser.scripts.length, 0);
  // A deployment may trust an http origin (the emulator's), but not from an https page.
  const local = 'http://127.0.0.1:4280';
  const trusted = await boot({
    search: `?sfdcIframeOrigin=${encodeURIComponent(local)}&mode=Lightning`,
    origins: { trustedOrigins: [local], ancestry: { framed: true, parentOrigin: local } },
  });
  await rejectsWith(trusted.crm, 'SB30001', /protocol/);
});

test("an origin that is neither Salesforce's nor trusted is refused before any script is injected, naming it and the fix", async () => {
  for (const origin of ['https://attacker.example', 'https://evil.lightning.force.com.attacker.example', 'https://x.force.com', 'http://127.0.0.1:4280']) {
    const { crm, browser } = await boot({
      search: `?sfdcIframeOrigin=${encodeURIComponent(origin)}&mode=Lightning`,
      origins: { trustedOrigins: [], ancestry: { framed: true, parentOrigin: origin } },
    });
    const error = await rejectsWith(crm, 'SB30001');
    assert.ok(error.message.includes(`refused to load Open CTI from ${origin}`), error.message);
    assert.match(error.message, /switchboard-trusted-origins/, 'says how an admin allows an origin');
    assert.deepEqual(browser.scripts, [], `nothing injected for ${origin}`);
  }
});

test('a trusted origin loads; a page not framed, or framed by another origin, loads nothing', async () => {
  const local = 'http://127.0.0.1:4280';
  const search = `?sfdcIframeOrigin=${encodeURIComponent(local)}&mode=Lightning`;
  const ok = await boot({ search, protocol: 'http:', origins: { trustedOrigins: [local], ancestry: { framed: true, parentOrigin: local } } });
  (await ok.crm).dispose();
  assert.deepEqual(ok.browser.scripts, [`${local}${LIGHTNING_LIBRARY_PATH}`]);
  const top = await boot({ origins: { trustedOrigins: [], ancestry: { framed: false } } });
  await rejectsWith(top.crm, 'SB30001', /not inside a frame/);
  const other = await boot({ origins: { trustedOrigins: [], ancestry: { framed: true, parentOrigin: 'https://other.my.salesforce.com' } } });
  await rejectsWith(other.crm, 'SB30001', /framing it is https:\/\/other\.my\.salesforce\.com/);
  assert.deepEqual([...top.browser.scripts, ...other.browser.scripts], []);
  // When the browser does not tell the framing origin, the allow-list alone decides.
  const unknown = await boot({ origins: { trustedOrigins: [], ancestry: { framed: true } } });
  (await unknown.crm).dispose();
});

test('the library throwing "Failed to initialize Open CTI" becomes SB30001 with that text', async () => {
  const { crm } = await boot({
    behaviour: () => ({
      kind: 'run',
      run: (win) => {
        win.sforce = { opencti: {} };
        throw INIT_FAILURE;
      },
    }),
  });
  await rejectsWith(crm, 'SB30001', /Failed to initialize Open CTI/);
});

test('a network error, a script without sforce.opencti, and a script that never loads all fail with SB30001', async () => {
  await rejectsWith((await boot({ behaviour: () => ({ kind: 'network-error' }) })).crm, 'SB30001', /could not be loaded/);
  await rejectsWith((await boot({ behaviour: () => ({ kind: 'run', run: () => {} }) })).crm, 'SB30001', /did not create/);
  const clock = new FakeClock();
  const { crm } = await boot({ clock, behaviour: () => ({ kind: 'never' }) });
  const outcome = rejectsWith(crm, 'SB30001', /did not load .* within/);
  await clock.advance(20_000);
  await outcome;
});

test('loadSettings parses getCallCenterSettings; bad values are SB10001 naming the keys', async () => {
  const { crm, org } = await boot();
  const port = await crm;
  const settings = await port.loadSettings();
  assert.equal(settings.sip.domain, 'switchboard.test');
  org.callCenterSettings['/switchboard/wrapUpSeconds'] = 'soon';
  delete org.callCenterSettings['/switchboard/sipDomain'];
  const error = await rejectsWith(port.loadSettings(), 'SB10001');
  assert.match(error.message, /\/switchboard\/wrapUpSeconds/);
  assert.match(error.message, /\/switchboard\/sipDomain/);
  port.dispose();
});

test('every wrapper passes exactly one object with a callback and reads the answer', async () => {
  const org = standardOrg();
  const { api, control } = apiOver(org);
  await api.enableClickToDial();
  assert.equal(org.clickToDialEnabled, true);
  await api.disableClickToDial();
  assert.equal(org.clickToDialEnabled, false);
  await api.onClickToDial(() => {});
  assert.deepEqual(await api.getAppViewInfo(), { url: '/lightning/page/home', recordId: '', recordName: '', objectType: '' });
  await api.onNavigationChange(() => {});
  assert.equal((await api.getCallCenterSettings())['/reqGeneralInfo/reqInternalName'], 'SwitchboardFake');
  const layout = await api.getSoftphoneLayout();
  assert.equal(layout.Inbound.screenPopSettings.NoMatch?.screenPopData, 'Contact');
  assert.equal(await api.isSoftphonePanelVisible(), true);
  await api.setSoftphonePanelVisibility(false);
  assert.equal(await api.isSoftphonePanelVisible(), false);
  await api.setSoftphonePanelHeight(9999);
  await api.setSoftphonePanelWidth(1);
  assert.deepEqual([org.panel.height, org.panel.width], [2560, 200], 'sizes clamped to 240–2560 / 200–1920');
  await api.setSoftphonePanelHeight(100);
  assert.equal(org.panel.height, 240);
  await api.setSoftphonePanelLabel('Phone');
  await api.setSoftphoneItemLabel('Phone · on call');
  await api.setSoftphonePanelIcon('call');
  await api.setSoftphoneItemIcon('end_call');
  await api.notifyInitializationComplete();
  assert.equal(org.initializationCompleted, true);
  await api.refreshView();
  assert.equal(org.refreshes, 1);
  org.registerApex('Greeter', 'hello', (p) => JSON.stringify({ hello: p.name }));
  assert.deepEqual(await api.runApex('Greeter', 'hello', 'name=Ada'), { hello: 'Ada' }, 'JSON result parsed');
  const id = await api.saveLog({ entityApiName: 'Task', Subject: 'Call', CallObject: 'c-1' });
  assert.match(id, /^00T/);
  await api.screenPop('sobject', { recordId: '003000000000000001' });
  assert.deepEqual(org.pops.at(-1), { type: 'sobject', params: { recordId: '003000000000000001' } });
  const deferred = await api.searchAndScreenPop({ searchParams: '+14155550134', callType: 'inbound', deferred: true });
  assert.ok(deferred['003000000000000001']);
  assert.deepEqual(deferred.SCREEN_POP_DATA, { type: 'sobject', params: { recordId: '003000000000000001' } });
  const pops = org.pops.length;
  await api.screenPopData(deferred.SCREEN_POP_DATA);
  assert.equal(org.pops.length, pops + 1);
  const received: unknown[] = [];
  const sub = await api.subscribe('SwitchboardPresence__c', (m) => received.push(m));
  assert.equal(typeof sub.subscriptionId, 'string');
  await api.publish('SwitchboardPresence__c', { source: 'omni', status: 'away' });
  await flushAsync();
  assert.deepEqual(received, [{ source: 'omni', status: 'away' }]);
  await api.unsubscribe(sub);
  await api.publish('SwitchboardPresence__c', { source: 'omni', status: 'available' });
  await flushAsync();
  assert.equal(received.length, 1, 'no delivery after unsubscribe');
  const work: unknown[] = [];
  await api.hvsOnWorkStart((w) => work.push(w));
  control.startWork({ workId: '0Zx000000000001', to: '+14155550134' });
  await flushAsync();
  assert.deepEqual(work, [{ workId: '0Zx000000000001', completeWorkWhen: 'TaskSaved', attributes: { to: '+14155550134' } }]);
  await api.hvsCompleteWork('0Zx000000000001', { disposition: 'Resolved', taskId: id });
  assert.equal(control.completedWork.length, 1);

  const methods = new Set(control.calls.map((c) => c.method));
  assert.equal(methods.size, 26, `all 26 methods called: ${[...methods].join(', ')}`);
  for (const call of control.calls) {
    assert.equal(call.args.length, 1, `${call.method}: exactly one argument`);
    const arg = call.args[0] as Record<string, unknown>;
    assert.equal(typeof arg, 'object');
    const listenerOnly = ['onClickToDial', 'onNavigationChange', 'hvs.onWorkStart'].includes(call.method);
    assert.equal(typeof (listenerOnly ? arg.listener : arg.callback), 'function', `${call.method}: ${listenerOnly ? 'listener' : 'callback'} passed`);
  }
});

test('success:false rejects with SB30002 carrying the structured errors', async () => {
  const { api, control } = apiOver(standardOrg());
  control.failNext('saveLog', [{ code: 'SERVER_ERROR', description: 'boom', details: { fields: ['Subject'] } } as never]);
  const error = await rejectsWith(api.saveLog({ entityApiName: 'Task', Subject: 'x' }), 'SB30002', /SERVER_ERROR: boom/);
  assert.ok(error instanceof SalesforceApiError);
  assert.equal(error.method, 'saveLog');
  assert.equal(error.kind, 'rejected');
  assert.deepEqual(error.errors[0], { code: 'SERVER_ERROR', description: 'boom', details: { fields: ['Subject'] } });
  const apex = await rejectsWith(api.runApex('Nope', 'x', 'none'), 'SB30002', /Could not load Apex class: Nope/);
  assert.equal((apex as SalesforceApiError).errors[0]?.code, 'SERVER_ERROR');
});

test('a synchronous throw from the library becomes a rejection, and the real argument checks are honoured', async () => {
  const { api, control, lib } = apiOver(standardOrg());
  control.throwNext('getSoftphoneLayout', MISSING_CALLBACK);
  const error = await rejectsWith(api.getSoftphoneLayout(), 'SB30002', /Missing the required argument/);
  assert.equal((error as SalesforceApiError).kind, 'threw');
  // The fake throws exactly as the real library does on misuse:
  assert.throws(() => (lib.getCallCenterSettings as unknown as (a: object) => void)({}), { message: ONE_OBJECT });
  assert.throws(() => (lib.getCallCenterSettings as unknown as (a: object) => void)({ x: 1 }), { message: MISSING_CALLBACK });
  assert.throws(() => (lib.saveLog as unknown as (a: object, b: object) => void)({ value: {} }, {}), { message: ONE_OBJECT });
});

test('a call that never answers times out on the clock', async () => {
  const { api, control, clock } = apiOver(standardOrg());
  control.hangNext('refreshView');
  const outcome = rejectsWith(api.refreshView(), 'SB30002', /TIMEOUT/);
  await clock.advance(5_000);
  const error = await outcome;
  assert.equal((error as SalesforceApiError).kind, 'timeout');
});

test('LMS and hvs are reported missing on an old library version', async () => {
  const org = standardOrg();
  const win: { sforce?: unknown } = {};
  installFakeSforce(win, org, { apiVersion: 45 });
  const lib = readOpenCti({ sforce: win.sforce, location: { search: '', protocol: 'https:' }, addEventListener: () => {}, removeEventListener: () => {} })!;
  const api = new OpenCtiLightningApi(lib, new FakeClock());
  await rejectsWith(api.publish('SwitchboardPresence__c', {}), 'SB30002', /needs API 47\.0/);
  await rejectsWith(
    api.hvsOnWorkStart(() => {}),
    'SB30002',
    /needs API 46\.0/,
  );
});

test('click-to-dial, navigation and presence arrive as CrmPort events; our own presence echo is ignored', async () => {
  const { crm, org } = await boot();
  const port: OpenCtiCrm = await crm;
  const dials: unknown[] = [];
  const nav: unknown[] = [];
  const presence: unknown[] = [];
  port.events.on('clickToDial', (r) => dials.push(r));
  port.events.on('navigation', (r) => nav.push(r));
  port.events.on('presence', (r) => presence.push(r));
  assert.equal(org.clickToDial('+14155550134'), false, 'disabled until enabled');
  await port.enableClickToDial(true);
  org.clickToDial('+14155550134', { id: '003000000000000001', objectType: 'Contact', name: 'Ada Lovelace' });
  org.navigate({ id: '500000000000000001', objectType: 'Case', name: 'Engine jammed' });
  org.navigate(null);
  await port.publishPresence({ status: 'away', reasonId: 'Lunch', since: 0, returnTo: { status: 'away', reasonId: 'Lunch' } });
  org.publish('SwitchboardPresence__c', { source: 'omni', status: 'available' });
  org.publish('SwitchboardPresence__c', { source: 'omni', status: 'on-call' });
  await flushAsync();
  assert.deepEqual(dials, [{ number: '+14155550134', record: { id: '003000000000000001', objectType: 'Contact', name: 'Ada Lovelace' } }]);
  assert.deepEqual(nav, [{ id: '500000000000000001', objectType: 'Case', name: 'Engine jammed' }, null]);
  assert.deepEqual(presence, [{ status: 'available' }], 'own echo and non-choosable statuses ignored');
  assert.deepEqual(org.published[0], { channelName: 'SwitchboardPresence__c', message: { source: 'softphone', status: 'away', reasonId: 'Lunch' } });
  await port.setPanelVisible(false);
  assert.equal(org.panel.visible, false);
  await port.setPanelSize({ height: 10_000, width: 50 });
  assert.deepEqual([org.panel.height, org.panel.width], [2560, 200]);
  port.dispose();
});

test('a call logged through the Lightning bridge becomes one Task with the call fields, then the view refreshes', async () => {
  const { crm, org } = await boot();
  const port = await crm;
  await port.loadSettings();
  const logged = new Promise<[string, string]>((resolve) => port.events.on('logged', (...args) => resolve(args)));
  await port.logCall({
    callId: 'sip-call-1',
    direction: 'inbound',
    remote: { number: '+14155550134', displayName: 'Ada' },
    startedAt: Date.UTC(2026, 0, 15, 9),
    answeredAt: Date.UTC(2026, 0, 15, 9, 0, 5),
    endedAt: Date.UTC(2026, 0, 15, 9, 3),
    durationSeconds: 175,
    holdSeconds: 0,
    endReason: 'remote-hangup',
    disposition: 'Resolved',
    notes: 'asked about the engine',
    who: { id: '003000000000000001', objectType: 'Contact' },
    what: { id: '500000000000000001', objectType: 'Case' },
    attachedData: {},
  });
  const [callId, recordId] = await logged;
  assert.equal(callId, 'sip-call-1');
  assert.equal(org.tasks.length, 1);
  assert.equal(org.tasks[0]!.id, recordId);
  const f = org.tasks[0]!.fields;
  assert.equal(f.CallObject, 'sip-call-1');
  assert.equal(f.CallType, 'Inbound');
  assert.equal(f.WhoId, '003000000000000001');
  assert.equal(f.WhatId, '500000000000000001');
  await flushAsync();
  assert.equal(org.refreshes, 1);
  port.dispose();
});

test('a presence channel that never answers does not hold up the start', async () => {
  let installed: FakeSforceControl | undefined;
  const { crm } = await boot({
    behaviour: (org) => ({
      kind: 'run',
      run: (win) => {
        installed = installFakeSforce(win, org);
        installed.hangNext('subscribe');
      },
    }),
  });
  const control = () => installed!;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const port = await Promise.race([
    crm,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('start waited on the LMS subscription')), 2000);
    }),
  ]);
  clearTimeout(timer);
  assert.equal(port.capabilities.presenceSync, true);
  assert.ok(control().hung.length === 0 || control().hung.includes('subscribe'));
  port.dispose();
});
