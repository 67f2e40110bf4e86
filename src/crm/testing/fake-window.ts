/**
 * A `window`/`document` pair just big enough for the bridges' loader: a URL (search, protocol),
 * `error` event listeners, `sforce`, and script tags whose "loading" runs a function the test gives
 * (install a fake library, throw like a failing library, fail like a network error, or never finish).
 */
import type { DocumentLike, ErrorEventLike, ScriptElementLike, WindowLike } from '../shared/environment.ts';

export type ScriptBehaviour =
  /** The script runs `run(window)`; a throw inside becomes a window error event, as in a browser. */
  { readonly kind: 'run'; readonly run: (win: FakeWindow) => void } | { readonly kind: 'network-error' } | { readonly kind: 'never' };

export interface FakeWindow extends WindowLike {
  sforce?: unknown;
  readonly location: { readonly search: string; readonly protocol: string };
  /** Dispatches an `error` event (what a throwing script does). */
  dispatchError(event: ErrorEventLike): void;
}

export interface FakeBrowser {
  readonly window: FakeWindow;
  readonly document: DocumentLike;
  /** `src` of every script appended, in order. */
  readonly scripts: string[];
}

export function createFakeBrowser(options: {
  readonly search: string;
  readonly protocol?: string;
  readonly onScript: (src: string) => ScriptBehaviour;
}): FakeBrowser {
  const listeners = new Set<(event: ErrorEventLike) => void>();
  const scripts: string[] = [];
  const win: FakeWindow = {
    location: { search: options.search, protocol: options.protocol ?? 'https:' },
    addEventListener: (_type, listener) => listeners.add(listener),
    removeEventListener: (_type, listener) => listeners.delete(listener),
    dispatchError: (event) => {
      for (const l of [...listeners]) l(event);
    },
  };
  const document: DocumentLike = {
    createElement: () => ({ src: '', async: false, onload: null, onerror: null }),
    head: {
      appendChild: (node: ScriptElementLike) => {
        scripts.push(node.src);
        const behaviour = options.onScript(node.src);
        // Scripts load asynchronously, after the current task.
        setTimeout(() => {
          if (behaviour.kind === 'never') return;
          if (behaviour.kind === 'network-error') {
            node.onerror?.call(node, {});
            return;
          }
          try {
            behaviour.run(win);
          } catch (thrown) {
            win.dispatchError({ message: `Uncaught ${thrown instanceof Error ? thrown.message : String(thrown)}`, filename: node.src, error: thrown });
          }
          node.onload?.call(node, {});
        }, 0);
        return node;
      },
    },
  };
  return { window: win, document, scripts };
}
