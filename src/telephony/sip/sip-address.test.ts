import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SwitchboardError } from '../../core/index.ts';
import { sipAddress } from './sip-address.ts';

test("an extension or a number goes to the phone system's domain", () => {
  assert.equal(sipAddress('1001', 'pbx.example.com').toString(), 'sip:1001@pbx.example.com');
  assert.equal(sipAddress('+14155550134', 'pbx.example.com').toString(), 'sip:+14155550134@pbx.example.com');
});

test('a user part with characters a SIP user cannot hold is escaped', () => {
  const uri = sipAddress('ann smith#2', 'pbx.example.com');
  assert.equal(uri.host, 'pbx.example.com');
  assert.equal(uri.toString(), 'sip:ann%20smith%232@pbx.example.com');
});

test('user@host names its own host, and a sip: or sips: URI is taken as it is', () => {
  assert.equal(sipAddress('bob@carrier.example.net', 'pbx.example.com').toString(), 'sip:bob@carrier.example.net');
  assert.equal(sipAddress('sips:queue@pbx.example.org', 'pbx.example.com').toString(), 'sips:queue@pbx.example.org');
});

test('what makes no SIP address is refused with SB20004, naming it', () => {
  assert.throws(
    () => sipAddress('sip:', 'pbx.example.com'),
    (e: unknown) => e instanceof SwitchboardError && e.code === 'SB20004' && e.message.includes("'sip:'"),
  );
});
