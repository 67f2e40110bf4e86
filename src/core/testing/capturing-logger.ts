/** A Logger that keeps every entry, for assertions. */
import type { LogLevel, Logger } from '../ports/logger.ts';

export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export class CapturingLogger implements Logger {
  readonly entries: LogEntry[] = [];

  log(level: LogLevel, message: string, data?: Readonly<Record<string, unknown>>): void {
    // Logged data must be JSON-serialisable (logger contract): fail the test at the call site if not.
    if (data !== undefined) JSON.stringify(data);
    this.entries.push({ level, message, ...(data !== undefined ? { data } : {}) });
  }

  /** Entries at `level` whose message contains `text`. */
  find(level: LogLevel, text = ''): LogEntry[] {
    return this.entries.filter((e) => e.level === level && e.message.includes(text));
  }

  clear(): void {
    this.entries.length = 0;
  }
}
