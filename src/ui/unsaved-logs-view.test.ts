import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialPresence, type EngineState, type UnsavedLog } from '../core/index.ts';
import { createTranslator } from './i18n/i18n.ts';
import { LOCALES, registerAllLocales } from './i18n/locales.ts';
import { unsavedLogsView, utilityLabel } from './unsaved-logs-view.ts';
import { panelView } from './view-model.ts';

const MARIA: UnsavedLog = {
  callId: 'c1',
  direction: 'inbound',
  number: '+1 415 555 0134',
  name: 'Maria Lopez',
  title: 'Inbound call',
  at: 60_000,
  reason: 'Describe the call in Comments.',
  fields: ['Description'],
};
const OLD: UnsavedLog = { callId: 'c2', title: 'Outbound call +1 650 555 0123', at: 120_000, reason: 'Call c2: saveLog: INVALID_FIELD', fields: [] };

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

test('the panel lists refused logs by whom (name, else number, else title), kind, time, reason and fields', () => {
  assert.equal(unsavedLogsView(state()), undefined);
  assert.equal(unsavedLogsView(state([])), undefined);
  const view = unsavedLogsView(state([MARIA, OLD]));
  assert.deepEqual(view?.summary, { key: 'unsaved.many', params: { count: 2 } });
  assert.deepEqual(view?.logs, [
    {
      callId: 'c1',
      who: 'Maria Lopez',
      number: '+1 415 555 0134',
      kind: 'call.inbound',
      at: 60_000,
      reason: 'Describe the call in Comments.',
      fields: 'Description',
    },
    { callId: 'c2', who: 'Outbound call +1 650 555 0123', kind: 'unsaved.call', at: 120_000, reason: 'Call c2: saveLog: INVALID_FIELD', fields: '' },
  ]);
  assert.deepEqual(unsavedLogsView(state([{ ...MARIA, name: undefined }]))?.logs[0]?.who, '+1 415 555 0134');
  assert.deepEqual(unsavedLogsView(state([MARIA]))?.summary, { key: 'unsaved.one' });
  assert.deepEqual(panelView(state([MARIA]), 0, { role: 'leader' }).unsaved, unsavedLogsView(state([MARIA])));
  assert.equal(panelView(state(), 0, { role: 'leader' }).unsaved, undefined);
});

test('the utility label reads "Phone (n unsaved)" in every language, and the panel title without any', () => {
  registerAllLocales();
  assert.deepEqual(utilityLabel(state()), { key: 'panel.title' });
  const en = createTranslator('en');
  const two = utilityLabel(state([MARIA, OLD]));
  assert.equal(en.t(two.key, two.params), 'Phone (2 unsaved)');
  for (const locale of Object.keys(LOCALES) as (keyof typeof LOCALES)[]) {
    const t = createTranslator(locale);
    const text = t.t(two.key, two.params);
    assert.ok(text.startsWith(t.t('panel.title')), `${locale}: '${text}' starts with the panel's name`);
    assert.ok(text.includes('2'), `${locale}: '${text}' counts`);
  }
  assert.equal(en.t('unsaved.one'), '1 call log was not saved');
  assert.equal(en.t('unsaved.many', { count: 2 }), '2 call logs were not saved');
  assert.equal(en.t('unsaved.retryLabel', { who: 'Maria Lopez' }), 'Retry the call log of Maria Lopez');
  assert.equal(en.t('unsaved.discardLabel', { who: 'Maria Lopez' }), 'Discard the call log of Maria Lopez');
});
