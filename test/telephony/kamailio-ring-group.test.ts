// Kamailio's ring group (deploy/kamailio/kamailio.cfg WITH_RINGGROUPS): parallel fork to the
// registered members, the first answer cancels the others ("Call completed elsewhere"), all busy
// gives 486, nobody signed in 480. Real sip.js UAs in Node (signalling only).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startKamailio, type KamailioHandle } from '../support/kamailio.ts';
import { reach, SessionState, TestPhone } from '../../src/node/sip-server/test-support/sip-phone.ts';

const USERS = ['3001', '3002', '3003', '3009'];
const password = (u: string): string => `pw-${u}`;

describe('Kamailio ring group', () => {
  let k: KamailioHandle;
  const phones: TestPhone[] = [];
  const phone = async (user: string): Promise<TestPhone> => {
    const p = await TestPhone.start({ url: k.wsUrl, domain: k.domain, user, password: password(user) });
    phones.push(p);
    assert.equal(await p.register(), 'registered');
    return p;
  };
  before(async () => {
    k = await startKamailio({ users: USERS.map((u) => ({ username: u, password: password(u) })), ringGroups: { '7000': ['3001', '3002', '3003'], '7001': ['3003'] } });
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
    i1.delegate = { ...i1.delegate, onCancel: (c) => { cancelReason = c.request.getHeader('reason'); } };
    await i2.accept();
    assert.equal((await call.outcome).kind, 'established');
    await reach(i1, SessionState.Terminated, 10_000);
    assert.match(cancelReason ?? '', /cause=200/, 'the other member learns the call was completed elsewhere');

    const busy = caller.call('7000');
    const [j1, j2] = await Promise.all([a1.invitations.next('3001 rung again', () => true, 10_000), a2.invitations.next('3002 rung again', () => true, 10_000)]);
    await j1.reject({ statusCode: 486 });
    await j2.reject({ statusCode: 486 });
    assert.deepEqual(await busy.outcome, { kind: 'rejected', status: 486 });

    assert.deepEqual(await caller.call('7001').outcome, { kind: 'rejected', status: 480 }, 'the only member is not registered');
    await call.inviter.bye();
  });
});
