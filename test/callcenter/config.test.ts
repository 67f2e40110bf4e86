/** The config file: template, generated JSON Schema, and errors that name file, line, column and field. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { configSchema, formatConfigProblem, initConfigYaml, loadConfig, type ConfigProblem } from '../../src/node/callcenter/config.ts';
import { SWITCHBOARD_ITEMS } from '../../src/core/index.ts';

const template = initConfigYaml();
const problemsOf = (text: string, file = 'cfg.yaml'): readonly ConfigProblem[] => {
  const r = loadConfig(text, file);
  assert.equal(r.ok, false, 'expected the config to be refused');
  return r.ok ? [] : r.problems;
};
const brief = (ps: readonly ConfigProblem[]): string[] => ps.map((p) => `${p.line}:${p.column} ${p.field}`);
/** The template with one line replaced (the line must exist exactly once). */
const edit = (from: string, to: string): string => {
  assert.equal(template.split(from).length, 2, `'${from}' occurs once in the template`);
  return template.replace(from, to);
};
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

test('the template loads, and every switchboard item is in it with its description as a comment', () => {
  const r = loadConfig(template, 'switchboard.yaml');
  assert.ok(r.ok, JSON.stringify(r));
  for (const spec of SWITCHBOARD_ITEMS) {
    const line = lineOf(template, `  ${spec.name}:`);
    assert.ok(line > 0, `${spec.name} missing`);
    assert.match(
      template.split('\n')[line - 2] ?? '',
      new RegExp(`^\\s*#.*${spec.description.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      `${spec.name} has its description above it`,
    );
    assert.equal(
      r.definition.switchboard[spec.name],
      spec.name === 'sipWebSocketUrl' ? 'wss://pbx.example.com:8089/ws' : spec.name === 'sipDomain' ? 'pbx.example.com' : (spec.default ?? ''),
    );
  }
  assert.equal(r.definition.compatibilityMode, 'Lightning');
  assert.deepEqual(r.definition.dialing, { outsidePrefix: '', longDistancePrefix: '', internationalPrefix: '' });
});

test('the schema is valid draft-07, generated from the table, and accepts the template', () => {
  const schema = configSchema();
  const ajv = new Ajv({ strict: true, allowUnionTypes: true });
  const validate = ajv.compile(schema);
  assert.ok(validate(parse(template)), JSON.stringify(validate.errors));
  const sb = (schema.properties as Record<string, { properties: Record<string, { description: string }>; required: string[] }>)['switchboard'];
  assert.deepEqual(
    Object.keys(sb?.properties ?? {}),
    SWITCHBOARD_ITEMS.map((s) => s.name),
  );
  assert.deepEqual(
    sb?.required,
    SWITCHBOARD_ITEMS.filter((s) => s.required).map((s) => s.name),
  );
  for (const spec of SWITCHBOARD_ITEMS) assert.equal(sb?.properties[spec.name]?.description, spec.description);
});

test('a wrong value is reported at its line and column with its field', () => {
  const text = edit('  wrapUpSeconds: 0', '  wrapUpSeconds: 99999');
  const ps = problemsOf(text, 'my.yaml');
  assert.deepEqual(brief(ps), [`${lineOf(text, 'wrapUpSeconds:')}:18 switchboard.wrapUpSeconds`]);
  assert.equal(ps[0]?.file, 'my.yaml');
  assert.match(formatConfigProblem(ps[0] as ConfigProblem), /^my\.yaml:\d+:18 error switchboard\.wrapUpSeconds: must be <= 3600\.$/);
});

test('an unknown key is reported at the key', () => {
  const text = edit('  popTiming: ring', '  popTiming: ring\n  popTimming: answer');
  assert.deepEqual(brief(problemsOf(text)), [`${lineOf(text, 'popTimming')}:3 switchboard.popTimming`]);
});

test('every problem is reported, in file order', () => {
  let text = edit('  height: 520', '  height: 100');
  text = text.replace('  popTiming: ring', '  popTiming: later').replace('  internalName: SwitchboardSoftphone', '  internalName: 1Switchboard');
  const ps = problemsOf(text);
  assert.deepEqual(
    ps.map((p) => p.field),
    ['callCenter.internalName', 'callCenter.height', 'switchboard.popTiming'],
  );
  assert.deepEqual(
    ps.map((p) => p.line),
    [lineOf(text, 'internalName:'), lineOf(text, 'height:'), lineOf(text, 'popTiming:')],
  );
});

test('a missing required item is reported on its section', () => {
  const text = template.replace(/ {2}# SIP Domain[^\n]*\n {2}sipDomain: [^\n]*\n/, '');
  const ps = problemsOf(text);
  assert.deepEqual(brief(ps), [`${text.split('\n').indexOf('switchboard:') + 1}:1 switchboard`]);
  assert.match(ps[0]?.message ?? '', /'sipDomain' is required/);
});

test('an unquoted dialing prefix is refused with a hint (YAML would drop the leading zero)', () => {
  const text = edit('  internationalPrefix: ""', '  internationalPrefix: 011');
  const ps = problemsOf(text);
  assert.deepEqual(brief(ps), [`${lineOf(text, 'internationalPrefix:')}:24 dialing.internationalPrefix`]);
  assert.match(ps[0]?.message ?? '', /quote it/);
});

test('standby URL and timeout go together', () => {
  const text = edit('  compatibilityMode: Lightning', '  compatibilityMode: Lightning\n  standbyUrl: https://standby.example.com/');
  const ps = problemsOf(text);
  assert.equal(ps.length, 1);
  assert.equal(ps[0]?.field, 'callCenter');
  assert.match(ps[0]?.message ?? '', /standbyUrl needs timeout/);
  const ok = loadConfig(
    edit('  compatibilityMode: Lightning', '  compatibilityMode: Lightning\n  standbyUrl: https://standby.example.com/\n  timeout: 10000'),
    'c.yaml',
  );
  assert.ok(ok.ok);
  assert.equal(ok.definition.timeout, 10000);
});

test('values the schema cannot judge go through the table checks (JSON text, pair syntax)', () => {
  const text = edit('  sipIceServers: []', '  sipIceServers: "[{urls: x}]"');
  const ps = problemsOf(text);
  assert.deepEqual(brief(ps), [`${lineOf(text, 'sipIceServers:')}:18 switchboard.sipIceServers`]);
  assert.match(ps[0]?.message ?? '', /valid JSON/);
  const pairs = edit('    Lunch: Lunch', '    Lunch: "Lunch; long"');
  assert.match(problemsOf(pairs)[0]?.message ?? '', /may not contain ';'/);
});

test('typed YAML values become the strings of the file', () => {
  const text = edit(
    '  sipIceServers: []',
    '  sipIceServers:\n    - urls: stun:stun.example.com:3478\n    - urls: [turns:turn.example.com:5349]\n      username: u\n      credential: c',
  ).replace('  directory: {}', '  directory:\n    201: Alice\n    202: Bob');
  const r = loadConfig(text, 'c.yaml');
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(
    r.definition.switchboard['sipIceServers'],
    '[{"urls":"stun:stun.example.com:3478"},{"urls":["turns:turn.example.com:5349"],"username":"u","credential":"c"}]',
  );
  assert.equal(r.definition.switchboard['directory'], '201:Alice;202:Bob');
  assert.equal(r.definition.switchboard['wrapUpEnabled'], 'true');
  assert.equal(r.definition.switchboard['sipHeaderMappings'], 'X-Case-Number:caseNumber;X-Account-Number:accountNumber;User-to-User:userToUser');
});

test('YAML syntax errors carry their position', () => {
  const text = 'callCenter:\n  internalName: A\n   displayName: [broken\n';
  const ps = problemsOf(text);
  assert.ok(ps.length >= 1);
  assert.equal(ps[0]?.field, '');
  assert.ok((ps[0]?.line ?? 0) >= 2);
  assert.match(ps[0]?.message ?? '', /^YAML: /);
  const dup = problemsOf(template.replace('  popTiming: ring', '  popTiming: ring\n  popTiming: answer'));
  assert.match(dup[0]?.message ?? '', /YAML: .*[Uu]nique|YAML: .*duplicate/i);
});

test('an empty file says what is required', () => {
  const ps = problemsOf('');
  assert.ok(
    ps.some((p) => /must be object|'callCenter' is required/.test(p.message)),
    JSON.stringify(ps),
  );
});

test('a shared sipPassword is refused at its value, unless demoCallCenter is true', () => {
  const text = edit('  sipPassword: ""', '  sipPassword: hunter2');
  const problems = problemsOf(text);
  assert.deepEqual(brief(problems), [`${lineOf(text, '  sipPassword:')}:16 switchboard.sipPassword`]);
  assert.match(problems[0]?.message ?? '', /readable by every agent .*credentialScheme: ephemeral/);
  assert.doesNotMatch(problems[0]?.message ?? '', /hunter2/);
  const demo = loadConfig(text.replace('  demoCallCenter: false', '  demoCallCenter: true'), 'cfg.yaml');
  assert.ok(demo.ok, JSON.stringify(demo));
  assert.equal(demo.definition.switchboard['sipPassword'], 'hunter2');
  assert.equal(demo.definition.switchboard['demoCallCenter'], 'true');
  const ephemeral = loadConfig(edit('  credentialScheme: agent', '  credentialScheme: ephemeral'), 'cfg.yaml');
  assert.ok(ephemeral.ok && ephemeral.definition.switchboard['credentialScheme'] === 'ephemeral');
});

test('the shipped docs/callcenter-config.schema.json is the generated schema', async () => {
  const { readFileSync } = await import('node:fs');
  const shipped = JSON.parse(readFileSync(new URL('../../docs/callcenter-config.schema.json', import.meta.url), 'utf8')) as unknown;
  assert.deepEqual(shipped, configSchema(), 'regenerate with: npx switchboard callcenter schema > docs/callcenter-config.schema.json');
});
