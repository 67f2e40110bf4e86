/**
 * `switchboard package build` for a Salesforce Voice config whose connector is hosted in the org:
 * the Visualforce page the ConversationVendorInfo names (`/apex/<ns>__SwitchboardVoice`), the page's
 * remote action for ephemeral SIP credentials (JavaScript remoting, Salesforce Voice having no Open
 * CTI runApex), the credential Apex with its test class, and the agents' access, field by field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initConfigYaml, loadConfig } from '../../src/node/callcenter/config.ts';
import type { CallCenterDefinition } from '../../src/node/callcenter/definition.ts';
import { parseXml, type XmlElement } from '../../src/node/callcenter/xml-tree.ts';
import { runCli } from '../../src/node/cli/main.ts';
import { CREDENTIALS_APEX, CREDENTIALS_APEX_TEST, CREDENTIALS_REMOTE_ACTION } from '../../src/node/package/credentials-apex.ts';
import { checkMetadataFile } from '../../src/node/package/metadata-rules.ts';
import { buildPackage, PackageBuildError, PACKAGE_DIR, type PackageFile } from '../../src/node/package/package-builder.ts';
import { VOICE_MINT_META } from '../../src/node/package/voice-package.ts';
import { VISUALFORCE_MINT_META } from '../../src/crm/salesforce-voice/visualforce-remoting.ts';
import { voiceWorkspace } from './voice-support.ts';

const d = PACKAGE_DIR;
const VOICE_INDEX = join(import.meta.dirname, '../../src/app/voice/index.html');

function hostedDefinition(t: { after: (fn: () => void) => void }): CallCenterDefinition {
  const dir = voiceWorkspace(t, initConfigYaml('voice'));
  const r = loadConfig(initConfigYaml('voice'), join(dir, 'switchboard.yaml'));
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  // Not an https URL: the package hosts the connector itself.
  return { ...r.definition, adapterUrl: '/apex/switchboard__SwitchboardVoice' };
}

/** A built Voice connector as `npm run build` lays it out: the page's own index.html and its assets. */
function voiceDist(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-voice-dist-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'index.html'), readFileSync(VOICE_INDEX, 'utf8'));
  writeFileSync(join(dir, 'voice.js'), 'import("./chunks/sip.js");');
  writeFileSync(join(dir, 'voice.css'), 'body{margin:0}');
  writeFileSync(join(dir, 'voice.js.map'), '{"version":3}');
  mkdirSync(join(dir, 'chunks'));
  writeFileSync(join(dir, 'chunks', 'sip.js'), 'export {};');
  return dir;
}

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
const leaves = (el: XmlElement): [string, string][] => el.children.filter((c) => c.children.length === 0).map((c) => [c.name, c.text.trim()]);

test('a Voice package hosting its connector: the page, resource, credential Apex and metadata, every metadata file valid', (t) => {
  const files = buildPackage(hostedDefinition(t), { connectorDist: voiceDist(t) });
  assert.deepEqual(
    files.map((f) => f.path).sort(),
    [
      `${d}/ConversationVendorInformation/SwitchboardVoice.ConversationVendorInformation-meta.xml`,
      `${d}/callCenters/SwitchboardVoice.callCenter-meta.xml`,
      `${d}/classes/SwitchboardCredentials.cls`,
      `${d}/classes/SwitchboardCredentials.cls-meta.xml`,
      `${d}/classes/SwitchboardCredentialsTest.cls`,
      `${d}/classes/SwitchboardCredentialsTest.cls-meta.xml`,
      `${d}/cspTrustedSites/SwitchboardSipWebSocket.cspTrustedSite-meta.xml`,
      `${d}/objects/SwitchboardPhoneSecret__mdt/SwitchboardPhoneSecret__mdt.object-meta.xml`,
      `${d}/objects/SwitchboardPhoneSecret__mdt/fields/Secret__c.field-meta.xml`,
      `${d}/objects/SwitchboardPhoneSecret__mdt/fields/TtlSeconds__c.field-meta.xml`,
      `${d}/objects/User/fields/SwitchboardExtension__c.field-meta.xml`,
      `${d}/pages/SwitchboardVoice.page`,
      `${d}/pages/SwitchboardVoice.page-meta.xml`,
      `${d}/permissionsets/SwitchboardVoiceAdmin.permissionset-meta.xml`,
      `${d}/permissionsets/SwitchboardVoiceAgent.permissionset-meta.xml`,
      `${d}/staticresources/SwitchboardVoice.resource`,
      `${d}/staticresources/SwitchboardVoice.resource-meta.xml`,
      'README.md',
      'sfdx-project.json',
    ].sort(),
  );
  for (const f of files.filter((x) => x.path.endsWith('-meta.xml')))
    assert.deepEqual(checkMetadataFile(f.path.slice(d.length + 1), String(f.content)), [], f.path);
  // The resource is the build without its source maps.
  const zip = files.find((f) => f.path.endsWith('SwitchboardVoice.resource'))!.content as Buffer;
  for (const name of ['index.html', 'voice.js', 'voice.css', 'chunks/sip.js']) assert.ok(zip.includes(Buffer.from(name)), name);
  assert.ok(!zip.includes(Buffer.from('voice.js.map')));
});

