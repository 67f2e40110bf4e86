import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTranslator, isMessages, LOCALE_TAGS, pickLocale, placeholders, type Locale, type MessageKey } from './i18n.ts';
import { LOCALES, registerAllLocales } from './locales.ts';
import { ERROR_CATALOG } from '../../core/index.ts';

const locales = Object.keys(LOCALES) as Locale[];
const keys = Object.keys(LOCALES.en) as MessageKey[];

test('the panel ships exactly five languages', () => {
  assert.deepEqual([...locales].sort(), ['de', 'en', 'es', 'fr', 'ja']);
  assert.deepEqual([...LOCALE_TAGS].sort(), [...locales].sort());
});

test('a locale whose messages are not registered falls back to English; registered ones translate', () => {
  assert.equal(createTranslator('fr').locale, 'en');
  assert.equal(createTranslator('fr').t('action.answer'), 'Answer');
  registerAllLocales();
  assert.equal(createTranslator('fr').t('action.answer'), 'Répondre');
});

test('isMessages accepts complete translations only', () => {
  for (const locale of locales) assert.ok(isMessages(LOCALES[locale]));
  const { 'action.answer': _dropped, ...partial } = LOCALES.de;
  assert.equal(isMessages(partial), false);
  assert.equal(isMessages({ ...LOCALES.de, 'action.answer': 3 }), false);
  assert.equal(isMessages(null), false);
});

test('every locale translates every key, with no extra keys and no empty text', () => {
  for (const locale of locales) {
    const messages: Record<string, string> = LOCALES[locale];
    assert.deepEqual(Object.keys(messages).sort(), [...keys].sort(), `${locale}: key set differs from English`);
    for (const key of keys) assert.ok(messages[key]!.trim().length > 0, `${locale}: '${key}' is empty`);
  }
});

test('translations keep the English placeholders', () => {
  for (const locale of locales) {
    for (const key of keys) {
      assert.deepEqual(placeholders(LOCALES[locale][key]), placeholders(LOCALES.en[key]), `${locale}: '${key}' placeholders differ`);
    }
  }
});

test('non-English locales actually translate the visible labels', () => {
  for (const locale of locales.filter((l) => l !== 'en')) {
    const same = keys.filter(
      (k) => LOCALES[locale][k] === LOCALES.en[k] && !/^\{|^Audio$|^Status$|^Offline$|^Notes$|^Consultation$|^Microphone$|^Conférence$/.test(LOCALES.en[k]),
    );
    // A few words are the same in both languages (Status, Audio, Offline); most must differ.
    assert.ok(same.length < 8, `${locale}: ${same.length} untranslated: ${same.join(', ')}`);
  }
});

test('every error code of the catalog has a message in every locale', () => {
  for (const code of Object.keys(ERROR_CATALOG)) {
    for (const locale of locales) assert.ok(`error.${code}` in LOCALES[locale], `${locale}: error.${code} missing`);
  }
});

test('the controls carry the exact English accessible names tests rely on', () => {
  const t = createTranslator('en');
  const names: [MessageKey, string][] = [
    ['action.answer', 'Answer'],
    ['action.decline', 'Decline'],
    ['action.hangup', 'Hang up'],
    ['action.hold', 'Hold'],
    ['action.resume', 'Resume'],
    ['action.mute', 'Mute'],
    ['action.unmute', 'Unmute'],
    ['action.keypad', 'Keypad'],
    ['action.transfer', 'Transfer'],
    ['action.conference', 'Conference'],
    ['status.label', 'Status'],
  ];
  for (const [key, name] of names) assert.equal(t.t(key), name);
});

test('pickLocale reads Salesforce locales and BCP 47 tags, else English', () => {
  assert.equal(pickLocale('de_DE'), 'de');
  assert.equal(pickLocale('ja-JP'), 'ja');
  assert.equal(pickLocale('FR'), 'fr');
  assert.equal(pickLocale('es_MX'), 'es');
  assert.equal(pickLocale('en_GB'), 'en');
  assert.equal(pickLocale('pt-BR'), 'en');
  assert.equal(pickLocale(''), 'en');
  assert.equal(pickLocale(undefined), 'en');
  assert.equal(pickLocale('constructor'), 'en');
});

test('translate fills placeholders and leaves unknown ones visible', () => {
  registerAllLocales();
  const t = createTranslator('de');
  assert.equal(t.t('reg.reconnecting', { attempt: 3, seconds: 8 }), 'Neuer Verbindungsversuch (3), nächster in 8 s');
  assert.equal(createTranslator('en').t('status.awayReason', {}), 'Away: {reason}');
  assert.equal(createTranslator('ja').t('call.timer', { time: '1:05' }), '通話時間 1:05');
});
