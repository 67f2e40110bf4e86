/**
 * An agent's day under Salesforce Voice, with every real part: a known customer calls the embedded
 * SIP server's support line, the server asks the real voice bridge, which signs its JWT for the
 * console emulator's Telephony Integration API, and rings the agent's Voice connector (/voice/) with
 * X-Salesforce-VoiceCall-Id. The agent works the call in Salesforce's phone in the Omni-Channel
 * panel (accessible names only): accept, hold and resume (the customer's phone says so, and audio
 * flows again), consult a colleague, conference and leave (the transfer), after-call work with a
 * disposition and notes. The VoiceCall is then read back field by field.
 *
 * Then a slow Salesforce: the hop between the bridge and the emulator holds the first create (or
 * Salesforce's answer to it) longer than one bridge attempt may take but less than the SIP server
 * waits, so the bridge retries; the call still rings with the header, and the first create, which
 * Salesforce does handle, makes no second VoiceCall.
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { silentLogger } from '../../src/core/index.ts';
import { DEMO, startConsole, STRICT_CHROMIUM_ARGS, type RunningConsole } from '../../src/node/console/index.ts';
import { ORG_ID } from '../../src/node/console/server/api-login.ts';
import { makeTelephonyKeys } from '../../src/node/console/rest/test-support/telephony-keys.ts';
import { DEMO_VOICE_CALL_CENTER } from '../../src/node/console/server/voice-demo.ts';
import { startSipServer, type SipServer } from '../../src/node/sip-server/index.ts';
import { ScrtClient, startVoiceBridge, type VoiceBridge } from '../../src/node/voice-bridge/index.ts';
import { DEMO_AGENTS, DEMO_SIP_DOMAIN, DEMO_SUPPORT_NUMBER } from '../../src/node/demo/demo-phone-system.ts';
import { launchChromium } from '../support/chromium.ts';
import { PEER_CONNECTION_PROBE, audioBytesSince } from '../support/peer-audio.ts';
import { openCustomerPhone } from '../e2e/harness.ts';
import { until } from '../support/until.ts';
import { assertTransferLeg } from './transfer-leg.ts';

const CALLER = DEMO.uniqueContact.e164;
const COLLEAGUE = DEMO_AGENTS[1]!;
/** One bridge attempt's limit; the slow hop holds the first create longer, the SIP server waits longer still. */
const ATTEMPT_MS = 1500;
const SLOW_MS = 2500;
const SIP_WAIT_MS = 6000;

let app: RunningConsole;
let hop: Server;
let bridge: VoiceBridge;
let sip: SipServer;
let browser: Browser;
let agentContext: BrowserContext;
let page: Page;

/** What the hop saw of the creates (POST …/voiceCalls): the Call-ID, whether it was held, and the emulator's answer. */
interface SeenCreate {
  vendorCallKey: string;
  held: boolean;
  status?: number;
  voiceCallId?: string;
}
const creates: SeenCreate[] = [];
/**
 * Set by a test: the next create is held this long, either before it goes on to the emulator
 * ('request': Salesforce gets it late) or after the emulator answered ('answer': Salesforce made the
 * record, its answer is late).
 */
let slowNextCreate: { ms: number; at: 'request' | 'answer' } | undefined;
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface VoiceView {
  state: {
    phase: string;
    call: { callId: string; phase: string; voiceCallId?: string; onHold: boolean } | null;
    participant: { phase: string } | null;
    merged: boolean;
    wrapUp: unknown;
    status: { statusName: string } | null;
    notices: { message: string }[];
  };
  wire: { direction: string; type: string }[];
}
const voice = (): Promise<VoiceView> => page.evaluate(() => (window as unknown as { __console: { voice(): VoiceView } }).__console.voice());
const currentRecord = (): Promise<string | undefined> =>
  page.evaluate(() => (window as unknown as { __console: { currentTab(): { recordId?: string } | null } }).__console.currentTab()?.recordId);
const phone = () => page.getByRole('region', { name: 'Phone' });
const connectorFrame = (): Frame => {
  const f = page.frames().find((x) => x.url().startsWith(`${app.vfOrigin}/voice/`));
  assert.ok(f, "the connector frame is the emulator's /voice/ page");
  return f;
};
/** Waits until `read` (audio bytes received) grows by more than 4000 bytes. */
async function audioGrows(read: () => Promise<number>, what: string): Promise<void> {
  const start = await read().catch(() => 0);
  await until(
    what,
    async () => (await read().catch(() => 0)) - start,
    (d) => d > 4000,
    15_000,
  );
}
/** The SIP phone page's status line (its latest call state). */
const lineSays = (p: Page, text: RegExp): Promise<void> => p.getByRole('status').filter({ hasText: text }).waitFor({ timeout: 10_000 });
const received = (where: Page | Frame) => async (): Promise<number> => (await where.evaluate(audioBytesSince())) as number;

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

