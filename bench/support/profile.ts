/**
 * Chromium's own profilers through CDP, summarised for the bench report: a heap snapshot reduced to
 * counts and sizes per constructor (and the detached DOM nodes among them), the difference between
 * two snapshots, and a CPU profile reduced to the functions with the most self time.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import type { CDPSession, Frame, Page } from 'playwright-core';

export interface HeapClass {
  readonly name: string;
  readonly count: number;
  readonly selfKb: number;
}

export interface HeapSummary {
  readonly classes: readonly HeapClass[];
  /** Nodes whose snapshot name starts with "Detached " (DOM nodes no document holds). */
  readonly detachedNodes: number;
}

export interface HeapGrowth {
  readonly name: string;
  readonly count: number;
  readonly selfKb: number;
}

export interface HotFunction {
  readonly fn: string;
  readonly where: string;
  readonly selfMs: number;
}

async function sessionFor(page: Page, frame: Frame | Page): Promise<CDPSession> {
  return page
    .context()
    .newCDPSession(frame)
    .catch(async (e: unknown) => {
      if (!String(e).includes('does not have a separate CDP session')) throw e;
      return page.context().newCDPSession(page);
    });
}

/** A heap snapshot as CDP's HeapProfiler writes it (and DevTools opens as a .heapsnapshot file). */
export interface SnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/**
 * One heap-profiler session on the frame's renderer. Snapshots taken through one session share V8's
 * object ids (CDP's HeapProfiler.disable clears them), so two of them can be compared object by object.
 */
export interface HeapSession {
  /** A full snapshot after two collections. */
  take(): Promise<SnapshotJson>;
  close(): Promise<void>;
}

export async function openHeapSession(page: Page, frame: Frame | Page): Promise<HeapSession> {
  const session = await sessionFor(page, frame);
  let chunks: string[] = [];
  session.on('HeapProfiler.addHeapSnapshotChunk', (e: { chunk: string }) => chunks.push(e.chunk));
  await session.send('HeapProfiler.enable');
  return {
    async take() {
      chunks = [];
      await session.send('HeapProfiler.collectGarbage');
      await session.send('HeapProfiler.collectGarbage');
      await session.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      return JSON.parse(chunks.join('')) as SnapshotJson;
    },
    async close() {
      await session.send('HeapProfiler.disable').catch(() => undefined);
      await session.detach().catch(() => undefined);
    },
  };
}

/** Per-constructor counts of a snapshot (objects, closures, DOM wrappers; not V8's internal kinds). */
export function summariseSnapshot(json: SnapshotJson): HeapSummary {
  const fields = json.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = json.snapshot.meta.node_types[0];
  const byName = new Map<string, { count: number; size: number }>();
  let detachedNodes = 0;
  for (let i = 0; i < json.nodes.length; i += width) {
    const type = types[json.nodes[i + typeAt]!];
    // V8's own kinds (strings, arrays, code, hidden) are grouped by kind: their names are contents.
    let name = type === 'object' || type === 'closure' || type === 'native' ? (json.strings[json.nodes[i + nameAt]!] ?? '?') : `(${type ?? '?'})`;
    if (name.startsWith('Detached ')) detachedNodes++;
    if (type === 'closure') name = `${name || '(anonymous)'}()`;
    // Chromium names plain objects by their shape ("{a, b, c}"): one class per shape.
    const entry = byName.get(name) ?? { count: 0, size: 0 };
    entry.count++;
    entry.size += json.nodes[i + sizeAt]!;
    byName.set(name, entry);
  }
  const classes = [...byName].map(([name, v]) => ({ name, count: v.count, selfKb: Math.round(v.size / 102.4) / 10 }));
  return { classes, detachedNodes };
}

/**
 * Takes a heap snapshot of the frame's renderer (after two GCs) and summarises it; with `saveAs`,
 * also writes it there (opens in DevTools' Memory panel; `npm run bench:heap -- --diff a b` compares two).
 */
export async function heapSnapshot(page: Page, frame: Frame | Page, saveAs?: string): Promise<HeapSummary> {
  const heap = await openHeapSession(page, frame);
  try {
    const json = await heap.take();
    if (saveAs) writeFileSync(saveAs, JSON.stringify(json));
    return summariseSnapshot(json);
  } finally {
    await heap.close();
  }
}

/** The constructors that gained the most instances from `before` to `after`. */
export function heapGrowth(before: HeapSummary, after: HeapSummary, top = 12): HeapGrowth[] {
  const old = new Map(before.classes.map((c) => [c.name, c]));
  return after.classes
    .map((c) => ({ name: c.name, count: c.count - (old.get(c.name)?.count ?? 0), selfKb: Math.round((c.selfKb - (old.get(c.name)?.selfKb ?? 0)) * 10) / 10 }))
    .filter((g) => g.count > 0)
    .sort((a, b) => b.count - a.count || b.selfKb - a.selfKb)
    .slice(0, top);
}

