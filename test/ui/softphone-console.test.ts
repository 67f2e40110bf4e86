/**
 * Smoke test of the built softphone page (dist/app/softphone) where it lives: inside the console
 * emulator's utility bar, over the real Open CTI bridge and the embedded SIP server. One agent
 * signs in, takes a call from a second SIP user, holds, hangs up and saves wrap-up; then a second
 * console tab mirrors the phone and takes it over when the first tab closes. The lead's end-to-end
 * suite covers the flows in depth; this guards the composition root.
 *
 * Needs `npm run build` first (npm test does it).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { startSipServer } from '../../src/node/sip-server/server.ts';
import type { SipServer } from '../../src/node/sip-server/types.ts';
import { startHarness, type Harness } from '../console/support/console-harness.ts';
import { callCenterXml } from '../console/support/call-centers.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { Agent } from '../telephony/agents.ts';

let sip: SipServer;
let harness: Harness;
let dist: StaticServer;
let userId: string;

before(async () => {
  if (!existsSync('dist/app/softphone/softphone.js')) throw new Error('dist/app/softphone is missing: run `npm run build` first.');
  sip = await startSipServer({
    host: '127.0.0.1',
    port: 0,
    domain: 'switchboard.test',
    users: [
      { username: '1001', password: 'pw1001' },
      { username: '1002', password: 'pw1002', displayName: 'Caller Two' },
    ],
  });
  harness = await startHarness();
  dist = await serveStatic('dist');
  userId = await harness.defaultUserId();
  // The call center points at this run's SIP server (Chromium refuses port 5060 as unsafe).
  const xml = callCenterXml({ internalName: 'SwitchboardSmoke', adapterUrl: '/softphone/' }).replace('ws://127.0.0.1:5060', sip.url);
  const imported = await harness.api<{ callCenter?: { Id: string } }>('POST', '/emulator/api/console/setup/call-centers/import', {
    text: xml,
    fileName: 'smoke.xml',
  });
  assert.ok(imported.body.callCenter, JSON.stringify(imported.body));
  const assigned = await harness.api('POST', '/emulator/api/console/setup/assign', { userId, callCenterId: imported.body.callCenter.Id });
  assert.equal(assigned.status, 200);
});

after(async () => {
  await harness?.close();
  await sip?.close();
  await dist?.close();
});

async function openConsole(context: BrowserContext): Promise<{ page: Page; frame: Frame; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(harness.app.consoleUrl(userId));
  let frame: Frame | undefined;
  for (let i = 0; i < 100 && !frame; i++) {
    frame = page.frames().find((f) => f.url().includes('/softphone/'));
    if (!frame) await page.waitForTimeout(50);
  }
  assert.ok(frame, 'the softphone frame loaded');
  await page.getByRole('button', { name: 'Phone' }).first().click();
  return { page, frame, errors };
}

const connected = (frame: Frame) => frame.getByRole('status', { name: 'Connection' }).filter({ hasText: /^Connected$/ });

test('the softphone in the console: sign in, take a call, hold, wrap up; a second tab takes over', async () => {
  const context = await harness.browser.newContext();
  const first = await openConsole(context);
  await first.frame.getByLabel('Extension').fill('1001');
  await first.frame.getByLabel('Password').fill('pw1001');
  await first.frame.getByRole('button', { name: 'Sign in', exact: true }).click();
  await connected(first.frame).waitFor({ timeout: 10_000 });
  assert.equal(sip.registrations('1001').length, 1);

  const caller = await Agent.open(
    harness.browser,
    dist.url,
    { name: 'embedded', wsUrl: sip.url, domain: 'switchboard.test', passwordOf: (u) => `pw${u}`, restart: async () => {}, stop: async () => {} },
    '1002',
  );
  try {
    await caller.waitEvent('registration', 'registered');
    await caller.dial('1001');
    await first.frame.getByRole('button', { name: 'Answer' }).click({ timeout: 10_000 });
    await first.frame.getByRole('button', { name: 'Hold', exact: true }).click({ timeout: 10_000 });
    await first.frame.getByRole('button', { name: 'Resume' }).click({ timeout: 10_000 });
    // Resuming re-renders the call's buttons when the phone system confirms: wait for that, or the
    // next click lands on whatever button moves under the pointer.
    await first.frame.getByRole('button', { name: 'Hold', exact: true }).waitFor({ timeout: 10_000 });
    await first.frame.getByRole('button', { name: 'Hang up' }).click({ timeout: 10_000 });
    const wrapUp = first.frame.getByRole('form', { name: 'Wrap-up' });
    await wrapUp.getByLabel('Disposition').selectOption('Resolved');
    await wrapUp.getByLabel('Notes').fill('console smoke');
    await wrapUp.getByRole('button', { name: 'Save' }).click();
    await wrapUp.waitFor({ state: 'detached', timeout: 5000 });
  } finally {
    await caller.close();
  }

  const second = await openConsole(context);
  await second.frame.getByText('The phone is active in another Salesforce tab').waitFor({ timeout: 5000 });
  await connected(second.frame).waitFor();
  assert.equal(sip.registrations('1001').length, 1, 'only one tab registers');
  const closedAt = Date.now();
  await first.page.close();
  await second.frame.getByText('The phone is active in another Salesforce tab').waitFor({ state: 'detached', timeout: 2000 });
  assert.ok(Date.now() - closedAt < 2000, `takeover took ${Date.now() - closedAt} ms`);
  // The password stayed in the closed tab: the new leader asks for it, then registers.
  await second.frame.getByLabel('Extension').fill('1001', { timeout: 10_000 });
  await second.frame.getByLabel('Password').fill('pw1001');
  await second.frame.getByRole('button', { name: 'Sign in', exact: true }).click();
  await connected(second.frame).waitFor({ timeout: 10_000 });
  assert.equal(sip.registrations('1001').length, 1, 'the new leader registered once');
  assert.deepEqual([...first.errors, ...second.errors], []);
  await context.close();
});
