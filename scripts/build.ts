// Builds every browser entry: each `src/**/<name>.entry.ts` becomes `dist/<dir>/<name>.js`
// (minified ESM, with a metafile for the bundle benchmarks). `.html` and `.css` files beside
// an entry are copied with it, so a page and its script stay together.
//
// The app's pages (`src/app/<page>/`) are built with code splitting, one build per page folder, so
// a dynamic `import()` (the softphone's SIP stack) becomes a chunk in `dist/app/<page>/chunks/`,
// beside the page that loads it: the folder stays self-contained for the console emulator and the
// package's static resource. Everything else is built without splitting: the Open CTI libraries
// are loaded as classic scripts and must never contain an import statement.
//
// The connector page (dist/app/softphone/index.html) gets the deployment's configuration
// (src/node/connector-page): its Content-Security-Policy and the origins it trusts besides
// Salesforce's. Options, each repeatable:
//   --trusted-origin <origin>   e.g. http://127.0.0.1:4280; default none (Salesforce origins only)
//   --sip-websocket <url>       the phone system's WebSocket; default any wss: endpoint
// The console emulator and the package builder write their own values when they serve or package it.
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { sipGrammarOnce } from './esbuild/sip-grammar-once.ts';
import { withModulePreloads } from './esbuild/module-preloads.ts';
import { checkTrustedOrigin, configureConnectorPage, connectorCsp } from '../src/node/connector-page/connector-page.ts';

function parseArgs(argv: readonly string[]): { trustedOrigins: string[]; sipWebSocketUrls?: string[] } {
  const trustedOrigins: string[] = [];
  const sip: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = argv[i + 1];
    if (arg !== '--trusted-origin' && arg !== '--sip-websocket') throw new Error(`scripts/build.ts: unknown option '${arg}' (see the comment at its top)`);
    if (value === undefined) throw new Error(`scripts/build.ts: ${arg} needs a value`);
    i++;
    if (arg === '--trusted-origin') trustedOrigins.push(checkTrustedOrigin(value, '--trusted-origin'));
    else if (!/^wss?:\/\/[^\s/]+/i.test(value)) throw new Error(`scripts/build.ts: --sip-websocket '${value}' is not a ws:// or wss:// URL`);
    else sip.push(value);
  }
  return { trustedOrigins, ...(sip.length ? { sipWebSocketUrls: sip } : {}) };
}
const pageConfig = parseArgs(process.argv.slice(2));

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

const common: BuildOptions = {
  bundle: true,
  format: 'esm',
  minify: true,
  sourcemap: 'linked',
  target: ['es2020', 'chrome100'],
  platform: 'browser',
  legalComments: 'none',
  metafile: true,
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
  // sip.js's grammar decodes its rule table once per page, not once per parsed header.
  plugins: [sipGrammarOnce()],
};
const entryName = (f: string): string => relative('src', f).replace(/\.entry\.ts$/, '');
const isApp = (f: string): boolean => f.startsWith(join('src', 'app') + sep);

const pages = new Map<string, string[]>();
for (const f of entries.filter(isApp)) pages.set(dirname(f), [...(pages.get(dirname(f)) ?? []), f]);
const others = entries.filter((f) => !isApp(f));

const builds: Promise<{ metafile?: Metafile }>[] = [];
if (others.length) {
  builds.push(build({ ...common, entryPoints: Object.fromEntries(others.map((f) => [entryName(f), f])), outdir, splitting: false }));
}
for (const [dir, files] of pages) {
  const pageOut = join(outdir, relative('src', dir));
  // Chunk names carry a hash: drop the previous build's so stale chunks are neither served nor packaged.
  rmSync(join(pageOut, 'chunks'), { recursive: true, force: true });
  builds.push(
    build({
      ...common,
      entryPoints: Object.fromEntries(files.map((f) => [relative(dir, f).replace(/\.entry\.ts$/, ''), f])),
      outdir: pageOut,
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
    }),
  );
}
// The `switchboard` command line as built JavaScript (bin/switchboard.mjs runs it), so a command
// starts without compiling TypeScript; its packages stay in node_modules. Not in the metafile: the
// bundle benchmarks measure the browser code.
const cli = build({
  entryPoints: { switchboard: 'src/node/cli/run.ts' },
  outdir: join(outdir, 'cli'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
// One metafile for the bundle benchmarks: the builds' inputs and outputs merged (paths are relative
// to the working directory, so they do not collide).
const meta: Metafile = { inputs: {}, outputs: {} };
for (const result of await Promise.all(builds)) {
  Object.assign(meta.inputs, result.metafile?.inputs);
  Object.assign(meta.outputs, result.metafile?.outputs);
}
writeFileSync(join(outdir, 'meta.json'), JSON.stringify(meta));
await cli;

const dirs = new Set(entries.map((f) => dirname(f)));
for (const dir of dirs) {
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.html') || name.endsWith('.css')) {
      const target = join(outdir, relative('src', dir), name);
      mkdirSync(dirname(target), { recursive: true });
      cpSync(join(dir, name), target);
      if (name.endsWith('.html') && isApp(join(dir, name))) writeFileSync(target, withModulePreloads(readFileSync(target, 'utf8'), target, meta));
      if (target === join(outdir, 'app', 'softphone', 'index.html')) {
        writeFileSync(
          target,
          configureConnectorPage(readFileSync(target, 'utf8'), { trustedOrigins: pageConfig.trustedOrigins, csp: connectorCsp(pageConfig) }),
        );
      }
    }
  }
}
console.log(`built ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} into ${outdir}/`);
