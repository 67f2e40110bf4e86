import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, DOMAIN, type Fixture } from './test-support/fixture.ts';
import { reach, SessionState } from './test-support/sip-phone.ts';
import { until } from './test-support/wait.ts';
import { chooseMembers } from './ring-group.ts';
import type { SipServerEvents } from './types.ts';

describe('ring group "support" (real sip.js UAs)', () => {
  let f: Fixture;
  before(async () => {
    f = await fixture({ ringGroups: { support: ['1001', '1002', '1003'], '5000': ['1008'] } });
  });
  after(async () => {
    await f.close();
  });

  test('rings every registered, available, idle member; the first answer cancels the rest', async () => {
    const a1 = await f.phone('1001');
    const a2 = await f.phone('1002');
    const a3 = await f.phone('1003');
    const published = new Promise<void>((resolve) =>
      f.server.on('published', (e) => {
        if (e.aor.includes('1003')) resolve();
      }),
    );
    const publisher = await a3.publishPresence('open', 'away', 'At lunch');
    await published;
    assert.deepEqual(f.server.presenceOf('1003'), { basic: 'open', note: 'At lunch', activities: ['away'] });

    const caller = await f.phone('1005');
    const forwarded: Array<SipServerEvents['invite-forwarded'][0]> = [];
    f.server.on('invite-forwarded', (e) => forwarded.push(e));
    const first = caller.call('support');
    const [i1, i2] = await Promise.all([a1.invitations.next('offer to 1001'), a2.invitations.next('offer to 1002')]);
    assert.equal(forwarded[0].ringGroup, 'support');
    assert.deepEqual([...forwarded[0].targets].sort(), [`sip:1001@${DOMAIN}`, `sip:1002@${DOMAIN}`]);
    assert.equal(a3.invitations.queued.length, 0, 'the away agent is not offered the call');
    await i2.accept();
    assert.equal((await first.outcome).kind, 'established');
    await reach(i1, SessionState.Terminated);

    // 1002 is now in a call: the next caller is offered to 1001 only. 1001 declines: 486.
    const caller2 = await f.phone('1006');
    const second = caller2.call('support');
    const offer = await a1.invitations.next('second offer to 1001');
    assert.equal(a2.invitations.queued.length, 0, 'the busy agent is not offered a second call');
    await offer.reject({ statusCode: 486 });
    assert.deepEqual(await second.outcome, { kind: 'rejected', status: 486 });

    // 1001 takes a direct call too: every registered member that is not away is busy -> 480 (1003 away).
    const direct = caller2.call('1001');
    const d = await a1.invitations.next('direct call to 1001');
    await d.accept();
    assert.equal((await direct.outcome).kind, 'established');
    const third = await f.phone('1007');
    assert.deepEqual(await third.call('support').outcome, { kind: 'rejected', status: 480 });

    // The away agent comes back: offered now.
    await publisher.publish((await import('./test-support/sip-phone.ts')).pidf(`sip:1003@${DOMAIN}`, 'open'));
    await until(() => f.server.presenceOf('1003')?.activities.length === 0 || undefined, 'presence update');
    const fourth = third.call('support');
    const o3 = await a3.invitations.next('offer to the agent who came back');
    await o3.reject({ statusCode: 486 });
    assert.deepEqual(await fourth.outcome, { kind: 'rejected', status: 486 });

    await first.inviter.bye();
    await direct.inviter.bye();
    await until(() => f.server.stats().dialogs === 0, 'every dialog to end');
    for (const p of [a1, a2, a3, caller, caller2, third]) await p.stop();
  });

  test('nobody signed in gets 480', async () => {
    const caller = await f.phone('1005');
    assert.deepEqual(await caller.call('5000').outcome, { kind: 'rejected', status: 480 });
    await caller.stop();
  });
});

describe('ring group with requirePublishedPresence', () => {
  test('members who never published are skipped; the caller is never offered its own call', async () => {
    const f = await fixture({ requirePublishedPresence: true, ringGroups: { sales: ['1001', '1002'] } });
    try {
      const a1 = await f.phone('1001');
      const a2 = await f.phone('1002');
      assert.deepEqual(await a1.call('sales').outcome, { kind: 'rejected', status: 480 });
      await a2.publishPresence('open', undefined, 'Available');
      await a1.publishPresence('open', undefined, 'Available');
      await until(() => f.server.presenceOf('1001') && f.server.presenceOf('1002'), 'both publications');
      const { outcome } = a1.call('sales');
      const offer = await a2.invitations.next('offer to the member who published');
      await offer.reject({ statusCode: 486 });
      assert.deepEqual(await outcome, { kind: 'rejected', status: 486 });
      assert.equal(a1.invitations.queued.length, 0);
    } finally {
      await f.close();
    }
  });
});

describe('chooseMembers', () => {
  const m = (aor: string, registered: boolean, available: boolean, busy: boolean) => ({ aor, registered, available, busy });
  test('rings the idle available ones', () => {
    assert.deepEqual(chooseMembers([m('a', true, true, false), m('b', true, false, false), m('c', false, true, false), m('d', true, true, true)]), {
      ring: ['a'],
    });
  });
  test('486 when every registered member is busy, 480 otherwise', () => {
    assert.equal((chooseMembers([m('a', true, true, true), m('b', false, true, false)]) as { status: number }).status, 486);
    assert.equal((chooseMembers([m('a', true, true, true), m('b', true, false, false)]) as { status: number }).status, 480);
    assert.equal((chooseMembers([]) as { status: number }).status, 480);
  });
});
