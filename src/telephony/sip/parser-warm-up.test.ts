import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Core, UserAgent } from 'sip.js';
import { warmUpSipParser } from './parser-warm-up.ts';

test('the warm-up parses a whole INVITE and CANCEL (every header the first call needs), sending nothing', () => {
  const ua = new UserAgent({ logLevel: 'error', transportOptions: { server: 'wss://warm-up.invalid' } });
  const [invite, cancel] = warmUpSipParser(ua);
  assert.ok(invite instanceof Core.IncomingRequestMessage && cancel instanceof Core.IncomingRequestMessage);
  assert.equal(invite.method, 'INVITE');
  assert.equal(cancel.method, 'CANCEL');
  // Parsed, not just split: the grammar ran on the headers the first call's INVITE brings.
  assert.equal(invite.from.displayName, 'Warm Up');
  assert.equal(invite.from.uri.user, '+14155550100');
  assert.equal(invite.getHeaders('record-route').length, 2);
  assert.equal(invite.parseHeader('contact')?.uri.host, '127.0.0.1');
  assert.equal(invite.getHeader('x-case-number'), '00001026');
  assert.match(invite.body, /^v=0/);
  assert.equal(ua.state, 'Stopped', 'the user agent was never started');
});
