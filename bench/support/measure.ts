/**
 * Small measuring tools shared by the benchmarks and the soak tests: percentiles, gzip sizes,
 * the clock offset between Node and a Chromium page, CDP heap metrics of a frame, and the send
 * time of a Node sip.js caller's INVITEs.
 */
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Frame, Page } from 'playwright-core';
import type { TestPhone } from '../../src/node/sip-server/test-support/sip-phone.ts';

/** Wall-clock milliseconds with sub-millisecond resolution (same definition in Node and in a page). */
export const wallNow = (): number => performance.timeOrigin + performance.now();

export const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

export function gzipKb(file: string): number {
  return round2(gzipSync(readFileSync(file), { level: 9 }).length / 1024);
}

/**
 * How far the page's wall clock is ahead of Node's (ms): best of `samples` round trips (the one
 * with the shortest round trip bounds the error by half of it). Returned with that bound.
 */
export async function clockOffset(page: Page, samples = 25): Promise<{ offsetMs: number; errorMs: number }> {
  let best = { offsetMs: 0, errorMs: Number.POSITIVE_INFINITY };
  for (let i = 0; i < samples; i++) {
    const t0 = wallNow();
    const browser = await page.evaluate(() => performance.timeOrigin + performance.now());
    const t1 = wallNow();
    const rtt = t1 - t0;
    if (rtt / 2 < best.errorMs) best = { offsetMs: browser - (t0 + t1) / 2, errorMs: rtt / 2 };
  }
  return best;
}

export interface HeapMetrics {
  readonly jsHeapUsedKb: number;
  readonly nodes: number;
  readonly jsEventListeners: number;
  /** 'frame': the frame's own renderer (out of process); 'page': Chromium kept the frame in its parent's process, so the figure includes the parent page. */
  readonly scope: 'frame' | 'page';
}

/**
 * Garbage-collects the frame's renderer and reads its metrics. A cross-site frame normally runs in
 * its own process; when Chromium keeps it in the parent's (it may, e.g. under memory pressure),
 * the page's process is measured instead and `scope` says so.
 */
export async function heapMetrics(page: Page, frame: Frame | Page): Promise<HeapMetrics> {
  let scope: HeapMetrics['scope'] = 'frame';
  const session = await page
    .context()
    .newCDPSession(frame)
    .catch(async (e: unknown) => {
      if (!String(e).includes('does not have a separate CDP session')) throw e;
      scope = 'page';
      return page.context().newCDPSession(page);
    });
  try {
    await session.send('Performance.enable');
    await session.send('HeapProfiler.collectGarbage');
    await session.send('HeapProfiler.collectGarbage');
    const { metrics } = await session.send('Performance.getMetrics');
    const get = (name: string): number => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
    return { jsHeapUsedKb: Math.round(get('JSHeapUsedSize') / 1024), nodes: get('Nodes'), jsEventListeners: get('JSEventListeners'), scope };
  } finally {
    await session.detach().catch(() => undefined);
  }
}

/**
 * `heapMetrics` once the softphone's work after a call has finished: read again every `everyMs`
 * until two reads agree on listeners and DOM nodes (at most `maxMs`). A call's log and journal go
 * through IndexedDB one strict-durability transaction after another for up to a second after a
 * burst of back-to-back calls, and each request in flight counts its onsuccess/onerror listeners;
 * a single read 1 s after the last call caught 7–15 of them, gone half a second later.
 */
export async function settledHeapMetrics(page: Page, frame: Frame | Page, everyMs = 500, maxMs = 10_000): Promise<HeapMetrics> {
  const end = Date.now() + maxMs;
  let last = await heapMetrics(page, frame);
  for (;;) {
    await new Promise((r) => setTimeout(r, everyMs));
    const next = await heapMetrics(page, frame);
    if ((next.jsEventListeners === last.jsEventListeners && next.nodes === last.nodes) || Date.now() > end) return next;
    last = next;
  }
}

/** Records when a caller's transport is handed each initial INVITE (by Call-ID, first send only). */
export function inviteClock(phone: TestPhone): Map<string, number> {
  const sent = new Map<string, number>();
  const transport = phone.ua.transport as unknown as { send(message: string): Promise<void> };
  const send = transport.send.bind(transport);
  transport.send = (message: string): Promise<void> => {
    if (message.startsWith('INVITE ')) {
      const id = /\r\nCall-ID:\s*([^\r\n]+)/i.exec(message)?.[1]?.trim();
      if (id && !sent.has(id)) sent.set(id, wallNow());
    }
    return send(message);
  };
  return sent;
}

/** Polls `probe` until it returns a value that is not undefined, or throws after `ms`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 10_000, every = 5): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
