/** The `switchboard` bin, spawned as users run it: exit codes, files written, JSON output. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(root, 'bin', 'switchboard.mjs');
const corpus = join(root, 'test', 'callcenter', 'corpus');

function run(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_OPTIONS: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface JsonProblem {
  file: string;
  line: number;
  column: number;
  severity: string;
  rule: string;
  message: string;
  fix: string;
}
interface JsonReport {
  files: { file: string; format: string | null; profile: string; problems: JsonProblem[] }[];
  errors: number;
  warnings: number;
}

test('init → build → lint: exit 0, both files written, lint clean', (t) => {
  const dir = tempDir(t);
  const init = run(['callcenter', 'init'], dir);
  assert.equal(init.code, 0, init.stderr);
  assert.ok(existsSync(join(dir, 'switchboard.yaml')));
  assert.equal(run(['callcenter', 'init'], dir).code, 1, 'init refuses to overwrite');
  assert.equal(run(['callcenter', 'init', '--force'], dir).code, 0);
  const build = run(['callcenter', 'build', '--out', 'cc'], dir);
  assert.equal(build.code, 0, build.stderr);
  const importFile = join(dir, 'cc', 'SwitchboardSoftphone.xml');
  const metaFile = join(dir, 'cc', 'callCenters', 'SwitchboardSoftphone.callCenter-meta.xml');
  assert.ok(existsSync(importFile) && existsSync(metaFile));
  const lint = run(['callcenter', 'lint', importFile, metaFile, '--format', 'json'], dir);
  assert.equal(lint.code, 0, lint.stdout + lint.stderr);
  const report = JSON.parse(lint.stdout) as JsonReport;
  assert.deepEqual(
    report.files.map((f) => [f.format, f.profile]),
    [
      ['import', 'switchboard'],
      ['metadata', 'switchboard'],
    ],
  );
  const problems = report.files.flatMap((f) => f.problems);
  assert.deepEqual(
    problems.map((p) => [p.severity, p.rule]),
    [
      ['warning', 'adapter-url-relative'],
      ['warning', 'adapter-url-relative'],
    ],
  );
  assert.deepEqual([report.errors, report.warnings], [0, 2]);
});

test('lint of a broken file: exit 1, human output file:line:col severity rule message Fix', () => {
  const r = run(['callcenter', 'lint', 'broken/sort-order-gap-items.xml'], corpus);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^broken\/sort-order-gap-items\.xml: Setup import file \(<callCenter>\), checked as a Switchboard call center$/m);
  assert.match(r.stdout, /^broken\/sort-order-gap-items\.xml:9:11 error sort-order-gap Items in section 'reqGeneralInfo' skip sortOrder 3\. Fix: Renumber/m);
  assert.match(r.stdout, /1 error\(s\), 0 warning\(s\) in 1 file\(s\)\./);
});

test('lint --format json prints every problem of every file', () => {
  const r = run(['callcenter', 'lint', 'broken/size-not-number.xml', 'broken/switchboard-ice-and-unknown.xml', 'valid/crlf.xml', '--format', 'json'], corpus);
  assert.equal(r.code, 1);
  const problems = (JSON.parse(r.stdout) as JsonReport).files.flatMap((f) => f.problems);
  assert.deepEqual(
    problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.severity} ${p.rule}`),
    [
      'broken/size-not-number.xml:9:76 error softphone-size-invalid',
      'broken/size-not-number.xml:10:74 error softphone-size-invalid',
      'broken/switchboard-ice-and-unknown.xml:16:58 error switchboard-item-invalid',
      'broken/switchboard-ice-and-unknown.xml:17:5 warning switchboard-item-unknown',
      'broken/switchboard-ice-and-unknown.xml:18:61 error secret-in-file',
    ],
  );
  for (const p of problems) assert.deepEqual(Object.keys(p).sort(), ['column', 'file', 'fix', 'line', 'message', 'rule', 'severity']);
});

test('warnings only: exit 0', () => {
  const r = run(['callcenter', 'lint', 'valid/local-emulator.xml'], corpus);
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /warning adapter-url-localhost/);
});

test('usage errors exit 2; a missing file is an error', (t) => {
  const dir = tempDir(t);
  assert.equal(run([], dir).code, 2);
  assert.equal(run(['callcenter', 'frobnicate'], dir).code, 2);
  assert.equal(run(['callcenter', 'lint'], dir).code, 2);
  assert.equal(run(['callcenter', 'lint', 'x.xml', '--format', 'yaml'], dir).code, 2);
  assert.equal(run(['callcenter', 'lint', 'x.xml', '--bogus'], dir).code, 2);
  const missing = run(['callcenter', 'lint', 'nope.xml'], dir);
  assert.equal(missing.code, 1);
  assert.match(missing.stdout, /nope\.xml:1:1 error/);
  assert.equal(run(['help'], dir).code, 0);
});

test('schema prints the JSON Schema', (t) => {
  const r = run(['callcenter', 'schema'], tempDir(t));
  assert.equal(r.code, 0);
  const schema = JSON.parse(r.stdout) as { $schema: string; properties: Record<string, unknown> };
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.deepEqual(Object.keys(schema.properties), ['surface', 'callCenter', 'dialing', 'voice', 'switchboard']);
});

test('build with a bad config: exit 1, problems name file, line, column and field', (t) => {
  const dir = tempDir(t);
  assert.equal(run(['callcenter', 'init', '--out', 'bad.yaml'], dir).code, 0);
  const text = readFileSync(join(dir, 'bad.yaml'), 'utf8').replace('  width: 340', '  width: 12');
  writeFileSync(join(dir, 'bad.yaml'), text);
  const line = text.split('\n').findIndex((l) => l.startsWith('  width:')) + 1;
  const r = run(['callcenter', 'build', 'bad.yaml'], dir);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim(), `bad.yaml:${line}:10 error callCenter.width: must be >= 200.`);
  assert.equal(existsSync(join(dir, 'out')), false, 'nothing is written');
  const none = run(['callcenter', 'build'], dir);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /switchboard callcenter init/);
});

test('build of a config Salesforce would refuse (Classic) writes the files and exits 1 with the lint errors', (t) => {
  const dir = tempDir(t);
  run(['callcenter', 'init'], dir);
  const file = join(dir, 'switchboard.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('compatibilityMode: Lightning', 'compatibilityMode: Classic'));
  const r = run(['callcenter', 'build'], dir);
  assert.equal(r.code, 1);
  assert.equal((r.stderr.match(/error compatibility-mode-classic/g) ?? []).length, 2, r.stderr);
});

test('a shared sipPassword: build, package build and doctor refuse it at its line and column; a demo call center may hold one', (t) => {
  const dir = tempDir(t);
  run(['callcenter', 'init'], dir);
  const file = join(dir, 'switchboard.yaml');
  const text = readFileSync(file, 'utf8').replace('  sipPassword: ""', '  sipPassword: hunter2');
  writeFileSync(file, text);
  const line = text.split('\n').findIndex((l) => l.startsWith('  sipPassword:')) + 1;
  for (const args of [['callcenter', 'build'], ['package', 'build', '--external-url', 'https://softphone.example.com/'], ['doctor']]) {
    const r = run(args, dir);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(
      r.stderr,
      new RegExp(
        `^switchboard\\.yaml:${line}:16 error switchboard\\.sipPassword: a shared SIP password .*readable by every agent.*credentialScheme: ephemeral`,
        'm',
      ),
      args.join(' '),
    );
    assert.doesNotMatch(r.stdout + r.stderr, /hunter2/, 'the password is never echoed');
  }
  assert.equal(existsSync(join(dir, 'out')), false, 'no file holding the password is written');
  writeFileSync(file, text.replace('  demoCallCenter: false', '  demoCallCenter: true'));
  const demo = run(['callcenter', 'build'], dir);
  assert.equal(demo.code, 0, demo.stderr);
  assert.match(demo.stderr, /SwitchboardSoftphone\.xml:\d+:\d+ warning secret-in-file .*demoCallCenter/);
});

test('package build and doctor run from the bin', (t) => {
  const dir = tempDir(t);
  run(['callcenter', 'init'], dir);
  const pkg = run(['package', 'build', '--external-url', 'https://softphone.example.com/', '--out', 'pkg'], dir);
  assert.equal(pkg.code, 0, pkg.stderr);
  assert.ok(existsSync(join(dir, 'pkg', 'sfdx-project.json')));
  const noDist = run(['package', 'build', '--connector-dist', 'missing'], dir);
  assert.equal(noDist.code, 1);
  assert.match(noDist.stderr, /npm run build/);
  const withPackage = run(['doctor', '--package', 'pkg', '--format', 'json'], dir);
  assert.equal(withPackage.code, 1, 'an external-URL package has no SwitchboardSoftphone page');
  assert.ok((JSON.parse(withPackage.stdout) as { id: string }[]).some((f) => f.id === 'adapter-page-missing'));
  const doctor = run(['doctor', '--format', 'json'], dir);
  assert.equal(doctor.code, 0, doctor.stdout);
  const findings = JSON.parse(doctor.stdout) as { severity: string; id: string }[];
  assert.ok(findings.some((f) => f.id === 'csp-trusted-site'));
  const file = join(dir, 'switchboard.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('adapterUrl: /apex/SwitchboardSoftphone', 'adapterUrl: http://softphone.example.com/'));
  const bad = run(['doctor'], dir);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /^error adapter-url-http: /m);
});

test('--help on every command and subcommand: its own usage on stdout, exit 0, nothing run', (t) => {
  const dir = tempDir(t);
  const cases: [string[], RegExp][] = [
    [['--help'], /^Usage: switchboard <command>/],
    [['callcenter', '--help'], /^Usage: switchboard <command>/],
    [['callcenter', 'init', '--help'], /^Usage: switchboard callcenter init .*\n[\s\S]*--force/],
    [['callcenter', 'schema', '-h'], /^Usage: switchboard callcenter schema/],
    [['callcenter', 'build', '--help'], /^Usage: switchboard callcenter build [\s\S]*--out DIR/],
    [['callcenter', 'lint', '--help'], /^Usage: switchboard callcenter lint [\s\S]*--format json/],
    [['package', 'build', '--help'], /^Usage: switchboard package build [\s\S]*--external-url URL/],
    [['doctor', '--help'], /^Usage: switchboard doctor [\s\S]*--console/],
  ];
  for (const [args, usage] of cases) {
    const r = run(args, dir);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, usage, args.join(' '));
  }
  assert.equal(existsSync(join(dir, 'switchboard.yaml')), false, 'callcenter init --help wrote nothing');
  // After `--`, --help is a file name like any other.
  const lint = run(['callcenter', 'lint', '--', '--help'], dir);
  assert.equal(lint.code, 1);
  assert.match(lint.stdout, /^--help:1:1 error xml-not-well-formed The file cannot be read/m);
});

test('npm start and the console emulator answer --help with their options, and name an unknown option', () => {
  const tsx = (script: string, args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(root, script), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  for (const [script, first] of [
    ['scripts/start.ts', /^Usage: npm start -- \[options\]/],
    ['src/node/console/main.ts', /^Usage: tsx src\/node\/console\/main\.ts/],
  ] as const) {
    const help = tsx(script, ['--help']);
    assert.equal(help.status, 0, `${script} --help: ${help.stderr}`);
    assert.match(help.stdout, first);
    assert.match(help.stdout, /--sip-secret S/);
    const bad = tsx(script, ['--bogus']);
    assert.equal(bad.status, script === 'scripts/start.ts' ? 1 : 2, `${script} --bogus exits with an error`);
    assert.match(bad.stderr, /'--bogus'[\s\S]*Usage:/);
  }
});

test("another vendor's file gets no Switchboard advice: auto profile, generic; --profile switchboard asks for it", () => {
  const generic = run(['callcenter', 'lint', 'broken/switchboard-section-missing.xml'], corpus);
  assert.match(
    generic.stdout,
    /^broken\/switchboard-section-missing\.xml: Setup import file \(<callCenter>\), checked as a generic call center \(no Switchboard advice\)$/m,
  );
  assert.doesNotMatch(generic.stdout, /switchboard-section-missing \w/, 'no Switchboard section expected of a vendor file');
  const ours = run(['callcenter', 'lint', 'broken/switchboard-section-missing.xml', '--profile', 'switchboard', '--format', 'json'], corpus);
  const report = JSON.parse(ours.stdout) as JsonReport;
  assert.equal(report.files[0]!.profile, 'switchboard');
  assert.ok(report.files[0]!.problems.some((p) => p.rule === 'switchboard-section-missing'));
  assert.equal(run(['callcenter', 'lint', 'x.xml', '--profile', 'acme'], corpus).code, 2);
});

test('doctor, build and package build given a Call Center XML file say they read the YAML config, and what reads XML', () => {
  for (const args of [['doctor'], ['callcenter', 'build'], ['package', 'build']]) {
    const r = run([...args, 'valid/vendor-sections.xml'], corpus);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(
      r.stderr,
      /^valid\/vendor-sections\.xml:1:1 error \(file\): this is an XML file \(a Call Center definition\?\), but this command reads the Switchboard config, a YAML file such as switchboard\.yaml\./,
    );
    assert.match(r.stderr, /switchboard callcenter lint valid\/vendor-sections\.xml/);
  }
});
