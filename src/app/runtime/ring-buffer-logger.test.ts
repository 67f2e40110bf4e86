import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RingBufferLogger } from './ring-buffer-logger.ts';

test('keeps the last entries only, redacts secrets, and prints one line per entry', () => {
  let now = Date.UTC(2026, 0, 5, 9, 0, 0);
  const mirrored: string[] = [];
  const logger = new RingBufferLogger(() => now++, { capacity: 3, mirror: (level, line) => mirrored.push(`${level}:${line}`) });
  logger.log('info', 'zero');
  logger.log('info', 'one');
  logger.log('warn', 'two', { password: 'hunter2', user: '1001' });
  logger.log('error', 'three', { Authorization: 'Digest x', nested: { a: 1 } });
  logger.log('debug', 'four');
  assert.deepEqual(
    logger.snapshot().map((e) => e.message),
    ['one', 'two', 'three', 'four'],
  );
  const text = logger.text();
  assert.ok(!text.includes('hunter2') && !text.includes('Digest x'));
  assert.match(text, /^2026-01-05T09:00:00\.002Z WARN two \{"password":"\[redacted\]","user":"1001"\}$/m);
  assert.equal(text.trim().split('\n').length, 4);
  assert.equal(mirrored.length, 5);
});

test('unserialisable data does not break logging', () => {
  const logger = new RingBufferLogger(() => 0);
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  logger.log('info', 'cyclic', { cyclic });
  assert.match(logger.text(), /cyclic \[unserialisable data\]/);
});

test('memory is bounded by characters: SIP traces (debug) fill their own ring and never push out warnings', () => {
  let now = 0;
  const logger = new RingBufferLogger(() => now++, { capacity: 100, maxChars: 1000, debugChars: 2000, maxEntryChars: 300 });
  logger.log('warn', 'the one warning that explains the problem');
  const sipMessage = `INVITE sip:2001@switchboard.test SIP/2.0\r\n${'X-Header: value\r\n'.repeat(40)}`;
  for (let i = 0; i < 500; i++) logger.log('debug', `sip.js sip.Transport: Received WebSocket text message:\n\n${sipMessage}`);
  const kept = logger.snapshot();
  assert.equal(kept[0]?.message, 'the one warning that explains the problem');
  const debug = kept.filter((e) => e.level === 'debug');
  assert.ok(debug.length > 0 && debug.length <= 7, `${debug.length} traces kept`);
  const chars = debug.reduce((n, e) => n + e.message.length, 0);
  assert.ok(chars <= 2000, `${chars} characters of traces kept`);
  assert.ok(
    debug.every((e) => e.message.endsWith('…[cut]') && e.message.length <= 310),
    'long messages are cut',
  );
  for (let i = 0; i < 100; i++) logger.log('info', `call ${i} offered`, { callId: `c${i}`, detail: 'x'.repeat(20) });
  const notable = logger.snapshot().filter((e) => e.level !== 'debug');
  const notableChars = notable.reduce((n, e) => n + e.message.length + (e.data?.length ?? 0), 0);
  assert.ok(notableChars <= 1000, `${notableChars} characters of notable entries kept`);
  assert.equal(notable.at(-1)?.message, 'call 99 offered', 'the newest are kept');
});

test('only the mirrored levels are formatted and mirrored; data never keeps the logged object', () => {
  const mirrored: string[] = [];
  const logger = new RingBufferLogger(() => 0, { mirror: (level) => mirrored.push(level), mirrorLevels: ['warn', 'error'] });
  const error = { code: 'SB1', detail: 'x' };
  logger.log('debug', 'trace');
  logger.log('info', 'note', { error });
  logger.log('warn', 'careful');
  logger.log('error', 'broken');
  assert.deepEqual(mirrored, ['warn', 'error']);
  error.detail = 'changed later';
  assert.equal(logger.snapshot().find((e) => e.message === 'note')?.data, '{"error":{"code":"SB1","detail":"x"}}');
});

test('SIP traces keep no digest values: messages and data, at any depth, and what is mirrored', () => {
  const mirrored: string[] = [];
  const logger = new RingBufferLogger(() => 0, { mirror: (_level, line) => mirrored.push(line) });
  const trace =
    'REGISTER sip:switchboard.test SIP/2.0\r\nAuthorization: Digest username="1001", realm="switchboard.test", nonce="6a1f0c9e2b", uri="sip:switchboard.test", response="0f3c2b9d8e7a6f5c4b3a29180716f5e4", cnonce="c0ffee99", nc=00000001, qop=auth\r\n\r\n';
  logger.log('debug', `sip.js sip.Transport: Sending WebSocket message:\n\n${trace}`);
  logger.log('warn', 'odd response', {
    message: `SIP/2.0 401 Unauthorized\r\nWWW-Authenticate: Digest realm="switchboard.test", nonce="6a1f0c9e2b"\r\n`,
    nested: { credentials: { secret: 's3cret' }, list: [trace] },
  });
  const text = logger.text();
  for (const secret of ['0f3c2b9d8e7a6f5c4b3a29180716f5e4', '6a1f0c9e2b', 'c0ffee99', 's3cret']) {
    assert.ok(!text.includes(secret), `${secret} is not in the log`);
    assert.ok(!mirrored.join('\n').includes(secret), `${secret} is not mirrored`);
  }
  assert.match(text, /Authorization: Digest username="1001", realm="switchboard\.test", nonce="\[masked\]"/, 'the trace stays useful');
  assert.match(text, /"credentials":"\[redacted\]"/, 'secret keys are redacted below the top level too');
});
