/**
 * A generated DX project as Salesforce's own tooling sees it: @salesforce/source-deploy-retrieve
 * (the library behind `sf project deploy` and `sf project convert source`) resolves its source files
 * into components and converts them to Metadata API format, package.xml included. No org is needed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseXml } from '../../src/node/callcenter/xml-tree.ts';

/** A metadata type and its members, members sorted. */
export type ComponentList = ReadonlyMap<string, readonly string[]>;

export interface SdrReport {
  /** Everything that keeps the project from converting as the builder meant, each naming its file. */
  readonly problems: string[];
  /** package.xml of the Metadata API conversion: its types and members, and its version. */
  readonly packageXml: { readonly types: ComponentList; readonly version: string } | undefined;
}

/** Paths relative to `root`, forward slashes, sorted. */
export function filesUnder(root: string, dir: string = root): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(root, p));
    else out.push(relative(root, p).split(sep).join('/'));
  }
  return out.sort();
}

/**
 * The components the builder meant, read from its own files rather than from SDR: every
 * `-meta.xml` names its type by its root element and its member by its file name (up to the first
 * dot), a field's member prefixed by its object's folder (`objects/User/fields/X__c` → `User.X__c`).
 */
export function intendedComponents(packageDir: string): ComponentList {
  const types = new Map<string, string[]>();
  for (const path of filesUnder(packageDir).filter((p) => p.endsWith('-meta.xml'))) {
    const { root, errors } = parseXml(readFileSync(join(packageDir, path), 'utf8'));
    if (!root || errors.length)
      throw new Error(`${path}: not well-formed XML: ${errors.map((e) => `${e.position.line}:${e.position.column} ${e.message}`).join('; ')}`);
    const parts = path.split('/');
    const base = (parts.at(-1) ?? '').split('.')[0] ?? '';
    const member = parts[0] === 'objects' && parts.length === 4 ? `${parts[1]}.${base}` : base;
    types.set(root.name, [...(types.get(root.name) ?? []), member]);
  }
  return sorted(types);
}

function sorted(types: Map<string, string[]>): ComponentList {
  return new Map([...types.keys()].sort().map((t) => [t, [...new Set(types.get(t))].sort()]));
}

/**
 * Resolves `<projectDir>/<packageDir>` with SDR as `sf project convert source` does (the project's
 * sfdx-project.json gives the API version), checks every file there belongs to a component, and
 * converts the components to Metadata API format in `outputDir`.
 */
export async function convertWithSdr(projectDir: string, packageDir: string, outputDir: string): Promise<SdrReport> {
  // Salesforce's libraries otherwise write a log file under ~/.sf on every run.
  process.env['SF_DISABLE_LOG_FILE'] = 'true';
  const { ComponentSetBuilder, MetadataConverter } = await import('@salesforce/source-deploy-retrieve');
  const source = join(projectDir, packageDir);
  const problems: string[] = [];
  let set;
  try {
    set = await ComponentSetBuilder.build({ sourcepath: [source], projectDir });
  } catch (e) {
    return { problems: [`${packageDir}: SDR cannot resolve the source: ${(e as Error).message}`], packageXml: undefined };
  }
  const placed = new Set<string>();
  for (const c of set.getSourceComponents()) {
    for (const part of [c, ...c.getChildren()]) {
      if (part.xml) placed.add(part.xml);
      for (const f of part.walkContent()) placed.add(f);
    }
  }
  for (const ignored of set.forceIgnoredPaths ?? []) problems.push(`${relative(projectDir, ignored)}: ignored by SDR (forceignore)`);
  for (const path of filesUnder(source)) {
    if (!placed.has(join(source, path))) problems.push(`${packageDir}/${path}: SDR places this file in no component, so a deploy leaves it out`);
  }
  try {
    await new MetadataConverter().convert(set, 'metadata', { type: 'directory', outputDirectory: outputDir, genUniqueDir: false });
  } catch (e) {
    problems.push(`${packageDir}: SDR cannot convert the source to Metadata API format: ${(e as Error).message}`);
    return { problems, packageXml: undefined };
  }
  return { problems, packageXml: readPackageXml(readFileSync(join(outputDir, 'package.xml'), 'utf8')) };
}

export function readPackageXml(xml: string): { types: ComponentList; version: string } {
  const { root, errors } = parseXml(xml);
  if (!root || errors.length) throw new Error(`package.xml does not parse: ${errors.map((e) => e.message).join('; ')}`);
  const types = new Map<string, string[]>();
  for (const t of root.children.filter((c) => c.name === 'types')) {
    const name = t.children.find((c) => c.name === 'name')?.text.trim() ?? '';
    types.set(name, [...(types.get(name) ?? []), ...t.children.filter((c) => c.name === 'members').map((m) => m.text.trim())]);
  }
  return { types: sorted(types), version: root.children.find((c) => c.name === 'version')?.text.trim() ?? '' };
}
