/**
 * The few browser objects the bridges touch, as narrow interfaces, so the bridges run in Node tests
 * against `src/crm/testing/fake-window.ts` and in the browser against the real `window`/`document`.
 */
import type { Clock, Logger } from '../../core/index.ts';

export interface ScriptElementLike {
  src: string;
  async: boolean;
  onload: ((this: unknown, ev: unknown) => unknown) | null;
  onerror: ((this: unknown, ev: unknown) => unknown) | null;
}

export interface DocumentLike {
  createElement(tag: 'script'): ScriptElementLike;
  readonly head: { appendChild(node: ScriptElementLike): unknown } | null;
}

/** What an `error` event on window carries that we read. */
export interface ErrorEventLike {
  readonly message?: string;
  readonly filename?: string;
  readonly error?: unknown;
}

export interface WindowLike {
  readonly location: { readonly search: string; readonly protocol: string };
  /** Set by the Open CTI library once loaded; read only through the type guards. */
  readonly sforce?: unknown;
  addEventListener(type: 'error', listener: (event: ErrorEventLike) => void): void;
  removeEventListener(type: 'error', listener: (event: ErrorEventLike) => void): void;
}

export interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<T> | T): Promise<T>;
}

export interface BridgeDependencies {
  readonly window: WindowLike;
  readonly document: DocumentLike;
  readonly clock: Clock;
  readonly logger: Logger;
}
