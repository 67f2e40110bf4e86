/**
 * `switchboard package build` for a Salesforce Voice config: the project's files, each checked
 * against its metadata type's rules and read back field by field; the rules shown to catch broken
 * ConversationVendorInfo and object-permission files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initConfigYaml, loadConfig } from '../../src/node/callcenter/config.ts';
import type { CallCenterDefinition } from '../../src/node/callcenter/definition.ts';
import { lintCallCenter } from '../../src/node/callcenter/lint.ts';
import { parseXml, type XmlElement } from '../../src/node/callcenter/xml-tree.ts';
import { runCli } from '../../src/node/cli/main.ts';
import { buildPackage, PackageBuildError, PACKAGE_DIR, type PackageFile } from '../../src/node/package/package-builder.ts';
import { checkMetadataFile, METADATA_RULES, ruleFor } from '../../src/node/package/metadata-rules.ts';
import { STANDARD_VOICE_PERMISSION_SETS } from '../../src/node/package/voice-package.ts';
import { rsaCertificate, voiceWorkspace } from './voice-support.ts';

function voiceDefinition(t: { after: (fn: () => void) => void }): CallCenterDefinition {
  const dir = voiceWorkspace(t, initConfigYaml('voice'));
  const r = loadConfig(initConfigYaml('voice'), join(dir, 'switchboard.yaml'));
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  return r.definition;
}

const d = PACKAGE_DIR;
const byPath = (files: readonly PackageFile[], path: string): string => {
  const f = files.find((x) => x.path === path);
  assert.ok(f, `${path} is generated`);
  return String(f.content);
};
const root = (xml: string): XmlElement => {
  const { root: r, errors } = parseXml(xml);
  assert.deepEqual(errors, []);
  assert.ok(r);
  return r;
};
/** The leaf fields of a flat metadata element, in file order. */
const leaves = (el: XmlElement): [string, string][] => el.children.filter((c) => c.children.length === 0).map((c) => [c.name, c.text.trim()]);

test('a Voice package: exactly its files, every metadata file valid, the ConversationVendorInfo type covered', (t) => {
  const files = buildPackage(voiceDefinition(t), {});
  assert.deepEqual(
    files.map((f) => f.path).sort(),
    [
      `${d}/ConversationVendorInformation/SwitchboardVoice.ConversationVendorInformation-meta.xml`,
      `${d}/callCenters/SwitchboardVoice.callCenter-meta.xml`,
      `${d}/cspTrustedSites/SwitchboardVoiceConnector.cspTrustedSite-meta.xml`,
      `${d}/permissionsets/SwitchboardVoiceAdmin.permissionset-meta.xml`,
      `${d}/permissionsets/SwitchboardVoiceAgent.permissionset-meta.xml`,
      'README.md',
      'sfdx-project.json',
    ].sort(),
  );
  const types = new Set<string>();
  for (const f of files.filter((x) => x.path.endsWith('-meta.xml'))) {
    const rel = f.path.slice(d.length + 1);
    types.add(ruleFor(rel)?.type ?? 'none');
    assert.deepEqual(checkMetadataFile(rel, String(f.content)), [], rel);
  }
  assert.deepEqual([...types].sort(), ['CallCenter', 'ConversationVendorInfo', 'CspTrustedSite', 'PermissionSet']);
  assert.ok(METADATA_RULES.some((r) => r.type === 'ConversationVendorInfo'));
  const project = JSON.parse(byPath(files, 'sfdx-project.json')) as Record<string, unknown>;
  assert.equal(project['namespace'], 'switchboard', 'the namespace of reqVendorInfoApiName, so the contact center finds its provider');
  assert.equal(project['sourceApiVersion'], '62.0');
  assert.deepEqual(project['packageDirectories'], [{ path: 'force-app', default: true }]);
});

