/**
 * The Classic console mode: the softphone loads with Classic's frame parameters and gets
 * interaction.js semantics (positional arguments, `{result, error}`, JSON-string results).
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { startHarness, layout, type Harness } from './support/console-harness.ts';

let h: Harness;
let page: Page;
let frame: Frame;
let contactId: string;

type Probe = {
  call(path: string, args?: unknown[]): Promise<{ result?: unknown; error?: string; id?: string }>;
  listen(path: string): void;
  events: Record<string, { result: string }[]>;
  loadErrors: string[];
};
const call = (path: string, args: unknown[] = []) =>
  frame.evaluate(([p, a]) => (window as unknown as { probe: Probe }).probe.call(p as string, a as unknown[]), [path, args] as const);

before(async () => {
  h = await startHarness();
  const userId = await h.defaultUserId();
  await h.useCallCenter(userId, { internalName: 'ClassicCenter', adapterUrl: '/apex/ClassicProbe', mode: 'Classic' });
  await h.setLayout(userId, layout({ objects: { Contact: ['Name'] }, pops: { SingleMatch: { screenPopType: 'PopToEntity' } } }));
  const r = await h.api<{ id: string }>('POST', '/emulator/api/console/objects/Contact/records', {
    fields: { FirstName: 'Clara', LastName: 'Classic', Phone: '+1 212 555 0177' },
  });
  contactId = r.body.id;
  ({ page, frame } = await h.openConsole({ classic: true, framePath: '/apex/ClassicProbe' }));
  await frame.waitForFunction(() => (window as unknown as { probe?: { ready?: boolean } }).probe?.ready === true);
});
after(async () => {
  await h?.close();
});

it('loads the softphone with Classic frame parameters', async () => {
  const url = new URL(frame.url());
  assert.equal(url.searchParams.get('sfdcIFrameOrigin'), h.app.lightningOrigin);
  assert.ok(url.searchParams.get('nonce'));
  assert.deepEqual(await frame.evaluate(() => (window as unknown as { probe: Probe }).probe.loadErrors), []);
});

it('answers in Classic shapes', async () => {
  const settings = await call('cti.getCallCenterSettings');
  assert.equal(typeof settings.result, 'string');
  assert.equal(JSON.parse(settings.result as string)['/reqGeneralInfo/reqInternalName'], 'ClassicCenter');
  assert.equal((await call('isInConsole')).result, true);
  const found = await call('searchAndScreenPop', ['2125550177', '', 'inbound']);
  const matches = JSON.parse(found.result as string) as Record<string, { Name: string; object: string }>;
  assert.equal(matches[contactId]?.Name, 'Clara Classic');
  assert.equal(matches[contactId]?.object, 'Contact');
  await page.getByRole('heading', { name: 'Clara Classic' }).waitFor();
  const info = JSON.parse((await call('getPageInfo')).result as string) as { objectId: string };
  assert.equal(info.objectId, contactId);
  const saved = await call('saveLog', ['Task', `Subject=Classic%20call&Status=Completed&WhoId=${contactId}&CallObject=classic-1`]);
  assert.equal(saved.result, true, JSON.stringify(saved));
  assert.match(String(saved.id), /^00T/);
  const bad = await call('saveLog', ['Task', 'Subject=x&Nope__c=1']);
  assert.equal(bad.result, false);
  assert.match(String(bad.error), /Nope__c/);
  const apex = await call('runApex', ['SwitchboardCallLog', 'findByCallObject', 'callObject=classic-1']);
  assert.equal(apex.result, saved.id);
  const missing = await call('runApex', ['Nope', 'go', 'none']);
  assert.equal(missing.error, 'Could not load Apex class: Nope');
});

it('click-to-dial reaches onClickToDial as a JSON string once enabled', async () => {
  await frame.evaluate(() => (window as unknown as { probe: Probe }).probe.listen('cti.onClickToDial'));
  await frame.evaluate(() => (window as unknown as { probe: Probe }).probe.listen('onFocus'));
  await call('screenPop', [`/${contactId}`, true]);
  await page.getByRole('heading', { name: 'Clara Classic' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Call +1 212 555 0177' }).count(), 0);
  await call('cti.enableClickToDial');
  await page.getByRole('button', { name: 'Call +1 212 555 0177' }).click();
  await frame.waitForFunction(() => (window as unknown as { probe: Probe }).probe.events['cti.onClickToDial']!.length === 1);
  const ev = await frame.evaluate(() => (window as unknown as { probe: Probe }).probe.events['cti.onClickToDial']![0]!.result);
  assert.deepEqual(JSON.parse(ev), { number: '+1 212 555 0177', objectId: contactId, objectName: 'Clara Classic', object: 'Contact', displayName: 'Contact' });
});
