/**
 * `npm start -- --surface voice` as a person runs it: one command brings up the console in Voice
 * mode (strict https origins), the voice bridge and the embedded SIP server, and prints URLs that
 * answer; a call the phone system announces to the bridge becomes a VoiceCall in the emulator,
 * signed with the key pair the start made (and keeps); Ctrl+C stops everything.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CERT_FILE, KEY_FILE, ensureKeyPair } from '../../src/node/voice-bridge/index.ts';
import { isVoiceCallCenter } from '../../src/node/console/web/voice/voice-config.ts';
import { DEMO } from '../../src/node/console/index.ts';
import { DEMO_VOICE_VF_ADAPTER_URL } from '../../src/node/console/server/voice-demo.ts';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { until as untilValue } from '../support/until.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * GET/POST on the emulator's Salesforce-shaped https origin: connects to 127.0.0.1 (what the
 * printed --host-resolver-rules do) and, like --ignore-certificate-errors, accepts its throwaway
 * certificate (it lives only in the started process).
 */
function strict(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: Number(u.port),
        path: `${u.pathname}${u.search}`,
        servername: u.hostname,
        headers: { host: u.host, ...headers },
        rejectUnauthorized: false,
        timeout: 5000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer within 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

interface Demo {
  readonly keys: string;
  readonly token: string;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  /** The text after `label:` on its line. */
  line(label: string): string;
  /** The first word after `label:`. */
  url(label: string): string;
  /** Ctrl+C: the exit code, or 'hung' after 5 s. */
  interrupt(): Promise<number | null | 'hung'>;
  /** Kills it if still running and removes its key folder. */
  dispose(): Promise<void>;
}

/**
 * `npm start -- --surface voice --no-build` (or the Open CTI demo) on ephemeral ports, once it has
 * printed where to go. Its key folder is a fresh one, removed by dispose().
 */
async function startDemo(options: { readonly surface?: 'voice' | 'opencti'; readonly db?: string } = {}): Promise<Demo> {
  const keys = mkdtempSync(join(tmpdir(), 'sb-start-voice-'));
  const token = randomBytes(24).toString('base64url');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      './scripts/sip-grammar/register.mjs',
      'scripts/start.ts',
      '--surface',
      options.surface ?? 'voice',
      '--no-build',
      '--db',
      options.db ?? ':memory:',
      '--port',
      '0',
      '--sip-port',
      '0',
      '--bridge-port',
      '0',
      '--voice-keys',
      keys,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SWITCHBOARD_VOICE_BRIDGE_TOKEN: token } },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const dispose = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(keys, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 20_000;
    while (!out.includes('Stop with Ctrl+C')) {
      if (child.exitCode !== null) assert.fail(`npm start exited with ${child.exitCode}:\n${out}`);
      if (Date.now() > deadline) assert.fail(`npm start printed no URLs within 20 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    await dispose();
    throw e;
  }
  const line = (label: string): string => {
    const m = new RegExp(`${label}:\\s+(.+)`).exec(out);
    assert.ok(m, `'${label}' missing from:\n${out}`);
    return m[1]!.trim();
  };
  return {
    keys,
    token,
    line,
    dispose,
    output: () => out,
    url: (label) => line(label).split(/\s/)[0]!,
    interrupt: () => {
      child.kill('SIGINT');
      return Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 5000))]);
    },
  };
}

/** The Voice and Open CTI demos share the database file: which contact center a demo agent's console gets. */
async function agentCallCenter(consoleUrl: string): Promise<string | undefined> {
  const origin = new URL(consoleUrl).origin;
  const get = (u: string, headers: Record<string, string> = {}): Promise<Answer> => (origin.startsWith('https:') ? strict(u, headers) : plain(u, headers));
  const home = await get(`${origin}/lightning/page/home?user=${encodeURIComponent(DEMO.secondAgent.username)}`);
  const cookie = String(home.headers['set-cookie'] ?? '').split(';')[0]!;
  const session = await get(`${origin}/emulator/api/console/session`, { cookie, accept: 'application/json' });
  assert.equal(session.status, 200, session.body);
  return (JSON.parse(session.body) as { callCenter: { InternalName: string } | null }).callCenter?.InternalName;
}

async function plain(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
  return { status: res.status, headers: { 'set-cookie': res.headers.getSetCookie() }, body: await res.text() };
}

test(
  'npm start -- --surface voice: console, customer phone, bridge and Telephony API answer; a bridged call is a VoiceCall; Ctrl+C stops all; Open CTI again on the same database',
  { timeout: 40_000 },
  async () => {
    const dbDir = mkdtempSync(join(tmpdir(), 'sb-start-voice-db-'));
    const db = join(dbDir, 'nested', 'console.sqlite');
    const demo = await startDemo({ db });
    const { keys, token, line, url } = demo;
    try {
      // The key pair: made once into --voice-keys, the key readable by its owner only, reused later.
      assert.equal(statSync(join(keys, KEY_FILE)).mode & 0o777, 0o600);
      const certificate = readFileSync(join(keys, CERT_FILE), 'utf8');
      assert.match(line('Bridge key, certificate'), /made now/);
      const again = ensureKeyPair(keys);
      assert.deepEqual([again.created, again.certificate], [false, certificate], 'a later start reuses the pair');
      const expired = ensureKeyPair(keys, new Date(Date.now() + 800 * 24 * 3600_000));
      assert.ok(expired.created && expired.certificate !== certificate, 'a pair whose certificate has expired is made anew');

      const consoleUrl = url('Agent console \\(Voice\\)');
      assert.match(consoleUrl, /^https:\/\/[\w-]+\.lightning\.force\.com:\d+\/lightning\/page\/home\?user=/);
      const flags = line('Chromium flags');
      assert.match(flags, /--host-resolver-rules="MAP \*\.force\.com 127\.0\.0\.1, MAP \*\.salesforce\.com 127\.0\.0\.1"/);
      assert.match(flags, /--ignore-certificate-errors/);

      for (const label of ['Agent console \\(Voice\\)', 'Customer phone']) {
        const page = await strict(url(label));
        assert.equal(page.status, 200, `${label} answers`);
        assert.match(String(page.headers['content-type']), /text\/html/);
      }
      assert.match(url('SIP server'), /^ws:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(new URL(url('Customer phone')).searchParams.get('ws'), url('SIP server'));

      // The console of a demo agent is a Voice console: the same test the console page makes.
      const home = await strict(`${new URL(consoleUrl).origin}/lightning/page/home?user=${encodeURIComponent(DEMO.secondAgent.username)}`);
      const cookie = String(home.headers['set-cookie'] ?? '').split(';')[0]!;
      assert.ok(cookie.includes('='), `the console page starts a session: ${String(home.headers['set-cookie'])}`);
      const session = await strict(`${new URL(consoleUrl).origin}/emulator/api/console/session`, { cookie, accept: 'application/json' });
      assert.equal(session.status, 200, session.body);
      const view = JSON.parse(session.body) as {
        user: { Username: string };
        callCenter: { InternalName: string; AdapterUrl: string } | null;
        settings: Record<string, string> | null;
      };
      assert.equal(view.user.Username, DEMO.secondAgent.username);
      assert.equal(view.callCenter?.InternalName, 'SwitchboardVoice');
      assert.ok(isVoiceCallCenter(view.settings), 'a Voice contact center (reqHvcc + vendor info)');
      assert.equal(
        view.settings?.['/reqHvcc/reqTelephonyIntegrationCertificate']?.trim(),
        certificate.trim(),
        "the contact center trusts the bridge's certificate",
      );
      assert.equal(view.settings?.['/switchboard/sipWebSocketUrl'], url('SIP server'), "the connector is pointed at this run's SIP server");
      // Each agent signs in with their own extension: the connector is the Visualforce page that mints.
      assert.equal(view.settings?.['/switchboard/credentialScheme'], 'ephemeral');
      assert.equal(view.callCenter?.AdapterUrl, DEMO_VOICE_VF_ADAPTER_URL);

      // The bridge: health, the token, and a call announced by the phone system becomes a VoiceCall.
      const bridge = url('Voice bridge');
      assert.equal((await fetch(`${bridge}/healthz`, { signal: AbortSignal.timeout(5000) })).status, 200);
      const vendorCallKey = `${randomUUID()}@start-voice.test`;
      const call = { vendorCallKey, from: DEMO.uniqueContact.e164, to: '5000' };
      const post = (path: string, body: unknown, auth?: string): Promise<Response> =>
        fetch(`${bridge}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(8000),
        });
      assert.equal((await post('/v1/calls', call)).status, 401, 'no token, no call');
      const created = await post('/v1/calls', call, token);
      const answer = await created.text();
      assert.equal(created.status, 200, answer);
      const { voiceCallId } = JSON.parse(answer) as { voiceCallId: string };
      assert.match(voiceCallId, /^0LQ/);

      const api = url('Telephony API \\(emulator\\)');
      assert.equal(api, `${new URL(consoleUrl).origin}/telephony/v1`);
      const query = async (soql: string): Promise<Record<string, unknown>[]> => {
        const r = await strict(`${new URL(consoleUrl).origin}/services/data/v60.0/query?q=${encodeURIComponent(soql)}`, { cookie, accept: 'application/json' });
        assert.equal(r.status, 200, r.body);
        return (JSON.parse(r.body) as { records: Record<string, unknown>[] }).records;
      };
      const [record] = await query(
        `SELECT Id, VendorCallKey, CallType, FromPhoneNumber, ToPhoneNumber, IsActiveCall, CallCenter.Name FROM VoiceCall WHERE VendorCallKey = '${vendorCallKey}'`,
      );
      assert.ok(record, 'the VoiceCall is in the emulator');
      assert.deepEqual(
        [record.Id, record.CallType, record.FromPhoneNumber, record.ToPhoneNumber, record.IsActiveCall, (record.CallCenter as { Name?: string } | null)?.Name],
        [voiceCallId, 'Inbound', DEMO.uniqueContact.e164, '5000', true, 'Switchboard Voice'],
      );
      const ended = await post(`/v1/calls/${encodeURIComponent(vendorCallKey)}/end`, { disconnectReason: 'CUSTOMER_DISCONNECT' }, token);
      assert.equal(ended.status, 200, await ended.text());
      const [closed] = await query(`SELECT IsActiveCall, CallEndDateTime, DisconnectReason FROM VoiceCall WHERE Id = '${voiceCallId}'`);
      assert.deepEqual([closed?.IsActiveCall, typeof closed?.CallEndDateTime, closed?.DisconnectReason], [false, 'string', 'CUSTOMER_DISCONNECT']);

      // Ctrl+C: the SIP server, the bridge and the console close and the process ends by itself.
      assert.equal(await demo.interrupt(), 0, `npm start ended on Ctrl+C:\n${demo.output()}`);

      // Plain `npm start` on the same database: the demo agents are back on the Open CTI call center.
      const openCti = await startDemo({ surface: 'opencti', db });
      try {
        assert.equal(await agentCallCenter(openCti.url('Agent console \\(Lightning\\)')), 'SwitchboardDemo');
      } finally {
        await openCti.dispose();
      }
    } finally {
      await demo.dispose();
      rmSync(dbDir, { recursive: true, force: true });
    }
  },
);

