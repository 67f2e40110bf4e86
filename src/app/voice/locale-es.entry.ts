// The sign-in form's es translation as its own small file, loaded only for agents whose locale is es.
export { es as messages } from '../../ui/i18n/messages-es.ts';