before(
  async () => {
    const keys = makeTelephonyKeys();
    app = await startConsole({ dbFile: ':memory:', strictOrigins: true, surface: 'voice', voiceCertificate: keys.certificate });
    // The bridge reaches the emulator's HTTPS API by 127.0.0.1 through this hop, which accepts the
    // emulator's throwaway certificate (the bridge itself accepts no untrusted one) and can play a
    // slow Salesforce: it holds a create or its answer, and hands it on all the same.
    hop = createServer((req, res) => {
      void (async () => {
        const payload = await body(req);
        const isCreate = req.method === 'POST' && /\/telephony\/v1\/voiceCalls$/.test(req.url ?? '');
        let seen: SeenCreate | undefined;
        let slow: typeof slowNextCreate;
        if (isCreate) {
          slow = slowNextCreate;
          slowNextCreate = undefined;
          seen = { vendorCallKey: String((JSON.parse(payload.toString('utf8')) as { vendorCallKey?: unknown }).vendorCallKey), held: slow !== undefined };
          creates.push(seen);
          if (slow?.at === 'request') await pause(slow.ms);
        }
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
            const chunks: Buffer[] = [];
            up.on('data', (c: Buffer) => chunks.push(c));
            up.on(
              'end',
              () =>
                void (async () => {
                  const answer = Buffer.concat(chunks);
                  if (seen) {
                    seen.status = up.statusCode;
                    seen.voiceCallId = (JSON.parse(answer.toString('utf8') || '{}') as { voiceCallId?: string }).voiceCallId;
                  }
                  if (slow?.at === 'answer') await pause(slow.ms);
                  // The bridge may have given up on a held create already: nobody reads this answer then.
                  if (!res.destroyed) {
                    res.writeHead(up.statusCode ?? 502, up.headers);
                    res.end(answer);
                  }
                })(),
            );
          },
        );
        upstream.on('error', (e) => {
          if (!res.destroyed) {
            res.writeHead(502);
            res.end(e.message);
          }
        });
        upstream.end(payload);
      })().catch((e: unknown) => {
        if (!res.destroyed) {
          res.writeHead(500);
          res.end(String(e));
        }
      });
    });
    await new Promise<void>((resolve) => hop.listen(0, '127.0.0.1', resolve));
    const client = new ScrtClient({
      scrtUrl: `http://127.0.0.1:${(hop.address() as AddressInfo).port}`,
      orgId: ORG_ID,
      callCenter: DEMO_VOICE_CALL_CENTER.internalName,
      providerName: 'Switchboard',
      key: keys.privateKey,
      logger: silentLogger,
      timeoutMs: ATTEMPT_MS,
      attempts: 3,
    });
    bridge = await startVoiceBridge({ client, port: 0, logger: silentLogger });
    sip = await startSipServer({
      domain: DEMO_SIP_DOMAIN,
      users: DEMO_AGENTS.map(({ username, password, displayName }) => ({ username, password, displayName })),
      guests: [CALLER],
      ringGroups: { [DEMO_SUPPORT_NUMBER]: [DEMO_AGENTS[0]!.username] },
      voiceBridge: { url: bridge.url, waitMs: SIP_WAIT_MS },
    });
    const voiceCenter = app.data.callCenters().find((c) => c.InternalName === DEMO_VOICE_CALL_CENTER.internalName)!;
    app.data.setCallCenterItem(voiceCenter.Id, 'switchboard', 'sipWebSocketUrl', sip.url);
    browser = await launchChromium(STRICT_CHROMIUM_ARGS);
    agentContext = await browser.newContext();
    await agentContext.addInitScript(PEER_CONNECTION_PROBE);
    page = await agentContext.newPage();
    await page.goto(app.consoleUrl(DEMO.agent.username));
    await page.waitForFunction(() => document.body.dataset.consoleReady === 'true', undefined, { timeout: 15_000 });
    await until(
      'the Voice connector ready',
      () => voice(),
      (v) => v.state.phase === 'ready',
      20_000,
    );
    await page.getByRole('button', { name: /Omni-Channel/ }).click();
    await page.getByRole('radio', { name: 'Available' }).click();
    await until(
      'Available confirmed by the connector',
      () => voice(),
      (v) => v.state.status?.statusName === 'Available',
    );
  },
  { timeout: 60_000 },
);

