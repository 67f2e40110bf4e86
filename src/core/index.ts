// The domain core's public surface.
export * from './events/emitter.ts';
export * from './errors/catalog.ts';
export * from './ports/clock.ts';
export * from './ports/logger.ts';
export * from './ports/storage.ts';
export * from './ports/telephony-port.ts';
export * from './ports/crm-port.ts';
export * from './credentials/minted-credentials.ts';
export * from './call/call-types.ts';
export * from './call/call-state.ts';
export * from './call/call.ts';
export * from './presence/presence.ts';
export * from './settings/connector-settings.ts';
export * from './engine/commands.ts';
export * from './engine/engine-state.ts';
export * from './engine/connector-engine.ts';
