/**
 * The console in Salesforce Voice mode, in Chromium: a Voice contact center's connector loads in the
 * console, the console speaks the wire protocol to it over a MessagePort, and Salesforce's phone in
 * the Omni-Channel panel drives the call. The connector is a small VendorConnector on the real,
 * unmodified base library (@salesforce/scv-connector-base's dist bundle), served as a Visualforce
 * page: the base's own origin check, message handling and result classes are what the console
 * faces. Strict origins (https://*.lightning.force.com) as the base requires; a second console on
 * local origins shows the warning instead.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import type { Frame, Page } from 'playwright-core';
import { startHarness, type Harness } from './support/console-harness.ts';
import { DEMO, startConsole, type RunningConsole } from '../../src/node/console/index.ts';
import { until as untilValue } from '../support/until.ts';

const require = createRequire(import.meta.url);
const BASE_LIBRARY = readFileSync(require.resolve('@salesforce/scv-connector-base/dist/scv-connector-base.js'), 'utf8');
const TEST_CONNECTOR = readFileSync(join(import.meta.dirname, 'fixtures', 'voice-test-connector.js'), 'utf8');
const PAGE = 'VoiceTestConnector';

interface Asked {
  method: string;
  args: unknown;
}
interface VoiceView {
  state: {
    phase: string;
    call: { callId: string; phase: string; voiceCallId?: string; muted: boolean; onHold: boolean; replayed: boolean } | null;
    participant: { phase: string } | null;
    wrapUp: unknown;
    status: { statusName: string } | null;
    notices: { message: string }[];
  };
  wire: { direction: string; type: string; payload: unknown }[];
  voiceCall: { id: string } | null;
  related: { Id: string; name: string } | null;
  originWarning: string | null;
  connectorUrl: string;
}

let dir: string;
let h: Harness;
let page: Page;
let frame: Frame;
let callCenterId: string;
let certificate = '';

/** A throwaway Telephony Integration Certificate (the import checks it is one). */
function makeCertificate(): string {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=voice-mode-test',
    ],
    { stdio: 'pipe' },
  );
  return readFileSync(join(dir, 'cert.pem'), 'utf8');
}

function voiceCenterXml(adapterUrl: string): string {
  return `<callCenter>
  <section sortOrder="0" name="reqGeneralInfo" label="General Information">
    <item sortOrder="0" name="reqInternalName" label="Internal Name">VoiceTestCenter</item>
    <item sortOrder="1" name="reqDisplayName" label="Display Name">Voice Test Center</item>
    <item sortOrder="2" name="reqAdapterUrl" label="CTI Adapter URL">${adapterUrl}</item>
    <item sortOrder="3" name="reqVendorInfoApiName" label="Conversation Vendor Info Developer Name">switchboard__SwitchboardVoice</item>
  </section>
  <section sortOrder="1" name="reqHvcc" label="SCV Settings">
    <item sortOrder="0" name="reqTelephonyIntegrationCertificate" label="Telephony Integration Certificate">${certificate}</item>
  </section>
  <section sortOrder="2" name="switchboard" label="Switchboard Connector">
    <item sortOrder="0" name="sipWebSocketUrl" label="SIP WebSocket URL">ws://127.0.0.1:5066</item>
    <item sortOrder="1" name="sipDomain" label="SIP Domain">voice.test</item>
    <item sortOrder="2" name="dispositionCodes" label="Disposition Codes">Resolved:Resolved;FollowUp:Follow-up needed</item>
  </section>
</callCenter>
`;
}

const voice = (p: Page = page): Promise<VoiceView> => p.evaluate(() => (window as unknown as { __console: { voice(): VoiceView } }).__console.voice());
const asked = async (method: string): Promise<Asked[]> =>
  (await frame.evaluate(() => (window as unknown as { testConnector: { state: { asked: Asked[] } } }).testConnector.state.asked)).filter(
    (a) => a.method === method,
  );
const until = <T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms = 8000): Promise<T> => untilValue(what, fn, ok, ms);
const phone = () => page.getByRole('region', { name: 'Phone' });

async function openConsole(): Promise<void> {
  ({ page, frame } = await h.openConsole({ framePath: `/apex/${PAGE}` }));
  await until(
    'the connector ready',
    () => voice(),
    (v) => v.state.phase === 'ready',
  );
}

