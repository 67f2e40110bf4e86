/**
 * Setup > Switchboard's checklist and diagnosis, as an admin and an agent use them: the demo call
 * center's steps checked against the emulator's data (and a step turning to "To do" when the users
 * are unassigned, with the link that fixes it); a test call to the embedded server's echo extension
 * that measures audio both ways and how loud the tone came back (and that measurement itself, at the
 * tone's frequency); the softphone's diagnosis from the admin's page; and the agent's
 * own diagnosis in the panel's Help tab: registered, then a WebSocket that nothing answers.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEMO } from '../../src/node/console/seed/index.ts';
import { TONE, toneAmplitude } from '../../src/node/console/web/echo-test-call.ts';
import { openAgentConsole, openRegisteredAgent, startHarness, type Harness } from '../e2e/harness.ts';
import { freePort } from '../support/ports.ts';

/** Opens the Phone utility item (minimised, its panel is off screen). */
const openPhone = (page: Page): Promise<void> =>
  page.getByRole('contentinfo', { name: 'Utility Bar' }).getByRole('button', { name: 'Phone', exact: true }).click({ timeout: 20_000 });

test("the test call's tone measurement reads the amplitude at the tone's frequency, and little of anything else", () => {
  const sine = (hz: number, amplitude: number, rate: number, n = 4096): Float32Array =>
    Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate + 0.7));
  for (const rate of [48_000, 44_100]) {
    assert.ok(Math.abs(toneAmplitude(sine(TONE.frequency, 0.5, rate), rate, TONE.frequency) - 0.5) < 0.005, `${rate} Hz`);
    assert.ok(Math.abs(toneAmplitude(sine(TONE.frequency, 0.05, rate), rate, TONE.frequency) - 0.05) < 0.001, `${rate} Hz`);
  }
  // Other sound, louder than the tone: other frequencies, down to a near miss (40 Hz off).
  for (const hz of [1000, 600, 400]) assert.ok(toneAmplitude(sine(hz, 0.9, 48_000), 48_000, TONE.frequency) < 0.01, `${hz} Hz`);
  assert.equal(toneAmplitude(new Float32Array(4096), 48_000, TONE.frequency), 0);
  // The tone under other sound still reads its own amplitude.
  const mixed = sine(TONE.frequency, 0.3, 48_000).map((x, i) => x + 0.3 * Math.sin((2 * Math.PI * 1000 * i) / 48_000));
  assert.ok(Math.abs(toneAmplitude(mixed, 48_000, TONE.frequency) - 0.3) < 0.005);
});

