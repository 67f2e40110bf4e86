// The sign-in form's de translation as its own small file, loaded only for agents whose locale is de.
export { de as messages } from '../../ui/i18n/messages-de.ts';
