export * from './voice-crm.ts';
export * from './voice-connector.ts';
export * from './voice-settings.ts';
export { toPhoneCall } from './phone-call.ts';
