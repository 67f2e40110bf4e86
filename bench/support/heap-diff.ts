/**
 * Two heap snapshots of one renderer compared, two ways.
 *
 * - `retainedGrowth`, object by object: V8 keeps an object's snapshot id for its lifetime, so the
 *   objects of `after` whose ids `before` lacks are the ones made since and still alive. Each is
 *   charged to its nearest ancestor (on the shortest strong path from the GC roots) that `before`
 *   already had: the container that grew, named with the edge it grew under. Ids hold only within
 *   one heap-profiler session (CDP's HeapProfiler.disable clears them), so both snapshots must come
 *   from one `HeapSession` (profile.ts).
 * - `contentGrowth`, by kind and content: objects grouped by type and name (a string by its text,
 *   ids and digits folded), counts and sizes compared, and a path from the roots to one object of
 *   each group that grew. Needs no ids: it compares any two snapshots (`npm run bench` keeps two).
 */
import type { SnapshotJson } from './profile.ts';

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

export interface ContentGrowth {
  /** Type and name, a string's text with ids and digits folded (`string:outbox/entry/<id>`). */
  readonly group: string;
  readonly count: number;
  readonly kb: number;
  /** The shortest strong path from a root to one object of the group in `after`. */
  readonly path: string;
}

/** A snapshot's nodes and edges, indexed for walking. */
class Graph {
  readonly nw: number;
  readonly ew: number;
  readonly n: number;
  readonly f: { type: number; name: number; id: number; size: number; edges: number; eType: number; eName: number; eTo: number };
  readonly nodeTypes: string[];
  readonly edgeTypes: string[];
  readonly firstEdge: Uint32Array;
  /** Shortest strong path from the root (node 0): the parent of each node and the edge from it. */
  readonly parent: Int32Array;
  readonly via: Int32Array;

  constructor(readonly s: SnapshotJson) {
    const meta = s.snapshot.meta;
    this.nw = meta.node_fields.length;
    this.ew = meta.edge_fields.length;
    this.n = s.nodes.length / this.nw;
    const nf = (x: string): number => meta.node_fields.indexOf(x);
    const ef = (x: string): number => meta.edge_fields.indexOf(x);
    this.f = {
      type: nf('type'),
      name: nf('name'),
      id: nf('id'),
      size: nf('self_size'),
      edges: nf('edge_count'),
      eType: ef('type'),
      eName: ef('name_or_index'),
      eTo: ef('to_node'),
    };
    this.nodeTypes = meta.node_types[0];
    this.edgeTypes = meta.edge_types[0];
    this.firstEdge = new Uint32Array(this.n + 1);
    for (let i = 0, e = 0; i < this.n; i++) {
      this.firstEdge[i] = e;
      e += s.nodes[i * this.nw + this.f.edges]! * this.ew;
    }
    this.firstEdge[this.n] = s.edges.length;
    this.parent = new Int32Array(this.n).fill(-1);
    this.via = new Int32Array(this.n).fill(-1);
    this.parent[0] = 0;
    const queue = new Uint32Array(this.n);
    let head = 0;
    let tail = 0;
    queue[tail++] = 0;
    while (head < tail) {
      const i = queue[head++]!;
      for (let e = this.firstEdge[i]!; e < this.firstEdge[i + 1]!; e += this.ew) {
        if (this.edgeTypes[s.edges[e + this.f.eType]!] === 'weak') continue;
        const j = s.edges[e + this.f.eTo]! / this.nw;
        if (this.parent[j] !== -1) continue;
        this.parent[j] = i;
        this.via[j] = e;
        queue[tail++] = j;
      }
    }
  }

