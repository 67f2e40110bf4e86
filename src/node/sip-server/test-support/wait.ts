/** Bounded waiting for tests: every wait has a deadline and says what it was waiting for. */

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    // A deadline alone must not keep a test file's process alive once its tests are done (a
    // far end still listening for calls would hold it for the whole wait).
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves when `check` returns a value other than undefined (polled on a short interval). */
export async function until<T>(check: () => T | undefined, what: string, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A queue of things that arrive asynchronously; `next` waits for the next one (bounded). */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private readonly waiters: Array<{ match: (item: T) => boolean; resolve: (item: T) => void }> = [];
  readonly seen: T[] = [];

  push(item: T): void {
    this.seen.push(item);
    const i = this.waiters.findIndex((w) => w.match(item));
    if (i !== -1) {
      const [w] = this.waiters.splice(i, 1);
      w.resolve(item);
      return;
    }
    this.items.push(item);
  }

  /** The next item (matching `match`), waiting at most `ms`. Skipped items stay queued. */
  next(what: string, match: (item: T) => boolean = () => true, ms = 3000): Promise<T> {
    const i = this.items.findIndex(match);
    if (i !== -1) return Promise.resolve(this.items.splice(i, 1)[0]);
    return withTimeout(new Promise<T>((resolve) => this.waiters.push({ match, resolve })), ms, what).catch((error: unknown) => {
      const idx = this.waiters.findIndex((w) => w.match === match);
      if (idx !== -1) this.waiters.splice(idx, 1);
      throw error;
    });
  }

  /** Items queued and not yet taken. */
  get queued(): readonly T[] {
    return this.items;
  }
}
