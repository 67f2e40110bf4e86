// The Salesforce Voice connector page, as Salesforce loads it: a parent page on a Lightning origin
// (strict mode: Salesforce-shaped host names, so the base library's origin rule accepts it) frames
// the emulator's <Visualforce origin>/voice/ and posts SETUP_CONNECTOR with a MessageChannel. The
// agent signs in in the connector's own frame (no password in the call center), registers to the
// embedded SIP server; a customer phone calls the support line with the INVITE header the phone
// system adds for Voice, and the wire messages on the port are checked, with real WebRTC media, and
// across a reload of the connector mid-call (the call is kept, Salesforce replays it, audio comes back).
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { CALLERS, openCustomerPhone, startHarness, waitRegistered, waitUntil, type Harness } from './harness.ts';
import { DEMO_AGENTS, DEMO_SIP_DOMAIN } from '../../src/node/demo/demo-phone-system.ts';
import { openSlowTakeBackPhone } from './slow-take-back-phone.ts';

const AGENT = DEMO_AGENTS[0]!;
const VOICE_CALL_ID = '0LQ5g00000SWBD1GAH';

interface WireMessage {
  readonly type: string;
  readonly payload?: {
    readonly telephonyEventType?: string;
    readonly telephonyEventPayload?: Record<string, unknown> & { callId?: string; callAttributes?: Record<string, unknown> };
  };
}

/**
 * Runs in the parent page: frames the connector and, each time it has loaded (a reload too), posts
 * SETUP_CONNECTOR with one end of a new MessageChannel, as Salesforce's console does; the other end
 * records the wire (from that load on).
 */
function frameConnector({ vfOrigin, connectorConfig }: { vfOrigin: string; connectorConfig: Record<string, unknown> }): void {
  const w = window as unknown as { __wire: unknown[]; __send: (m: unknown) => void };
  w.__wire = [];
  const frame = document.createElement('iframe');
  frame.title = 'Salesforce Voice connector';
  frame.allow = 'microphone; autoplay';
  frame.addEventListener('load', () => {
    const channel = new MessageChannel();
    w.__wire = [];
    channel.port1.onmessage = (e) => w.__wire.push(e.data);
    w.__send = (m) => channel.port1.postMessage(m);
    frame.contentWindow?.postMessage({ type: 'SETUP_CONNECTOR', connectorConfig }, vfOrigin, [channel.port2]);
  });
  frame.src = `${vfOrigin}/voice/`;
  document.body.append(frame);
}

/** Audio bytes the connector's peer connection for `callId` has received (0 while there is none). */
async function agentAudioBytes(frame: Frame, callId: string): Promise<number> {
  return frame
    .evaluate(async (id) => {
      const sb = (window as unknown as { switchboard?: { telephony: () => { peerConnection(id: string): RTCPeerConnection | undefined } | undefined } })
        .switchboard;
      const pc = sb?.telephony()?.peerConnection(id);
      if (!pc) return 0;
      let bytes = 0;
      (await pc.getStats()).forEach((r: { type: string; kind?: string; bytesReceived?: number }) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') bytes += r.bytesReceived ?? 0;
      });
      return bytes;
    }, callId)
    .catch(() => 0); // the frame is being replaced (reload)
}

