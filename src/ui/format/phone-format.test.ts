import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countryCodeOf, dialable, displayNumber, formatAsYouType } from './phone-format.ts';

test('North American numbers format as the agent types', () => {
  const steps = ['4', '41', '415', '4155', '41555', '415555', '4155550', '41555501', '415555013', '4155550134'];
  assert.deepEqual(steps.map((s) => formatAsYouType(s, 'US')), [
    '4', '41', '415', '4155', '41555', '415555', '(415) 555-0', '(415) 555-01', '(415) 555-013', '(415) 555-0134',
  ]);
  assert.equal(formatAsYouType('14155550134', 'US'), '1 (415) 555-0134');
  assert.equal(formatAsYouType('(415) 555-0134', 'CA'), '(415) 555-0134');
});

test('international numbers split after the country code', () => {
  assert.equal(formatAsYouType('+', 'US'), '+');
  assert.equal(formatAsYouType('+1', 'US'), '+1');
  assert.equal(formatAsYouType('+14155550134', 'US'), '+1 415-555-0134');
  assert.equal(formatAsYouType('+442079460958', 'US'), '+44 207 946 0958');
  assert.equal(formatAsYouType('+4930123456', 'DE'), '+49 301 234 56');
  assert.equal(formatAsYouType('+81312345678', 'JP'), '+81 312 345 678');
  assert.equal(formatAsYouType('+353123', 'US'), '+353 123');
});

test('extensions, feature codes and SIP addresses stay as typed', () => {
  assert.equal(formatAsYouType('1002', 'US'), '1002');
  assert.equal(formatAsYouType('*72', 'US'), '*72');
  assert.equal(formatAsYouType('sip:bob@example.com', 'US'), 'sip:bob@example.com');
  assert.equal(formatAsYouType('02079460958', 'GB'), '02079460958');
});

test('dialable keeps digits, a leading plus, star and hash', () => {
  assert.equal(dialable(' +1 (415) 555-0134 '), '+14155550134');
  assert.equal(dialable('*72#'), '*72#');
  assert.equal(dialable('12+3'), '123');
});

test('country codes follow the ITU zones', () => {
  assert.equal(countryCodeOf('14155550134'), '1');
  assert.equal(countryCodeOf('74951234567'), '7');
  assert.equal(countryCodeOf('442079460958'), '44');
  assert.equal(countryCodeOf('353123'), '353');
  assert.equal(countryCodeOf('4'), undefined);
});

test('displayNumber prefers E.164, in international style', () => {
  assert.equal(displayNumber({ number: '4155550134', e164: '+14155550134' }, 'US'), '+1 415-555-0134');
  assert.equal(displayNumber({ number: '4155550134' }, 'US'), '(415) 555-0134');
  assert.equal(displayNumber({ number: '4155550134', e164: '+14155550134' }, 'DE'), '+1 415-555-0134');
  assert.equal(displayNumber({ number: '1002' }, 'US'), '1002');
  assert.equal(displayNumber({ number: 'anonymous' }, 'US'), 'anonymous');
});
