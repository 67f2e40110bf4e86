/**
 * Salesforce's file conventions for an Aura bundle (Lightning Aura Components Developer Guide,
 * "Component Bundles"): everything in `aura/<name>/`, no subfolders, one definition file
 * `<name>.cmp|.app|.evt|.intf|.tokens` with its `<name>.<kind>-meta.xml`, and only the resources a
 * bundle may have, each named after the bundle; its scripts each one object literal of functions. The platform ignores or refuses anything else,
 * which source tracking would not notice.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { SaxesParser } from 'saxes';

/** The definition file's suffix and the root element its markup must have. */
const DEFINITIONS: Readonly<Record<string, string>> = {
  cmp: 'aura:component',
  app: 'aura:application',
  evt: 'aura:event',
  intf: 'aura:interface',
  tokens: 'aura:tokens',
};

/** The resources a bundle may hold besides its definition, as `<name>` + suffix. */
const RESOURCES = ['Controller.js', 'Helper.js', 'Renderer.js', '.css', '.design', '.svg', '.auradoc'];

/** The JavaScript resources, which Aura loads as one object literal of functions: `({ name: function (…) {…}, … })`. */
const SCRIPTS = ['Controller.js', 'Helper.js', 'Renderer.js'];

/**
 * Why a bundle script is not one object literal of functions, or undefined. Evaluating the file
 * only builds the object (none of its functions runs), in a context of its own.
 */
function scriptProblem(source: string): string | undefined {
  let value: unknown;
  try {
    value = runInNewContext(source, {}, { timeout: 1000 });
  } catch (e) {
    return `does not evaluate: ${(e as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not one object literal `({ … })`';
  const notFunctions = Object.entries(value)
    .filter(([, v]) => typeof v !== 'function')
    .map(([k]) => k);
  return notFunctions.length ? `has members that are not functions: ${notFunctions.join(', ')}` : undefined;
}

/** The root element of a markup file, or the first well-formedness error. */
function markupRoot(xml: string): { root?: string; error?: string } {
  const parser = new SaxesParser({ xmlns: false });
  let root: string | undefined;
  let error: string | undefined;
  parser.on('opentag', (tag) => {
    root ??= tag.name;
  });
  parser.on('error', (e) => {
    error ??= e.message;
  });
  parser.write(xml).close();
  return error === undefined ? { root } : { error };
}

/** Every way `auraDir/<bundle>/` breaks the conventions, each naming its file. */
export function auraBundleProblems(auraDir: string): { bundles: string[]; problems: string[] } {
  const problems: string[] = [];
  const bundles = readdirSync(auraDir).sort();
  for (const name of bundles) {
    const dir = join(auraDir, name);
    const at = (file: string): string => `aura/${name}/${file}`;
    if (!statSync(dir).isDirectory()) {
      problems.push(`aura/${name}: a file directly in aura/, outside any bundle folder`);
      continue;
    }
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name) || name.includes('__') || name.endsWith('_'))
      problems.push(`aura/${name}: a bundle name must start with a letter and hold only letters, digits and single underscores`);
    const files = readdirSync(dir).sort();
    const definitions = files.filter((f) => Object.keys(DEFINITIONS).some((kind) => f === `${name}.${kind}`));
    if (definitions.length !== 1)
      problems.push(
        `aura/${name}: ${
          definitions.length === 0
            ? `no definition file (${Object.keys(DEFINITIONS)
                .map((k) => `${name}.${k}`)
                .join(', ')})`
            : `more than one definition file: ${definitions.join(', ')}`
        }`,
      );
    const definition = definitions[0];
    const kind = definition?.slice(name.length + 1);
    for (const file of files) {
      if (statSync(join(dir, file)).isDirectory()) {
        problems.push(`${at(file)}: a folder inside a bundle (Aura bundles are flat)`);
        continue;
      }
      const allowed = file === definition || (kind !== undefined && file === `${name}.${kind}-meta.xml`) || RESOURCES.some((r) => file === `${name}${r}`);
      if (!allowed)
        problems.push(
          `${at(file)}: not a file an Aura bundle may hold: expected ${name}.<cmp|app|evt|intf|tokens>, its -meta.xml, or ${RESOURCES.map((r) => `${name}${r}`).join(', ')}`,
        );
    }
    if (definition && kind) {
      if (!files.includes(`${name}.${kind}-meta.xml`)) problems.push(`${at(`${name}.${kind}-meta.xml`)}: missing (the bundle's AuraDefinitionBundle metadata)`);
      const { root, error } = markupRoot(readFileSync(join(dir, definition), 'utf8'));
      if (error) problems.push(`${at(definition)}: not well-formed markup: ${error}`);
      else if (root !== DEFINITIONS[kind]) problems.push(`${at(definition)}: the root element is <${root}>, a .${kind} file's must be <${DEFINITIONS[kind]}>`);
    }
    for (const script of SCRIPTS.map((r) => `${name}${r}`).filter((f) => files.includes(f))) {
      const problem = scriptProblem(readFileSync(join(dir, script), 'utf8'));
      if (problem) problems.push(`${at(script)}: ${problem} (Aura loads it as an object literal of functions)`);
    }
    if (files.includes(`${name}.design`) && kind !== 'cmp') problems.push(`${at(`${name}.design`)}: only a component (.cmp) bundle has a design resource`);
  }
  return { bundles, problems };
}
