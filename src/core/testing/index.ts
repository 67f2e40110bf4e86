// Test doubles for the core's ports (pure: they need no DOM, no Node and no real time).
export * from './fake-clock.ts';
export * from './memory-storage.ts';
export * from './capturing-logger.ts';
export * from './recording-crm.ts';
