// Kamailio's ring group (deploy/kamailio/kamailio.cfg WITH_RINGGROUPS): parallel fork to the
// registered members, the first answer cancels the others ("Call completed elsewhere"), all busy
// gives 486, nobody signed in 480. Real sip.js UAs in Node (signalling only).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startKamailio, type KamailioHandle } from '../support/kamailio.ts';
import { reach, SessionState, TestPhone } from '../../src/node/sip-server/test-support/sip-phone.ts';
import { pidfFor } from '../../src/telephony/sip/presence-documents.ts';

const USERS = ['3001', '3002', '3003', '3009'];
const password = (u: string): string => `pw-${u}`;

describe('Kamailio ring group', { timeout: 60_000 }, () => {
  let k: KamailioHandle;
  const phones: TestPhone[] = [];
  const phone = async (user: string): Promise<TestPhone> => {
    const p = await TestPhone.start({ url: k.wsUrl, domain: k.domain, user, password: password(user) });
    phones.push(p);
    assert.equal(await p.register(), 'registered');
    return p;
  };
  before(async () => {
    k = await startKamailio({
      users: USERS.map((u) => ({ username: u, password: password(u) })),
      ringGroups: { '7000': ['3001', '3002', '3003'], '7001': ['3003'] },
    });
  });
  after(async () => {
    await Promise.all(phones.map((p) => p.stop()));
    await k?.stop();
  });

  test('forks to every registered member; the first answer cancels the rest with Reason cause=200; all busy is 486; nobody signed in is 480', async () => {
    const a1 = await phone('3001');
    const a2 = await phone('3002');
    const caller = await phone('3009');
    assert.deepEqual((await k.registeredUsers()).sort(), ['3001', '3002', '3009']);

    const call = caller.call('7000');
    const [i1, i2] = await Promise.all([a1.invitations.next('3001 rung', () => true, 10_000), a2.invitations.next('3002 rung', () => true, 10_000)]);
    let cancelReason: string | undefined;
    i1.delegate = {
      ...i1.delegate,
      onCancel: (c) => {
        cancelReason = c.request.getHeader('reason');
      },
    };
    await i2.accept();
    assert.equal((await call.outcome).kind, 'established');
    await reach(i1, SessionState.Terminated, 10_000);
    assert.match(cancelReason ?? '', /cause=200/, 'the other member learns the call was completed elsewhere');

    const busy = caller.call('7000');
    const [j1, j2] = await Promise.all([
      a1.invitations.next('3001 rung again', () => true, 10_000),
      a2.invitations.next('3002 rung again', () => true, 10_000),
    ]);
    await j1.reject({ statusCode: 486 });
    await j2.reject({ statusCode: 486 });
    assert.deepEqual(await busy.outcome, { kind: 'rejected', status: 486 });

    assert.deepEqual(await caller.call('7001').outcome, { kind: 'rejected', status: 480 }, 'the only member is not registered');
    await call.inviter.bye();
  });

  test('a member who published presence closed (Away, Offline) is not offered the call; open again, it is', async () => {
    const a1 = phones.find((p) => p.uri.includes('3001')) ?? (await phone('3001'));
    const a2 = phones.find((p) => p.uri.includes('3002')) ?? (await phone('3002'));
    const caller = phones.find((p) => p.uri.includes('3009')) ?? (await phone('3009'));
    // Kamailio has taken each publication once a watcher is told of it.
    const watch = caller.subscribe('3001', 'presence');
    const waitForPresence = async (basic: 'open' | 'closed'): Promise<void> => {
      await watch.notifications.next(`3001's presence ${basic}`, (n) => n.request.body.includes(`<basic>${basic}</basic>`), 10_000);
    };
    // One publication, modified in place, as the connector's presence client does (pidfFor is its document).
    const publisher = a1.publisher();
    await publisher.publish(pidfFor(a1.uri, 'away'));
    await waitForPresence('closed');
    const call = caller.call('7000');
    const offered = await a2.invitations.next('3002 rung while 3001 is away', () => true, 10_000).catch(() => undefined);
    assert.ok(offered, 'the available member is offered the call');
    await offered.accept();
    assert.equal((await call.outcome).kind, 'established');
    // An offer to the away member would be queued on its phone even after the CANCEL.
    const strayOffer = await a1.invitations.next('3001 rung while away', () => true, 1500).catch(() => undefined);
    assert.equal(strayOffer, undefined, 'the away member was never offered the call');
    await call.inviter.bye();

    await publisher.publish(pidfFor(a1.uri, 'available'));
    await waitForPresence('open');
    const again = caller.call('7000');
    const i1 = await a1.invitations.next('3001 rung once available again', () => true, 10_000);
    await i1.accept();
    assert.equal((await again.outcome).kind, 'established');
    await again.inviter.bye();
    void watch.subscriber.dispose(); // its NOTIFY of the end may never come; the phones stop after the suite
  });
});
