import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextTask } from './next-task.ts';

test('nextTask resolves after the microtasks queued before and after it, in call order', async () => {
  const order: string[] = [];
  const a = nextTask().then(() => order.push('task a'));
  const b = nextTask().then(() => order.push('task b'));
  void Promise.resolve()
    .then(() => order.push('microtask'))
    .then(() => order.push('microtask 2'));
  await Promise.all([a, b]);
  assert.deepEqual(order, ['microtask', 'microtask 2', 'task a', 'task b']);
});
