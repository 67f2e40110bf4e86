/**
 * The agent's recent calls (the panel's History), kept per extension where the host says (the
 * softphone page: the tab's sessionStorage), so a reload of the tab shows them again. Writes are queued one after the other
 * (the newest list wins); a record that does not read back as a call is dropped, not shown.
 */
import type { CallSnapshot } from '../call/call.ts';
import type { Logger } from '../ports/logger.ts';
import type { JsonValue, StoragePort } from '../ports/storage.ts';

const PREFIX = 'history:';

export class CallHistory {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: StoragePort | undefined,
    private readonly logger: Logger,
    private readonly limit: number,
  ) {}

  /** The extension's recent calls, newest first (empty when none, unreadable, or nowhere kept). */
  async load(extension: string): Promise<CallSnapshot[]> {
    if (!this.storage) return [];
    try {
      const stored = await this.storage.get(PREFIX + extension);
      return Array.isArray(stored) ? stored.filter(isCallSnapshot).slice(0, this.limit) : [];
    } catch (error) {
      this.logger.log('warn', 'could not read the call history', { error: String(error) });
      return [];
    }
  }

  save(extension: string, recent: readonly CallSnapshot[]): void {
    const storage = this.storage;
    if (!storage) return;
    const value = JSON.parse(JSON.stringify(recent.slice(0, this.limit))) as JsonValue;
    this.chain = this.chain
      .then(() => storage.set(PREFIX + extension, value))
      .catch((error: unknown) => this.logger.log('warn', 'could not keep the call history', { error: String(error) }));
  }

  /** Resolves once every save so far is written (tests, shutdown). */
  flushed(): Promise<void> {
    return this.chain;
  }
}

/** Newest first, each call once: `current` (this page's) before `stored` (an earlier page's). */
export function mergeHistory(current: readonly CallSnapshot[], stored: readonly CallSnapshot[], limit: number): CallSnapshot[] {
  const seen = new Set<string>();
  const out: CallSnapshot[] = [];
  for (const c of [...current, ...stored]) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    out.push(c);
  }
  return out.sort((a, b) => endOf(b) - endOf(a)).slice(0, limit);
}

function endOf(c: CallSnapshot): number {
  return c.timestamps.closed ?? c.timestamps.ended ?? c.timestamps.offered;
}

function isCallSnapshot(value: JsonValue): value is JsonValue & CallSnapshot {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, JsonValue>;
  const ts = v['timestamps'];
  const remote = v['remote'];
  return (
    typeof v['id'] === 'string' &&
    typeof v['state'] === 'string' &&
    typeof v['direction'] === 'string' &&
    typeof ts === 'object' &&
    ts !== null &&
    !Array.isArray(ts) &&
    typeof (ts as Record<string, JsonValue>)['offered'] === 'number' &&
    typeof remote === 'object' &&
    remote !== null &&
    !Array.isArray(remote) &&
    typeof (remote as Record<string, JsonValue>)['number'] === 'string' &&
    Array.isArray(v['timeline']) &&
    typeof v['relations'] === 'object'
  );
}
