/**
 * `switchboard package build`: every generated file is checked against the format rules of its
 * metadata type (metadata-rules.ts), the rules themselves are shown to catch bad files, the static
 * resource is a real zip of the connector, and the JavaScript of the bridge parses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { transformSync } from 'esbuild';
import { SaxesParser } from 'saxes';
import { CALL_LOG_APEX_CLASS, CALL_LOG_APEX_METHOD } from '../../src/crm/outbox/log-writer.ts';
import { initConfigYaml, loadConfig } from '../../src/node/callcenter/config.ts';
import type { CallCenterDefinition } from '../../src/node/callcenter/definition.ts';
import { lintCallCenter } from '../../src/node/callcenter/lint.ts';
import { buildPackage, PackageBuildError, PACKAGE_DIR, STATIC_RESOURCE_LIMIT, type PackageFile } from '../../src/node/package/package-builder.ts';
import { checkMetadataFile, checkSfdxProject, METADATA_RULES, ruleFor } from '../../src/node/package/metadata-rules.ts';
import { crc32, writeZip } from '../../src/node/package/zip.ts';
import { createHmac } from 'node:crypto';
import { KNOWN_VECTOR } from '../../src/node/package/credentials-apex.ts';

function definition(): CallCenterDefinition {
  const r = loadConfig(initConfigYaml(), 'switchboard.yaml');
  assert.ok(r.ok);
  return r.definition;
}

/** A built connector as `npm run build` lays it out: index.html plus its assets. */
function connectorDist(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-dist-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<link rel="stylesheet" href="./softphone.css">
<link rel="icon" href="assets/icon.svg">
<script type="module" src="softphone.js"></script>
<script src="https://cdn.example.com/not-ours.js"></script>
</head><body><switchboard-softphone></switchboard-softphone><script>console.log('inline')</script></body></html>`,
  );
  writeFileSync(join(dir, 'softphone.js'), `console.log(${JSON.stringify('x'.repeat(5000))});`);
  writeFileSync(join(dir, 'softphone.css'), 'body{margin:0}');
  writeFileSync(join(dir, 'softphone.js.map'), '{"version":3}');
  writeFileSync(join(dir, 'assets', 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

/** Reads a zip's central directory and inflates every entry (checking sizes and CRCs). */
function readZip(buf: Buffer): Map<string, Buffer> {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'end of central directory');
  const count = buf.readUInt16LE(end + 10);
  let p = buf.readUInt32LE(end + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const size = buf.readUInt32LE(p + 20);
    const rawSize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    assert.equal(buf.readUInt32LE(local), 0x04034b50);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const body = buf.subarray(start, start + size);
    const data = method === 8 ? inflateRawSync(body) : Buffer.from(body);
    assert.equal(data.length, rawSize, name);
    assert.equal(crc32(data), crc, name);
    out.set(name, data);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

const byPath = (files: readonly PackageFile[], suffix: string): PackageFile => {
  const f = files.find((x) => x.path.endsWith(suffix));
  assert.ok(f, `${suffix} is generated`);
  return f;
};

test('Visualforce hosting: every file follows its metadata type rules', (t) => {
  const files = buildPackage(definition(), { connectorDist: connectorDist(t) });
  const paths = files.map((f) => f.path).sort();
  const d = PACKAGE_DIR;
  assert.deepEqual(
    paths,
    [
      `${d}/aura/SwitchboardOmniBridge/SwitchboardOmniBridge.cmp`,
      `${d}/aura/SwitchboardOmniBridge/SwitchboardOmniBridge.cmp-meta.xml`,
      `${d}/aura/SwitchboardOmniBridge/SwitchboardOmniBridge.design`,
      `${d}/aura/SwitchboardOmniBridge/SwitchboardOmniBridgeController.js`,
      `${d}/aura/SwitchboardOmniBridge/SwitchboardOmniBridgeHelper.js`,
      `${d}/callCenters/SwitchboardSoftphone.callCenter-meta.xml`,
      `${d}/classes/SwitchboardCallLog.cls`,
      `${d}/classes/SwitchboardCallLog.cls-meta.xml`,
      `${d}/classes/SwitchboardCallLogTest.cls`,
      `${d}/classes/SwitchboardCallLogTest.cls-meta.xml`,
      `${d}/classes/SwitchboardCredentials.cls`,
      `${d}/classes/SwitchboardCredentials.cls-meta.xml`,
      `${d}/classes/SwitchboardCredentialsTest.cls`,
      `${d}/classes/SwitchboardCredentialsTest.cls-meta.xml`,
      `${d}/classes/SwitchboardRecords.cls`,
      `${d}/classes/SwitchboardRecords.cls-meta.xml`,
      `${d}/classes/SwitchboardRecordsTest.cls`,
      `${d}/classes/SwitchboardRecordsTest.cls-meta.xml`,
      `${d}/classes/SwitchboardSetupController.cls`,
      `${d}/classes/SwitchboardSetupController.cls-meta.xml`,
      `${d}/classes/SwitchboardSetupControllerTest.cls`,
      `${d}/classes/SwitchboardSetupControllerTest.cls-meta.xml`,
      `${d}/cspTrustedSites/SwitchboardSipWebSocket.cspTrustedSite-meta.xml`,
      `${d}/lwc/switchboardPresenceBridge/switchboardPresenceBridge.html`,
      `${d}/lwc/switchboardPresenceBridge/switchboardPresenceBridge.js`,
      `${d}/lwc/switchboardPresenceBridge/switchboardPresenceBridge.js-meta.xml`,
      `${d}/lwc/switchboardSetup/settingsRules.js`,
      `${d}/lwc/switchboardSetup/sipConnectionTest.js`,
      `${d}/lwc/switchboardSetup/switchboardSetup.html`,
      `${d}/lwc/switchboardSetup/switchboardSetup.js`,
      `${d}/lwc/switchboardSetup/switchboardSetup.js-meta.xml`,
      `${d}/messageChannels/SwitchboardPresence.messageChannel-meta.xml`,
      `${d}/objects/SwitchboardPhoneSecret__mdt/SwitchboardPhoneSecret__mdt.object-meta.xml`,
      `${d}/objects/SwitchboardPhoneSecret__mdt/fields/Secret__c.field-meta.xml`,
      `${d}/objects/SwitchboardPhoneSecret__mdt/fields/TtlSeconds__c.field-meta.xml`,
      `${d}/objects/User/fields/SwitchboardExtension__c.field-meta.xml`,
      `${d}/pages/SwitchboardSoftphone.page`,
      `${d}/pages/SwitchboardSoftphone.page-meta.xml`,
      `${d}/permissionsets/SwitchboardAdmin.permissionset-meta.xml`,
      `${d}/permissionsets/SwitchboardAgent.permissionset-meta.xml`,
      `${d}/staticresources/SwitchboardSoftphone.resource`,
      `${d}/staticresources/SwitchboardSoftphone.resource-meta.xml`,
      `${d}/tabs/Switchboard_Setup.tab-meta.xml`,
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
  // ConversationVendorInfo belongs to the Salesforce Voice package (voice-package.test.ts).
  assert.deepEqual(
    [...types].sort(),
    METADATA_RULES.map((r) => r.type)
      .filter((type) => type !== 'ConversationVendorInfo')
      .sort(),
    'every Open CTI metadata type is generated and checked',
  );
  assert.deepEqual(checkSfdxProject(String(byPath(files, 'sfdx-project.json').content)), []);
  const project = JSON.parse(String(byPath(files, 'sfdx-project.json').content)) as {
    packageDirectories: { path: string; default: boolean }[];
    sourceApiVersion: string;
  };
  assert.deepEqual(project.packageDirectories, [{ path: 'force-app', default: true }]);
  assert.equal(project.sourceApiVersion, '62.0');
});

test("the call center loads the Visualforce page, and the page loads the resource's assets under the connector's CSP, not Open CTI", (t) => {
  const files = buildPackage(definition(), { connectorDist: connectorDist(t), apiVersion: '64.0' });
  const cc = lintCallCenter(String(byPath(files, '.callCenter-meta.xml').content), 'SwitchboardSoftphone.callCenter-meta.xml');
  assert.equal(cc.callCenter?.toSettingsMap()['/reqGeneralInfo/reqAdapterUrl'], '/apex/SwitchboardSoftphone');
  const page = String(byPath(files, '.page').content);
  assert.match(page, /^<apex:page [^>]*showHeader="false"/);
  // The connector loads Open CTI once, from the origin it checked; the page including it too would run it twice.
  assert.doesNotMatch(page, /opencti|interaction\.js|support\/api/);
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)" \/>/.exec(page)?.[1]?.replace(/&#39;|&apos;/g, "'");
  assert.ok(csp, "the page carries the connector's Content-Security-Policy");
  const ws = new URL(String(definition().switchboard['sipWebSocketUrl']));
  assert.match(csp, new RegExp(`connect-src 'self' ${ws.protocol}//${ws.host.replace(/\./g, '\\.')}(;|$)`));
  assert.match(csp, /script-src 'self' https:\/\/\*\.lightning\.force\.com /);
  assert.match(page, /<meta name="switchboard-trusted-origins" content="" \/>/);
  assert.ok(page.indexOf('Content-Security-Policy') < page.indexOf('<script'), 'the policy comes before every script');
  assert.match(page, /<link rel="stylesheet" href="\{!URLFOR\(\$Resource\.SwitchboardSoftphone, 'softphone\.css'\)\}"\/>/);
  assert.match(page, /<script type="module" src="\{!URLFOR\(\$Resource\.SwitchboardSoftphone, 'softphone\.js'\)\}"><\/script>/);
  assert.match(page, /<body><switchboard-softphone><\/switchboard-softphone><\/body>/);
  assert.doesNotMatch(page, /cdn\.example\.com|inline/, "only the connector's own relative assets");
  const parser = new SaxesParser();
  const errors: string[] = [];
  parser.on('error', (e) => errors.push(e.message));
  parser.write(page).close();
  assert.deepEqual(errors, [], 'the page is well-formed');
  assert.match(String(byPath(files, '.page-meta.xml').content), /<apiVersion>64\.0<\/apiVersion>/);
});

