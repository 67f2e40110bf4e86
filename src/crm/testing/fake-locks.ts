/**
 * Web Locks (`navigator.locks`) for tests: one lock manager shared by the "tabs" of a test, with
 * `hold()` to play another tab sitting on a lock.
 */
import type { LockManagerLike } from '../shared/environment.ts';

export class FakeLockManager implements LockManagerLike {
  private readonly held = new Map<string, number>();
  private readonly waiters = new Map<string, (() => void)[]>();
  /** How many requests found the lock taken (ifAvailable) — proof of contention. */
  unavailable = 0;

  async request<T>(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<T> | T): Promise<T> {
    if (this.held.has(name)) {
      if (options.ifAvailable) {
        this.unavailable++;
        return callback(null);
      }
      await new Promise<void>((resolve) => this.waiters.set(name, [...(this.waiters.get(name) ?? []), resolve]));
    }
    const release = this.take(name);
    try {
      return await callback({ name, mode: 'exclusive' });
    } finally {
      release();
    }
  }

  /** Takes the lock as another tab would; call the returned function to let go. */
  hold(name: string): () => void {
    return this.take(name);
  }

  private take(name: string): () => void {
    this.held.set(name, (this.held.get(name) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held.delete(name);
      const next = this.waiters.get(name)?.shift();
      next?.();
    };
  }
}
