/**
 * A small benchmark of the embedded server with real sip.js UAs in Node (no media):
 * registration time, INVITE -> callee onInvite, INVITE -> caller established, and sequential calls
 * per second. Run: `node scripts/in-netns.mjs tsx src/node/sip-server/bench-calls.ts [calls]`.
 * Prints figures; asserts nothing (benchmarks never gate the test suite).
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { fixture } from './test-support/fixture.ts';

export interface CallBenchResult {
  readonly calls: number;
  readonly registerMs: number;
  readonly toInviteMs: { readonly median: number; readonly p95: number };
  readonly toEstablishedMs: { readonly median: number; readonly p95: number };
  readonly callsPerSecond: number;
  readonly rssMiB: number;
}

function quantiles(values: number[]): { median: number; p95: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: Math.round(at(0.5) * 100) / 100, p95: Math.round(at(0.95) * 100) / 100 };
}

export async function benchCalls(calls = 50): Promise<CallBenchResult> {
  const f = await fixture();
  try {
    const t0 = performance.now();
    const [a, b] = await Promise.all([f.phone('1001'), f.phone('1002')]);
    const registerMs = performance.now() - t0;
    const toInvite: number[] = [];
    const toEstablished: number[] = [];
    const start = performance.now();
    for (let i = 0; i < calls; i++) {
      const t = performance.now();
      const { inviter, outcome } = a.call('1002');
      const invitation = await b.invitations.next('INVITE');
      toInvite.push(performance.now() - t);
      await invitation.accept();
      await outcome;
      toEstablished.push(performance.now() - t);
      await inviter.bye();
      await b.byes.next('BYE');
    }
    const seconds = (performance.now() - start) / 1000;
    return {
      calls,
      registerMs: Math.round(registerMs * 100) / 100,
      toInviteMs: quantiles(toInvite),
      toEstablishedMs: quantiles(toEstablished),
      callsPerSecond: Math.round((calls / seconds) * 10) / 10,
      rssMiB: Math.round(process.memoryUsage().rss / 1048576),
    };
  } finally {
    await f.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchCalls(Number(process.argv[2] ?? 50)).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