after(async () => {
  await browser?.close().catch(() => {});
  await sip?.close().catch(() => {});
  await bridge?.close().catch(() => {});
  await new Promise<void>((resolve) => (hop ? hop.close(() => resolve()) : resolve()));
  await app?.close().catch(() => {});
});

it('a known caller: ring, pop, accept, hold and resume, consult, transfer, wrap-up; the VoiceCall field by field', { timeout: 120_000 }, async () => {
  const customer = await openCustomerPhone({ browser, console: app, sip }, CALLER);
  await customer.evaluate(PEER_CONNECTION_PROBE);
  // The colleague the agent consults: a SIP phone the test signs in as the second demo agent.
  const colleague = await openCustomerPhone({ browser, console: app, sip }, COLLEAGUE.username, { password: COLLEAGUE.password });
  await colleague.evaluate(PEER_CONNECTION_PROBE);

  await customer.getByRole('button', { name: 'Call', exact: true }).click();
  const ringing = await until(
    'the call ringing in the phone',
    () => voice(),
    (v) => v.state.call?.phase === 'ringing',
  );
  const vendorCallKey = ringing.state.call!.callId;
  const voiceCallId = ringing.state.call!.voiceCallId!;
  assert.match(voiceCallId, /^0LQ/, 'the connector passed the VoiceCall Id of X-Salesforce-VoiceCall-Id');
  await phone().getByText(`Incoming call from ${DEMO.uniqueContact.name}`, { exact: false }).waitFor({ timeout: 10_000 });
  await until('the VoiceCall record page', currentRecord, (id) => id === voiceCallId);
  assert.equal(app.data.record(voiceCallId)?.fields.RelatedRecordId, DEMO.uniqueContact.id, "the pop related the caller's contact");

  await phone().getByRole('button', { name: 'Accept' }).click();
  await until(
    'connected',
    () => voice(),
    (v) => v.state.call?.phase === 'connected',
  );
  await lineSays(customer, /: connected$/);
  await Promise.all([audioGrows(received(connectorFrame()), 'the agent hears the customer'), audioGrows(received(customer), 'the customer hears the agent')]);

  // Each hold is bracketed: at least from when the customer's phone says so to the click that ends
  // it, at most from the click that starts it to when the customer's phone says it is over.
  const holds: { min: number; max: number }[] = [];
  const clickedHold = Date.now();
  await phone().getByRole('button', { name: 'Hold' }).click();
  await phone().getByRole('button', { name: 'Resume', pressed: true }).waitFor({ timeout: 10_000 });
  await lineSays(customer, /: on hold$/);
  const heardHold = Date.now();
  await pause(2000);
  const clickedResume = Date.now();
  await phone().getByRole('button', { name: 'Resume' }).click();
  await phone().getByRole('button', { name: 'Hold', pressed: false }).waitFor({ timeout: 10_000 });
  await lineSays(customer, /: connected$/);
  holds.push({ min: clickedResume - heardHold, max: Date.now() - clickedHold });
  await Promise.all([
    audioGrows(received(connectorFrame()), 'the agent hears the customer after Resume'),
    audioGrows(received(customer), 'the customer hears the agent after Resume'),
  ]);

  // The colleague from the connector's phone book (GET_PHONE_CONTACTS), as Salesforce's transfer list
  // shows it: available, since their line is free.
  await phone().getByRole('button', { name: 'Phone book' }).click();
  const book = phone().getByRole('list', { name: 'Phone book' });
  await book.getByText(`${COLLEAGUE.displayName} (${COLLEAGUE.username}) · Available`).waitFor({ timeout: 10_000 });
  const clickedConsult = Date.now();
  await book.getByRole('button', { name: `Consult ${COLLEAGUE.displayName}` }).click();
  await until(
    'the colleague ringing as the third party',
    () => voice(),
    (v) => v.state.participant?.phase === 'ringing',
  );
  // A consultation holds the customer too: the phone system counts it as a hold.
  await lineSays(customer, /: on hold$/);
  const heardConsultHold = Date.now();
  await colleague.getByRole('button', { name: /^Answer call from / }).click({ timeout: 10_000 });
  await until(
    'the colleague connected',
    () => voice(),
    (v) => v.state.participant?.phase === 'connected',
  );
  await phone()
    .getByRole('status', { name: 'Third party' })
    .getByText(/connected/)
    .waitFor({ timeout: 10_000 });
  await pause(3000); // the consultation's hold is the longer one
  const clickedConference = Date.now();
  await phone().getByRole('button', { name: 'Conference' }).click();
  await until(
    'all three in conference',
    () => voice(),
    (v) => v.state.merged,
  );
  await lineSays(customer, /: connected$/);
  holds.push({ min: clickedConference - heardConsultHold, max: Date.now() - clickedConsult });
  // Leaving a two-party conference hands the customer to the colleague (REFER with Replaces).
  await phone().getByRole('button', { name: 'End call' }).click();
  await phone().getByRole('form', { name: 'After-call work' }).waitFor({ timeout: 15_000 });
  await audioGrows(received(colleague), 'the colleague hears the customer after the transfer');

  await phone().getByRole('combobox', { name: 'Disposition' }).selectOption({ label: 'Follow-up needed' });
  await phone().getByRole('textbox', { name: 'Notes' }).fill('Invoice question; Bob takes it from here.');
  await phone().getByRole('button', { name: 'Done' }).click();
  await until(
    'disposition saved',
    async () => app.voiceCalls.require(voiceCallId).callDisposition,
    (d) => d === 'FollowUp',
  );
  // The phone is ready to dial once the agent's leg is released too: the connector may start after-call
  // work before its HANGUP, which waits for the handover (REFER with Replaces) to complete between two
  // browser phones; a full suite on 2 cores once took longer than 10 s.
  await phone().getByRole('textbox', { name: 'Phone number' }).waitFor({ timeout: 30_000 });

  // The customer and the colleague finish; the transfer leg ends too.
  await customer.getByRole('button', { name: /^Hang up call with / }).click();
  await until(
    'the bridge closed the call',
    async () => app.voiceCalls.require(voiceCallId),
    (c) => c.endTime !== null,
  );

  const f = app.data.record(voiceCallId)!.fields;
  const start = Date.parse(String(f.CallStartDateTime));
  const end = Date.parse(String(f.CallEndDateTime));
  const accepted = Date.parse(String(f.CallAcceptDateTime));
  assert.ok(Number.isFinite(start) && Number.isFinite(end) && Number.isFinite(accepted), JSON.stringify(f));
  assert.ok(
    start <= accepted && accepted <= end,
    `start ${String(f.CallStartDateTime)} ≤ accept ${String(f.CallAcceptDateTime)} ≤ end ${String(f.CallEndDateTime)}`,
  );
  assert.ok(
    Math.abs(Number(f.CallDurationInSeconds) - (end - start) / 1000) <= 1,
    `duration ${String(f.CallDurationInSeconds)} s matches ${(end - start) / 1000} s`,
  );
  assert.ok(Number(f.CallDurationInSeconds) >= 2, 'a call with hold and a consultation lasts some seconds');
  assert.deepEqual(
    {
      VendorCallKey: f.VendorCallKey,
      CallType: f.CallType,
      FromPhoneNumber: f.FromPhoneNumber,
      ToPhoneNumber: f.ToPhoneNumber,
      CallDisposition: f.CallDisposition,
      RelatedRecordId: f.RelatedRecordId,
      UserId: f.UserId,
      IsActiveCall: f.IsActiveCall,
    },
    {
      VendorCallKey: vendorCallKey,
      CallType: 'Inbound',
      FromPhoneNumber: CALLER,
      ToPhoneNumber: DEMO_SUPPORT_NUMBER,
      CallDisposition: 'FollowUp',
      RelatedRecordId: DEMO.uniqueContact.id,
      UserId: DEMO.agent.id,
      IsActiveCall: false,
    },
  );
  assert.equal(f.Description, 'Invoice question; Bob takes it from here.');
  // Measured by the SIP server from the re-INVITEs, sent by the bridge with the end.
  assert.equal(f.DisconnectReason, 'TRANSFER', 'the agent handed the customer to the colleague');
  assert.equal(f.NumberOfHolds, holds.length, `the Hold button and the consultation: ${JSON.stringify(holds)}`);
  const total = Number(f.TotalHoldDuration);
  const within = (seconds: number, range: { min: number; max: number }, what: string): void => {
    assert.ok(
      seconds >= Math.floor(range.min / 1000) - 1 && seconds <= Math.ceil(range.max / 1000) + 1,
      `${what} ${seconds} s within ${range.min}..${range.max} ms ±1 s`,
    );
  };
  within(total, { min: holds.reduce((t, h) => t + h.min, 0), max: holds.reduce((t, h) => t + h.max, 0) }, 'TotalHoldDuration');
  within(Number(f.LongestHoldDuration), { min: Math.max(...holds.map((h) => h.min)), max: Math.max(...holds.map((h) => h.max)) }, 'LongestHoldDuration');
  assert.ok(Number(f.LongestHoldDuration) <= total);
  const talk = (end - accepted) / 1000 - total;
  assert.ok(
    Math.abs(Number(f.AgentInteractionDuration) - talk) <= 1,
    `AgentInteractionDuration ${String(f.AgentInteractionDuration)} s ≈ answered-to-end minus hold ${talk} s`,
  );
  const all = app.voiceCalls.list({ limit: 1000 });
  assert.equal(all.filter((c) => c.vendorCallKey === vendorCallKey && c.callType === 'Inbound').length, 1, 'one Inbound VoiceCall for the call');
  // The transfer leg, when the phone system records one: a Transfer call whose parent is this one.
  const legs = all.filter((c) => c.parentVoiceCallId === voiceCallId);
  for (const leg of legs) {
    const closed = await until(
      'the transfer leg closed',
      async () => app.voiceCalls.require(leg.id),
      (c) => c.endTime !== null,
    );
    assertTransferLeg(app, leg.id, { parent: voiceCallId, from: CALLER, to: COLLEAGUE.username });
    const t = app.data.record(leg.id)!.fields;
    assert.notEqual(closed.vendorCallKey, vendorCallKey, "the transfer leg is a call of its own (the caller's new INVITE)");
    assert.ok(Date.parse(String(t.CallStartDateTime)) >= accepted, 'the transfer leg starts after the agent took the call');
  }
  assert.equal(legs.length, 1, `the transfer leg is recorded: ${JSON.stringify(all.map((c) => [c.callType, c.vendorCallKey, c.parentVoiceCallId]))}`);
  await customer.context().close();
  await colleague.context().close();
});

