/**
 * A `StoragePort` in memory, for tests and for the fakes. Values are copied with structuredClone on
 * the way in and out, as IndexedDB does, so a caller can never mutate what is stored.
 * Two outbox instances sharing one MemoryStorage behave like two tabs sharing one IndexedDB.
 */
import type { JsonValue, StoragePort } from '../../core/index.ts';

function copy<T extends JsonValue | undefined>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

export class MemoryStorage implements StoragePort {
  private readonly data = new Map<string, JsonValue>();

  async get(key: string): Promise<JsonValue | undefined> {
    return copy(this.data.get(key));
  }

  async set(key: string, value: JsonValue): Promise<void> {
    this.data.set(key, copy(value));
  }

  async delete(key: string): Promise<void> {
    this.data.delete(key);
  }

  async keys(prefix: string): Promise<string[]> {
    return [...this.data.keys()].filter((k) => k.startsWith(prefix));
  }

  /** Atomic: read, transform and write happen in one synchronous step. */
  async update(key: string, fn: (current: JsonValue | undefined) => JsonValue | undefined): Promise<JsonValue | undefined> {
    const next = fn(copy(this.data.get(key)));
    if (next === undefined) this.data.delete(key);
    else this.data.set(key, copy(next));
    return copy(next);
  }

  get size(): number {
    return this.data.size;
  }
}