test('ConversationVendorInfo field by field: partner type, connector URL, auth modes, every capability off', (t) => {
  const files = buildPackage(voiceDefinition(t), {});
  const vendor = root(byPath(files, `${d}/ConversationVendorInformation/SwitchboardVoice.ConversationVendorInformation-meta.xml`));
  assert.equal(vendor.name, 'ConversationVendorInfo');
  assert.equal(vendor.uri, 'http://soap.sforce.com/2006/04/metadata');
  assert.deepEqual(leaves(vendor), [
    ['agentSSOSupported', 'false'],
    ['clientAuthMode', 'Custom'],
    ['connectorUrl', 'https://switchboard.example.com/voice/'],
    ['developerName', 'SwitchboardVoice'],
    ['einsteinConversationInsightsSupported', 'false'],
    ['masterLabel', 'Switchboard Voice'],
    ['namedCredentialSupported', 'false'],
    ['partnerContactCenterListSupported', 'false'],
    ['partnerTransferDestinationsSupported', 'false'],
    ['serverAuthMode', 'None'],
    ['userSyncingSupported', 'false'],
    ['vendorType', 'ServiceCloudVoicePartner'],
  ]);
});

test('the CallCenter: the connector URL, the vendor info name and the certificate; lints clean as Voice', (t) => {
  const files = buildPackage(voiceDefinition(t), { externalUrl: 'https://phones.acme.example/sb/voice/' });
  const path = `${d}/callCenters/SwitchboardVoice.callCenter-meta.xml`;
  const xml = byPath(files, path);
  const result = lintCallCenter(xml, 'SwitchboardVoice.callCenter-meta.xml');
  assert.deepEqual(result.problems, []);
  assert.equal(result.surface, 'voice');
  const map = result.callCenter?.toSettingsMap() ?? {};
  assert.equal(map['/reqGeneralInfo/reqAdapterUrl'], 'https://phones.acme.example/sb/voice/', '--external-url overrides the config');
  assert.equal(map['/reqGeneralInfo/reqVendorInfoApiName'], 'switchboard__SwitchboardVoice');
  assert.equal(
    new X509Certificate(map['/reqHvcc/reqTelephonyIntegrationCertificate'] ?? '').fingerprint256,
    new X509Certificate(rsaCertificate().cert).fingerprint256,
  );
  assert.equal(leaves(root(xml)).find(([k]) => k === 'adapterUrl')?.[1], 'https://phones.acme.example/sb/voice/');
  const vendor = root(byPath(files, `${d}/ConversationVendorInformation/SwitchboardVoice.ConversationVendorInformation-meta.xml`));
  assert.equal(leaves(vendor).find(([k]) => k === 'connectorUrl')?.[1], 'https://phones.acme.example/sb/voice/');
  const site = root(byPath(files, `${d}/cspTrustedSites/SwitchboardVoiceConnector.cspTrustedSite-meta.xml`));
  const fields = Object.fromEntries(leaves(site));
  assert.equal(fields['endpointUrl'], 'https://phones.acme.example', 'the origin, not the page');
  assert.equal(fields['isApplicableToFrameSrc'], 'true');
  assert.equal(fields['canAccessMicrophone'], 'true');
  assert.equal(fields['isApplicableToConnectSrc'], 'false');
});

