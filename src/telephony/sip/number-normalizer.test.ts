import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeDialTarget, phoneNumbersRequested } from './number-normalizer.ts';
import { SwitchboardError } from '../../core/index.ts';

const US = { defaultCountry: 'US' };
const US_PBX = { defaultCountry: 'US', outsidePrefix: '9', longDistancePrefix: '1', internationalPrefix: '011' };

// First in the file: the module-level lazy load must not have happened yet.
test('extensions and SIP URIs are dialled as given, without loading libphonenumber-js', async () => {
  assert.deepEqual(await normalizeDialTarget('1002', US_PBX), { dialString: '1002', party: { number: '1002' }, kind: 'extension' });
  assert.equal((await normalizeDialTarget('10-02', US_PBX)).dialString, '1002');
  assert.equal((await normalizeDialTarget('sales', US_PBX, [{ extension: 'sales' }])).kind, 'extension');
  assert.equal((await normalizeDialTarget('sip:bob@example.com', US_PBX)).dialString, 'sip:bob@example.com');
  await assert.rejects(normalizeDialTarget('  ', US_PBX), /empty/);
  assert.equal(phoneNumbersRequested(), false);
});

test('without prefixes numbers are dialled in E.164', async () => {
  const t = await normalizeDialTarget('(415) 555-0134', US);
  assert.equal(phoneNumbersRequested(), true);
  assert.deepEqual(t, { dialString: '+14155550134', party: { number: '(415) 555-0134', e164: '+14155550134' }, kind: 'national' });
  assert.equal((await normalizeDialTarget('+44 20 7946 0958', US)).dialString, '+442079460958');
});

test('national numbers get the outside and long-distance prefixes', async () => {
  assert.equal((await normalizeDialTarget('415 555 0134', US_PBX)).dialString, '914155550134');
  assert.equal((await normalizeDialTarget('415 555 0134', { defaultCountry: 'US', outsidePrefix: '9' })).dialString, '94155550134');
  assert.equal((await normalizeDialTarget('020 7946 0958', { defaultCountry: 'GB', outsidePrefix: '9', longDistancePrefix: '0' })).dialString, '902079460958');
});

test('international numbers get the outside and international prefixes and the country code', async () => {
  const t = await normalizeDialTarget('+44 20 7946 0958', US_PBX);
  assert.equal(t.dialString, '9011442079460958');
  assert.equal(t.party.e164, '+442079460958');
  assert.equal(t.kind, 'international');
  assert.equal((await normalizeDialTarget('011 44 20 7946 0958', US_PBX)).dialString, '9011442079460958');
  assert.equal((await normalizeDialTarget('+44 20 7946 0958', { defaultCountry: 'US', outsidePrefix: '9' })).dialString, '9+442079460958');
});

test('what is not a number is refused with SB20004', async () => {
  await assert.rejects(
    normalizeDialTarget('call mom please', US_PBX),
    (e: unknown) => e instanceof SwitchboardError && e.code === 'SB20004' && /call mom please/.test(e.message),
  );
});
