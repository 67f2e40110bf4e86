/** The Clock port on the browser's own timers, for composition roots (the app, the customer phone). */
import type { Clock } from '../../core/index.ts';

export const browserClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const id = globalThis.setTimeout(fn, ms);
    return () => globalThis.clearTimeout(id);
  },
};
