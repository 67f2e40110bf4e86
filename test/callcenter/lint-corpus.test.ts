/**
 * The linter against the corpus: every broken file gives exactly the problems (positions, rules,
 * messages) in its `.expected.json` sidecar; every valid file — written the ways vendors write
 * them — lints without errors; and every rule is exercised by some file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintCallCenter, RULES, type LintProblem } from '../../src/node/callcenter/lint.ts';
import { parseConnectorSettings } from '../../src/core/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const brokenDir = join(here, 'corpus', 'broken');
const validDir = join(here, 'corpus', 'valid');
const xmlFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.xml'))
    .sort();
/** The corpus is judged on a fixed date, so the certificates' expiry findings never drift with the clock. */
const CORPUS_NOW = new Date('2026-12-01T00:00:00Z');
const lintFile = (dir: string, name: string): ReturnType<typeof lintCallCenter> =>
  lintCallCenter(readFileSync(join(dir, name), 'utf8'), name, { now: CORPUS_NOW });

test('the broken corpus holds at least 40 files, each with a sidecar', () => {
  const files = xmlFiles(brokenDir);
  assert.ok(files.length >= 40, `only ${files.length} broken files`);
  for (const f of files) assert.ok(readdirSync(brokenDir).includes(f.replace(/\.xml$/, '.expected.json')), `${f} has no .expected.json`);
});

for (const name of xmlFiles(brokenDir)) {
  test(`broken: ${name}`, () => {
    const expected = JSON.parse(readFileSync(join(brokenDir, name.replace(/\.xml$/, '.expected.json')), 'utf8')) as Pick<
      LintProblem,
      'line' | 'column' | 'severity' | 'rule' | 'message'
    >[];
    const { problems } = lintFile(brokenDir, name);
    assert.ok(problems.length > 0, 'a broken file must have at least one problem');
    assert.deepEqual(
      problems.map(({ line, column, severity, rule, message }) => ({ line, column, severity, rule, message })),
      expected,
    );
    for (const p of problems) {
      assert.equal(p.file, name);
      assert.ok(p.fix.length > 10, `${p.rule} has no real fix text`);
      assert.equal(p.severity, p.rule === 'use-api' ? p.severity : RULES[p.rule].severity, `${p.rule} severity`);
    }
  });
}

for (const name of xmlFiles(validDir)) {
  test(`valid: ${name}`, () => {
    const { problems, callCenter } = lintFile(validDir, name);
    assert.deepEqual(
      problems.filter((p) => p.severity === 'error'),
      [],
    );
    assert.ok(callCenter, 'a valid file yields the parsed call center');
    const settings = callCenter.toSettingsMap();
    assert.ok(settings['/reqGeneralInfo/reqInternalName'], 'the settings carry the internal name');
    // A Switchboard call center's settings are the connector's to read; another vendor's are not.
    if (lintCallCenter(readFileSync(join(validDir, name), 'utf8'), name, { profile: 'auto', now: CORPUS_NOW }).profile === 'switchboard') {
      const parsed = parseConnectorSettings(settings);
      assert.ok(parsed.ok, `the connector reads the settings: ${parsed.ok ? '' : JSON.stringify(parsed.problems)}`);
    }
  });
}

test('every rule is exercised by the corpus', () => {
  const seen = new Set<string>();
  for (const name of xmlFiles(brokenDir)) for (const p of lintFile(brokenDir, name).problems) seen.add(p.rule);
  for (const name of xmlFiles(validDir)) for (const p of lintFile(validDir, name).problems) seen.add(p.rule);
  assert.deepEqual(
    Object.keys(RULES).filter((r) => !seen.has(r)),
    [],
  );
});