before(
  async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-voice-mode-'));
    certificate = makeCertificate();
    writeFileSync(
      join(dir, `${PAGE}.html`),
      `<!doctype html><html><head><meta charset="utf-8"><title>Voice test connector</title>
<script>${BASE_LIBRARY}</script>
<script>${TEST_CONNECTOR}</script></head><body><p>Voice test connector</p></body></html>`,
    );
    h = await startHarness({ apexDir: dir });
    const imported = await h.api<{ callCenter: { Id: string } }>('POST', '/emulator/api/console/setup/call-centers/import', {
      text: voiceCenterXml(`/apex/${PAGE}`),
      fileName: 'VoiceTestCenter.xml',
    });
    assert.equal(imported.status, 201, JSON.stringify(imported.body));
    callCenterId = imported.body.callCenter.Id;
    const assigned = await h.api('POST', '/emulator/api/console/setup/assign', { userId: DEMO.agent.id, callCenterId });
    assert.equal(assigned.status, 200);
    await openConsole();
  },
  { timeout: 60_000 },
);

after(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('console emulator: Salesforce Voice mode', { timeout: 120_000 }, () => {
  it('sets the connector up over a MessagePort with the contact center as connectorConfig, and shows no Open CTI phone', async () => {
    const v = await voice();
    assert.equal(v.originWarning, null, 'strict origins satisfy the base library');
    assert.equal(new URL(v.connectorUrl).origin, h.app.vfOrigin);
    assert.deepEqual(
      v.wire.slice(0, 3).map((w) => `${w.direction} ${w.type}`),
      ['to-connector SETUP_CONNECTOR', 'from-connector LOG', 'from-connector CONNECTOR_READY'],
    );
    assert.ok(v.wire.some((w) => w.direction === 'to-connector' && w.type === 'AGENT_AVAILABLE'));
    const config = await frame.evaluate(
      () => (window as unknown as { testConnector: { state: { config: Record<string, unknown> } } }).testConnector.state.config,
    );
    assert.equal(config['/reqGeneralInfo/reqAdapterUrl'], `/apex/${PAGE}`);
    assert.equal(config['/reqHvcc/reqTelephonyIntegrationCertificate'], certificate.trim());
    assert.equal(config['/switchboard/sipWebSocketUrl'], 'ws://127.0.0.1:5066');
    assert.equal(config.isACWAllowed, true);
    assert.equal(config.orgDomainName, 'switchboard-dev.my.salesforce.com');
    assert.match(String(config.phoneServiceChannelId), /^0N9/);
    assert.equal(await page.getByRole('button', { name: 'Phone', exact: true }).count(), 0);
    assert.equal(await page.locator('iframe[title="Softphone"]').count(), 0);
    const setupLog = (v.wire[0]!.payload as { connectorConfig: Record<string, unknown> }).connectorConfig;
    assert.equal(setupLog['/reqHvcc/reqTelephonyIntegrationCertificate'], undefined, 'the certificate is not logged');
  });

  it('reads the port only: a call event posted on the window by the connector frame changes nothing', async () => {
    const before = (await voice()).wire.length;
    await frame.evaluate(() =>
      window.parent.postMessage(
        {
          type: 'TELEPHONY_EVENT_DISPATCHED',
          payload: {
            telephonyEventType: 'CALL_STARTED',
            telephonyEventPayload: { callId: 'forged', callType: 'Inbound', state: 'ringing', callAttributes: { voiceCallId: '0LQ000000000009AAA' } },
          },
        },
        '*',
      ),
    );
    await new Promise((r) => setTimeout(r, 300));
    const v = await voice();
    assert.equal(v.state.call, null);
    assert.equal(v.wire.length, before);
  });

  it('presence from the Omni status list goes to the connector as SET_AGENT_STATUS', async () => {
    await page.getByRole('button', { name: /Omni-Channel/ }).click();
    await page.getByRole('radio', { name: 'Available' }).click();
    await until(
      'Available confirmed',
      () => voice(),
      (v) => v.state.status?.statusName === 'Available',
    );
    const [status] = await asked('setAgentStatus');
    assert.deepEqual((status!.args as { agentStatus: string; statusInfo: { statusApiName: string } }).agentStatus, 'Online');
    assert.equal((status!.args as { statusInfo: { statusApiName: string } }).statusInfo.statusApiName, 'Available');
  });

  it('an inbound call pops its VoiceCall linked to the caller, is accepted, muted, held, keyed, consulted, swapped and conferenced', async () => {
    const { voiceCall } = h.app.voiceCalls.createOrGet({
      vendorCallKey: 'in-1@voice.test',
      callCenter: callCenterId,
      from: DEMO.uniqueContact.e164,
      to: '+18005550100',
    });
    await frame.evaluate(
      ([id, vc, from]) => (window as unknown as { testConnector: { ring(a: string, b: string, c: string): void } }).testConnector.ring(id!, vc!, from!),
      ['in-1@voice.test', voiceCall.id, DEMO.uniqueContact.e164],
    );
    await phone().getByText(`Incoming call from ${DEMO.uniqueContact.name} (${DEMO.uniqueContact.e164})`).waitFor({ timeout: 8000 });
    const tab = await page.evaluate(() => (window as unknown as { __console: { currentTab(): { recordId?: string } | null } }).__console.currentTab());
    assert.equal(tab?.recordId, voiceCall.id, 'the VoiceCall record page is open');
    assert.equal(h.app.voiceCalls.require(voiceCall.id).relatedRecordId, DEMO.uniqueContact.id);

    await phone().getByRole('button', { name: 'Accept' }).click();
    await until(
      'connected',
      () => voice(),
      (v) => v.state.call?.phase === 'connected',
    );
    const accepted = await until(
      'accept stamped',
      async () => h.app.voiceCalls.require(voiceCall.id),
      (c) => c.acceptTime !== null,
    );
    assert.equal(accepted.userId, DEMO.agent.id);
    assert.equal((await asked('acceptCall')).length, 1);

    await phone().getByRole('button', { name: 'Mute' }).click();
    await phone().getByRole('button', { name: 'Unmute', pressed: true }).waitFor({ timeout: 5000 });
    await phone().getByRole('button', { name: 'Hold' }).click();
    await phone().getByRole('button', { name: 'Resume', pressed: true }).waitFor({ timeout: 5000 });
    await phone().getByRole('button', { name: 'Resume' }).click();
    await phone().getByRole('button', { name: 'Hold', pressed: false }).waitFor({ timeout: 5000 });
    await phone().getByRole('button', { name: 'Keypad' }).click();
    await phone().getByRole('button', { name: 'Send digit 5' }).click();
    await phone().getByRole('button', { name: 'Send digit #' }).click();
    await until(
      'digits sent',
      () => asked('sendDigits'),
      (a) => a.length === 2,
    );
    assert.deepEqual(
      (await asked('sendDigits')).map((a) => a.args),
      ['5', '#'],
    );

    await phone().getByRole('textbox', { name: 'Transfer or consult number' }).fill('1002');
    await phone().getByRole('button', { name: 'Consult' }).click();
    await until(
      'participant ringing',
      () => voice(),
      (v) => v.state.participant?.phase === 'ringing',
    );
    assert.deepEqual((await asked('addParticipant'))[0]!.args, { phoneNumber: '1002', callId: 'in-1@voice.test', isBlindTransfer: false });
    await phone().getByRole('button', { name: 'Hold' }).click();
    await until(
      'customer on hold',
      () => voice(),
      (v) => v.state.call?.onHold === true,
    );
    await frame.evaluate(() => (window as unknown as { testConnector: { participantConnected(): void } }).testConnector.participantConnected());
    await until(
      'participant connected',
      () => voice(),
      (v) => v.state.participant?.phase === 'connected',
    );
    const participantId = await frame.evaluate(() =>
      Object.keys((window as unknown as { testConnector: { state: { calls: Record<string, unknown> } } }).testConnector.state.calls).find((k) =>
        k.startsWith('p-'),
      ),
    );
    await phone().getByRole('button', { name: 'Swap' }).click();
    await until(
      'swapped',
      () => asked('swap'),
      (a) => a.length === 1,
    );
    assert.deepEqual(
      (await asked('swap'))[0]!.args,
      { hold: participantId, resume: 'in-1@voice.test' },
      'the customer was on hold: the consulted party is held, the customer comes back',
    );
    await phone().getByRole('button', { name: 'Conference' }).click();
    await until(
      'conferenced',
      () => voice(),
      (v) => (v.state as unknown as { merged: boolean }).merged === true,
    );
    await frame.evaluate(() => (window as unknown as { testConnector: { participantLeft(): void } }).testConnector.participantLeft());
    await until(
      'participant gone',
      () => voice(),
      (v) => v.state.participant === null && v.state.call?.phase === 'connected',
    );
  });

  it('a console refresh mid-call shows the call again (AGENT_AVAILABLE replay) without a second accept', async () => {
    // A reload of the same tab: the connector page keeps its calls in the tab's sessionStorage, as a real one keeps them server-side.
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.consoleReady === 'true', undefined, { timeout: 10_000 });
    frame = (await until(
      'the connector frame',
      async () => page.frames().find((f) => f.url().includes(`/apex/${PAGE}`)),
      (f) => f !== undefined,
    ))!;
    await until(
      'the connector ready again',
      () => voice(),
      (v) => v.state.phase === 'ready',
    );
    const v = await until(
      'the call replayed',
      () => voice(),
      (x) => x.state.call?.callId === 'in-1@voice.test',
    );
    assert.equal(v.state.call?.phase, 'connected');
    assert.equal(v.state.call?.replayed, true);
    await phone()
      .getByText(/Connected: Maria Lopez/)
      .waitFor({ timeout: 5000 });
    assert.equal((await asked('acceptCall')).length, 1);
  });

  it('End call goes to after-call work; Done wraps up and saves the disposition and notes on the VoiceCall', async () => {
    await phone().getByRole('button', { name: 'End call' }).click();
    await phone().getByRole('form', { name: 'After-call work' }).waitFor({ timeout: 5000 });
    assert.deepEqual((await asked('endCall'))[0]!.args, { callId: 'in-1@voice.test', agentStatus: 'AfterCallWork' });
    await phone().getByRole('combobox', { name: 'Disposition' }).selectOption('FollowUp');
    await phone().getByRole('textbox', { name: 'Notes' }).fill('Customer will call back with the invoice.');
    await phone().getByRole('button', { name: 'Done' }).click();
    await until(
      'wrapped up',
      () => asked('wrapUpCall'),
      (a) => a.length === 1,
    );
    const saved = await until(
      'disposition saved',
      async () => h.app.voiceCalls.get('in-1@voice.test')!,
      (c) => c.callDisposition === 'FollowUp',
    );
    assert.equal(saved.description, 'Customer will call back with the invoice.');
    await phone().getByRole('textbox', { name: 'Phone number' }).waitFor({ timeout: 5000 });
  });

  it("an outbound call gets exactly one VoiceCall (Outbound, vendorCallKey = the connector's callId), popped", async () => {
    await phone().getByRole('textbox', { name: 'Phone number' }).fill(DEMO.lead.phone);
    await phone().getByRole('button', { name: 'Call' }).click();
    const v = await until(
      'outbound VoiceCall',
      () => voice(),
      (x) => Boolean(x.state.call?.voiceCallId),
    );
    const callId = v.state.call!.callId;
    const vc = h.app.voiceCalls.require(v.state.call!.voiceCallId!);
    assert.equal(vc.callType, 'Outbound');
    assert.equal(vc.vendorCallKey, callId);
    assert.equal(vc.toNumber, DEMO.lead.phone);
    assert.equal(h.app.voiceCalls.list({ limit: 100 }).filter((c) => c.vendorCallKey === callId).length, 1);
    await until(
      'record tab',
      () => page.evaluate(() => (window as unknown as { __console: { currentTab(): { recordId?: string } | null } }).__console.currentTab()?.recordId),
      (id) => id === vc.id,
    );
    await frame.evaluate(() => (window as unknown as { testConnector: { answered(): void } }).testConnector.answered());
    await until(
      'outbound connected',
      () => voice(),
      (x) => x.state.call?.phase === 'connected',
    );
    assert.equal(h.app.voiceCalls.list({ limit: 100 }).filter((c) => c.vendorCallKey === callId).length, 1, 'still one VoiceCall');
    await phone().getByRole('button', { name: 'End call' }).click();
    await phone().getByRole('button', { name: 'Done' }).click();
    await phone().getByRole('textbox', { name: 'Phone number' }).waitFor({ timeout: 5000 });
  });

  it('a declined call ends without wrap-up; connector errors reach the agent; the event log has the wire', async () => {
    const { voiceCall } = h.app.voiceCalls.createOrGet({
      vendorCallKey: 'in-2@voice.test',
      callCenter: callCenterId,
      from: DEMO.unknownPhone,
      to: '+18005550100',
    });
    await frame.evaluate(
      ([vc, from]) =>
        (window as unknown as { testConnector: { ring(a: string, b: string, c: string): void } }).testConnector.ring('in-2@voice.test', vc!, from!),
      [voiceCall.id, DEMO.unknownPhone],
    );
    await phone().getByRole('button', { name: 'Decline' }).click();
    await phone().getByRole('textbox', { name: 'Phone number' }).waitFor({ timeout: 5000 });
    assert.equal((await voice()).state.wrapUp, null);
    assert.equal(h.app.voiceCalls.require(voiceCall.id).relatedRecordId, null, 'no record has the number');
    await frame.evaluate(() => (window as unknown as { testConnector: { error(m: string): void } }).testConnector.error('line busy'));
    await phone().getByRole('alert').getByText('CAN_NOT_END_THE_CALL').waitFor({ timeout: 5000 });
    const log = await h.api<{ method: string; surface: string; args: { direction: string } }[]>('GET', '/emulator/api/console/log');
    const voiceLog = log.body.filter((e) => e.surface === 'voice');
    for (const type of ['SETUP_CONNECTOR', 'CONNECTOR_READY', 'CALL_STARTED', 'ACCEPT_CALL', 'CALL_CONNECTED', 'HANGUP', 'WRAP_UP_CALL', 'LOG']) {
      assert.ok(
        voiceLog.some((e) => e.method === type),
        `event log has ${type}`,
      );
    }
  });

  it('a blind transfer hands the call over and ends it for the agent (after-call work follows)', async () => {
    const { voiceCall } = h.app.voiceCalls.createOrGet({
      vendorCallKey: 'in-3@voice.test',
      callCenter: callCenterId,
      from: DEMO.ukContact.e164,
      to: '+18005550100',
    });
    await frame.evaluate(
      ([vc, from]) =>
        (window as unknown as { testConnector: { ring(a: string, b: string, c: string): void } }).testConnector.ring('in-3@voice.test', vc!, from!),
      [voiceCall.id, DEMO.ukContact.e164],
    );
    await phone().getByRole('button', { name: 'Accept' }).click();
    await until(
      'connected',
      () => voice(),
      (v) => v.state.call?.phase === 'connected',
    );
    await phone().getByRole('textbox', { name: 'Transfer or consult number' }).fill('1003');
    await phone().getByRole('button', { name: 'Transfer' }).click();
    await phone().getByRole('form', { name: 'After-call work' }).waitFor({ timeout: 5000 });
    assert.deepEqual((await asked('addParticipant')).at(-1)!.args, { phoneNumber: '1003', callId: 'in-3@voice.test', isBlindTransfer: true });
    await phone().getByRole('button', { name: 'Done' }).click();
    await phone().getByRole('textbox', { name: 'Phone number' }).waitFor({ timeout: 5000 });
  });

  it("Log out shows the connector's sign-in frame at its height; signing in makes the phone ready again; logs download on request", async () => {
    await phone().getByRole('button', { name: 'Download phone logs' }).click();
    await until(
      'logs downloaded',
      () => asked('downloadLogs'),
      (a) => a.length === 1,
    );
    await phone().getByRole('button', { name: 'Log out of phone system' }).click();
    await until(
      'logged out',
      () => voice(),
      (v) => v.state.phase === 'login',
    );
    const signIn = page.getByRole('region', { name: 'Phone system sign-in' });
    await signIn.waitFor({ timeout: 5000 });
    assert.equal((await signIn.boundingBox())?.height, 300, 'LOGOUT_RESULT loginFrameHeight');
    assert.ok((await signIn.boundingBox())!.x >= 0, 'on screen');
    await frame.evaluate(() => (window as unknown as { testConnector: { login(): void } }).testConnector.login());
    await until(
      'ready again',
      () => voice(),
      (v) => v.state.phase === 'ready',
    );
    assert.equal(await signIn.isVisible(), false);
    await phone().getByRole('textbox', { name: 'Phone number' }).waitFor({ timeout: 5000 });
  });

  it('on local origins (http://127.0.0.1) the console says the base library will ignore it, and the connector stays silent', async () => {
    let local: RunningConsole | undefined;
    try {
      local = await startConsole({ dbFile: ':memory:', apexDir: dir });
      const text = voiceCenterXml(`/apex/${PAGE}`);
      const api = (method: string, path: string, body: unknown) =>
        fetch(`${local!.lightningOrigin}${path}`, {
          method,
          headers: { authorization: `Bearer ${local!.apiToken}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { callCenter: { Id: string } } }));
      const imported = await api('POST', '/emulator/api/console/setup/call-centers/import', { text, fileName: 'VoiceTestCenter.xml' });
      assert.equal(imported.status, 201);
      assert.equal((await api('POST', '/emulator/api/console/setup/assign', { userId: DEMO.agent.id, callCenterId: imported.body.callCenter.Id })).status, 200);
      const p = await h.browser.newPage();
      await p.goto(local.consoleUrl());
      await p
        .getByRole('note')
        .filter({ hasText: /accepts SETUP_CONNECTOR only from Salesforce host names over HTTPS/ })
        .waitFor({ timeout: 10_000 });
      await new Promise((r) => setTimeout(r, 500));
      const v = await voice(p);
      assert.equal(v.state.phase, 'connecting', 'the real base library ignored SETUP_CONNECTOR');
      assert.ok(v.wire.some((w) => w.type === 'SETUP_CONNECTOR'));
      assert.ok(!v.wire.some((w) => w.direction === 'from-connector'));
      assert.ok(local.log.list().some((e) => e.method === 'voice.originWarning'));
      await p.close();
    } finally {
      await local?.close();
    }
  });
});
