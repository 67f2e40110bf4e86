// Bad input from the network: a fake SIP peer pushes garbage and broken messages at a registered
// browser agent. The adapter must ignore them, stay registered, and still take a real call.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { startFakeSipPeer, type FakeSipPeer } from '../support/fake-sip-peer.ts';
import { Agent } from './agents.ts';
import { DIST } from './scenarios.ts';

let browser: Browser, web: StaticServer, peer: FakeSipPeer, agent: Agent;

before(async () => {
  [browser, web, peer] = await Promise.all([launchChromium(), serveStatic(DIST), startFakeSipPeer()]);
  const server = { name: 'fake', wsUrl: peer.url, domain: '127.0.0.1', passwordOf: () => 'x', restart: async () => {}, stop: async () => {} };
  agent = await Agent.open(browser, web.url, server, '1002');
});

after(async () => {
  await agent?.close();
  await browser?.close();
  await web?.close();
  await peer?.close();
});

function request(lines: string[], body = ''): string {
  return `${lines.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

test('garbage and broken SIP are ignored; unknown methods get 405; a real INVITE still rings', async () => {
  const mark = await agent.mark();
  peer.push('\u0000\u0001 this is not SIP at all \r\n\r\n');
  peer.push('HELLO WORLD\r\n\r\n');
  peer.push(
    request([
      'OPTIONS sip:1002@127.0.0.1 SIP/2.0',
      'Via: SIP/2.0/WSS fake.invalid;branch=z9hG4bK-nocallid',
      'From: <sip:x@127.0.0.1>;tag=1',
      'To: <sip:1002@127.0.0.1>',
      'CSeq: 1 OPTIONS',
    ]),
  ); // no Call-ID
  peer.push(
    request([
      'INFO sip:1002@127.0.0.1 SIP/2.0',
      'Via: SIP/2.0/WSS fake.invalid;branch=z9hG4bK-badcseq',
      'From: <sip:x@127.0.0.1>;tag=1',
      'To: <sip:1002@127.0.0.1>',
      'Call-ID: bad-cseq',
      'CSeq: banana INFO',
    ]),
  );
  peer.push(
    'SIP/2.0 200 OK\r\nVia: SIP/2.0/WSS nowhere.invalid;branch=z9hG4bK-orphan\r\nCall-ID: orphan\r\nCSeq: 9 INVITE\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nContent-Length: 0\r\n\r\n',
  );
  peer.push(`INVITE sip:1002@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/WSS fake.invalid;branch=z9hG4bK-huge\r\nX-Big: ${'A'.repeat(70_000)}\r\n\r\n`);
  const from = peer.received.length;
  peer.push(
    request([
      'FROBNICATE sip:1002@127.0.0.1 SIP/2.0',
      'Via: SIP/2.0/WSS fake.invalid;branch=z9hG4bK-unknown',
      'Max-Forwards: 70',
      'From: <sip:x@127.0.0.1>;tag=1',
      'To: <sip:1002@127.0.0.1>',
      'Call-ID: unknown-method',
      'CSeq: 1 FROBNICATE',
    ]),
  );
  await peer.waitFor(/^SIP\/2\.0 405 /, from);

  // Still registered (no reconnect), still takes calls; attached data over the limit is dropped.
  const sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n';
  const inviteFrom = peer.received.length;
  peer.push(
    request(
      [
        'INVITE sip:1002@127.0.0.1 SIP/2.0',
        'Via: SIP/2.0/WSS fake.invalid;branch=z9hG4bK-good1',
        'Max-Forwards: 70',
        'From: "Mallory" <sip:+15550001@127.0.0.1>;tag=m1',
        'To: <sip:1002@127.0.0.1>',
        'Call-ID: good-call-1',
        'CSeq: 1 INVITE',
        'Contact: <sip:mallory@fake.invalid;transport=ws>',
        `X-Case-Number: 777`,
        `X-Account-Number: ${'9'.repeat(600)}`,
        'Content-Type: application/sdp',
      ],
      sdp,
    ),
  );
  const offered = await agent.waitIncoming(mark);
  assert.equal(offered.callId, 'good-call-1');
  assert.equal(offered.remote.number, '+15550001');
  assert.deepEqual(offered.attachedData, { caseNumber: '777' });
  assert.equal(offered.internal, false);
  await agent.command('decline', offered.callId);
  await peer.waitFor(/^SIP\/2\.0 603 /, inviteFrom);
  const [, reason] = await agent.waitEvent('ended', 'good-call-1', mark);
  assert.equal(reason, 'declined');
  const states = (await agent.events()).slice(mark).filter((e) => e.event === 'registration');
  assert.deepEqual(states, [], 'the registration must not have changed');
});