test('a shared password is an error, a warning in a call center marked demoCallCenter, wherever that item stands', () => {
  const text = readFileSync(join(validDir, 'demo-shared-password.xml'), 'utf8');
  const demoLast = lintCallCenter(text, 'demo.xml').problems.filter((p) => p.rule === 'secret-in-file');
  assert.deepEqual(
    demoLast.map((p) => p.severity),
    ['warning'],
  );
  const demoFirst = text
    .replace('<item sortOrder="4" name="demoCallCenter" label="Demo Call Center">true</item>', '')
    .replace(
      '<item sortOrder="0" name="sipWebSocketUrl"',
      '<item sortOrder="4" name="demoCallCenter" label="Demo">TRUE</item>\n    <item sortOrder="0" name="sipWebSocketUrl"',
    );
  assert.deepEqual(
    lintCallCenter(demoFirst, 'demo.xml')
      .problems.filter((p) => p.rule === 'secret-in-file')
      .map((p) => p.severity),
    ['warning'],
  );
  const notDemo = lintCallCenter(
    text.replace('name="demoCallCenter" label="Demo Call Center">true<', 'name="demoCallCenter" label="Demo Call Center">false<'),
    'real.xml',
  ).problems.filter((p) => p.rule === 'secret-in-file');
  assert.deepEqual(
    notDemo.map((p) => [p.severity, p.line]),
    [['error', 17]],
  );
  assert.match(notDemo[0]?.fix ?? '', /credentialScheme to ephemeral/);
  assert.doesNotMatch(notDemo[0]?.message ?? '', /switchboard-1001/, 'the password is never echoed');
});

test('CRLF and a BOM give the same positions as plain LF', () => {
  const lf = readFileSync(join(brokenDir, 'sort-order-gap-items.xml'), 'utf8');
  const crlf = lintCallCenter(lf.replace(/\n/g, '\r\n'), 'x.xml').problems;
  const bom = lintCallCenter(`\uFEFF${lf}`, 'x.xml').problems;
  const plain = lintCallCenter(lf, 'x.xml').problems;
  assert.deepEqual(crlf, plain);
  assert.deepEqual(bom, plain);
});

test('toSettingsMap has the getCallCenterSettings shape (import format)', () => {
  const { callCenter } = lintFile(validDir, 'bom-comments.xml');
  assert.ok(callCenter);
  const map = callCenter.toSettingsMap();
  assert.equal(map['/reqGeneralInfo/reqDisplayName'], 'Acme Softphone', 'values are trimmed');
  assert.equal(map['/reqGeneralInfo/reqAdapterUrl/label'], 'CTI Adapter URL');
  assert.equal(map['/reqGeneralInfo/reqAdapterUrl/sortOrder'], '2.0');
  assert.equal(map['/reqGeneralInfo/label'], 'General Information');
  assert.equal(map['/reqGeneralInfo/sortOrder'], '0.0');
  assert.equal(map['/switchboard/sipDomain'], 'pbx.example.com', 'CDATA is text');
  assert.equal(map['/switchboard/sortOrder'], '1.0');
  assert.equal(map['/label'], 'Acme Softphone');
  assert.equal(map['/displayNameLabel'], 'Display Name');
  assert.equal(map['/internalNameLabel'], 'Internal Name');
  assert.equal(callCenter.format, 'import');
  assert.equal(callCenter.value('switchboard', 'sipWebSocketUrl'), 'wss://pbx.example.com:8089/ws');
  assert.equal(callCenter.value('switchboard', 'nope'), undefined);
});

test('toSettingsMap of a Metadata file puts the name, display name and adapter under reqGeneralInfo', () => {
  const { callCenter } = lintFile(validDir, 'AcmeSoftphone.callCenter-meta.xml');
  assert.ok(callCenter);
  assert.equal(callCenter.format, 'metadata');
  assert.equal(callCenter.internalName, 'AcmeSoftphone', 'from the file name');
  const map = callCenter.toSettingsMap();
  assert.equal(map['/reqGeneralInfo/reqInternalName'], 'AcmeSoftphone');
  assert.equal(map['/reqGeneralInfo/reqDisplayName'], 'Acme Softphone');
  assert.equal(map['/reqGeneralInfo/reqAdapterUrl'], 'https://softphone.example.com/');
  assert.equal(map['/reqGeneralInfo/reqSalesforceCompatibilityMode'], 'Classic_and_Lightning');
  assert.equal(map['/reqGeneralInfo/reqTimeout'], '10000');
  assert.equal(map['/reqDialingOptions/reqOutsidePrefix'], '9');
  assert.equal(map['/reqDialingOptions/sortOrder'], '2.0');
  assert.equal(map['/switchboard/sipDomain/sortOrder'], '1.0');
  assert.equal(map['/label'], 'Acme Softphone');
});

