/**
 * The SIP server dies and comes back: the real connector in the console emulator registers again
 * by itself and takes the next call; a call that was ringing when the server died ends and is
 * logged exactly once; an answered call (from a browser caller, with real WebRTC media) keeps its
 * media both ways through the outage, and once the server is back the agent hangs it up from the
 * panel, the caller hears the hang-up, and the call is wrapped up and logged exactly once. (The
 * embedded server is closed abruptly, every socket with it, and started again on the same port with
 * no state, as a crash and restart would leave it.)
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Frame } from 'playwright-core';
import { SessionState } from 'sip.js';
import { launchChromium } from '../support/chromium.ts';
import { agentUser, CALLERS, DOMAIN, startStack, type Stack } from '../../bench/support/stack.ts';
import { openOurs, type Softphone } from '../../bench/support/pages.ts';
import { inviteClock, until } from '../../bench/support/measure.ts';
import { popCall } from '../../bench/support/calls.ts';
import { newTasksSince, type LoggedTask } from './support/tasks.ts';
import { audioGrows, audioStops, MEDIA_PROBE, openBrowserCaller, withInitScript } from './support/browser-caller.ts';

const AGENT = agentUser(0);
const BACK_WITHIN_MS = 60_000;
let stack: Stack;
let browser: Browser;
let phone: Softphone;
let tasksNow: () => Promise<LoggedTask[]>;

before(async () => {
  stack = await startStack({ agents: 1 });
  browser = await launchChromium();
  // The media probe lets the answered-call test read the softphone frame's inbound audio bytes.
  phone = await openOurs(withInitScript(browser, MEDIA_PROBE), stack.console.consoleUrl());
  await stack.registered(AGENT);
  tasksNow = await newTasksSince(stack);
});

after(async () => {
  await phone?.close();
  await browser?.close();
  await stack?.close();
});

/** Waits until exactly `n` call-log Tasks exist (a bounded wait; says how many there were). */
async function loggedCount(n: number, what: string): Promise<void> {
  let seen = -1;
  await until(what, async () => ((seen = (await tasksNow()).length) === n ? true : undefined), 30_000, 100).catch((e: unknown) => {
    throw new Error(`${String(e)} (expected ${n} logged calls, found ${seen})`);
  });
}

/** A fresh caller on the (new) server places a call that must pop. */
async function callPops(): Promise<void> {
  const caller = await stack.caller(CALLERS[1]!);
  await popCall(caller, inviteClock(caller), AGENT, phone, 0);
  await caller.stop();
}

it('registers again by itself after the server restarts while idle, and takes the next call', { timeout: 120_000 }, async () => {
  const logged = (await tasksNow()).length;
  await callPops();
  // The missed call is logged a little after the caller cancels: count it before the restart, so
  // the count after the restart cannot take a late log of this call for the next one.
  await loggedCount(logged + 1, 'the call before the restart to be logged');
  await stack.killSip();
  await stack.startSip();
  const t0 = Date.now();
  await stack.registered(AGENT, BACK_WITHIN_MS);
  process.stdout.write(`# registered again ${Date.now() - t0} ms after the restart (idle)\n`);
  await callPops();
  await loggedCount(logged + 2, 'the call after the restart to be logged');
});