/** The largest constructors by retained-by-self size: what the idle heap is made of. */
export function heapTop(summary: HeapSummary, top = 12): HeapClass[] {
  return [...summary.classes].sort((a, b) => b.selfKb - a.selfKb).slice(0, top);
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

/** A CPU profile as CDP's Profiler.stop returns it (and DevTools opens as a .cpuprofile file). */
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Records the frame's CPU profile (100 µs sampling) while `work` runs. */
export async function rawCpuProfile<T>(page: Page, frame: Frame | Page, work: () => Promise<T>): Promise<{ result: T; profile: CpuProfile }> {
  const session = await sessionFor(page, frame);
  try {
    await session.send('Profiler.enable');
    await session.send('Profiler.setSamplingInterval', { interval: 100 });
    await session.send('Profiler.start');
    const result = await work();
    const { profile } = (await session.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    return { result, profile };
  } finally {
    await session.send('Profiler.disable').catch(() => undefined);
    await session.detach().catch(() => undefined);
  }
}

const DIST = resolve(import.meta.dirname, '../../dist');

/** Maps a bundle position to its source (`sip.js/lib/core/messages/...ts:12`) through the bundle's source map. */
function sourceMapper(): (url: string, line: number, column: number) => string | undefined {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.js')) files.set(e.name, join(dir, e.name));
    }
  };
  try {
    walk(DIST);
  } catch {
    /* no build: positions stay minified */
  }
  const maps = new Map<string, TraceMap | undefined>();
  return (url, line, column) => {
    const file = files.get(url.replace(/^.*\//, '').replace(/\?.*$/, ''));
    if (!file) return undefined;
    if (!maps.has(file)) {
      try {
        maps.set(file, new TraceMap(readFileSync(`${file}.map`, 'utf8')));
      } catch {
        maps.set(file, undefined);
      }
    }
    const map = maps.get(file);
    if (!map) return undefined;
    const pos = originalPositionFor(map, { line: line + 1, column });
    if (!pos.source) return undefined;
    const source = pos.source.replace(/^(\.\.\/)+/, '').replace(/^node_modules\//, '');
    return `${source}:${pos.line}${pos.name ? ` (${pos.name})` : ''}`;
  };
}

export interface ProfiledFunction {
  readonly fn: string;
  readonly where: string;
  readonly ms: number;
}

/**
 * The functions with the most self time and the most inclusive time (a function counted once per
 * sample however deep it recurses), named by their original source where a source map says it.
 */
export function summariseProfile(profile: CpuProfile, top = 20): { self: ProfiledFunction[]; total: ProfiledFunction[] } {
  const mapped = sourceMapper();
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const keyOf = new Map<number, { key: string; fn: string; where: string; skip: boolean }>();
  const describe = (id: number): { key: string; fn: string; where: string; skip: boolean } => {
    let d = keyOf.get(id);
    if (d) return d;
    const { functionName, url, lineNumber, columnNumber } = byId.get(id)!.callFrame;
    const skip = !url && /^\((idle|program|garbage collector|root)\)$/.test(functionName);
    const where = url ? (mapped(url, lineNumber, columnNumber) ?? `${url.replace(/^.*\//, '')}:${lineNumber + 1}:${columnNumber + 1}`) : '(native)';
    d = { key: `${functionName}@${where}`, fn: functionName || '(anonymous)', where, skip };
    keyOf.set(id, d);
    return d;
  };
  const self = new Map<string, ProfiledFunction & { us: number }>();
  const total = new Map<string, ProfiledFunction & { us: number }>();
  const add = (into: Map<string, ProfiledFunction & { us: number }>, d: { key: string; fn: string; where: string }, us: number): void => {
    const e = into.get(d.key) ?? { fn: d.fn, where: d.where, ms: 0, us: 0 };
    e.us += us;
    into.set(d.key, e);
  };
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const d = describe(id);
    if (d.skip) return;
    add(self, d, us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const p = describe(at);
      if (p.skip || seen.has(p.key)) continue;
      seen.add(p.key);
      add(total, p, us);
    }
  });
  const list = (m: Map<string, ProfiledFunction & { us: number }>): ProfiledFunction[] =>
    [...m.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map(({ fn, where, us }) => ({ fn, where, ms: Math.round(us / 10) / 100 }));
  return { self: list(self), total: list(total) };
}

/**
 * Records the frame's CPU profile while `work` runs and returns the functions with the most self
 * time, named by their original source (V8's own idle, program and GC entries are left out).
 */
export async function cpuProfile<T>(page: Page, frame: Frame | Page, work: () => Promise<T>, top = 12): Promise<{ result: T; hot: HotFunction[] }> {
  const { result, profile } = await rawCpuProfile(page, frame, work);
  return { result, hot: summariseProfile(profile, top).self.map((f) => ({ fn: f.fn, where: f.where, selfMs: f.ms })) };
}