  type(i: number): string {
    return this.nodeTypes[this.s.nodes[i * this.nw + this.f.type]!] ?? '?';
  }
  name(i: number): string {
    return this.s.strings[this.s.nodes[i * this.nw + this.f.name]!] ?? '';
  }
  id(i: number): number {
    return this.s.nodes[i * this.nw + this.f.id]!;
  }
  size(i: number): number {
    return this.s.nodes[i * this.nw + this.f.size]!;
  }
  label(i: number): string {
    return `${this.type(i)}:${this.name(i).slice(0, 60).replace(/\s+/g, ' ')}`;
  }
  edgeType(e: number): string {
    return this.edgeTypes[this.s.edges[e + this.f.eType]!] ?? '?';
  }
  edgeLabel(e: number): string {
    const type = this.edgeType(e);
    const v = this.s.edges[e + this.f.eName]!;
    return type === 'element' || type === 'hidden' ? `[${v}]` : `.${this.s.strings[v] ?? v}`;
  }
  pathTo(i: number): string {
    const steps: string[] = [];
    for (let at = i; at !== 0 && this.parent[at]! >= 0 && steps.length < 14; at = this.parent[at]!) steps.unshift(this.edgeLabel(this.via[at]!));
    return `${steps.join('')} (${this.label(i)})`;
  }
  /** The group an object counts in: V8's own kinds by kind, strings by their text with ids and digits folded. */
  group(i: number): string {
    const type = this.type(i);
    if (type === 'code') return '(compiled code)';
    if (type.endsWith('string'))
      return `${type}:${this.name(i)
        .slice(0, 40)
        .replace(/[0-9a-z]{12,}/g, '<id>')
        .replace(/\d+/g, '#')}`;
    return `${type}:${this.name(i).slice(0, 60).replace(/@\d+/g, '')}`;
  }
}

/** The groups that grew most from `before` to `after` (by size), with a path to one object of each. */
export function contentGrowth(before: SnapshotJson, after: SnapshotJson, top = 15): ContentGrowth[] {
  const tally = (g: Graph): Map<string, { count: number; size: number; last: number }> => {
    const m = new Map<string, { count: number; size: number; last: number }>();
    for (let i = 1; i < g.n; i++) {
      const k = g.group(i);
      const v = m.get(k) ?? { count: 0, size: 0, last: i };
      v.count++;
      v.size += g.size(i);
      // The last such object with a strong path: the likeliest to be one of the new ones.
      if (g.parent[i]! >= 0) v.last = i;
      m.set(k, v);
    }
    return m;
  };
  const a = tally(new Graph(before));
  const ga = new Graph(after);
  const b = tally(ga);
  return [...b]
    .map(([group, v]) => ({
      group,
      count: v.count - (a.get(group)?.count ?? 0),
      kb: Math.round((v.size - (a.get(group)?.size ?? 0)) / 102.4) / 10,
      last: v.last,
    }))
    .filter((g) => g.kb > 0)
    .sort((x, y) => y.kb - x.kb)
    .slice(0, top)
    .map((g) => ({ group: g.group, count: g.count, kb: g.kb, path: ga.pathTo(g.last) }));
}

export function retainedGrowth(before: SnapshotJson, after: SnapshotJson, top = 25): { totalKb: number; newObjects: number; owners: GrowthOwner[] } {
  const g = new Graph(after);
  const old = new Graph(before);
  const oldIds = new Set<number>();
  for (let i = 0; i < old.n; i++) oldIds.add(old.id(i));
  const isNew = (i: number): boolean => !oldIds.has(g.id(i));
  const groups = new Map<string, { owner: number; count: number; size: number; sample: number }>();
  let total = 0;
  let count = 0;
  for (let i = 1; i < g.n; i++) {
    if (!isNew(i) || g.parent[i] === -1 || g.type(i) === 'code') continue;
    total += g.size(i);
    count++;
    let child = i;
    let at = g.parent[i]!;
    while (at !== 0 && isNew(at)) {
      child = at;
      at = g.parent[at]!;
    }
    const edge = g.via[child]!;
    const kind = g.edgeType(edge);
    const key = `${g.label(at)} ${kind === 'element' || kind === 'hidden' ? '[]' : g.edgeLabel(edge)}`;
    const entry = groups.get(key) ?? { owner: at, count: 0, size: 0, sample: i };
    entry.count++;
    entry.size += g.size(i);
    groups.set(key, entry);
  }
  const owners = [...groups.entries()]
    .sort((x, y) => y[1].size - x[1].size)
    .slice(0, top)
    .map(([key, e]) => ({ owner: key, count: e.count, kb: Math.round(e.size / 102.4) / 10, path: g.pathTo(e.owner), sample: g.label(e.sample) }));
  return { totalKb: Math.round(total / 102.4) / 10, newObjects: count, owners };
}
