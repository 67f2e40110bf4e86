/**
 * Every Open CTI for Lightning rule of the console emulator, in Chromium, from a probe softphone
 * page hosted as a Visualforce page (strict Salesforce-shaped origins via host mapping).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { startHarness, layout, fetchText, type Harness } from './support/console-harness.ts';

const ONE_OBJECT = 'Must pass in only one object which holds arguments to this API method call.';
const INIT_FAILURE = 'Failed to initialize Open CTI. Ensure that it is loaded from the right frame with correct URL parameters';

interface Response {
  success: boolean;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- returnValue shapes vary by method; asserted per test
  returnValue: any;
  errors: { code: string; description: string; details?: unknown }[] | null;
}
type Probe = {
  call(m: string, a?: unknown): Promise<{ response?: Response; thrown?: string }>;
  raw(m: string, a: unknown[]): string;
  listen(m: string): void;
  events: Record<string, unknown[]>;
  loadErrors: string[];
};

let h: Harness;
let page: Page;
let frame: Frame;
let userId: string;
const ids: Record<string, string> = {};

async function call(method: string, args?: unknown): Promise<Response> {
  const r = await frame.evaluate(([m, a]) => (window as unknown as { probe: Probe }).probe.call(m as string, a), [method, args] as const);
  if (r.thrown) throw new Error(`threw: ${r.thrown}`);
  return r.response!;
}
const raw = (method: string, args: unknown[]): Promise<string> =>
  frame.evaluate(([m, a]) => (window as unknown as { probe: Probe }).probe.raw(m as string, a as unknown[]), [method, args] as const);
const events = (method: string): Promise<unknown[]> => frame.evaluate((m) => (window as unknown as { probe: Probe }).probe.events[m] ?? [], method);
const consoleState = <T>(expr: string): Promise<T> => page.evaluate(`(${expr})(window.__console)`) as Promise<T>;
async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  let v = await fn();
  while (!ok(v)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
    v = await fn();
  }
  return v;
}

before(async () => {
  h = await startHarness();
  userId = await h.defaultUserId();
  await h.useCallCenter(userId, {
    internalName: 'ProbeCenter',
    displayName: 'Probe Center',
    adapterUrl: '/apex/OpenCtiProbe',
    width: 320,
    height: 480,
    awayReasons: 'Break:Break;Lunch:Lunch',
  });
  const mk = async (object: string, fields: Record<string, unknown>) => {
    const r = await h.api<{ id: string }>('POST', `/emulator/api/console/objects/${object}/records`, { fields });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id;
  };
  ids.ada = await mk('Contact', { FirstName: 'Ada', LastName: 'Probe', Phone: '+1 415 555 0191' });
  ids.bo = await mk('Contact', { FirstName: 'Bo', LastName: 'Twin', Phone: '+1 415 555 0192' });
  ids.cy = await mk('Contact', { FirstName: 'Cy', LastName: 'Twin', MobilePhone: '(415) 555-0192' });
  await h.setLayout(
    userId,
    layout({
      objects: { Contact: ['Name', 'Phone'] },
      pops: {
        NoMatch: { screenPopType: 'PopToEntity', screenPopData: 'Contact' },
        SingleMatch: { screenPopType: 'PopToEntity' },
        MultipleMatches: { screenPopType: 'PopToSearch' },
      },
    }),
  );
  ({ page, frame } = await h.openConsole());
  await frame.waitForFunction(() => (window as unknown as { probe?: { ready?: boolean } }).probe?.ready === true);
});

after(async () => {
  await h?.close();
});

describe('Open CTI for Lightning in the console emulator', () => {
  it('loads in the softphone frame with every method and constant', async () => {
    const shape = await frame.evaluate(() => {
      const o = (window as unknown as { sforce: { opencti: Record<string, unknown> } }).sforce.opencti;
      return {
        keys: Object.keys(o)
          .filter((k) => typeof o[k] === 'function')
          .sort(),
        hvs: Object.keys(o.hvs as object).sort(),
        CALL_TYPE: o.CALL_TYPE,
        SCREENPOP_TYPE: o.SCREENPOP_TYPE,
      };
    });
    const expected = [
      'disableClickToDial',
      'enableClickToDial',
      'getAppViewInfo',
      'getCallCenterSettings',
      'getSoftphoneLayout',
      'isSoftphonePanelVisible',
      'notifyInitializationComplete',
      'onClickToDial',
      'onNavigationChange',
      'publish',
      'refreshView',
      'runApex',
      'saveLog',
      'screenPop',
      'searchAndScreenPop',
      'setSoftphoneItemIcon',
      'setSoftphoneItemLabel',
      'setSoftphonePanelHeight',
      'setSoftphonePanelIcon',
      'setSoftphonePanelLabel',
      'setSoftphonePanelVisibility',
      'setSoftphonePanelWidth',
      'subscribe',
      'unsubscribe',
    ];
    for (const m of expected) assert.ok(shape.keys.includes(m), `missing ${m}`);
    assert.equal(expected.length + shape.hvs.length, 26);
    assert.deepEqual(shape.hvs, ['completeWork', 'onWorkStart']);
    assert.deepEqual(shape.CALL_TYPE, { INBOUND: 'inbound', OUTBOUND: 'outbound', INTERNAL: 'internal' });
    assert.equal((shape.SCREENPOP_TYPE as Record<string, string>).NEW_RECORD_MODAL, 'newRecord');
    assert.deepEqual(await frame.evaluate(() => (window as unknown as { probe: Probe }).probe.loadErrors), []);
    const src = await consoleState<string>('c => c.softphoneUrl()');
    assert.match(
      src,
      /^https:\/\/switchboard-dev--c\.vf\.force\.com:\d+\/apex\/OpenCtiProbe\?sfdcIframeOrigin=https%3A%2F%2Fswitchboard-dev\.lightning\.force\.com%3A\d+&mode=Lightning$/,
    );
    const allow = await page.getByTitle('Softphone').getAttribute('allow');
    assert.equal(allow, 'microphone; autoplay');
  });

  it('refuses to initialise without the right URL parameters, origin or protocol', async () => {
    const p = await h.browser.newPage();
    const vf = h.app.vfOrigin;
    const lightning = h.app.lightningOrigin;
    const cases = [
      '',
      `?mode=Lightning`,
      `?sfdcIframeOrigin=${encodeURIComponent(lightning)}`,
      `?sfdcIframeOrigin=${encodeURIComponent('http://evil.example.com')}&mode=Lightning`,
      `?sfdcIframeOrigin=${encodeURIComponent('http://127.0.0.1:1234')}&mode=Lightning`,
      `?sfdcIframeOrigin=${encodeURIComponent(lightning.replace('https:', 'http:'))}&mode=Lightning`,
    ];
    for (const q of cases) {
      await p.goto(`${vf}/apex/OpenCtiProbe${q}`);
      const errors = await p.evaluate(() => (window as unknown as { probe: Probe }).probe.loadErrors);
      assert.ok(
        errors.some((e) => e.includes(INIT_FAILURE)),
        `${q}: ${JSON.stringify(errors)}`,
      );
    }
    await p.close();
  });

  it('ignores replies that do not come from sfdcIframeOrigin', async () => {
    await frame.evaluate(() => (window as unknown as { probe: Probe }).probe.listen('onNavigationChange'));
    await frame.evaluate(() =>
      window.postMessage({ methodName: 'onNavigationChange', callId: -1, apiVersion: 62, apiType: 'opencti', response: { url: 'forged' } }, '*'),
    );
    await call('getAppViewInfo');
    assert.ok(!(await events('onNavigationChange')).some((e) => (e as { url: string }).url === 'forged'));
  });

  it("throws Salesforce's messages on bad arguments", async () => {
    assert.equal(await raw('getAppViewInfo', []), ONE_OBJECT);
    assert.equal(await raw('getAppViewInfo', [{}]), ONE_OBJECT);
    assert.equal(await raw('screenPop', [{ type: 'url' }, { params: {} }]), ONE_OBJECT);
    assert.equal(await raw('screenPop', ['sobject']), ONE_OBJECT);
    for (const m of ['getAppViewInfo', 'getCallCenterSettings', 'getSoftphoneLayout', 'isSoftphonePanelVisible']) {
      assert.equal(await raw(m, [{ foo: 1 }]), 'Missing the required argument `callback`!', m);
    }
    for (const m of ['onClickToDial', 'onNavigationChange', 'hvs.onWorkStart']) {
      assert.equal(await raw(m, [{ foo: 1 }]), 'Missing the required argument `listener`!', m);
    }
    assert.equal(await raw('saveLog', [{ callback: '__fn__' }]), 'Missing the required argument `value object`!');
    assert.equal(await raw('enableClickToDial', []), 'ok');
    assert.equal(await raw('refreshView', []), 'ok');
    assert.equal(await raw('refreshView', [{}]), ONE_OBJECT);
    assert.equal(await raw('notifyInitializationComplete', []), 'ok');
    await until(
      'disable',
      () => raw('disableClickToDial', []),
      (v) => v === 'ok',
    );
  });

  it('enforces the panel size limits and applies valid sizes, labels, icons and visibility', async () => {
    for (const [m, v] of [
      ['setSoftphonePanelHeight', { heightPX: 239 }],
      ['setSoftphonePanelHeight', { heightPX: 2561 }],
      ['setSoftphonePanelWidth', { widthPX: 199 }],
      ['setSoftphonePanelWidth', { widthPX: 1921 }],
      ['setSoftphonePanelWidth', { widthPX: '300' }],
    ] as const) {
      const r = await call(m, v);
      assert.equal(r.success, false, `${m} ${JSON.stringify(v)}`);
      assert.equal(r.errors?.[0]?.code, 'INVALID_PARAM');
    }
    assert.equal((await call('setSoftphonePanelHeight', { heightPX: 240 })).success, true);
    assert.equal((await call('setSoftphonePanelWidth', { widthPX: 1920 })).success, true);
    await call('setSoftphoneItemLabel', { label: 'Calls' });
    await call('setSoftphonePanelIcon', { key: 'outbound_call' });
    assert.equal((await call('setSoftphonePanelVisibility', { visible: true })).success, true);
    const panel = await consoleState<{ heightPX: number; widthPX: number; itemLabel: string; panelIcon: string; visible: boolean }>('c => c.panel()');
    assert.deepEqual([panel.heightPX, panel.widthPX, panel.itemLabel, panel.panelIcon, panel.visible], [240, 1920, 'Calls', 'outbound_call', true]);
    assert.deepEqual((await call('isSoftphonePanelVisible')).returnValue, { visible: true });
    await page.getByRole('button', { name: 'Minimize Phone' }).click();
    assert.deepEqual((await call('isSoftphonePanelVisible')).returnValue, { visible: false });
    // Minimised, the softphone still runs.
    assert.equal((await call('getAppViewInfo')).success, true);
    await call('setSoftphonePanelWidth', { widthPX: 320 });
    await call('setSoftphonePanelHeight', { heightPX: 480 });
  });

  it('returns the call center settings in their slash-key shape', async () => {
    const r = await call('getCallCenterSettings');
    assert.equal(r.success, true);
    const s = r.returnValue as Record<string, string>;
    assert.equal(s['/reqGeneralInfo/reqInternalName'], 'ProbeCenter');
    assert.equal(s['/reqGeneralInfo/reqAdapterUrl'], '/apex/OpenCtiProbe');
    assert.equal(s['/reqGeneralInfo/reqAdapterUrl/sortOrder'], '2.0');
    assert.equal(s['/switchboard/sipDomain'], 'switchboard.test');
    assert.equal(s['/label'], 'Probe Center');
    assert.ok(Object.values(s).every((v) => typeof v === 'string'));
    const layoutR = await call('getSoftphoneLayout');
    assert.deepEqual(Object.keys(layoutR.returnValue).sort(), ['Inbound', 'Internal', 'Outbound']);
    assert.deepEqual(
      layoutR.returnValue.Inbound.objects.Contact.map((f: { apiName: string }) => f.apiName),
      ['Name', 'Phone'],
    );
  });

  it('searchAndScreenPop follows the layout: one match pops the record', async () => {
    // The record page comes with the search's answer: the console asks nothing more before showing it.
    const asked: string[] = [];
    const onRequest = (r: { url(): string }): void => {
      if (r.url().includes('/emulator/api/console/')) asked.push(new URL(r.url()).pathname);
    };
    page.on('request', onRequest);
    const r = await call('searchAndScreenPop', { searchParams: '4155550191', callType: 'inbound' });
    assert.equal(r.success, true);
    assert.deepEqual(r.returnValue, { [ids.ada!]: { Id: ids.ada, RecordType: 'Contact', Name: 'Ada Probe', Phone: '+1 415 555 0191' } });
    const tab = await until(
      'record tab',
      () => consoleState<{ recordId?: string }>('c => c.currentTab()'),
      (t) => t?.recordId === ids.ada,
    );
    assert.equal(tab.recordId, ids.ada);
    await page.getByRole('heading', { level: 1, name: 'Ada Probe' }).waitFor({ timeout: 5000 });
    page.off('request', onRequest);
    assert.ok(asked.includes('/emulator/api/console/opencti/searchAndScreenPop'), asked.join(', '));
    assert.deepEqual(
      asked.filter((p) => p.includes('/records/')),
      [],
      'no second request for the record page',
    );
    const info = await call('getAppViewInfo');
    assert.equal(info.returnValue.recordId, ids.ada);
    assert.equal(info.returnValue.objectType, 'Contact');
    assert.equal(info.returnValue.recordName, 'Ada Probe');
    assert.equal(info.returnValue.contactId, ids.ada);
  });

  it('searchAndScreenPop: many matches pop the search page; none pops the new-record modal with defaults', async () => {
    const many = await call('searchAndScreenPop', { searchParams: '+14155550192', callType: 'inbound' });
    assert.deepEqual(Object.keys(many.returnValue).sort(), [ids.bo, ids.cy].sort());
    await until(
      'search tab',
      () => consoleState<{ kind: string }>('c => c.currentTab()'),
      (t) => t.kind === 'search',
    );
    await page.getByRole('heading', { name: 'Top Results' }).waitFor();
    const none = await call('searchAndScreenPop', {
      searchParams: '4155550000',
      callType: 'inbound',
      defaultFieldValues: { Phone: '4155550000', LastName: 'Unknown' },
    });
    assert.deepEqual(none.returnValue, {});
    const modal = await until(
      'modal',
      () => consoleState<{ entityName: string; defaults: Record<string, string> } | null>('c => c.modal()'),
      (m) => m !== null,
    );
    assert.equal(modal?.entityName, 'Contact');
    assert.equal(modal?.defaults.Phone, '4155550000');
    const dialog = page.getByRole('dialog', { name: 'New Contact' });
    assert.equal(await dialog.getByLabel('Phone', { exact: false }).first().inputValue(), '4155550000');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    const short = await call('searchAndScreenPop', { searchParams: '41', callType: 'inbound' });
    assert.equal(short.errors?.[0]?.code, 'INVALID_PARAM');
  });

  it('searchAndScreenPop deferred returns SCREEN_POP_DATA for screenPop and does not navigate', async () => {
    await call('screenPop', { type: 'objecthome', params: { scope: 'Account' } });
    const before = await consoleState<{ url: string }>('c => c.currentTab()');
    const r = await call('searchAndScreenPop', { searchParams: '4155550191', callType: 'inbound', deferred: true });
    assert.ok(r.returnValue[ids.ada!]);
    assert.deepEqual(r.returnValue.SCREEN_POP_DATA, { type: 'sobject', params: { recordId: ids.ada } });
    assert.equal((await consoleState<{ url: string }>('c => c.currentTab()')).url, before.url);
    assert.equal((await call('screenPop', r.returnValue.SCREEN_POP_DATA)).success, true);
    await until(
      'popped',
      () => consoleState<{ recordId?: string }>('c => c.currentTab()'),
      (t) => t.recordId === ids.ada,
    );
  });

  it('searchAndScreenPop returns nothing for objects without display fields, but still pops', async () => {
    await h.setLayout(userId, layout({ objects: { Contact: [] }, pops: { SingleMatch: { screenPopType: 'PopToEntity' } } }));
    await call('screenPop', { type: 'objecthome', params: { scope: 'Lead' } });
    const r = await call('searchAndScreenPop', { searchParams: '4155550191', callType: 'inbound' });
    assert.deepEqual(r.returnValue, {});
    await until(
      'popped',
      () => consoleState<{ recordId?: string }>('c => c.currentTab()'),
      (t) => t.recordId === ids.ada,
    );
    await h.setLayout(
      userId,
      layout({
        objects: { Contact: ['Name', 'Phone'] },
        pops: {
          NoMatch: { screenPopType: 'PopToEntity', screenPopData: 'Contact' },
          SingleMatch: { screenPopType: 'PopToEntity' },
          MultipleMatches: { screenPopType: 'PopToSearch' },
        },
      }),
    );
  });

  it('screenPop handles every type and rejects bad ones with INVALID_PARAM', async () => {
    const ok = async (
      type: string,
      params: unknown,
      check: (t: { kind: string; url: string; flow?: { flowDevName: string; flowArgs: unknown[] } }) => boolean,
    ) => {
      const r = await call('screenPop', { type, params });
      assert.equal(r.success, true, `${type}: ${JSON.stringify(r.errors)}`);
      await until(type, () => consoleState<{ kind: string; url: string }>('c => c.currentTab()'), check);
    };
    await ok('sobject', { recordId: ids.bo }, (t) => t.url.includes(ids.bo!));
    await ok('objecthome', { scope: 'Case' }, (t) => t.kind === 'objecthome' && t.url.includes('/Case/'));
    await ok('list', { listViewId: 'AllOpenLeads', scope: 'Lead' }, (t) => t.kind === 'list' && t.url.includes('AllOpenLeads'));
    await ok('search', { searchString: 'Twin' }, (t) => t.kind === 'search' && t.url.includes('Twin'));
    await ok('url', { url: '/apex/OpenCtiProbe?case=1' }, (t) => t.kind === 'vf');
    await ok(
      'flow',
      { flowDevName: 'Caller_Verification', flowArgs: [{ name: 'phone', type: 'String', value: '4155550191' }] },
      (t) => t.flow?.flowDevName === 'Caller_Verification' && t.flow.flowArgs.length === 1,
    );
    await page.getByRole('region', { name: 'Screen flow' }).getByText('4155550191').waitFor();
    const modal = await call('screenPop', { type: 'newRecord', params: { entityName: 'Case', defaultFieldValues: { Subject: 'From phone' } } });
    assert.equal(modal.success, true);
    await page.getByRole('dialog', { name: 'New Case' }).getByRole('button', { name: 'Cancel' }).click();
    for (const [type, params] of [
      ['sobject', { recordId: '003000000000000AAA' }],
      ['sobject', {}],
      ['url', { url: 'https://evil.example.com/' }],
      ['objecthome', { scope: 'Nope__c' }],
      ['search', { searchString: 'ab' }],
      ['teleport', {}],
    ] as const) {
      const r = await call('screenPop', { type, params });
      assert.equal(r.success, false, `${type} ${JSON.stringify(params)}`);
      assert.equal(r.errors?.[0]?.code, 'INVALID_PARAM');
    }
  });

  it('saveLog validates fields as Salesforce does and the Task shows in Activity History', async () => {
    const unknown = await call('saveLog', { value: { entityApiName: 'Task', Subject: 'x', Bogus__c: 1 } });
    assert.equal(unknown.success, false);
    assert.match(unknown.errors![0]!.description, /Bogus__c/);
    const required = await call('saveLog', { value: { entityApiName: 'Contact', FirstName: 'No' } });
    assert.equal(required.success, false);
    assert.match(required.errors![0]!.description, /LastName/);
    const neither = await call('saveLog', { value: { Subject: 'x' } });
    assert.equal(neither.errors?.[0]?.code, 'INVALID_PARAM');
    const saved = await call('saveLog', {
      value: {
        entityApiName: 'Task',
        Subject: 'Inbound call 4155550191',
        Status: 'Completed',
        CallType: 'Inbound',
        CallDurationInSeconds: 42,
        CallObject: 'call-abc-1',
        WhoId: ids.ada,
        ActivityDate: '2026-11-21',
      },
    });
    assert.equal(saved.success, true, JSON.stringify(saved.errors));
    const taskId = saved.returnValue.recordId as string;
    assert.match(taskId, /^00T/);
    const updated = await call('saveLog', { value: { Id: taskId, CallDisposition: 'Resolved' } });
    assert.equal(updated.success, true, JSON.stringify(updated.errors));
    await call('screenPop', { type: 'sobject', params: { recordId: ids.ada } });
    assert.equal((await call('refreshView')).success, true);
    const row = page.getByRole('table', { name: 'Activity History' }).getByRole('row', { name: /Inbound call 4155550191/ });
    await row.waitFor();
    assert.match(await row.innerText(), /Resolved/);

    const found = await call('runApex', { apexClass: 'SwitchboardCallLog', methodName: 'findByCallObject', methodParams: 'callObject=call-abc-1' });
    assert.deepEqual(found.returnValue, { runApex: taskId });
    const missing = await call('runApex', { apexClass: 'SwitchboardCallLog', methodName: 'findByCallObject', methodParams: 'callObject=never' });
    assert.deepEqual(missing.returnValue, { runApex: '' });
    const nope = await call('runApex', { apexClass: 'NoSuchClass', methodName: 'go', methodParams: 'none' });
    assert.equal(nope.success, false);
    assert.deepEqual(nope.errors, [{ code: 'SERVER_ERROR', description: 'Could not load Apex class: NoSuchClass' }]);
  });

  it('click-to-dial is live only after enableClickToDial, and listeners stay registered', async () => {
    await frame.evaluate(() => (window as unknown as { probe: Probe }).probe.listen('onClickToDial'));
    await call('disableClickToDial');
    await call('screenPop', { type: 'sobject', params: { recordId: ids.ada } });
    await page.getByRole('heading', { name: 'Ada Probe' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Call +1 415 555 0191' }).count(), 0);
    await call('enableClickToDial');
    const button = page.getByRole('button', { name: 'Call +1 415 555 0191' });
    await button.click();
    await button.click();
    const got = await until(
      'clicks',
      () => events('onClickToDial'),
      (e) => e.length === 2,
    );
    assert.deepEqual(got[0], { number: '+1 415 555 0191', recordId: ids.ada, recordName: 'Ada Probe', objectType: 'Contact', contactId: ids.ada, params: '' });
    assert.equal((await consoleState<{ visible: boolean }>('c => c.panel()')).visible, true, 'click-to-dial opens the phone panel');
    // A View All's phone numbers dial as the record page's do, with the row's record.
    const mk = async (object: string, fields: Record<string, unknown>) =>
      (await h.api<{ id: string }>('POST', `/emulator/api/console/objects/${object}/records`, { fields })).body.id;
    const account = await mk('Account', { Name: 'Probe Labs' });
    const dee = await mk('Contact', { FirstName: 'Dee', LastName: 'Labs', Phone: '+1 907 555 0177', AccountId: account });
    await page.evaluate(`window.__console.navigate(${JSON.stringify(`/lightning/r/Account/${account}/related/Contacts/view`)})`);
    await page.getByRole('table', { name: 'Contacts' }).getByRole('button', { name: 'Call +1 907 555 0177' }).click({ timeout: 5000 });
    const fromList = await until(
      'a click in the View All',
      () => events('onClickToDial'),
      (e) => e.length === 3,
    );
    assert.deepEqual(fromList[2], {
      number: '+1 907 555 0177',
      recordId: dee,
      recordName: 'Dee Labs',
      objectType: 'Contact',
      accountId: account,
      contactId: dee,
      params: '',
    });
    await call('screenPop', { type: 'sobject', params: { recordId: ids.ada } });
    await button.waitFor({ timeout: 5000 });
    await call('disableClickToDial');
    await page.getByText('+1 415 555 0191').first().waitFor();
    assert.equal(await page.getByRole('button', { name: 'Call +1 415 555 0191' }).count(), 0);
    const nav = (await events('onNavigationChange')).length;
    await call('screenPop', { type: 'sobject', params: { recordId: ids.bo } });
    await call('screenPop', { type: 'sobject', params: { recordId: ids.cy } });
    const navs = await until(
      'navigation events',
      () => events('onNavigationChange'),
      (e) => e.length >= nav + 2,
    );
    assert.deepEqual(
      navs.slice(nav).map((e) => (e as { recordId?: string }).recordId),
      [ids.bo, ids.cy],
    );
    // In a console app, record → object home gives no navigation call.
    await call('screenPop', { type: 'objecthome', params: { scope: 'Contact' } });
    await call('getAppViewInfo');
    assert.equal((await events('onNavigationChange')).length, nav + 2);
  });

  it('Lightning Message Service carries presence both ways on SwitchboardPresence__c', async () => {
    const subscribed = await frame.evaluate(() =>
      (window as unknown as { probe: { subscribe(c: string): Promise<Response> } }).probe.subscribe('SwitchboardPresence__c'),
    );
    assert.equal(subscribed.success, true);
    await page.getByRole('button', { name: /Omni-Channel/ }).click();
    await page.getByRole('radio', { name: 'Away - Lunch' }).click();
    const got = await until(
      'omni → softphone',
      () => frame.evaluate(() => (window as unknown as { probe: { lms: unknown[] } }).probe.lms),
      (l) => l.length >= 1,
    );
    assert.deepEqual(got[0], { source: 'omni', status: 'away', reasonId: 'Lunch' });
    const pub = await call('publish', { channelName: 'SwitchboardPresence__c', message: { source: 'softphone', status: 'available' } });
    assert.equal(pub.success, true);
    await until(
      'softphone → omni',
      () => consoleState<{ status: string }>('c => c.presence()'),
      (p) => p.status === 'available',
    );
    await page.getByText('Status: Available').waitFor();
    assert.equal((await call('publish', { channelName: 'Nope__c', message: {} })).errors?.[0]?.code, 'INVALID_PARAM');
    const sub = await frame.evaluate(() => (window as unknown as { probe: { sub: unknown } }).probe.sub);
    assert.equal((await call('unsubscribe', { subscription: sub })).success, true);
    const count = (await frame.evaluate(() => (window as unknown as { probe: { lms: unknown[] } }).probe.lms)).length;
    await page.getByRole('radio', { name: 'Offline' }).click();
    await call('getAppViewInfo');
    assert.equal((await frame.evaluate(() => (window as unknown as { probe: { lms: unknown[] } }).probe.lms)).length, count);
  });

  it('hvs.onWorkStart and completeWork; the record page offers a cadence call only once a softphone takes the work', async () => {
    await call('screenPop', { type: 'sobject', params: { recordId: ids.ada } });
    await until(
      'record tab',
      () => consoleState<{ recordId?: string }>('c => c.currentTab()'),
      (t) => t?.recordId === ids.ada,
    );
    assert.equal(
      await page.getByRole('button', { name: 'Start Cadence Call' }).count(),
      0,
      'no cadence call while no softphone listens for Sales Engagement work',
    );
    await frame.evaluate(() => (window as unknown as { probe: Probe }).probe.listen('hvs.onWorkStart'));
    await page.getByRole('button', { name: 'Start Cadence Call' }).waitFor({ timeout: 10_000 });
    await page.evaluate(() => (window as unknown as { __console: { startWork(to: string): string } }).__console.startWork('+14155550191'));
    const work = (
      await until(
        'work',
        () => events('hvs.onWorkStart'),
        (e) => e.length === 1,
      )
    )[0] as { workId: string; completeWorkWhen: string; attributes: { to: string } };
    assert.equal(work.completeWorkWhen, 'TaskSaved');
    assert.equal(work.attributes.to, '+14155550191');
    const missing = await call('hvs.completeWork', { workId: work.workId, attributes: { disposition: 'Connected' } });
    assert.equal(missing.errors?.[0]?.code, 'INVALID_PARAM');
    const done = await call('hvs.completeWork', {
      workId: work.workId,
      attributes: { disposition: 'Connected', taskId: '00T000000000001AAA', wasConnected: true },
    });
    assert.equal(done.success, true);
  });

  it('logs every call in the page and on the server; serves the library for API 38+ only', async () => {
    const log = await page.evaluate(() => (window as unknown as { __consoleLog: { method: string }[] }).__consoleLog.map((e) => e.method));
    for (const m of ['getCallCenterSettings', 'searchAndScreenPop', 'saveLog', 'runApex', 'subscribe', 'publish']) assert.ok(log.includes(m), m);
    const server = await h.api<{ method: string }[]>('GET', '/emulator/api/console/log');
    assert.ok(server.body.some((e) => e.method === 'saveLog'));
    assert.equal((await fetchText(true, h.app.vfPort, 'GET', '/support/api/37.0/lightning/opencti_min.js')).status, 404);
    const v38 = await fetchText(true, h.app.vfPort, 'GET', '/support/api/38.0/lightning/opencti.js');
    assert.equal(v38.status, 200);
    assert.match(v38.type, /javascript/);
    assert.doesNotMatch(v38.text, /^\s*(import|export)\s/m);
  });
});
