import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeDialTarget } from './number-normalizer.ts';
import { SwitchboardError } from '../../core/index.ts';

const US = { defaultCountry: 'US' };
const US_PBX = { defaultCountry: 'US', outsidePrefix: '9', longDistancePrefix: '1', internationalPrefix: '011' };

test('extensions and SIP URIs are dialled as given', () => {
  assert.deepEqual(normalizeDialTarget('1002', US_PBX), { dialString: '1002', party: { number: '1002' }, kind: 'extension' });
  assert.equal(normalizeDialTarget('10-02', US_PBX).dialString, '1002');
  assert.equal(normalizeDialTarget('sales', US_PBX, [{ extension: 'sales' }]).kind, 'extension');
  assert.equal(normalizeDialTarget('sip:bob@example.com', US_PBX).dialString, 'sip:bob@example.com');
});

test('without prefixes numbers are dialled in E.164', () => {
  const t = normalizeDialTarget('(415) 555-0134', US);
  assert.deepEqual(t, { dialString: '+14155550134', party: { number: '(415) 555-0134', e164: '+14155550134' }, kind: 'national' });
  assert.equal(normalizeDialTarget('+44 20 7946 0958', US).dialString, '+442079460958');
});

test('national numbers get the outside and long-distance prefixes', () => {
  assert.equal(normalizeDialTarget('415 555 0134', US_PBX).dialString, '914155550134');
  assert.equal(normalizeDialTarget('415 555 0134', { defaultCountry: 'US', outsidePrefix: '9' }).dialString, '94155550134');
  assert.equal(normalizeDialTarget('020 7946 0958', { defaultCountry: 'GB', outsidePrefix: '9', longDistancePrefix: '0' }).dialString, '902079460958');
});

test('international numbers get the outside and international prefixes and the country code', () => {
  const t = normalizeDialTarget('+44 20 7946 0958', US_PBX);
  assert.equal(t.dialString, '9011442079460958');
  assert.equal(t.party.e164, '+442079460958');
  assert.equal(t.kind, 'international');
  assert.equal(normalizeDialTarget('011 44 20 7946 0958', US_PBX).dialString, '9011442079460958');
  assert.equal(normalizeDialTarget('+44 20 7946 0958', { defaultCountry: 'US', outsidePrefix: '9' }).dialString, '9+442079460958');
});

test('what is not a number is refused with SB20004', () => {
  assert.throws(() => normalizeDialTarget('call mom please', US_PBX), (e: unknown) => e instanceof SwitchboardError && e.code === 'SB20004' && /call mom please/.test(e.message));
  assert.throws(() => normalizeDialTarget('  ', US_PBX), /empty/);
});
