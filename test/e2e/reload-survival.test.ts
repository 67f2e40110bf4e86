/**
 * A call survives a reload of the agent's console (the embedded SIP server, the browser
 * customer phone as the far end), talking or on hold, once or twice in a row, with History kept. The page that holds the phone keeps the call, not
 * the audio: it sends no BYE on the way out, and the reloaded page takes the call back with an
 * INVITE carrying Replaces (RFC 3891) for the old dialog. The customer must never be hung up on,
 * audio must come back both ways (the gap is printed as a `# ` line), and the call is logged once
 * with its whole duration. When the customer hangs up while the page reloads, the panel says so
 * and the call is still logged once, with the talk time it really had.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { PEER_CONNECTION_PROBE, audioBytesSince } from '../support/peer-audio.ts';
import {
  CALLERS,
  clickEach,
  openAgentConsole,
  openCustomerPhone,
  shot,
  startHarness,
  tasksFor,
  waitRegistered,
  waitUntil,
  type AgentConsole,
  type Harness,
} from './harness.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function softphoneFrame(page: Page): Frame {
  const frame = page.frames().find((f) => /\/softphone\//.test(f.url()));
  if (!frame)
    throw new Error(
      `no softphone frame in ${page
        .frames()
        .map((f) => f.url())
        .join(', ')}`,
    );
  return frame;
}

async function agentBytes(agent: AgentConsole, since: number): Promise<number> {
  try {
    return (await softphoneFrame(agent.page).evaluate(audioBytesSince(since))) as number;
  } catch {
    return 0; // the frame is being replaced (reload): no audio yet
  }
}

async function customerBytes(customer: Page, since: number): Promise<number> {
  return (await customer.evaluate(audioBytesSince(since))) as number;
}

/** Resolves when the page's received audio grows twice in a row (packets really flow). */
async function audioFlowing(read: () => Promise<number>, timeoutMs: number, what: string): Promise<number> {
  let last = await read();
  let rises = 0;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await sleep(100);
    const now = await read();
    rises = now > last && last > 0 ? rises + 1 : now > last ? rises : 0;
    last = now;
    if (rises >= 2) return Date.now();
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for audio: ${what} (received ${now} bytes)`);
  }
}

describe("a call survives a reload of the agent's console", { concurrency: false, timeout: 240_000 }, () => {
  let h: Harness;
  let agent: AgentConsole;
  /** BYE requests the server sent down the customer's socket while we watched. */
  let byesToCustomer: string[] = [];
  let watchedConnection: number | undefined;

  before(async () => {
    h = await startHarness();
    const context = await h.browser.newContext({ ignoreHTTPSErrors: true });
    await context.addInitScript(PEER_CONNECTION_PROBE);
    agent = await openAgentConsole(h, { context });
    await waitRegistered(h);
    await agent.phone.getByRole('status').first().waitFor();
    h.sip.on('message', (m) => {
      if (m.direction === 'out' && m.connectionId === watchedConnection && /^BYE /.test(m.text))
        byesToCustomer.push(m.text.split('\r\n').slice(0, 4).join(' | '));
    });
  });
  after(async () => h?.close());

  /** The customer phones the running test opened (see `openCustomer`). */
  const customers = new Set<Page>();
  async function openCustomer(): Promise<Page> {
    const customer = await openCustomerPhone(h, CALLERS.ada);
    customers.add(customer);
    return customer;
  }
  // A test that fails mid-call must not fail the next ones: its customer hangs up and goes, and the
  // agent's panel is brought back to idle (the call hung up, its wrap-up saved).
  afterEach(async () => {
    for (const customer of customers) {
      if (customer.isClosed()) continue;
      await customer
        .getByRole('button', { name: /Hang up call/ })
        .click({ timeout: 2000 })
        .catch(() => {});
      await customer
        .context()
        .close()
        .catch(() => {});
    }
    customers.clear();
    if (agent.page.isClosed()) return;
    const hangUp = agent.phone.getByRole('button', { name: 'Hang up' });
    await waitUntil(async () => (await hangUp.count()) === 0, 5000, 'the calls to end').catch(async () => {
      for (let n = await hangUp.count(); n > 0; n--)
        await hangUp
          .first()
          .click({ timeout: 2000 })
          .catch(() => {});
    });
    await clickEach(agent.phone.getByRole('form', { name: 'Wrap-up' }), 'Save').catch(() => {});
  });

  /** Customer calls the support line, the agent answers; resolves with the call id and when it was answered. */
  async function answeredCall(): Promise<{ customer: Page; callId: string; answeredAt: number }> {
    const customer = await openCustomer();
    await customer.evaluate(PEER_CONNECTION_PROBE);
    watchedConnection = h.sip.registrations(CALLERS.ada)[0]?.connectionId;
    assert.ok(watchedConnection !== undefined, 'the customer phone is registered');
    byesToCustomer = [];
    const forwarded = new Promise<string>((resolve, reject) => {
      const off = h.sip.on('invite-forwarded', (e) => {
        if (!e.from.includes(CALLERS.ada)) return;
        off();
        clearTimeout(timer);
        resolve(e.callId);
      });
      const timer = setTimeout(() => {
        off();
        reject(new Error("the customer's call did not reach the agent within 15 s"));
      }, 15_000);
    });
    await customer.getByRole('button', { name: 'Call', exact: true }).click();
    const callId = await forwarded;
    await agent.phone.getByRole('button', { name: 'Answer' }).click({ timeout: 15_000 });
    await agent.phone.getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 10_000 });
    const answeredAt = Date.now();
    await audioFlowing(() => agentBytes(agent, 0), 10_000, 'agent hears the customer');
    await audioFlowing(() => customerBytes(customer, 0), 10_000, 'customer hears the agent');
    return { customer, callId, answeredAt };
  }

  /** Saves the wrap-up; exactly one Task for the call; its CallDurationInSeconds. */
  async function wrapUpAndLoggedOnce(callId: string): Promise<number> {
    const wrapUp = agent.phone.getByRole('form', { name: 'Wrap-up' });
    await wrapUp.waitFor({ timeout: 10_000 });
    await wrapUp.getByRole('button', { name: 'Save' }).click();
    const ofCall = () => tasksFor(h, (t) => t.fields['CallObject'] === callId);
    await waitUntil(() => ofCall().length > 0, 15_000, 'the Task is saved');
    // A second log (the journal's recovery of the page that left) would come within this time.
    await sleep(2000);
    const tasks = ofCall();
    assert.equal(tasks.length, 1, `exactly one Task for call ${callId}`);
    return Number(tasks[0]!.fields['CallDurationInSeconds']);
  }

  test('reload mid-call: no BYE to the customer, the call comes back with audio, one Task with the whole duration', { timeout: 120_000 }, async () => {
    const { customer, callId, answeredAt } = await answeredCall();
    await sleep(3000);

    const reloadAt = Date.now();
    await agent.page.reload({ timeout: 30_000 });
    assert.deepEqual(byesToCustomer, [], 'reloading the console sent the customer no BYE');

    await agent.phone.getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 20_000 });
    const panelBackMs = Date.now() - reloadAt;
    const [agentHears, customerHears] = await Promise.all([
      audioFlowing(() => agentBytes(agent, reloadAt), 20_000, 'agent hears the customer again after the reload'),
      audioFlowing(() => customerBytes(customer, reloadAt), 20_000, 'customer hears the agent again after the reload'),
    ]);
    const gapMs = Math.max(agentHears, customerHears) - reloadAt;
    console.log(`# media gap on reload: ${gapMs} ms (reload → inbound audio growing on both sides; panel showed the call after ${panelBackMs} ms)`);
    await shot(agent.page, 'reload-01-call-back');

    assert.match((await customer.locator('#state').textContent()) ?? '', /connected/, 'the customer phone is still in the call');
    await sleep(2000);
    assert.deepEqual(byesToCustomer, [], 'the customer got no BYE during the call');
    assert.match((await customer.locator('#state').textContent()) ?? '', /connected/, 'the customer phone stayed in the call');

    const hangupAt = Date.now();
    await agent.phone.getByRole('button', { name: 'Hang up' }).click();
    const duration = await wrapUpAndLoggedOnce(callId);
    const talked = Math.floor((hangupAt - answeredAt) / 1000);
    assert.ok(duration >= talked, `CallDurationInSeconds ${duration} covers the whole talk time (${talked} s before and after the reload)`);
    assert.ok(duration <= talked + 5, `CallDurationInSeconds ${duration} is not longer than the call (${talked} s)`);
    await customer.getByRole('button', { name: /Hang up call/ }).waitFor({ state: 'detached', timeout: 10_000 });
    await customer.context().close();
  });

  test(
    'reload while on hold, then again: the call comes back held each time, resumes with audio; History keeps earlier calls; one Task',
    { timeout: 150_000 },
    async () => {
      // An earlier call in History, which the reloads must not lose.
      const history = agent.phone.getByRole('list', { name: 'Recent calls' });
      await agent.phone.getByRole('tab', { name: 'History' }).click();
      await history.getByRole('listitem').first().waitFor();
      const before = await history.getByRole('listitem').count();
      assert.ok(before >= 1, 'the previous tests left calls in History');
      await agent.phone.getByRole('tab', { name: 'Phone' }).click();

      const { customer, callId, answeredAt } = await answeredCall();
      await agent.phone.getByRole('button', { name: 'Hold' }).click();
      await agent.phone.getByRole('button', { name: 'Resume' }).waitFor({ timeout: 10_000 });
      await waitUntil(async () => /on hold/.test((await customer.locator('#state').textContent()) ?? ''), 10_000, 'the customer hears hold');

      // What the customer's phone sent and got, for a failure message.
      const wire: string[] = [];
      for (const round of [1, 2]) {
        const off = h.sip.on('message', (m) => {
          if (m.connectionId !== watchedConnection || m.text.length < 4) return;
          const hdr = (n: string) => new RegExp(`^${n}:\\s*(.*)$`, 'mi').exec(m.text)?.[1]?.trim() ?? '';
          const sdp = /^a=(sendonly|recvonly|inactive|sendrecv)/m.exec(m.text)?.[1] ?? '';
          wire.push(`${Date.now() % 100000} ${m.direction} ${m.text.split('\r\n')[0]} [${hdr('Call-ID')} ${hdr('CSeq')} ${hdr('Replaces')} ${sdp}]`);
        });
        await agent.page.reload({ timeout: 30_000 });
        assert.deepEqual(byesToCustomer, [], `reload ${round} sent the customer no BYE`);
        await agent.phone
          .getByRole('button', { name: 'Resume' })
          .waitFor({ timeout: 20_000 })
          .catch(async (e: unknown) => {
            const panel = (
              await agent.phone
                .locator('body')
                .ariaSnapshot({ timeout: 2000 })
                .catch(() => '(no panel)')
            ).replace(/\s+/g, ' ');
            const who = `agent #${h.sip
              .registrations('1001')
              .map((r) => r.connectionId)
              .join(',')} customer #${watchedConnection}`;
            throw new Error(`no held call after reload ${round}; ${who}; panel: ${panel}; SIP:\n${wire.join('\n')}`, { cause: e });
          });
        await agent.phone.getByText('On hold').first().waitFor({ timeout: 5000 });
        await agent.phone.getByRole('tab', { name: 'History' }).click();
        await waitUntil(async () => (await history.getByRole('listitem').count()) >= before, 10_000, `History survives reload ${round}`);
        await agent.phone.getByRole('tab', { name: 'Phone' }).click();
        // Back, the call is held again at once: the customer must not hear the agent.
        await waitUntil(
          async () => /on hold/.test((await customer.locator('#state').textContent()) ?? ''),
          10_000,
          `the customer is on hold again after reload ${round}`,
        ).catch(async (e: unknown) => {
          const state = await customer
            .locator('#state')
            .textContent()
            .catch(() => '(unreadable)');
          const panel = (
            await agent.phone
              .locator('body')
              .ariaSnapshot({ timeout: 2000 })
              .catch(() => '(no panel)')
          ).replace(/\s+/g, ' ');
          throw new Error(`the customer is not on hold after reload ${round}; customer: ${state}; panel: ${panel}; SIP:\n${wire.join('\n')}`, { cause: e });
        });
        off();
      }

      const resumedAt = Date.now();
      await agent.phone.getByRole('button', { name: 'Resume' }).click();
      await agent.phone.getByRole('button', { name: 'Hold' }).waitFor({ timeout: 10_000 });
      await Promise.all([
        audioFlowing(() => agentBytes(agent, resumedAt - 60_000), 20_000, 'agent hears the customer after resuming'),
        audioFlowing(() => customerBytes(customer, resumedAt - 60_000), 20_000, 'customer hears the agent after resuming'),
      ]);
      await waitUntil(async () => /connected/.test((await customer.locator('#state').textContent()) ?? ''), 10_000, 'the customer is off hold');
      const hangupAt = Date.now();
      await agent.phone.getByRole('button', { name: 'Hang up' }).click();
      const duration = await wrapUpAndLoggedOnce(callId);
      const talked = Math.floor((hangupAt - answeredAt) / 1000);
      assert.ok(duration >= talked && duration <= talked + 5, `CallDurationInSeconds ${duration} is the whole call (${talked} s)`);
      await customer.context().close();
    },
  );

  test('reload while a call rings: it rings again on the reloaded console, the agent answers, one Task', { timeout: 120_000 }, async () => {
    const customer = await openCustomer();
    await customer.evaluate(PEER_CONNECTION_PROBE);
    await customer.getByRole('button', { name: 'Call', exact: true }).click();
    await agent.phone.getByRole('button', { name: 'Answer' }).waitFor({ timeout: 15_000 });
    const callId = h.sip.dialogs().find((d) => d.entity.includes(CALLERS.ada))?.callId;
    assert.ok(callId, 'the ringing call is known to the server');
    const wire: string[] = [];
    const off = h.sip.on('message', (m) => {
      if (m.text.includes(callId)) wire.push(`${m.direction} #${m.connectionId} ${m.text.split('\r\n')[0]}`);
    });
    await agent.page.reload({ timeout: 30_000 });
    await agent.phone
      .getByRole('button', { name: 'Answer' })
      .click({ timeout: 20_000 })
      .catch((e: unknown) => {
        throw new Error(`no ring after the reload; SIP: ${wire.join(' | ')}`, { cause: e });
      });
    off();
    await agent.phone.getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 10_000 });
    const answeredAt = Date.now();
    await Promise.all([
      audioFlowing(() => agentBytes(agent, 0), 15_000, 'the agent hears the customer'),
      audioFlowing(() => customerBytes(customer, 0), 15_000, 'the customer hears the agent'),
    ]);
    await sleep(1500);
    const hangupAt = Date.now();
    await agent.phone.getByRole('button', { name: 'Hang up' }).click();
    const duration = await wrapUpAndLoggedOnce(callId);
    const talked = Math.floor((hangupAt - answeredAt) / 1000);
    assert.ok(duration >= talked && duration <= talked + 5, `CallDurationInSeconds ${duration} is the talk time (${talked} s)`);
    await customer.context().close();
  });

  test(
    'two console tabs: a reload of the following tab changes nothing; the tab with the call closes and the other takes the call over, with audio; one Task',
    { timeout: 150_000 },
    async () => {
      const { customer, callId, answeredAt } = await answeredCall();
      // A second console tab of the same agent: it follows the first, which holds the phone.
      const second = await agent.context.newPage();
      await second.goto(h.console.consoleUrl());
      const secondPhone = second.frameLocator('iframe[title="Softphone"]');
      await secondPhone.getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 20_000 });
      await sleep(1000);

      // The following tab reloads: it holds no dialog, so it sends no INVITE (Replaces) and no BYE,
      // and the tab with the call keeps it, audio and all; the reloaded tab shows the call again.
      const replaces: string[] = [];
      const offReplaces = h.sip.on('message', (m) => {
        if (m.direction === 'in' && /^INVITE /.test(m.text) && /\r\nReplaces:/i.test(m.text)) replaces.push(m.text.split('\r\n')[0]!);
      });
      const followerReloadAt = Date.now();
      await second.reload({ timeout: 30_000 });
      await secondPhone.getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 20_000 });
      await audioFlowing(() => agentBytes(agent, 0), 10_000, 'the tab with the call still hears the customer');
      await sleep(1500);
      offReplaces();
      assert.deepEqual(replaces, [], "the following tab's reload took no call over");
      assert.deepEqual(byesToCustomer, [], "the following tab's reload sent the customer no BYE");
      assert.equal(await customerBytes(customer, followerReloadAt), 0, 'the customer has no new media session: the call stayed where it was');
      assert.match((await customer.locator('#state').textContent()) ?? '', /connected/);

      const closedAt = Date.now();
      await agent.page.close({ runBeforeUnload: true });
      const taken = { page: second, phone: secondPhone, context: agent.context };
      await secondPhone.getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 20_000 });
      await Promise.all([
        audioFlowing(() => agentBytes(taken, closedAt), 30_000, 'the other tab hears the customer'),
        audioFlowing(() => customerBytes(customer, closedAt), 30_000, 'the customer hears the agent from the other tab'),
      ]);
      console.log(`# takeover by another tab: audio both ways ${Date.now() - closedAt} ms after the tab with the call closed`);
      assert.deepEqual(byesToCustomer, [], 'closing the tab with the call sent the customer no BYE');
      assert.match((await customer.locator('#state').textContent()) ?? '', /connected/);

      agent = taken;
      const hangupAt = Date.now();
      await secondPhone.getByRole('button', { name: 'Hang up' }).click();
      const duration = await wrapUpAndLoggedOnce(callId);
      const talked = Math.floor((hangupAt - answeredAt) / 1000);
      assert.ok(duration >= talked && duration <= talked + 5, `CallDurationInSeconds ${duration} is the whole call (${talked} s)`);
      await customer.context().close();
    },
  );

  test('the customer hangs up while the console reloads: the panel says so, one Task with the talk time it had', { timeout: 120_000 }, async () => {
    const { customer, callId, answeredAt } = await answeredCall();
    await sleep(2000);

    // Hold the softphone frame's page back until the customer has hung up: they do it mid-reload.
    const softphonePath = new URL(softphoneFrame(agent.page).url()).pathname;
    let requested!: () => void;
    const frameRequested = new Promise<void>((r) => {
      requested = r;
    });
    let hungUp!: () => void;
    const customerGone = new Promise<void>((r) => {
      hungUp = r;
    });
    await agent.page.route(
      (url) => url.pathname === softphonePath,
      async (route) => {
        requested();
        await customerGone;
        await route.continue();
      },
    );
    const reloadAt = Date.now();
    const reloading = agent.page.reload({ timeout: 30_000 });
    await frameRequested;
    await customer.getByRole('button', { name: /Hang up call/ }).click();
    await customer.getByRole('button', { name: /Hang up call/ }).waitFor({ state: 'detached', timeout: 10_000 });
    hungUp();
    await reloading;
    await agent.page.unroute((url) => url.pathname === softphonePath);

    await agent.phone
      .getByText(/ended during the reload/i)
      .first()
      .waitFor({ timeout: 20_000 });
    await shot(agent.page, 'reload-02-ended-during-reload');
    const duration = await wrapUpAndLoggedOnce(callId);
    const talked = (reloadAt - answeredAt) / 1000;
    assert.ok(Math.abs(duration - talked) <= 2, `CallDurationInSeconds ${duration} is the talk time before the reload (${talked.toFixed(1)} s)`);
    await customer.context().close();
  });
});
