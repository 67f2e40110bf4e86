/**
 * The built app pages preload exactly the chunks their entry imports statically (and nothing it
 * loads lazily, such as the SIP stack), at paths that exist.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Metafile } from 'esbuild';
import { withModulePreloads } from '../../scripts/esbuild/module-preloads.ts';

const ROOT = resolve(import.meta.dirname, '../..');

test('a page gets one modulepreload per static import of its entry, before the entry script', () => {
  const meta: Metafile = {
    inputs: {},
    outputs: {
      'dist/app/p/p.js': {
        bytes: 1,
        inputs: {},
        exports: [],
        imports: [
          { path: 'dist/app/p/chunks/a.js', kind: 'import-statement' },
          { path: 'dist/app/p/chunks/lazy.js', kind: 'dynamic-import' },
          { path: 'dist/app/p/chunks/b.js', kind: 'import-statement' },
        ],
      },
    },
  };
  const html = '<head>\n  <script type="module" src="./p.js"></script>\n</head>';
  assert.equal(
    withModulePreloads(html, 'dist/app/p/index.html', meta),
    '<head>\n  <link rel="modulepreload" href="./chunks/a.js" />\n  <link rel="modulepreload" href="./chunks/b.js" />\n  <script type="module" src="./p.js"></script>\n</head>',
  );
  assert.throws(
    () => withModulePreloads(html.replace('p.js', 'q.js'), 'dist/app/p/index.html', meta),
    /index\.html: its script \.\/q\.js is not among the build's outputs/,
  );
});

test("the built softphone page preloads its entry's static chunks, which exist, and not the SIP stack", () => {
  const page = join(ROOT, 'dist/app/softphone/index.html');
  const html = readFileSync(page, 'utf8');
  const meta = JSON.parse(readFileSync(join(ROOT, 'dist/meta.json'), 'utf8')) as Metafile;
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="\.\/([^"]+)" \/>/g)].map((m) => `dist/app/softphone/${m[1]}`);
  const expected = meta.outputs['dist/app/softphone/softphone.js']!.imports.filter((i) => i.kind === 'import-statement').map((i) => i.path);
  assert.ok(expected.length > 0, 'the entry has static chunks');
  assert.deepEqual(preloaded.sort(), expected.sort());
  for (const file of preloaded) assert.ok(existsSync(join(ROOT, file)), `${file} exists`);
  assert.ok(!preloaded.some((f) => /\/sip-/.test(f)), 'the SIP stack stays a lazy chunk');
  assert.ok(html.indexOf('modulepreload') < html.indexOf('<script type="module"'), 'preloads come before the entry script');
});
