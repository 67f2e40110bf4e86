/** `switchboard doctor`: findings from the config alone, and from a running console emulator. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { buildImportXml } from '../../src/node/callcenter/build.ts';
import { initConfigYaml, loadConfig } from '../../src/node/callcenter/config.ts';
import type { CallCenterDefinition } from '../../src/node/callcenter/definition.ts';
import { diagnoseConfig, diagnoseConsole, diagnosePackage, type Finding } from '../../src/node/doctor/doctor.ts';
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
const ids = (findings: readonly Finding[], severity: Finding['severity']): string[] => findings.filter((f) => f.severity === severity).map((f) => f.id).sort();

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
  const local = diagnoseConfig({ ...def, adapterUrl: 'http://127.0.0.1:5173/softphone/', switchboard: { ...def.switchboard, sipWebSocketUrl: 'ws://127.0.0.1:5066/ws', sipIceServers: '[{"urls":"turn:turn.example.com"}]' } });
  assert.deepEqual(ids(local, 'error'), []);
  assert.deepEqual(ids(local, 'warning').sort(), ['adapter-url-loopback', 'sip-websocket-loopback']);
  assert.equal(local.some((f) => f.id === 'ice-servers'), false, 'a TURN server silences the NAT hint');
});

test('an absent console is a warning, not a crash', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const findings = await diagnoseConsole(definition(), `http://127.0.0.1:${port}`, { timeoutMs: 2000 });
  assert.deepEqual(findings.map((f) => [f.severity, f.id]), [['warning', 'console-unreachable']]);
});

test('against the console emulator: import, assignment and softphone layout', async (t) => {
  const emulator = await startConsole({});
  t.after(() => emulator.close());
  const base = emulator.lightningOrigin;
  const api = async (path: string, method: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${base}/emulator/api/console/${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${emulator.apiToken}` }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
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
  assert.deepEqual(diagnosePackage(def, dir).map((f) => [f.severity, f.id]), [['warning', 'package-missing']]);
  const dist = join(dir, 'dist');
  mkdirSync(dist);
  writeFileSync(join(dist, 'index.html'), '<html><head><script type="module" src="softphone.js"></script></head><body></body></html>');
  writeFileSync(join(dist, 'softphone.js'), 'export {};');
  const project = join(dir, 'project');
  for (const f of buildPackage(def, { connectorDist: dist })) {
    mkdirSync(dirname(join(project, f.path)), { recursive: true });
    writeFileSync(join(project, f.path), f.content);
  }
  assert.deepEqual(diagnosePackage(def, project).map((f) => [f.severity, f.id]), [['info', 'adapter-page-present']]);
  assert.deepEqual(diagnosePackage({ ...def, adapterUrl: '/apex/VendorPage' }, project).map((f) => [f.severity, f.id]), [['error', 'adapter-page-missing']]);
});
