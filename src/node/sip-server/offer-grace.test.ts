// A softphone page that reloads while a call rings it: its socket closes before it answered. The
// server keeps the ringing branch for `offerGraceMs`, and rings the party again on the socket it
// registers from next; without it (or past the grace) the caller gets 480. Real sip.js UAs.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from './test-support/fixture.ts';

describe('a call ringing a party whose socket closed (a page reloading while it rings)', () => {
  test('rings the party again once it registers from a new socket; the caller hears the answer', async () => {
    const f = await fixture({ offerGraceMs: 5000 });
    try {
      const caller = await f.phone('1001');
      const first = await f.phone('1002');
      const { outcome } = caller.call('1002');
      const ringing = await first.invitations.next('INVITE at the first page');
      await first.ua.transport.disconnect();
      // The reloaded page registers from a new socket: the same call rings there, same Call-ID.
      const second = await f.phone('1002');
      const again = await second.invitations.next('INVITE at the reloaded page');
      assert.equal(again.request.callId, ringing.request.callId);
      await again.accept();
      assert.equal((await outcome).kind, 'established');
    } finally {
      await f.close();
    }
  });

  test('with no grace, or when the party does not come back in time, the caller gets 480', async () => {
    for (const offerGraceMs of [0, 300]) {
      const f = await fixture({ offerGraceMs });
      try {
        const caller = await f.phone('1001');
        const callee = await f.phone('1002');
        const { outcome } = caller.call('1002');
        await callee.invitations.next('INVITE at 1002');
        await callee.ua.transport.disconnect();
        const result = await outcome;
        assert.deepEqual([offerGraceMs, result.kind, 'status' in result ? result.status : undefined], [offerGraceMs, 'rejected', 480]);
      } finally {
        await f.close();
      }
    }
  });
});
