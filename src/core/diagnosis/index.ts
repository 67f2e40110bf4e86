export * from './softphone-diagnosis.ts';
export * from './diagnosis-text.ts';
