/**
 * A StoragePort kept in a Map, for tests. Values are copied in and out through JSON, as a real store
 * would, so a caller cannot change stored data by mutating an object it passed or got back.
 * `failNext(op)` makes the next call of that operation reject, to test the callers' error paths.
 */
import type { JsonValue, StoragePort } from '../ports/storage.ts';

type Operation = 'get' | 'set' | 'delete' | 'keys' | 'update';

export class MemoryStorage implements StoragePort {
  private readonly data = new Map<string, string>();
  private readonly failures = new Map<Operation, Error>();

  constructor(initial: Readonly<Record<string, JsonValue>> = {}) {
    for (const [k, v] of Object.entries(initial)) this.data.set(k, JSON.stringify(v));
  }

  async get(key: string): Promise<JsonValue | undefined> {
    this.fail('get');
    const raw = this.data.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as JsonValue);
  }

  async set(key: string, value: JsonValue): Promise<void> {
    this.fail('set');
    this.data.set(key, JSON.stringify(value));
  }

  async delete(key: string): Promise<void> {
    this.fail('delete');
    this.data.delete(key);
  }

  async keys(prefix: string): Promise<string[]> {
    this.fail('keys');
    return [...this.data.keys()].filter((k) => k.startsWith(prefix));
  }

  async update(key: string, fn: (current: JsonValue | undefined) => JsonValue | undefined): Promise<JsonValue | undefined> {
    this.fail('update');
    // Read, transform and write without yielding: atomic with respect to every other call.
    const raw = this.data.get(key);
    const next = fn(raw === undefined ? undefined : (JSON.parse(raw) as JsonValue));
    if (next === undefined) this.data.delete(key);
    else this.data.set(key, JSON.stringify(next));
    return next;
  }

  /** Synchronous peek for assertions. */
  peek(key: string): JsonValue | undefined {
    const raw = this.data.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as JsonValue);
  }

  get size(): number {
    return this.data.size;
  }

  failNext(op: Operation, error: Error = new Error(`MemoryStorage: injected ${op} failure`)): void {
    this.failures.set(op, error);
  }

  private fail(op: Operation): void {
    const error = this.failures.get(op);
    if (error) {
      this.failures.delete(op);
      throw error;
    }
  }
}
