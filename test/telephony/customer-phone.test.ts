// The customer phone page (src/node/customer-phone) against the embedded SIP server and a harness
// agent: sign in from URL parameters, call the agent with an attached-data header, answer a call
// from the agent, hang up — all through accessible controls.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { serveCustomerPhone, type CustomerPhoneServer } from '../../src/node/customer-phone/index.ts';
import { Agent, type PhoneServer } from './agents.ts';
import { DIST } from './scenarios.ts';
import { embeddedPhoneServer } from './servers.ts';

let browser: Browser, web: StaticServer, phoneWeb: CustomerPhoneServer, server: PhoneServer, agent: Agent, customer: Page;

before(async () => {
  [browser, web, server, phoneWeb] = await Promise.all([launchChromium(), serveStatic(DIST), embeddedPhoneServer(), serveCustomerPhone({ distDir: DIST })]);
  agent = await Agent.open(browser, web.url, server, '1002');
  customer = await (await browser.newContext()).newPage();
  const q = new URLSearchParams({ ws: server.wsUrl, domain: server.domain, user: '1005', password: server.passwordOf('1005') });
  await customer.goto(`${phoneWeb.url}?${q}`);
});

after(async () => {
  await customer?.context().close();
  await agent?.close();
  await browser?.close();
  await web?.close();
  await phoneWeb?.close();
  await server?.stop();
});

test('the customer phone signs in, calls the agent with a case number, and hangs up', async () => {
  await customer.getByRole('button', { name: 'Sign in' }).click();
  await customer.getByRole('status').filter({ hasText: 'Signed in as 1005' }).waitFor({ timeout: 10_000 });
  await customer.getByRole('textbox', { name: 'Number to dial' }).fill('1002');
  await customer.getByRole('textbox', { name: 'Header 1 value' }).fill('00001234');
  await customer.getByRole('button', { name: 'Add header' }).click();
  await customer.getByRole('textbox', { name: 'Header 2 name' }).fill('X-Account-Number');
  await customer.getByRole('textbox', { name: 'Header 2 value' }).fill('ACC-9');
  const mark = await agent.mark();
  await customer.getByRole('button', { name: 'Call', exact: true }).click();
  const offered = await agent.waitIncoming(mark);
  assert.equal(offered.remote.number, '1005');
  assert.deepEqual(offered.attachedData, { caseNumber: '00001234', accountNumber: 'ACC-9' });
  await agent.command('answer', offered.callId);
  await customer.getByRole('status').filter({ hasText: 'Call to 1002: connected' }).waitFor({ timeout: 10_000 });
  await agent.waitAudio(offered.callId);
  await customer.getByRole('button', { name: 'Hang up call with 1002' }).click();
  const [, reason] = await agent.waitEvent('ended', offered.callId, mark);
  assert.equal(reason, 'remote-hangup');
});

test('the customer phone answers a call from the agent', async () => {
  const out = await agent.dial('1005');
  await customer.getByRole('button', { name: 'Answer call from Agent 1002' }).click({ timeout: 10_000 });
  await agent.waitEvent('established', out);
  await agent.waitAudio(out);
  await customer.getByRole('status').filter({ hasText: 'connected' }).waitFor();
  await agent.command('hangup', out);
  await customer.getByRole('status').filter({ hasText: 'ended (remote-hangup)' }).waitFor({ timeout: 10_000 });
});