test("permission sets: agents read and edit VoiceCall, admins also view all; both name Salesforce's standard sets", (t) => {
  const files = buildPackage(voiceDefinition(t), {});
  const perms = (name: string): { label: string; description: string; voiceCall: Record<string, string> } => {
    const r = root(byPath(files, `${d}/permissionsets/${name}.permissionset-meta.xml`));
    const object = r.children.filter((c) => c.name === 'objectPermissions');
    assert.equal(object.length, 1);
    return {
      label: r.children.find((c) => c.name === 'label')?.text ?? '',
      description: r.children.find((c) => c.name === 'description')?.text ?? '',
      voiceCall: Object.fromEntries(leaves(object[0] as XmlElement)),
    };
  };
  const agent = perms('SwitchboardVoiceAgent');
  assert.equal(agent.label, 'Switchboard Voice Agent');
  assert.deepEqual(agent.voiceCall, {
    allowCreate: 'false',
    allowDelete: 'false',
    allowEdit: 'true',
    allowRead: 'true',
    modifyAllRecords: 'false',
    object: 'VoiceCall',
    viewAllRecords: 'false',
  });
  assert.match(agent.description, new RegExp(STANDARD_VOICE_PERMISSION_SETS.agent));
  const admin = perms('SwitchboardVoiceAdmin');
  assert.equal(admin.label, 'Switchboard Voice Admin');
  assert.deepEqual(admin.voiceCall, {
    allowCreate: 'false',
    allowDelete: 'false',
    allowEdit: 'true',
    allowRead: 'true',
    modifyAllRecords: 'false',
    object: 'VoiceCall',
    viewAllRecords: 'true',
  });
  assert.match(admin.description, /Contact Center Admin \(Partner Telephony\)/);
});

