/**
 * Durable key-value storage (IndexedDB in the browser, a file or SQLite in Node, a Map in tests).
 * Used for the call-log outbox and for recovery after a reload.
 *
 * Contract: a `set` whose promise resolved MUST survive a reload of the page; values are
 * JSON-serialisable; `keys(prefix)` returns every key that starts with `prefix`, in any order.
 * `update` MUST be atomic with respect to other `update`s on the same key from any tab.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface StoragePort {
  get(key: string): Promise<JsonValue | undefined>;
  set(key: string, value: JsonValue): Promise<void>;
  delete(key: string): Promise<void>;
  keys(prefix: string): Promise<string[]>;
  /** Reads, transforms and writes one key atomically; `undefined` from `fn` deletes the key. */
  update(key: string, fn: (current: JsonValue | undefined) => JsonValue | undefined): Promise<JsonValue | undefined>;
}
