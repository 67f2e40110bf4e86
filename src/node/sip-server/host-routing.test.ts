// Routing by a UA's `*.invalid` host cannot be taken over: the server learns a host only from an
// authenticated request of the user it routes to, and never hands a user's host to someone else.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, DOMAIN, PASSWORD, type Fixture } from './test-support/fixture.ts';
import type { TestPhone } from './test-support/sip-phone.ts';
import { RawClient, rawRequest } from './test-support/raw-client.ts';
import { challengeOf, digestAnswer } from './test-support/digest-answer.ts';
import { until } from './test-support/wait.ts';

/** `sip:user@host;transport=ws` -> its parts. */
function contactOf(phone: TestPhone, f: Fixture): { uri: string; host: string } {
  const [binding] = f.server.registrations(phone.uri);
  assert.ok(binding, `${phone.uri} is registered`);
  const m = /^(sip:[^@]+@([^;>]+))/.exec(binding.contact);
  assert.ok(m, binding.contact);
  return { uri: m[1], host: m[2] };
}

function register(raw: RawClient, user: string, host: string, extra: readonly string[] = [], cseq = 1, callId = `reg-${host}`): void {
  raw.send(
    rawRequest('REGISTER', `sip:${DOMAIN}`, { host, domain: DOMAIN, user, cseq, callId, extra: ['Expires: 60', ...extra] }).replace(
      `To: <sip:${DOMAIN}>`,
      `To: <sip:${user}@${DOMAIN}>`,
    ),
  );
}

/** REGISTERs `user` over `raw` with Contact/Via host `host`, answering the digest challenge. */
async function registerWithPassword(raw: RawClient, user: string, host: string): Promise<string> {
  register(raw, user, host, [], 1);
  const challenge = challengeOf(await raw.response(401));
  const answer = digestAnswer(challenge, { username: user, password: `${PASSWORD}${user}`, method: 'REGISTER', uri: `sip:${DOMAIN}` });
  register(raw, user, host, [`Authorization: ${answer}`], 2);
  return raw.received.next('final answer to the REGISTER', (m) => /^SIP\/2\.0 [2-6]\d\d /.test(m));
}

/** An INVITE from guest `guest` (its own socket and host) to `target`. */
async function inviteFromGuest(f: Fixture, target: string): Promise<RawClient> {
  const caller = await RawClient.connect(f.server.url);
  caller.send(
    rawRequest('INVITE', target, {
      host: caller.host,
      domain: DOMAIN,
      user: 'guest',
      body: 'v=0\r\n',
      extra: ['Content-Type: application/sdp'],
    }),
  );
  return caller;
}

describe('routing to a UA host is learned only from its own authenticated requests', () => {
  let f: Fixture;
  before(async () => {
    f = await fixture();
  });
  after(async () => {
    await f.close();
  });

  test("an unauthenticated request carrying the agent's Via host does not take over the agent's routing", async () => {
    const agent = await f.phone('1001');
    const { uri, host } = contactOf(agent, f);
    const attacker = await RawClient.connect(f.server.url);
    attacker.send(rawRequest('OPTIONS', `sip:${DOMAIN}`, { host, domain: DOMAIN, user: 'nobody' }));
    await attacker.response(200);
    attacker.send(rawRequest('BYE', `sip:1002@${DOMAIN}`, { host, domain: DOMAIN, user: '1001', toTag: 'x' }));
    await attacker.response(404);

    const caller = await inviteFromGuest(f, uri);
    const invitation = await agent.invitations.next("the INVITE to the agent's contact at the agent");
    await invitation.reject();
    await caller.response(480);
    assert.ok(!attacker.received.seen.some((m) => m.startsWith('INVITE ')), 'the attacker saw no INVITE');
    caller.close();
    attacker.close();
    await agent.stop();
  });

  test("a guest's authenticated requests with the agent's host are refused, and routing stays", async () => {
    const agent = await f.phone('1002');
    const { uri, host } = contactOf(agent, f);
    const guest = await RawClient.connect(f.server.url);
    guest.send(rawRequest('MESSAGE', `sip:1003@${DOMAIN}`, { host, domain: DOMAIN, user: 'raw', body: 'hi', extra: ['Content-Type: text/plain'] }));
    assert.match(await guest.response(403), /^SIP\/2\.0 403 Forbidden \(host .* is in use by another user\)/);
    register(guest, 'raw', host);
    assert.match(await guest.response(403), /in use by another user/);
    assert.equal(f.server.registrations('raw').length, 0);

    const caller = await inviteFromGuest(f, uri);
    const invitation = await agent.invitations.next('the INVITE at the agent');
    await invitation.reject();
    await caller.response(480);
    assert.ok(!guest.received.seen.some((m) => m.startsWith('INVITE ')));
    caller.close();
    guest.close();
    await agent.stop();
  });

  test('another user with a valid password cannot take the host either', async () => {
    const agent = await f.phone('1004');
    const { uri, host } = contactOf(agent, f);
    const colleague = await RawClient.connect(f.server.url);
    assert.match(await registerWithPassword(colleague, '1005', host), /^SIP\/2\.0 403 .*in use by another user/);
    const caller = await inviteFromGuest(f, uri);
    const invitation = await agent.invitations.next('the INVITE at the agent');
    await invitation.reject();
    await caller.response(480);
    caller.close();
    colleague.close();
    await agent.stop();
  });

  test('a host stays with its user after the socket closes: a guest cannot claim it, the user on a new socket can', async () => {
    const host = 'agent-six.invalid';
    const first = await RawClient.connect(f.server.url);
    assert.match(await registerWithPassword(first, '1006', host), /^SIP\/2\.0 200 /);
    first.close();
    await until(() => f.server.registrations('1006').length === 0 || undefined, '1006 unregistered by the close');

    const guest = await RawClient.connect(f.server.url);
    guest.send(rawRequest('MESSAGE', `sip:1003@${DOMAIN}`, { host, domain: DOMAIN, user: 'raw', body: 'hi', extra: ['Content-Type: text/plain'] }));
    assert.match(await guest.response(403), /in use by another user/);

    const again = await RawClient.connect(f.server.url);
    assert.match(await registerWithPassword(again, '1006', host), /^SIP\/2\.0 200 /);
    const caller = await inviteFromGuest(f, `sip:1006@${host}`);
    assert.match(await again.received.next('INVITE on the new socket', (m) => m.startsWith('INVITE ')), /^INVITE sip:1006@agent-six\.invalid/);
    assert.ok(!guest.received.seen.some((m) => m.startsWith('INVITE ')));
    caller.close();
    guest.close();
    again.close();
  });

  test('a guest that calls without registering can be reached by its host (learned from its authenticated INVITE)', async () => {
    const callee = await f.phone('1007');
    const caller = await inviteFromGuest(f, `sip:1007@${DOMAIN}`);
    const invitation = await callee.invitations.next('INVITE');
    await invitation.reject();
    await caller.response(480);
    callee.call(`sip:guest@${caller.host}`);
    assert.match(
      await caller.received.next('INVITE routed to the guest by its host', (m) => m.startsWith('INVITE ')),
      new RegExp(`^INVITE sip:guest@${caller.host.replace(/\./g, '\\.')} `),
    );
    caller.close();
    await callee.stop();
  });
});
