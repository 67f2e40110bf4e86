/**
 * The outbox's timing rules: how long an attempt may take before it counts as timed out, and when a
 * failed attempt is tried again. Both run on the injected Clock so tests and the emulator control time.
 */
import type { Clock } from '../../core/index.ts';
import { SalesforceApiError, timeoutError } from '../shared/salesforce-error.ts';

export interface Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Capped exponential backoff with ±20 % jitter (so tabs and reloads do not retry in step). */
export function retryDelay(attempts: number, backoff: Backoff, random: () => number): number {
  const { baseMs, maxMs } = backoff;
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(raw * (0.8 + 0.4 * random()));
}

/** `work`, or a timeout error (`SalesforceApiError` of kind 'timeout') once `timeoutMs` passed without an answer. */
export function withDeadline<T>(clock: Clock, method: string, timeoutMs: number, work: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const cancel = clock.setTimeout(() => {
      if (settled) return;
      settled = true;
      reject(timeoutError(method, timeoutMs));
    }, timeoutMs);
    work.then(
      (value) => {
        if (settled) return;
        settled = true;
        cancel();
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        cancel();
        reject(error);
      },
    );
  });
}

export function isTimeout(error: unknown): boolean {
  return error instanceof SalesforceApiError && error.kind === 'timeout';
}
