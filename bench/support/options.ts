/**
 * How much `npm run bench` measures: its command-line options and the fixed call counts of its
 * phases. The phases that place the calls and the figures that name them in their labels read the
 * same numbers, so they are defined once, here.
 */

function option(name: string, fallback: number, min = 1): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < min) throw new Error(`--${name} needs a positive integer, got '${process.argv[i + 1] ?? ''}'`);
  return v;
}
export const ROUNDS = option('rounds', 7);
export const POP_CALLS = option('pop-calls', 200);
export const WARMUP = 20;
export const RINGING_CALLS = option('ringing-calls', 50);
export const RELOADS = option('reloads', 20);
/** Calls after which ours is read again for the leak check without V8's compile-time growth (context row). */
export const SETTLE_CALLS = 100;
export const GAP_MS = option('gap-ms', 250, 0);
export const BACK_TO_BACK_CALLS = 100;
export const PROFILE_CALLS = 40;
export const E2E_CALLS = option('e2e-calls', 100);
/** Ours goes on alone to this many calls for the leak check (at least the calls of the phases before it). */
export const LEAK_CALLS = Math.max(option('leak-calls', 1000), WARMUP + POP_CALLS + E2E_CALLS + BACK_TO_BACK_CALLS + PROFILE_CALLS);
