export { startVoiceBridge, DEFAULT_BRIDGE_PORT, type VoiceBridge, type VoiceBridgeOptions } from './bridge-server.ts';
export { ScrtClient, ScrtError, apiBase, type ScrtClientOptions, type CreateVoiceCall, type UpdateVoiceCall } from './scrt-client.ts';
export { loadPrivateKey, parsePrivateKey, KeyError, KEY_ENV } from './private-key.ts';
export { signScrtToken, SCRT_AUDIENCE, TOKEN_LIFETIME_S } from './scrt-token.ts';
export { generateKeyPair, ensureKeyPair, KEY_FILE, CERT_FILE } from './keygen.ts';
export { pinnedFetch, type FetchLike, type PinnedFetchOptions } from './pinned-fetch.ts';
export { jsonLineLogger } from './json-logger.ts';
