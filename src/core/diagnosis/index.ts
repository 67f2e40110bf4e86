export * from './softphone-diagnosis.ts';
export * from './diagnosis-text.ts';
export * from './sip-websocket-probe.ts';