describe('Salesforce Voice connector page (browser smoke test)', { timeout: 180_000 }, () => {
  let h: Harness;
  let parent: Page;
  const pageLog: string[] = [];

  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.close();
  });
  /** Browser contexts a test opened: closed even when it fails, so that its phones do not outlive it. */
  const opened: BrowserContext[] = [];
  afterEach(async () => {
    for (const c of opened.splice(0)) await c.close().catch(() => {});
  });

  const wire = async (): Promise<WireMessage[]> => (await parent.evaluate('window.__wire')) as WireMessage[];
  const events = async (type: string) =>
    (await wire())
      .filter((m) => m.type === 'TELEPHONY_EVENT_DISPATCHED' && m.payload?.telephonyEventType === type)
      .map((m) => m.payload!.telephonyEventPayload!);
  const waitEvent = async (type: string, timeoutMs = 20_000) => {
    // The payload found is the one answered: the wire starts again when the connector reloads.
    let found: NonNullable<WireMessage['payload']>['telephonyEventPayload'];
    await waitUntil(
      async () => (found = (await events(type))[0]) !== undefined,
      timeoutMs,
      `${type} on the port (wire: ${JSON.stringify((await wire()).map((m) => m.payload?.telephonyEventType ?? m.type))}; frames: ${parent
        .frames()
        .map((f) => f.url())
        .join(', ')}; pages: ${pageLog.slice(-15).join(' | ')})`,
    );
    return found!;
  };
  /** Reloads the connector frame; what the wire held before is dropped (not read as the new load's). */
  const reloadConnector = async (): Promise<void> => {
    await parent.evaluate(() => {
      (window as unknown as { __wire: unknown[] }).__wire = [];
    });
    await connectorFrame()
      .evaluate(() => location.reload())
      .catch(() => {});
  };
  const connectorFrame = (): Frame => {
    const f = parent.frames().find((fr) => fr.url().startsWith(`${h.console.vfOrigin}/voice/`));
    assert.ok(f, 'the connector frame is loaded');
    return f;
  };

  /** Salesforce's console page on a Lightning origin, framing the connector (see frameConnector). */
  const openConnector = async (context: BrowserContext): Promise<void> => {
    parent = await context.newPage();
    // What the pages say, for failure messages.
    parent.on('console', (m) => pageLog.push(`${m.type()}: ${m.text()}`));
    parent.on('pageerror', (e) => pageLog.push(`pageerror: ${e.message}`));
    const parentUrl = `${h.console.lightningOrigin}/voice-parent-for-test`;
    const connectorConfig = {
      '/reqGeneralInfo/reqInternalName': 'SwitchboardVoiceTest',
      '/reqGeneralInfo/reqDisplayName': 'Switchboard Voice test',
      '/reqGeneralInfo/reqVendorInfoApiName': 'switchboard__Switchboard',
      '/reqGeneralInfo/reqAdapterUrl': `${h.console.vfOrigin}/voice/`,
      '/reqHvcc/reqTelephonyIntegrationCertificate': '-----BEGIN CERTIFICATE-----',
      '/switchboard/sipWebSocketUrl': h.sip.url,
      '/switchboard/sipDomain': DEMO_SIP_DOMAIN,
      isACWAllowed: false,
    };
    // The parent stands in for Salesforce's console page: any page of the emulator's Lightning origin.
    await parent.goto(parentUrl);
    await parent.evaluate(frameConnector, { vfOrigin: h.console.vfOrigin, connectorConfig });
  };
  const send = (message: unknown): Promise<void> => parent.evaluate((m) => (window as unknown as { __send: (m: unknown) => void }).__send(m), message);

  it('SETUP_CONNECTOR → sign-in in the frame → a call rings (CALL_STARTED with the Call-ID and the VoiceCall id) → ACCEPT_CALL → CALL_CONNECTED with media → a reload keeps the call (replayed, audio back) → END_CALL → HANGUP', async () => {
    const context = await h.browser.newContext({ ignoreHTTPSErrors: true });
    opened.push(context);
    await openConnector(context);

    assert.deepEqual(await waitEvent('SHOW_LOGIN'), { loginFrameHeight: 350 });
    const frame = connectorFrame();
    await frame.getByLabel('Extension').fill(AGENT.username);
    await frame.getByLabel('Password').fill(AGENT.password);
    await frame.getByRole('button', { name: 'Sign in' }).click();
    assert.deepEqual(await waitEvent('LOGIN_RESULT'), { success: true });
    await waitUntil(async () => (await wire()).some((m) => m.type === 'CONNECTOR_READY'), 10_000, 'CONNECTOR_READY');
    await waitRegistered(h, AGENT.username);

    const customer = await openCustomerPhone(h, CALLERS.unknown);
    opened.push(customer.context());
    await customer.getByLabel('Header 1 name').fill('X-Salesforce-VoiceCall-Id');
    await customer.getByLabel('Header 1 value').fill(VOICE_CALL_ID);
    await customer.getByRole('button', { name: 'Call', exact: true }).click();
    const started = await waitEvent('CALL_STARTED');
    const customerCallId = await customer.locator('li[data-call-id]').first().getAttribute('data-call-id');
    assert.equal(started.callId, customerCallId, 'callId is the SIP Call-ID the caller chose (the proxy keeps it): the vendorCallKey');
    assert.equal(started.callAttributes?.['voiceCallId'], VOICE_CALL_ID);
    assert.equal(started['callType'], 'Inbound');
    assert.equal(started['state'], 'ringing');

    await parent.evaluate(
      (callId) => (window as unknown as { __send: (m: unknown) => void }).__send({ type: 'ACCEPT_CALL', call: { callId, callType: 'Inbound' } }),
      started.callId!,
    );
    const connected = await waitEvent('CALL_CONNECTED');
    assert.equal(connected.callId, started.callId);
    // Real media: the agent's peer connection receives the caller's audio.
    await waitUntil(async () => (await agentAudioBytes(frame, started.callId!)) > 1000, 15_000, 'audio from the caller reaches the agent');

    // The console reloads mid-call: the connector keeps the call (no BYE), the agent signs in again,
    // Salesforce finds the call in progress and replays it; the audio comes back.
    await reloadConnector();
    assert.deepEqual(await waitEvent('SHOW_LOGIN'), { loginFrameHeight: 350 });
    const reloaded = connectorFrame();
    await reloaded.getByLabel('Extension').fill(AGENT.username);
    await reloaded.getByLabel('Password').fill(AGENT.password);
    await reloaded.getByRole('button', { name: 'Sign in' }).click();
    await waitEvent('LOGIN_RESULT');
    await waitUntil(async () => (await wire()).some((m) => m.type === 'CONNECTOR_READY'), 10_000, 'CONNECTOR_READY after the reload');
    const ready = (await wire()).find((m) => m.type === 'CONNECTOR_READY')!.payload as unknown as {
      callInProgress: { callId?: string; callAttributes?: Record<string, unknown> } | null;
    };
    assert.equal(ready.callInProgress?.callId, started.callId, 'the call is in progress after the reload');
    assert.equal(ready.callInProgress?.callAttributes?.['voiceCallId'], VOICE_CALL_ID, 'with its VoiceCall id');
    await parent.evaluate(() => (window as unknown as { __send: (m: unknown) => void }).__send({ type: 'AGENT_AVAILABLE', isAvailable: true }));
    const replayed = await waitEvent('CALL_CONNECTED');
    assert.deepEqual([replayed.callId, replayed['isReplayedCall']], [started.callId, true]);
    await waitUntil(
      async () => (await agentAudioBytes(reloaded, started.callId!)) > 1000,
      20_000,
      'audio from the caller reaches the agent again after the reload',
    );
    assert.doesNotMatch(await customer.locator('body').innerText(), /: ended/, 'the caller was never hung up on');

    await parent.evaluate((callId) => (window as unknown as { __send: (m: unknown) => void }).__send({ type: 'END_CALL', call: { callId } }), started.callId!);
    const hangup = await waitEvent('HANGUP');
    const calls = (Array.isArray(hangup) ? hangup : [hangup]) as { callId?: string }[];
    assert.equal(calls[0]?.callId, started.callId);
    // The agent hung up: the caller's phone hears a BYE.
    await waitUntil(async () => /: ended \(remote-hangup\)/.test(await customer.locator('body').innerText()), 10_000, 'the caller sees the agent hang up');
    await context.close();
  });

  it("END_CALL the moment the reloaded connector is ready, while its INVITE with Replaces is still unanswered: the caller's call ends (BYE), HANGUP only once it is back", async () => {
    const context = await h.browser.newContext({ ignoreHTTPSErrors: true });
    opened.push(context);
    await openConnector(context);
    const signIn = async (): Promise<void> => {
      assert.deepEqual(await waitEvent('SHOW_LOGIN'), { loginFrameHeight: 350 });
      const frame = connectorFrame();
      await frame.getByLabel('Extension').fill(AGENT.username);
      await frame.getByLabel('Password').fill(AGENT.password);
      await frame.getByRole('button', { name: 'Sign in' }).click();
      await waitEvent('LOGIN_RESULT');
      await waitUntil(async () => (await wire()).some((m) => m.type === 'CONNECTOR_READY'), 10_000, 'CONNECTOR_READY');
    };
    await signIn();
    await waitRegistered(h, AGENT.username);

    // The caller's phone is slow to take the INVITE with Replaces (held HOLD_MS), so the take-back
    // is surely unanswered when END_CALL comes.
    const HOLD_MS = 2500;
    const slow = await openSlowTakeBackPhone(h, CALLERS.unknown, HOLD_MS);
    const customer = slow.page;
    opened.push(customer.context());
    await customer.getByRole('button', { name: 'Call', exact: true }).click();
    const started = await waitEvent('CALL_STARTED');
    await send({ type: 'ACCEPT_CALL', call: { callId: started.callId, callType: 'Inbound' } });
    await waitEvent('CALL_CONNECTED');
    await waitUntil(async () => /: connected/.test(await customer.locator('body').innerText()), 10_000, 'the caller is connected');

    await reloadConnector();
    await signIn();
    const ready = (await wire()).find((m) => m.type === 'CONNECTOR_READY')!.payload as unknown as { callInProgress: { callId?: string } | null };
    assert.equal(ready.callInProgress?.callId, started.callId, 'the call is in progress after the reload');
    await waitUntil(() => slow.takeBackAt() !== undefined, 15_000, "the connector's INVITE with Replaces reaches the caller's phone");
    await send({ type: 'END_CALL', call: { callId: started.callId } });
    assert.ok(Date.now() - slow.takeBackAt()! < HOLD_MS, 'END_CALL came while the take-back was unanswered');

    const hangup = await waitEvent('HANGUP', 30_000);
    const hangupAt = Date.now();
    const calls = (Array.isArray(hangup) ? hangup : [hangup]) as { callId?: string }[];
    assert.equal(calls[0]?.callId, started.callId);
    assert.ok(hangupAt >= slow.takeBackAt()! + HOLD_MS, 'HANGUP only once the call is back (never while the caller is still connected)');
    await waitUntil(
      async () => /: ended \(remote-hangup\)/.test(await customer.locator('body').innerText()),
      15_000,
      'the caller sees the agent hang up (BYE)',
    );
    assert.equal((await events('HANGUP')).length, 1, 'one HANGUP');
    await context.close();
  });
});
