/**
 * The generated packages as Salesforce's own tools read them: for the Open CTI package
 * (hosted in a Visualforce page, or at an external URL) and the Voice package (external, or hosted
 * in the org), @salesforce/source-deploy-retrieve places every file in a component and converts
 * the project to Metadata API format, with a package.xml listing exactly the components the
 * builder wrote at the project's API version; every Apex class parses with @apexdevtools/apex-parser;
 * the Aura bundle follows Salesforce's file conventions. Each checker is also shown to catch a
 * broken copy. The LWCs' compile and jest checks are in test/callcenter/package-lwc.test.ts.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { initConfigYaml, loadConfig } from '../../src/node/callcenter/config.ts';
import type { CallCenterDefinition } from '../../src/node/callcenter/definition.ts';
import { buildPackage, DEFAULT_API_VERSION, PACKAGE_DIR, type PackageOptions } from '../../src/node/package/package-builder.ts';
import { rsaCertificate } from '../callcenter/voice-support.ts';
import { apexSyntaxProblems, checkApexClasses } from './apex-syntax.ts';
import { auraBundleProblems } from './aura-bundle.ts';
import { convertWithSdr, filesUnder, intendedComponents } from './sdr-check.ts';

/** Every folder of this file, gone when it ends: a project is built once and read by several tests. */
const root = mkdtempSync(join(tmpdir(), 'sb-sftools-'));
after(() => rmSync(root, { recursive: true, force: true }));
const tempDir = (prefix: string): string => mkdtempSync(join(root, prefix));

function openCtiDefinition(): CallCenterDefinition {
  const r = loadConfig(initConfigYaml(), 'switchboard.yaml');
  assert.ok(r.ok);
  return r.definition;
}

function voiceDefinition(adapterUrl?: string): CallCenterDefinition {
  // The folder `callcenter init --surface voice` writes, with the certificate it names.
  const dir = tempDir('voice-');
  writeFileSync(join(dir, 'switchboard.yaml'), initConfigYaml('voice'));
  writeFileSync(join(dir, 'voice-bridge-cert.pem'), rsaCertificate().cert);
  const r = loadConfig(initConfigYaml('voice'), join(dir, 'switchboard.yaml'));
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  return adapterUrl === undefined ? r.definition : { ...r.definition, adapterUrl };
}

/** A connector build as `npm run build` lays it out, for the packages that host it in a Visualforce page. */
function connectorDist(indexHtml: string, script: string, style: string): string {
  const dir = tempDir('dist-');
  writeFileSync(join(dir, 'index.html'), indexHtml);
  writeFileSync(join(dir, script), 'export {};');
  writeFileSync(join(dir, style), 'body{margin:0}');
  return dir;
}
const SOFTPHONE_INDEX =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="stylesheet" href="app.css"><script type="module" src="app.js"></script></head><body><switchboard-softphone></switchboard-softphone></body></html>';
const VOICE_INDEX = readFileSync(join(import.meta.dirname, '../../src/app/voice/index.html'), 'utf8');

/** The project on disk, as `switchboard package build --out` writes it. */
function writeProject(def: CallCenterDefinition, options: PackageOptions): string {
  const dir = tempDir('project-');
  for (const f of buildPackage(def, options)) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  return dir;
}

interface Build {
  readonly name: string;
  readonly write: () => string;
  readonly apiVersion: string;
  /** The metadata types this build must have, so an empty or shrunken project cannot pass. */
  readonly types: readonly string[];
}

