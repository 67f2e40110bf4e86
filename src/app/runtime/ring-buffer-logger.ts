/**
 * The connector's log in the browser: the last N entries in memory (never storage), mirrored to the
 * console for warnings and errors, downloadable from the panel's settings for support. The Logger
 * contract already forbids passwords in `data`; `redact` is a second line of defence.
 */
import type { Logger, LogLevel } from '../../core/index.ts';

export interface LogEntry {
  readonly at: number;
  readonly level: LogLevel;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

const SECRET_KEY = /pass(word)?|secret|token|authorization|credential/i;

function redact(data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) out[key] = SECRET_KEY.test(key) ? '[redacted]' : value;
  return out;
}

export class RingBufferLogger implements Logger {
  private readonly entries: LogEntry[] = [];

  constructor(
    private readonly now: () => number,
    private readonly capacity = 2000,
    private readonly mirror: ((level: LogLevel, line: string) => void) | undefined = undefined,
  ) {}

  log(level: LogLevel, message: string, data?: Readonly<Record<string, unknown>>): void {
    const entry: LogEntry = { at: this.now(), level, message, ...(data ? { data: redact(data) } : {}) };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    this.mirror?.(level, format(entry));
  }

  snapshot(): readonly LogEntry[] {
    return [...this.entries];
  }

  /** The log as text, one line per entry. */
  text(): string {
    return this.entries.map(format).join('\n') + '\n';
  }
}

function format(entry: LogEntry): string {
  let data = '';
  if (entry.data) {
    try {
      data = ` ${JSON.stringify(entry.data)}`;
    } catch {
      data = ' [unserialisable data]';
    }
  }
  return `${new Date(entry.at).toISOString()} ${entry.level.toUpperCase()} ${entry.message}${data}`;
}

/** Saves the log as a file through a temporary link (browser only). */
export function downloadText(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
