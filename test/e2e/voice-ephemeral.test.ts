/**
 * Salesforce Voice with short-lived SIP credentials, no password typed: the console (strict origins)
 * has a SIP secret, so its demo Voice contact center says `credentialScheme: ephemeral` and frames
 * the connector as the package's Visualforce page (/apex/switchboard__SwitchboardVoice). The page
 * gets its session through the bridge from the console's, the connector mints by JavaScript
 * remoting (SwitchboardCredentials.mintForVoice, run as the agent), and REGISTERs with the embedded
 * SIP server, which shares the secret, as `<expiry>:<extension>`; Salesforce never asks the agent to
 * sign in (no SHOW_LOGIN). A customer's call through the voice bridge then rings in Salesforce's phone.
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { silentLogger } from '../../src/core/index.ts';
import { DEMO, startConsole, STRICT_CHROMIUM_ARGS, type RunningConsole } from '../../src/node/console/index.ts';
import { ORG_ID } from '../../src/node/console/server/api-login.ts';
import { makeTelephonyKeys } from '../../src/node/console/rest/test-support/telephony-keys.ts';
import { DEMO_VOICE_CALL_CENTER, DEMO_VOICE_VF_ADAPTER_URL } from '../../src/node/console/server/voice-demo.ts';
import { startSipServer, type SipServer } from '../../src/node/sip-server/index.ts';
import { ScrtClient, startVoiceBridge, type VoiceBridge } from '../../src/node/voice-bridge/index.ts';
import { DEMO_AGENTS, DEMO_SIP_DOMAIN, DEMO_SUPPORT_NUMBER } from '../../src/node/demo/demo-phone-system.ts';
import { launchChromium } from '../support/chromium.ts';
import { openCustomerPhone } from './harness.ts';
import { until as untilValue } from '../support/until.ts';

const SECRET = 'voice-ephemeral-e2e-shared-secret';
const CALLER = DEMO.uniqueContact.e164;
const AGENT = DEMO_AGENTS[0]!;
const TTL_SECONDS = 30;

let app: RunningConsole;
let tlsHop: Server;
let bridge: VoiceBridge;
let sip: SipServer;
let browser: Browser;
let page: Page;
/** SIP requests the connector sent over its WebSocket, as text. */
const sent: string[] = [];
/** The connector page's remoting calls. */
const remotingCalls: string[] = [];

interface VoiceView {
  state: { phase: string; call: { callId: string; phase: string; voiceCallId?: string } | null; status: { statusName: string } | null };
  wire: { direction: string; type: string }[];
  connectorUrl: string;
}
const voice = (): Promise<VoiceView> => page.evaluate(() => (window as unknown as { __console: { voice(): VoiceView } }).__console.voice());
const until = <T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> => untilValue(what, fn, ok, ms);

/** The RFC 2617 digest `response` a request's Authorization header should carry for `password`. */
function digestResponse(message: string, method: string, password: string): string {
  const header = /\r\nAuthorization: Digest ([^\r]+)/i.exec(message)?.[1] ?? '';
  const field = (name: string): string => new RegExp(`${name}="?([^",]+)"?`).exec(header)?.[1] ?? '';
  const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
  const ha1 = md5(`${field('username')}:${field('realm')}:${password}`);
  const ha2 = md5(`${method}:${field('uri')}`);
  const qop = field('qop');
  return qop ? md5(`${ha1}:${field('nonce')}:${field('nc')}:${field('cnonce')}:${qop}:${ha2}`) : md5(`${ha1}:${field('nonce')}:${ha2}`);
}

