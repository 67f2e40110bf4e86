/**
 * The server's in-memory record of every Open CTI call the console served (GET /emulator/api/console/log),
 * and under Salesforce Voice (surface 'voice') every message between the console and the connector.
 */
export interface ConsoleLogEntry {
  readonly method: string;
  readonly args: unknown;
  readonly at: number;
  readonly surface: 'lightning' | 'classic' | 'voice';
  readonly userId?: string;
  readonly success?: boolean;
}

export class ConsoleEventLog {
  private readonly entries: ConsoleLogEntry[] = [];

  constructor(private readonly limit = 5000) {}

  add(entry: ConsoleLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
  }

  list(since = 0): readonly ConsoleLogEntry[] {
    return this.entries.filter((e) => e.at >= since);
  }

  clear(): void {
    this.entries.length = 0;
  }
}
