import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../core/testing/index.ts';
import { DocumentAttention, attendedTab, isTabAttention, type AttentionDocument, type AttentionWindow, type TabAttention } from './tab-attention.ts';

/** A frame's document and window: visibility the test sets, and the events the browser would fire. */
class FrameDouble implements AttentionDocument, AttentionWindow {
  visibilityState = 'visible';
  private readonly listeners = new Map<string, Set<() => void>>();
  addEventListener(type: string, listener: () => void): void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
  }
  removeEventListener(type: string, listener: () => void): void {
    this.listeners.get(type)?.delete(listener);
  }
  fire(type: 'visibilitychange' | 'focus' | 'pointerdown'): void {
    for (const l of [...(this.listeners.get(type) ?? [])]) l();
  }
  get listening(): number {
    return [...this.listeners.values()].reduce((n, s) => n + s.size, 0);
  }
}

test('a tab gains attention when it opens, becomes visible, is focused or pressed; hiding keeps the last gain', () => {
  const clock = new FakeClock();
  const frame = new FrameDouble();
  const attention = new DocumentAttention(frame, frame, clock);
  const seen: TabAttention[] = [];
  attention.onChange((a) => seen.push(a));
  const opened = clock.now();
  assert.deepEqual(attention.current(), { visible: true, at: opened });

  clock.advance(1000);
  frame.visibilityState = 'hidden';
  frame.fire('visibilitychange');
  assert.deepEqual(attention.current(), { visible: false, at: opened }, 'hidden: the last gain stays');

  clock.advance(1000);
  frame.visibilityState = 'visible';
  frame.fire('visibilitychange');
  assert.deepEqual(attention.current(), { visible: true, at: opened + 2000 });
  clock.advance(500);
  frame.fire('pointerdown');
  assert.deepEqual(attention.current(), { visible: true, at: opened + 2500 });
  clock.advance(500);
  frame.fire('focus');
  assert.deepEqual(attention.current(), { visible: true, at: opened + 3000 });
  assert.equal(seen.length, 4, 'every change is told');

  attention.dispose();
  assert.equal(frame.listening, 0, 'dispose removes the browser listeners');
});

test('the attended tab is the visible one with the latest gain; the leader when none is visible or on a tie', () => {
  const self = { id: 'L', attention: { visible: true, at: 100 } };
  assert.equal(attendedTab(self, new Map()), 'L');
  assert.equal(attendedTab(self, new Map([['F', { visible: true, at: 200 }]])), 'F', 'a follower brought up later');
  assert.equal(attendedTab(self, new Map([['F', { visible: true, at: 100 }]])), 'L', 'a tie stays here');
  assert.equal(attendedTab(self, new Map([['F', { visible: false, at: 200 }]])), 'L', 'a hidden follower is not where the agent looks');
  const hidden = { id: 'L', attention: { visible: false, at: 300 } };
  assert.equal(
    attendedTab(
      hidden,
      new Map([
        ['F', { visible: true, at: 50 }],
        ['G', { visible: true, at: 70 }],
      ]),
    ),
    'G',
    'the leader hidden: the latest visible follower',
  );
  assert.equal(attendedTab(hidden, new Map([['F', { visible: false, at: 900 }]])), 'L', 'nothing visible: here');
  assert.equal(attendedTab(self, new Map([['L', { visible: true, at: 999 }]])), 'L', 'its own id among the candidates changes nothing');
});

test('isTabAttention checks the shape that crosses the channel', () => {
  assert.ok(isTabAttention({ visible: true, at: 1 }));
  assert.ok(!isTabAttention({ visible: 'yes', at: 1 }));
  assert.ok(!isTabAttention({ visible: true, at: Number.NaN }));
  assert.ok(!isTabAttention(null));
});
