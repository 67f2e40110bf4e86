/**
 * A softphone nobody here wrote the way our connector is written: a Visualforce page using only
 * documented sforce.opencti calls, loaded by a call center whose adapter URL is
 * /apex/IndependentSoftphone. It pops a seeded demo record, logs the call, and the Task shows in the
 * record's Activity History.
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, layout, type Harness } from './support/console-harness.ts';
import { DEMO } from '../../src/node/console/index.ts';

let h: Harness;

before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

it('an independent Open CTI softphone pops a record, saves a log and sees it in Activity History', async () => {
  const userId = await h.defaultUserId();
  await h.useCallCenter(userId, { internalName: 'IndependentCenter', displayName: 'Independent Center', adapterUrl: '/apex/IndependentSoftphone' });
  await h.setLayout(
    userId,
    layout({
      objects: { Contact: ['Name', 'Phone'], Account: ['Name', 'Phone'] },
      pops: { SingleMatch: { screenPopType: 'PopToEntity' }, MultipleMatches: { screenPopType: 'PopToSearch' } },
    }),
  );
  // A seeded demo contact whose number no other record has.
  const contact = { Id: DEMO.uniqueContact.id, name: DEMO.uniqueContact.name, fields: { Phone: DEMO.uniqueContact.phone } };

  const { page, frame } = await h.openConsole({ framePath: '/apex/IndependentSoftphone' });
  await frame.getByText('Ready: Independent Center').waitFor({ timeout: 10_000 });
  // The Phone utility loads in the background; the agent opens its panel to use it.
  await page.getByRole('contentinfo', { name: 'Utility Bar' }).getByRole('button', { name: 'Phone', exact: true }).click();
  assert.equal(
    (await page.evaluate(() => (window as unknown as { __console: { panel(): { panelLabel: string } } }).__console.panel())).panelLabel,
    'Demo Softphone',
  );

  await frame.getByLabel('Caller number').fill(contact.fields.Phone);
  await frame.getByRole('button', { name: 'Simulate incoming call' }).click();
  await frame.getByText(/: 1 match\(es\)/).waitFor();
  await page.getByRole('heading', { name: contact.name, level: 1 }).waitFor();
  await frame.getByRole('button', { name: 'Hang up and log' }).click();
  await frame.getByText('Call logged').waitFor();
  const row = page
    .getByRole('table', { name: 'Activity History' })
    .getByRole('row', { name: new RegExp(`Inbound call ${contact.fields.Phone.replace(/[+()]/g, '\\$&')}`) });
  await row.waitFor({ timeout: 5000 });
  const log = await page.evaluate(() => (window as unknown as { __consoleLog: { method: string }[] }).__consoleLog.map((e) => e.method));
  for (const m of [
    'getCallCenterSettings',
    'setSoftphonePanelLabel',
    'enableClickToDial',
    'notifyInitializationComplete',
    'searchAndScreenPop',
    'saveLog',
    'refreshView',
  ])
    assert.ok(log.includes(m), m);
  assert.equal(await page.evaluate(() => (window as unknown as { __console: { initializationComplete(): boolean } }).__console.initializationComplete()), true);

  // Click-to-dial reaches the page's onClickToDial listener.
  await page.getByRole('button', { name: `Call ${contact.fields.Phone}` }).click();
  await frame.getByText(`Dialing ${contact.fields.Phone} (${contact.name})`).waitFor();
});
