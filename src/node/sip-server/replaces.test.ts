// A softphone page that reloads mid-call: its socket closes without a BYE, the call's dialog
// outlives it for the grace period, and only that party may replace the dialog (INVITE with
// Replaces, RFC 3891) from its new socket. Real sip.js UAs against the embedded server.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Inviter, type Core, type Invitation } from 'sip.js';
import { fixture, DOMAIN } from './test-support/fixture.ts';
import type { TestPhone } from './test-support/sip-phone.ts';
import { until } from './test-support/wait.ts';

type Dialog = Pick<Core.SessionDialog, 'callId' | 'localTag' | 'remoteTag' | 'remoteTarget'>;

/** Sends an INVITE with Replaces for `dialog` from `phone`; resolves with the final status (200 once answered). */
function replace(phone: TestPhone, dialog: Dialog, fromTag = dialog.localTag): Promise<number> {
  const inviter = new Inviter(phone.ua, dialog.remoteTarget, {
    extraHeaders: [`Replaces: ${dialog.callId};to-tag=${dialog.remoteTag};from-tag=${fromTag}`],
  });
  return new Promise<number>((resolve) => {
    void inviter
      .invite({
        requestDelegate: {
          onAccept: (r) => resolve(r.message.statusCode ?? 0),
          onReject: (r) => resolve(r.message.statusCode ?? 0),
        },
      })
      .catch(() => resolve(0));
  });
}

/** 1001 calls 1002, then 1001's socket closes without a BYE (a page reload); answers the dialog 1001 had. */
async function callLeftBy1001(f: Awaited<ReturnType<typeof fixture>>): Promise<{ callee: TestPhone; dialog: Dialog; answered: Invitation }> {
  const caller = await f.phone('1001');
  const callee = await f.phone('1002');
  const { inviter, outcome } = caller.call('1002');
  const invitation = await callee.invitations.next('INVITE at 1002');
  await invitation.accept();
  assert.equal((await outcome).kind, 'established');
  const d = inviter.dialog;
  assert.ok(d);
  const dialog: Dialog = { callId: d.callId, localTag: d.localTag, remoteTag: d.remoteTag, remoteTarget: d.remoteTarget };
  const disconnected = new Promise<void>((r) => {
    f.server.on('disconnected', () => r());
  });
  await caller.ua.transport.disconnect();
  await disconnected;
  return { callee, dialog, answered: invitation };
}

describe("INVITE with Replaces after a party's socket closed (a softphone reload)", () => {
  test('the dialog outlives the socket; only its party may replace it, and only with its own tag', async () => {
    const f = await fixture();
    try {
      const { callee, dialog } = await callLeftBy1001(f);
      const states = f.server
        .dialogs()
        .map((d) => `${d.entity}:${d.state}`)
        .sort();
      assert.deepEqual(states, [`sip:1001@${DOMAIN}:confirmed`, `sip:1002@${DOMAIN}:confirmed`], 'the closed socket ended nothing');

      const stranger = await f.phone('1003');
      assert.equal(await replace(stranger, dialog), 403, 'someone else may not take the call over');
      const back = await f.phone('1001');
      assert.equal(await replace(back, dialog, dialog.remoteTag), 403, 'a party must name its own tag as from-tag');

      const replaced = replace(back, dialog);
      const invitation = await callee.invitations.next('the replacing INVITE at 1002');
      assert.equal(invitation.request.getHeader('replaces'), `${dialog.callId};to-tag=${dialog.remoteTag};from-tag=${dialog.localTag}`);
      await invitation.accept();
      assert.equal(await replaced, 200);
    } finally {
      await f.close();
    }
  });

  test('past the grace period the party may no longer replace it (403); once the far end hung up, nobody can (481)', async () => {
    const f = await fixture({ dialogGraceMs: 300 });
    try {
      const { dialog, answered } = await callLeftBy1001(f);
      await until(() => f.server.dialogs().every((d) => d.entity !== `sip:1001@${DOMAIN}`), "the grace period to end 1001's dialog record");
      const back = await f.phone('1001');
      assert.equal(await replace(back, dialog), 403);

      // The far end hangs up (its BYE finds nobody at the dead socket, but ends the call here).
      await answered.bye().catch(() => {});
      await until(() => f.server.dialogs().length === 0, 'the BYE to end the call');
      assert.equal(await replace(back, dialog), 481);
    } finally {
      await f.close();
    }
  });
});
