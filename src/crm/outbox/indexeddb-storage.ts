/**
 * `StoragePort` on IndexedDB: one object store of JSON values keyed by string.
 *
 * Durability: `set`/`update` resolve on the transaction's `complete` event, when the write is
 * committed (and, with `durability: 'strict'` where supported, flushed), so it survives a reload.
 * Atomicity across tabs: `update` reads and writes inside one `readwrite` transaction; IndexedDB
 * runs readwrite transactions with overlapping scopes one after another, across every connection
 * of the origin, so two tabs' updates of one key never interleave. `fn` MUST be synchronous (an
 * IndexedDB transaction commits when it has no pending requests).
 */
import { SwitchboardError, type JsonValue, type StoragePort } from '../../core/index.ts';

const STORE = 'kv';

export interface IndexedDbStorageOptions {
  /** Database name; one per app. */
  readonly name?: string;
  /** The IndexedDB factory (window.indexedDB by default). */
  readonly indexedDB?: IDBFactory;
}

function requestPromise<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

export class IndexedDbStorage implements StoragePort {
  private db?: Promise<IDBDatabase>;
  private readonly name: string;
  private readonly factory?: IDBFactory;

  constructor(options: IndexedDbStorageOptions = {}) {
    this.name = options.name ?? 'switchboard';
    this.factory = options.indexedDB ?? (typeof indexedDB !== 'undefined' ? indexedDB : undefined);
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const factory = this.factory;
      if (!factory) {
        reject(
          new SwitchboardError('SB90001', 'IndexedDB is not available in this browser context (private mode, or a sandboxed frame without allow-same-origin).'),
        );
        return;
      }
      const request = factory.open(this.name, 1);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE);
      };
      request.onsuccess = () => {
        const db = request.result;
        // Another tab upgrading the schema: let it, and reopen on next use.
        db.onversionchange = () => {
          db.close();
          this.db = undefined;
        };
        resolve(db);
      };
      request.onerror = () => reject(request.error ?? new Error(`cannot open IndexedDB '${this.name}'`));
      request.onblocked = () => reject(new SwitchboardError('SB90001', `IndexedDB '${this.name}' is blocked by another tab holding an old version.`));
    }).catch((error: unknown) => {
      this.db = undefined;
      throw error;
    });
    return this.db;
  }

  private async transaction<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T> | undefined | Promise<T>): Promise<T> {
    const db = await this.open();
    const tx = mode === 'readwrite' ? db.transaction(STORE, mode, { durability: 'strict' }) : db.transaction(STORE, mode);
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
    const pending = work(tx.objectStore(STORE));
    const result = pending instanceof Promise ? pending : pending ? requestPromise(pending) : Promise.resolve(undefined as T);
    // Attach the rejection handler of `result` now, so a failing request does not go unhandled while we wait for `done`.
    const [value] = await Promise.all([result, done]);
    return value;
  }

  async get(key: string): Promise<JsonValue | undefined> {
    return (await this.transaction('readonly', (store) => store.get(key) as IDBRequest<JsonValue | undefined>)) ?? undefined;
  }

  async set(key: string, value: JsonValue): Promise<void> {
    await this.transaction('readwrite', (store) => store.put(value, key));
  }

  async delete(key: string): Promise<void> {
    await this.transaction('readwrite', (store) => store.delete(key));
  }

  async keys(prefix: string): Promise<string[]> {
    // '\uffff' sorts after every character we use in keys: [prefix, prefix + '\uffff'] is "starts with prefix".
    const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
    const keys = await this.transaction('readonly', (store) => store.getAllKeys(range));
    return keys.filter((k): k is string => typeof k === 'string');
  }

  async update(key: string, fn: (current: JsonValue | undefined) => JsonValue | undefined): Promise<JsonValue | undefined> {
    return this.transaction(
      'readwrite',
      (store) =>
        new Promise<JsonValue | undefined>((resolve, reject) => {
          const read = store.get(key) as IDBRequest<JsonValue | undefined>;
          read.onerror = () => reject(read.error ?? new Error('IndexedDB read failed'));
          read.onsuccess = () => {
            let next: JsonValue | undefined;
            try {
              next = fn(read.result ?? undefined);
            } catch (error) {
              read.transaction?.abort();
              reject(error);
              return;
            }
            const write = next === undefined ? store.delete(key) : store.put(next, key);
            write.onerror = () => reject(write.error ?? new Error('IndexedDB write failed'));
            write.onsuccess = () => resolve(next);
          };
        }),
    );
  }

  /** Closes the connection (tests; a page being torn down). */
  async close(): Promise<void> {
    const db = await this.db?.catch(() => undefined);
    db?.close();
    this.db = undefined;
  }
}
