/**
 * What the fake `sforce` libraries share: the record of every call, and the failures a test
 * injects per method (fail, hang, throw).
 */
import type { SalesforceErrorItem } from '../shared/salesforce-error.ts';

export type Injection =
  { readonly kind: 'fail'; readonly errors: readonly SalesforceErrorItem[] } | { readonly kind: 'hang' } | { readonly kind: 'throw'; readonly message: string };

export interface SforceCall {
  readonly api: 'opencti' | 'interaction';
  readonly method: string;
  readonly args: readonly unknown[];
}

export interface SforceRecorder {
  /** Every call: which API, which method, the arguments as passed. */
  readonly calls: SforceCall[];
  /** Calls whose callback has not been answered (hung). */
  readonly hung: string[];
  /** Queues `injection` for the next call of `method` not yet given one. */
  inject(method: string, injection: Injection): void;
  enter(api: 'opencti' | 'interaction', method: string, args: readonly unknown[]): Injection | undefined;
}

export function createSforceRecorder(): SforceRecorder {
  const injections = new Map<string, Injection[]>();
  const calls: SforceCall[] = [];
  const hung: string[] = [];

  const take = (method: string): Injection | undefined => injections.get(method)?.shift();

  /** Runs an injected throw, then records the call. */
  function enter(api: 'opencti' | 'interaction', method: string, args: readonly unknown[]): Injection | undefined {
    calls.push({ api, method, args });
    const injection = take(method);
    if (injection?.kind === 'throw') throw new Error(injection.message);
    return injection;
  }

  return {
    calls,
    hung,
    inject(method, injection) {
      injections.set(method, [...(injections.get(method) ?? []), injection]);
    },
    enter,
  };
}
