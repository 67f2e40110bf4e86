// RFC 5626 3.5.1 / RFC 7118 keep-alive on the WebSocket: a double-CRLF ping gets a single-CRLF
// pong, and a ping is never a malformed message nor a reason to close.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, DOMAIN, PASSWORD, type Fixture } from './test-support/fixture.ts';
import { RawClient, rawRequest } from './test-support/raw-client.ts';
import { TestPhone } from './test-support/sip-phone.ts';
import { until } from './test-support/wait.ts';
import type { SipServerEvents } from './types.ts';

describe('CRLF keep-alive', () => {
  let f: Fixture;
  const malformed: Array<SipServerEvents['malformed'][0]> = [];
  const disconnected: number[] = [];
  before(async () => {
    f = await fixture();
    f.server.on('malformed', (e) => malformed.push(e));
    f.server.on('disconnected', (e) => disconnected.push(e.connectionId));
  });
  after(async () => {
    await f.close();
  });

  test('every double-CRLF ping gets one CRLF pong; a lone CRLF (a pong) gets nothing; the socket stays usable', async () => {
    const raw = await RawClient.connect(f.server.url);
    for (let i = 0; i < 5; i++) raw.send('\r\n\r\n');
    for (let i = 0; i < 5; i++) assert.equal(await raw.received.next(`pong ${i + 1}`), '\r\n');
    raw.send('\r\n');
    // Barrier: the answer to this OPTIONS comes after anything the lone CRLF could have caused.
    raw.send(rawRequest('OPTIONS', `sip:${DOMAIN}`, { host: raw.host, domain: DOMAIN }));
    assert.match(await raw.received.next('the OPTIONS answer'), /^SIP\/2\.0 200 /);
    assert.deepEqual(malformed, []);
    assert.deepEqual(disconnected, []);
    assert.deepEqual(f.server.stats().errors, 0);
    raw.close();
  });

  test('a sip.js phone with keepAliveInterval gets its pongs and stays registered and callable', { timeout: 15_000 }, async () => {
    const pongs = new Map<number, number>();
    const off = f.server.on('message', (m) => {
      if (m.direction === 'out' && m.text === '\r\n') pongs.set(m.connectionId, (pongs.get(m.connectionId) ?? 0) + 1);
    });
    const phone = await TestPhone.start({ url: f.server.url, domain: DOMAIN, user: '1001', password: `${PASSWORD}1001`, keepAliveInterval: 1 });
    try {
      assert.equal(await phone.register(), 'registered');
      const [binding] = f.server.registrations('1001');
      assert.ok(binding);
      await until(() => (pongs.get(binding.connectionId) ?? 0) >= 2 || undefined, 'two pongs to the phone', 5000);
      assert.equal(f.server.registrations('1001')[0]?.connectionId, binding.connectionId, 'same socket, still registered');
      const callee = await f.phone('1002');
      const { inviter, outcome } = phone.call('1002');
      const invitation = await callee.invitations.next('INVITE');
      await invitation.accept();
      assert.equal((await outcome).kind, 'established');
      await inviter.bye();
      await callee.byes.next('BYE');
      assert.deepEqual(malformed, []);
    } finally {
      off();
      await phone.stop();
    }
  });
});
