/**
 * The connector's log in the browser: the last entries in memory (never storage), mirrored to the
 * console for the levels asked, downloadable from the panel's settings for support. The Logger
 * contract already forbids passwords in `data`; as a second line of defence, data keys that name a
 * secret are redacted at any depth, and SIP authentication header values (digest responses, nonces)
 * are masked in messages and data alike before anything is kept or mirrored.
 *
 * Memory is bounded by characters, not only by entries: sip.js hands every SIP message it sends
 * or receives to the logger at debug level (a REGISTER or an INVITE is 0.5–2 KB of text), so a
 * count-only ring of 2,000 entries held megabytes after a few hundred calls and made the panel's
 * heap climb for the whole shift. Two rings:
 * - notable entries (info, warn, error): at most `capacity` entries and `maxChars` characters;
 * - debug traces: at most `debugChars` characters, in a ring of their own so a burst of SIP
 *   traffic never pushes out the warnings that explain a problem.
 * Each entry is stored as text (data serialised at once), so a log line never keeps an object
 * (an error, a call) alive; a message longer than `maxEntryChars` is cut.
 */
import type { Logger, LogLevel } from '../../core/index.ts';
import { maskSipAuth } from './mask-sip-auth.ts';

export interface LogEntry {
  readonly at: number;
  readonly level: LogLevel;
  readonly message: string;
  /** The entry's data, redacted and serialised as JSON. */
  readonly data?: string;
}

export interface RingBufferLoggerOptions {
  /** Most notable (info and above) entries kept (default 500). */
  readonly capacity?: number;
  /** Most characters kept across notable entries (default 64 Ki). */
  readonly maxChars?: number;
  /** Most characters kept across debug entries (default 32 Ki). */
  readonly debugChars?: number;
  /** Longest message or data text kept; longer ones are cut (default 4,000). */
  readonly maxEntryChars?: number;
  /** Receives each mirrored entry as one line. */
  readonly mirror?: (level: LogLevel, line: string) => void;
  /** Levels mirrored (default all); lines for the others are never even formatted. */
  readonly mirrorLevels?: readonly LogLevel[];
}

const SECRET_KEY = /pass(word)?|secret|token|authorization|credential/i;

/** JSON.stringify replacer: secret keys at any depth are redacted, SIP auth values in strings masked. */
function redact(key: string, value: unknown): unknown {
  if (key !== '' && SECRET_KEY.test(key)) return '[redacted]';
  return typeof value === 'string' ? maskSipAuth(value) : value;
}

/**
 * A copy of the first `max` characters that does not keep the original alive (a plain slice of a
 * long string may be a view into it).
 */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  return (JSON.parse(JSON.stringify(text.slice(0, max))) as string) + ' …[cut]';
}

function serialise(data: Readonly<Record<string, unknown>>): string {
  try {
    return JSON.stringify(data, redact);
  } catch {
    return '[unserialisable data]';
  }
}

/** A FIFO of entries bounded by count and by characters. */
class Ring {
  private entries: LogEntry[] = [];
  private chars = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxChars: number,
  ) {}

  push(entry: LogEntry): void {
    this.entries.push(entry);
    this.chars += size(entry);
    let drop = 0;
    while (this.entries.length - drop > 1 && (this.entries.length - drop > this.maxEntries || this.chars > this.maxChars)) {
      this.chars -= size(this.entries[drop]!);
      drop++;
    }
    if (drop) this.entries = this.entries.slice(drop);
  }

  list(): readonly LogEntry[] {
    return this.entries;
  }
}

function size(entry: LogEntry): number {
  return entry.message.length + (entry.data?.length ?? 0);
}

export class RingBufferLogger implements Logger {
  private readonly notable: Ring;
  private readonly debug: Ring;
  private readonly maxEntryChars: number;
  private readonly mirror: ((level: LogLevel, line: string) => void) | undefined;
  private readonly mirrored: ReadonlySet<LogLevel>;

  constructor(
    private readonly now: () => number,
    options: RingBufferLoggerOptions = {},
  ) {
    this.notable = new Ring(options.capacity ?? 500, options.maxChars ?? 64 * 1024);
    this.debug = new Ring(Number.POSITIVE_INFINITY, options.debugChars ?? 32 * 1024);
    this.maxEntryChars = options.maxEntryChars ?? 4000;
    this.mirror = options.mirror;
    this.mirrored = new Set(options.mirrorLevels ?? ['debug', 'info', 'warn', 'error']);
  }

  log(level: LogLevel, message: string, data?: Readonly<Record<string, unknown>>): void {
    const entry: LogEntry = {
      at: this.now(),
      level,
      message: cut(maskSipAuth(message), this.maxEntryChars),
      ...(data ? { data: cut(serialise(data), this.maxEntryChars) } : {}),
    };
    (level === 'debug' ? this.debug : this.notable).push(entry);
    if (this.mirror && this.mirrored.has(level)) this.mirror(level, format(entry));
  }

  /** Every kept entry, oldest first (both rings, merged by time). */
  snapshot(): readonly LogEntry[] {
    const a = this.notable.list();
    const b = this.debug.list();
    const out: LogEntry[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (j >= b.length || (i < a.length && a[i]!.at <= b[j]!.at)) out.push(a[i++]!);
      else out.push(b[j++]!);
    }
    return out;
  }

  /** The log as text, one line per entry. */
  text(): string {
    return this.snapshot().map(format).join('\n') + '\n';
  }
}

function format(entry: LogEntry): string {
  return `${new Date(entry.at).toISOString()} ${entry.level.toUpperCase()} ${entry.message}${entry.data ? ` ${entry.data}` : ''}`;
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
