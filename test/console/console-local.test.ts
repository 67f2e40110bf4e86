/**
 * Local origin mode (what `npm start` uses in any browser): 127.0.0.1 and localhost origins over
 * http; plus the Setup pages, user switching and the routes other helpers rely on.
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, fetchText, type Harness } from './support/console-harness.ts';
import { callCenterXml } from './support/call-centers.ts';

let h: Harness;
let userId: string;

before(async () => {
  h = await startHarness({ strictOrigins: false });
  userId = await h.defaultUserId();
  await h.useCallCenter(userId, { internalName: 'LocalCenter', displayName: 'Local Center', adapterUrl: '/apex/OpenCtiProbe' });
});
after(async () => {
  await h?.close();
});

it('serves two local origins and the probe softphone initialises against 127.0.0.1', async () => {
  assert.match(h.app.lightningOrigin, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(h.app.vfOrigin, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(h.app.vfOrigin, h.app.lightningOrigin);
  const { page, frame } = await h.openConsole();
  await frame.waitForFunction(() => (window as unknown as { probe?: { ready?: boolean } }).probe?.ready === true);
  assert.deepEqual(await frame.evaluate(() => (window as unknown as { probe: { loadErrors: string[] } }).probe.loadErrors), []);
  const r = await frame.evaluate(() =>
    (window as unknown as { probe: { call(m: string): Promise<{ response: { success: boolean; returnValue: Record<string, string> } }> } }).probe.call(
      'getCallCenterSettings',
    ),
  );
  assert.equal(r.response.returnValue['/reqGeneralInfo/reqInternalName'], 'LocalCenter');
  // Local mode still refuses other origins.
  await page.goto(`${h.app.vfOrigin}/apex/OpenCtiProbe?sfdcIframeOrigin=${encodeURIComponent('http://evil.example.com')}&mode=Lightning`);
  const errors = await page.evaluate(() => (window as unknown as { probe: { loadErrors: string[] } }).probe.loadErrors);
  assert.ok(
    errors.some((e) => e.includes('Failed to initialize Open CTI')),
    JSON.stringify(errors),
  );
  await page.close();
});

it('Setup imports a call center, showing validation errors with line and column', async () => {
  const page = await h.browser.newPage();
  await page.goto(`${h.app.lightningOrigin}/lightning/setup/CallCenters/home`);
  await page.getByRole('heading', { name: 'Import a Call Center' }).waitFor();
  const broken = callCenterXml({ internalName: 'Broken', adapterUrl: 'https://softphone.example.com/' }).replace(
    'sortOrder="3" name="reqUseApi"',
    'sortOrder="9" name="reqUseApi"',
  );
  await page.getByLabel('Call Center Definition', { exact: true }).fill(broken);
  await page.getByRole('button', { name: 'Import' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /Line 6, column \d+: .*sortOrder/i);
  await page
    .getByLabel('Call Center Definition', { exact: true })
    .fill(callCenterXml({ internalName: 'Fresh', displayName: 'Fresh Center', adapterUrl: 'https://softphone.example.com/' }));
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByRole('status').filter({ hasText: 'Imported call center Fresh Center.' }).waitFor();
  await page.goto(`${h.app.lightningOrigin}/lightning/setup/CallCenters/home`);
  await page.getByRole('table', { name: 'Call Centers' }).getByRole('cell', { name: 'Fresh', exact: true }).waitFor();
  await page.close();
});

it('switches the signed-in user with ?user= and assigns call centers in Setup', async () => {
  const made = await h.api<{ id: string }>('POST', '/emulator/api/console/objects/User/records', {
    fields: { Username: 'second@switchboard.dev', FirstName: 'Second', LastName: 'Agent', Alias: 'second', Email: 'second@switchboard.dev' },
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const page = await h.browser.newPage();
  await page.goto(h.app.consoleUrl('second@switchboard.dev'));
  await page.getByLabel('Signed-in user').filter({ hasText: 'Second Agent' }).waitFor();
  // Without a call center there is no Phone utility (the panel only explains why).
  await page.getByText('Second Agent is not assigned to a call center.').waitFor({ state: 'attached' });
  assert.equal(await page.getByRole('contentinfo', { name: 'Utility Bar' }).getByRole('button', { name: 'Phone', exact: true }).count(), 0);
  await page.goto(`${h.app.lightningOrigin}/lightning/setup/CallCenterUsers/home`);
  await page.getByLabel('Call center for Second Agent').selectOption({ label: 'Local Center' });
  await page.getByRole('status').filter({ hasText: 'Saved Second Agent.' }).waitFor();
  await page.goto(h.app.consoleUrl('second@switchboard.dev'));
  await page.frameLocator('iframe[title="Softphone"]').getByText('Open CTI probe').waitFor();
  await page.close();
});

it('serves the connector at /softphone/ on the Visualforce origin and sends /apex/ there', async () => {
  const softphone = await fetchText(false, h.app.vfPort, 'GET', '/softphone/');
  assert.equal(softphone.status, 200);
  assert.match(softphone.type, /text\/html/);
  const apex = await fetchText(false, h.app.port, 'GET', '/apex/OpenCtiProbe');
  assert.equal(apex.status, 302);
  assert.equal(h.app.softphoneUrl, `${h.app.vfOrigin}/softphone/`);
  assert.equal((await fetchText(false, h.app.vfPort, 'GET', '/apex/Missing')).status, 404);
  const slds = await fetchText(false, h.app.port, 'GET', '/assets/slds/styles/salesforce-lightning-design-system.min.css');
  assert.equal(slds.status, 200);
  // SLDS changes only with the package: browsers keep it (the icon sprite is not fetched on every render).
  assert.match(slds.cacheControl, /max-age=\d+/);
  assert.equal((await fetchText(false, h.app.vfPort, 'GET', '/softphone/')).cacheControl, 'no-cache', 'the connector page is revalidated');
  const customer = await fetchText(false, h.app.port, 'GET', '/customer-phone/');
  assert.equal(customer.status, 200);
  assert.match(customer.type, /text\/html/);
});

it('edits the softphone layout in Setup and searches with Top Results', async () => {
  await h.api('POST', '/emulator/api/console/objects/Account/records', { fields: { Name: 'Zephyr Widgets', Phone: '+1 303 555 0110' } });
  const page = await h.browser.newPage();
  await page.goto(`${h.app.lightningOrigin}/lightning/setup/SoftphoneLayouts/home`);
  const inbound = page.getByRole('region', { name: 'Inbound calls' });
  await inbound.waitFor();
  await inbound.getByLabel('Inbound MultipleMatches screen pop', { exact: true }).selectOption('PopToFlow');
  await inbound.getByLabel('Inbound MultipleMatches screen pop target', { exact: true }).fill('Pick_Caller');
  await page.getByRole('button', { name: 'Save Layout' }).click();
  await page.getByRole('status').filter({ hasText: 'Softphone layout saved.' }).waitFor();
  const saved = await h.api<{ Inbound: { screenPopSettings: { MultipleMatches?: { screenPopType: string; screenPopData?: string } } } }>(
    'GET',
    `/emulator/api/console/setup/softphone-layout?user=${encodeURIComponent(userId)}`,
  );
  assert.deepEqual(saved.body.Inbound.screenPopSettings.MultipleMatches, { screenPopType: 'PopToFlow', screenPopData: 'Pick_Caller' });

  await page.goto(h.app.consoleUrl());
  await page.getByRole('searchbox', { name: 'Search' }).fill('Zephyr');
  await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
  await page.getByRole('heading', { name: 'Top Results' }).waitFor();
  await page.getByRole('link', { name: 'Zephyr Widgets' }).click();
  await page.getByRole('heading', { name: 'Zephyr Widgets', level: 1 }).waitFor();
  assert.equal(await page.getByRole('tab').count(), 3);
  await page.close();
});

it('switches to the standby softphone when notifyInitializationComplete does not come in time', async () => {
  const made = await h.api<{ id: string }>('POST', '/emulator/api/console/objects/User/records', {
    fields: { Username: 'standby@switchboard.dev', LastName: 'Standby', Alias: 'stby', Email: 'standby@switchboard.dev' },
  });
  await h.useCallCenter(made.body.id, {
    internalName: 'StandbyCenter',
    adapterUrl: '/apex/OpenCtiProbe',
    extraGeneral: [
      ['reqStandbyUrl', 'Standby URL', '/apex/IndependentSoftphone'],
      ['reqTimeout', 'Timeout', '300'],
    ],
  });
  const { page } = await h.openConsole({ user: 'standby@switchboard.dev', framePath: '/apex/' });
  // The probe never calls notifyInitializationComplete.
  await page.frameLocator('iframe[title="Softphone"]').getByRole('heading', { name: 'Demo Softphone' }).waitFor({ state: 'attached', timeout: 5000 });
  assert.match(
    String(await page.evaluate(() => (window as unknown as { __console: { softphoneUrl(): string } }).__console.softphoneUrl())),
    /\/apex\/IndependentSoftphone\?/,
  );
  await page.close();
});
