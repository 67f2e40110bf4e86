// The media watch's rules on a stand-in peer connection (the real one, in Chromium: media-loss.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../core/testing/index.ts';
import { MediaWatch, type WatchedConnection } from './media-watch.ts';

/** A peer connection stand-in whose states the test sets; each change fires the browser's events. */
class StandIn extends EventTarget {
  connectionState: RTCPeerConnectionState = 'connected';
  iceConnectionState: RTCIceConnectionState = 'connected';

  set(connection: RTCPeerConnectionState, ice: RTCIceConnectionState = connection === 'connected' ? 'connected' : (connection as RTCIceConnectionState)): void {
    this.iceConnectionState = ice;
    this.dispatchEvent(new Event('iceconnectionstatechange'));
    this.connectionState = connection;
    this.dispatchEvent(new Event('connectionstatechange'));
  }
}

function watch(graceMs?: number) {
  const pc = new StandIn();
  const clock = new FakeClock();
  const seen: string[] = [];
  const w = new MediaWatch(
    pc as unknown as WatchedConnection,
    clock,
    {
      interrupted: () => seen.push('interrupted'),
      restored: () => seen.push('restored'),
      failed: (detail) => seen.push(`failed: ${detail}`),
    },
    graceMs,
  );
  return { pc, clock, seen, w };
}

test('disconnected is an interruption, not the end; connected again restores', () => {
  const { pc, clock, seen, w } = watch();
  pc.set('disconnected');
  clock.advance(10 * 60_000); // no timer of our own by default: only the browser's `failed` ends it
  assert.deepEqual(seen, ['interrupted']);
  pc.set('connected');
  assert.deepEqual(seen, ['interrupted', 'restored']);
  assert.equal(w.pathState, 'up');
});

test('failed ends the path once, from either state; later changes are ignored', () => {
  const { pc, seen, w } = watch();
  pc.set('disconnected');
  pc.set('failed');
  pc.set('connected');
  pc.set('failed');
  assert.deepEqual(seen, ['interrupted', 'failed: media connection lost (ICE connection state failed)']);
  assert.equal(w.pathState, 'failed');
});

test('the ICE connection state alone failing is enough', () => {
  const { pc, seen } = watch();
  pc.iceConnectionState = 'failed';
  pc.dispatchEvent(new Event('iceconnectionstatechange'));
  assert.deepEqual(seen, ['failed: media connection lost (ICE connection state failed)']);
});

test('with a grace, an interruption that lasts that long fails; a shorter one does not', () => {
  const { pc, clock, seen } = watch(8000);
  pc.set('disconnected');
  clock.advance(7999);
  pc.set('connected');
  clock.advance(60_000);
  assert.deepEqual(seen, ['interrupted', 'restored']);
  pc.set('disconnected');
  clock.advance(8000);
  assert.deepEqual(seen, ['interrupted', 'restored', 'interrupted', 'failed: media connection lost (disconnected for 8000 ms)']);
  pc.set('failed');
  assert.equal(seen.length, 4, 'failed only once');
});

test('closed (we hung up) and stop() end the watch silently', () => {
  const a = watch(1000);
  a.pc.set('disconnected');
  a.pc.set('closed', 'closed');
  a.clock.advance(5000);
  assert.deepEqual(a.seen, ['interrupted']);
  const b = watch(1000);
  b.w.stop();
  b.pc.set('failed');
  assert.deepEqual(b.seen, []);
});

test('a path already down when the watch starts is seen at once', () => {
  const pc = new StandIn();
  pc.connectionState = 'failed';
  const seen: string[] = [];
  new MediaWatch(pc as unknown as WatchedConnection, new FakeClock(), { interrupted: () => {}, restored: () => {}, failed: (d) => seen.push(d) });
  assert.deepEqual(seen, ['media connection lost (connection state failed)']);
});

test('a grace that is not a non-negative number is refused', () => {
  assert.throws(() => watch(-1), /non-negative/);
  assert.throws(() => watch(Number.NaN), /non-negative/);
});

test("a recoverable watch reports the browser's failed as broken, recovers when the restarted path comes up, and ends on giveUp", () => {
  const pc = new StandIn();
  const clock = new FakeClock();
  const seen: string[] = [];
  const w = new MediaWatch(
    pc as unknown as WatchedConnection,
    clock,
    {
      interrupted: () => seen.push('interrupted'),
      restored: () => seen.push('restored'),
      failed: (detail) => seen.push(`failed: ${detail}`),
      broken: (detail) => seen.push(`broken: ${detail}`),
    },
    undefined,
    true,
  );
  pc.set('failed');
  pc.set('failed');
  assert.deepEqual(seen, ['interrupted', 'broken: media connection lost (ICE connection state failed)']);
  pc.set('connecting', 'checking');
  pc.set('connected');
  assert.deepEqual(seen.slice(2), ['restored']);
  assert.equal(w.pathState, 'up');
  pc.set('failed');
  w.giveUp('media connection lost (ICE connection state failed)');
  assert.deepEqual(seen.slice(3), [
    'interrupted',
    'broken: media connection lost (ICE connection state failed)',
    'failed: media connection lost (ICE connection state failed)',
  ]);
  assert.equal(w.pathState, 'failed');
});
