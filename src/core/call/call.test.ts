// The Call class: it changes state only through the table and stamps the times the log needs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Call, holdSeconds, talkSeconds, WHO_OBJECTS } from './call.ts';
import { CALL_TRANSITIONS, CallState, IllegalTransitionError } from './call-state.ts';
import type { RecordRef } from './call-types.ts';

const T0 = 1_767_600_000_000;
const inbound = () => new Call({ id: 'c1', direction: 'inbound', origin: 'offered', remote: { number: '+14155550134' }, at: T0 });

describe('Call', () => {
  it('starts offering (offered) or dialing (dialed), with empty data', () => {
    const c = inbound();
    assert.equal(c.state, 'offering');
    assert.deepEqual(c.snapshot(), {
      id: 'c1',
      direction: 'inbound',
      origin: 'offered',
      state: 'offering',
      remote: { number: '+14155550134' },
      attachedData: {},
      timestamps: { offered: T0, holds: [] },
      notes: '',
      relations: { candidates: [] },
      muted: false,
      conferencedWith: [],
      timeline: [],
    });
    const d = new Call({ id: 'c2', direction: 'outbound', origin: 'dialed', remote: { number: '1002' }, at: T0, consultationFor: 'c1' });
    assert.equal(d.state, 'dialing');
    assert.equal(d.snapshot().consultationFor, 'c1');
  });

  it('stamps answered (once), hold intervals, ended and closed', () => {
    const c = inbound();
    c.transition('active', T0 + 1_000, 'answered');
    c.transition('held', T0 + 10_000);
    c.transition('active', T0 + 15_000);
    c.transition('held', T0 + 20_000);
    c.transition('transferring', T0 + 21_000);
    c.transition('held', T0 + 22_000);
    c.transition('active', T0 + 24_000);
    c.end('remote-hangup', T0 + 61_000);
    c.transition('wrap-up', T0 + 61_000);
    c.transition('closed', T0 + 90_000);
    const s = c.snapshot();
    assert.equal(s.timestamps.answered, T0 + 1_000, 'answered is the first time the call went active');
    assert.deepEqual(s.timestamps.holds, [
      { start: T0 + 10_000, end: T0 + 15_000 },
      { start: T0 + 20_000, end: T0 + 21_000 },
      { start: T0 + 22_000, end: T0 + 24_000 },
    ]);
    assert.equal(s.timestamps.ended, T0 + 61_000);
    assert.equal(s.timestamps.closed, T0 + 90_000);
    assert.equal(s.endReason, 'remote-hangup');
    assert.equal(talkSeconds(s), 60);
    assert.equal(holdSeconds(s), 8);
    assert.deepEqual(
      s.timeline.map((t) => t.text),
      [
        'offering → active: answered',
        'active → held',
        'held → active',
        'active → held',
        'held → transferring',
        'transferring → held',
        'held → active',
        'active → ended: remote-hangup',
        'ended → wrap-up',
        'wrap-up → closed',
      ],
    );
  });

  it('ending while held closes the open hold interval', () => {
    const c = inbound();
    c.transition('active', T0);
    c.transition('held', T0 + 5_000);
    c.end('remote-hangup', T0 + 9_000);
    assert.deepEqual(c.snapshot().timestamps.holds, [{ start: T0 + 5_000, end: T0 + 9_000 }]);
    assert.equal(holdSeconds(c.snapshot()), 4);
  });

  it('a call never answered has no answered time and zero talk', () => {
    const c = inbound();
    c.end('missed', T0 + 20_000);
    assert.equal(c.snapshot().timestamps.answered, undefined);
    assert.equal(talkSeconds(c.snapshot()), 0);
    c.transition('closed', T0 + 20_000);
    assert.equal(c.state, 'closed');
  });

  it('refuses every illegal transition from every state and leaves the call unchanged', () => {
    // Reach each state along a legal path, then try every target the table does not allow.
    const paths: Record<CallState, CallState[]> = {
      offering: [],
      dialing: [],
      'ringing-out': ['ringing-out'],
      active: ['active'],
      held: ['active', 'held'],
      transferring: ['active', 'transferring'],
      ended: ['ended'],
      'wrap-up': ['ended', 'wrap-up'],
      closed: ['ended', 'closed'],
    };
    let checked = 0;
    for (const [state, path] of Object.entries(paths) as [CallState, CallState[]][]) {
      for (const to of Object.values(CallState)) {
        if (CALL_TRANSITIONS[state].includes(to)) continue;
        const c = new Call({ id: 'x', direction: 'outbound', origin: state === 'offering' ? 'offered' : 'dialed', remote: { number: '1' }, at: T0 });
        for (const step of path) c.transition(step, T0);
        assert.equal(c.state, state);
        const before = c.snapshot();
        assert.throws(() => c.transition(to, T0 + 1), IllegalTransitionError, `${state} → ${to}`);
        assert.equal(c.snapshot(), before, 'a refused transition changes nothing');
        checked++;
      }
    }
    assert.equal(checked, 81 - 19);
  });

  it('relates records: Contact and Lead as who, anything else as what; candidates kept unique', () => {
    assert.deepEqual(WHO_OBJECTS, ['Contact', 'Lead']);
    const contact: RecordRef = { id: '003A', objectType: 'Contact' };
    const lead: RecordRef = { id: '00QA', objectType: 'Lead' };
    const kase: RecordRef = { id: '500A', objectType: 'Case' };
    const c = inbound();
    c.relate(contact);
    c.relate(kase);
    c.relate(contact);
    assert.deepEqual(c.snapshot().relations, { candidates: [contact, kase], who: contact, what: kase });
    c.relate(lead);
    assert.deepEqual(c.snapshot().relations.who, lead);
    const fromRecord = new Call({ id: 'y', direction: 'outbound', origin: 'dialed', remote: { number: '1' }, at: T0, relatedRecord: kase });
    assert.deepEqual(fromRecord.snapshot().relations, { candidates: [kase], what: kase });
  });

  it('snapshots are immutable values: an old snapshot does not change', () => {
    const c = inbound();
    const before = c.snapshot();
    c.update({ notes: 'hello', muted: true });
    c.note(T0, 'test', 'x');
    assert.equal(before.notes, '');
    assert.equal(before.timeline.length, 0);
    assert.equal(c.snapshot().notes, 'hello');
  });
});
