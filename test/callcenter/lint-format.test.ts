/**
 * The detected format — Setup import, Metadata API, or the hybrid (the root of one format with parts
 * of the other) — as the linter returns it and as `switchboard callcenter lint` states it in text and
 * JSON. Runs the CLI in-process (runCli), so it checks the sources, not a stale dist/ build.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/node/cli/main.ts';
import { lintCallCenter } from '../../src/node/callcenter/lint.ts';

const corpus = join(dirname(fileURLToPath(import.meta.url)), 'corpus');
const NOW = new Date('2026-12-01T00:00:00Z');

async function lint(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runCli(['callcenter', 'lint', ...args], {
    cwd: corpus,
    out: (s) => {
      out += s;
    },
    err: (s) => {
      out += s;
    },
  });
  return { code, out };
}

test('a file is the hybrid exactly when it mixes the formats; no valid file is one', () => {
  let hybrids = 0;
  for (const dir of ['valid', 'broken']) {
    for (const name of readdirSync(join(corpus, dir)).filter((f) => f.endsWith('.xml'))) {
      const result = lintCallCenter(readFileSync(join(corpus, dir, name), 'utf8'), name, { now: NOW });
      const mixed = result.problems.some((p) => p.rule === 'format-mixed');
      assert.equal(result.hybrid !== undefined, mixed, `${dir}/${name}: hybrid ${JSON.stringify(result.hybrid)}, format-mixed ${mixed}`);
      if (result.hybrid) {
        hybrids++;
        assert.equal(result.hybrid.root, result.format, `${name}: the hybrid's root is the format it is read as`);
        assert.ok(result.hybrid.marks.length > 0);
      }
    }
  }
  assert.ok(hybrids >= 8, `only ${hybrids} hybrids in the corpus`);
});

test('the hybrid names what of the other format it carries, each once, in file order', () => {
  const marksOf = (name: string): readonly string[] | undefined =>
    lintCallCenter(readFileSync(join(corpus, 'broken', name), 'utf8'), name, { now: NOW }).hybrid?.marks;
  assert.deepEqual(marksOf('AcmeSoftphone.callCenter-meta.xml'), ['the *.callCenter-meta.xml file name']);
  assert.deepEqual(marksOf('mixed-xmlns-on-import.xml'), ['the xmlns namespace']);
  assert.deepEqual(marksOf('mixed-value-element.xml'), ['<value> in <item>']);
  assert.deepEqual(marksOf('MetaSectionElement.callCenter-meta.xml'), ['<section>']);
  assert.deepEqual(marksOf('MetaSortOrderAttribute.callCenter-meta.xml'), ['the sortOrder attribute', 'the name attribute']);
  // A Metadata root without its namespace is a broken Metadata file, not one with Setup import parts.
  assert.equal(marksOf('MetaNoXmlns.callCenter-meta.xml'), undefined);
});

const FILES = [
  'valid/crlf.xml',
  'valid/AcmeSoftphone.callCenter-meta.xml',
  'broken/AcmeSoftphone.callCenter-meta.xml',
  'broken/MetaSortOrderAttribute.callCenter-meta.xml',
];

test("lint states each file's format in its text output, the hybrid with its root and marks", async () => {
  const { code, out } = await lint(FILES);
  assert.equal(code, 1, 'the hybrids are errors');
  const titles = out.split('\n').filter((l) => /^[^:]+\.xml: /.test(l));
  assert.deepEqual(titles, [
    'valid/crlf.xml: Setup import file (<callCenter>), checked as a Switchboard call center',
    'valid/AcmeSoftphone.callCenter-meta.xml: Metadata API file (<CallCenter>), checked as a Switchboard call center',
    'broken/AcmeSoftphone.callCenter-meta.xml: hybrid: a Setup import file (<callCenter>) with Metadata API parts (the *.callCenter-meta.xml file name), checked as a Switchboard call center',
    'broken/MetaSortOrderAttribute.callCenter-meta.xml: hybrid: a Metadata API file (<CallCenter>) with Setup import parts (the sortOrder attribute, the name attribute), checked as a Switchboard call center',
  ]);
  assert.match(out, /^broken\/AcmeSoftphone\.callCenter-meta\.xml:3:1 error format-mixed /m);
});

test("lint --format json states format import, metadata or hybrid, and the hybrid's root and marks", async () => {
  const { code, out } = await lint([...FILES, '--format', 'json']);
  assert.equal(code, 1);
  const report = JSON.parse(out) as { files: Record<string, unknown>[] };
  assert.deepEqual(
    report.files.map((f) => ({ file: f['file'], format: f['format'], hybrid: f['hybrid'] })),
    [
      { file: 'valid/crlf.xml', format: 'import', hybrid: undefined },
      { file: 'valid/AcmeSoftphone.callCenter-meta.xml', format: 'metadata', hybrid: undefined },
      { file: 'broken/AcmeSoftphone.callCenter-meta.xml', format: 'hybrid', hybrid: { root: 'import', marks: ['the *.callCenter-meta.xml file name'] } },
      {
        file: 'broken/MetaSortOrderAttribute.callCenter-meta.xml',
        format: 'hybrid',
        hybrid: { root: 'metadata', marks: ['the sortOrder attribute', 'the name attribute'] },
      },
    ],
  );
  assert.deepEqual(Object.keys(report.files[0] ?? {}), ['file', 'format', 'surface', 'profile', 'problems'], 'a plain file has no hybrid key');
  assert.deepEqual(Object.keys(report.files[2] ?? {}), ['file', 'format', 'hybrid', 'surface', 'profile', 'problems']);
});
