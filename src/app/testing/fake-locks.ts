/**
 * A behaving in-memory Web Locks manager, shared by the "tabs" of a test: a request waits in a FIFO
 * queue until it is grantable (exclusive: nobody holds the lock; shared: nobody holds it
 * exclusively), and nothing jumps the queue; the lock is held until the callback's promise
 * settles; `ifAvailable` calls the callback with null instead of waiting; an aborted `signal` takes
 * a waiting request out of the queue and rejects it with an AbortError; `steal` takes the lock from
 * its holders at once (their requests reject with an AbortError, as in browsers); `crash(tabId)`
 * drops every lock a tab holds or waits for, as closing the tab does.
 */
import type { LockManagerLike, LockRequestOptions } from '../leadership/leadership.ts';

type Mode = 'exclusive' | 'shared';

interface Waiter {
  readonly owner: string;
  readonly mode: Mode;
  readonly grant: () => void;
  readonly reject: (e: unknown) => void;
}

interface Holder {
  readonly owner: string;
  readonly mode: Mode;
  readonly release: () => void;
  readonly steal: () => void;
}

interface LockSlot {
  readonly holders: Holder[];
  readonly queue: Waiter[];
}

function abortError(message: string): DOMException {
  return new DOMException(message, 'AbortError');
}

export class FakeLockManager {
  private readonly slots = new Map<string, LockSlot>();

  /** The LockManagerLike one tab sees; `owner` names the tab (for crash()). */
  forTab(owner: string): LockManagerLike {
    return {
      request: <T>(name: string, options: LockRequestOptions, callback: (lock: unknown) => Promise<T> | T) => this.request(owner, name, options, callback),
    };
  }

  /** Who holds `name` now (the first holder of a shared lock). */
  holder(name: string): string | undefined {
    return this.slots.get(name)?.holders[0]?.owner;
  }

  /** Everyone who holds `name` now. */
  holders(name: string): string[] {
    return (this.slots.get(name)?.holders ?? []).map((h) => h.owner);
  }

  /** The tab is gone: its held locks are released and its queued requests vanish. */
  crash(owner: string): void {
    for (const [name, slot] of this.slots) {
      for (let i = slot.queue.length - 1; i >= 0; i--) if (slot.queue[i]!.owner === owner) slot.queue.splice(i, 1);
      for (const h of slot.holders.filter((x) => x.owner === owner)) h.release();
      this.next(name);
    }
  }

  private slot(name: string): LockSlot {
    let slot = this.slots.get(name);
    if (!slot) {
      slot = { holders: [], queue: [] };
      this.slots.set(name, slot);
    }
    return slot;
  }

  private grantable(slot: LockSlot, mode: Mode): boolean {
    if (mode === 'exclusive') return slot.holders.length === 0;
    return slot.holders.every((h) => h.mode === 'shared');
  }

  private request<T>(owner: string, name: string, options: LockRequestOptions, callback: (lock: unknown) => Promise<T> | T): Promise<T> {
    const slot = this.slot(name);
    const mode: Mode = options.mode ?? 'exclusive';
    if (options.signal?.aborted) return Promise.reject(abortError('The request was aborted.'));
    if (options.steal && options.ifAvailable) return Promise.reject(new DOMException('steal and ifAvailable together', 'NotSupportedError'));
    if (options.ifAvailable && (slot.queue.length > 0 || !this.grantable(slot, mode))) return Promise.resolve().then(() => callback(null));
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        fn();
      };
      const run = (): void => {
        let released = false;
        const release = (): void => {
          if (released) return;
          released = true;
          const i = slot.holders.indexOf(holder);
          if (i >= 0) slot.holders.splice(i, 1);
          this.next(name);
        };
        const holder: Holder = {
          owner,
          mode,
          release,
          // Taken away by a steal: gone at once, and the queue does not move (the thief holds it).
          steal: () => {
            released = true;
            finish(() => reject(abortError('The lock was stolen.')));
          },
        };
        slot.holders.push(holder);
        Promise.resolve()
          .then(() => callback({ name, mode }))
          .then(
            (value) => {
              release();
              finish(() => resolve(value));
            },
            (error: unknown) => {
              release();
              finish(() => reject(error));
            },
          );
      };
      if (options.steal) {
        for (const h of slot.holders.splice(0)) h.steal();
        run();
        return;
      }
      const waiter: Waiter = { owner, mode, grant: run, reject };
      options.signal?.addEventListener('abort', () => {
        const i = slot.queue.indexOf(waiter);
        if (i >= 0) {
          slot.queue.splice(i, 1);
          reject(abortError('The request was aborted.'));
        }
      });
      slot.queue.push(waiter);
      this.next(name);
    });
  }

  private next(name: string): void {
    const slot = this.slot(name);
    while (slot.queue.length > 0 && this.grantable(slot, slot.queue[0]!.mode)) slot.queue.shift()!.grant();
  }
}
