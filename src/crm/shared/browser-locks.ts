/** `navigator.locks` when this browser context has Web Locks (not in every sandboxed frame). */
import type { LockManagerLike } from './environment.ts';

export function browserLocks(): LockManagerLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: unknown } }).navigator;
  const locks = nav?.locks as { request?: unknown } | undefined;
  return locks && typeof locks.request === 'function' ? (locks as LockManagerLike) : undefined;
}
