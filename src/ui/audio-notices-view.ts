/**
 * What the panel says about the agent's audio (`PanelAudio.notices`). Pure, like the view model.
 *
 * Banners, shown above every tab, are the problems that cost calls or sound now: a ringer the
 * browser keeps silent (with the button that fixes it) and an output device that refused to play.
 * A saved device that is not connected is said in Settings, beside its choice: the system default
 * plays meanwhile and the choice comes back with the device.
 */
import type { AudioNotice, AudioRole } from '../core/index.ts';
import type { MessageKey, Translator } from './i18n/i18n.ts';

export interface AudioNoticeText {
  readonly key: MessageKey;
  /** The device's label for the `{device}` placeholder; '' when the browser has not named it (before microphone permission). */
  readonly device?: string;
}

export interface AudioBanner {
  /** The same while the same problem lasts, so a dismissed banner stays hidden until another one comes. */
  readonly id: string;
  readonly text: AudioNoticeText;
  /** `enable-sound`: the banner's button calls `PanelAudio.enableSound` (the click is the user gesture it needs). */
  readonly action: 'enable-sound' | 'dismiss';
}

export function audioBanners(notices: readonly AudioNotice[]): AudioBanner[] {
  const banners: AudioBanner[] = [];
  for (const notice of notices) {
    if (notice.kind === 'ringer-blocked') banners.push({ id: 'ringer-blocked', text: { key: 'audio.ringerBlocked' }, action: 'enable-sound' });
    else if (notice.kind === 'output-failed') {
      banners.push({
        id: `output-failed:${notice.role}:${notice.label}`,
        text: { key: notice.role === 'ringer' ? 'audio.ringerDeviceFailed' : 'audio.speakerDeviceFailed', device: notice.label },
        action: 'dismiss',
      });
    }
  }
  return banners;
}

/** Per role, the saved device that is not connected (Settings shows it under that role's choice). */
export function missingDevices(notices: readonly AudioNotice[]): Partial<Record<AudioRole, AudioNoticeText>> {
  const missing: Partial<Record<AudioRole, AudioNoticeText>> = {};
  for (const notice of notices) {
    if (notice.kind === 'device-missing') missing[notice.role] = { key: 'audio.deviceMissing', device: notice.label };
  }
  return missing;
}

/** A notice's text in the agent's language, naming the device as the browser does (or "the chosen device" before it names any). */
export function audioNoticeText(t: Translator, text: AudioNoticeText): string {
  return t.t(text.key, text.device === undefined ? undefined : { device: text.device || t.t('audio.unnamedDevice') });
}
