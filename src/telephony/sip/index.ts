/** The SIP adapter (sip.js over WebSocket, WebRTC media) behind TelephonyPort. */
export { createSipTelephony } from './sip-telephony.ts';
export type { SipTelephony, SipTelephonyEvents, SipTelephonyOptions } from './sip-telephony.ts';
export type { AudioControl, AudioSelection } from './audio-control.ts';
export type { BackoffPolicy, RandomSource } from './backoff.ts';
export { DEFAULT_BACKOFF, backoffDelay } from './backoff.ts';
export type { RegistrationOptions } from './registration.ts';
export { normalizeDialTarget, loadPhoneNumbers, type DialTarget, type DialingRules } from './number-normalizer.ts';
export { estimateMos } from './mos.ts';
export { browserClock } from './browser-clock.ts';
