import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../core/testing/index.ts';
import { AutoplayGuard, RESUME_GRACE_MS, type ContextLike } from './autoplay-guard.ts';

/**
 * An AudioContext under Chromium's autoplay policy: created 'suspended' in a page without a user
 * gesture, its resume() stays pending (neither resolves nor rejects) until one came.
 */
class PolicyContext implements ContextLike {
  state = 'suspended';
  private gestured = false;
  private waiting: (() => void)[] = [];
  private readonly listeners = new Set<() => void>();

  resume(): Promise<void> {
    if (!this.gestured) return new Promise((resolve) => this.waiting.push(resolve));
    this.state = 'running';
    for (const l of this.listeners) l();
    for (const w of this.waiting.splice(0)) w();
    return Promise.resolve();
  }

  /** The agent clicked in the page: sound is allowed from now on. */
  gesture(): void {
    this.gestured = true;
  }

  addEventListener(_type: 'statechange', listener: () => void): void {
    this.listeners.add(listener);
  }

  removeEventListener(_type: 'statechange', listener: () => void): void {
    this.listeners.delete(listener);
  }
}

const refused = (): Promise<void> => Promise.reject(Object.assign(new Error('play() can only be initiated by a user gesture'), { name: 'NotAllowedError' }));
const interrupted = (): Promise<void> => Promise.reject(Object.assign(new Error('interrupted by a call to pause()'), { name: 'AbortError' }));
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function guard() {
  const clock = new FakeClock();
  let changes = 0;
  const g = new AutoplayGuard(clock, () => changes++);
  return { clock, guard: g, changes: () => changes };
}

test('a ring in a page nobody clicked: play refused, context held → blocked, said once', async () => {
  const { clock, guard: g, changes } = guard();
  const context = new PolicyContext();
  const checked = g.check(context, refused());
  await flush();
  clock.advance(RESUME_GRACE_MS);
  await checked;
  assert.equal(g.blocked, true);
  assert.equal(changes(), 1);
});

test('a ring that plays in a running context is not blocked and says nothing', async () => {
  const { guard: g, changes } = guard();
  const context = new PolicyContext();
  context.gesture();
  await context.resume();
  await g.check(context, Promise.resolve());
  assert.equal(g.blocked, false);
  assert.equal(changes(), 0);
});

test('a suspended context that will not start within the grace blocks even when the element plays', async () => {
  const { clock, guard: g } = guard();
  const checked = g.check(new PolicyContext(), Promise.resolve());
  await flush();
  clock.advance(RESUME_GRACE_MS);
  await checked;
  assert.equal(g.blocked, true);
});

test('the click on "Enable ringer sound" while it rings: the context runs, the ringer replays, the block goes', async () => {
  const { clock, guard: g, changes } = guard();
  const context = new PolicyContext();
  const checked = g.check(context, refused());
  await flush();
  clock.advance(RESUME_GRACE_MS);
  await checked;
  context.gesture();
  let replayed = 0;
  await g.unblock(context, async () => {
    replayed++;
  });
  assert.equal(replayed, 1);
  assert.equal(context.state, 'running');
  assert.equal(g.blocked, false);
  assert.equal(changes(), 2, 'blocked, then cleared');
});

test('the click after the ringing stopped: the context runs, so the next ring will be heard; the block goes', async () => {
  const { clock, guard: g } = guard();
  const context = new PolicyContext();
  const checked = g.check(context, refused());
  await flush();
  clock.advance(RESUME_GRACE_MS);
  await checked;
  context.gesture();
  await g.unblock(context);
  assert.equal(g.blocked, false);
});

test('a click that the browser still refuses (a replay refused) keeps the block', async () => {
  const { clock, guard: g } = guard();
  const context = new PolicyContext();
  context.gesture();
  await context.resume();
  const checked = g.check(context, refused());
  await flush();
  clock.advance(RESUME_GRACE_MS);
  await checked;
  assert.equal(g.blocked, true, 'an element refused in a running context (another policy) blocks too');
  await g.unblock(context, refused);
  assert.equal(g.blocked, true);
});

test('a context that starts by itself (statechange) does not clear a refused element until a play starts', async () => {
  const { clock, guard: g } = guard();
  const context = new PolicyContext();
  const checked = g.check(context, refused());
  await flush();
  clock.advance(RESUME_GRACE_MS);
  await checked;
  context.gesture();
  await context.resume(); // e.g. the conference mixer resumed it after the agent clicked Answer
  assert.equal(g.blocked, true, 'the ringer element itself was never started again');
  await g.check(context, Promise.resolve()); // the next ring
  assert.equal(g.blocked, false);
});

test('an interrupted play (the ring stopped at once) says nothing about the policy; only the latest check counts', async () => {
  const { clock, guard: g } = guard();
  const context = new PolicyContext();
  context.gesture();
  await context.resume();
  await g.check(context, interrupted());
  assert.equal(g.blocked, false);

  const held = new PolicyContext();
  const stale = g.check(held, refused()); // ring 1, still waiting for the context
  await flush();
  const fresh = g.check(context, Promise.resolve()); // ring 2, heard
  await fresh;
  clock.advance(RESUME_GRACE_MS);
  await stale;
  assert.equal(g.blocked, false, 'the stale check of ring 1 does not override ring 2');
  g.dispose();
});