before(
  async () => {
    const keys = makeTelephonyKeys();
    // A short lifetime, so that the renewal (at half of it) happens within the test.
    app = await startConsole({
      dbFile: ':memory:',
      strictOrigins: true,
      surface: 'voice',
      voiceCertificate: keys.certificate,
      sipSecret: SECRET,
      credentialTtlSeconds: TTL_SECONDS,
    });
    // The bridge reaches the emulator's HTTPS API through a hop that accepts its throwaway certificate.
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
    // No agent passwords: an agent signs in only with credentials minted under the shared secret.
    sip = await startSipServer({
      domain: DEMO_SIP_DOMAIN,
      users: [],
      guests: [CALLER],
      ringGroups: { [DEMO_SUPPORT_NUMBER]: [AGENT.username] },
      ephemeralSecret: SECRET,
      voiceBridge: { url: bridge.url },
    });
    const voiceCenter = app.data.callCenters().find((c) => c.InternalName === DEMO_VOICE_CALL_CENTER.internalName)!;
    app.data.setCallCenterItem(voiceCenter.Id, 'switchboard', 'sipWebSocketUrl', sip.url);
    browser = await launchChromium(STRICT_CHROMIUM_ARGS);
    page = await browser.newPage();
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/apexremote') remotingCalls.push(r.url());
    });
    page.on('websocket', (ws) => {
      if (!ws.url().startsWith(sip.url)) return;
      ws.on('framesent', (frame) => sent.push(typeof frame.payload === 'string' ? frame.payload : frame.payload.toString('utf8')));
    });
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
  'the Voice connector in its Visualforce page signs in with minted credentials (no SHOW_LOGIN), REGISTERs as <expiry>:<extension>, and a call rings',
  { timeout: 90_000 },
  async () => {
    const ready = await until(
      'the Voice connector ready (signed in with minted credentials)',
      () => voice(),
      (v) => v.state.phase === 'ready',
    );
    assert.equal(new URL(ready.connectorUrl).pathname, DEMO_VOICE_VF_ADAPTER_URL, 'the console framed the Visualforce page');
    const frame = page.frames().find((f) => f.url().startsWith(`${app.vfOrigin}${DEMO_VOICE_VF_ADAPTER_URL}`));
    assert.ok(
      frame,
      `the connector frame is the Visualforce page: ${page
        .frames()
        .map((f) => f.url())
        .join(', ')}`,
    );
    assert.ok(ready.wire.some((w) => w.direction === 'from-connector' && w.type === 'CONNECTOR_READY'));
    assert.ok(!ready.wire.some((w) => w.type === 'SHOW_LOGIN'), `Salesforce never showed the sign-in frame: ${ready.wire.map((w) => w.type).join(' ')}`);
    assert.equal(await frame.locator('sb-sign-in-form').count(), 0, 'no sign-in form in the page');

    // The REGISTER that succeeded carried the minted digest user name and its HMAC's expiry.
    const register = sent.find((m) => m.startsWith('REGISTER ') && /\r\nAuthorization: Digest /i.test(m));
    assert.ok(register, `the connector answered the digest challenge: ${sent.map((m) => m.split('\r\n')[0]).join(' | ')}`);
    const username = /username="([^"]+)"/.exec(register)?.[1] ?? '';
    const m = /^(\d+):(\S+)$/.exec(username);
    assert.ok(m, `the digest user name is <expiry>:<extension>: ${username}`);
    assert.equal(m[2], DEMO.agent.extension, "the signed-in user's own extension");
    const expiry = Number(m[1]) * 1000;
    assert.ok(expiry > Date.now() && expiry <= Date.now() + TTL_SECONDS * 1000 + 5000, `the expiry is within the lifetime: ${new Date(expiry).toISOString()}`);
    assert.ok(remotingCalls.length >= 1, 'minted by JavaScript remoting');
    assert.match(register.split('\r\n')[0]!, new RegExp(`^REGISTER sip:${DEMO_SIP_DOMAIN.replace(/\./g, '\\.')}`));
    assert.match(register, new RegExp(`\\r\\nFrom: [^\\r]*<sip:${DEMO.agent.extension}@`), 'the address stays the extension');
    // The server accepted it: the agent is registered.
    assert.equal(sip.registrations(DEMO.agent.extension).length, 1);
    // The digest answers with the minted password, base64(HMAC-SHA1(secret, username)): the org's secret, never typed.
    assert.equal(
      digestResponse(register, 'REGISTER', createHmac('sha1', SECRET).update(username).digest('base64')),
      /response="([0-9a-f]+)"/.exec(register)?.[1],
    );

    await page.getByRole('button', { name: /Omni-Channel/ }).click();
    await page.getByRole('radio', { name: 'Available' }).click();
    await until(
      'Available confirmed by the connector',
      () => voice(),
      (v) => v.state.status?.statusName === 'Available',
    );
    const customer = await openCustomerPhone({ browser, console: app, sip }, CALLER);
    await customer.getByRole('button', { name: 'Call', exact: true }).click();
    const ringing = await until(
      "the call ringing in Salesforce's phone",
      () => voice(),
      (v) => v.state.call?.phase === 'ringing',
    );
    assert.match(ringing.state.call!.voiceCallId ?? '', /^0LQ/, 'the bridge made the VoiceCall and the INVITE carried it');
    await customer.context().close();
  },
);