test('the ConversationVendorInfo and the contact center name the page with the package namespace', (t) => {
  const files = buildPackage(hostedDefinition(t), { connectorDist: voiceDist(t) });
  const vendor = root(byPath(files, `${d}/ConversationVendorInformation/SwitchboardVoice.ConversationVendorInformation-meta.xml`));
  assert.equal(new Map(leaves(vendor)).get('connectorUrl'), '/apex/switchboard__SwitchboardVoice');
  const cc = byPath(files, `${d}/callCenters/SwitchboardVoice.callCenter-meta.xml`);
  assert.match(cc, /<name>reqAdapterUrl<\/name>\s*<value>\/apex\/switchboard__SwitchboardVoice<\/value>/);
  // The connector's own origin is the org's Visualforce domain: no Trusted URL for it, one for the SIP WebSocket.
  assert.ok(!files.some((f) => f.path.includes('SwitchboardVoiceConnector')));
  const ws = new Map(leaves(root(byPath(files, `${d}/cspTrustedSites/SwitchboardSipWebSocket.cspTrustedSite-meta.xml`))));
  assert.equal(ws.get('endpointUrl'), 'wss://pbx.example.com:8089');
  assert.equal(ws.get('isApplicableToConnectSrc'), 'true');
  assert.equal(ws.get('isApplicableToFrameSrc'), 'false');
});

test("the page: the credential class as controller, the remote action in the meta tag the connector reads, the build's assets from the resource", (t) => {
  const files = buildPackage(hostedDefinition(t), { connectorDist: voiceDist(t) });
  const page = byPath(files, `${d}/pages/SwitchboardVoice.page`);
  const lines = page.split('\n');
  assert.equal(
    lines[0],
    '<apex:page controller="SwitchboardCredentials" showHeader="false" sidebar="false" standardStylesheets="false" applyHtmlTag="false" applyBodyTag="false" docType="html-5.0" cache="false">',
  );
  assert.equal(VOICE_MINT_META, VISUALFORCE_MINT_META, 'the package and the connector agree on the meta tag');
  assert.ok(lines.includes(`<meta name="${VOICE_MINT_META}" content="{!$RemoteAction.SwitchboardCredentials.${CREDENTIALS_REMOTE_ACTION}}"/>`), page);
  assert.ok(lines.includes('<script type="module" src="{!URLFOR($Resource.SwitchboardVoice, \'voice.js\')}"></script>'), page);
  assert.ok(lines.includes('<link rel="stylesheet" href="{!URLFOR($Resource.SwitchboardVoice, \'voice.css\')}"/>'), page);
  assert.ok(lines.includes('<title>Switchboard for Salesforce Voice</title>'));
  // Visualforce injects its remoting provider (an inline script): a policy meta tag would block it.
  assert.ok(!/Content-Security-Policy/.test(page));
  assert.match(page, /<body><noscript>Switchboard needs JavaScript.<\/noscript><\/body>/);
  assert.ok(page.trimEnd().endsWith('</apex:page>'));
  const meta = new Map(leaves(root(byPath(files, `${d}/pages/SwitchboardVoice.page-meta.xml`))));
  assert.equal(meta.get('apiVersion'), '62.0');
  assert.equal(meta.get('label'), 'SwitchboardVoice');
  assert.equal(meta.get('confirmationTokenRequired'), 'false');
});

