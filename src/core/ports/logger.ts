export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured logging. `data` MUST be JSON-serialisable and MUST NOT hold passwords or tokens. */
export interface Logger {
  log(level: LogLevel, message: string, data?: Readonly<Record<string, unknown>>): void;
}

export const silentLogger: Logger = { log: () => {} };
