// Builds every browser entry: each `src/**/<name>.entry.ts` becomes `dist/<dir>/<name>.js`
// (minified ESM, with a metafile for the bundle benchmarks). `.html` and `.css` files beside
// an entry are copied with it, so a page and its script stay together.
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const entries = walk('src').filter((f) => f.endsWith('.entry.ts'));
const outdir = 'dist';
mkdirSync(outdir, { recursive: true });

const result = await build({
  entryPoints: Object.fromEntries(entries.map((f) => [relative('src', f).replace(/\.entry\.ts$/, ''), f])),
  outdir,
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
writeFileSync(join(outdir, 'meta.json'), JSON.stringify(result.metafile));

const dirs = new Set(entries.map((f) => dirname(f)));
for (const dir of dirs) {
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.html') || name.endsWith('.css')) {
      const target = join(outdir, relative('src', dir), name);
      mkdirSync(dirname(target), { recursive: true });
      cpSync(join(dir, name), target);
    }
  }
}
console.log(`built ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} into ${outdir}/`);
