import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Inviter, RequestPendingError } from 'sip.js';
import { FakeClock } from '../../core/testing/fake-clock.ts';
import { SwitchboardError } from '../../core/index.ts';
import { setHold } from './call-hold.ts';
import type { SipCall } from './sip-call.ts';

/** How the fake far end answers each re-INVITE, in order. */
type Answer = { readonly status: number; readonly retryAfter?: string } | 'accept' | 'pending';

/**
 * A call whose session answers re-INVITEs from a script, as sip.js's Session does: a request
 * delegate's onAccept / onReject, or a RequestPendingError when one of ours is still out.
 */
function fakeCall(answers: Answer[], owner: boolean) {
  const offers: boolean[] = [];
  const session = Object.assign(owner ? (Object.create(Inviter.prototype) as object) : {}, {
    sessionDescriptionHandlerOptionsReInvite: {} as { hold?: boolean },
    invite(options: {
      requestDelegate: {
        onAccept(): void;
        onReject(r: { message: { statusCode: number; reasonPhrase: string; getHeader(n: string): string | undefined } }): void;
      };
    }) {
      offers.push(session.sessionDescriptionHandlerOptionsReInvite.hold === true);
      const answer = answers.shift() ?? 'accept';
      if (answer === 'pending') return Promise.reject(new RequestPendingError('Reinvite in progress.'));
      queueMicrotask(() => {
        if (answer === 'accept') options.requestDelegate.onAccept();
        else
          options.requestDelegate.onReject({
            message: { statusCode: answer.status, reasonPhrase: 'No', getHeader: (n) => (n === 'retry-after' ? answer.retryAfter : undefined) },
          });
      });
      return Promise.resolve({});
    },
  });
  const receiving: boolean[] = [];
  const call = {
    id: 'call-1',
    phase: 'established',
    held: false,
    muted: false,
    holdWanted: undefined as boolean | undefined,
    takeBack: undefined,
    session,
    microphone: undefined,
    sdh: { enableReceiverTracks: (on: boolean) => receiving.push(on) },
  };
  return { call: call as unknown as SipCall & { holdWanted: boolean | undefined }, offers, receiving };
}

const settle = () => new Promise<void>((r) => setImmediate(r));

/** Holds the call; returns how the hold ended and a way to move time on. */
function holding(answers: Answer[], owner = false) {
  const clock = new FakeClock();
  const { call, offers, receiving } = fakeCall(answers, owner);
  let changed = 0;
  let outcome: 'pending' | 'done' | SwitchboardError = 'pending';
  void setHold(call, true, { clock, random: () => 0.5 }, () => changed++).then(
    () => {
      outcome = 'done';
    },
    (e: SwitchboardError) => {
      outcome = e;
    },
  );
  const advance = async (ms: number) => {
    await settle();
    clock.advance(ms);
    await settle();
  };
  return { call, offers, receiving, advance, changed: () => changed, outcome: () => outcome };
}

test("a hold answered 491 (crossing re-INVITEs) is sent again after RFC 3261 §14.1's wait, and holds", async () => {
  // Not the Call-ID's owner (the customer called in): 0-2 s.
  const callee = holding([{ status: 491 }, 'accept']);
  await callee.advance(999);
  assert.equal(callee.offers.length, 1, 'not before the wait');
  assert.equal(callee.call.holdWanted, true, 'a reload meanwhile keeps the call held');
  await callee.advance(1);
  assert.deepEqual(callee.offers, [true, true]);
  assert.equal(callee.outcome(), 'done');
  assert.equal(callee.call.held, true);
  assert.equal(callee.changed(), 1);
  assert.deepEqual(callee.receiving, [false]);
  assert.equal(callee.call.holdWanted, undefined);

  // The Call-ID's owner (it sent the dialog's INVITE: the agent dialled, or took the call back): 2.1-4 s.
  const owner = holding([{ status: 491 }, 'accept'], true);
  await owner.advance(3049);
  assert.equal(owner.offers.length, 1);
  await owner.advance(1);
  assert.equal(owner.outcome(), 'done');
});

test('a hold answered 500 with Retry-After goes again once it has passed; one waiting on our own re-INVITE goes when that may be done', async () => {
  const busy = holding([{ status: 500, retryAfter: '3' }, 'accept']);
  await busy.advance(2999);
  assert.equal(busy.offers.length, 1);
  await busy.advance(1);
  assert.equal(busy.outcome(), 'done');

  const ours = holding(['pending', 'pending', 'accept']);
  await ours.advance(500);
  await ours.advance(500);
  assert.equal(ours.offers.length, 3);
  assert.equal(ours.outcome(), 'done');
});

test('a hold refused outright fails at once; one that keeps crossing gives up after five tries; neither leaves the call marked held', async () => {
  const refused = holding([{ status: 488 }]);
  await refused.advance(0);
  const error = refused.outcome();
  assert.ok(error instanceof SwitchboardError && error.code === 'SB20005' && /Hold answered 488/.test(error.message), String(error));
  assert.equal(refused.offers.length, 1);
  assert.equal(refused.call.held, false);
  assert.equal(refused.call.holdWanted, undefined);
  assert.equal(refused.changed(), 0);

  const crossing = holding(Array.from({ length: 10 }, () => ({ status: 491 })));
  for (let i = 0; i < 10; i++) await crossing.advance(2000);
  assert.equal(crossing.offers.length, 5);
  assert.ok(crossing.outcome() instanceof SwitchboardError);
  assert.equal(crossing.call.held, false);

  // A 500 without Retry-After is not an invitation to come back.
  const failed = holding([{ status: 500 }]);
  await failed.advance(10_000);
  assert.equal(failed.offers.length, 1);
  assert.ok(failed.outcome() instanceof SwitchboardError);
});

test('a resume asked for while a hold waits to be sent again wins: the hold is not sent again', async () => {
  const h = holding([{ status: 491 }]);
  await h.advance(0);
  h.call.holdWanted = false; // what setHold(call, false) sets first
  await h.advance(2000);
  assert.equal(h.offers.length, 1);
  assert.equal(h.outcome(), 'done', 'the hold settles without error; the resume reports the outcome');
  assert.equal(h.changed(), 0);
});
