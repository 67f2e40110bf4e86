/**
 * How a run is reported: the markdown table of its figures, where the time and memory went, and the
 * README section between `<!-- bench:start -->` and `<!-- bench:end -->`. `--report-only` renders
 * them again from bench/out/results.json without measuring, so they take the results as that file
 * holds them, never the run's own state.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Row } from './figures.ts';
import { round2, type HeapMetrics } from './measure.ts';
import { PROFILE_CALLS, SETTLE_CALLS } from './options.ts';
import type { HeapClass, HeapGrowth, HotFunction } from './profile.ts';

const README = resolve(import.meta.dirname, '../../README.md');

export function renderTable(rows: readonly Row[]): string {
  const fmt = (n: number | undefined, unit: string): string => (n === undefined ? '—' : `${n}${unit && unit !== '×' ? ` ${unit}` : unit}`);
  const lines = [
    '| figure | ours | anchor | ratio | target | met? |',
    '|---|---:|---:|---:|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.figure} | ${fmt(r.ours, r.unit)} | ${fmt(r.anchor, r.unit)} | ${r.anchor ? `${round2(r.ours / r.anchor)}×` : '—'} | ${r.target} | ${r.met === undefined ? '' : r.met ? 'yes' : '**no**'} |`,
    ),
  ];
  return lines.join('\n');
}

interface ProfileFigures {
  readonly cpuProfileTopSelf?: { readonly ours?: readonly HotFunction[]; readonly anchor?: readonly HotFunction[] };
  readonly idleHeapTop?: { readonly ours?: readonly HeapClass[]; readonly anchor?: readonly HeapClass[] };
  readonly heapGrowthTop?: readonly HeapGrowth[];
}

export interface ResultsFile {
  readonly measuredAt: string;
  readonly machine: { readonly cpus: number; readonly loadAverageAtStart?: readonly number[] };
  readonly options: Record<string, unknown>;
  readonly rows: readonly Row[];
  readonly raw: { readonly idleHeap: { readonly ours: readonly HeapMetrics[] } } & ProfileFigures;
}

/** Where the time and memory go, as markdown: the top self-time functions, the idle heap's largest constructors, what grew. */
export function profileText(raw: ProfileFigures): string {
  const fns = (list: readonly HotFunction[] | undefined): string =>
    (list ?? [])
      .slice(0, 8)
      .map((h) => `\`${h.fn}\` ${h.where} ${h.selfMs} ms`)
      .join('; ') || '—';
  const classes = (list: readonly HeapClass[] | undefined): string =>
    (list ?? [])
      .slice(0, 6)
      .map((c) => `${c.name} ${c.selfKb} KB`)
      .join('; ') || '—';
  return [
    `- CPU self time over ${PROFILE_CALLS} calls (frame): ours ${fns(raw.cpuProfileTopSelf?.ours)}`,
    `- anchor: ${fns(raw.cpuProfileTopSelf?.anchor)}`,
    `- idle heap, largest constructors: ours ${classes(raw.idleHeapTop?.ours)}; anchor ${classes(raw.idleHeapTop?.anchor)}`,
    `- grew from call ${SETTLE_CALLS} to the last (count, KB): ${(raw.heapGrowthTop ?? []).map((g) => `${g.name} +${g.count} (${g.selfKb} KB)`).join('; ') || '—'}`,
  ].join('\n');
}

/** Replaces the README section between the bench markers (adds the markers at the end when absent). */
export function writeReadme(table: string, results: ResultsFile): void {
  const file = README;
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  let text = readFileSync(file, 'utf8');
  if (!text.includes(start) || !text.includes(end)) text = `${text.trimEnd()}\n\n${start}\n${end}\n`;
  const load = results.machine.loadAverageAtStart;
  const scope = results.raw.idleHeap.ours[0]?.scope ?? 'frame';
  const body = [
    start,
    '## Benchmarks',
    '',
    `Measured by \`npm run bench\` on ${results.measuredAt.slice(0, 10)}: loopback, the embedded SIP server, headless Chromium, ${results.machine.cpus} cores` +
      (load ? ` (load average ${load[0]} at the start: other work shared the machine, so read the ratios, not the absolute times)` : '') +
      '.',
    "The anchor is sip.js + one Lit element + postMessage (`bench/anchors/sipjs-lit`), built with the same esbuild options and measured in the same run. Its page keeps stock sip.js; ours is built with `scripts/sip-grammar/`, which decodes sip.js's grammar table once per page instead of once per parsed header (a fix of ours to sip.js, counted in our figures). The embedded SIP server, which both talk to, runs with it too.",
    `Ready is iframe inserted → \`notifyInitializationComplete\` (ours, in the console emulator) / \`ready\` (anchor)${results.options.origins === 'strict' ? ', both frames served over HTTPS with HTTP/2 as Salesforce frames every softphone (until 2026-12-07 the anchor came over plain HTTP and skipped the TLS handshakes; until 2026-12-08 both came over HTTP/1.1)' : ', both over plain HTTP (--local)'}; screen pop is a Node sip.js caller's INVITE → the console receiving \`searchAndScreenPop\` / the anchor's \`screenPop\`;`,
    `heap is CDP \`JSHeapUsedSize\` after GC of ${scope === 'frame' ? "the softphone frame's own renderer" : 'the console page and the softphone frame together (Chromium kept them in one process)'}; the leak check rings and cancels (answering needs media the Node caller lacks).`,
    `Options: \`${JSON.stringify(results.options)}\`; raw figures in \`bench/out/results.json\`.`,
    '',
    table,
    '',
    'Where the time and memory go (Chromium CPU profile and heap snapshots through CDP):',
    '',
    profileText(results.raw),
    end,
  ].join('\n');
  const a = text.indexOf(start);
  const z = text.indexOf(end) + end.length;
  writeFileSync(file, text.slice(0, a) + body + text.slice(z));
}
