/**
 * The SIP server dies and comes back: the real connector in the console emulator registers again
 * by itself and takes the next call; a call that was ringing when the server died ends and is
 * logged exactly once. (The embedded server is closed abruptly, every socket with it, and started
 * again on the same port with no state, as a crash and restart would leave it.)
 *
 * Not covered here: the server dying during an answered call (answering needs WebRTC media that the
 * Node caller cannot offer; test/telephony covers a restart under a browser-to-browser call).
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { SessionState } from 'sip.js';
import { launchChromium } from '../support/chromium.ts';
import { agentUser, CALLERS, startStack, type Stack } from '../../bench/support/stack.ts';
import { openOurs, type Softphone } from '../../bench/support/pages.ts';
import { inviteClock, until } from '../../bench/support/measure.ts';
import { popCall } from '../../bench/support/calls.ts';
import { newTasksSince, type LoggedTask } from './support/tasks.ts';

const AGENT = agentUser(0);
const BACK_WITHIN_MS = 60_000;
let stack: Stack;
let browser: Browser;
let phone: Softphone;
let tasksNow: () => Promise<LoggedTask[]>;

before(async () => {
  stack = await startStack({ agents: 1 });
  browser = await launchChromium();
  phone = await openOurs(browser, stack.console.consoleUrl());
  await stack.registered(AGENT);
  tasksNow = await newTasksSince(stack);
});

after(async () => {
  await phone?.close();
  await browser?.close();
  await stack?.close();
});

/** A fresh caller on the (new) server places a call that must pop. */
async function callPops(): Promise<void> {
  const caller = await stack.caller(CALLERS[1]!);
  await popCall(caller, inviteClock(caller), AGENT, phone, 0);
  await caller.stop();
}

it('registers again by itself after the server restarts while idle, and takes the next call', { timeout: 120_000 }, async () => {
  await callPops();
  const logged = (await tasksNow()).length;
  await stack.killSip();
  await stack.startSip();
  const t0 = Date.now();
  await stack.registered(AGENT, BACK_WITHIN_MS);
  process.stdout.write(`# registered again ${Date.now() - t0} ms after the restart (idle)\n`);
  await callPops();
  await until('the call after the restart to be logged', async () => ((await tasksNow()).length === logged + 1 ? true : undefined), 30_000, 100);
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
  const loggedWhileDown = await until('the ringing call to be logged', async () => ((await tasksNow()).length === before + 1 ? true : undefined), 10_000, 100).then(() => true, () => false);
  await caller.stop();
  await stack.startSip();
  const t0 = Date.now();
  await stack.registered(AGENT, BACK_WITHIN_MS);
  process.stdout.write(`# registered again ${Date.now() - t0} ms after the restart (ringing)\n`);
  if (!loggedWhileDown) {
    await until('the ringing call to be logged', async () => ((await tasksNow()).length === before + 1 ? true : undefined), 30_000, 100).catch(async (e: unknown) => {
      const answer = await phone.frame().getByRole('button', { name: 'Answer' }).count();
      throw new Error(`${String(e)} (the panel ${answer ? 'still offers the call (Answer button shown)' : 'shows no Answer button'})`);
    });
  }
  process.stdout.write(`# ringing call logged ${loggedWhileDown ? 'while the server was down' : 'after the server came back'}, ${Date.now() - killedAt} ms after the kill\n`);
  await callPops();
  await until('every call logged exactly once', async () => ((await tasksNow()).length === before + 2 ? true : undefined), 30_000, 100);
  const tasks = await tasksNow();
  assert.equal(new Set(tasks.map((t) => t.CallObject)).size, tasks.length, 'a call was logged twice');
});
