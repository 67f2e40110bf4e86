/**
 * Two heap snapshots of one renderer compared object by object: V8 keeps an object's snapshot id
 * for its lifetime, so the objects of `after` whose ids `before` lacks are the ones made since and
 * still alive. Each is charged to its nearest ancestor (on the shortest strong path from the GC
 * roots) that `before` already had: the container that grew, named with the edge it grew under.
 */
import type { Frame, Page } from 'playwright-core';

export interface SnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface GrowthOwner {
  /** The old object (type and name) and the edge under which the new objects hang. */
  readonly owner: string;
  readonly count: number;
  readonly kb: number;
  /** The shortest path from a root to the owner. */
  readonly path: string;
  /** One of the new objects, with a string's first characters. */
  readonly sample: string;
}

/** Takes a full heap snapshot of the frame's renderer after two collections. */
export async function rawHeapSnapshot(page: Page, frame: Frame | Page): Promise<SnapshotJson> {
  const session = await page
    .context()
    .newCDPSession(frame)
    .catch(() => page.context().newCDPSession(page));
  const chunks: string[] = [];
  session.on('HeapProfiler.addHeapSnapshotChunk', (e: { chunk: string }) => chunks.push(e.chunk));
  try {
    await session.send('HeapProfiler.enable');
    await session.send('HeapProfiler.collectGarbage');
    await session.send('HeapProfiler.collectGarbage');
    await session.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    return JSON.parse(chunks.join('')) as SnapshotJson;
  } finally {
    await session.send('HeapProfiler.disable').catch(() => undefined);
    await session.detach().catch(() => undefined);
  }
}

export function retainedGrowth(before: SnapshotJson, after: SnapshotJson, top = 25): { totalKb: number; newObjects: number; owners: GrowthOwner[] } {
  const meta = after.snapshot.meta;
  const nw = meta.node_fields.length;
  const ew = meta.edge_fields.length;
  const [typeF, nameF, idF, sizeF, edgeCountF] = ['type', 'name', 'id', 'self_size', 'edge_count'].map((f) => meta.node_fields.indexOf(f)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const [eTypeF, eNameF, eToF] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f)) as [number, number, number];
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const oldIds = new Set<number>();
  const bw = before.snapshot.meta.node_fields.length;
  const bid = before.snapshot.meta.node_fields.indexOf('id');
  for (let i = 0; i < before.nodes.length; i += bw) oldIds.add(before.nodes[i + bid]!);

  const n = after.nodes.length / nw;
  const firstEdge = new Uint32Array(n + 1);
  for (let i = 0, e = 0; i < n; i++) {
    firstEdge[i] = e;
    e += after.nodes[i * nw + edgeCountF]! * ew;
  }
  firstEdge[n] = after.edges.length;
  const label = (i: number): string => {
    const type = nodeTypes[after.nodes[i * nw + typeF]!] ?? '?';
    const name = after.strings[after.nodes[i * nw + nameF]!] ?? '';
    return `${type}:${name.slice(0, 60).replace(/\s+/g, ' ')}`;
  };
  const edgeLabel = (e: number): string => {
    const type = edgeTypes[after.edges[e + eTypeF]!] ?? '?';
    const v = after.edges[e + eNameF]!;
    return type === 'element' || type === 'hidden' ? `[${v}]` : `.${after.strings[v] ?? v}`;
  };
  // Shortest strong paths from the root (node 0): parent node and the edge that reached each node.
  const parent = new Int32Array(n).fill(-1);
  const via = new Int32Array(n).fill(-1);
  parent[0] = 0;
  const queue = new Uint32Array(n);
  let head = 0;
  let tail = 0;
  queue[tail++] = 0;
  while (head < tail) {
    const i = queue[head++]!;
    for (let e = firstEdge[i]!; e < firstEdge[i + 1]!; e += ew) {
      if (edgeTypes[after.edges[e + eTypeF]!] === 'weak') continue;
      const j = after.edges[e + eToF]! / nw;
      if (parent[j] !== -1) continue;
      parent[j] = i;
      via[j] = e;
      queue[tail++] = j;
    }
  }
  const isNew = (i: number): boolean => !oldIds.has(after.nodes[i * nw + idF]!);
  const groups = new Map<string, { owner: number; edge: number; count: number; size: number; sample: number }>();
  let total = 0;
  let count = 0;
  for (let i = 1; i < n; i++) {
    if (!isNew(i) || parent[i] === -1 || nodeTypes[after.nodes[i * nw + typeF]!] === 'code') continue;
    const size = after.nodes[i * nw + sizeF]!;
    total += size;
    count++;
    let child = i;
    let at = parent[i]!;
    while (at !== 0 && isNew(at)) {
      child = at;
      at = parent[at]!;
    }
    const edge = via[child]!;
    const key = `${label(at)} ${edgeTypes[after.edges[edge + eTypeF]!] === 'element' || edgeTypes[after.edges[edge + eTypeF]!] === 'hidden' ? '[]' : edgeLabel(edge)}`;
    const g = groups.get(key) ?? { owner: at, edge, count: 0, size: 0, sample: i };
    g.count++;
    g.size += size;
    groups.set(key, g);
  }
  const pathTo = (i: number): string => {
    const steps: string[] = [];
    for (let at = i; at !== 0 && steps.length < 14; at = parent[at]!) steps.unshift(`${edgeLabel(via[at]!)}`);
    return `${steps.join('')} (${label(i)})`;
  };
  const owners = [...groups.entries()]
    .sort((a, b) => b[1].size - a[1].size)
    .slice(0, top)
    .map(([key, g]) => ({ owner: key, count: g.count, kb: Math.round(g.size / 102.4) / 10, path: pathTo(g.owner), sample: label(g.sample) }));
  return { totalKb: Math.round(total / 102.4) / 10, newObjects: count, owners };
}
