import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dialable, displayNumber, formatAsYouType, formatPhoneNumber, loadPhoneFormat, phoneFormatReady } from './phone-format.ts';

// Runs first, while libphonenumber-js is not loaded yet: nothing is formatted by a hand rule.
test('until libphonenumber-js is loaded, numbers show as received and the dial field as typed', async () => {
  assert.equal(displayNumber({ number: '02079460958', e164: '+442079460958' }, 'GB'), '+442079460958');
  assert.equal(displayNumber({ number: '+14155550134' }, 'US'), '+14155550134');
  assert.equal(formatAsYouType('4155550134', 'US'), '4155550134');
  // Showing a number started the load: the panel waits on this to render again.
  await phoneFormatReady();
  assert.equal(displayNumber({ number: '+14155550134' }, 'US'), '+1 415 555 0134');
});

test('numbers display in international format, the same for every agent', async () => {
  await loadPhoneFormat();
  // The UK grouping a hand rule got wrong (+44 207 946 0958).
  assert.equal(displayNumber({ number: '+442079460958' }, 'US'), '+44 20 7946 0958');
  assert.equal(displayNumber({ number: '02079460958', e164: '+442079460958' }, 'US'), '+44 20 7946 0958');
  assert.equal(displayNumber({ number: '020 7946 0958' }, 'GB'), '+44 20 7946 0958');
  assert.equal(displayNumber({ number: '4155550134', e164: '+14155550134' }, 'US'), '+1 415 555 0134');
  assert.equal(displayNumber({ number: '4155550134' }, 'US'), '+1 415 555 0134');
  assert.equal(displayNumber({ number: '4155550134', e164: '+14155550134' }, 'DE'), '+1 415 555 0134');
  assert.equal(displayNumber({ number: '+4930123456' }, 'US'), '+49 30 123456');
});

test('extensions, feature codes and what is not a number stay as given', async () => {
  await loadPhoneFormat();
  assert.equal(displayNumber({ number: '1002' }, 'US'), '1002');
  assert.equal(displayNumber({ number: 'anonymous' }, 'US'), 'anonymous');
  assert.equal(displayNumber({ number: 'sip:bob@example.com' }, 'US'), 'sip:bob@example.com');
  // libphonenumber would read 5000 as +1 5000; it is not a possible number, so it stays.
  assert.equal(displayNumber({ number: '5000' }, 'US'), '5000');
  assert.equal(formatAsYouType('1002', 'US'), '1002');
  assert.equal(formatAsYouType('*72', 'US'), '*72');
  assert.equal(formatAsYouType('sip:bob@example.com', 'US'), 'sip:bob@example.com');
});

test('the dial field formats as the agent types, in the call center country', async () => {
  await loadPhoneFormat();
  const steps = ['4155550', '41555501', '415555013', '4155550134'];
  assert.deepEqual(
    steps.map((s) => formatAsYouType(s, 'US')),
    ['(415) 555-0', '(415) 555-01', '(415) 555-013', '(415) 555-0134'],
  );
  assert.equal(formatAsYouType('14155550134', 'US'), '1 (415) 555-0134');
  assert.equal(formatAsYouType('(415) 555-0134', 'CA'), '(415) 555-0134');
  assert.equal(formatAsYouType('+', 'US'), '+');
  assert.equal(formatAsYouType('+442079460958', 'US'), '+44 20 7946 0958');
  assert.equal(formatAsYouType('02079460958', 'GB'), '020 7946 0958');
});

test('formatPhoneNumber waits for the library: text written once is always formatted', async () => {
  assert.equal(await formatPhoneNumber({ number: '+442079460999' }, 'US'), '+44 20 7946 0999');
  assert.equal(await formatPhoneNumber({ number: '(415) 555-0134', e164: '+14155550134' }, 'US'), '+1 415 555 0134');
});

test('dialable keeps digits, a leading + and DTMF symbols', () => {
  assert.equal(dialable(' +1 (415) 555-0134 '), '+14155550134');
  assert.equal(dialable('*72#'), '*72#');
  assert.equal(dialable('12+3'), '123');
});

test('a number shown again reads the same, and the default country still decides a national number', async () => {
  await loadPhoneFormat();
  for (let i = 0; i < 3; i++) {
    assert.equal(displayNumber({ number: '02079460958' }, 'GB'), '+44 20 7946 0958');
    assert.equal(displayNumber({ number: '4155550134' }, 'US'), '+1 415 555 0134');
    // The same digits under another default country are another number (or none).
    assert.equal(displayNumber({ number: '02079460958' }, 'US'), '02079460958');
  }
  // More numbers than are kept: the oldest are formatted again, still right.
  for (let n = 0; n < 600; n++) displayNumber({ number: `+1415555${String(n).padStart(4, '0')}` }, 'US');
  assert.equal(displayNumber({ number: '02079460958' }, 'GB'), '+44 20 7946 0958');
});
