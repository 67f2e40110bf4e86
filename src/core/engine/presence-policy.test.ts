// The presence policy alone, on hand-made presences and call snapshots (the engine tests drive it
// through calls on the fakes).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PresenceState } from '../presence/presence.ts';
import { IllegalTransitionError } from '../call/call-state.ts';
import { SwitchboardError } from '../errors/catalog.ts';
import {
  acceptsOffer,
  appliedPresence,
  choosePresence,
  declineOptions,
  presenceForCalls,
  presenceRequest,
  restoredPresence,
  storedPresence,
  type PresenceChoiceContext,
} from './presence-policy.ts';

const available: PresenceState = { status: 'available', since: 0, returnTo: { status: 'available' } };
const onCall: PresenceState = { status: 'on-call', since: 5, returnTo: { status: 'available' } };
const wrapUp: PresenceState = { status: 'wrap-up', since: 9, returnTo: { status: 'away', reasonId: 'lunch' } };
const ctx = (presence: PresenceState, over: Partial<PresenceChoiceContext> = {}): PresenceChoiceContext => ({
  presence,
  signedIn: true,
  awayReasons: [
    { id: 'lunch', label: 'Lunch' },
    { id: 'training', label: 'Training' },
  ],
  openCalls: 0,
  now: 100,
  ...over,
});
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof SwitchboardError ? error.code : String(error);
  }
  return 'no error';
};

describe('choosePresence', () => {
  it('takes a chosen status at once, with its away reason, and makes it the one to return to', () => {
    assert.deepEqual(choosePresence(ctx(available), 'away', 'lunch'), [
      { presence: { status: 'away', since: 100, returnTo: { status: 'away', reasonId: 'lunch' }, reasonId: 'lunch' }, propagate: true },
    ]);
  });

  it('does nothing when the agent is already there', () => {
    assert.deepEqual(choosePresence(ctx(available), 'available'), []);
  });

  it('refuses anything but offline while signed out, and an away reason the call center does not list', () => {
    assert.equal(
      code(() => choosePresence(ctx(available, { signedIn: false }), 'available')),
      'SB40002',
    );
    assert.equal(choosePresence(ctx(available, { signedIn: false }), 'offline')[0]?.presence.status, 'offline');
    assert.equal(
      code(() => choosePresence(ctx(available), 'away', 'nap')),
      'SB40002',
    );
    // Without a list of reasons any reason goes.
    assert.equal(choosePresence(ctx(available, { awayReasons: [] }), 'away', 'nap')[0]?.presence.reasonId, 'nap');
  });

  it('during a call only changes what the agent returns to, and refuses offline', () => {
    assert.deepEqual(choosePresence(ctx(onCall, { openCalls: 1 }), 'away', 'training'), [
      { presence: { ...onCall, returnTo: { status: 'away', reasonId: 'training' } }, propagate: true },
    ]);
    assert.equal(
      code(() => choosePresence(ctx(onCall, { openCalls: 1 }), 'offline')),
      'SB40002',
    );
  });

  it('during wrap-up ends it only when no call waits for it any more', () => {
    const waiting = choosePresence(ctx(wrapUp, { openCalls: 1 }), 'available');
    assert.deepEqual(
      waiting.map((c) => [c.presence.status, c.presence.returnTo.status]),
      [['wrap-up', 'available']],
    );
    const done = choosePresence(ctx(wrapUp, { openCalls: 0 }), 'available');
    assert.deepEqual(
      done.map((c) => [c.presence.status, c.presence.returnTo.status]),
      [
        ['wrap-up', 'available'],
        ['available', 'available'],
      ],
    );
  });
});

describe('appliedPresence', () => {
  it('keeps the return status for an automatic status and refuses a transition the machine does not have', () => {
    assert.deepEqual(appliedPresence(available, 'on-call', undefined, 7), { status: 'on-call', since: 7, returnTo: { status: 'available' } });
    assert.throws(() => appliedPresence({ status: 'offline', since: 0, returnTo: { status: 'offline' } }, 'wrap-up', undefined, 7), IllegalTransitionError);
  });
});

describe('presenceForCalls', () => {
  it('is on-call while a call is live, wrap-up (with its deadline) while one is wrapped up, then the chosen status', () => {
    assert.equal(presenceForCalls(available, [{ state: 'offering' }], 3)?.status, 'on-call');
    assert.deepEqual(presenceForCalls(onCall, [{ state: 'wrap-up', wrapUpDeadline: 60_000 }], 3), {
      status: 'wrap-up',
      since: 3,
      returnTo: { status: 'available' },
      wrapUpDeadline: 60_000,
    });
    assert.deepEqual(presenceForCalls(wrapUp, [], 4), { status: 'away', since: 4, returnTo: wrapUp.returnTo, reasonId: 'lunch' });
  });

  it('does not hold the agent for an ended call waiting for its log, and leaves presence alone where nothing changes', () => {
    assert.equal(presenceForCalls(onCall, [{ state: 'ended' }], 3)?.status, 'available');
    assert.equal(presenceForCalls(onCall, [{ state: 'active' }], 3), undefined);
    // Signed out: only a call takes the agent out of offline.
    assert.equal(presenceForCalls({ status: 'offline', since: 0, returnTo: { status: 'available' } }, [], 3), undefined);
  });
});

describe('presenceRequest (Omni-Channel)', () => {
  it('ignores its own echo, defers during a call, and is a choice otherwise', () => {
    assert.equal(presenceRequest(available, { status: 'available' }).kind, 'ignore');
    assert.deepEqual(presenceRequest(onCall, { status: 'away', reasonId: 'lunch' }), {
      kind: 'defer',
      presence: { ...onCall, returnTo: { status: 'away', reasonId: 'lunch' } },
    });
    assert.equal(presenceRequest(available, { status: 'away' }).kind, 'choose');
  });
});

describe('offers and declines', () => {
  it('declines as unavailable by the chosen status, also while the automatic on-call shows', () => {
    assert.deepEqual(declineOptions(available), { unavailable: false });
    assert.deepEqual(declineOptions({ ...onCall, returnTo: { status: 'away' } }), { unavailable: true });
  });

  it('offers one call to an available agent, a second only with call waiting, never a third', () => {
    assert.equal(acceptsOffer('available', 0, false), true);
    assert.equal(acceptsOffer('available', 1, false), false);
    assert.equal(acceptsOffer('on-call', 1, true), true);
    assert.equal(acceptsOffer('on-call', 2, true), false);
    assert.equal(acceptsOffer('away', 0, true), false);
  });
});

describe('stored presence', () => {
  it('keeps the chosen status, not an offline return behind an automatic status, and restores available or away only', () => {
    assert.deepEqual(storedPresence(wrapUp), { status: 'away', reasonId: 'lunch' });
    assert.equal(storedPresence({ status: 'on-call', since: 0, returnTo: { status: 'offline' } }), undefined);
    assert.deepEqual(storedPresence({ status: 'offline', since: 0, returnTo: { status: 'offline' } }), { status: 'offline', reasonId: null });
    assert.deepEqual(restoredPresence({ status: 'away', reasonId: 'lunch' }), { status: 'away', reasonId: 'lunch' });
    assert.deepEqual(restoredPresence({ status: 'offline', reasonId: null }), { status: 'available' });
    assert.deepEqual(restoredPresence('garbage'), { status: 'available' });
  });
});