interface VoiceView {
  state: { phase: string; call: { callId: string; phase: string; voiceCallId?: string } | null; status: { statusName: string } | null };
}

const until = <T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> => untilValue(what, fn, ok, ms);

test(
  "as printed: Chromium with the flags, the agent console and the customer phone — a call to the support line rings in Salesforce's phone with its VoiceCall",
  { timeout: 60_000 },
  async () => {
    const demo = await startDemo();
    let browser: Browser | undefined;
    try {
      // The flags exactly as printed (a shell would drop the quotes).
      const flags = [...demo.line('Chromium flags').matchAll(/--[\w-]+(?:="[^"]*"|=\S+)?/g)].map((m) => m[0].replace(/="(.*)"$/, '=$1'));
      assert.equal(flags.length, 2, demo.line('Chromium flags'));
      browser = await launchChromium(flags);
      const page: Page = await browser.newPage();
      await page.goto(demo.url('Agent console \\(Voice\\)'), { timeout: 15_000 });
      await page.waitForFunction(() => document.body.dataset.consoleReady === 'true', undefined, { timeout: 15_000 });
      const voice = (): Promise<VoiceView> => page.evaluate(() => (window as unknown as { __console: { voice(): VoiceView } }).__console.voice());
      await until('the Voice connector ready (signed in to the SIP server)', voice, (v) => v.state.phase === 'ready');
      await page.getByRole('button', { name: /Omni-Channel/ }).click({ timeout: 5000 });
      await page.getByRole('radio', { name: 'Available' }).click({ timeout: 5000 });
      await until('Available confirmed by the connector', voice, (v) => v.state.status?.statusName === 'Available');

      const customer = await browser.newPage();
      await customer.goto(demo.url('Customer phone'), { timeout: 15_000 });
      const call = customer.getByRole('button', { name: 'Call', exact: true });
      await until(
        'the customer phone signed in',
        () => call.isEnabled({ timeout: 5000 }),
        (enabled) => enabled,
      );
      await call.click({ timeout: 5000 });
      const ringing = await until("the call ringing in Salesforce's phone", voice, (v) => v.state.call?.phase === 'ringing', 20_000);
      const { callId, voiceCallId } = ringing.state.call!;
      assert.match(voiceCallId ?? '', /^0LQ/, 'the SIP server asked the bridge, and the INVITE carried X-Salesforce-VoiceCall-Id');
      const records = await page.evaluate(
        async (soql) => {
          const r = await fetch(`/services/data/v60.0/query?q=${encodeURIComponent(soql)}`, { headers: { accept: 'application/json' } });
          return ((await r.json()) as { records: Record<string, unknown>[] }).records;
        },
        `SELECT Id, CallType, FromPhoneNumber FROM VoiceCall WHERE VendorCallKey = '${callId.replace(/'/g, '')}'`,
      );
      assert.deepEqual(
        records.map((r) => [r.Id, r.CallType]),
        [[voiceCallId, 'Inbound']],
        'one VoiceCall, keyed by the Call-ID',
      );
      assert.match(
        String(records[0]!.FromPhoneNumber),
        new RegExp(new URL(demo.url('Customer phone')).searchParams.get('user')!.replace('+', '\\+')),
        "from the customer phone's number",
      );
    } finally {
      await browser?.close().catch(() => {});
      await demo.dispose();
    }
  },
);