test('the static resource is a zip of the whole connector build', (t) => {
  const files = buildPackage(definition(), { connectorDist: connectorDist(t) });
  const entries = readZip(byPath(files, '.resource').content as Buffer);
  assert.deepEqual([...entries.keys()].sort(), ['assets/icon.svg', 'index.html', 'softphone.css', 'softphone.js'], 'source maps are left out');
  assert.equal(entries.get('softphone.css')?.toString(), 'body{margin:0}');
  assert.match(entries.get('softphone.js')?.toString() ?? '', /^console\.log\("x{5000}"\);$/);
  const meta = String(byPath(files, '.resource-meta.xml').content);
  assert.match(meta, /<contentType>application\/zip<\/contentType>/);
  assert.match(meta, /<cacheControl>Private<\/cacheControl>/);
});

test('zip writer: stored and deflated entries, deterministic, refuses bad paths', () => {
  const a = writeZip([
    { path: 'a.txt', data: Buffer.from('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa') },
    { path: 'dir/b.bin', data: Buffer.from([1, 2, 3]) },
  ]);
  assert.deepEqual(
    a,
    writeZip([
      { path: 'a.txt', data: Buffer.from('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa') },
      { path: 'dir/b.bin', data: Buffer.from([1, 2, 3]) },
    ]),
  );
  const entries = readZip(a);
  assert.equal(entries.get('a.txt')?.toString(), 'a'.repeat(40));
  assert.deepEqual([...(entries.get('dir/b.bin') ?? [])], [1, 2, 3]);
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926, 'the standard CRC-32 check value');
  assert.throws(() => writeZip([{ path: '../x', data: Buffer.alloc(0) }]), /Bad zip entry/);
  assert.throws(
    () =>
      writeZip([
        { path: 'x', data: Buffer.alloc(0) },
        { path: 'x', data: Buffer.alloc(0) },
      ]),
    /Duplicate/,
  );
});

