/**
 * Salesforce Voice contact centers end to end on the Node side: `callcenter init --surface voice` →
 * a certificate made at test time → `callcenter build` → `callcenter lint` clean, with what the
 * connector and the emulator read (connectorConfig keys) equal to the config; the config loader's
 * refusals (private key, unreadable or broken certificate, Open CTI settings, a voice section
 * without surface: voice), each at its line and column.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConnectorSettings } from '../../src/core/index.ts';
import { runCli } from '../../src/node/cli/main.ts';
import { buildImportXml, buildMetadataXml, metadataFileName } from '../../src/node/callcenter/build.ts';
import { initConfigYaml, loadConfig } from '../../src/node/callcenter/config.ts';
import { isVoice } from '../../src/node/callcenter/definition.ts';
import { lintCallCenter } from '../../src/node/callcenter/lint.ts';
import { makeCertificate, rsaCertificate, voiceWorkspace } from './voice-support.ts';

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    cwd,
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
  });
  return { code, out, err };
}

test('init --surface voice → build → lint: the contact center lints clean in both formats and carries the config', async (t) => {
  const dir = voiceWorkspace(t, '');
  const init = await cli(['callcenter', 'init', '--surface', 'voice', '--force'], dir);
  assert.equal(init.code, 0, init.err);
  assert.match(init.out, /switchboard voice-bridge keygen --out \. \(or openssl req/);
  const yaml = readFileSync(join(dir, 'switchboard.yaml'), 'utf8');
  assert.match(yaml, /^surface: voice$/m);
  assert.match(yaml, /^ {2}adapterUrl: https:\/\/switchboard\.example\.com\/voice\/$/m);
  assert.match(yaml, /^ {2}vendorInfoApiName: switchboard__SwitchboardVoice$/m);
  assert.match(yaml, /^ {2}certificateFile: voice-bridge-cert\.pem$/m);
  assert.doesNotMatch(yaml, /compatibilityMode|height:|width:|^dialing:/m, 'no Open CTI panel settings');
  assert.match(yaml, /^switchboard:\n/m);

  const build = await cli(['callcenter', 'build', '--out', 'cc'], dir);
  assert.equal(build.code, 0, build.err);
  assert.equal(build.err, '', 'built files lint without a finding');
  const importFile = join(dir, 'cc', 'SwitchboardVoice.xml');
  const metaFile = join(dir, 'cc', 'callCenters', 'SwitchboardVoice.callCenter-meta.xml');
  const lint = await cli(['callcenter', 'lint', importFile, metaFile, '--format', 'json'], dir);
  assert.equal(lint.code, 0, lint.out);
  const report = JSON.parse(lint.out) as {
    files: { format: string; surface: string; profile: string; problems: unknown[] }[];
    errors: number;
    warnings: number;
  };
  assert.deepEqual(
    report.files.map((f) => [f.format, f.surface, f.profile, f.problems.length]),
    [
      ['import', 'voice', 'switchboard', 0],
      ['metadata', 'voice', 'switchboard', 0],
    ],
  );
  const text = await cli(['callcenter', 'lint', importFile], dir);
  assert.match(text.out, /SwitchboardVoice\.xml: Setup import file \(<callCenter>\), a Salesforce Voice contact center, checked as a Switchboard call center/);

  const certificate = rsaCertificate().cert;
  for (const file of [importFile, metaFile]) {
    const { callCenter, surface } = lintCallCenter(readFileSync(file, 'utf8'), file.split('/').pop() ?? file);
    assert.equal(surface, 'voice');
    assert.ok(callCenter);
    const map = callCenter.toSettingsMap();
    assert.equal(map['/reqGeneralInfo/reqInternalName'], 'SwitchboardVoice');
    assert.equal(map['/reqGeneralInfo/reqVendorInfoApiName'], 'switchboard__SwitchboardVoice');
    assert.equal(map['/reqGeneralInfo/reqAdapterUrl'], 'https://switchboard.example.com/voice/');
    assert.equal(map['/reqHvcc/label'], 'SCV Settings');
    assert.equal(map['/reqHvcc/reqLongDistPrefix'], '');
    // What the emulator verifies the bridge's JWTs with: the same certificate, as PEM.
    const stored = map['/reqHvcc/reqTelephonyIntegrationCertificate'] ?? '';
    assert.match(stored, /^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----$/);
    assert.equal(new X509Certificate(stored).fingerprint256, new X509Certificate(certificate).fingerprint256);
    for (const item of ['reqUseApi', 'reqSoftphoneHeight', 'reqSoftphoneWidth', 'reqSalesforceCompatibilityMode'])
      assert.equal(map[`/reqGeneralInfo/${item}`], undefined, item);
    assert.equal(map['/reqDialingOptions/label'], undefined);
    const settings = parseConnectorSettings(map);
    assert.ok(settings.ok, 'the connector reads its switchboard section from the Voice connectorConfig');
  }
  const meta = readFileSync(metaFile, 'utf8');
  const customSettings = JSON.parse(/<customSettings>(.*)<\/customSettings>/.exec(meta)?.[1]?.replace(/&quot;/g, '"') ?? '{}') as Record<string, string>;
  assert.equal(customSettings['reqCallCenterType'], 'SCVBYOT');
  assert.equal(customSettings['vendorInfoApiName'], 'switchboard__SwitchboardVoice');
  assert.equal(customSettings['reqUseApi'], undefined);
});

test('a Voice definition from the loader: surface, vendor info, certificate and prefix; files named by the internal name', (t) => {
  const dir = voiceWorkspace(t, '');
  const yaml = initConfigYaml('voice').replace('longDistancePrefix: ""', 'longDistancePrefix: "1"');
  const r = loadConfig(yaml, join(dir, 'switchboard.yaml'));
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  const def = r.definition;
  assert.ok(isVoice(def));
  assert.equal(def.voice.vendorInfoApiName, 'switchboard__SwitchboardVoice');
  assert.equal(def.voice.longDistancePrefix, '1');
  assert.equal(def.voice.certificateNotAfter.toISOString(), new Date(new X509Certificate(rsaCertificate().cert).validTo).toISOString());
  assert.equal(metadataFileName(def), 'SwitchboardVoice.callCenter-meta.xml');
  const xml = buildImportXml(def);
  assert.match(xml, /Setup > Contact Centers > Import/);
  assert.match(
    xml,
    /<section sortOrder="1" name="reqHvcc" label="SCV Settings">\n {4}<item sortOrder="0" name="reqTelephonyIntegrationCertificate" label="Telephony Integration Certificate">-----BEGIN CERTIFICATE-----/,
  );
  assert.match(xml, /<item sortOrder="1" name="reqLongDistPrefix" label="Long Distance Prefix">1<\/item>/);
  assert.deepEqual(lintCallCenter(buildMetadataXml(def), metadataFileName(def)).problems, []);
  // An Open CTI config stays what it was: no surface, no voice, no reqHvcc.
  const open = loadConfig(initConfigYaml(), 'switchboard.yaml');
  assert.ok(open.ok && open.definition.surface === undefined && open.definition.voice === undefined);
  assert.doesNotMatch(buildImportXml(open.definition), /reqHvcc/);
});

test('the certificate file: a private key is refused loudly, a missing or broken file named, at certificateFile', (t) => {
  const { cert, key } = rsaCertificate();
  const yaml = initConfigYaml('voice');
  const line = yaml.split('\n').findIndex((l) => l.startsWith('  certificateFile:')) + 1;
  const problemsFor = (content: string | undefined): { line: number; column: number; field: string; message: string }[] => {
    const dir = voiceWorkspace(t, yaml, content ?? '');
    const r = loadConfig(
      content === undefined ? yaml.replace('certificateFile: voice-bridge-cert.pem', 'certificateFile: nowhere/cert.pem') : yaml,
      join(dir, 'switchboard.yaml'),
    );
    assert.equal(r.ok, false);
    return r.ok ? [] : r.problems.map(({ line: l, column, field, message }) => ({ line: l, column, field, message }));
  };
  const privateKey = problemsFor(`${key}${cert}`);
  assert.equal(privateKey.length, 1);
  assert.deepEqual([privateKey[0]?.line, privateKey[0]?.column, privateKey[0]?.field], [line, 20, 'voice.certificateFile']);
  assert.match(privateKey[0]?.message ?? '', /^REFUSED: the certificate file \/.+\/voice-bridge-cert\.pem contains a PRIVATE KEY/);
  assert.doesNotMatch(privateKey[0]?.message ?? '', /MII/, 'the key is never echoed');
  assert.match(
    problemsFor(undefined)[0]?.message ?? '',
    /cannot read the certificate file \/.+\/nowhere\/cert\.pem \(it does not exist\)\. Make the key pair and certificate with: openssl req/,
  );
  assert.match(problemsFor('not a certificate')[0]?.message ?? '', /voice-bridge-cert\.pem is not an X\.509 certificate in PEM form/);
  assert.match(problemsFor(cert.replace(/\n[A-Za-z0-9+/]{64}\n/, '\n'))[0]?.message ?? '', /voice-bridge-cert\.pem does not parse as an X\.509 certificate/);
  assert.match(problemsFor(makeCertificate({ keyType: 'ec' }).cert)[0]?.message ?? '', /certifies an ec key; .* RS256/);
});

test('an expired certificate is refused by the loader; one expiring soon builds, and lint warns', (t) => {
  const { cert } = makeCertificate({ days: 10 });
  const dir = voiceWorkspace(t, initConfigYaml('voice'), cert);
  const later = loadConfig(initConfigYaml('voice'), join(dir, 'switchboard.yaml'), { now: new Date(Date.now() + 11 * 86_400_000) });
  assert.ok(!later.ok && /expired on/.test(later.problems[0]?.message ?? ''));
  const r = loadConfig(initConfigYaml('voice'), join(dir, 'switchboard.yaml'));
  assert.ok(r.ok);
  const warnings = lintCallCenter(buildImportXml(r.definition), 'SwitchboardVoice.xml').problems;
  assert.deepEqual(
    warnings.map((p) => [p.rule, p.severity]),
    [['voice-certificate-expiring', 'warning']],
  );
  assert.match(warnings[0]?.message ?? '', /in (9|10) day\(s\)/);
});

test('Open CTI settings in a Voice config, and a voice section without surface: voice, are refused at their keys', (t) => {
  const dir = voiceWorkspace(t, '');
  const voiceYaml =
    initConfigYaml('voice').replace(
      '  adapterUrl: https://switchboard.example.com/voice/\n',
      '  adapterUrl: https://switchboard.example.com/voice/\n  compatibilityMode: Lightning\n  height: 520\n',
    ) + 'dialing:\n  outsidePrefix: "9"\n';
  const r = loadConfig(voiceYaml, join(dir, 'switchboard.yaml'));
  assert.ok(!r.ok);
  const lines = voiceYaml.split('\n');
  assert.deepEqual(
    r.problems.map((p) => [p.field, p.line, p.column]),
    [
      ['callCenter.height', lines.indexOf('  height: 520') + 1, 3],
      ['callCenter.compatibilityMode', lines.indexOf('  compatibilityMode: Lightning') + 1, 3],
      ['dialing', lines.indexOf('dialing:') + 1, 1],
    ].sort((a, b) => Number(a[1]) - Number(b[1])),
  );
  assert.match(r.problems.find((p) => p.field === 'dialing')?.message ?? '', /voice\.longDistancePrefix/);

  const stray = loadConfig(`${initConfigYaml()}voice:\n  vendorInfoApiName: a__B\n  certificateFile: c.pem\n`, join(dir, 'x.yaml'));
  assert.ok(!stray.ok);
  assert.deepEqual(
    stray.problems.map((p) => [p.field, p.message]),
    [['voice', 'the voice section applies only to a Salesforce Voice contact center: add surface: voice, or remove the section.']],
  );

  const noVoice = loadConfig(initConfigYaml('voice').replace(/^voice:\n(?: {2}.*\n| {2}#.*\n)*/m, ''), join(dir, 'y.yaml'));
  assert.ok(!noVoice.ok);
  assert.deepEqual(
    noVoice.problems.map((p) => p.message),
    ["'voice' is required."],
  );

  const badName = loadConfig(initConfigYaml('voice').replace('switchboard__SwitchboardVoice', 'SwitchboardVoice'), join(dir, 'switchboard.yaml'));
  assert.ok(!badName.ok);
  assert.match(badName.problems[0]?.message ?? '', /must be <namespace>__<name>/);
  assert.equal(badName.problems[0]?.field, 'voice.vendorInfoApiName');
});

