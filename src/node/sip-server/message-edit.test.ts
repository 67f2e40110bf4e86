import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { RawMessage, canonicalHeaderName, headerParam, splitHeaderValues, uriOf } from './message-edit.ts';
import { buildAckForFailure, buildCancel, buildResponse } from './message-build.ts';
import { readSipMessage } from './sip-message.ts';

const INVITE = [
  'INVITE sip:1002@example.com SIP/2.0',
  'v: SIP/2.0/WSS a.invalid;branch=z9hG4bK1, SIP/2.0/WS b.invalid;branch=z9hG4bK0',
  'Route: <sip:127.0.0.1:5066;transport=ws;lr>, <sip:other.example;lr>',
  'Max-Forwards: 70',
  'To: <sip:1002@example.com>',
  'f: "Ann, Agent" <sip:1001@example.com>;tag=abc',
  'Call-ID: c1',
  'CSeq: 7 INVITE',
  'Subject: folded',
  '  line',
  'Content-Type: application/sdp',
  'l: 4',
  '',
  'v=0\r\nEXTRA',
].join('\r\n');

describe('RawMessage', () => {
  test('reads compact names, folded lines, comma lists, and trims the body to Content-Length', () => {
    const m = RawMessage.parse(INVITE);
    assert.ok(m);
    assert.equal(canonicalHeaderName('v'), 'via');
    assert.deepEqual(m.getAll('via'), ['SIP/2.0/WSS a.invalid;branch=z9hG4bK1', 'SIP/2.0/WS b.invalid;branch=z9hG4bK0']);
    assert.equal(m.get('from'), '"Ann, Agent" <sip:1001@example.com>;tag=abc');
    assert.equal(m.get('subject'), 'folded line');
    assert.equal(m.body, 'v=0\r');
  });

  test('edits: prepend Via, pop Route, replace Request-URI; serialises with a matching Content-Length', () => {
    const m = RawMessage.parse(INVITE);
    assert.ok(m);
    m.prepend('Via', 'SIP/2.0/WS proxy:1;branch=z9hG4bKp');
    assert.equal(m.popFirst('route'), '<sip:127.0.0.1:5066;transport=ws;lr>');
    m.setRequestUri('sip:x@y.invalid;transport=ws');
    m.body = 'héllo';
    const out = m.toString();
    assert.match(out, /^INVITE sip:x@y\.invalid;transport=ws SIP\/2\.0\r\nVia: SIP\/2\.0\/WS proxy:1;branch=z9hG4bKp\r\n/);
    assert.match(out, /Route: <sip:other\.example;lr>\r\n/);
    assert.match(out, /Content-Length: 6\r\n\r\nhéllo$/);
    const back = readSipMessage(out);
    assert.ok(back.ok);
    assert.equal(back.message.viaBranch, 'z9hG4bKp');
  });

  test('popFirst of a single-valued line removes the line', () => {
    const m = RawMessage.parse('SIP/2.0 200 OK\r\nVia: a;branch=1\r\nVia: b;branch=2\r\n\r\n');
    assert.ok(m);
    assert.equal(m.popFirst('via'), 'a;branch=1');
    assert.deepEqual(m.getAll('via'), ['b;branch=2']);
  });

  test('helpers', () => {
    assert.deepEqual(splitHeaderValues('<sip:a,b>;x="1,2", c'), ['<sip:a,b>;x="1,2"', 'c']);
    assert.equal(headerParam('<sip:a@b;expires=5>;expires=30', 'expires'), '30');
    assert.equal(headerParam('SIP/2.0/WS h;branch=z9hG4bKx;rport', 'branch'), 'z9hG4bKx');
    assert.equal(uriOf('"A" <sip:a@b;lr>;x=1'), 'sip:a@b;lr');
    assert.equal(RawMessage.parse('INVITE x SIP/2.0\r\nno colon here\r\n\r\n'), undefined);
  });
});

describe('built messages', () => {
  const request = RawMessage.parse(INVITE) as RawMessage;

  test('responses copy Via, From, To (+tag), Call-ID, CSeq', () => {
    const r = buildResponse(request, 486, { toTag: 't1', headers: [['Retry-After', '5']] });
    assert.match(r, /^SIP\/2\.0 486 Busy Here\r\n/);
    assert.match(r, /Via: SIP\/2\.0\/WSS a\.invalid;branch=z9hG4bK1, SIP\/2\.0\/WS b\.invalid;branch=z9hG4bK0\r\n/);
    assert.match(r, /To: <sip:1002@example\.com>;tag=t1\r\n/);
    assert.match(r, /Retry-After: 5\r\nContent-Length: 0\r\n\r\n$/);
    assert.doesNotMatch(buildResponse(request, 100), /To: [^\r]*tag=/, '100 Trying adds no To tag');
    assert.ok(readSipMessage(r).ok);
  });

  test('CANCEL and ACK keep the Request-URI, CSeq number, Route set and our Via only', () => {
    const cancel = buildCancel(request, 'SIP/2.0/WS p:1;branch=z9hG4bKb', 'SIP;cause=200;text="Call completed elsewhere"');
    assert.match(cancel, /^CANCEL sip:1002@example\.com SIP\/2\.0\r\nVia: SIP\/2\.0\/WS p:1;branch=z9hG4bKb\r\nRoute: <sip:127/);
    assert.match(cancel, /CSeq: 7 CANCEL/);
    assert.equal((cancel.match(/^Via:/gm) ?? []).length, 1);
    const ack = buildAckForFailure(request, 'SIP/2.0/WS p:1;branch=z9hG4bKb', '<sip:1002@example.com>;tag=zz');
    assert.match(ack, /CSeq: 7 ACK/);
    assert.match(ack, /To: <sip:1002@example\.com>;tag=zz/);
    const parsed = readSipMessage(ack);
    assert.ok(parsed.ok && parsed.message.kind === 'request' && parsed.message.method === 'ACK');
  });
});
