// The ICE restart schedule on a fake clock (the real thing, with two TURN servers in Chromium:
// test/telephony/ice-restart.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CapturingLogger, FakeClock } from '../../core/testing/index.ts';
import { DEFAULT_ICE_RESTART, IceRestarter, type RestartOutcome } from './ice-restart.ts';

function setup(first: boolean, outcomes: RestartOutcome[]) {
  const clock = new FakeClock();
  const sent: number[] = [];
  const exhausted: string[] = [];
  const r = new IceRestarter(
    clock,
    new CapturingLogger(),
    () => 0.5,
    DEFAULT_ICE_RESTART,
    {
      restart: async () => {
        sent.push(clock.now());
        return outcomes.shift() ?? 'accepted';
      },
      exhausted: (detail) => exhausted.push(detail),
    },
    first,
  );
  /** Advances the clock and lets the restart promise settle. */
  const advance = async (ms: number): Promise<void> => {
    clock.advance(ms);
    await new Promise((ok) => setImmediate(ok));
  };
  return { clock, sent, exhausted, r, advance };
}

test("a disconnected path gets a chance to come back by itself; the dialog's caller restarts first", async () => {
  const caller = setup(true, []);
  caller.r.pathDown(false);
  await caller.advance(1999);
  assert.equal(caller.sent.length, 0);
  await caller.advance(1);
  assert.equal(caller.sent.length, 1);
  assert.equal(caller.r.current, 'checking');

  const callee = setup(false, []);
  callee.r.pathDown(false);
  await callee.advance(3999);
  assert.equal(callee.sent.length, 0, 'the other end waits longer, so the two re-INVITEs do not cross');
  await callee.advance(1);
  assert.equal(callee.sent.length, 1);
});

test('a failed path restarts at once; a path back up cancels what was scheduled', async () => {
  const { r, sent, advance } = setup(true, []);
  r.pathDown(false);
  await advance(500);
  r.pathDown(true);
  await advance(0);
  assert.equal(sent.length, 1);
  r.pathUp();
  assert.equal(r.current, 'idle');

  const other = setup(true, []);
  other.r.pathDown(false);
  other.r.pathUp();
  await other.advance(60_000);
  assert.equal(other.sent.length, 0);
});

test('an accepted restart with no path retries with backoff, then gives up after maxAttempts', async () => {
  const { r, sent, exhausted, advance } = setup(true, []);
  r.pathDown(true);
  await advance(0);
  for (let i = 0; i < 5; i++) await advance(DEFAULT_ICE_RESTART.attemptTimeoutMs + DEFAULT_ICE_RESTART.backoff.maxMs);
  assert.equal(sent.length, DEFAULT_ICE_RESTART.maxAttempts);
  assert.equal(exhausted.length, 1);
  assert.match(exhausted[0]!, /no media path after 3 ICE restart/);
  assert.equal(r.current, 'exhausted');
  // The path coming back later starts a fresh budget for the next outage.
  r.pathUp();
  r.pathDown(true);
  await advance(0);
  assert.equal(sent.length, DEFAULT_ICE_RESTART.maxAttempts + 1);
});

test('the far end restarting first cancels our own attempt; without a path ours follow', async () => {
  const { r, sent, advance } = setup(false, []);
  r.pathDown(false);
  await advance(1000);
  r.peerRestarting();
  await advance(DEFAULT_ICE_RESTART.attemptTimeoutMs - 1);
  assert.equal(sent.length, 0, "no re-INVITE of ours crosses the far end's");
  r.pathUp();
  assert.equal(r.current, 'idle');

  const stuck = setup(false, []);
  stuck.r.pathDown(true);
  stuck.r.peerRestarting();
  await stuck.advance(DEFAULT_ICE_RESTART.attemptTimeoutMs + DEFAULT_ICE_RESTART.answererDelayMs);
  assert.equal(stuck.sent.length, 1, "the far end's restart did not bring the path back: we try");
});

test('a 488 is retried with backoff (the far end may have been gathering for its own offer)', async () => {
  const { r, sent, advance } = setup(true, ['rejected', 'rejected']);
  r.pathDown(true);
  await advance(0);
  await advance(1000);
  await advance(2000);
  assert.equal(sent.length, 3);
  assert.equal(r.current, 'checking');
});

test('491 (crossing re-INVITEs) retries after the RFC 3261 wait; a refusal gives up at once', async () => {
  const glare = setup(true, ['glare']);
  glare.r.pathDown(true);
  await glare.advance(0);
  await glare.advance(2100 + 0.5 * 1900 - 1);
  assert.equal(glare.sent.length, 1);
  await glare.advance(1);
  assert.equal(glare.sent.length, 2);

  const refused = setup(true, ['refused']);
  refused.r.pathDown(true);
  await refused.advance(0);
  assert.deepEqual(refused.exhausted, ['the far end refused to restart ICE']);
  await refused.advance(60_000);
  assert.equal(refused.sent.length, 1);
});

test('stop() ends everything, even a restart in flight', async () => {
  const { r, sent, exhausted, advance } = setup(true, ['unavailable']);
  r.pathDown(true);
  r.stop();
  await advance(60_000);
  assert.equal(sent.length, 0);
  assert.deepEqual(exhausted, []);
  assert.equal(r.current, 'stopped');
});
