/**
 * A behaving in-memory Web Locks manager (exclusive mode only), shared by the "tabs" of a test:
 * a request waits in a FIFO queue until the lock is free; the lock is held until the callback's
 * promise settles; `ifAvailable` calls the callback with null instead of waiting; an aborted
 * `signal` takes a waiting request out of the queue and rejects it with an AbortError; `crash(tabId)`
 * drops every lock a tab holds or waits for, as closing the tab does.
 */
import type { LockManagerLike } from '../leadership/leadership.ts';

interface Waiter {
  readonly owner: string;
  readonly grant: () => void;
  readonly reject: (e: unknown) => void;
}

interface LockSlot {
  holder?: { readonly owner: string; readonly release: () => void };
  readonly queue: Waiter[];
}

export class FakeLockManager {
  private readonly slots = new Map<string, LockSlot>();

  /** The LockManagerLike one tab sees; `owner` names the tab (for crash()). */
  forTab(owner: string): LockManagerLike {
    return {
      request: <T>(name: string, options: { mode?: 'exclusive'; ifAvailable?: boolean; signal?: AbortSignal }, callback: (lock: unknown) => Promise<T> | T) =>
        this.request(owner, name, options, callback),
    };
  }

  /** Who holds `name` now. */
  holder(name: string): string | undefined {
    return this.slots.get(name)?.holder?.owner;
  }

  /** The tab is gone: its held lock is released and its queued requests vanish. */
  crash(owner: string): void {
    for (const [name, slot] of this.slots) {
      for (let i = slot.queue.length - 1; i >= 0; i--) if (slot.queue[i]!.owner === owner) slot.queue.splice(i, 1);
      if (slot.holder?.owner === owner) {
        slot.holder = undefined;
        this.next(name);
      }
    }
  }

  private slot(name: string): LockSlot {
    let slot = this.slots.get(name);
    if (!slot) {
      slot = { queue: [] };
      this.slots.set(name, slot);
    }
    return slot;
  }

  private request<T>(owner: string, name: string, options: { ifAvailable?: boolean; signal?: AbortSignal }, callback: (lock: unknown) => Promise<T> | T): Promise<T> {
    const slot = this.slot(name);
    if (options.signal?.aborted) return Promise.reject(new DOMException('The request was aborted.', 'AbortError'));
    if (slot.holder || slot.queue.length) {
      if (options.ifAvailable) return Promise.resolve().then(() => callback(null));
    }
    return new Promise<T>((resolve, reject) => {
      const run = (): void => {
        let released = false;
        const release = (): void => {
          if (released) return;
          released = true;
          if (slot.holder?.release === release) slot.holder = undefined;
          this.next(name);
        };
        slot.holder = { owner, release };
        Promise.resolve()
          .then(() => callback({ name, mode: 'exclusive' }))
          .then((value) => { release(); resolve(value); }, (error: unknown) => { release(); reject(error); });
      };
      const waiter: Waiter = { owner, grant: run, reject };
      options.signal?.addEventListener('abort', () => {
        const i = slot.queue.indexOf(waiter);
        if (i >= 0) {
          slot.queue.splice(i, 1);
          reject(new DOMException('The request was aborted.', 'AbortError'));
        }
      });
      slot.queue.push(waiter);
      if (!slot.holder && slot.queue[0] === waiter) this.next(name);
    });
  }

  private next(name: string): void {
    const slot = this.slot(name);
    if (slot.holder) return;
    const waiter = slot.queue.shift();
    waiter?.grant();
  }
}