it(
  "the page's Visualforce.remoting.Manager: escaped results by default, a wrong parameter count and an unknown action refused",
  { timeout: 30_000 },
  async () => {
    const frame = page.frames().find((f) => f.url().startsWith(`${app.vfOrigin}${DEMO_VOICE_VF_ADAPTER_URL}`));
    assert.ok(frame);
    type Event = { status: boolean; type: string; message: string; statusCode: number; action: string; method: string };
    type Answer = { result: unknown; event: Event };
    // A script, not a function: the test's TypeScript loader would add helpers the page does not have.
    const results = await frame.evaluate<{ escaped: Answer; raw: Answer; extra: Answer; unknown: string }>(`(async () => {
    const manager = window.Visualforce.remoting.Manager;
    function call(args, options) {
      return new Promise((resolve) => manager.invokeAction(...args, (result, event) => resolve({ result, event }), ...(options ? [options] : [])));
    }
    const escaped = await call(['SwitchboardCredentials.mintForVoice']);
    const raw = await call(['SwitchboardCredentials.mintForVoice'], { escape: false });
    const extra = await call(['SwitchboardCredentials.mintForVoice', 'unexpected'], { escape: false });
    let unknown = '';
    try {
      manager.invokeAction('SwitchboardCredentials.mint', () => {});
    } catch (e) {
      unknown = e.message;
    }
    return { escaped, raw, extra, unknown };
  })()`);
    assert.equal(results.escaped.event.status, true);
    assert.equal(results.escaped.event.type, 'rpc');
    assert.deepEqual([results.escaped.event.action, results.escaped.event.method], ['SwitchboardCredentials', 'mintForVoice']);
    assert.match(String(results.escaped.result), /^\{&quot;username&quot;:/, 'escape (the default) HTML-escapes strings');
    const minted = JSON.parse(String(results.raw.result)) as { username: string; extension: string };
    assert.equal(minted.extension, DEMO.agent.extension);
    assert.deepEqual([results.extra.event.status, results.extra.event.type], [false, 'exception']);
    assert.match(results.extra.event.message, /expected 0 parameters, got 1/);
    assert.match(results.unknown, /no remote action SwitchboardCredentials\.mint on this page/);
  },
);

it('the credentials are minted again by remoting before they expire; the live registration takes them (no new sign-in)', { timeout: 60_000 }, async () => {
  const frame = page.frames().find((f) => f.url().startsWith(`${app.vfOrigin}${DEMO_VOICE_VF_ADAPTER_URL}`));
  assert.ok(frame);
  const signedIn = (): Promise<{ extension: string; credentialExpiresAt: number } | null> =>
    frame.evaluate<{ extension: string; credentialExpiresAt: number } | null>('window.switchboard.engine.state.signedInAs ?? null');
  const before = await signedIn();
  assert.ok(before, 'signed in');
  const calls = remotingCalls.length;
  const registers = sent.filter((m) => m.startsWith('REGISTER ')).length;
  // The engine renews at half of a 30 s lifetime: well before the credential expires.
  const renewed = await until(
    'credentials renewed',
    signedIn,
    (s) => s !== null && s.credentialExpiresAt > before.credentialExpiresAt,
    (TTL_SECONDS + 10) * 1000,
  );
  assert.ok(Date.now() < before.credentialExpiresAt, `renewed before the first expired (${new Date(before.credentialExpiresAt).toISOString()})`);
  assert.equal(renewed?.extension, DEMO.agent.extension);
  assert.ok(remotingCalls.length > calls, 'the renewal went through remoting');
  // The live registration keeps going: no un-REGISTER, no new sign-in; its next refresh answers with the new credentials.
  assert.ok(!sent.slice(registers).some((m) => m.startsWith('REGISTER ') && /\r\nExpires: 0\r\n/i.test(m)), 'not unregistered');
  assert.equal(sip.registrations(DEMO.agent.extension).length, 1, 'still registered, once');
  const v = await voice();
  assert.equal(v.state.phase, 'ready');
  assert.ok(!v.wire.some((w) => w.type === 'SHOW_LOGIN'));
});
