/** `switchboard doctor`: findings from the config alone, and from a running console emulator. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { buildImportXml } from '../../src/node/callcenter/build.ts';
import { initConfigYaml, loadConfig } from '../../src/node/callcenter/config.ts';
import type { CallCenterDefinition } from '../../src/node/callcenter/definition.ts';
import { diagnoseConfig, diagnoseConsole, diagnosePackage, diagnoseVoiceBridge, type Finding } from '../../src/node/doctor/doctor.ts';
import { createPrivateKey } from 'node:crypto';
import { silentLogger } from '../../src/core/index.ts';
import { ScrtClient, startVoiceBridge } from '../../src/node/voice-bridge/index.ts';
import { makeCertificate, rsaCertificate, voiceWorkspace } from './voice-support.ts';
import { buildPackage } from '../../src/node/package/package-builder.ts';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startConsole } from '../../src/node/console/index.ts';

function definition(): CallCenterDefinition {
  const r = loadConfig(initConfigYaml(), 'switchboard.yaml');
  assert.ok(r.ok);
  return r.definition;
}
const ids = (findings: readonly Finding[], severity: Finding['severity']): string[] =>
  findings
    .filter((f) => f.severity === severity)
    .map((f) => f.id)
    .sort();

test('the template config: no errors; the Visualforce set-up is explained', () => {
  const findings = diagnoseConfig(definition());
  assert.deepEqual(ids(findings, 'error'), []);
  assert.deepEqual(ids(findings, 'warning'), ['adapter-url-relative', 'csp-trusted-site']);
  for (const f of findings) for (const part of [f.what, f.why, f.fix]) assert.ok(part.length > 10, `${f.id} says what, why and how to fix`);
});

test('the usual reasons for a blank or silent softphone are errors', () => {
  const def = definition();
  const findings = diagnoseConfig({
    ...def,
    compatibilityMode: 'Classic',
    adapterUrl: 'http://softphone.example.com/',
    switchboard: { ...def.switchboard, sipWebSocketUrl: 'ws://pbx.example.com:8088/ws', sipPassword: 'secret' },
  });
  assert.deepEqual(ids(findings, 'error'), ['adapter-url-http', 'compatibility-mode', 'microphone', 'secret-in-call-center', 'sip-websocket-insecure']);
  assert.match(findings.find((f) => f.id === 'secret-in-call-center')?.fix ?? '', /credentialScheme: ephemeral/);
  const csp = findings.find((f) => f.id === 'csp-trusted-site');
  assert.equal(csp?.severity, 'info', 'an external page is not under Salesforce CSP');
});

test('credentials: a demo call center may hold a shared password (warning); ephemeral ignores user and password (warning)', () => {
  const def = definition();
  const demo = diagnoseConfig({ ...def, switchboard: { ...def.switchboard, sipUsername: '1001', sipPassword: 'secret', demoCallCenter: 'true' } });
  assert.deepEqual(ids(demo, 'error'), []);
  assert.ok(ids(demo, 'warning').includes('secret-in-call-center'));
  const ephemeral = diagnoseConfig({ ...def, switchboard: { ...def.switchboard, credentialScheme: 'ephemeral', sipUsername: '1001' } });
  assert.deepEqual(ids(ephemeral, 'error'), []);
  assert.ok(ids(ephemeral, 'warning').includes('credentials-ignored'));
  assert.ok(ids(ephemeral, 'info').includes('ephemeral-credentials'));
  assert.equal(ids(diagnoseConfig(def), 'warning').includes('credentials-ignored'), false, 'the template uses neither');
});

test('external https hosting warns about framing; loopback is fine for the emulator', () => {
  const def = definition();
  const external = diagnoseConfig({ ...def, adapterUrl: 'https://softphone.example.com/' });
  assert.deepEqual(ids(external, 'error'), []);
  assert.ok(ids(external, 'warning').includes('frame-ancestors'));
  const local = diagnoseConfig({
    ...def,
    adapterUrl: 'http://127.0.0.1:5173/softphone/',
    switchboard: { ...def.switchboard, sipWebSocketUrl: 'ws://127.0.0.1:5066/ws', sipIceServers: '[{"urls":"turn:turn.example.com"}]' },
  });
  assert.deepEqual(ids(local, 'error'), []);
  assert.deepEqual(ids(local, 'warning').sort(), ['adapter-url-loopback', 'sip-websocket-loopback']);
  assert.equal(
    local.some((f) => f.id === 'ice-servers'),
    false,
    'a TURN server silences the NAT hint',
  );
});

test('an absent console is a warning, not a crash', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const findings = await diagnoseConsole(definition(), `http://127.0.0.1:${port}`, { timeoutMs: 2000 });
  assert.deepEqual(
    findings.map((f) => [f.severity, f.id]),
    [['warning', 'console-unreachable']],
  );
});

test('against the console emulator: import, assignment and softphone layout', async (t) => {
  const emulator = await startConsole({});
  t.after(() => emulator.close());
  const base = emulator.lightningOrigin;
  const api = async (path: string, method: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${base}/emulator/api/console/${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${emulator.apiToken}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as Record<string, unknown>;
    assert.ok(res.ok, `${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  // A name of its own, so the emulator's demo call center never stands in for it.
  const def = { ...definition(), internalName: 'DoctorCheck', adapterUrl: `${emulator.vfOrigin}/softphone/` };

  let findings = await diagnoseConsole(def, base);
  assert.deepEqual(ids(findings, 'error'), ['call-center-not-imported']);

  const imported = await api('setup/call-centers/import', 'POST', { text: buildImportXml(def), fileName: 'DoctorCheck.xml' });
  const callCenterId = (imported['callCenter'] as { Id: string }).Id;
  findings = await diagnoseConsole(def, base);
  assert.deepEqual(ids(findings, 'error'), ['users-not-assigned']);

  const setup = await api('setup/call-centers', 'GET');
  const agent = (setup['users'] as { Id: string }[])[0];
  assert.ok(agent);
  await api('setup/assign', 'POST', { userId: agent.Id, callCenterId });
  findings = await diagnoseConsole(def, base);
  assert.deepEqual(ids(findings, 'error'), []);
  assert.deepEqual(ids(findings, 'warning'), []);
  assert.deepEqual(ids(findings, 'info'), ['users-assigned']);

  await api(`setup/softphone-layout?user=${encodeURIComponent(agent.Id)}`, 'PUT', {
    Inbound: { callRelatedFields: [], objects: {}, screenPopSettings: {} },
    Outbound: { callRelatedFields: [], objects: {}, screenPopSettings: {} },
    Internal: { callRelatedFields: [], objects: {}, screenPopSettings: {} },
  });
  const changed = { ...def, switchboard: { ...def.switchboard, sipDomain: 'other.example.com' }, adapterUrl: 'https://elsewhere.example.com/' };
  findings = await diagnoseConsole(changed, base);
  assert.deepEqual(ids(findings, 'warning'), ['call-center-outdated', 'settings-differ', 'softphone-layout-empty']);
});

test('a relative adapter URL is checked against the generated package', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-doctor-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const def = definition();
  assert.deepEqual(
    diagnosePackage(def, dir).map((f) => [f.severity, f.id]),
    [['warning', 'package-missing']],
  );
  const dist = join(dir, 'dist');
  mkdirSync(dist);
  writeFileSync(join(dist, 'index.html'), '<html><head><script type="module" src="softphone.js"></script></head><body></body></html>');
  writeFileSync(join(dist, 'softphone.js'), 'export {};');
  const project = join(dir, 'project');
  for (const f of buildPackage(def, { connectorDist: dist })) {
    mkdirSync(dirname(join(project, f.path)), { recursive: true });
    writeFileSync(join(project, f.path), f.content);
  }
  assert.deepEqual(
    diagnosePackage(def, project).map((f) => [f.severity, f.id]),
    [['info', 'adapter-page-present']],
  );
  assert.deepEqual(
    diagnosePackage({ ...def, adapterUrl: '/apex/VendorPage' }, project).map((f) => [f.severity, f.id]),
    [['error', 'adapter-page-missing']],
  );
});

function voiceDefinition(t: { after: (fn: () => void) => void }): CallCenterDefinition {
  const dir = voiceWorkspace(t, initConfigYaml('voice'));
  const r = loadConfig(initConfigYaml('voice'), join(dir, 'switchboard.yaml'));
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.definition.surface, 'voice');
  return r.definition;
}

test('a Voice config gets Voice advice (certificate, https connector page, bridge, Salesforce set-up), not Open CTI advice', (t) => {
  const def = voiceDefinition(t);
  const findings = diagnoseConfig(def);
  const all = findings.map((f) => f.id);
  assert.deepEqual(ids(findings, 'error'), []);
  for (const id of ['voice-certificate', 'voice-connector-url', 'voice-bridge', 'voice-salesforce-setup'])
    assert.ok(all.includes(id), `${id} in ${all.join(', ')}`);
  for (const id of ['compatibility-mode', 'users-and-utility-item', 'adapter-url-relative']) assert.equal(all.includes(id), false, `no Open CTI finding ${id}`);
  assert.match(findings.find((f) => f.id === 'voice-certificate')?.what ?? '', /valid until \d{4}-\d{2}-\d{2}/);
  assert.match(findings.find((f) => f.id === 'voice-salesforce-setup')?.fix ?? '', new RegExp(def.voice!.vendorInfoApiName));
  for (const f of findings) for (const part of [f.what, f.why, f.fix]) assert.ok(part.length > 10, `${f.id} says what, why and how to fix`);
});

test('Voice: an http or relative connector URL, and a certificate near or past its end', (t) => {
  const def = voiceDefinition(t);
  assert.ok(ids(diagnoseConfig({ ...def, adapterUrl: 'http://connector.example.com/voice/' }), 'error').includes('voice-connector-url-http'));
  const loopback = diagnoseConfig({ ...def, adapterUrl: 'http://127.0.0.1:4281/voice/' });
  assert.ok(ids(loopback, 'error').includes('voice-connector-url-http'), 'the base library answers https Salesforce origins only, in the emulator too');
  assert.match(loopback.find((f) => f.id === 'voice-connector-url-http')?.why ?? '', /--surface voice/);
  const inOrg = diagnoseConfig({ ...def, adapterUrl: '/apex/SwitchboardVoice' });
  assert.ok(ids(inOrg, 'warning').includes('voice-connector-visualforce'));
  assert.match(inOrg.find((f) => f.id === 'voice-connector-visualforce')?.fix ?? '', /package build/);
  const notAfter = def.voice!.certificateNotAfter.getTime();
  const soon = diagnoseConfig(def, { now: new Date(notAfter - 10 * 24 * 3600_000) });
  assert.ok(ids(soon, 'warning').includes('voice-certificate-expiring'));
  assert.equal(
    soon.some((f) => f.id === 'voice-certificate'),
    false,
  );
  const late = diagnoseConfig(def, { now: new Date(notAfter + 1000) });
  assert.ok(ids(late, 'error').includes('voice-certificate'));
  assert.match(late.find((f) => f.id === 'voice-certificate')?.fix ?? '', /voice-bridge keygen/);
});

test("Voice: ephemeral credentials need the connector in the package's Visualforce page (the only place it can mint)", (t) => {
  const def = voiceDefinition(t);
  const ephemeral = { ...def.switchboard, credentialScheme: 'ephemeral', sipUsername: '', sipPassword: '' };
  const external = diagnoseConfig({ ...def, switchboard: ephemeral });
  assert.ok(ids(external, 'error').includes('voice-ephemeral-external'), 'an https connector elsewhere has no remoting');
  const inOrg = diagnoseConfig({ ...def, adapterUrl: '/apex/SwitchboardVoice', switchboard: ephemeral });
  assert.deepEqual(ids(inOrg, 'error'), []);
  assert.ok(ids(inOrg, 'info').includes('ephemeral-credentials'));
  assert.equal(ids(diagnoseConfig(def), 'error').includes('voice-ephemeral-external'), false, 'the template signs agents in with their own credentials');
});

test('Voice: a running voice bridge is reachable and takes its token; a wrong token, no bridge, a bad URL are errors', async (t) => {
  const token = 'doctor-check-token-0123456789';
  // The bridge refuses doctor's empty probe before it would call Salesforce, so its SCRT URL is never used.
  const client = new ScrtClient({
    scrtUrl: 'https://unused.invalid',
    orgId: '00D5g000000SwBdEAK',
    callCenter: 'SwitchboardVoice',
    providerName: 'Switchboard',
    key: createPrivateKey(rsaCertificate().key),
    logger: silentLogger,
  });
  const bridge = await startVoiceBridge({ client, port: 0, token, logger: silentLogger });
  t.after(() => bridge.close());
  const check = async (options: { token?: string }): Promise<string[]> =>
    (await diagnoseVoiceBridge(bridge.url, { ...options, timeoutMs: 3000 })).map((f) => `${f.severity} ${f.id}`);
  assert.deepEqual(await check({ token }), ['info voice-bridge-reachable']);
  assert.deepEqual(await check({}), ['warning voice-bridge-token']);
  assert.deepEqual(await check({ token: 'not-the-token-of-this-bridge' }), ['error voice-bridge-token']);
  const closed = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  assert.deepEqual(
    (await diagnoseVoiceBridge(`http://127.0.0.1:${closed}`, { timeoutMs: 2000 })).map((f) => f.id),
    ['voice-bridge-unreachable'],
  );
  assert.deepEqual(
    (await diagnoseVoiceBridge('ftp://bridge.example.com')).map((f) => f.id),
    ['voice-bridge-url'],
  );
});

test("Voice against the console emulator: the contact center must hold the config's certificate; softphone layouts do not apply", async (t) => {
  const def = voiceDefinition(t);
  const check = async (voiceCertificate: string): Promise<Finding[]> => {
    const emulator = await startConsole({ surface: 'voice', voiceCertificate });
    try {
      return await diagnoseConsole(def, emulator.lightningOrigin, { token: emulator.apiToken });
    } finally {
      await emulator.close();
    }
  };
  const other = await check(makeCertificate({ days: 5 }).cert);
  assert.ok(ids(other, 'warning').includes('voice-certificate-differs'), JSON.stringify(other.map((f) => f.id)));
  const same = await check(def.voice!.certificate);
  assert.equal(
    same.some((f) => f.id === 'voice-certificate-differs'),
    false,
  );
  assert.ok(ids(same, 'info').includes('users-assigned'));
  assert.equal(
    [...other, ...same].some((f) => f.id === 'softphone-layout-empty' || f.id === 'call-center-not-imported'),
    false,
  );
});
