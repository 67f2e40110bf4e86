/*
 * The SIP adapter asked to hang up a call it is still taking back after a reload (its INVITE with
 * Replaces unanswered): it must not CANCEL that INVITE (the far end would keep the old dialog, the
 * call up) but send the BYE once the call is back, and report the call ended only then. Agent 1001
 * reloads mid-call; the far end, 1002, is slow to take the INVITE with Replaces (the test holds
 * that INVITE, and what follows it, for HOLD_MS). Set-up in take-back-support.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answeredCall, events, takeBackRig, waitEvent } from './take-back-support.ts';

const HOLD_MS = 2500;
const rig = takeBackRig();

test('a hang-up while the call is being taken back after a reload sends the BYE once it is back; ended only then', { timeout: 90_000 }, async () => {
  const agent = await rig.agent();
  let takeBackAt: number | undefined;
  const far = await rig.farEnd((m) => {
    if (!m.startsWith('INVITE ') || !/\r\nReplaces:/i.test(m)) return 0;
    takeBackAt ??= Date.now();
    return HOLD_MS;
  });
  const { callId, farCallId } = await answeredCall(agent, far);

  await rig.reload(agent, callId);
  const deadline = Date.now() + 15_000;
  while (takeBackAt === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.ok(takeBackAt !== undefined, 'the INVITE with Replaces reached the far end');

  const hangupAsked = Date.now();
  assert.ok(hangupAsked - takeBackAt < HOLD_MS, 'the hang-up comes while the take-back is unanswered');
  const hangup = agent.evaluate((id) => window.harness.telephony.hangup(id).then(() => Date.now()), callId);

  const farEnded = await waitEvent(far, 'ended', farCallId, { timeout: 20_000 });
  assert.equal(farEnded.args[1], 'remote-hangup', 'the far end got a BYE: its call ended');
  const agentEnded = await waitEvent(agent, 'ended', callId, { timeout: 10_000 });
  assert.equal(agentEnded.args[1], 'local-hangup');
  assert.ok(agentEnded.at >= takeBackAt + HOLD_MS, 'reported ended only once the call was back (the far end answered the take-back)');
  assert.ok((await hangup) >= takeBackAt + HOLD_MS, 'the hang-up resolved once the BYE could go');
  const agentEvents = (await events(agent)).filter((e) => e.args[0] === callId).map((e) => e.event);
  assert.deepEqual(
    agentEvents.filter((e) => e === 'established' || e === 'ended'),
    ['established', 'ended'],
    'back, then ended: in that order, once each',
  );
});
