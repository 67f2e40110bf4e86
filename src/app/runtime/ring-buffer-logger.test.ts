import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RingBufferLogger } from './ring-buffer-logger.ts';

test('keeps the last entries only, redacts secrets, and prints one line per entry', () => {
  let now = Date.UTC(2026, 0, 5, 9, 0, 0);
  const mirrored: string[] = [];
  const logger = new RingBufferLogger(() => now++, 3, (level, line) => mirrored.push(`${level}:${line}`));
  logger.log('info', 'one');
  logger.log('warn', 'two', { password: 'hunter2', user: '1001' });
  logger.log('error', 'three', { Authorization: 'Digest x', nested: { a: 1 } });
  logger.log('debug', 'four');
  assert.deepEqual(logger.snapshot().map((e) => e.message), ['two', 'three', 'four']);
  const text = logger.text();
  assert.ok(!text.includes('hunter2') && !text.includes('Digest x'));
  assert.match(text, /^2026-01-05T09:00:00\.001Z WARN two \{"password":"\[redacted\]","user":"1001"\}$/m);
  assert.equal(text.trim().split('\n').length, 3);
  assert.equal(mirrored.length, 4);
});

test('unserialisable data does not break logging', () => {
  const logger = new RingBufferLogger(() => 0, 10);
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  logger.log('info', 'cyclic', { cyclic });
  assert.match(logger.text(), /cyclic \[unserialisable data\]/);
});
