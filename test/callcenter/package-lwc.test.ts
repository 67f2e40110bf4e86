/**
 * The package's Lightning web components as Salesforce builds and tests them: every LWC the package
 * generates compiles with Salesforce's LWC compiler (@lwc/compiler) without errors, and the
 * switchboardSetup page and the presence bridge pass their sfdx-lwc-jest tests (test/callcenter/lwc/),
 * run in the generated Salesforce DX project. The jest tests live in the repository, not in the
 * package: they compare the page with what the Node linter says (data/fixtures.json, written here),
 * which an org has no use for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from '@lwc/compiler';
import { SWITCHBOARD_ITEMS } from '../../src/core/index.ts';
import { buildMetadataXml } from '../../src/node/callcenter/build.ts';
import { initConfigYaml, loadConfig } from '../../src/node/callcenter/config.ts';
import type { CallCenterDefinition } from '../../src/node/callcenter/definition.ts';
import { lintCallCenter, type LintProblem } from '../../src/node/callcenter/lint.ts';
import { buildPackage, PACKAGE_DIR } from '../../src/node/package/package-builder.ts';

const here = dirname(fileURLToPath(import.meta.url));

function definition(): CallCenterDefinition {
  const r = loadConfig(initConfigYaml(), 'switchboard.yaml');
  assert.ok(r.ok);
  return r.definition;
}

/** The generated project on disk, as `switchboard package build --out` writes it. */
function writeProject(t: { after: (fn: () => void) => void }): { dir: string; callCenterXml: string } {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-lwc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let callCenterXml = '';
  for (const f of buildPackage(definition(), { externalUrl: 'https://softphone.example.com/agent' })) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
    if (f.path.endsWith('.callCenter-meta.xml')) callCenterXml = String(f.content);
  }
  return { dir, callCenterXml };
}

/** The problem `callcenter lint` reports once `name` is set to `value` in the package's call center (and not before). */
function lintMessage(def: CallCenterDefinition, name: string, value: string): string {
  const key = (p: LintProblem): string => `${p.rule} ${p.message}`;
  const file = `${def.internalName}.callCenter-meta.xml`;
  const before = new Set(lintCallCenter(buildMetadataXml(def), file).problems.map(key));
  const added = lintCallCenter(buildMetadataXml({ ...def, switchboard: { ...def.switchboard, [name]: value } }), file).problems.filter(
    (p) => !before.has(key(p)),
  );
  assert.equal(added.length, 1, `${name}=${value}: ${JSON.stringify(added)}`);
  const [p] = added as [LintProblem];
  assert.equal(p.severity, 'error');
  return `${p.severity} ${p.rule}: ${p.message} ${p.fix}`;
}

test('every LWC in the package compiles with @lwc/compiler without errors', (t) => {
  const { dir } = writeProject(t);
  const lwcDir = join(dir, PACKAGE_DIR, 'lwc');
  const bundles = readdirSync(lwcDir).sort();
  assert.deepEqual(bundles, ['switchboardPresenceBridge', 'switchboardSetup']);
  let compiled = 0;
  for (const name of bundles) {
    for (const file of readdirSync(join(lwcDir, name)).filter((f) => /\.(js|html|css)$/.test(f))) {
      const source = readFileSync(join(lwcDir, name, file), 'utf8');
      // transformSync throws on a fatal error; errors it can recover from come back as diagnostics.
      const result = transformSync(source, file, { name, namespace: 'c' });
      const errors = (result.warnings ?? []).filter((w) => w.level <= 1);
      assert.deepEqual(errors, [], `${name}/${file}`);
      assert.ok(result.code.length > 0, `${name}/${file}`);
      compiled++;
    }
  }
  assert.ok(compiled >= 6, `compiled ${compiled} files`);
});

test('the LWC compiler refuses a broken template (the check above can fail)', () => {
  assert.throws(() => transformSync('<template><p lwc:if={a}></template>', 'broken.html', { name: 'broken', namespace: 'c' }));
});

test('switchboardSetup and switchboardPresenceBridge pass their sfdx-lwc-jest tests in the generated project', { timeout: 120_000 }, (t) => {
  const def = definition();
  const { dir, callCenterXml } = writeProject(t);
  const tests = join(dir, PACKAGE_DIR, 'lwc', 'switchboardSetup', '__tests__');
  mkdirSync(join(tests, 'data'), { recursive: true });
  copyFileSync(join(here, 'lwc', 'switchboardSetup.test.js'), join(tests, 'switchboardSetup.test.js'));
  const bridgeTests = join(dir, PACKAGE_DIR, 'lwc', 'switchboardPresenceBridge', '__tests__');
  mkdirSync(bridgeTests);
  copyFileSync(join(here, 'lwc', 'switchboardPresenceBridge.test.js'), join(bridgeTests, 'switchboardPresenceBridge.test.js'));
  writeFileSync(
    join(tests, 'data', 'fixtures.json'),
    JSON.stringify(
      {
        internalName: def.internalName,
        callCenterXml,
        fieldNames: SWITCHBOARD_ITEMS.map((s) => s.name),
        values: { sipDomain: def.switchboard['sipDomain'], sipWebSocketUrl: def.switchboard['sipWebSocketUrl'] },
        sectionLabels: lintCallCenter(callCenterXml, `${def.internalName}.callCenter-meta.xml`).callCenter?.sections.map((s) => s.label ?? s.name),
        badValues: [
          { name: 'wrapUpSeconds', value: 'soon', original: def.switchboard['wrapUpSeconds'] ?? '', expected: lintMessage(def, 'wrapUpSeconds', 'soon') },
          {
            name: 'sipIceServers',
            value: '[{"url":',
            original: def.switchboard['sipIceServers'] ?? '',
            expected: lintMessage(def, 'sipIceServers', '[{"url":'),
          },
          { name: 'sipPassword', value: 'hunter2', original: def.switchboard['sipPassword'] ?? '', expected: lintMessage(def, 'sipPassword', 'hunter2') },
          {
            name: 'sipWebSocketUrl',
            value: 'pbx.example.com',
            original: def.switchboard['sipWebSocketUrl'] ?? '',
            expected: lintMessage(def, 'sipWebSocketUrl', 'pbx.example.com'),
          },
        ],
      },
      null,
      2,
    ),
  );
  const bin = createRequire(import.meta.url).resolve('@salesforce/sfdx-lwc-jest/bin/sfdx-lwc-jest');
  // One worker: the machines this runs on have two cores and the rest of the suite runs beside it.
  const r = spawnSync(process.execPath, [bin, '--', '--runInBand', '--ci', '--colors=false'], { cwd: dir, encoding: 'utf8', timeout: 110_000 });
  const output = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.status, 0, output);
  assert.match(output, /Tests:\s+9 passed, 9 total/, output);
});
