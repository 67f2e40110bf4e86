/** The embedded SIP-over-WebSocket server: public surface. */
export { startSipServer } from './server.ts';
export type { SipServer, SipServerOptions, SipServerEvents, SipServerStats, RegistrationInfo, DialogInfo, QueueInfo } from './types.ts';
export type { CallQueueOptions, QueueStrategy, QueueEvent } from './call-queue.ts';
export { loadUsersFile, parseUsers, type SipUser, type UsersDocument } from './users.ts';
export { ephemeralPassword, parseEphemeralUsername, MIN_SECRET_LENGTH, type EphemeralUsername } from './ephemeral-credentials.ts';
export { summarisePidf, isAvailablePidf, type PidfSummary } from './presence-store.ts';
export type { DialogState } from './dialog-tracker.ts';
export { ECHO_EXTENSION } from './echo-extension.ts';
