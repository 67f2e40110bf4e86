import { it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDate, formatDateTime, formatDuration, formatValue, userLocale, userTimeZone, type FormatContext } from './field-format.ts';
import type { FieldInfo } from './api-client.ts';

// ICU puts a narrow no-break space before AM/PM; the page's reader does not care which space.
const plain = (s: string): string => s.replace(/\s/g, ' ');
const field = (type: string, extra: Partial<FieldInfo> = {}): FieldInfo => ({ name: 'F', label: 'F', type, required: false, createable: true, ...extra });
const us: FormatContext = { locale: 'en-US', timeZone: 'America/Los_Angeles' };
const de: FormatContext = { locale: 'de-DE', timeZone: 'Europe/Berlin' };
const ja: FormatContext = { locale: 'ja-JP', timeZone: 'Asia/Tokyo' };

it('maps Salesforce locale keys and time zones, falling back for unknown ones', () => {
  assert.equal(userLocale('de_DE'), 'de-DE');
  assert.equal(userLocale('ja_JP'), 'ja-JP');
  assert.equal(userLocale(undefined), 'en-US');
  assert.equal(userLocale('not a locale!'), 'en-US');
  assert.equal(userTimeZone('America/New_York'), 'America/New_York');
  assert.equal(userTimeZone('Mars/Olympus'), undefined);
});

it('shows a date as that calendar day in the user locale', () => {
  assert.equal(formatDate('2026-12-07', us), '12/7/2026');
  assert.equal(formatDate('2026-12-07', de), '7.12.2026');
  assert.equal(formatDate('2026-12-07', ja), '2026/12/7');
  // West of UTC the day must not slip to the 6th.
  assert.equal(formatDate('2026-12-07', { locale: 'en-US', timeZone: 'Pacific/Honolulu' }), '12/7/2026');
  assert.equal(formatDate('yesterday', us), 'yesterday');
});

it('shows a datetime in the user time zone, across the date line', () => {
  const at = '2026-12-07T03:30:00.000Z';
  assert.equal(plain(formatDateTime(at, us)), '12/6/2026, 7:30 PM');
  assert.equal(plain(formatDateTime(at, de)), '7.12.2026, 4:30');
  assert.equal(plain(formatDateTime(at, ja)), '2026/12/7 12:30');
});

it('formats durations as m:ss', () => {
  assert.deepEqual([0, 5, 61, 754, 3600].map(formatDuration), ['0:00', '0:05', '1:01', '12:34', '60:00']);
});

it('formats numbers, currency, percent and checkboxes', () => {
  assert.equal(plain((formatValue(field('currency'), 1234.5, de) as { text: string }).text), '1.234,50 $');
  assert.equal((formatValue(field('currency'), 1234.5, us) as { text: string }).text, '$1,234.50');
  assert.equal((formatValue(field('percent'), 12.5, us) as { text: string }).text, '12.5%');
  assert.equal((formatValue(field('double'), 1234567.25, de) as { text: string }).text, '1.234.567,25');
  assert.deepEqual(formatValue(field('boolean'), true, us), { kind: 'checkbox', checked: true });
  assert.deepEqual(formatValue(field('boolean'), null, us), { kind: 'checkbox', checked: false });
  assert.deepEqual(formatValue(field('string'), null, us), { kind: 'empty' });
});

it('shows picklist values by label, and a value without a label as it is', () => {
  const f = field('picklist', { picklistValues: ['FollowUp', 'Resolved'], picklistLabels: { FollowUp: 'Follow-up needed' } });
  assert.deepEqual(formatValue(f, 'FollowUp', us), { kind: 'text', text: 'Follow-up needed' });
  assert.deepEqual(formatValue(f, 'Resolved', us), { kind: 'text', text: 'Resolved' });
});

it('shows a lookup as its parent name, and one without a known parent as its Id', () => {
  const f = field('reference');
  const names = { '001000000000001AAA': { object: 'Account', name: 'Acme Corporation' } };
  assert.deepEqual(formatValue(f, '001000000000001AAA', us, names), { kind: 'lookup', id: '001000000000001AAA', object: 'Account', text: 'Acme Corporation' });
  assert.deepEqual(formatValue(f, '001000000000009AAA', us, names), { kind: 'text', text: '001000000000009AAA' });
});