const OPEN_CTI_TYPES = [
  'ApexClass',
  'AuraDefinitionBundle',
  'CallCenter',
  'CspTrustedSite',
  'CustomField',
  'CustomObject',
  'CustomTab',
  'LightningComponentBundle',
  'LightningMessageChannel',
  'PermissionSet',
];
const BUILDS: readonly Build[] = [
  {
    name: 'Open CTI, hosted in a Visualforce page, API 61.0',
    write: () => writeProject(openCtiDefinition(), { connectorDist: connectorDist(SOFTPHONE_INDEX, 'app.js', 'app.css'), apiVersion: '61.0' }),
    apiVersion: '61.0',
    types: [...OPEN_CTI_TYPES, 'ApexPage', 'StaticResource'].sort(),
  },
  {
    name: 'Open CTI, hosted at an external URL',
    write: () => writeProject(openCtiDefinition(), { externalUrl: 'https://softphone.example.com/agent' }),
    apiVersion: DEFAULT_API_VERSION,
    types: OPEN_CTI_TYPES,
  },
  {
    name: 'Salesforce Voice, connector at an https URL',
    write: () => writeProject(voiceDefinition(), {}),
    apiVersion: DEFAULT_API_VERSION,
    types: ['CallCenter', 'ConversationVendorInfo', 'CspTrustedSite', 'PermissionSet'],
  },
  {
    name: 'Salesforce Voice, connector hosted in the org',
    write: () => writeProject(voiceDefinition('/apex/switchboard__SwitchboardVoice'), { connectorDist: connectorDist(VOICE_INDEX, 'voice.js', 'voice.css') }),
    apiVersion: DEFAULT_API_VERSION,
    types: [
      'ApexClass',
      'ApexPage',
      'CallCenter',
      'ConversationVendorInfo',
      'CspTrustedSite',
      'CustomField',
      'CustomObject',
      'PermissionSet',
      'StaticResource',
    ],
  },
];

const written = new Map<Build, string>();
/** The build's project, written on first use; tests only read it. */
function project(build: Build): string {
  const dir = written.get(build) ?? build.write();
  written.set(build, dir);
  return dir;
}
/** A copy of the build's project a test may break. */
function projectCopy(build: Build): string {
  const dir = tempDir('copy-');
  cpSync(project(build), dir, { recursive: true });
  return dir;
}

for (const build of BUILDS) {
  test(`${build.name}: SDR places every file and converts to Metadata API format with the package.xml the builder meant`, async () => {
    const dir = project(build);
    const sourceApiVersion = (JSON.parse(readFileSync(join(dir, 'sfdx-project.json'), 'utf8')) as { sourceApiVersion: string }).sourceApiVersion;
    assert.equal(sourceApiVersion, build.apiVersion);
    const intended = intendedComponents(join(dir, PACKAGE_DIR));
    assert.deepEqual([...intended.keys()], build.types);

    const report = await convertWithSdr(dir, PACKAGE_DIR, tempDir('mdapi-'));
    assert.deepEqual(report.problems, []);
    assert.ok(report.packageXml);
    assert.deepEqual(Object.fromEntries(report.packageXml.types), Object.fromEntries(intended));
    assert.equal(report.packageXml.version, build.apiVersion);
  });

  test(`${build.name}: every Apex class parses with apex-parser, the Aura bundle follows the conventions`, () => {
    const source = join(project(build), PACKAGE_DIR);
    const classes = join(source, 'classes');
    if (build.types.includes('ApexClass')) {
      const { files, problems } = checkApexClasses(classes, 'classes');
      assert.deepEqual(problems, []);
      // A class and its test at least; every .cls of the project was read.
      assert.ok(files.length >= 2, files.join(', '));
      assert.deepEqual(
        files,
        filesUnder(classes).filter((f) => f.endsWith('.cls')),
      );
    } else {
      assert.equal(existsSync(classes), false);
    }
    const aura = join(source, 'aura');
    if (build.types.includes('AuraDefinitionBundle')) {
      const { bundles, problems } = auraBundleProblems(aura);
      assert.deepEqual(problems, []);
      assert.deepEqual(bundles, ['SwitchboardOmniBridge']);
    } else {
      assert.equal(existsSync(aura), false);
    }
  });
}

const [hostedOpenCti] = BUILDS;
assert.ok(hostedOpenCti);

