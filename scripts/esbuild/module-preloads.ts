/**
 * `<link rel="modulepreload">` for the chunks a page's entry script imports statically, written into
 * the page beside its `<script type="module">`: the browser fetches them with the entry instead of
 * after parsing it (one round trip less before the softphone runs and can tell Salesforce it is ready).
 */
import { dirname, join, relative, sep } from 'node:path';
import type { Metafile } from 'esbuild';

/** `html` (the page at `htmlFile`, a path as the metafile names outputs) with its entry's static chunks preloaded. */
export function withModulePreloads(html: string, htmlFile: string, meta: Metafile): string {
  return html.replace(/<script type="module" src="\.\/([^"]+\.js)"><\/script>/, (tag, script: string) => {
    const entry = join(dirname(htmlFile), script).split(sep).join('/');
    const output = meta.outputs[entry];
    if (!output) throw new Error(`${htmlFile}: its script ./${script} is not among the build's outputs (${entry})`);
    const links = output.imports
      .filter((i) => i.kind === 'import-statement')
      .map((i) => `<link rel="modulepreload" href="./${relative(dirname(htmlFile), i.path).split(sep).join('/')}" />\n  `);
    return links.join('') + tag;
  });
}