// A call ringing on the agent when its SIP transport dies can never be answered (the 200 would go
// nowhere); the adapter ends it as failed at once and the engine logs it.
it('ends and logs a call that was ringing when the server died, then registers again', { timeout: 120_000 }, async () => {
  const before = (await tasksNow()).length;
  const caller = await stack.caller(CALLERS[2]!);
  const pops = (await phone.pops()).length;
  const { inviter } = caller.call(AGENT);
  await phone.waitPop(pops);
  await stack.killSip();
  // The agent's ringing call must end and be logged once. (The Node caller's own sip.js session may
  // wait for ever on an INVITE that got a 180: sip.js has no Timer C; that is the caller's business.)
  assert.notEqual(inviter.state, SessionState.Established);
  const killedAt = Date.now();
  // Either while the server is down or once it is back, the call that can no longer be answered ends and is logged once.
  const loggedWhileDown = await until(
    'the ringing call to be logged',
    async () => ((await tasksNow()).length === before + 1 ? true : undefined),
    10_000,
    100,
  ).then(
    () => true,
    () => false,
  );
  await caller.stop();
  await stack.startSip();
  const t0 = Date.now();
  await stack.registered(AGENT, BACK_WITHIN_MS);
  process.stdout.write(`# registered again ${Date.now() - t0} ms after the restart (ringing)\n`);
  if (!loggedWhileDown) {
    await until('the ringing call to be logged', async () => ((await tasksNow()).length === before + 1 ? true : undefined), 30_000, 100).catch(
      async (e: unknown) => {
        const answer = await phone.frame().getByRole('button', { name: 'Answer' }).count();
        throw new Error(`${String(e)} (the panel ${answer ? 'still offers the call (Answer button shown)' : 'shows no Answer button'})`);
      },
    );
  }
  process.stdout.write(
    `# ringing call logged ${loggedWhileDown ? 'while the server was down' : 'after the server came back'}, ${Date.now() - killedAt} ms after the kill\n`,
  );
  await callPops();
  await until('every call logged exactly once', async () => ((await tasksNow()).length === before + 2 ? true : undefined), 30_000, 100);
  const tasks = await tasksNow();
  assert.equal(new Set(tasks.map((t) => t.CallObject)).size, tasks.length, 'a call was logged twice');
});

/** Closes the console's "New …" record dialogs that no-match screen pops leave open. */
async function dismissNewRecordDialogs(): Promise<void> {
  const dialogs = phone.page.getByRole('dialog', { name: /^New / });
  while ((await dialogs.count()) > 0) await dialogs.first().getByRole('button', { name: 'Cancel' }).click();
}

/**
 * The customer calls; the agent answers from the panel; resolves with the panel once audio flows
 * both ways. The caller's number matches no record, so the pop opens a "New Contact" dialog over
 * the utility bar, which the agent closes to reach the panel.
 */
async function answerFrom(customer: Awaited<ReturnType<typeof openBrowserCaller>>): Promise<Frame> {
  const panel = phone.frame();
  await dismissNewRecordDialogs();
  const pops = (await phone.pops()).length;
  await customer.call();
  await phone.waitPop(pops);
  await phone.page
    .getByRole('dialog', { name: /^New / })
    .first()
    .waitFor({ timeout: 5000 })
    .catch(() => undefined);
  await dismissNewRecordDialogs();
  await panel.getByRole('button', { name: 'Answer' }).click({ timeout: 10_000 });
  await customer.waitStatus(/: connected/);
  await Promise.all([audioGrows(panel, 'the agent'), audioGrows(customer.page, 'the customer')]);
  return panel;
}

it('keeps an answered call and its media up while the server is down, then hangs it up, wraps it up and logs it once', { timeout: 120_000 }, async () => {
  const before = (await tasksNow()).length;
  const customer = await openBrowserCaller(browser, stack, CALLERS[3]!, AGENT, DOMAIN);
  try {
    const panel = await answerFrom(customer);

    await stack.killSip();
    const killedAt = Date.now();
    // Media is peer to peer: it keeps flowing both ways while there is no server at all (about two
    // seconds of audio each way, so the outage outlasts the connector's first reconnect attempts).
    await Promise.all([audioGrows(panel, 'the agent (server down)', 6000), audioGrows(customer.page, 'the customer (server down)', 6000)]);
    await stack.startSip();
    const t0 = Date.now();
    await stack.registered(AGENT, BACK_WITHIN_MS);
    process.stdout.write(`# registered again ${Date.now() - t0} ms after the restart (answered call; server was down ${t0 - killedAt} ms)\n`);
    await stack.registered(customer.user, BACK_WITHIN_MS);
    await Promise.all([audioGrows(panel, 'the agent (after the restart)'), audioGrows(customer.page, 'the customer (after the restart)')]);
    assert.match(await customer.callLine(), /^To \d+: connected$/, 'the caller still has the call');
    assert.equal((await tasksNow()).length, before, 'nothing was logged while the call was up');

    // The new server has no state for the dialog; it routes the BYE by its Route and Request-URI
    // (the caller's connection is known again since it registered).
    const mark = (await customer.statusLog()).length;
    const hungUpAt = Date.now();
    await panel.getByRole('button', { name: 'Hang up' }).click();
    const wrapUp = panel.getByRole('form', { name: 'Wrap-up' });
    await wrapUp.waitFor({ timeout: 10_000 });
    await customer.waitStatus(/ended \(remote-hangup\)/, mark);
    assert.equal(await customer.callLine(), '', 'the caller has no call left');
    process.stdout.write(`# the caller saw the hang-up ${Date.now() - hungUpAt} ms after the agent's click\n`);
    await wrapUp.getByRole('button', { name: 'Save' }).click();
    await until('the answered call to be logged', async () => ((await tasksNow()).length === before + 1 ? true : undefined), 30_000, 100);
    process.stdout.write(`# answered call ended, wrapped up and logged ${Date.now() - hungUpAt} ms after Hang up\n`);
    const tasks = await tasksNow();
    assert.equal(new Set(tasks.map((t) => t.CallObject)).size, tasks.length, 'a call was logged twice');
  } finally {
    await customer.close();
  }
});

