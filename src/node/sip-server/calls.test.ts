import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, DOMAIN, type Fixture } from './test-support/fixture.ts';
import { reach, SessionState, type FixedSdpHandler } from './test-support/sip-phone.ts';
import { RawClient, rawRequest } from './test-support/raw-client.ts';
import { until } from './test-support/wait.ts';
import { UserAgent } from 'sip.js';
import type { SipServerEvents } from './types.ts';

describe('calls through the embedded SIP server (real sip.js UAs)', () => {
  let f: Fixture;
  before(async () => {
    f = await fixture();
  });
  after(async () => {
    await f.close();
  });

  test('call, answer, BYE: both sides see it, dialogs are tracked and cleared', async () => {
    const a = await f.phone('1001');
    const b = await f.phone('1002');
    const forwarded: Array<SipServerEvents['invite-forwarded'][0]> = [];
    const off = f.server.on('invite-forwarded', (e) => forwarded.push(e));
    const { inviter, outcome } = a.call('1002');
    const invitation = await b.invitations.next('INVITE at 1002');
    assert.equal(invitation.remoteIdentity.uri.user, '1001');
    await invitation.accept();
    assert.deepEqual(await outcome, { kind: 'established' });
    await reach(invitation, SessionState.Established);
    assert.equal(forwarded.length, 1);
    assert.equal(forwarded[0].from, `sip:1001@${DOMAIN}`);
    assert.equal(forwarded[0].to, `sip:1002@${DOMAIN}`);
    const states = f.server
      .dialogs()
      .map((d) => `${d.entity}:${d.state}`)
      .sort();
    assert.deepEqual(states, [`sip:1001@${DOMAIN}:confirmed`, `sip:1002@${DOMAIN}:confirmed`]);
    await inviter.bye();
    const ended = await b.byes.next('BYE at 1002');
    assert.equal(ended, invitation);
    await reach(inviter, SessionState.Terminated);
    assert.equal(f.server.stats().dialogs, 0);
    await until(() => f.server.stats().transactions === 0, 'transactions to clear');
    off();
    await a.stop();
    await b.stop();
  });

  test('callee hangs up (BYE in the other direction goes through the Record-Route)', async () => {
    const a = await f.phone('1001');
    const b = await f.phone('1002');
    const { inviter, outcome } = a.call('1002');
    const invitation = await b.invitations.next('INVITE');
    await invitation.accept();
    assert.equal((await outcome).kind, 'established');
    await invitation.bye();
    assert.equal(await a.byes.next('BYE at caller'), inviter);
    await a.stop();
    await b.stop();
  });

  test('caller cancels while it rings: callee sees the CANCEL, caller gets 487', async () => {
    const a = await f.phone('1001');
    const b = await f.phone('1002');
    const { inviter, outcome, progress } = a.call('1002');
    const invitation = await b.invitations.next('INVITE');
    assert.equal(await progress, 180);
    await inviter.cancel();
    await reach(invitation, SessionState.Terminated);
    const result = await outcome;
    assert.ok(result.kind === 'terminated' || (result.kind === 'rejected' && result.status === 487), JSON.stringify(result));
    await until(() => f.server.stats().dialogs === 0 && f.server.stats().transactions === 0, 'dialogs and transactions to clear');
    await a.stop();
    await b.stop();
  });

  test('callee declines with 486: caller gets 486', async () => {
    const a = await f.phone('1001');
    const b = await f.phone('1002');
    const { outcome } = a.call('1002');
    const invitation = await b.invitations.next('INVITE');
    await invitation.reject({ statusCode: 486 });
    assert.deepEqual(await outcome, { kind: 'rejected', status: 486 });
    await until(() => f.server.stats().dialogs === 0, 'dialogs to clear');
    await a.stop();
    await b.stop();
  });

  test('re-INVITE for hold reaches the far side with sendonly SDP; INFO is delivered', async () => {
    const a = await f.phone('1001');
    const b = await f.phone('1002');
    const { inviter, outcome } = a.call('1002');
    const invitation = await b.invitations.next('INVITE');
    await invitation.accept();
    assert.equal((await outcome).kind, 'established');
    const bSdh = invitation.sessionDescriptionHandler as FixedSdpHandler;
    const before = bSdh.remoteSdps.length;
    inviter.sessionDescriptionHandlerOptionsReInvite = { hold: true } as object;
    const reinvite = new Promise<number>((resolve) => {
      void inviter.invite({ requestDelegate: { onAccept: (r) => resolve(r.message.statusCode ?? 0), onReject: (r) => resolve(r.message.statusCode ?? 0) } });
    });
    assert.equal(await reinvite, 200);
    assert.equal(bSdh.remoteSdps.length, before + 1);
    assert.match(bSdh.remoteSdps.at(-1) ?? '', /a=sendonly/);
    await inviter.info({
      requestOptions: { body: { contentDisposition: 'render', contentType: 'application/dtmf-relay', content: 'Signal=5\r\nDuration=160' } },
    });
    const info = await b.infos.next('INFO at callee');
    assert.match(info.request.body, /Signal=5/);
    assert.equal(invitation.state, SessionState.Established);
    await inviter.bye();
    await b.byes.next('BYE');
    await a.stop();
    await b.stop();
  });

  test('blind transfer: REFER reaches the transferee, it calls the target, NOTIFYs come back', async () => {
    const a = await f.phone('1001');
    const b = await f.phone('1002');
    const c = await f.phone('1003');
    const { inviter, outcome } = a.call('1002');
    const invitation = await b.invitations.next('INVITE');
    await invitation.accept();
    assert.equal((await outcome).kind, 'established');
    const notifies: string[] = [];
    const target = `sip:1003@${DOMAIN}`;
    const referAccepted = new Promise<number>((resolve) => {
      void invitation.refer(makeUri(target), {
        requestDelegate: { onAccept: (r) => resolve(r.message.statusCode ?? 0), onReject: (r) => resolve(r.message.statusCode ?? 0) },
        onNotify: (notification) => {
          notifies.push(notification.request.body);
          void notification.accept();
        },
      });
    });
    assert.equal(await referAccepted, 202);
    const referral = await a.referrals.next('REFER at transferee');
    assert.equal(referral.referTo.uri.user, '1003');
    const toC = await c.invitations.next('INVITE at transfer target');
    assert.equal(toC.remoteIdentity.uri.user, '1001');
    await toC.accept();
    const newCall = await a.transferCalls.next('transferee call');
    await reach(newCall, SessionState.Established);
    await until(() => notifies.some((n) => /SIP\/2\.0 200/.test(n)), 'a 200 sipfrag NOTIFY at the transferor');
    await invitation.bye();
    await a.byes.next('BYE of the original call');
    assert.equal(inviter.state, SessionState.Terminated);
    await newCall.bye();
    await c.byes.next('BYE at transfer target');
    await a.stop();
    await b.stop();
    await c.stop();
  });

  test('MESSAGE is delivered to the registered user', async () => {
    const a = await f.phone('1001');
    const b = await f.phone('1002');
    assert.equal(await a.message('1002', 'hello'), 200);
    const m = await b.messages.next('MESSAGE');
    assert.equal(m.request.body, 'hello');
    await a.stop();
    await b.stop();
  });

  test('unknown user gets 404, a known user who is not registered gets 480', async () => {
    const a = await f.phone('1001');
    assert.deepEqual(await a.call('7777').outcome, { kind: 'rejected', status: 404 });
    assert.deepEqual(await a.call('1009').outcome, { kind: 'rejected', status: 480 });
    await a.stop();
  });

  test('Max-Forwards 0 gets 483 Too Many Hops', async () => {
    const b = await f.phone('1002');
    const raw = await RawClient.connect(f.server.url);
    raw.send(rawRequest('INVITE', `sip:1002@${DOMAIN}`, { host: raw.host, domain: DOMAIN, maxForwards: 0 }));
    const response = await raw.response(483);
    assert.match(response, /CSeq: 1 INVITE/);
    assert.equal(b.invitations.queued.length, 0);
    raw.close();
    await b.stop();
  });
});

function makeUri(uri: string): NonNullable<ReturnType<typeof UserAgent.makeURI>> {
  const u = UserAgent.makeURI(uri);
  if (!u) throw new Error(uri);
  return u;
}
