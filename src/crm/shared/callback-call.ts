/**
 * Turns one callback-style library call into a promise: catches the synchronous throw of the
 * library's argument checks, bounds the wait on the Clock (a frame that never answers must not hang
 * a caller forever), and settles once.
 */
import type { Clock } from '../../core/index.ts';
import { thrownError, timeoutError } from './salesforce-error.ts';

export function callbackCall<R, T>(
  clock: Clock,
  timeoutMs: number,
  method: string,
  invoke: (callback: (response: R) => void) => void,
  read: (response: R) => T,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let cancel = (): void => {};
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      cancel();
      fn();
    };
    try {
      invoke((response) =>
        settle(() => {
          try {
            resolve(read(response));
          } catch (error) {
            reject(error);
          }
        }),
      );
    } catch (thrown) {
      settle(() => reject(thrownError(method, thrown)));
      return;
    }
    if (!settled) cancel = clock.setTimeout(() => settle(() => reject(timeoutError(method, timeoutMs))), timeoutMs);
  });
}

/** Runs a listener-registration call (no answer comes back); rejects on a synchronous throw. */
export function syncCall(method: string, invoke: () => void): Promise<void> {
  try {
    invoke();
    return Promise.resolve();
  } catch (thrown) {
    return Promise.reject(thrownError(method, thrown));
  }
}