/** A call whose first create is slow at `at`: it rings with the retry's VoiceCall; one VoiceCall, closed at the end. */
async function slowSalesforceCall(at: 'request' | 'answer'): Promise<void> {
  const customer = await openCustomerPhone({ browser, console: app, sip }, CALLER);
  const before = creates.length;
  slowNextCreate = { ms: SLOW_MS, at };
  await customer.getByRole('button', { name: 'Call', exact: true }).click();
  const ringing = await until(
    'the call ringing in the phone',
    () => voice(),
    (v) => v.state.call?.phase === 'ringing',
    20_000,
  );
  const vendorCallKey = ringing.state.call!.callId;
  const voiceCallId = ringing.state.call!.voiceCallId;
  const mine = creates.slice(before).filter((c) => c.vendorCallKey === vendorCallKey);
  assert.ok(mine.length >= 2 && mine[0]!.held && !mine[1]!.held, `the bridge retried after its first attempt timed out: ${JSON.stringify(mine)}`);
  assert.equal(voiceCallId, mine[1]!.voiceCallId, 'the call rang with the VoiceCall of the retry');
  await phone().getByText(`Incoming call from ${DEMO.uniqueContact.name}`, { exact: false }).waitFor({ timeout: 10_000 });
  // Salesforce handles the held create too (late, or first): both answer the same record.
  await until(
    'the held create handled',
    async () => mine[0]!.status,
    (s) => s !== undefined,
    10_000,
  );
  assert.deepEqual(
    { status: mine[0]!.status, voiceCallId: mine[0]!.voiceCallId },
    { status: 200, voiceCallId },
    'the held create and the retry name the same VoiceCall',
  );

  await phone().getByRole('button', { name: 'Accept' }).click();
  await until(
    'connected',
    () => voice(),
    (v) => v.state.call?.phase === 'connected',
  );
  await customer.getByRole('button', { name: /^Hang up call with / }).click();
  await phone().getByRole('form', { name: 'After-call work' }).waitFor({ timeout: 10_000 });
  await phone().getByRole('button', { name: 'Done' }).click();
  const closed = await until(
    'the bridge closed the call',
    async () => app.voiceCalls.require(voiceCallId!),
    (c) => c.endTime !== null,
  );
  assert.equal(closed.isActiveCall, false);
  assert.equal(closed.disconnectReason, 'CUSTOMER_DISCONNECT');
  assert.equal(app.voiceCalls.list({ limit: 1000 }).filter((c) => c.vendorCallKey === vendorCallKey).length, 1, 'exactly one VoiceCall for the call');
  await customer.context().close();
}

it('a slow Salesforce that gets the first create late: the retry rings with the header; the late create makes no second VoiceCall', { timeout: 60_000 }, () =>
  slowSalesforceCall('request'),
);

it('a slow Salesforce that answers the first create late: the retry finds the record made; one VoiceCall', { timeout: 60_000 }, () =>
  slowSalesforceCall('answer'),
);
