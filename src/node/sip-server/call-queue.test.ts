import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, DOMAIN, type Fixture } from './test-support/fixture.ts';
import { pidf, reach, SessionState } from './test-support/sip-phone.ts';
import { until, withTimeout } from './test-support/wait.ts';
import type { SipServerEvents, SipServerOptions } from './types.ts';

type QueueEvents = Array<SipServerEvents['queue'][0]>;
/** Generous: these tests run beside many others on 2 cores. */
const WAIT = 10_000;
const any = (): boolean => true;

async function withQueue(options: SipServerOptions, run: (f: Fixture, events: QueueEvents) => Promise<void>): Promise<void> {
  const f = await fixture(options);
  const events: QueueEvents = [];
  f.server.on('queue', (e) => events.push(e));
  try {
    await run(f, events);
  } finally {
    await f.close();
  }
}

describe('ring group queue (real sip.js UAs)', () => {
  test('FIFO: calls wait with 182 Queued and go, oldest first, to the member who becomes free; a refusal puts the call back at the head', async () => {
    await withQueue({ ringGroups: { q: ['1001', '1002'] }, queues: { q: { strategy: 'least-recent', rejectDelayMs: 50 } } }, async (f, events) => {
      const a1 = await f.phone('1001');
      const a2 = await f.phone('1002');
      const callers = await Promise.all(['1005', '1006', '1007', '1008'].map((u) => f.phone(u)));

      // Two free members: least-recent gives each its own call, one offer per call.
      const c1 = callers[0].call('q');
      const o1 = await a1.invitations.next('call 1 offered to 1001 (never offered before)', any, WAIT);
      const c2 = callers[1].call('q');
      const o2 = await a2.invitations.next('call 2 offered to 1002', any, WAIT);
      assert.equal(a1.invitations.queued.length, 0, 'least-recent offers each call to one member only');
      await o1.accept();
      await o2.accept();
      assert.equal((await c1.outcome).kind, 'established');
      assert.equal((await c2.outcome).kind, 'established');

      // Nobody free: calls 3 and 4 wait, in order, and are told so.
      const c3 = callers[2].call('q');
      assert.equal(await withTimeout(c3.progress, WAIT, '182 for call 3'), 182);
      const c4 = callers[3].call('q');
      assert.equal(await withTimeout(c4.progress, WAIT, '182 for call 4'), 182);
      assert.equal(f.server.queueInfo('q')?.depth, 2);
      assert.equal(f.server.stats().queued, 2);

      // 1001 hangs up: the oldest waiting call (3) is offered to 1001.
      await c1.inviter.bye();
      const o3 = await a1.invitations.next('call 3 offered to 1001 once free', any, WAIT);
      assert.equal(o3.request.callId, c3.inviter.request.callId, 'first in, first out');
      assert.equal(f.server.queueInfo('q')?.depth, 1);
      await o3.accept();
      assert.equal((await c3.outcome).kind, 'established');

      // 1002 hangs up and refuses call 4: the call goes back to the head and, after 1002's rest, to 1002 again.
      await c2.inviter.bye();
      const o4 = await a2.invitations.next('call 4 offered to 1002', any, WAIT);
      assert.equal(o4.request.callId, c4.inviter.request.callId);
      await o4.reject({ statusCode: 486 });
      const again = await a2.invitations.next('call 4 offered again after the rest delay', any, WAIT);
      assert.equal(again.request.callId, c4.inviter.request.callId);
      await again.accept();
      assert.equal((await c4.outcome).kind, 'established', 'the caller never saw the refusal');

      // Offered again with the same request, the member may still hold the refused transaction (its
      // ACK not yet handled) and answer 482 Loop Detected (RFC 3261 8.2.2.2): one more requeue then.
      const kinds = events.filter((e) => e.callId === c4.inviter.request.callId).map((e) => e.kind);
      assert.deepEqual([kinds[0], kinds[1], kinds[2], kinds.at(-2), kinds.at(-1)], ['queued', 'offered', 'requeued', 'offered', 'answered'], kinds.join(','));
      assert.equal(f.server.queueInfo('q')?.maxDepth, 2);

      await c3.inviter.bye();
      await c4.inviter.bye();
      await until(() => f.server.stats().dialogs === 0, 'every dialog to end', WAIT);
      assert.equal(f.server.stats().queued, 0);
    });
  });

  test('ringall: a call rings every free member; the first answer cancels the rest; a waiting call rings whoever frees up', async () => {
    await withQueue({ ringGroups: { q: ['1001', '1002'] }, queues: { q: {} } }, async (f) => {
      const a1 = await f.phone('1001');
      const a2 = await f.phone('1002');
      const x = await f.phone('1005');
      const y = await f.phone('1006');
      const c1 = x.call('q');
      const [i1, i2] = await Promise.all([a1.invitations.next('ring 1001', any, WAIT), a2.invitations.next('ring 1002', any, WAIT)]);
      await i1.accept();
      assert.equal((await c1.outcome).kind, 'established');
      await reach(i2, SessionState.Terminated);
      const c2 = y.call('q');
      const o2 = await a2.invitations.next('call 2 rings the member still free', any, WAIT);
      await o2.accept();
      assert.equal((await c2.outcome).kind, 'established');
      const z = await f.phone('1007');
      const c3 = z.call('q');
      assert.equal(await withTimeout(c3.progress, WAIT, '182'), 182);
      await c2.inviter.bye();
      const o3 = await a2.invitations.next('call 3 rings 1002 once free', any, WAIT);
      await o3.accept();
      assert.equal((await c3.outcome).kind, 'established');
      await c1.inviter.bye();
      await c3.inviter.bye();
    });
  });

  test('limits: a full queue answers 486, a call that waits too long gets 480, both with a Reason', async () => {
    await withQueue({ ringGroups: { q: ['1001'] }, queues: { q: { maxLength: 1, maxWaitMs: 400 } } }, async (f, events) => {
      const a1 = await f.phone('1001');
      const busy = (await f.phone('1005')).call('q');
      await (await a1.invitations.next('first call', any, WAIT)).accept();
      assert.equal((await busy.outcome).kind, 'established');

      const rejections: Array<SipServerEvents['rejected'][0]> = [];
      f.server.on('rejected', (r) => rejections.push(r));
      const reasons: string[] = [];
      f.server.on('message', (m) => {
        if (m.direction === 'out' && /^SIP\/2\.0 (480|486) /.test(m.text)) reasons.push(/\r\nReason: ([^\r\n]+)/.exec(m.text)?.[1] ?? '');
      });
      const waiting = (await f.phone('1006')).call('q');
      assert.equal(await withTimeout(waiting.progress, WAIT, '182'), 182);
      const full = (await f.phone('1007')).call('q');
      assert.deepEqual(await full.outcome, { kind: 'rejected', status: 486 });
      assert.deepEqual(await waiting.outcome, { kind: 'rejected', status: 480 });
      assert.deepEqual(reasons, ['SIP;cause=486;text="Queue full"', 'SIP;cause=480;text="Queue timeout"']);
      assert.deepEqual(
        events.map((e) => e.kind),
        ['offered', 'answered', 'queued', 'full', 'timeout'],
      );
      assert.equal(f.server.stats().queued, 0);
      await busy.inviter.bye();
    });
  });

  test('a caller who cancels while waiting gets 487 and leaves the queue; one whose socket closes leaves it too', async () => {
    await withQueue({ ringGroups: { q: ['1001'] }, queues: { q: {} } }, async (f, events) => {
      const a1 = await f.phone('1001');
      const busy = (await f.phone('1005')).call('q');
      await (await a1.invitations.next('first call', any, WAIT)).accept();
      await busy.outcome;
      const quitter = await f.phone('1006');
      const c = quitter.call('q');
      await withTimeout(c.progress, WAIT, '182');
      await c.inviter.cancel();
      const outcome = await c.outcome;
      assert.ok(outcome.kind === 'terminated' || (outcome.kind === 'rejected' && outcome.status === 487), JSON.stringify(outcome));
      await until(() => f.server.stats().queued === 0 || undefined, 'the cancelled call to leave', WAIT);

      const leaver = await f.phone('1007');
      const l = leaver.call('q');
      await withTimeout(l.progress, WAIT, '182');
      assert.equal(f.server.stats().queued, 1);
      await leaver.stop();
      await until(() => f.server.stats().queued === 0 || undefined, 'the call of the closed socket to leave', WAIT);
      assert.deepEqual(events.filter((e) => e.kind === 'abandoned').length, 2);

      // Freed: nothing left to offer, so the member is not rung again.
      await busy.inviter.bye();
      await until(() => f.server.stats().dialogs === 0, 'the call to end', WAIT);
      assert.equal(a1.invitations.queued.length, 0);
    });
  });

  test('nobody signed in: 480 at once, not queued', async () => {
    await withQueue({ ringGroups: { q: ['1001', '1002'] }, queues: { q: {} } }, async (f, events) => {
      const caller = await f.phone('1005');
      assert.deepEqual(await caller.call('q').outcome, { kind: 'rejected', status: 480 });
      assert.equal(events.length, 0);
    });
  });

  test('a waiting call is offered to a member who signs in, and to one who comes back from away', async () => {
    await withQueue({ ringGroups: { q: ['1001', '1002'] }, queues: { q: { strategy: 'least-recent' } } }, async (f) => {
      const a1 = await f.phone('1001');
      const publisher = await a1.publishPresence('open', 'away', 'At lunch');
      await until(() => f.server.presenceOf('1001')?.activities.includes('away') || undefined, 'away published', WAIT);
      const c = (await f.phone('1005')).call('q');
      assert.equal(await withTimeout(c.progress, WAIT, '182'), 182);
      await publisher.publish(pidf(`sip:1001@${DOMAIN}`, 'open'));
      const o = await a1.invitations.next('offer after coming back', any, WAIT);
      await o.reject({ statusCode: 486 });
      const a2 = await f.phone('1002');
      const o2 = await a2.invitations.next('offer to the member who signed in', any, WAIT);
      await o2.accept();
      assert.equal((await c.outcome).kind, 'established');
      await c.inviter.bye();
      await publisher.dispose();
    });
  });

  test('an offer nobody answers is cancelled (and ACKed) and offered again, to the same member too', async () => {
    await withQueue({ ringGroups: { q: ['1001'] }, queues: { q: { offerTimeoutMs: 300, rejectDelayMs: 50 } } }, async (f, events) => {
      const a1 = await f.phone('1001');
      const c = (await f.phone('1005')).call('q');
      const first = await a1.invitations.next('first offer', any, WAIT);
      await reach(first, SessionState.Terminated, WAIT);
      const second = await a1.invitations.next('the same call offered again (no 482: the 487 was ACKed)', any, WAIT);
      assert.equal(second.request.callId, first.request.callId);
      await second.accept();
      assert.equal((await c.outcome).kind, 'established');
      assert.deepEqual(events.map((e) => e.kind).slice(0, 3), ['offered', 'requeued', 'offered']);
      await c.inviter.bye();
    });
  });

  test('bad options are refused with a clear error', async () => {
    await assert.rejects(fixture({ ringGroups: { q: ['1001'] }, queues: { nope: {} } }), /queue "nope" names no ring group/);
    await assert.rejects(fixture({ ringGroups: { q: ['1001'] }, queues: { q: { maxWaitMs: 0 } } }), /maxWaitMs must be a positive number/);
  });
});
