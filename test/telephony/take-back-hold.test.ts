/*
 * A held call reloaded twice in quick succession stays held. After a reload the adapter takes the
 * call back with a sendrecv INVITE with Replaces and then holds it again by re-INVITE; when the
 * page goes again before that re-INVITE is answered, the next page must still know the call is
 * held (the agent put the customer on hold: taking them off it would let them hear the agent).
 * Agent 1001 reloads; the far end, 1002, is slow to take the re-hold (or the take-back) after the
 * first reload (the test holds it, and what follows it, for HOLD_MS), and the agent reloads
 * meanwhile. Set-up in take-back-support.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../support/until.ts';
import { answeredCall, events, takeBackRig, waitEvent } from './take-back-support.ts';

const HOLD_MS = 2500;
const rig = takeBackRig();

test('a held call reloaded again while its re-hold is unanswered comes back held', { timeout: 90_000 }, async () => {
  const agent = await rig.agent();
  // What reaches the far end, in order; the first re-hold after a take-back is slow to get there.
  const reached: ('call' | 'take-back' | 'hold' | 'resume')[] = [];
  let reholdHeldAt: number | undefined;
  const kindOf = (m: string) =>
    !m.startsWith('INVITE ')
      ? undefined
      : /\r\nReplaces:/i.test(m)
        ? ('take-back' as const)
        : !/\r\nTo:[^\r]*;tag=/i.test(m)
          ? ('call' as const)
          : /^a=(sendonly|inactive)\s*$/m.test(m)
            ? ('hold' as const)
            : ('resume' as const);
  const far = await rig.farEnd(
    (m) => {
      if (kindOf(m) !== 'hold' || !reached.includes('take-back') || reholdHeldAt !== undefined) return 0;
      reholdHeldAt = Date.now();
      return HOLD_MS;
    },
    (m) => {
      const kind = kindOf(m);
      if (kind) reached.push(kind);
    },
  );
  const { callId, farCallId } = await answeredCall(agent, far);
  await agent.evaluate((id) => window.harness.telephony.hold(id), callId);
  await waitEvent(far, 'held', farCallId, { match: (args) => args[1] === true });

  // First reload: the call comes back and is held again; that re-hold is slow to be answered.
  await rig.reload(agent, callId);
  await until(
    'the re-hold after the first take-back to leave the agent',
    async () => reholdHeldAt,
    (at) => at !== undefined,
    15_000,
    () => `far end got: ${reached.join(', ')}`,
  );
  assert.deepEqual(reached, ['call', 'hold', 'take-back'], 'the far end got the call, the hold, then the take-back');

  // Second reload while that re-hold is still unanswered.
  await rig.reload(agent, callId);
  await waitEvent(agent, 'established', callId);
  await waitEvent(agent, 'held', callId, { match: (args) => args[1] === true, timeout: 20_000 });
  await until(
    'the second take-back to reach the far end',
    async () => reached.filter((k) => k === 'take-back').length,
    (n) => n >= 2,
    20_000,
    () => `far end got: ${reached.join(', ')}`,
  );
  await new Promise((r) => setTimeout(r, 1000));
  const afterSecond = reached.slice(reached.lastIndexOf('take-back'));
  assert.deepEqual(afterSecond, ['take-back', 'hold'], `after the second take-back the call is held again (the far end got: ${reached.join(', ')})`);
  const farHeld = (await events(far)).filter((e) => e.event === 'held' && e.args[0] === farCallId).map((e) => e.args[1]);
  assert.equal(farHeld.at(-1), true, `the far end is on hold in the end (its held events: ${farHeld.join(', ')})`);
  const agentHeld = (await events(agent)).filter((e) => e.event === 'held' && e.args[0] === callId).map((e) => e.args[1]);
  assert.deepEqual(agentHeld, [true], 'the third page reports the call held, and never resumed');
});

test('a call reloaded again while its take-back is unanswered is taken back by the next page', { timeout: 90_000 }, async () => {
  const agent = await rig.agent();
  // The far end is slow to get the first INVITE with Replaces (and what follows it).
  let takeBacks = 0;
  let slowedAt: number | undefined;
  const isTakeBack = (m: string) => m.startsWith('INVITE ') && /\r\nReplaces:/i.test(m);
  const far = await rig.farEnd(
    (m) => {
      if (!isTakeBack(m) || slowedAt !== undefined) return 0;
      slowedAt = Date.now();
      return HOLD_MS;
    },
    (m) => {
      if (isTakeBack(m)) takeBacks++;
    },
  );
  const { callId, farCallId } = await answeredCall(agent, far);

  // First reload: the take-back leaves, and the page goes again before the far end has it.
  await rig.reload(agent, callId);
  await until(
    'the first take-back to leave the agent',
    async () => slowedAt,
    (at) => at !== undefined,
    15_000,
  );
  await rig.reload(agent, callId);
  await waitEvent(agent, 'established', callId, { timeout: 20_000 });
  await until(
    'the far end to get both take-backs',
    async () => takeBacks,
    (n) => n >= 2,
    20_000,
  );
  await new Promise((r) => setTimeout(r, 1000));
  const farEvents = (await events(far)).filter((e) => e.args[0] === farCallId).map((e) => e.event);
  assert.ok(!farEvents.includes('ended'), `the far end's call is still up (its events: ${farEvents.join(', ')})`);
  const agentEvents = (await events(agent)).filter((e) => e.args[0] === callId && (e.event === 'established' || e.event === 'ended')).map((e) => e.event);
  assert.deepEqual(agentEvents, ['established'], 'the third page has the call back, up');
});
