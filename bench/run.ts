/**
 * `npm run bench`: the connector against the minimal honest softphone (bench/anchors/sipjs-lit:
 * sip.js + one Lit element + postMessage), built and measured in the same run, so figures are read
 * as ratios. Prints a table, writes bench/out/results.json and
 * the README section between `<!-- bench:start -->` and `<!-- bench:end -->`. Figures, never a gate
 * of the test suite; `--gate` makes an unmet target exit 1.
 *
 * Measured (all on loopback, the embedded SIP server, headless Chromium, one browser):
 * 1. bundle: initial JS and CSS of dist/app/softphone/ vs the anchor, gzip -9;
 * 2. ready: iframe inserted → notifyInitializationComplete (ours, inside the console emulator) /
 *    `ready` (anchor, in a harness page), each stamped by the parent page; median of 7 interleaved rounds;
 *    both frames come over HTTPS (without --local), each on a fresh connection to its own host;
 * 3. idle heap: the softphone frame's renderer (out of process: the frame is another site) after
 *    ready, registration and 1 s idle, CDP collectGarbage + Performance.getMetrics; median of the rounds;
 * 4. INVITE → screen pop: a Node sip.js caller's INVITE handed to its transport → the parent page
 *    receiving searchAndScreenPop (ours) / screenPop (anchor); the caller then CANCELs. Calls alternate
 *    between the two, GAP_MS apart (the connector logs each call after it ends, as it would between
 *    any two real calls; back to back, the next INVITE waits behind that log: a context row); the
 *    first 20 of each are warm-up. The first call after each fresh load is its own figure;
 *    INVITE → the console's record page rendered (its title in the document; ours only: the anchor
 *    has no console), after closing the workspace tabs so each pop renders the page anew;
 * 5. where the time goes: Chromium's CPU profile of each softphone's frame over PROFILE_CALLS more
 *    calls (top self time), and what the idle heap is made of (heap snapshot, top constructors);
 * 6. leak check: heap, DOM nodes and listeners after the first call, after SETTLE_CALLS and after
 *    LEAK_CALLS calls (ring + cancel: answering needs WebRTC media the Node caller does not have),
 *    GAP_MS apart like the pop calls, each read once the call is logged and the readings hold still (settledHeapMetrics: IndexedDB
 *    requests still in flight count as listeners); heap snapshots at SETTLE_CALLS and LEAK_CALLS say what grew.
 *    The anchor is read after its pop calls only (context), ours goes on alone to LEAK_CALLS;
 * 7. INVITE → ringing through the embedded server and Kamailio, ours vs bare sip.js (bench/sip-ringing.ts);
 * 8. the media gap when the console reloads mid-call (reload → audio both ways again), with a fresh
 *    call's Answer → audio as the same-run baseline (bench/reload-gap.ts; the anchor cannot keep a call).
 * Options: --pop-calls N (200), --leak-calls N (1000), --rounds N (7), --ringing-calls N (50), --reloads N (20), --gap-ms N (250), --e2e-calls N (100), --gate,
 * --local (the emulator's local origins, where the frame is cross-site and loses its storage).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/support/chromium.ts';
import { STRICT_CHROMIUM_ARGS } from '../src/node/console/index.ts';
import { serveStatic } from '../test/support/static-server.ts';
import { devCertificate } from '../src/node/console/server/dev-certificate.ts';
import { runSipRingingBench, type RingingFigures } from './sip-ringing.ts';
import { runReloadGapBench, type ReloadGapFigures } from './reload-gap.ts';
import { agentUser, CALLERS, startStack, type Stack } from './support/stack.ts';
import { clockOffset, gzipKb, heapMetrics, inviteClock, percentile, round2, settledHeapMetrics, until, type HeapMetrics } from './support/measure.ts';
import { buildAnchor, openAnchor, openOurs, OUT_DIR, type Softphone } from './support/pages.ts';
import { popCall } from './support/calls.ts';
import { cpuProfile, heapGrowth, heapSnapshot, heapTop, type HeapClass, type HeapGrowth, type HeapSummary, type HotFunction } from './support/profile.ts';
import {
  BACK_TO_BACK_CALLS,
  E2E_CALLS,
  GAP_MS,
  LEAK_CALLS,
  POP_CALLS,
  PROFILE_CALLS,
  RELOADS,
  RINGING_CALLS,
  ROUNDS,
  SETTLE_CALLS,
  WARMUP,
} from './support/options.ts';
import { figureRows } from './support/figures.ts';
import { profileText, renderTable, writeReadme, type ResultsFile } from './support/report.ts';

const ROOT = resolve(import.meta.dirname, '..');
const ANCHOR_USER = { username: 'anchor', password: 'pw-anchor' };

/** After a call ends, the wait for its log and render before the heap is read (a read mid-logging counts the wrap-up form). */
const QUIET_MS = 1000;
const sleep = (ms: number): Promise<void> => new Promise((ok) => setTimeout(ok, ms));

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/**
 * Bundle figures: the connector page's initial JS (its entry and the chunks it imports statically,
 * which load before it runs), all its JS (plus the SIP stack, fetched at page load but off the path
 * to ready), and CSS, vs the anchor (one file).
 */
