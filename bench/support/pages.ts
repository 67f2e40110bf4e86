/**
 * The two softphones under measurement, each in the frame of a parent page on 127.0.0.1 with the
 * softphone on another site (localhost), so both run out of process and both parents stamp events
 * the same way (wall clock at the parent's `message` event):
 * - ours: the console emulator's Lightning page, which inserts the connector's iframe itself; an
 *   init script stamps the insertion (MutationObserver) and every Open CTI request it receives;
 * - the anchor (bench/anchors/sipjs-lit), built here with the project's esbuild options, inside a
 *   harness page that inserts its iframe on demand and stamps its `ready`/`screenPop` messages.
 * Both come over HTTPS unless the bench runs with `--local` (run.ts serves the anchor's pages).
 */
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { until } from './measure.ts';

export const BENCH_DIR = resolve(import.meta.dirname, '..');
export const OUT_DIR = join(BENCH_DIR, 'out');
export const ANCHOR_DIR = join(OUT_DIR, 'anchor');

/**
 * Stamps, in the top page only: the softphone iframe's insertion, every Open CTI request, and each
 * record page the console renders (its title heading added to the document).
 */
export const CONSOLE_PROBE = `(() => {
  if (window !== window.top) return;
  const now = () => performance.timeOrigin + performance.now();
  const bench = window.__bench = { inserted: undefined, calls: [], pops: [], waiters: [], rendered: [] };
  // Resolves with the n-th pop's time as soon as it is stamped (no polling while a call is in flight).
  bench.waitPop = (n) => new Promise((resolve) => {
    const check = () => (bench.pops.length > n ? resolve(bench.pops[n]) : bench.waiters.push(check));
    check();
  });
  window.addEventListener('message', (e) => {
    const m = e.data && e.data.methodName;
    if (typeof m !== 'string' || !e.data.apiType) return;
    const at = now();
    bench.calls.push({ method: m, at });
    if (m === 'searchAndScreenPop') {
      bench.pops.push(at);
      for (const w of bench.waiters.splice(0)) w();
    }
  }, true);
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      if (n.nodeType === 1 && (n.matches('h1.slds-page-header__title') || n.querySelector('h1.slds-page-header__title'))) { bench.rendered.push(now()); break; }
    }
    if (bench.inserted !== undefined) return;
    for (const r of records) for (const n of r.addedNodes) {
      if (n.nodeType !== 1) continue;
      const f = n.matches('iframe[title="Softphone"]') ? n : n.querySelector('iframe[title="Softphone"]');
      if (f) { bench.inserted = now(); return; }
    }
  }).observe(document, { childList: true, subtree: true });
})();`;

const HARNESS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>anchor harness</title></head>
<body><script>
  const now = () => performance.timeOrigin + performance.now();
  const bench = window.__bench = { inserted: undefined, events: [], pops: [], waiters: [] };
  bench.waitPop = (n) => new Promise((resolve) => {
    const check = () => (bench.pops.length > n ? resolve(bench.pops[n]) : bench.waiters.push(check));
    check();
  });
  window.addEventListener('message', (e) => {
    if (!e.data || typeof e.data.type !== 'string') return;
    const at = now();
    bench.events.push({ type: e.data.type, at });
    if (e.data.type === 'screenPop') {
      bench.pops.push(at);
      for (const w of bench.waiters.splice(0)) w();
    }
  }, true);
  window.insertAnchor = (src) => {
    const f = document.createElement('iframe');
    f.title = 'Anchor';
    f.allow = 'microphone; autoplay';
    f.src = src;
    window.__bench.inserted = now();
    document.body.append(f);
  };
</script></body></html>
`;

const ANCHOR_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>anchor softphone</title>
<script type="module" src="./anchor.js"></script></head><body></body></html>
`;

