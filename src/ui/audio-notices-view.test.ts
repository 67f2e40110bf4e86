import { test } from 'node:test';
import assert from 'node:assert/strict';
import { audioBanners, audioNoticeText, missingDevices } from './audio-notices-view.ts';
import { createTranslator } from './i18n/i18n.ts';
import { registerAllLocales } from './i18n/locales.ts';

test('a silent ringer and a refusing device are banners; a missing device is said in Settings', () => {
  const notices = [
    { kind: 'ringer-blocked' },
    { kind: 'output-failed', role: 'ringer', label: 'HDMI Display' },
    { kind: 'device-missing', role: 'microphone', label: '' },
  ] as const;
  assert.deepEqual(audioBanners(notices), [
    { id: 'ringer-blocked', text: { key: 'audio.ringerBlocked' }, action: 'enable-sound' },
    { id: 'output-failed:ringer:HDMI Display', text: { key: 'audio.ringerDeviceFailed', device: 'HDMI Display' }, action: 'dismiss' },
  ]);
  assert.deepEqual(missingDevices(notices), { microphone: { key: 'audio.deviceMissing', device: '' } });
  assert.deepEqual(audioBanners([]), []);
});

test('the notices read in every language, naming the device, or "the chosen device" before the browser names it', () => {
  registerAllLocales();
  const en = createTranslator('en');
  assert.equal(
    audioNoticeText(en, { key: 'audio.ringerDeviceFailed', device: 'HDMI Display' }),
    'The ringer could not play on HDMI Display; it rings on the system default output.',
  );
  assert.equal(
    audioNoticeText(en, { key: 'audio.deviceMissing', device: '' }),
    'Not connected: the chosen device. The system default is used until it is back.',
  );
  assert.equal(en.t('audio.enableRinger'), 'Enable ringer sound');
  for (const locale of ['de', 'fr', 'es', 'ja'] as const) {
    const t = createTranslator(locale);
    assert.notEqual(t.t('audio.enableRinger'), 'Enable ringer sound', locale);
    assert.ok(audioNoticeText(t, { key: 'audio.speakerDeviceFailed', device: 'USB' }).includes('USB'), locale);
  }
});
