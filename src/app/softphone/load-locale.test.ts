import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CapturingLogger } from '../../core/testing/index.ts';
import { createTranslator } from '../../ui/i18n/i18n.ts';
import { es } from '../../ui/i18n/messages-es.ts';
import { loadLocale } from './load-locale.ts';

const BASE = 'https://softphone.example.com/app/softphone/softphone.js';

test('English needs no file; another language loads its file beside the script', async () => {
  const asked: string[] = [];
  const importer = async (url: string) => {
    asked.push(url);
    return { messages: es };
  };
  assert.equal(await loadLocale('en_US', BASE, new CapturingLogger(), importer), 'en');
  assert.deepEqual(asked, []);
  assert.equal(await loadLocale('es_MX', BASE, new CapturingLogger(), importer), 'es');
  assert.deepEqual(asked, ['https://softphone.example.com/app/softphone/locale-es.js']);
  assert.equal(createTranslator('es').t('action.answer'), 'Contestar');
});

test('a missing or incomplete translation leaves the panel in English', async () => {
  const logger = new CapturingLogger();
  assert.equal(
    await loadLocale('ja', BASE, logger, async () => {
      throw new Error('404');
    }),
    'en',
  );
  assert.equal(await loadLocale('ja', BASE, logger, async () => ({ messages: { 'action.answer': '応答' } })), 'en');
  assert.equal(await loadLocale('ja', BASE, logger, async () => null), 'en');
  assert.equal(logger.find('warn').length, 3);
  assert.equal(createTranslator('ja').locale, 'en');
});