test('the Apex check reports a class with a missing brace at its position (the check above can fail)', () => {
  const classes = join(project(hostedOpenCti), PACKAGE_DIR, 'classes');
  const original = readFileSync(join(classes, 'SwitchboardCallLog.cls'), 'utf8');
  // The class's last closing brace gone: the parser runs into the end of the file.
  const broken = original.slice(0, original.lastIndexOf('}')) + original.slice(original.lastIndexOf('}') + 1);
  const copy = tempDir('apex-');
  writeFileSync(join(copy, 'SwitchboardCallLog.cls'), broken);
  writeFileSync(join(copy, 'Fine.cls'), 'public class Fine {}\n');
  const { files, problems } = checkApexClasses(copy, 'classes');
  assert.deepEqual(files, ['Fine.cls', 'SwitchboardCallLog.cls']);
  const lines = broken.split('\n');
  const endLine = lines.length;
  const endColumn = (lines.at(-1) ?? '').length + 1;
  assert.equal(problems.length, 1, problems.join('\n'));
  assert.match(problems[0] ?? '', new RegExp(`^classes/SwitchboardCallLog\\.cls:${endLine}:${endColumn} .*<EOF>`));

  // A statement error inside a method is placed on its own line and column.
  assert.deepEqual(
    apexSyntaxProblems('public class X {\n    void a() {\n        Integer i = ;\n    }\n}\n').map((p) => [p.line, p.column]),
    [[3, 21]],
  );
});

test('the SDR check reports a class without its -meta.xml and a file in no component (the check above can fail)', async () => {
  const first = projectCopy(hostedOpenCti);
  unlinkSync(join(first, PACKAGE_DIR, 'classes', 'SwitchboardCallLog.cls-meta.xml'));
  const report = await convertWithSdr(first, PACKAGE_DIR, tempDir('mdapi-'));
  assert.ok(
    report.problems.some((p) => p.includes('SwitchboardCallLog.cls')),
    report.problems.join('\n'),
  );

  const second = projectCopy(hostedOpenCti);
  writeFileSync(join(second, PACKAGE_DIR, 'notes.txt'), 'not metadata');
  const strayReport = await convertWithSdr(second, PACKAGE_DIR, tempDir('mdapi-'));
  assert.ok(
    strayReport.problems.some((p) => p.includes(`${PACKAGE_DIR}/notes.txt`)),
    strayReport.problems.join('\n'),
  );
});

test('the Aura check reports misnamed and misplaced bundle files and scripts that are no object of functions (the check above can fail)', () => {
  const aura = join(project(hostedOpenCti), PACKAGE_DIR, 'aura');
  const copy = tempDir('aura-');
  cpSync(join(aura, 'SwitchboardOmniBridge'), join(copy, 'SwitchboardOmniBridge'), { recursive: true });
  const bundle = join(copy, 'SwitchboardOmniBridge');
  renameSync(join(bundle, 'SwitchboardOmniBridgeController.js'), join(bundle, 'controller.js'));
  writeFileSync(join(bundle, 'SwitchboardOmniBridge.cmp'), '<aura:application></aura:application>');
  writeFileSync(join(bundle, 'SwitchboardOmniBridgeHelper.js'), 'var helper = { apply: function () {} };');
  writeFileSync(join(bundle, 'SwitchboardOmniBridgeRenderer.js'), '({ render: function () {}, label: "x" })');
  mkdirSync(join(copy, 'Second'));
  writeFileSync(join(copy, 'Second', 'Second.cmp'), '<aura:component>');
  const { bundles, problems } = auraBundleProblems(copy);
  assert.deepEqual(bundles, ['Second', 'SwitchboardOmniBridge']);
  const expected = [
    /^aura\/Second\/Second\.cmp-meta\.xml: missing/,
    /^aura\/Second\/Second\.cmp: not well-formed markup: /,
    /^aura\/SwitchboardOmniBridge\/controller\.js: not a file an Aura bundle may hold: .*SwitchboardOmniBridgeController\.js/,
    /^aura\/SwitchboardOmniBridge\/SwitchboardOmniBridge\.cmp: the root element is <aura:application>, a \.cmp file's must be <aura:component>$/,
    /^aura\/SwitchboardOmniBridge\/SwitchboardOmniBridgeHelper\.js: is not one object literal/,
    /^aura\/SwitchboardOmniBridge\/SwitchboardOmniBridgeRenderer\.js: has members that are not functions: label /,
  ];
  assert.equal(problems.length, expected.length, problems.join('\n'));
  problems.forEach((p, i) => assert.match(p, expected[i] ?? /^$/));
});
