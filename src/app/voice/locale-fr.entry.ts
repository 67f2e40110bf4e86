// The sign-in form's fr translation as its own small file, loaded only for agents whose locale is fr.
export { fr as messages } from '../../ui/i18n/messages-fr.ts';
