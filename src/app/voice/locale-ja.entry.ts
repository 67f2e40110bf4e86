// The sign-in form's ja translation as its own small file, loaded only for agents whose locale is ja.
export { ja as messages } from '../../ui/i18n/messages-ja.ts';
