// Both state machines, exhaustively: every (from, to) pair of each table, legal and illegal.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CALL_TRANSITIONS, CallState, IllegalTransitionError, LIVE_CALL_STATES, assertCallTransition, canTransition, isLive } from './call-state.ts';
import { PRESENCE_TRANSITIONS, PresenceStatus, assertPresenceTransition, canPresenceTransition, initialPresence } from '../presence/presence.ts';
import { SwitchboardError } from '../errors/catalog.ts';

const CALL_STATES = Object.values(CallState);
const PRESENCE_STATES = Object.values(PresenceStatus);

/** The legal transitions, written out by hand from the diagrams: the tables must say exactly this. */
const EXPECTED_CALL: Record<CallState, CallState[]> = {
  offering: ['active', 'ended'],
  dialing: ['ringing-out', 'active', 'ended'],
  'ringing-out': ['active', 'ended'],
  active: ['held', 'transferring', 'ended'],
  held: ['active', 'transferring', 'ended'],
  transferring: ['active', 'held', 'ended'],
  ended: ['wrap-up', 'closed'],
  'wrap-up': ['closed'],
  closed: [],
};
const EXPECTED_PRESENCE: Record<PresenceStatus, PresenceStatus[]> = {
  offline: ['available', 'away'],
  available: ['away', 'offline', 'on-call'],
  away: ['available', 'offline', 'on-call', 'away'],
  'on-call': ['wrap-up', 'available', 'away'],
  'wrap-up': ['available', 'away', 'offline', 'on-call'],
};

describe('call state machine', () => {
  it('the table covers every state and names only known states', () => {
    assert.deepEqual(Object.keys(CALL_TRANSITIONS).sort(), [...CALL_STATES].sort());
    for (const targets of Object.values(CALL_TRANSITIONS)) for (const t of targets) assert.ok(CALL_STATES.includes(t), t);
    assert.deepEqual(
      Object.fromEntries(Object.entries(CALL_TRANSITIONS).map(([k, v]) => [k, [...v].sort()])),
      Object.fromEntries(Object.entries(EXPECTED_CALL).map(([k, v]) => [k, [...v].sort()])),
    );
  });

  let legal = 0;
  let illegal = 0;
  for (const from of CALL_STATES) {
    for (const to of CALL_STATES) {
      const allowed = EXPECTED_CALL[from].includes(to);
      if (allowed) legal++;
      else illegal++;
      it(`${from} → ${to} is ${allowed ? 'legal' : 'illegal'}`, () => {
        assert.equal(canTransition(from, to), allowed);
        if (allowed) {
          assert.doesNotThrow(() => assertCallTransition(from, to));
          return;
        }
        assert.throws(
          () => assertCallTransition(from, to),
          (e: unknown) => {
            assert.ok(e instanceof IllegalTransitionError);
            assert.ok(e instanceof SwitchboardError);
            assert.equal(e.code, 'SB40001');
            assert.equal(e.machine, 'call');
            assert.equal(e.from, from);
            assert.equal(e.to, to);
            assert.equal(e.name, 'IllegalTransitionError');
            assert.match(e.message, new RegExp(`Cannot go from '${from}' to '${to}'`));
            assert.deepEqual(e.toJSON(), { code: 'SB40001', message: e.message });
            return true;
          },
        );
      });
    }
  }
  it('counts: 81 pairs, 19 legal', () => {
    assert.equal(legal + illegal, CALL_STATES.length ** 2);
    assert.equal(legal, 19);
  });

  it('closed is terminal, and live states are exactly those before ended', () => {
    assert.deepEqual(CALL_TRANSITIONS.closed, []);
    assert.deepEqual([...LIVE_CALL_STATES].sort(), ['active', 'dialing', 'held', 'offering', 'ringing-out', 'transferring']);
    for (const s of CALL_STATES) assert.equal(isLive(s), LIVE_CALL_STATES.includes(s), s);
    // Every live state can end; no state after ended is live again.
    for (const s of LIVE_CALL_STATES) assert.ok(canTransition(s, 'ended'), s);
    for (const s of ['ended', 'wrap-up', 'closed'] as const) for (const t of CALL_TRANSITIONS[s]) assert.ok(!isLive(t), `${s} → ${t}`);
  });
});

describe('presence state machine', () => {
  it('the table covers every status and names only known statuses', () => {
    assert.deepEqual(Object.keys(PRESENCE_TRANSITIONS).sort(), [...PRESENCE_STATES].sort());
    assert.deepEqual(
      Object.fromEntries(Object.entries(PRESENCE_TRANSITIONS).map(([k, v]) => [k, [...v].sort()])),
      Object.fromEntries(Object.entries(EXPECTED_PRESENCE).map(([k, v]) => [k, [...v].sort()])),
    );
  });

  for (const from of PRESENCE_STATES) {
    for (const to of PRESENCE_STATES) {
      const allowed = EXPECTED_PRESENCE[from].includes(to);
      it(`${from} → ${to} is ${allowed ? 'legal' : 'illegal'}`, () => {
        assert.equal(canPresenceTransition(from, to), allowed);
        if (allowed) {
          assert.doesNotThrow(() => assertPresenceTransition(from, to));
          return;
        }
        assert.throws(
          () => assertPresenceTransition(from, to),
          (e: unknown) => {
            assert.ok(e instanceof IllegalTransitionError);
            assert.equal(e.code, 'SB40002');
            assert.equal(e.machine, 'presence');
            assert.deepEqual([e.from, e.to], [from, to]);
            return true;
          },
        );
      });
    }
  }

  it('offline cannot jump to on-call or wrap-up; on-call cannot go offline', () => {
    assert.equal(canPresenceTransition('offline', 'on-call'), false);
    assert.equal(canPresenceTransition('offline', 'wrap-up'), false);
    assert.equal(canPresenceTransition('on-call', 'offline'), false);
  });

  it('starts offline, returning to offline', () => {
    assert.deepEqual(initialPresence(42), { status: 'offline', since: 42, returnTo: { status: 'offline' } });
  });
});
