import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialPresence, type EngineState, type UnsavedLog } from '../../core/index.ts';
import { CapturingLogger } from '../../core/testing/index.ts';
import { followUtilityLabel } from './utility-label.ts';

const LOG: UnsavedLog = { callId: 'c1', title: 'Inbound call', at: 0, reason: 'Refused.', fields: [] };

function state(unsaved?: readonly UnsavedLog[]): EngineState {
  return {
    phase: 'ready',
    registration: { state: 'registered' },
    presence: initialPresence(0),
    calls: [],
    recent: [],
    lines: {},
    clickToDialEnabled: false,
    ...(unsaved ? { unsavedLogs: unsaved } : {}),
  };
}

function rig(initial: EngineState) {
  const listeners = new Set<() => void>();
  const source = {
    state: initial,
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const labels: string[] = [];
  const set = (next: EngineState): void => {
    source.state = next;
    for (const l of listeners) l();
  };
  return {
    source,
    labels,
    set,
    target: {
      setUtilityLabel: async (label: string) => {
        labels.push(label);
      },
    },
  };
}

const label = (s: EngineState): string => (s.unsavedLogs?.length ? `Phone (${s.unsavedLogs.length} unsaved)` : 'Phone');

test('the utility label counts the unsaved logs, and is left to the admin until there is something to count', () => {
  const r = rig(state());
  const off = followUtilityLabel(r.source, r.target, label, new CapturingLogger());
  r.set(state([]));
  assert.deepEqual(r.labels, [], "the admin's label stands while nothing is unsaved");
  r.set(state([LOG, { ...LOG, callId: 'c2' }]));
  r.set(state([LOG, { ...LOG, callId: 'c2' }]));
  r.set(state([LOG]));
  r.set(state([]));
  r.set(state());
  assert.deepEqual(r.labels, ['Phone (2 unsaved)', 'Phone (1 unsaved)', 'Phone'], 'set on each change of the count, once');
  off();
  r.set(state([LOG]));
  assert.equal(r.labels.length, 3);
});

test('a tab that starts with unsaved logs labels at once; a refused label call is logged, not thrown', async () => {
  const r = rig(state([LOG]));
  const logger = new CapturingLogger();
  followUtilityLabel(r.source, { setUtilityLabel: () => Promise.reject(new Error('not in a console')) }, label, logger);
  await Promise.resolve();
  await Promise.resolve();
  assert.equal(logger.find('warn', 'utility bar label').length, 1);
  followUtilityLabel(r.source, r.target, label, logger);
  assert.deepEqual(r.labels, ['Phone (1 unsaved)']);
});
