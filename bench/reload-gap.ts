/**
 * Benchmark: the media gap when the agent's console reloads mid-call, p50/p95 over N
 * reloads (default 20), as `npm start` runs the product: the embedded SIP server, the console
 * emulator on Salesforce-shaped origins, headless Chromium, a browser customer phone as far end.
 *
 * Gap = `page.reload()` called → inbound audio on a peer connection made after that instant has
 * started on both sides (the agent's new page and the customer's phone). Baseline, same run and
 * same probe: a fresh call's media setup, Answer clicked → audio both ways. The panel-back figure
 * is the reload → the Hang up button shown again. Calls take RELOADS_PER_CALL reloads in a row
 * each, then the agent hangs up and saves the wrap-up; every call must be logged by exactly one
 * Task or the bench fails (a fast reload that loses the call is not a figure).
 *
 * Run alone: npm run build && node scripts/in-netns.mjs tsx bench/reload-gap.ts [reloads]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import {
  CALLERS,
  openAgentConsole,
  openCustomerPhone,
  startHarness,
  tasksFor,
  waitRegistered,
  waitUntil,
  type AgentConsole,
  type Harness,
} from '../test/e2e/harness.ts';
import { percentile, round2 } from './support/measure.ts';
import { PEER_CONNECTION_PROBE, audioBytesSince } from '../test/support/peer-audio.ts';

const RELOADS_PER_CALL = 5;
/** Talk time between two reloads of a call (the journal and the dialog settle as in real use). */
const TALK_MS = 1500;
const POLL_MS = 25;

export interface ReloadGapFigures {
  readonly reloads: number;
  readonly gapMs: { readonly p50: number; readonly p95: number; readonly min: number; readonly max: number; readonly all: readonly number[] };
  readonly panelBackMs: { readonly p50: number; readonly p95: number };
  /** Baseline: Answer → audio both ways on a fresh call, same probe. */
  readonly freshCallMediaMs: { readonly p50: number; readonly p95: number; readonly all: readonly number[] };
  readonly calls: number;
  readonly tasksPerCall: readonly number[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function softphoneFrame(page: Page): Frame | undefined {
  return page.frames().find((f) => /\/softphone\//.test(f.url()));
}

/** Resolves with the epoch ms at which `read` first returned more than zero (polled every POLL_MS). */
async function firstAudio(read: () => Promise<number>, timeoutMs: number, what: string): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await read()) > 0) return Date.now();
    if (Date.now() > deadline) throw new Error(`no audio within ${timeoutMs} ms: ${what}`);
    await sleep(POLL_MS);
  }
}