describe('Setup > Switchboard: checklist, test call, diagnosis', { concurrency: false, timeout: 180_000 }, () => {
  let h: Harness;
  let page: Page;
  let callCenterId: string;

  const openSetup = async (): Promise<void> => {
    await page.goto(`${h.console.lightningOrigin}/lightning/setup/Switchboard/home?callCenter=${callCenterId}`);
    await page.getByRole('list', { name: 'Setup checklist' }).waitFor({ timeout: 20_000 });
  };
  const step = (title: RegExp) => page.getByRole('list', { name: 'Setup checklist' }).getByRole('listitem').filter({ hasText: title });

  before(
    async () => {
      h = await startHarness();
      callCenterId = h.console.data.callCenters()[0]!.Id;
      page = await (await h.browser.newContext({ ignoreHTTPSErrors: true })).newPage();
      await openSetup();
    },
    { timeout: 60_000 },
  );
  after(async () => h?.close());

  test('the demo call center: every step the emulator can check is done; the test call is still to run', { timeout: 30_000 }, async () => {
    assert.match(await step(/^Connector installed/).innerText(), /^Connector installed: Done\n+The connector is served at \/softphone\/index\.html/);
    assert.match(await step(/^Call center configured/).innerText(), /: Done\n+.*pass the Call Center linter/);
    const users = await step(/^Users assigned/).innerText();
    assert.match(users, /^Users assigned: Done\n+3 assigned: /);
    for (const agent of [DEMO.agent, DEMO.secondAgent, DEMO.thirdAgent]) assert.ok(users.includes(`${agent.name} (${agent.extension})`), users);
    assert.match(
      await step(/^Utility item added/).innerText(),
      /: Done\n+The Service Console's Phone utility item \(Open CTI Softphone\) loads in the background/,
    );
    assert.match(await step(/^A test call/).innerText(), /^A test call: Not checked yet/);
    assert.equal(await page.getByRole('link', { name: /^Fix in / }).count(), 0, 'nothing to fix');
  });

  test('unassigning users shows in the checklist, with the link to Call Center Users', { timeout: 40_000 }, async () => {
    const agents = [DEMO.agent, DEMO.secondAgent, DEMO.thirdAgent];
    h.console.data.assignCallCenter(DEMO.thirdAgent.id, null);
    await openSetup();
    const one = await step(/^Users assigned/).innerText();
    assert.match(one, /^Users assigned: Done\n+2 assigned: /);
    assert.ok(!one.includes(DEMO.thirdAgent.name), one);
    for (const a of agents) h.console.data.assignCallCenter(a.id, null);
    await openSetup();
    assert.match(await step(/^Users assigned/).innerText(), /^Users assigned: To do\n+No user is assigned to .*: nobody gets the softphone\./);
    const fix = step(/^Users assigned/).getByRole('link', { name: 'Fix in Call Center Users' });
    assert.equal(await fix.getAttribute('href'), '/lightning/setup/CallCenterUsers/home');
    for (const a of agents) h.console.data.assignCallCenter(a.id, callCenterId);
    await openSetup();
    assert.match(await step(/^Users assigned/).innerText(), /^Users assigned: Done\n+3 assigned/);
  });

  // The hosted echo sends silence until its loop is in place, so the caller hears 440 Hz only if
  // its own tone came back through the echo; opus carries a steady sine nearly whole (about 0.50).
  test('the test call reaches the echo extension and measures audio both ways, and the tone that came back', { timeout: 60_000 }, async (t) => {
    await page.getByRole('button', { name: 'Place test call' }).click();
    const passed = page.getByRole('status').filter({ hasText: /^Test call passed:/ });
    await passed.waitFor({ timeout: 40_000 }).catch(async (e: unknown) => {
      throw new Error(`no passed test call: ${JSON.stringify(await page.getByRole('alert').allInnerTexts())}`, { cause: e });
    });
    const text = await passed.innerText();
    t.diagnostic(text);
    const m =
      /Sent (\d+) audio packets \((\d+) bytes\), received (\d+) \((\d+) bytes\); the 440 Hz tone went out at level ([\d.]+) and came back at ([\d.]+)\./.exec(
        text,
      );
    assert.ok(m, text);
    const [sent, sentBytes, received, receivedBytes, out, back] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    assert.ok(sentBytes > 0 && receivedBytes > 0, text);
    // The tone must hold for a second: some 50 of opus's 20 ms packets each way.
    assert.ok(sent >= 40 && received >= 40, `a second of packets both ways: ${text}`);
    assert.equal(out, 0.5, text);
    assert.ok(back >= 0.25 && back <= 0.75, `the tone came back about as loud as it went out: ${text}`);
    assert.match(text, /\(The echo ran in this browser: the embedded SIP server carries no media\.\)$/);
    assert.equal(await step(/^A test call/).getAttribute('data-state'), 'done');
  });

  test('the test call to an extension that is no echo fails and says so', { timeout: 60_000 }, async () => {
    await page.getByLabel('Echo extension', { exact: true }).fill('7777');
    await page.getByRole('button', { name: 'Place test call' }).click();
    const failed = page.getByRole('alert').filter({ hasText: /^Test call failed:/ });
    await failed.waitFor({ timeout: 40_000 });
    assert.match(await failed.innerText(), /^Test call failed: the call to 7777 was refused: 4\d\d /);
    await page.getByLabel('Echo extension', { exact: true }).fill('9196');
  });

  test('the admin runs the softphone diagnosis: the embedded server answers; a dead port is named', { timeout: 40_000 }, async () => {
    await page.getByRole('button', { name: 'Run diagnosis' }).click();
    const results = page.getByRole('list', { name: 'Diagnosis results' });
    await results.waitFor({ timeout: 15_000 });
    assert.match(
      await results
        .getByRole('listitem')
        .filter({ hasText: /phone system answered/ })
        .innerText(),
      new RegExp(`^OK: The phone system answered at ${h.sip.url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(200 OK, \\d+ ms\\)\\.`),
    );
    assert.match(
      await results
        .getByRole('listitem')
        .filter({ hasText: /security policy/ })
        .innerText(),
      /^OK: /,
    );

    const dead = `ws://127.0.0.1:${await freePort()}/`;
    await page.getByLabel('* SIP WebSocket URL', { exact: true }).fill(dead);
    await page.getByRole('button', { name: 'Run diagnosis' }).click();
    const problem = page.getByRole('list', { name: 'Diagnosis results' }).getByRole('listitem').filter({ hasText: 'No WebSocket connection' });
    await problem.waitFor({ timeout: 15_000 });
    assert.match(await problem.innerText(), /^Problem: No WebSocket connection to ws:\/\/127\.0\.0\.1:\d+\/ could be opened\.\n+Why: .*\n+Fix: /);
    // The connector page's policy lists the saved call centers' WebSockets only: an unsaved URL is not among them.
    assert.match(
      await page.getByRole('list', { name: 'Diagnosis results' }).getByRole('listitem').filter({ hasText: 'Content-Security-Policy' }).innerText(),
      /^Problem: The page's Content-Security-Policy blocks connections to ws:\/\/127\.0\.0\.1:\d+\./,
    );
  });

  test("the agent's Help tab: Run diagnosis shows the phone registered", { timeout: 60_000 }, async () => {
    const agent = await openRegisteredAgent(h, DEMO.agent);
    await openPhone(agent.page);
    await agent.phone.getByRole('tab', { name: 'Help' }).click();
    await agent.phone.getByRole('button', { name: 'Run diagnosis' }).click();
    const results = agent.phone.getByRole('list', { name: 'Diagnosis results' });
    await results.waitFor({ timeout: 15_000 });
    assert.match(
      await results.getByRole('listitem').filter({ hasText: 'The phone is registered with the phone system.' }).innerText(),
      /^OK: The phone is registered with the phone system\.\n+Why: Calls to your extension ring here\.$/,
    );
    assert.match(await results.getByRole('listitem').filter({ hasText: 'phone system answered' }).innerText(), /^OK: /);
    await agent.context.close();
  });

  test("the agent's Help tab: a SIP WebSocket nothing answers is a clear finding", { timeout: 60_000 }, async () => {
    const original = h.console.data.callCenterSettings(callCenterId)['/switchboard/sipWebSocketUrl']!;
    const dead = `ws://127.0.0.1:${await freePort()}/`;
    h.console.data.setCallCenterItem(callCenterId, 'switchboard', 'sipWebSocketUrl', dead);
    try {
      const agent = await openAgentConsole(h, { username: DEMO.secondAgent.username });
      await openPhone(agent.page);
      await agent.phone.getByRole('tab', { name: 'Help' }).click({ timeout: 20_000 });
      await agent.phone.getByRole('button', { name: 'Run diagnosis' }).click();
      const problem = agent.phone.getByRole('list', { name: 'Diagnosis results' }).getByRole('listitem').filter({ hasText: 'No WebSocket connection' });
      await problem.waitFor({ timeout: 20_000 });
      assert.match(
        await problem.innerText(),
        new RegExp(
          `^Problem: No WebSocket connection to ${dead.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} could be opened\\.\\n+Why: Nothing answers on that host and port.*\\n+Fix: `,
        ),
      );
      assert.match(
        await agent.phone
          .getByRole('status')
          .filter({ hasText: /problem\(s\) found/ })
          .innerText(),
        /^\d+ problem\(s\) found\.$/,
      );
      await agent.context.close();
    } finally {
      h.console.data.setCallCenterItem(callCenterId, 'switchboard', 'sipWebSocketUrl', original);
    }
  });
});