// The BYE the agent sends while there is no server goes nowhere: the agent's side still ends, wraps
// up and logs once. The caller's phone (our adapter too) never hears the hangup, but its media path
// dies with the agent's side (ICE consent, RFC 7675): it ends the call as failed by itself and sends
// a best-effort BYE, which reaches the agent's phone through the restarted server and gets 481.
it(
  "hangs up an answered call while the server is down: the agent side ends and logs once; the caller's call ends by itself when its media dies",
  { timeout: 120_000 },
  async () => {
    const before = (await tasksNow()).length;
    const customer = await openBrowserCaller(browser, stack, CALLERS[4]!, AGENT, DOMAIN);
    try {
      const panel = await answerFrom(customer);

      await stack.killSip();
      const hungUpAt = Date.now();
      await panel.getByRole('button', { name: 'Hang up' }).click();
      const wrapUp = panel.getByRole('form', { name: 'Wrap-up' });
      await wrapUp.waitFor({ timeout: 10_000 });
      await wrapUp.getByRole('button', { name: 'Save' }).click();
      await loggedCount(before + 1, 'the call hung up while the server was down to be logged');
      process.stdout.write(`# hung up with no server: ended, wrapped up and logged ${Date.now() - hungUpAt} ms after Hang up\n`);

      await stack.startSip();
      await stack.registered(AGENT, BACK_WITHIN_MS);
      await stack.registered(customer.user, BACK_WITHIN_MS);
      // Watch the restarted server's trace for the answer to the caller's best-effort BYE.
      const byeAnswers: string[] = [];
      const stopTrace = stack.sip!.on('message', (m) => {
        if (m.direction === 'in' && /^SIP\/2\.0 /.test(m.text) && /^CSeq:\s*\d+\s+BYE\s*$/im.test(m.text)) byeAnswers.push(m.text.split('\r\n')[0]!);
      });
      // The caller never got the BYE, and no audio reaches it any more; nobody touches its phone.
      await audioStops(customer.page, 'the customer');
      await customer.waitStatus(/ended \(failed/, 0, 45_000);
      process.stdout.write(`# the caller's silent call ended by itself (media lost) ${Date.now() - hungUpAt} ms after the agent hung up\n`);
      const answer = await until("the agent's phone to answer the caller's BYE", async () => byeAnswers[0], 10_000, 20).finally(stopTrace);
      assert.match(answer, /^SIP\/2\.0 481 /, "the agent's phone no longer knows the dialog");
      // The stray BYE changes nothing on the agent's side: still one log for the call.
      await callPops();
      await loggedCount(before + 2, 'the next call to be logged');
      const tasks = await tasksNow();
      assert.equal(new Set(tasks.map((t) => t.CallObject)).size, tasks.length, 'a call was logged twice');
    } finally {
      await customer.close();
    }
  },
);