export async function runReloadGapBench(reloads = 20, log: (m: string) => void = () => {}): Promise<ReloadGapFigures> {
  const h: Harness = await startHarness();
  const gaps: number[] = [];
  const panelBack: number[] = [];
  const fresh: number[] = [];
  const tasksPerCall: number[] = [];
  try {
    const context = await h.browser.newContext({ ignoreHTTPSErrors: true });
    await context.addInitScript(PEER_CONNECTION_PROBE);
    const agent: AgentConsole = await openAgentConsole(h, { context });
    await waitRegistered(h);
    const customer = await openCustomerPhone(h, CALLERS.ada);
    await customer.evaluate(PEER_CONNECTION_PROBE);
    const agentBytes = async (since: number): Promise<number> => {
      try {
        return ((await softphoneFrame(agent.page)?.evaluate(audioBytesSince(since))) as number | undefined) ?? 0;
      } catch {
        return 0; // the frame is being replaced: no audio yet
      }
    };
    const customerBytes = async (since: number): Promise<number> => (await customer.evaluate(audioBytesSince(since))) as number;

    const calls = Math.ceil(reloads / RELOADS_PER_CALL);
    for (let c = 0; c < calls; c++) {
      const forwarded = new Promise<string>((ok) => {
        const off = h.sip.on('invite-forwarded', (e) => {
          if (!e.from.includes(CALLERS.ada)) return;
          off();
          ok(e.callId);
        });
      });
      await customer.getByRole('button', { name: 'Call', exact: true }).click();
      const callId = await forwarded;
      const answer = agent.phone.getByRole('button', { name: 'Answer' });
      await answer.waitFor({ timeout: 15_000 });
      const answeredAt = Date.now();
      await answer.click();
      const both = await Promise.all([
        firstAudio(() => agentBytes(answeredAt - 60_000), 15_000, 'the agent hears the customer'),
        firstAudio(() => customerBytes(answeredAt - 60_000), 15_000, 'the customer hears the agent'),
      ]);
      fresh.push(Math.max(...both) - answeredAt);
      for (let r = 0; r < RELOADS_PER_CALL && gaps.length < reloads; r++) {
        await sleep(TALK_MS);
        const reloadAt = Date.now();
        const panel = agent.page
          .reload({ timeout: 30_000 })
          .then(() => agent.phone.getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 20_000 }))
          .then(() => Date.now());
        const [agentHears, customerHears, panelAt] = await Promise.all([
          firstAudio(() => agentBytes(reloadAt), 20_000, `the agent hears the customer again after reload ${gaps.length + 1}`),
          firstAudio(() => customerBytes(reloadAt), 20_000, `the customer hears the agent again after reload ${gaps.length + 1}`),
          panel,
        ]);
        gaps.push(Math.max(agentHears, customerHears) - reloadAt);
        panelBack.push(panelAt - reloadAt);
        log(`reload ${gaps.length}/${reloads}: media gap ${gaps.at(-1)} ms, panel back ${panelBack.at(-1)} ms`);
      }
      if (!/connected/.test((await customer.locator('#state').textContent()) ?? ''))
        throw new Error(`call ${c + 1}: the customer is no longer connected after its reloads`);
      await agent.phone.getByRole('button', { name: 'Hang up' }).click();
      const wrapUp = agent.phone.getByRole('form', { name: 'Wrap-up' });
      await wrapUp.getByRole('button', { name: 'Save' }).click({ timeout: 10_000 });
      const ofCall = () => tasksFor(h, (t) => t.fields['CallObject'] === callId).length;
      await waitUntil(() => ofCall() > 0, 15_000, `the Task of call ${c + 1}`);
      await sleep(1000);
      tasksPerCall.push(ofCall());
      if (ofCall() !== 1) throw new Error(`call ${c + 1} (${callId}) was logged ${ofCall()} times`);
      await customer.getByRole('button', { name: 'Call', exact: true }).waitFor({ timeout: 10_000 });
      await agent.phone
        .getByRole('button', { name: 'Answer' })
        .waitFor({ state: 'detached', timeout: 10_000 })
        .catch(() => undefined);
    }
    const q = (list: number[], p: number): number => round2(percentile(list, p));
    return {
      reloads: gaps.length,
      gapMs: { p50: q(gaps, 50), p95: q(gaps, 95), min: q(gaps, 0), max: q(gaps, 100), all: gaps },
      panelBackMs: { p50: q(panelBack, 50), p95: q(panelBack, 95) },
      freshCallMediaMs: { p50: q(fresh, 50), p95: q(fresh, 95), all: fresh },
      calls,
      tasksPerCall,
    };
  } finally {
    await h.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 20);
  if (!Number.isInteger(n) || n < 1) throw new Error(`reloads must be a positive integer, got '${process.argv[2]}'`);
  const f = await runReloadGapBench(n, (m) => process.stderr.write(`[bench] ${m}\n`));
  console.log(
    `media gap on reload over ${f.reloads} reloads: p50 ${f.gapMs.p50} ms, p95 ${f.gapMs.p95} ms (min ${f.gapMs.min}, max ${f.gapMs.max}); ` +
      `panel back p50 ${f.panelBackMs.p50} ms; fresh call Answer → audio p50 ${f.freshCallMediaMs.p50} ms (ratio ${round2(f.gapMs.p50 / f.freshCallMediaMs.p50)}×); target p95 < 2000 ms: ${f.gapMs.p95 < 2000 ? 'met' : 'NOT met'}`,
  );
  const out = resolve(import.meta.dirname, 'out');
  mkdirSync(out, { recursive: true });
  writeFileSync(resolve(out, 'reload-gap.json'), JSON.stringify({ measuredAt: new Date().toISOString(), ...f }, null, 2));
}