test('entities are decoded in values', () => {
  const { callCenter } = lintFile(validDir, 'vendor-sections.xml');
  assert.equal(callCenter?.value('switchboard', 'logSubject'), '{direction} call <{number}>');
});

test('a file that is not a call center at all gets one clear problem', () => {
  assert.deepEqual(
    lintCallCenter('', 'empty.xml').problems.map((p) => p.rule),
    ['xml-not-well-formed'],
  );
  assert.deepEqual(
    lintCallCenter('{"callCenter": {}}', 'cc.json').problems.map((p) => p.rule),
    ['xml-not-well-formed'],
  );
  const html = lintCallCenter('<html><body/></html>', 'page.xml');
  assert.deepEqual(
    html.problems.map((p) => [p.rule, p.line, p.column]),
    [['wrong-root', 1, 1]],
  );
  assert.equal(html.callCenter, undefined);
});

test('docs/callcenter.md lists every rule with its severity', () => {
  const doc = readFileSync(join(here, '..', '..', 'docs', 'callcenter.md'), 'utf8');
  for (const [id, spec] of Object.entries(RULES)) assert.ok(doc.includes(`| \`${id}\` | ${spec.severity} |`), `${id} is documented`);
});

test("the emulator's Setup import and `callcenter lint` agree: the same problems with the same severities, on every corpus file", async () => {
  const { validateCallCenterText, SETUP_ACCEPTS } = await import('../../src/node/console/server/call-center-import.ts');
  const key = (p: { line: number; column: number; severity: string; rule: string }) => `${p.line}:${p.column} ${p.severity} ${p.rule}`;
  let refused = 0;
  let acceptedErrors = 0;
  for (const [dir, name] of [...xmlFiles(brokenDir).map((n) => [brokenDir, n] as const), ...xmlFiles(validDir).map((n) => [validDir, n] as const)]) {
    const text = readFileSync(join(dir, name), 'utf8');
    const lint = lintCallCenter(text, name, { profile: 'auto' }).problems;
    const verdict = await validateCallCenterText(text, name);
    const shown = [...verdict.errors, ...verdict.connectorErrors, ...verdict.warnings];
    assert.deepEqual(shown.map(key).sort(), lint.map(key).sort(), `${name}: Setup shows what lint reports`);
    for (const p of verdict.errors) assert.ok(!SETUP_ACCEPTS.has(p.rule), `${name}: ${p.rule} refuses the import`);
    for (const p of verdict.connectorErrors) assert.equal(p.severity, 'error');
    refused += verdict.errors.length ? 1 : 0;
    acceptedErrors += verdict.connectorErrors.length;
  }
  assert.ok(refused >= 30, `most broken files are refused by Setup (${refused})`);
  assert.ok(acceptedErrors > 0, 'some errors are ones Setup accepts (shown, not refused)');
});

test('vendor-shaped correct files (no Switchboard section) lint clean as generic call centers, in the format they are written in', () => {
  const vendors = xmlFiles(validDir).filter((n) => /^vendor-(demo-adapter|visualforce-ccp)|^VendorMetadata/.test(n));
  assert.equal(vendors.length, 3);
  for (const name of vendors) {
    const result = lintCallCenter(readFileSync(join(validDir, name), 'utf8'), name, { profile: 'auto' });
    assert.equal(result.profile, 'generic', name);
    assert.equal(result.format, name.endsWith('.callCenter-meta.xml') ? 'metadata' : 'import', name);
    assert.deepEqual(
      result.problems.map((p) => `${p.line}:${p.column} ${p.rule}`),
      [],
      `${name} lints clean`,
    );
  }
  // The same file checked as Switchboard's gets the connector's advice.
  const ours = lintCallCenter(readFileSync(join(validDir, 'vendor-visualforce-ccp.xml'), 'utf8'), 'vendor-visualforce-ccp.xml', { profile: 'switchboard' });
  assert.deepEqual(ours.problems.map((p) => p.rule).sort(), ['adapter-url-relative', 'switchboard-section-missing']);
});
