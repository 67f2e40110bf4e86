// The softphone panel's public surface: the host contract, the panel element, and the pure view logic.
export type { PanelHost, PanelAudio, AudioSelection, LeadershipInfo } from './panel-host.ts';
export { SbPanel } from './components/switchboard-panel.ts';
export {
  createTranslator,
  pickLocale,
  registerMessages,
  isMessages,
  LOCALE_TAGS,
  type Locale,
  type Translator,
  type MessageKey,
  type Messages,
} from './i18n/i18n.ts';
export { formatDuration } from './format/duration.ts';
export { formatAsYouType, displayNumber, dialable } from './format/phone-format.ts';
export { panelView, shortcutCommand, type PanelView, type CallView } from './view-model.ts';
export { unsavedLogsView, utilityLabel, type UnsavedLogsView, type UnsavedLogView } from './unsaved-logs-view.ts';
