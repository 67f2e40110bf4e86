// Coverage gate for the Salesforce Voice adapter: its tests, run with node's coverage, must cover
// at least 95 % of the lines of src/crm/salesforce-voice/** (test files excluded) that hold code.
//
// Node 20 has no threshold flags, and its per-file figure counts every line of the TypeScript
// source through the loader's source map; lines that hold no JavaScript once types are erased
// (comments, interfaces, type-only imports) can come out uncovered. So the lines counted are those
// esbuild's source map says produce code, and a line is covered unless node lists it uncovered.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SourceMap } from 'node:module';
import { transformSync } from 'esbuild';

const ROOT = join(import.meta.dirname, '..', '..');
const DIR = join(ROOT, 'src', 'crm', 'salesforce-voice');
const THRESHOLD = 95;

/** Original (1-based) line numbers that produce JavaScript. */
function codeLines(path: string): Set<number> {
  const out = transformSync(readFileSync(path, 'utf8'), { loader: 'ts', format: 'esm', sourcemap: 'external', sourcefile: path });
  const map = new SourceMap(JSON.parse(out.map) as ConstructorParameters<typeof SourceMap>[0]);
  const lines = new Set<number>();
  out.code.split('\n').forEach((text, line) => {
    for (let column = 0; column < Math.max(1, text.length); column++) {
      const entry = map.findEntry(line, column) as { originalLine?: number };
      if (typeof entry.originalLine === 'number') lines.add(entry.originalLine + 1);
    }
  });
  return lines;
}

/** `1-5 12 30-31` → {1,2,3,4,5,12,30,31}. */
function parseRanges(text: string): Set<number> {
  const out = new Set<number>();
  for (const part of text.trim().split(/\s+/).filter(Boolean)) {
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || Number.isNaN(a)) throw new Error(`unreadable uncovered range '${part}'`);
    for (let n = a; n <= (b ?? a); n++) out.add(n);
  }
  return out;
}

describe('Salesforce Voice adapter coverage', () => {
  it(`covers at least ${THRESHOLD} % of its code lines`, { timeout: 240_000 }, () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
    const tests = files.filter((f) => f.endsWith('.test.ts')).map((f) => join(DIR, f));
    const sources = files.filter((f) => !f.endsWith('.test.ts'));
    assert.ok(tests.length > 0 && sources.length > 0);
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--test', '--experimental-test-coverage', '--test-reporter=tap', ...tests],
      // Without the runner's own NODE_TEST_CONTEXT, or the child reports to this runner instead of printing its report.
      { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 220_000, env: { ...process.env, NODE_TEST_CONTEXT: undefined } },
    );
    assert.equal(run.status, 0, `the adapter's tests failed:\n${run.stdout.slice(-4000)}\n${run.stderr.slice(-2000)}`);
    let total = 0;
    let covered = 0;
    const report: string[] = [];
    for (const file of sources) {
      const rel = relative(ROOT, join(DIR, file));
      const row = run.stdout.split('\n').find((l) => l.startsWith(`# ${rel} `));
      const code = codeLines(join(DIR, file));
      // A file no test loads is not in node's report: none of its code ran.
      const uncovered = row ? parseRanges(row.split('|')[4] ?? '') : code;
      const missed = [...code].filter((n) => uncovered.has(n));
      total += code.size;
      covered += code.size - missed.length;
      report.push(`${rel}: ${code.size - missed.length}/${code.size}${missed.length ? ` (uncovered: ${missed.join(' ')})` : ''}`);
    }
    const percent = (covered / total) * 100;
    console.log(`Salesforce Voice adapter line coverage: ${percent.toFixed(2)} % (${covered}/${total} code lines)\n  ${report.join('\n  ')}`);
    assert.ok(percent >= THRESHOLD, `line coverage ${percent.toFixed(2)} % is below ${THRESHOLD} %:\n  ${report.join('\n  ')}`);
  });
});
