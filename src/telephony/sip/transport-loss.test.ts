/*
 * The SIP adapter when its WebSocket to the phone system drops (the server crashed, or the network
 * went): calls still being set up end as `failed` at once, exactly once, and are never answered
 * late; an established call stays up and its in-dialog requests flow again over the new connection.
 * The real adapter runs in Debian's Chromium (the harness page, dist/telephony/sip/web/) against a
 * scripted SIP-over-WebSocket peer in this process that the test can cut off at will.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../test/support/chromium.ts';
import { serveStatic, type StaticServer } from '../../../test/support/static-server.ts';
import { startFakeSipPeer, type FakeSipPeer } from '../../../test/support/fake-sip-peer.ts';
import { Agent } from '../../../test/telephony/agents.ts';
import { SIGNALLING_ONLY_OFFER, sipHeaders, sipResponse } from '../../../test/support/sip-text.ts';

const DIST = resolve(import.meta.dirname, '../../../dist');
const LOST = 'connection to the phone system lost';

/**
 * The scripted peer (test/support/fake-sip-peer.ts): answers REGISTER and in-dialog requests with
 * 200, an INVITE from the UA with 100 and 180 only (the callee never answers); `drop()` cuts every
 * connection while it keeps listening, so the UA can reconnect.
 */
function startScriptedPeer(): Promise<FakeSipPeer> {
  return startFakeSipPeer({
    answer: (text, method, send) => {
      if (method === 'INVITE' && !/^To:.*;tag=/im.test(text)) {
        send(response(text, '100 Trying', false));
        send(response(text, '180 Ringing', true));
        return;
      }
      send(response(text, '200 OK', true));
    },
  });
}

/** A response to `request`; `withContact` adds the peer's Contact (REGISTER's own Contacts are always echoed). */
const response = (request: string, status: string, withContact: boolean): string =>
  sipResponse(request, status, withContact ? { contact: '<sip:peer@peer.invalid;transport=ws>' } : {});