test('the credential Apex: a global @RemoteAction beside the runApex method, covered by its test class', (t) => {
  const files = buildPackage(hostedDefinition(t), { connectorDist: voiceDist(t) });
  const cls = byPath(files, `${d}/classes/SwitchboardCredentials.cls`);
  assert.equal(cls, CREDENTIALS_APEX);
  assert.match(cls, /@RemoteAction\s+global static String mintForVoice\(\) \{\s+return mint\(\);\s+\}/);
  assert.match(cls, /webService static String mint\(\)/, 'Open CTI runApex keeps its method');
  assert.match(cls, /^global with sharing class SwitchboardCredentials \{/m);
  const testClass = byPath(files, `${d}/classes/SwitchboardCredentialsTest.cls`);
  assert.equal(testClass, CREDENTIALS_APEX_TEST);
  assert.match(testClass, /static void theRemoteActionMintsTheSameWay\(\)/);
  assert.match(
    testClass,
    /SwitchboardCredentials\.mintForVoice\(\);\s+System\.assert\(false, 'a user without an extension gets no credentials by remoting either'\)/,
  );
  assert.equal(new Map(leaves(root(byPath(files, `${d}/classes/SwitchboardCredentials.cls-meta.xml`)))).get('status'), 'Active');
});

test('the agent permission set: the page, the class and the extension read only; the admin set unchanged', (t) => {
  const files = buildPackage(hostedDefinition(t), { connectorDist: voiceDist(t) });
  const agent = root(byPath(files, `${d}/permissionsets/SwitchboardVoiceAgent.permissionset-meta.xml`));
  const part = (name: string): [string, string][][] => agent.children.filter((c) => c.name === name).map(leaves);
  assert.deepEqual(part('classAccesses'), [
    [
      ['apexClass', 'SwitchboardCredentials'],
      ['enabled', 'true'],
    ],
  ]);
  assert.deepEqual(part('pageAccesses'), [
    [
      ['apexPage', 'SwitchboardVoice'],
      ['enabled', 'true'],
    ],
  ]);
  assert.deepEqual(part('fieldPermissions'), [
    [
      ['editable', 'false'],
      ['field', 'User.SwitchboardExtension__c'],
      ['readable', 'true'],
    ],
  ]);
  assert.ok(!part('customMetadataTypeAccesses').length, 'agents never read the secret');
  const admin = root(byPath(files, `${d}/permissionsets/SwitchboardVoiceAdmin.permissionset-meta.xml`));
  assert.ok(!admin.children.some((c) => c.name === 'classAccesses' || c.name === 'pageAccesses'));
  const readme = byPath(files, 'README.md');
  assert.match(readme, /SwitchboardCredentials\.mintForVoice` by Visualforce JavaScript remoting/);
  assert.match(readme, /SIP Extension\*\* \(`User\.SwitchboardExtension__c`\)/);
});

test('refusals: a hosted Voice connector without a build, a build without index.html, an http URL', (t) => {
  const def = hostedDefinition(t);
  assert.throws(
    () => buildPackage(def, {}),
    (e: unknown) => e instanceof PackageBuildError && /pass --connector-dist \(default dist\/app\/voice/.test(e.message),
  );
  const empty = mkdtempSync(join(tmpdir(), 'sb-voice-empty-'));
  t.after(() => rmSync(empty, { recursive: true, force: true }));
  writeFileSync(join(empty, 'voice.js'), '');
  assert.throws(
    () => buildPackage(def, { connectorDist: empty }),
    (e: unknown) => e instanceof PackageBuildError && /has no index\.html: is it the built connector \(dist\/app\/voice\)\?/.test(e.message),
  );
  assert.throws(
    () => buildPackage({ ...def, adapterUrl: 'http://switchboard.example.com/voice/' }, { connectorDist: voiceDist(t) }),
    (e: unknown) => e instanceof PackageBuildError && /must be an https URL/.test(e.message),
  );
  // --external-url wins over the build: no page then.
  const external = buildPackage(def, { connectorDist: voiceDist(t), externalUrl: 'https://voice.example.com/voice/' });
  assert.ok(!external.some((f) => f.path.endsWith('.page')));
});

test('package build from the command line: a hosted Voice connector from --connector-dist', async (t) => {
  const dir = voiceWorkspace(t, initConfigYaml('voice').replace('https://switchboard.example.com/voice/', '/apex/switchboard__SwitchboardVoice'));
  const dist = voiceDist(t);
  let err = '';
  const code = await runCli(['package', 'build', '--out', 'pkg', '--connector-dist', dist], {
    cwd: dir,
    out: () => {},
    err: (s) => {
      err += s;
    },
  });
  assert.equal(code, 0, err);
  assert.ok(existsSync(join(dir, 'pkg', d, 'pages', 'SwitchboardVoice.page')));
  // Without --connector-dist the default is the Voice build (dist/app/voice under the working folder: absent here).
  let err2 = '';
  await assert.rejects(async () => {
    const c = await runCli(['package', 'build', '--out', 'pkg2'], {
      cwd: dir,
      out: () => {},
      err: (s) => {
        err2 += s;
      },
    });
    if (c !== 0) throw new Error(err2);
  }, /dist\/app\/voice/);
});