/** Builds the anchor with the options of scripts/build.ts; returns the JS file and its metafile inputs. */
export async function buildAnchor(): Promise<{ js: string; inputs: Record<string, number> }> {
  mkdirSync(ANCHOR_DIR, { recursive: true });
  const result = await build({
    entryPoints: { anchor: join(BENCH_DIR, 'anchors/sipjs-lit/anchor.ts') },
    outdir: ANCHOR_DIR,
    bundle: true,
    format: 'esm',
    splitting: false,
    minify: true,
    sourcemap: 'linked',
    target: ['es2020', 'chrome100'],
    platform: 'browser',
    legalComments: 'none',
    metafile: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  writeFileSync(join(ANCHOR_DIR, 'index.html'), ANCHOR_HTML);
  writeFileSync(join(OUT_DIR, 'harness.html'), HARNESS_HTML);
  const out = Object.entries(result.metafile.outputs).find(([k]) => k.endsWith('anchor.js'));
  const inputs = Object.fromEntries(Object.entries(out?.[1].inputs ?? {}).map(([k, v]) => [k, v.bytesInOutput]));
  return { js: join(ANCHOR_DIR, 'anchor.js'), inputs };
}

export interface Softphone {
  readonly kind: 'ours' | 'anchor';
  readonly context: BrowserContext;
  readonly page: Page;
  /** Wall-clock times (parent page) of insertion and ready. */
  readonly insertedAt: number;
  readonly readyAt: number;
  frame(): Frame;
  /** Screen pops stamped so far (ours: searchAndScreenPop requests; anchor: screenPop messages). */
  pops(): Promise<number[]>;
  /** The time of pop number `n` (0-based), waiting for it in the page (bounded by `ms`). */
  waitPop(n: number, ms?: number): Promise<number>;
  /** Ours: when the console rendered each record page (parent wall clock); the anchor renders none. */
  rendered?(): Promise<number[]>;
  /** Ours: closes the console's workspace tabs, so the next pop renders its record page anew. */
  closeTabs?(): Promise<void>;
  close(): Promise<void>;
}

type BenchWindow = { __bench: { pops: number[]; waitPop(n: number): Promise<number> } };
const pops = (page: Page): Promise<number[]> => page.evaluate(() => [...(window as unknown as BenchWindow).__bench.pops]);

async function waitPop(page: Page, n: number, ms = 10_000): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`screen pop #${n + 1} did not come within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([page.evaluate((i) => (window as unknown as BenchWindow).__bench.waitPop(i), n), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function frameOf(page: Page, match: (url: string) => boolean): Promise<Frame> {
  return until('the softphone frame', async () => page.frames().find((f) => match(f.url())), 15_000, 20);
}

/** Opens the console for `user` (default agent) in a fresh context and waits for notifyInitializationComplete. */
export async function openOurs(browser: Browser, consoleUrl: string): Promise<Softphone> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  await context.addInitScript(CONSOLE_PROBE);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(consoleUrl);
  const times = await until(
    'notifyInitializationComplete',
    () =>
      page.evaluate(() => {
        const b = (window as unknown as { __bench: { inserted?: number; calls: { method: string; at: number }[] } }).__bench;
        const ready = b.calls.find((c) => c.method === 'notifyInitializationComplete');
        return ready && b.inserted !== undefined ? { inserted: b.inserted, ready: ready.at } : undefined;
      }),
    20_000,
    10,
  ).catch((e: unknown) => {
    throw new Error(`${String(e)}; page errors: ${errors.join('; ')}`);
  });
  const frame = await frameOf(page, (u) => u.includes('/softphone/'));
  return {
    kind: 'ours',
    context,
    page,
    insertedAt: times.inserted,
    readyAt: times.ready,
    frame: () => frame,
    pops: () => pops(page),
    waitPop: (n, ms) => waitPop(page, n, ms),
    rendered: () => page.evaluate('[...window.__bench.rendered]') as Promise<number[]>,
    closeTabs: async () => {
      await page.evaluate("document.querySelectorAll('button.console-tab-close').forEach((b) => b.click())");
    },
    close: () => context.close(),
  };
}

/** Opens the harness on `harnessUrl`, inserts the anchor from `anchorUrl`, waits for its `ready`. */
export async function openAnchor(browser: Browser, harnessUrl: string, anchorUrl: string): Promise<Softphone> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(harnessUrl);
  await page.evaluate((src) => (window as unknown as { insertAnchor(s: string): void }).insertAnchor(src), anchorUrl);
  const times = await until(
    'the anchor to be ready',
    () =>
      page.evaluate(() => {
        const b = (window as unknown as { __bench: { inserted?: number; events: { type: string; at: number }[] } }).__bench;
        const ready = b.events.find((e) => e.type === 'ready');
        return ready && b.inserted !== undefined ? { inserted: b.inserted, ready: ready.at } : undefined;
      }),
    20_000,
    10,
  );
  const frame = await frameOf(page, (u) => u.includes('/anchor/'));
  return {
    kind: 'anchor',
    context,
    page,
    insertedAt: times.inserted,
    readyAt: times.ready,
    frame: () => frame,
    pops: () => pops(page),
    waitPop: (n, ms) => waitPop(page, n, ms),
    close: () => context.close(),
  };
}