async function bundles(): Promise<{ oursJs: number; oursAllJs: number; oursCss: number; anchorJs: number; topInputs: { input: string; minKb: number }[] }> {
  const dir = join(ROOT, 'dist/app/softphone');
  if (!existsSync(join(dir, 'softphone.js'))) throw new Error('dist/app/softphone/softphone.js is missing: run `npm run build` first (npm run bench does).');
  const anchor = await buildAnchor();
  type Output = { inputs: Record<string, { bytesInOutput: number }>; imports?: { path: string; kind: string }[] };
  const meta = JSON.parse(readFileSync(join(ROOT, 'dist/meta.json'), 'utf8')) as { outputs: Record<string, Output> };
  const entry = 'dist/app/softphone/softphone.js';
  const initial = new Set<string>();
  const visit = (file: string): void => {
    if (initial.has(file) || !meta.outputs[file]) return;
    initial.add(file);
    for (const i of meta.outputs[file].imports ?? []) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(entry);
  const all = Object.keys(meta.outputs).filter((f) => f.startsWith('dist/app/softphone/') && f.endsWith('.js') && !/locale-/.test(f));
  const inputs: Record<string, number> = {};
  for (const f of initial) for (const [input, v] of Object.entries(meta.outputs[f]!.inputs)) inputs[input] = (inputs[input] ?? 0) + v.bytesInOutput;
  const topInputs = Object.entries(inputs)
    .map(([input, bytes]) => ({ input, minKb: round2(bytes / 1024) }))
    .sort((a, b) => b.minKb - a.minKb)
    .slice(0, 8);
  const sum = (files: Iterable<string>): number => round2([...files].reduce((kb, f) => kb + gzipKb(join(ROOT, f)), 0));
  return { oursJs: sum(initial), oursAllJs: sum(all), oursCss: gzipKb(join(dir, 'softphone.css')), anchorJs: gzipKb(anchor.js), topInputs };
}

interface Pair {
  ours: Softphone;
  anchor: Softphone;
}

async function openPair(browser: Browser, stack: Stack, harnessUrl: string, anchorUrl: string, anchorFirst: boolean): Promise<Pair> {
  const open = {
    ours: () => openOurs(browser, stack.console.consoleUrl()),
    anchor: () => openAnchor(browser, harnessUrl, anchorUrl),
  };
  if (anchorFirst) {
    const anchor = await open.anchor();
    return { anchor, ours: await open.ours() };
  }
  const ours = await open.ours();
  return { ours, anchor: await open.anchor() };
}

async function main(): Promise<void> {
  const gate = process.argv.includes('--gate');
  if (process.argv.includes('--report-only')) return reportOnly();
  const started = Date.now();
  const loadAtStart = loadavg().map(round2);
  mkdirSync(OUT_DIR, { recursive: true });
  log('bundles');
  const b = await bundles();

  // Salesforce-shaped origins (as in an org, the console and the softphone frame are same-site, so
  // the frame keeps its storage); --local uses the emulator's 127.0.0.1/localhost origins instead.
  const strict = !process.argv.includes('--local');
  const stack = await startStack({ agents: 1, extraUsers: [ANCHOR_USER], strictOrigins: strict });
  // The anchor over HTTPS as ours is (Salesforce frames only https softphones): served over plain
  // HTTP it skipped the TLS handshakes every real softphone pays before its first byte of script.
  const web = await serveStatic(OUT_DIR, 0, strict ? devCertificate() : undefined);
  // The frame in a process of its own (same-site frames share their parent's), so its heap can be read alone.
  const browser = await launchChromium([...(strict ? STRICT_CHROMIUM_ARGS : []), `--isolate-origins=${stack.console.vfOrigin}`]);
  const harnessUrl = `${web.url}/harness.html`;
  const anchorUrl = (parentOrigin: string): string =>
    `${web.url.replace('127.0.0.1', 'localhost')}/anchor/index.html?` +
    new URLSearchParams({
      ws: stack.sipUrl,
      user: ANCHOR_USER.username,
      password: ANCHOR_USER.password,
      domain: 'switchboard.test',
      parentOrigin,
    }).toString();
  let ringing: RingingFigures[] = [];
  let ringingError: string | undefined;
  const ready = { ours: [] as number[], anchor: [] as number[] };
  const idle = { ours: [] as HeapMetrics[], anchor: [] as HeapMetrics[] };
  const pops = { ours: [] as number[], anchor: [] as number[] };
  const backToBack = { ours: [] as number[], anchor: [] as number[] };
  const firstCall = { ours: [] as number[], anchor: [] as number[] };
  const e2e: number[] = [];
  const firstE2e: number[] = [];
  const hot: { ours?: HotFunction[]; anchor?: HotFunction[] } = {};
  const idleTop: { ours?: HeapClass[]; anchor?: HeapClass[] } = {};
  const snapshots: { settled?: HeapSummary; end?: HeapSummary } = {};
  const leak = { ours: [] as HeapMetrics[], anchor: [] as HeapMetrics[] };
  // Ours again after SETTLE calls: V8 keeps compiling the calls' code (baseline, then optimised) for
  // about the first hundred, and that code counts in the heap; growth after it is what a leak adds.
  const settled: { ours?: HeapMetrics } = {};
  let offsets: { ours: { offsetMs: number; errorMs: number }; anchor: { offsetMs: number; errorMs: number } } | undefined;
  try {
    // Ready and idle heap: a fresh context per softphone, one at a time (nothing else runs while
    // one loads), the order alternating between rounds.
    // The caller whose number the demo data has once (Maria Lopez): her record page is the pop.
    const firstCaller = await stack.caller(CALLERS[0]!);
    const firstSent = inviteClock(firstCaller);
    for (let r = 0; r < ROUNDS; r++) {
      log(`ready round ${r + 1}/${ROUNDS}`);
      const kinds = r % 2 ? (['anchor', 'ours'] as const) : (['ours', 'anchor'] as const);
      for (const kind of kinds) {
        const phone = kind === 'ours' ? await openOurs(browser, stack.console.consoleUrl()) : await openAnchor(browser, harnessUrl, anchorUrl(web.url));
        const user = kind === 'ours' ? agentUser(0) : ANCHOR_USER.username;
        try {
          ready[kind].push(phone.readyAt - phone.insertedAt);
          await stack.registered(user);
          await new Promise((ok) => setTimeout(ok, 1000));
          idle[kind].push(await heapMetrics(phone.page, phone.frame()));
          if (r === 0) idleTop[kind] = heapTop(await heapSnapshot(phone.page, phone.frame()));
          // The first call after load, the agent idle until it rings.
          const offsetMs = (await clockOffset(phone.page)).offsetMs;
          const renders = ((await phone.rendered?.()) ?? []).length;
          firstCall[kind].push(await popCall(firstCaller, firstSent, user, phone, offsetMs));
          if (kind === 'ours') firstE2e.push((await recordRendered(phone, renders)) - offsetMs - lastSent(firstSent));
        } finally {
          await phone.close();
        }
        // The softphone unregisters (or its socket closes) before the next one opens.
        await until(`${user}'s registration to end`, async () => (stack.sip!.registrations(user).length === 0 ? true : undefined), 10_000, 20);
      }
    }

    // Pop latency and leak check: one of each, calls alternating.
    log(`pop latency: ${POP_CALLS + WARMUP} calls each, then up to ${LEAK_CALLS} for the leak check`);
    const pair = await openPair(browser, stack, harnessUrl, anchorUrl(web.url), false);
    try {
      await stack.registered(agentUser(0));
      await stack.registered(ANCHOR_USER.username);
      offsets = { ours: await clockOffset(pair.ours.page), anchor: await clockOffset(pair.anchor.page) };
      const caller = await stack.caller(CALLERS[0]!);
      const sent = inviteClock(caller);
      const targets = [
        { key: 'ours' as const, user: agentUser(0), phone: pair.ours },
        { key: 'anchor' as const, user: ANCHOR_USER.username, phone: pair.anchor },
      ];
      const t0 = Date.now();
      const settle = async (): Promise<void> => {
        await sleep(QUIET_MS);
        settled.ours = await settledHeapMetrics(pair.ours.page, pair.ours.frame());
        snapshots.settled = await heapSnapshot(pair.ours.page, pair.ours.frame(), join(OUT_DIR, `ours-calls-${SETTLE_CALLS}.heapsnapshot`));
      };
      for (let i = 0; i < WARMUP + POP_CALLS; i++) {
        for (const t of i % 2 ? [...targets].reverse() : targets) {
          if (GAP_MS) await sleep(GAP_MS);
          const ms = await popCall(caller, sent, t.user, t.phone, offsets[t.key].offsetMs);
          if (i >= WARMUP) pops[t.key].push(ms);
          if (i === 0) {
            await sleep(QUIET_MS);
            leak[t.key].push(await settledHeapMetrics(t.phone.page, t.phone.frame()));
          }
          if (i + 1 === SETTLE_CALLS && t.key === 'ours') await settle();
        }
        if ((i + 1) % 100 === 0) log(`${i + 1} calls each (${Math.round((Date.now() - t0) / 1000)} s)`);
      }
      log(`INVITE → record page rendered: ${E2E_CALLS} calls to ours`);
      for (let i = 0; i < E2E_CALLS; i++) {
        await pair.ours.closeTabs?.();
        await sleep(GAP_MS);
        const renders = ((await pair.ours.rendered?.()) ?? []).length;
        await popCall(caller, sent, agentUser(0), pair.ours, offsets.ours.offsetMs);
        e2e.push((await recordRendered(pair.ours, renders)) - offsets.ours.offsetMs - lastSent(sent));
      }
      log(`back to back: ${BACK_TO_BACK_CALLS} calls each`);
      for (let i = 0; i < BACK_TO_BACK_CALLS; i++) {
        for (const t of i % 2 ? [...targets].reverse() : targets) backToBack[t.key].push(await popCall(caller, sent, t.user, t.phone, offsets[t.key].offsetMs));
      }
      log(`CPU profiles: ${PROFILE_CALLS} calls each`);
      for (const t of targets) {
        const offsetMs = offsets[t.key].offsetMs;
        const profiled = await cpuProfile(t.phone.page, t.phone.frame(), async () => {
          for (let i = 0; i < PROFILE_CALLS; i++) {
            if (GAP_MS) await sleep(GAP_MS);
            await popCall(caller, sent, t.user, t.phone, offsetMs);
          }
        });
        hot[t.key] = profiled.hot;
      }
      // The anchor's growth is context only: it is read after the pop calls; ours goes on to LEAK_CALLS.
      await sleep(QUIET_MS);
      leak.anchor.push(await settledHeapMetrics(pair.anchor.page, pair.anchor.frame()));
      const done = WARMUP + POP_CALLS + E2E_CALLS + BACK_TO_BACK_CALLS + PROFILE_CALLS;
      for (let i = done; i < LEAK_CALLS; i++) {
        // Paced as the pop calls are: back to back, calls outrun the call-log pipeline's IndexedDB
        // writes (≈12 strict-durability transactions a call); 700 such calls left 10 s of writes
        // still running when the leak check read, and their requests counted as listeners.
        if (GAP_MS) await sleep(GAP_MS);
        await popCall(caller, sent, agentUser(0), pair.ours, offsets.ours.offsetMs);
        if (i + 1 === SETTLE_CALLS) await settle();
        if ((i + 1) % 100 === 0) log(`${i + 1} calls to ours (${Math.round((Date.now() - t0) / 1000)} s)`);
      }
      await sleep(QUIET_MS);
      leak.ours.push(await settledHeapMetrics(pair.ours.page, pair.ours.frame()));
      snapshots.end = await heapSnapshot(pair.ours.page, pair.ours.frame(), join(OUT_DIR, `ours-calls-${LEAK_CALLS}.heapsnapshot`));
    } finally {
      await pair.ours.close();
      await pair.anchor.close();
    }
  } finally {
    await browser.close();
    await web.close();
    await stack.close();
  }
  log(`INVITE → ringing, ${RINGING_CALLS} calls per case`);
  try {
    ringing = await runSipRingingBench(RINGING_CALLS);
  } catch (e) {
    ringingError = e instanceof Error ? e.message : String(e);
  }
  log(`media gap on reload, ${RELOADS} reloads`);
  let reload: ReloadGapFigures | undefined;
  let reloadError: string | undefined;
  try {
    reload = await runReloadGapBench(RELOADS, log);
  } catch (e) {
    reloadError = e instanceof Error ? e.message : String(e);
  }

  // Report.
  const ratio = (a: number, b: number | undefined): number | undefined => (b ? round2(a / b) : undefined);
  const grew: HeapGrowth[] = snapshots.settled && snapshots.end ? heapGrowth(snapshots.settled, snapshots.end, 10) : [];
  const rows = figureRows({ bundle: b, ready, idle, pops, backToBack, firstCall, e2e, firstE2e, leak, settled, snapshots, ringing, reload });
  const results = {
    measuredAt: new Date().toISOString(),
    durationS: Math.round((Date.now() - started) / 1000),
    machine: { node: process.version, cpus: cpus().length, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadavg().map(round2) },
    options: {
      origins: process.argv.includes('--local') ? 'local' : 'strict',
      rounds: ROUNDS,
      popCalls: POP_CALLS,
      warmup: WARMUP,
      gapMs: GAP_MS,
      leakCalls: LEAK_CALLS,
      leakCallKind: 'ring + cancel',
      ringingCalls: RINGING_CALLS,
      reloads: RELOADS,
    },
    rows: rows.map((r) => ({ ...r, ratio: ratio(r.ours, r.anchor) })),
    raw: {
      bundle: b,
      readyMs: ready,
      idleHeap: idle,
      leak,
      settledHeap: settled,
      clockOffsets: offsets,
      popMs: { ours: summary(pops.ours), anchor: summary(pops.anchor) },
      recordRenderedMs: { steady: summary(e2e), firstCall: firstE2e },
      popMsBackToBack: { ours: summary(backToBack.ours), anchor: summary(backToBack.anchor) },
      firstCallPopMs: firstCall,
      cpuProfileTopSelf: hot,
      idleHeapTop: idleTop,
      heapGrowthTop: grew,
      ringing,
      ...(ringingError ? { ringingError } : {}),
      reload,
      ...(reloadError ? { reloadError } : {}),
    },
  };
  writeFileSync(join(OUT_DIR, 'results.json'), JSON.stringify(results, null, 2));
  const table = renderTable(rows);
  console.log(table);
  console.log(`Top inputs of softphone.js (minified KB): ${b.topInputs.map((t) => `${t.input} ${t.minKb}`).join(', ')}`);
  console.log(profileText(results.raw));
  if (ringingError) console.log(`INVITE → ringing not measured: ${ringingError}`);
  if (reloadError) console.log(`Media gap on reload not measured: ${reloadError}`);
  const gated = rows.filter((r) => r.met !== undefined);
  const metCount = gated.filter((r) => r.met).length;
  console.log(`${metCount} met, ${gated.length - metCount} not met (${results.durationS} s; wrote bench/out/results.json)`);
  writeReadme(table, results);
  if (gate && metCount < gated.length) process.exit(1);
}

/** The Node clock time the last INVITE of `sent` left (calls are placed one at a time). */
function lastSent(sent: Map<string, number>): number {
  const at = [...sent.values()].at(-1);
  if (at === undefined) throw new Error('no INVITE was sent');
  return at;
}

/** When the console rendered the record page the call's pop opened: the first render stamped after `before` renders. */
function recordRendered(phone: Softphone, before: number): Promise<number> {
  if (!phone.rendered) throw new Error(`the ${phone.kind} softphone has no console to render a record page`);
  const rendered = phone.rendered.bind(phone);
  return until('the popped record page to render in the console', async () => (await rendered())[before], 10_000, 2);
}

function summary(list: number[]): { n: number; p50: number; p95: number; p99: number; min: number; max: number } {
  return {
    n: list.length,
    p50: round2(percentile(list, 50)),
    p95: round2(percentile(list, 95)),
    p99: round2(percentile(list, 99)),
    min: round2(percentile(list, 0)),
    max: round2(percentile(list, 100)),
  };
}

/** `--report-only`: prints the table of bench/out/results.json again and rewrites the README section from it. */
function reportOnly(): void {
  const results = JSON.parse(readFileSync(join(OUT_DIR, 'results.json'), 'utf8')) as ResultsFile;
  const table = renderTable(results.rows);
  console.log(table);
  writeReadme(table, results);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
