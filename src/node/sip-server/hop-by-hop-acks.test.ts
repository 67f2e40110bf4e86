// The ACK of an INVITE the server answered with a failure ends at the server: it never reaches the
// contact the INVITE was addressed to (which never saw the INVITE), while the ACK of a 2xx does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, DOMAIN, type Fixture } from './test-support/fixture.ts';
import { RawClient, rawRequest } from './test-support/raw-client.ts';
import { HopByHopAcks } from './hop-by-hop-acks.ts';

let f: Fixture;
before(async () => {
  f = await fixture();
});
after(async () => f.close());

test('the ACK of a challenged INVITE sent to a contact is not forwarded to that contact', async () => {
  const callee = await f.phone('1002');
  const [binding] = f.server.registrations(callee.uri);
  assert.ok(binding);
  const contact = /^<?(sip:[^;>]+)/.exec(binding.contact)?.[1];
  assert.ok(contact, binding.contact);
  const toCallee: string[] = [];
  f.server.on('message', (m) => {
    if (m.direction === 'out' && m.connectionId === binding.connectionId) toCallee.push(m.text.split('\r\n')[0]!);
  });

  // 1001's INVITE straight to the contact, without credentials: 407 from the server.
  const caller = await RawClient.connect(f.server.url);
  const invite = rawRequest('INVITE', contact, { host: caller.host, domain: DOMAIN, user: '1001', body: 'v=0\r\n', extra: ['Content-Type: application/sdp'] });
  caller.send(invite);
  const challenge = await caller.response(407);
  const toTag = /^To:.*;tag=([^;\r\n]+)/m.exec(challenge)?.[1];
  assert.ok(toTag, 'the 407 has a To tag');
  const ack = invite
    .replace(/^INVITE /, 'ACK ')
    .replace(/^CSeq: 1 INVITE$/m, 'CSeq: 1 ACK')
    .replace(/^(To: <[^>]+>)$/m, `$1;tag=${toTag}`)
    .replace(/^Content-Type:.*\r\n/m, '')
    .replace(/\r\n\r\nv=0\r\n$/, '\r\n\r\n')
    .replace(/^Content-Length: \d+$/m, 'Content-Length: 0');
  assert.match(ack, /^ACK /);
  caller.send(ack);
  // Requests of one socket are handled in order: once the OPTIONS is answered, the ACK was handled.
  caller.send(rawRequest('OPTIONS', `sip:${DOMAIN}`, { host: caller.host, domain: DOMAIN, user: '1001' }));
  await caller.response(200);
  assert.deepEqual(
    toCallee.filter((l) => /^(ACK|INVITE) /.test(l)),
    [],
    'neither the INVITE nor its ACK reached the contact',
  );
  caller.close();
});

test('a 2xx ACK (a new branch) is not taken for the failure ACK of its INVITE', () => {
  const acks = new HopByHopAcks(2);
  acks.invite('z9hG4bK-invite', 'call-1');
  assert.equal(acks.ends('z9hG4bK-ack-of-2xx', 'call-1'), false);
  assert.equal(acks.ends('z9hG4bK-invite', 'call-2'), false, 'the same branch in another call is another transaction');
  assert.equal(acks.ends('z9hG4bK-invite', 'call-1'), true);
  assert.equal(acks.ends('z9hG4bK-invite', 'call-1'), false, 'forgotten once it ended');
  acks.invite('b1', 'c');
  acks.invite('b2', 'c');
  acks.invite('b3', 'c');
  assert.equal(acks.ends('b1', 'c'), false, 'the oldest goes past the capacity');
  assert.equal(acks.ends('b3', 'c'), true);
});
