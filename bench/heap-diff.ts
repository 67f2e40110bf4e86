/**
 * `npm run bench:heap`: what the softphone keeps per call. Ours alone: --from calls (default 100),
 * a heap snapshot, --to calls (default 600), another, both through one heap-profiler session and
 * written to bench/out. Prints what grew by kind and content, and the containers the new objects
 * hang from (support/heap-diff.ts). `--diff a.heapsnapshot b.heapsnapshot` compares two saved
 * snapshots by kind and content (`npm run bench` keeps its leak check's two in bench/out).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUT_DIR } from './support/pages.ts';
import { withOursAlone } from './support/ours-alone.ts';
import { openHeapSession, type SnapshotJson } from './support/profile.ts';
import { contentGrowth, retainedGrowth } from './support/heap-diff.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) || fallback : fallback;
};

const TOP = Number(process.env.TOP ?? 15);

function byContent(label: string, before: SnapshotJson, after: SnapshotJson): void {
  console.log(`${label}, by kind and content (count, KB):`);
  for (const g of contentGrowth(before, after, TOP))
    console.log(`${String(g.kb).padStart(8)} KB ${String(g.count).padStart(6)}  ${g.group}\n           path: ${g.path}`);
}

function byContainer(label: string, before: SnapshotJson, after: SnapshotJson): void {
  const { totalKb, newObjects, owners } = retainedGrowth(before, after, TOP);
  console.log(`${label}: ${newObjects} new objects alive, ${totalKb} KB (compiled code left out), by the container they hang from:`);
  for (const o of owners)
    console.log(`${String(o.kb).padStart(8)} KB ${String(o.count).padStart(6)}  ${o.owner}\n           path: ${o.path}\n           e.g.: ${o.sample}`);
}

const diff = process.argv.indexOf('--diff');
if (diff > 0) {
  const [a, b] = [process.argv[diff + 1], process.argv[diff + 2]];
  if (!a || !b) throw new Error('--diff needs two .heapsnapshot files');
  byContent(`${a} → ${b}`, JSON.parse(readFileSync(a, 'utf8')) as SnapshotJson, JSON.parse(readFileSync(b, 'utf8')) as SnapshotJson);
} else {
  const from = arg('--from', 100);
  const to = arg('--to', 600);
  // A call's log and journal settle through IndexedDB for up to a second after it ends.
  const settle = (): Promise<void> => new Promise((ok) => setTimeout(ok, 3000));
  await withOursAlone(async ({ phone, call }) => {
    const heap = await openHeapSession(phone.page, phone.frame());
    try {
      const snapshotAt = async (calls: number): Promise<SnapshotJson> => {
        await settle();
        const json = await heap.take();
        writeFileSync(join(OUT_DIR, `heap-calls-${calls}.heapsnapshot`), JSON.stringify(json));
        return json;
      };
      for (let i = 0; i < from; i++) await call();
      const before = await snapshotAt(from);
      for (let i = from; i < to; i++) await call();
      const after = await snapshotAt(to);
      byContent(`calls ${from} → ${to}`, before, after);
      byContainer(`calls ${from} → ${to}`, before, after);
    } finally {
      await heap.close();
    }
  });
}
