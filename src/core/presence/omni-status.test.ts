import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { presenceForOmniStatus } from './omni-status.ts';

describe('presenceForOmniStatus', () => {
  it('Online is available and Offline offline, whatever the case', () => {
    assert.deepEqual(presenceForOmniStatus('Online', { statusId: '0N5x' }), { status: 'available' });
    assert.deepEqual(presenceForOmniStatus('offline'), { status: 'offline' });
  });
  it('any other status is away, with the Omni status id as the reason (else its API name, else the status itself)', () => {
    assert.deepEqual(presenceForOmniStatus('Busy', { statusId: '0N5000000000001', statusApiName: 'Busy' }), { status: 'away', reasonId: '0N5000000000001' });
    assert.deepEqual(presenceForOmniStatus('Break', { statusApiName: 'Lunch_Break' }), { status: 'away', reasonId: 'Lunch_Break' });
    assert.deepEqual(presenceForOmniStatus('Training'), { status: 'away', reasonId: 'Training' });
  });
  it("AfterCallWork is Salesforce's own state: no change; a blank status is refused", () => {
    assert.equal(presenceForOmniStatus('AfterCallWork'), undefined);
    assert.throws(() => presenceForOmniStatus('  '), /blank/);
  });
});
