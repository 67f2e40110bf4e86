import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordRef } from '../../core/index.ts';
import type { CallView } from '../view-model.ts';
import { callHeadline } from './call-card.ts';

function view(patch: Partial<CallView> = {}): CallView {
  return {
    id: 'c1',
    state: 'offering',
    title: 'call.inbound',
    stateLabel: 'call.state.offering',
    number: '+1 415 555 0134',
    timerSeconds: 0,
    muted: false,
    isConsultation: false,
    focused: true,
    actions: [],
    related: [],
    conferenceWith: [],
    canKeypad: false,
    canTransfer: false,
    canNote: false,
    notes: '',
    popTrail: [],
    ...patch,
  };
}

const maria: RecordRef = { id: '003000000000001AAA', objectType: 'Contact', name: 'Maria Lopez' };
const acme: RecordRef = { id: '001000000000001AAA', objectType: 'Account', name: 'Acme' };
const theCase: RecordRef = { id: '500000000000001AAA', objectType: 'Case', name: '00001026' };

test('the matched contact names the call, not the display name the phone system sent', () => {
  assert.deepEqual(callHeadline(view({ name: 'Customer', related: [maria] }), 'Unknown'), { headline: 'Maria Lopez', subline: '+1 415 555 0134' });
  // A Case pop with its contact: the person heads the card; the Case stays on the related line.
  assert.deepEqual(callHeadline(view({ name: 'Customer', related: [maria, theCase] }), 'Unknown').headline, 'Maria Lopez');
  assert.deepEqual(callHeadline(view({ related: [acme] }), 'Unknown').headline, 'Acme');
});

test('without a caller record the headline is the display name, else the number', () => {
  assert.deepEqual(callHeadline(view({ name: 'Customer', related: [theCase] }), 'Unknown'), { headline: 'Customer', subline: '+1 415 555 0134' });
  assert.deepEqual(callHeadline(view({ related: [{ id: '003000000000002AAA', objectType: 'Contact' }] }), 'Unknown'), { headline: '+1 415 555 0134' });
  assert.deepEqual(callHeadline(view({ number: '' }), 'Unknown'), { headline: 'Unknown' });
});