test('init --surface refuses anything but opencti and voice', async (t) => {
  const dir = voiceWorkspace(t, '');
  const r = await cli(['callcenter', 'init', '--surface', 'scv', '--out', 'x.yaml'], dir);
  assert.equal(r.code, 2);
  assert.match(r.err, /--surface is opencti or voice, got 'scv'/);
});

test("the connector URL: the local emulator's loopback origin is a warning, plain http elsewhere an error, another vendor's file needs no switchboard advice", (t) => {
  const dir = voiceWorkspace(t, '');
  const r = loadConfig(initConfigYaml('voice'), join(dir, 'switchboard.yaml'));
  assert.ok(r.ok);
  const rules = (adapterUrl: string, profile: 'switchboard' | 'generic' = 'switchboard'): string[] =>
    lintCallCenter(buildImportXml({ ...r.definition, adapterUrl }), 'SwitchboardVoice.xml', { profile }).problems.map((p) => `${p.severity} ${p.rule}`);
  assert.deepEqual(rules('http://127.0.0.1:8081/voice/'), ['warning adapter-url-localhost']);
  assert.deepEqual(rules('https://switchboard-dev--c.vf.force.com:8443/voice/'), []);
  assert.deepEqual(rules('http://voice.example.com/voice/'), ['error adapter-url-not-https']);
  assert.deepEqual(rules('/apex/switchboard__Voice'), ['warning adapter-url-relative']);
  assert.deepEqual(rules('/apex/acme__Voice', 'generic'), [], 'another vendor may host its connector in Visualforce');
});
