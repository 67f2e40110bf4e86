import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, DOMAIN, type Fixture } from './test-support/fixture.ts';
import { RawClient, rawRequest } from './test-support/raw-client.ts';
import { until } from './test-support/wait.ts';
import type { SipServerEvents } from './types.ts';

describe('bad input never stops the server', () => {
  let f: Fixture;
  const malformed: Array<SipServerEvents['malformed'][0]> = [];
  const bugs: unknown[] = [];
  before(async () => {
    f = await fixture({ maxMessageBytes: 4096 });
    f.server.on('malformed', (e) => malformed.push(e));
    f.server.on('error', (e) => bugs.push(e.error));
  });
  after(async () => {
    await f.close();
  });

  test('garbage is dropped; a request with a broken header gets 400; oversized gets 513 or is dropped', async () => {
    const raw = await RawClient.connect(f.server.url);
    const base = { host: raw.host, domain: DOMAIN };
    raw.send('hello, is this SIP?');
    raw.send('\u0000\u0001\u0002 garbage without CRLF');
    raw.send('INVITE sip:1002@x SIP/2.0\r\nVia: SIP/2.0/WS h.invalid\r\n\r\n'); // too little to answer
    await until(() => malformed.length >= 3 || undefined, 'three malformed reports');
    assert.equal(raw.received.queued.length, 0, 'nothing is answered to garbage');

    raw.send(rawRequest('INVITE', `sip:1002@${DOMAIN}`, base).replace(/CSeq: 1 INVITE/, 'CSeq: one INVITE'));
    assert.match(await raw.response(400), /400 Bad Request \(/);
    raw.send(rawRequest('INVITE', `sip:1002@${DOMAIN}`, base).replace(/CSeq: 1 INVITE/, 'CSeq: 1 BYE'));
    assert.match(await raw.response(400), /CSeq method BYE does not match INVITE/);
    raw.send(rawRequest('OPTIONS', `sip:${DOMAIN}`, base).replace(/From: <([^>]*)>;tag=\w+/, 'From: <$1>'));
    assert.match(await raw.response(400), /From has no tag/);
    raw.send(rawRequest('OPTIONS', `sip:${DOMAIN}`, base).replace(/Max-Forwards: 70/, 'Max-Forwards: lots'));
    await raw.response(400);
    raw.send(rawRequest('FROBNICATE', `sip:${DOMAIN}`, base));
    assert.match(await raw.response(405), /Allow: INVITE/);
    raw.send(rawRequest('BYE', `sip:1002@${DOMAIN}`, base));
    await raw.response(481);

    const big = rawRequest('MESSAGE', `sip:1002@${DOMAIN}`, { ...base, body: 'x'.repeat(5000), extra: ['Content-Type: text/plain'] });
    raw.send(big);
    assert.match(await raw.response(513), /CSeq: 1 MESSAGE/);
    raw.send('y'.repeat(10_000));
    await until(() => malformed.some((m) => m.bytes === 10_000 && m.answered === undefined) || undefined, 'oversized garbage dropped');

    // A stray response and a stray ACK are dropped silently.
    raw.send(
      `SIP/2.0 200 OK\r\nVia: SIP/2.0/WS 127.0.0.1:1;branch=z9hG4bKnothing\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n`,
    );
    raw.send(rawRequest('ACK', `sip:1002@${DOMAIN}`, { ...base, toTag: 'abc' }));
    raw.send(rawRequest('OPTIONS', `sip:${DOMAIN}`, base));
    await raw.response(200);
    assert.equal(raw.received.queued.length, 0);
    raw.close();
    assert.deepEqual(bugs, []);
  });

  test('after all that a normal call still works, and the counters show the errors', async () => {
    const a = await f.phone('1001');
    const b = await f.phone('1002');
    const { inviter, outcome } = a.call('1002');
    const invitation = await b.invitations.next('INVITE');
    await invitation.accept();
    assert.equal((await outcome).kind, 'established');
    await inviter.bye();
    await b.byes.next('BYE');
    const stats = f.server.stats();
    assert.ok(stats.errors >= malformed.length && malformed.length >= 8, JSON.stringify({ stats, malformed }));
    assert.ok(stats.messagesIn > 20 && stats.messagesOut > 10, JSON.stringify(stats));
    assert.deepEqual(bugs, []);
    await a.stop();
    await b.stop();
  });

  test('a socket that closes mid-call: the caller gets 480 and the callee lamp clears', async () => {
    const a = await f.phone('1001');
    const raw = await RawClient.connect(f.server.url);
    raw.send(
      rawRequest('REGISTER', `sip:${DOMAIN}`, { host: raw.host, domain: DOMAIN, user: 'guest', extra: ['Expires: 60'] }).replace(
        `To: <sip:${DOMAIN}>`,
        `To: <sip:guest@${DOMAIN}>`,
      ),
    );
    await raw.response(200);
    const { outcome } = a.call('guest');
    await raw.received.next('INVITE at the raw client', (m) => m.startsWith('INVITE '));
    raw.close();
    assert.deepEqual(await outcome, { kind: 'rejected', status: 480 });
    await until(() => f.server.stats().dialogs === 0 && f.server.stats().transactions === 0, 'state to clear');
    await a.stop();
  });

  test('a 2xx retransmitted after the INVITE transaction ended still reaches the caller', async () => {
    const a = await f.phone('1001');
    const raw = await RawClient.connect(f.server.url);
    raw.send(
      rawRequest('REGISTER', `sip:${DOMAIN}`, { host: raw.host, domain: DOMAIN, user: 'guest', extra: ['Expires: 60'] }).replace(
        `To: <sip:${DOMAIN}>`,
        `To: <sip:guest@${DOMAIN}>`,
      ),
    );
    await raw.response(200);
    const toCaller: string[] = [];
    const off = f.server.on('message', (m) => {
      if (m.direction === 'out' && /^SIP\/2\.0 200[\s\S]*CSeq: \d+ INVITE/.test(m.text)) toCaller.push(m.text);
    });
    const { inviter, outcome } = a.call('guest');
    const invite = await raw.received.next('INVITE', (m) => m.startsWith('INVITE '));
    const keep = invite.split('\r\n').filter((l) => /^(Via|From|Call-ID|CSeq|Record-Route):/i.test(l));
    const to = (/^To: (.*)$/m.exec(invite)?.[1] ?? '') + ';tag=rawtag';
    const sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';
    const ok = `SIP/2.0 200 OK\r\n${keep.join('\r\n')}\r\nTo: ${to}\r\nContact: <sip:guest@${raw.host};transport=ws>\r\nContent-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`;
    raw.send(ok);
    assert.equal((await outcome).kind, 'established');
    await raw.received.next('ACK', (m) => m.startsWith('ACK '));
    raw.send(ok); // the retransmission
    await until(() => toCaller.length === 2 || undefined, 'the retransmitted 200 to be forwarded');
    off();
    void inviter.bye();
    const bye = await raw.received.next('BYE', (m) => m.startsWith('BYE '));
    raw.send(
      `SIP/2.0 200 OK\r\n${bye
        .split('\r\n')
        .filter((l) => /^(Via|From|To|Call-ID|CSeq):/i.test(l))
        .join('\r\n')}\r\nContent-Length: 0\r\n\r\n`,
    );
    await until(() => inviter.state === 'Terminated' || undefined, 'the caller to hang up');
    raw.close();
    await a.stop();
  });

  test('injectRaw pushes text to a registered UA (fault injection)', async () => {
    const b = await f.phone('1003');
    const replies: string[] = [];
    const off = f.server.on('message', (m) => {
      if (m.direction === 'in' && m.text.startsWith('SIP/2.0')) replies.push(m.text);
    });
    assert.equal(f.server.injectRaw('1003', 'this is not SIP\r\n\r\n'), 1);
    assert.equal(f.server.injectRaw('1003', rawRequest('OPTIONS', b.uri, { host: 'injected.invalid', domain: DOMAIN })), 1);
    await until(() => replies.some((r) => /CSeq: 1 OPTIONS/.test(r)) || undefined, 'the UA to answer the injected OPTIONS');
    assert.equal(f.server.injectRaw('7777', 'x'), 0);
    off();
    await b.stop();
  });

  test('the sip subprotocol is selected', async () => {
    const raw = await RawClient.connect(f.server.url, 'sip');
    assert.equal(raw.protocol, 'sip');
    raw.close();
  });
});

describe('a bug in a handler', () => {
  test('is reported on the error event, the request gets 500, and the server goes on', async () => {
    const f = await fixture({
      ringGroups: { broken: ['1002'] },
      isAvailable: () => {
        throw new Error('policy bug');
      },
    });
    try {
      const errors: Array<SipServerEvents['error'][0]> = [];
      f.server.on('error', (e) => errors.push(e));
      const a = await f.phone('1001');
      const b = await f.phone('1002');
      await b.publishPresence('open');
      assert.deepEqual(await a.call('broken').outcome, { kind: 'rejected', status: 500 });
      assert.equal(errors.length, 1);
      assert.equal(errors[0].where, 'INVITE handler');
      assert.match(String(errors[0].error), /policy bug/);
      const { inviter, outcome } = a.call('1002');
      await (await b.invitations.next('INVITE')).accept();
      assert.equal((await outcome).kind, 'established');
      await inviter.bye();
      await b.byes.next('BYE');
    } finally {
      await f.close();
    }
  });
});