let n = 0;
function invite(callId: string, sdp = ''): string {
  const lines = [
    'INVITE sip:1002@127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/WSS peer.invalid;branch=z9hG4bK-loss${++n}`,
    'Max-Forwards: 70',
    'From: "Customer" <sip:+14155550134@127.0.0.1>;tag=c1',
    'To: <sip:1002@127.0.0.1>',
    `Call-ID: ${callId}`,
    'CSeq: 1 INVITE',
    'Contact: <sip:customer@peer.invalid;transport=ws>',
    ...(sdp ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(sdp)}`,
  ];
  return `${lines.join('\r\n')}\r\n\r\n${sdp}`;
}

function ack(ok: string): string {
  const lines = [
    'ACK sip:1002@127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/WSS peer.invalid;branch=z9hG4bK-ack${++n}`,
    'Max-Forwards: 70',
    ...sipHeaders(ok, 'From'),
    ...sipHeaders(ok, 'To'),
    ...sipHeaders(ok, 'Call-ID'),
    'CSeq: 1 ACK',
    'Content-Length: 0',
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

let browser: Browser, web: StaticServer, peer: FakeSipPeer, agent: Agent;

before(async () => {
  [browser, web, peer] = await Promise.all([launchChromium(), serveStatic(DIST), startScriptedPeer()]);
  const server = { name: 'scripted', wsUrl: peer.url, domain: '127.0.0.1', passwordOf: () => 'x', restart: async () => {}, stop: async () => {} };
  agent = await Agent.open(browser, web.url, server, '1002');
});

after(async () => {
  await agent?.close();
  await browser?.close();
  await web?.close();
  await peer?.close();
});

/** Drops the connection and waits until the agent is registered again. */
async function dropAndWaitRegistered(mark: number): Promise<void> {
  peer.drop();
  await agent.waitEvent('registration', 'reconnecting', mark);
  await agent.waitEvent('registration', 'registered', mark);
}

async function endedEvents(callId: string, since: number): Promise<(readonly unknown[])[]> {
  return (await agent.events())
    .slice(since)
    .filter((e) => e.event === 'ended' && e.args[0] === callId)
    .map((e) => e.args);
}

test('an offered call ends as failed, once, when the connection drops, and is not answered later', async () => {
  const mark = await agent.mark();
  peer.push(invite('loss-offered'));
  const offered = await agent.waitIncoming(mark);
  assert.equal(offered.callId, 'loss-offered');
  await dropAndWaitRegistered(mark);
  const [, reason, detail] = await agent.waitEvent('ended', 'loss-offered', mark);
  assert.equal(reason, 'failed');
  assert.equal(detail, LOST);
  // Nothing to answer any more: the adapter says so, and nothing went out for it on the new connection.
  await assert.rejects(agent.command('answer', 'loss-offered'), /no such call/);
  assert.equal((await endedEvents('loss-offered', mark)).length, 1);
  const lastRegister = peer.received.map((t) => /^REGISTER /.test(t)).lastIndexOf(true);
  const afterReconnect = peer.received.slice(lastRegister);
  assert.equal(afterReconnect.filter((t) => /^SIP\/2\.0 /.test(t) && /Call-ID: loss-offered/i.test(t)).length, 0);
});

test('an outbound call still ringing ends as failed, once, when the connection drops', async () => {
  const mark = await agent.mark();
  const callId = await agent.dial('1003');
  await agent.waitEvent('progress', callId, mark);
  await dropAndWaitRegistered(mark);
  const [, reason, detail] = await agent.waitEvent('ended', callId, mark);
  assert.equal(reason, 'failed');
  assert.equal(detail, LOST);
  assert.equal((await endedEvents(callId, mark)).length, 1);
  await assert.rejects(agent.command('hangup', callId), /no such call/);
});

test('an established call stays up when the connection drops; its BYE goes out over the new one', async () => {
  const mark = await agent.mark();
  peer.push(invite('loss-established', SIGNALLING_ONLY_OFFER));
  await agent.waitIncoming(mark);
  const from = peer.received.length;
  await agent.command('answer', 'loss-established');
  const ok = await peer.waitFor(/^SIP\/2\.0 200 [^]*Call-ID: loss-established/i, from);
  peer.push(ack(ok));
  await agent.waitEvent('established', 'loss-established', mark);
  await dropAndWaitRegistered(mark);
  assert.equal((await endedEvents('loss-established', mark)).length, 0, 'the established call must stay up');
  const byeFrom = peer.received.length;
  await agent.command('hangup', 'loss-established');
  await peer.waitFor(/^BYE [^]*Call-ID: loss-established/i, byeFrom);
  const [, reason] = await agent.waitEvent('ended', 'loss-established', mark);
  assert.equal(reason, 'local-hangup');
});

/** A request from the peer inside the dialog the UA's 200 `ok` (to the peer's INVITE) set up. */
function inDialog(ok: string, method: string, cseq: number, extra: readonly string[] = []): string {
  const contact = /^Contact:\s*<([^>]+)>/im.exec(ok)?.[1] ?? 'sip:1002@127.0.0.1';
  const lines = [
    `${method} ${contact} SIP/2.0`,
    `Via: SIP/2.0/WSS peer.invalid;branch=z9hG4bK-dlg${++n}`,
    'Max-Forwards: 70',
    ...sipHeaders(ok, 'From'),
    ...sipHeaders(ok, 'To'),
    ...sipHeaders(ok, 'Call-ID'),
    `CSeq: ${cseq} ${method}`,
    'Contact: <sip:customer@peer.invalid;transport=ws>',
    ...extra,
    'Content-Length: 0',
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

test("a transfer still being set up is dropped with the connection; the call stays up and still ends on the far end's BYE", async () => {
  const mark = await agent.mark();
  peer.push(invite('loss-refer', SIGNALLING_ONLY_OFFER));
  await agent.waitIncoming(mark);
  const from = peer.received.length;
  await agent.command('answer', 'loss-refer');
  const ok = await peer.waitFor(/^SIP\/2\.0 200 [^]*Call-ID: loss-refer/i, from);
  peer.push(ack(ok));
  await agent.waitEvent('established', 'loss-refer', mark);
  // The far end transfers us (blind): we accept and call the target, which only rings.
  const referFrom = peer.received.length;
  peer.push(inDialog(ok, 'REFER', 2, ['Refer-To: <sip:1003@127.0.0.1>']));
  await peer.waitFor(/^SIP\/2\.0 202 /, referFrom);
  await peer.waitFor(/^INVITE sip:1003@/, referFrom);
  await dropAndWaitRegistered(mark);
  assert.equal((await endedEvents('loss-refer', mark)).length, 0, 'the call must stay up on its dialog');
  // The far end hangs up the original dialog: the call ends (it would wait for ever on the lost transfer).
  peer.push(inDialog(ok, 'BYE', 3));
  const [, reason] = await agent.waitEvent('ended', 'loss-refer', mark);
  assert.equal(reason, 'remote-hangup');
  assert.equal((await endedEvents('loss-refer', mark)).length, 1);
});
