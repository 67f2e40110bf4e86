/**
 * The console in Salesforce Voice mode with Switchboard's own Voice connector (V/voice/) and every
 * real part between: a customer phone calls the support line of the embedded SIP server, which asks
 * the real voice bridge for the VoiceCall (the bridge signs its JWT and calls the emulator's
 * Telephony Integration API), forks the INVITE with X-Salesforce-VoiceCall-Id to the agent's
 * connector, and the connector tells the console over the wire protocol; the agent answers in
 * Salesforce's phone; a console refresh mid-call replays the call (getActiveCalls) with its audio
 * back both ways; the agent hangs up and wraps up. Strict origins, as the base library requires.
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Browser, Frame, Page } from 'playwright-core';
import { silentLogger } from '../../src/core/index.ts';
import { DEMO, startConsole, STRICT_CHROMIUM_ARGS, type RunningConsole } from '../../src/node/console/index.ts';
import { ORG_ID } from '../../src/node/console/server/api-login.ts';
import { makeTelephonyKeys } from '../../src/node/console/rest/test-support/telephony-keys.ts';
import { DEMO_VOICE_CALL_CENTER } from '../../src/node/console/server/voice-demo.ts';
import { startSipServer, type SipServer } from '../../src/node/sip-server/index.ts';
import { ScrtClient, startVoiceBridge, type VoiceBridge } from '../../src/node/voice-bridge/index.ts';
import { DEMO_AGENTS, DEMO_SIP_DOMAIN, DEMO_SUPPORT_NUMBER } from '../../src/node/demo/demo-phone-system.ts';
import { launchChromium } from '../support/chromium.ts';
import { openCustomerPhone } from '../e2e/harness.ts';
import { until } from '../support/until.ts';
import { keepPeerConnections, waitAudio } from '../e2e/ephemeral-support.ts';

const CALLER = DEMO.uniqueContact.e164;

let app: RunningConsole;
let tlsHop: Server;
let bridge: VoiceBridge;
let sip: SipServer;
let browser: Browser;
let page: Page;

interface VoiceView {
  state: {
    phase: string;
    call: { callId: string; phase: string; voiceCallId?: string } | null;
    wrapUp: unknown;
    status: { statusName: string } | null;
    notices: { message: string }[];
  };
  wire: { direction: string; type: string }[];
}
const voice = (): Promise<VoiceView> => page.evaluate(() => (window as unknown as { __console: { voice(): VoiceView } }).__console.voice());
const phone = () => page.getByRole('region', { name: 'Phone' });

before(
  async () => {
    const keys = makeTelephonyKeys();
    // No SIP secret: the contact center carries the demo agent's own SIP credentials (static scheme).
    app = await startConsole({ dbFile: ':memory:', strictOrigins: true, surface: 'voice', voiceCertificate: keys.certificate });
    // The bridge reaches the emulator's HTTPS API by 127.0.0.1 through this hop, which accepts the
    // emulator's throwaway certificate (the bridge itself, rightly, accepts no untrusted one).
    tlsHop = createServer((req, res) => {
      const upstream = request(
        {
          host: '127.0.0.1',
          port: app.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: `127.0.0.1:${app.port}` },
          rejectUnauthorized: false,
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', (e) => {
        res.writeHead(502);
        res.end(e.message);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => tlsHop.listen(0, '127.0.0.1', resolve));
    const client = new ScrtClient({
      scrtUrl: `http://127.0.0.1:${(tlsHop.address() as AddressInfo).port}`,
      orgId: ORG_ID,
      callCenter: DEMO_VOICE_CALL_CENTER.internalName,
      providerName: 'Switchboard',
      key: keys.privateKey,
      logger: silentLogger,
      timeoutMs: 5000,
    });
    bridge = await startVoiceBridge({ client, port: 0, logger: silentLogger });
    sip = await startSipServer({
      domain: DEMO_SIP_DOMAIN,
      users: DEMO_AGENTS.map(({ username, password, displayName }) => ({ username, password, displayName })),
      guests: [CALLER],
      ringGroups: { [DEMO_SUPPORT_NUMBER]: [DEMO_AGENTS[0]!.username] },
      voiceBridge: { url: bridge.url },
    });
    const voiceCenter = app.data.callCenters().find((c) => c.InternalName === DEMO_VOICE_CALL_CENTER.internalName)!;
    app.data.setCallCenterItem(voiceCenter.Id, 'switchboard', 'sipWebSocketUrl', sip.url);
    browser = await launchChromium(STRICT_CHROMIUM_ARGS);
    page = await browser.newPage();
    // Every frame keeps its real peer connections readable: the call's audio is checked across a refresh.
    await page.context().addInitScript(keepPeerConnections);
    await page.goto(app.consoleUrl(DEMO.agent.username));
    await page.waitForFunction(() => document.body.dataset.consoleReady === 'true', undefined, { timeout: 15_000 });
  },
  { timeout: 60_000 },
);

after(async () => {
  await browser?.close().catch(() => {});
  await sip?.close().catch(() => {});
  await bridge?.close().catch(() => {});
  await new Promise<void>((resolve) => (tlsHop ? tlsHop.close(() => resolve()) : resolve()));
  await app?.close().catch(() => {});
});

it(
  "an inbound call through the SIP server and the voice bridge rings in Salesforce's phone, pops its VoiceCall, is answered, comes back after a console refresh with its audio both ways, is ended and wrapped up",
  { timeout: 90_000 },
  async () => {
    const ready = await until(
      'the Voice connector ready',
      () => voice(),
      (v) => v.state.phase === 'ready',
    );
    assert.ok(ready.wire.some((w) => w.direction === 'from-connector' && w.type === 'CONNECTOR_READY'));
    const frame: Frame | undefined = page.frames().find((f) => f.url().startsWith(`${app.vfOrigin}/voice/`));
    assert.ok(frame, "the connector frame is the emulator's /voice/ page");
    await page.getByRole('button', { name: /Omni-Channel/ }).click();
    await page.getByRole('radio', { name: 'Available' }).click();
    await until(
      'Available confirmed by the connector',
      () => voice(),
      (v) => v.state.status?.statusName === 'Available',
    );

    // The customer's phone keeps its real peer connections readable too (the console's do from the start).
    const customer = await openCustomerPhone({ browser, console: app, sip }, CALLER);
    await customer.context().addInitScript(keepPeerConnections);
    await customer.reload();
    await until(
      'the customer phone signed in again',
      () => customer.getByRole('button', { name: 'Call', exact: true }).isEnabled(),
      (enabled) => enabled,
    );
    await customer.getByRole('button', { name: 'Call', exact: true }).click();
    const ringing = await until(
      'the call ringing in the phone',
      () => voice(),
      (v) => v.state.call?.phase === 'ringing',
    );
    const voiceCallId = ringing.state.call!.voiceCallId!;
    assert.match(voiceCallId, /^0LQ/, 'the connector passed the VoiceCall Id of X-Salesforce-VoiceCall-Id');
    const vc = app.voiceCalls.require(voiceCallId);
    assert.equal(vc.vendorCallKey, ringing.state.call!.callId, "vendorCallKey is the call's Call-ID");
    await phone().getByText(`Incoming call from ${DEMO.uniqueContact.name}`, { exact: false }).waitFor({ timeout: 10_000 });
    await until(
      'the VoiceCall record page',
      () => page.evaluate(() => (window as unknown as { __console: { currentTab(): { recordId?: string } | null } }).__console.currentTab()?.recordId),
      (id) => id === voiceCallId,
    );
    assert.equal(app.voiceCalls.require(voiceCallId).relatedRecordId, DEMO.uniqueContact.id);

    await phone().getByRole('button', { name: 'Accept' }).click();
    await until(
      'connected',
      () => voice(),
      (v) => v.state.call?.phase === 'connected',
    );
    const accepted = await until(
      'accept stamped',
      async () => app.voiceCalls.require(voiceCallId),
      (c) => c.acceptTime !== null,
    );
    assert.equal(accepted.userId, DEMO.agent.id);

    const connector = (): Frame => {
      const f = page.frames().find((x) => x.url().startsWith(`${app.vfOrigin}/voice/`));
      assert.ok(f, 'the connector frame');
      return f;
    };
    await Promise.all([waitAudio(connector(), 'the agent'), waitAudio(customer.mainFrame(), 'the customer')]);

    // A console refresh mid-call: the connector keeps the call (it takes its SIP dialog back with an
    // INVITE carrying Replaces), and the phone shows it again.
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.consoleReady === 'true', undefined, { timeout: 15_000 });
    const replayed = await until(
      'the call replayed after the refresh',
      () => voice(),
      (v) => v.state.call?.callId === ringing.state.call!.callId && v.state.call.phase === 'connected',
      30_000,
    );
    assert.equal(replayed.state.call?.voiceCallId, voiceCallId);
    await until(
      'the VoiceCall record page again',
      () => page.evaluate(() => (window as unknown as { __console: { currentTab(): { recordId?: string } | null } }).__console.currentTab()?.recordId),
      (id) => id === voiceCallId,
    );
    assert.equal(app.voiceCalls.require(voiceCallId).acceptTime, accepted.acceptTime, 'not accepted a second time');
    // And the audio came back both ways (the connector took its SIP dialog back with its media).
    await Promise.all([waitAudio(connector(), 'the agent, after the refresh'), waitAudio(customer.mainFrame(), 'the customer, after the refresh')]);
    // The agent hangs up at once, the connector may still be taking its dialog back: the hang-up waits for it.
    await phone().getByRole('button', { name: 'End call' }).click();
    await phone().getByRole('form', { name: 'After-call work' }).waitFor({ timeout: 10_000 });
    await phone().getByRole('combobox', { name: 'Disposition' }).selectOption({ index: 0 });
    await phone().getByRole('button', { name: 'Done' }).click();
    const done = await until(
      'disposition saved',
      async () => app.voiceCalls.require(voiceCallId),
      (c) => c.callDisposition !== 'in-progress' && c.callDisposition !== 'new',
    );
    assert.ok(done.callDisposition);
    await until(
      'the bridge closed the call',
      async () => app.voiceCalls.require(voiceCallId),
      (c) => c.endTime !== null,
    );
    assert.equal(app.voiceCalls.list({ limit: 100 }).filter((c) => c.vendorCallKey === vc.vendorCallKey).length, 1, 'one VoiceCall for the call');
    await customer.context().close();
  },
);