test('the README walks the admin through add-on, namespace, import, certificate, users and the voice bridge', (t) => {
  const def = voiceDefinition(t);
  const readme = byPath(buildPackage(def, {}), 'README.md');
  const steps = [...readme.matchAll(/^\d+\. \*\*([^*]+)\*\*/gm)].map((m) => m[1]);
  assert.deepEqual(steps, ['Partner telephony.', 'Namespace.', 'Contact center.', 'Certificate.', 'Users.', 'Omni-Channel.', 'Voice bridge.', 'Check.']);
  assert.match(readme, /ServiceCloudVoicePartnerTelephony/);
  assert.match(readme, /`switchboard__SwitchboardVoice`/);
  assert.match(readme, /Setup > Contact\n?\s*Centers > Import/);
  assert.match(readme, new RegExp(`valid until\\s+${def.voice?.certificateNotAfter.toISOString().slice(0, 10) ?? 'x'}`));
  assert.match(readme, /private key stays on the voice bridge's\s+host/);
  for (const set of Object.values(STANDARD_VOICE_PERMISSION_SETS)) assert.ok(readme.includes(`**${set}**`), set);
  assert.match(readme, /X-Salesforce-VoiceCall-Id/);
  assert.match(readme, /POST \/v1\/calls with the SIP Call-ID as vendorCallKey/);
  assert.match(readme, /internal name `SwitchboardVoice` \(the JWT subject\)/);
});

test('refusals: a Voice connector URL that is not https', (t) => {
  const def = voiceDefinition(t);
  assert.throws(
    () => buildPackage({ ...def, adapterUrl: 'http://switchboard.example.com/voice/' }, {}),
    (e: unknown) => e instanceof PackageBuildError && /must be an https URL/.test(e.message),
  );
  // A path is a page of the package, which needs the connector build (voice-package-hosted.test.ts).
  assert.throws(
    () => buildPackage({ ...def, adapterUrl: '/apex/switchboard__Voice' }, {}),
    (e: unknown) => e instanceof PackageBuildError && /pass --connector-dist/.test(e.message),
  );
  assert.throws(() => buildPackage(def, { externalUrl: 'http://x.example/voice/' }), PackageBuildError);
});

test('package build from the command line: a Voice project without a connector build', async (t) => {
  const dir = voiceWorkspace(t, initConfigYaml('voice'));
  let out = '';
  let err = '';
  const code = await runCli(['package', 'build', '--out', 'pkg'], {
    cwd: dir,
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
  });
  assert.equal(code, 0, err);
  assert.match(out, /Wrote a Salesforce DX project \(7 files\)/);
  assert.ok(existsSync(join(dir, 'pkg', d, 'ConversationVendorInformation', 'SwitchboardVoice.ConversationVendorInformation-meta.xml')));
  assert.match(readFileSync(join(dir, 'pkg', 'README.md'), 'utf8'), /^# Switchboard for Salesforce Voice/);
});

test('the metadata rules catch broken ConversationVendorInfo and object-permission files', () => {
  const ns = 'xmlns="http://soap.sforce.com/2006/04/metadata"';
  const decl = '<?xml version="1.0" encoding="UTF-8"?>\n';
  const vendor = (fields: string, name = 'V'): [string, string] => [
    `ConversationVendorInformation/${name}.ConversationVendorInformation-meta.xml`,
    `${decl}<ConversationVendorInfo ${ns}>${fields}</ConversationVendorInfo>`,
  ];
  const good =
    '<connectorUrl>https://h.example/voice/</connectorUrl><developerName>V</developerName><masterLabel>V</masterLabel><vendorType>ServiceCloudVoicePartner</vendorType>';
  assert.deepEqual(checkMetadataFile(...vendor(good)), []);
  const cases: [[string, string], RegExp][] = [
    [vendor(good.replace('ServiceCloudVoicePartner', 'ServiceCloudVoice')), /<vendorType> is 'ServiceCloudVoice', expected one of ServiceCloudVoicePartner/],
    [vendor(good, 'W'), /<developerName> 'V' is not the file's name 'W'/],
    [vendor(good.replace('https://h.example/voice/', 'http://h.example/voice/')), /neither an https URL nor \/apex/],
    [vendor(good.replace('<vendorType>', '<vendorKind>x</vendorKind><vendorType>')), /<vendorKind> is not a field of ConversationVendorInfo/],
    [vendor(good.replace('<masterLabel>V</masterLabel>', '')), /Missing required <masterLabel>/],
    [vendor(`${good}<clientAuthMode>Token</clientAuthMode>`), /expected one of SSO, Custom, Mixed/],
    [vendor(`${good}<userSyncingSupported>true</userSyncingSupported>`), /userSyncingSupported need namedCredentialSupported true/],
    [vendor(`${good}<namedCredentialSupported>true</namedCredentialSupported>`), /needs the <integrationClass>/],
    [vendor(`${good}<agentSSOSupported>yes</agentSSOSupported>`), /'yes', expected one of true, false/],
    [
      ['ConversationVendorInfo/V.conversationVendorInfo-meta.xml', `${decl}<ConversationVendorInfo ${ns}>${good}</ConversationVendorInfo>`],
      /No metadata rule matches/,
    ],
  ];
  const perm = (object: string): [string, string] => [
    'permissionsets/X.permissionset-meta.xml',
    `${decl}<PermissionSet ${ns}><label>X</label><objectPermissions>${object}</objectPermissions></PermissionSet>`,
  ];
  const flags = (edit: string, read: string, viewAll = 'false'): string =>
    `<allowCreate>false</allowCreate><allowDelete>false</allowDelete><allowEdit>${edit}</allowEdit><allowRead>${read}</allowRead><modifyAllRecords>false</modifyAllRecords><object>VoiceCall</object><viewAllRecords>${viewAll}</viewAllRecords>`;
  assert.deepEqual(checkMetadataFile(...perm(flags('true', 'true'))), []);
  cases.push(
    [perm(flags('true', 'false')), /VoiceCall: allowEdit needs allowRead/],
    [perm(flags('false', 'false', 'true')), /viewAllRecords needs allowRead/],
    [perm('<allowRead>true</allowRead><object>VoiceCall</object>'), /lacks allowCreate, allowDelete, allowEdit, modifyAllRecords, viewAllRecords/],
    [perm('<allowRead>true</allowRead>'), /needs an <object>/],
  );
  for (const [[path, content], expected] of cases) {
    const problems = checkMetadataFile(path, content);
    assert.ok(
      problems.some((p) => expected.test(p.message)),
      `${expected}: ${JSON.stringify(problems)}`,
    );
  }
});
