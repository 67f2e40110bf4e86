// The behaving in-memory phone system and the TelephonyPort connected to it (unit tests, demos).
export { FakePhoneSystem } from './fake-phone-system.ts';
export type { CallAgentOptions, FailableCommand, FakePhoneSystemOptions, FakeUser } from './fake-phone-system.ts';
export { FakeTelephony } from './fake-telephony.ts';
export type { FarEnd, FarEndBehaviour, PhoneCallStatus } from './far-end.ts';