test('CSP Trusted Site allows connect-src to the SIP WebSocket host, context All', (t) => {
  const files = buildPackage(definition(), { connectorDist: connectorDist(t) });
  const csp = String(byPath(files, '.cspTrustedSite-meta.xml').content);
  assert.match(csp, /<endpointUrl>wss:\/\/pbx\.example\.com:8089<\/endpointUrl>/);
  assert.match(csp, /<isApplicableToConnectSrc>true<\/isApplicableToConnectSrc>/);
  assert.match(csp, /<isActive>true<\/isActive>/);
  assert.match(csp, /<context>All<\/context>/);
});

test('presence: the message channel, the LWC relay and the Aura Omni-Channel bridge', (t) => {
  const files = buildPackage(definition(), { connectorDist: connectorDist(t) });
  const channel = String(byPath(files, '.messageChannel-meta.xml').content);
  for (const field of ['status', 'reasonId', 'source']) assert.match(channel, new RegExp(`<fieldName>${field}</fieldName>`));
  assert.match(channel, /<isExposed>true<\/isExposed>/);
  const lwc = String(byPath(files, 'switchboardPresenceBridge.js').content);
  assert.match(lwc, /import PRESENCE from '@salesforce\/messageChannel\/SwitchboardPresence__c';/);
  assert.match(lwc, /subscribe\(this\.messageContext, PRESENCE/);
  transformSync(lwc, { loader: 'js', format: 'esm', target: 'es2022' }); // throws on a syntax error (decorators are fine for esbuild)
  assert.equal(String(byPath(files, 'switchboardPresenceBridge.html').content).trim(), '<template></template>');
  const cmp = String(byPath(files, 'SwitchboardOmniBridge.cmp').content);
  for (const needle of [
    '<lightning:omniToolkitAPI aura:id="omniToolkit"/>',
    'type="SwitchboardPresence__c"',
    'lightning:omniChannelStatusChanged',
    'lightning:omniChannelLogout',
    '<c:switchboardPresenceBridge onpresencechange=',
  ])
    assert.ok(cmp.includes(needle), needle);
  const parser = new SaxesParser(); // Aura prefixes are not XML namespaces: parse without xmlns.
  const errors: string[] = [];
  parser.on('error', (e) => errors.push(e.message));
  parser.write(cmp).close();
  assert.deepEqual(errors, []);
  for (const name of ['SwitchboardOmniBridgeController.js', 'SwitchboardOmniBridgeHelper.js']) {
    const source = String(byPath(files, name).content);
    // An Aura controller/helper is exactly one object literal in parentheses.
    assert.match(source.trim(), /^\(\{[\s\S]*\}\)$/);
    transformSync(`export default ${source.trim()};`, { loader: 'js' });
  }
  const controller = String(byPath(files, 'SwitchboardOmniBridgeController.js').content);
  for (const call of ['setServicePresenceStatus', 'getServicePresenceStatusId', 'logout()', ".publish({ status: 'offline'"])
    assert.ok(controller.includes(call), call);
});

test('permission set grants the page, the call-log class and the Task call fields', (t) => {
  const files = buildPackage(definition(), { connectorDist: connectorDist(t) });
  const ps = String(byPath(files, '.permissionset-meta.xml').content);
  assert.match(ps, /<apexPage>SwitchboardSoftphone<\/apexPage>\s*<enabled>true<\/enabled>/);
  assert.match(ps, /<apexClass>SwitchboardCallLog<\/apexClass>\s*<enabled>true<\/enabled>/);
  for (const field of ['CallDisposition', 'CallDurationInSeconds', 'CallObject', 'CallType']) assert.match(ps, new RegExp(`<field>Task\\.${field}</field>`));
});

test('external hosting: the adapter URL is the https URL; no page or resource; a Trusted URL with the microphone', () => {
  const files = buildPackage(definition(), { externalUrl: 'https://softphone.example.com/agent' });
  assert.equal(
    files.some((f) => /\.page$|\.resource$/.test(f.path)),
    false,
  );
  // The Setup tab's connection test opens the SIP WebSocket from Lightning, so it stays trusted for connect-src.
  assert.match(String(byPath(files, 'SwitchboardSipWebSocket.cspTrustedSite-meta.xml').content), /<endpointUrl>wss:\/\/pbx\.example\.com:8089<\/endpointUrl>/);
  const host = String(byPath(files, 'SwitchboardSoftphoneHost.cspTrustedSite-meta.xml').content);
  assert.match(host, /<endpointUrl>https:\/\/softphone\.example\.com<\/endpointUrl>/);
  assert.match(host, /<canAccessMicrophone>true<\/canAccessMicrophone>/);
  assert.match(host, /<isApplicableToFrameSrc>true<\/isApplicableToFrameSrc>/);
  const old = buildPackage(definition(), { externalUrl: 'https://softphone.example.com/agent', apiVersion: '58.0' });
  assert.doesNotMatch(String(byPath(old, 'SwitchboardSoftphoneHost.cspTrustedSite-meta.xml').content), /canAccess/, 'the field exists from API 59.0');
  const cc = lintCallCenter(String(byPath(files, '.callCenter-meta.xml').content), 'SwitchboardSoftphone.callCenter-meta.xml');
  assert.deepEqual(cc.problems, []);
  assert.equal(cc.callCenter?.toSettingsMap()['/reqGeneralInfo/reqAdapterUrl'], 'https://softphone.example.com/agent');
  assert.doesNotMatch(String(byPath(files, '.permissionset-meta.xml').content), /pageAccesses/);
  for (const f of files.filter((x) => x.path.endsWith('-meta.xml')))
    assert.deepEqual(checkMetadataFile(f.path.slice(PACKAGE_DIR.length + 1), String(f.content)), []);
});

test('refusals: http external URL, missing build, bad API version, Classic call center', (t) => {
  assert.throws(() => buildPackage(definition(), { externalUrl: 'http://softphone.example.com/' }), /must be an https URL/);
  assert.throws(() => buildPackage(definition(), { connectorDist: join(tmpdir(), 'no-such-switchboard-dist') }), /npm run build/);
  assert.throws(() => buildPackage(definition(), {}), /--connector-dist/);
  assert.throws(() => buildPackage(definition(), { externalUrl: 'https://x.example.com/', apiVersion: '62' }), /NN\.0/);
  const big = connectorDist(t);
  writeFileSync(join(big, 'blob.bin'), randomBytes(STATIC_RESOURCE_LIMIT + 1024));
  assert.throws(() => buildPackage(definition(), { connectorDist: big }), /at most 5 MB/);
  assert.throws(
    () => buildPackage({ ...definition(), compatibilityMode: 'Classic' }, { connectorDist: connectorDist(t) }),
    (e: unknown) => e instanceof PackageBuildError && /compatibility-mode-classic/.test(e.message),
  );
});

test('the package ships the Apex class the outbox looks logs up with, under the name and signature it calls, with a test class', (t) => {
  const files = buildPackage(definition(), { connectorDist: connectorDist(t) });
  const cls = String(byPath(files, `/classes/${CALL_LOG_APEX_CLASS}.cls`).content);
  assert.match(cls, new RegExp(`^global with sharing class ${CALL_LOG_APEX_CLASS} \\{`, 'm'), 'runApex needs a global class');
  assert.match(
    cls,
    new RegExp(`webService static String ${CALL_LOG_APEX_METHOD}\\(String callObject, String objectApiName\\)`),
    'runApex calls a webService static method by these parameter names',
  );
  assert.match(cls, /CallObject = :callObject AND OwnerId = :ownerId/, 'bind variables only: no SOQL built from input');
  const testClass = String(byPath(files, '/classes/SwitchboardCallLogTest.cls').content);
  assert.match(testClass, /^@IsTest\s+private class SwitchboardCallLogTest/);
  assert.match(testClass, new RegExp(`${CALL_LOG_APEX_CLASS}\\.${CALL_LOG_APEX_METHOD}\\(`));
  // Braces balance in both sources (a cheap guard against a broken template).
  for (const source of [cls, testClass]) assert.equal((source.match(/\{/g) ?? []).length, (source.match(/\}/g) ?? []).length);
});

test('the package ships SwitchboardCredentials.mint for runApex: HMAC-SHA1 of "<expiry>:<extension>" with the protected secret', (t) => {
  const files = buildPackage(definition(), { connectorDist: connectorDist(t) });
  const cls = String(byPath(files, '/classes/SwitchboardCredentials.cls').content);
  assert.match(cls, /^global with sharing class SwitchboardCredentials \{/m, 'runApex needs a global class');
  assert.match(cls, /webService static String mint\(\)/, 'runApex calls a webService static method; methodParams are empty');
  assert.match(cls, /Crypto\.generateMac\('hmacSHA1', Blob\.valueOf\(username\), Blob\.valueOf\(secret\)\)/, 'key = secret, message = username');
  assert.match(cls, /String username = String\.valueOf\(expiresAt\) \+ ':' \+ extension;/);
  assert.match(cls, /EncodingUtil\.base64Encode\(mac\)/);
  assert.match(cls, /Datetime\.now\(\)\.getTime\(\) \/ 1000 \+ ttl/, 'expiry = now + TtlSeconds__c, in seconds');
  assert.match(cls, /SwitchboardPhoneSecret__mdt\.getInstance\('Default'\)/);
  assert.match(cls, /SELECT Username, SwitchboardExtension__c FROM User WHERE Id = :userId/, "the running user's own extension, by bind variable");
  for (const field of ['username', 'password', 'extension', 'expiresAt', 'ttlSeconds'])
    assert.match(cls, new RegExp(`write(String|Number)Field\\('${field}'`), field);
  assert.match(cls, /throw new CredentialsException\('User ' \+ agent\.Username \+ ' has no SIP extension/);
  assert.match(cls, /throw new CredentialsException\('The phone-system secret is not configured/);
  const testClass = String(byPath(files, '/classes/SwitchboardCredentialsTest.cls').content);
  assert.match(testClass, /^@IsTest\s+private class SwitchboardCredentialsTest/);
  for (const name of [
    'signsTheKnownVector',
    'mintsForTheRunningUsersExtension',
    'anUnsetLifetimeIsAnHour',
    'refusesAUserWithoutAnExtension',
    'refusesWhenTheSecretIsMissingOrEmpty',
  ]) {
    assert.match(testClass, new RegExp(`@IsTest\\s+static void ${name}\\(\\)`), name);
  }
  for (const source of [cls, testClass]) assert.equal((source.match(/\{/g) ?? []).length, (source.match(/\}/g) ?? []).length);
  assert.match(String(byPath(files, '/classes/SwitchboardCredentials.cls-meta.xml').content), /<status>Active<\/status>/);

  const type = String(byPath(files, 'SwitchboardPhoneSecret__mdt.object-meta.xml').content);
  assert.match(type, /<visibility>Protected<\/visibility>/);
  assert.match(String(byPath(files, 'SwitchboardPhoneSecret__mdt/fields/Secret__c.field-meta.xml').content), /<type>Text<\/type>/);
  const ttl = String(byPath(files, 'SwitchboardPhoneSecret__mdt/fields/TtlSeconds__c.field-meta.xml').content);
  assert.match(ttl, /<type>Number<\/type>[\s\S]*|<defaultValue>3600<\/defaultValue>/);
  assert.match(ttl, /<defaultValue>3600<\/defaultValue>/);
  const extension = String(byPath(files, 'objects/User/fields/SwitchboardExtension__c.field-meta.xml').content);
  assert.match(extension, /<type>Text<\/type>/);
  assert.match(extension, /<unique>true<\/unique>/, 'one extension, one user');
  assert.equal(
    files.some((f) => f.path.includes('customMetadata/')),
    false,
    "no record ships: a redeploy never overwrites the admin's secret",
  );

  const ps = String(byPath(files, '.permissionset-meta.xml').content);
  assert.match(ps, /<apexClass>SwitchboardCredentials<\/apexClass>\s*<enabled>true<\/enabled>/);
  assert.match(
    ps,
    /<editable>false<\/editable>\s*<field>User\.SwitchboardExtension__c<\/field>\s*<readable>true<\/readable>/,
    'agents read their extension, never edit it',
  );
  assert.doesNotMatch(ps, /customMetadataTypeAccesses|SwitchboardPhoneSecret/, 'agents get no access to the secret');

  const readme = String(byPath(files, 'README.md').content);
  assert.ok(
    files.some((f) => f.path === 'README.md'),
    'the README sits at the project root',
  );
  for (const needle of [
    'SwitchboardPhoneSecret__mdt',
    'SwitchboardExtension__c',
    'Restrict access to custom metadata types',
    'Named Credential',
    'managed package',
    'credentialScheme: ephemeral',
  ])
    assert.ok(readme.includes(needle), needle);
});

test("the Apex test class's known vector is what Node computes: both sides sign alike", (t) => {
  const files = buildPackage(definition(), { connectorDist: connectorDist(t) });
  const testClass = String(byPath(files, '/classes/SwitchboardCredentialsTest.cls').content);
  const call = /SwitchboardCredentials\.credential\('([^']+)', '([^']+)', (\d+)L, (\d+)\)/.exec(testClass);
  assert.ok(call, 'the vector test calls credential(extension, secret, expiresAt, ttl)');
  const [, extension, secret, expiresAt] = call;
  const expected = /System\.assertEquals\('([^']+)', c\.get\('password'\)\)/.exec(testClass)?.[1];
  const username = `${expiresAt}:${extension}`;
  assert.match(testClass, new RegExp(`System\\.assertEquals\\('${username}', c\\.get\\('username'\\)\\)`));
  assert.equal(
    createHmac('sha1', secret ?? '')
      .update(username)
      .digest('base64'),
    expected,
  );
  assert.deepEqual(
    { extension, secret, expiresAt: Number(expiresAt) },
    { extension: KNOWN_VECTOR.extension, secret: KNOWN_VECTOR.secret, expiresAt: KNOWN_VECTOR.expiresAt },
  );
});

test('the Switchboard Setup tab: an exposed LWC with tab and app page targets, its tab, its Apex controller with a test, and the admin permission set', (t) => {
  const files = buildPackage(definition(), { connectorDist: connectorDist(t), apiVersion: '63.0' });
  const meta = String(byPath(files, 'switchboardSetup.js-meta.xml').content);
  assert.match(meta, /<isExposed>true<\/isExposed>/);
  assert.match(meta, /<targets>\s*<target>lightning__Tab<\/target>\s*<target>lightning__AppPage<\/target>\s*<\/targets>/);
  const tab = String(byPath(files, 'tabs/Switchboard_Setup.tab-meta.xml').content);
  assert.match(tab, /<label>Switchboard Setup<\/label>/);
  assert.match(tab, /<lwcComponent>switchboardSetup<\/lwcComponent>/);
  const lwc = String(byPath(files, 'switchboardSetup/switchboardSetup.js').content);
  for (const method of ['listCallCenters', 'readCallCenter', 'saveCallCenter'])
    assert.match(lwc, new RegExp(`import ${method} from '@salesforce/apex/SwitchboardSetupController\\.${method}';`));
  // The rules are the linter's own code, bundled: its messages are in the generated module, and it imports nothing.
  const rules = String(byPath(files, 'switchboardSetup/settingsRules.js').content);
  assert.match(rules, /^\/\/ Generated by `switchboard package build` from src\/node\/package\/setup-lwc\/settings-rules\.ts/);
  assert.ok(
    rules.includes('is set in the call center: every agent assigned to it can read it through getCallCenterSettings'),
    'the secret-in-file message of lint.ts',
  );
  assert.doesNotMatch(rules, /^\s*import\s/m);
  // The core probe, bundled: it opens the socket it is handed with the sip subprotocol, and the page hands it the browser's WebSocket.
  const connectionTest = String(byPath(files, 'switchboardSetup/sipConnectionTest.js').content);
  assert.match(connectionTest, /new \w+\.WebSocket\([^)]*"sip"\)/);
  assert.match(connectionTest, /\{WebSocket,clock:/);
  assert.doesNotMatch(connectionTest, /^\s*import\s/m);
  const apex = String(byPath(files, 'classes/SwitchboardSetupController.cls').content);
  assert.match(apex, /public with sharing class SwitchboardSetupController/);
  assert.match(apex, /callout:SwitchboardMetadataApi\/services\/Soap\/m\/63\.0/);
  assert.match(apex, /\{!\$Credential\.OAuthToken\}/);
  for (const method of ['listCallCenters', 'readCallCenter', 'saveCallCenter'])
    assert.match(apex, new RegExp(`@AuraEnabled\\s+public static \\S+ ${method}\\(`));
  const apexTest = String(byPath(files, 'classes/SwitchboardSetupControllerTest.cls').content);
  assert.match(apexTest, /^@IsTest\s+private class SwitchboardSetupControllerTest/);
  assert.match(apexTest, /implements HttpCalloutMock/);
  assert.ok((apexTest.match(/@IsTest\s+static void/g) ?? []).length >= 4);
  const admin = String(byPath(files, 'SwitchboardAdmin.permissionset-meta.xml').content);
  assert.match(admin, /<apexClass>SwitchboardSetupController<\/apexClass>\s*<enabled>true<\/enabled>/);
  assert.match(admin, /<tabSettings>\s*<tab>Switchboard_Setup<\/tab>\s*<visibility>Visible<\/visibility>/);
  assert.doesNotMatch(
    String(byPath(files, 'SwitchboardAgent.permissionset-meta.xml').content),
    /SwitchboardSetupController/,
    'agents do not get the setup controller',
  );
  const readme = String(byPath(files, 'README.md').content);
  assert.match(readme, /SwitchboardMetadataApi/);
  assert.match(readme, /Metadata\.Operations/);
});

test('the metadata rules catch broken files', () => {
  const ns = 'xmlns="http://soap.sforce.com/2006/04/metadata"';
  const decl = '<?xml version="1.0" encoding="UTF-8"?>\n';
  const cases: [string, string, RegExp][] = [
    [
      'staticresources/X.resource-meta.xml',
      `${decl}<StaticResource ${ns}><contentType>application/zip</contentType></StaticResource>`,
      /Missing required <cacheControl>/,
    ],
    [
      'staticresources/X.resource-meta.xml',
      `${decl}<StaticResource ${ns}><cacheControl>Sometimes</cacheControl><contentType>application/zip</contentType></StaticResource>`,
      /expected one of Private, Public/,
    ],
    [
      'staticresources/X.resource-meta.xml',
      `${decl}<StaticResource><cacheControl>Private</cacheControl><contentType>application/zip</contentType></StaticResource>`,
      /namespace/,
    ],
    ['pages/X.page-meta.xml', `${decl}<ApexPage ${ns}><apiVersion>62</apiVersion><label>X</label></ApexPage>`, /not NN\.0/],
    ['pages/X.page-meta.xml', `${decl}<ApexPage ${ns}><label>X</label><colour/></ApexPage>`, /Missing required <apiVersion>[\s\S]*|colour/],
    [
      'cspTrustedSites/X.cspTrustedSite-meta.xml',
      `${decl}<CspTrustedSite ${ns}><context>Everywhere</context><endpointUrl>wss://h/path</endpointUrl><isActive>yes</isActive></CspTrustedSite>`,
      /Everywhere/,
    ],
    [
      'messageChannels/X.messageChannel-meta.xml',
      `${decl}<LightningMessageChannel ${ns}><masterLabel>X</masterLabel><isExposed>true</isExposed><lightningMessageFields><description>d</description></lightningMessageFields></LightningMessageChannel>`,
      /without a <fieldName>/,
    ],
    ['aura/X/X.cmp-meta.xml', `${decl}<AuraDefinitionBundle ${ns}></AuraDefinitionBundle>`, /apiVersion/],
    ['lwc/x/x.js-meta.xml', `${decl}<LightningComponentBundle ${ns}><apiVersion>62.0</apiVersion></LightningComponentBundle>`, /isExposed/],
    [
      'permissionsets/X.permissionset-meta.xml',
      `${decl}<PermissionSet ${ns}><label>X</label><pageAccesses><apexPage>X</apexPage></pageAccesses></PermissionSet>`,
      /<pageAccesses> needs/,
    ],
    [
      'callCenters/X.callCenter-meta.xml',
      `${decl}<callCenter><section sortOrder="0" name="a"><item sortOrder="0" name="b">c</item></section></callCenter>`,
      /Root is <callCenter>/,
    ],
    ['callCenters/X.callCenter-meta.xml', `${decl}<CallCenter ${ns}><adapterUrl>x</adapterUrl>`, /not well-formed/],
    ['triggers/X.trigger-meta.xml', `${decl}<ApexTrigger ${ns}/>`, /No metadata rule/],
    ['classes/X.cls-meta.xml', `${decl}<ApexClass ${ns}><apiVersion>62.0</apiVersion><status>Enabled</status></ApexClass>`, /expected one of Active/],
    [
      'permissionsets/X.permissionset-meta.xml',
      `${decl}<PermissionSet ${ns}><label>X</label><classAccesses><enabled>true</enabled></classAccesses></PermissionSet>`,
      /<classAccesses> needs/,
    ],
    [
      'objects/X__mdt/X__mdt.object-meta.xml',
      `${decl}<CustomObject ${ns}><label>X</label><pluralLabel>Xs</pluralLabel><visibility>Hidden</visibility></CustomObject>`,
      /expected one of Public, Protected/,
    ],
    [
      'objects/X__mdt/Y__mdt.object-meta.xml',
      `${decl}<CustomObject ${ns}><label>X</label><pluralLabel>Xs</pluralLabel><visibility>Protected</visibility></CustomObject>`,
      /must name the same type/,
    ],
    [
      'objects/X__mdt/fields/A__c.field-meta.xml',
      `${decl}<CustomField ${ns}><fullName>B__c</fullName><label>A</label><type>Text</type><length>10</length></CustomField>`,
      /not the file's name/,
    ],
    [
      'objects/X__mdt/fields/A__c.field-meta.xml',
      `${decl}<CustomField ${ns}><fullName>A__c</fullName><label>A</label><type>Text</type></CustomField>`,
      /needs a <length>/,
    ],
    [
      'objects/X__mdt/fields/A__c.field-meta.xml',
      `${decl}<CustomField ${ns}><fullName>A__c</fullName><label>A</label><type>Number</type><precision>3</precision></CustomField>`,
      /precision> and <scale>/,
    ],
    [
      'objects/User/fields/A__c.field-meta.xml',
      `${decl}<CustomField ${ns}><fullName>A__c</fullName><fieldManageability>Locked</fieldManageability><label>A</label><type>Text</type><length>4</length></CustomField>`,
      /only on custom metadata type fields/,
    ],
    [
      'lwc/x/x.js-meta.xml',
      `${decl}<LightningComponentBundle ${ns}><apiVersion>62.0</apiVersion><isExposed>false</isExposed><targets><target>lightning__Tab</target></targets></LightningComponentBundle>`,
      /need <isExposed>true/,
    ],
    [
      'lwc/x/x.js-meta.xml',
      `${decl}<LightningComponentBundle ${ns}><apiVersion>62.0</apiVersion><isExposed>true</isExposed><targets><target>lightning__Tabs</target></targets></LightningComponentBundle>`,
      /'lightning__Tabs' is not/,
    ],
    [
      'tabs/X.tab-meta.xml',
      `${decl}<CustomTab ${ns}><label>X</label><lwcComponent>X</lwcComponent><motif>Custom53: Bell</motif></CustomTab>`,
      /not a Lightning web component name/,
    ],
    ['tabs/X.tab-meta.xml', `${decl}<CustomTab ${ns}><label>X</label><lwcComponent>x</lwcComponent></CustomTab>`, /Missing required <motif>/],
    [
      'permissionsets/X.permissionset-meta.xml',
      `${decl}<PermissionSet ${ns}><label>X</label><tabSettings><tab>X</tab><visibility>Shown</visibility></tabSettings></PermissionSet>`,
      /<tabSettings> needs/,
    ],
    [
      'permissionsets/X.permissionset-meta.xml',
      `${decl}<PermissionSet ${ns}><label>X</label><customMetadataTypeAccesses><enabled>true</enabled></customMetadataTypeAccesses></PermissionSet>`,
      /<customMetadataTypeAccesses> needs/,
    ],
  ];
  for (const [path, content, expected] of cases) {
    const problems = checkMetadataFile(path, content);
    assert.ok(
      problems.some((p) => expected.test(p.message)),
      `${path}: ${JSON.stringify(problems)}`,
    );
  }
  assert.match(
    checkSfdxProject('{"packageDirectories":[{"path":"a","default":true},{"path":"b","default":true}],"sourceApiVersion":"62.0"}')[0]?.message ?? '',
    /exactly one default/,
  );
  assert.match(checkSfdxProject('{"packageDirectories":[{"path":"a","default":true}],"sourceApiVersion":62}')[0]?.message ?? '', /NN\.0/);
});
