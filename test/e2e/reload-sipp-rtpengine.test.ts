/**
 * A call survives a reload of the agent's console when the far end is no browser: SIPp, a SIP
 * phone nobody here wrote, calls the agent through Kamailio (the project's deploy/kamailio config,
 * auth_ephemeral for the agent, digest for the caller) with rtpengine bridging its plain RTP (PCMU)
 * to the browser's DTLS-SRTP/ICE. The agent answers in the real connector (the Lightning console
 * emulator), the page reloads mid-call, and the reloaded softphone takes the call back with an
 * INVITE carrying Replaces (RFC 3891): a new Call-ID, so SIPp's out-of-call scenario answers it
 * (test/e2e/sipp-reload-ooc.xml) and plays its tone on the new leg, while the original dialog
 * (test/e2e/sipp-reload-uac.xml) waits without a BYE. Proven from outside the connector:
 *   - SIPp's message log: no BYE ever reached the original dialog, the INVITE with Replaces named
 *     it, the agent's final BYE came on the new dialog and was answered 200;
 *   - audio both ways after the reload: the softphone frame's inbound-rtp bytes grow, and the
 *     kernel delivers datagrams to SIPp's media socket (/proc/net/udp: SIPp never reads it, so its
 *     receive queue and then its drop count grow), which rtpengine's own statistics for the new
 *     call confirm (the browser leg's packets relayed, towards SIPp's media address);
 *   - one Task for the whole call, on the caller's contact.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DEMO, STRICT_CHROMIUM_ARGS, startConsole, type RunningConsole } from '../../src/node/console/index.ts';
import { launchChromium } from '../support/chromium.ts';
import { PEER_CONNECTION_PROBE, audioBytesSince } from '../support/peer-audio.ts';
import { startKamailio, type KamailioHandle } from '../support/kamailio.ts';
import { startRtpengine, type RtpengineHandle } from '../support/rtpengine.ts';
import { runSipp, writeUlawTone, type SippResult } from '../support/sipp.ts';
import { freeMediaPorts, freePort } from '../support/ports.ts';
import { waitUntil, type TaskRecord } from './harness.ts';

const CALLER = DEMO.uniqueContact.e164;
const UAC = 'sipp-reload-uac.xml';
const OOC = 'sipp-reload-ooc.xml';

/** One PCMU datagram of SIPp's or the browser's 20 ms packets: 12 bytes of RTP header, 160 of audio. */
const RTP_PACKET_BYTES = 172;

/** Resolves once `read` has grown by more than `bytes` (about a quarter second of PCMU audio). */
async function audioGrows(read: () => Promise<number> | number, what: string, bytes = 4000): Promise<void> {
  const start = await Promise.resolve()
    .then(read)
    .catch(() => 0);
  await waitUntil(
    async () =>
      (await Promise.resolve()
        .then(read)
        .catch(() => 0)) -
        start >
      bytes,
    20_000,
    what,
  );
}

/**
 * What the kernel has delivered to the UDP socket on 127.0.0.1:`port` (SIPp's media socket), in
 * bytes: its receive queue (SIPp 3.6 never reads the socket unless -rtp_echo, so the queue only
 * grows) plus, once the queue is full, one RTP packet's size for each datagram dropped for lack of
 * room. Grows exactly while RTP arrives at SIPp.
 */
function farEndReceived(port: number): number {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1] !== local) continue;
    const rxQueue = parseInt(f[4]!.split(':')[1]!, 16);
    return rxQueue + Number(f[12]) * RTP_PACKET_BYTES;
  }
  throw new Error(`no UDP socket on 127.0.0.1:${port} (SIPp's media port)`);
}

describe('a call from SIPp via rtpengine survives a reload of the console, with Kamailio', { concurrency: false, timeout: 300_000 }, () => {
  let rtpengine: RtpengineHandle;
  let kamailio: KamailioHandle;
  let app: RunningConsole;
  let browser: Browser;
  let agent: Page;
  let dir: string;
  const password = `caller-${randomBytes(6).toString('hex')}`;
  const wsLog: string[] = [];

  before(
    async () => {
      const secret = randomBytes(24).toString('hex');
      rtpengine = await startRtpengine();
      kamailio = await startKamailio({ ephemeralSecret: secret, users: [{ username: CALLER, password }], rtpengine: rtpengine.ngSocket });
      app = await startConsole({ dbFile: ':memory:', sipServer: kamailio.wsUrl, sipDomain: kamailio.domain, strictOrigins: true, sipSecret: secret });
      browser = await launchChromium(STRICT_CHROMIUM_ARGS);
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      await context.addInitScript(PEER_CONNECTION_PROBE);
      agent = await context.newPage();
      // The softphone's SIP, both ways (first lines only), for failure messages.
      agent.on('websocket', (ws) => {
        const note =
          (way: string) =>
          (frame: { payload: string | Buffer }): void => {
            const text = String(frame.payload);
            if (text.trim()) wsLog.push(`${way} ${text.split('\r\n', 1)[0]} (${/^Call-ID:\s*(.*)$/im.exec(text)?.[1] ?? ''})`);
          };
        ws.on('framesent', note('agent>'));
        ws.on('framereceived', note('agent<'));
      });
      await agent.goto(app.consoleUrl(DEMO.agent.username));
      await waitUntil(async () => (await kamailio.registeredUsers()).includes(DEMO.agent.extension), 30_000, 'the agent registers with Kamailio');
      dir = mkdtempSync(join(tmpdir(), 'sb-sipp-reload-'));
      writeUlawTone(join(dir, 'tone.ulaw'), 3);
      for (const xml of [UAC, OOC]) copyFileSync(resolve(import.meta.dirname, xml), join(dir, xml));
    },
    { timeout: 90_000 },
  );
  after(
    async () => {
      await browser?.close().catch(() => {});
      await app?.close().catch(() => {});
      await kamailio?.stop().catch(() => {});
      await rtpengine?.stop().catch(() => {});
      if (dir && !process.env.SIPP_TRACE) rmSync(dir, { recursive: true, force: true });
    },
    { timeout: 30_000 },
  );

  const phone = () => agent.frameLocator('iframe[title="Softphone"]');
  const softphoneFrame = () => agent.frames().find((f) => /\/softphone\//.test(f.url()));
  const agentHeard = async (): Promise<number> => (await softphoneFrame()!.evaluate(audioBytesSince())) as number;

  test(
    'reload mid-call: SIPp never gets a BYE, audio comes back both ways, the call ends normally, one Task with the whole duration',
    { timeout: 200_000 },
    async () => {
      const earlier = new Set((app.data.list('Task', 10_000) as unknown as TaskRecord[]).map((t) => t.Id));
      const [sipPort, mediaPort] = [await freePort(), await freeMediaPorts()];
      const messageLog = join(dir, 'messages.log');
      let sippResult: SippResult | undefined;
      const stopSipp = new AbortController();
      const sipp = runSipp(
        [
          `127.0.0.1:${kamailio.sipPort}`,
          '-sf',
          UAC,
          '-oocsf',
          OOC,
          '-s',
          DEMO.agent.extension,
          '-set',
          'caller',
          CALLER,
          '-au',
          CALLER,
          '-ap',
          password,
          '-i',
          '127.0.0.1',
          '-p',
          String(sipPort),
          '-mi',
          '127.0.0.1',
          '-mp',
          String(mediaPort),
          '-m',
          '1',
          '-l',
          '1',
          '-nostdin',
          '-timeout',
          '150s',
          '-timeout_error',
          '-trace_err',
          '-trace_msg',
          '-message_file',
          messageLog,
        ],
        dir,
        170_000,
        stopSipp.signal,
      ).then((r) => (sippResult = r));
      const messages = (): SipLogEntry[] => (existsSync(messageLog) ? parseSippMessageLog(readFileSync(messageLog, 'utf8')) : []);
      const context = (): string =>
        `\n--- SIPp (${sippResult ? `exited ${sippResult.code}` : 'running'}) ---\n${sippResult?.output.slice(-1500) ?? ''}` +
        `\n--- SIPp messages ---\n${messages()
          .map((m) => `${m.direction}: ${m.startLine} (${m.header('Call-ID')})`)
          .join('\n')}` +
        `\n--- the agent's SIP ---\n${wsLog
          .filter((l) => !/NOTIFY|SUBSCRIBE|PUBLISH|OPTIONS/.test(l))
          .slice(-40)
          .join('\n')}` +
        `\n--- kamailio ---\n${kamailio
          .log()
          .split('\n')
          .filter((l) => !/presence|pua|NOTIFY|tm \[|via_builder/.test(l))
          .join('\n')
          .slice(-2500)}`;

      try {
        await phone().getByRole('button', { name: 'Answer' }).click({ timeout: 20_000 });
        await phone().getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 10_000 });
        const answeredAt = Date.now();
        await Promise.all([audioGrows(agentHeard, 'the agent hears SIPp'), audioGrows(() => farEndReceived(mediaPort), "SIPp receives the agent's audio")]);
        const original = messages().find((m) => m.direction === 'sent' && m.method === 'INVITE');
        assert.ok(original, 'SIPp logged its INVITE');
        const originalCallId = original.header('Call-ID')!;
        await new Promise((r) => setTimeout(r, 2000));

        const reloadAt = Date.now();
        await agent.reload({ timeout: 30_000 });
        // The new page has loaded: the old one, its peer connection and its audio towards SIPp are
        // gone, so whatever reaches SIPp's media socket from here on travelled the new leg (checked
        // against rtpengine's statistics of the new call below).
        const heardAt: Record<string, number> = {};
        const farEndHears = audioGrows(() => farEndReceived(mediaPort), "SIPp receives the agent's audio after the reload").then(
          () => (heardAt['far end'] = Date.now() - reloadAt),
        );
        farEndHears.catch(() => {}); // awaited below; not an unhandled rejection if the panel fails first
        await phone().getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 20_000 });
        await Promise.all([
          audioGrows(agentHeard, 'the agent hears SIPp after the reload').then(() => (heardAt['agent'] = Date.now() - reloadAt)),
          farEndHears,
        ]);
        const gap = Math.max(heardAt['agent']!, heardAt['far end']!);
        console.log(
          `# SIPp via rtpengine: audio both ways ${gap} ms after the reload (agent hears SIPp at ${heardAt['agent']} ms, SIPp receives the agent at ${heardAt['far end']} ms)`,
        );

        // The INVITE with Replaces reached SIPp and named the original dialog; SIPp accepted it.
        const replacing = messages().find((m) => m.direction === 'received' && m.method === 'INVITE' && m.header('Replaces') !== undefined);
        assert.ok(replacing, 'SIPp received the INVITE with Replaces');
        const newCallId = replacing.header('Call-ID')!;
        assert.notEqual(newCallId, originalCallId, 'the INVITE with Replaces is a new dialog');
        const replaces = replacing.header('Replaces')!;
        assert.equal(replaces.split(';')[0]!.trim(), originalCallId, `Replaces names the original dialog: ${replaces}`);
        assert.match(
          replaces,
          new RegExp(`;to-tag=${escapeRegExp(tagOf(original.header('From')!))}(;|$)`),
          `Replaces carries SIPp's tag as to-tag: ${replaces}`,
        );
        assert.ok(
          messages().some((m) => m.direction === 'sent' && m.status === 200 && m.header('Call-ID') === newCallId && / INVITE$/.test(m.header('CSeq') ?? '')),
          'SIPp answered it 200',
        );

        // rtpengine carries the new leg both ways: SIPp's tone comes in on the SIPp side, the
        // browser's audio on the other side, relayed to SIPp's media address.
        const streams = await rtpengineStreams(rtpengine.ngSocket, newCallId);
        const towardsSipp = streams.filter((s) => s.endpointPort === mediaPort);
        const towardsBrowser = streams.filter((s) => s.endpointPort !== undefined && s.endpointPort !== mediaPort && s.endpointPort !== mediaPort + 1);
        assert.ok(
          towardsSipp.some((s) => s.packets > 0),
          `rtpengine got SIPp's RTP on the new leg: ${JSON.stringify(streams)}`,
        );
        assert.ok(
          towardsBrowser.some((s) => s.packets > 0),
          `rtpengine got the browser's RTP on the new leg, for SIPp: ${JSON.stringify(streams)}`,
        );

        // Stay on the line a while: the agent still hears SIPp and nothing hangs up.
        await new Promise((r) => setTimeout(r, 3000));
        await audioGrows(agentHeard, 'the agent still hears SIPp');
        await audioGrows(() => farEndReceived(mediaPort), "SIPp still receives the agent's audio");
        assert.equal(sippResult, undefined, 'SIPp is still in the call');

        const hangupAt = Date.now();
        await phone().getByRole('button', { name: 'Hang up' }).click();
        await phone().getByRole('form', { name: 'Wrap-up' }).getByRole('button', { name: 'Save' }).click({ timeout: 10_000 });
        const result = await Promise.race([sipp, new Promise<undefined>((r) => setTimeout(r, 20_000, undefined))]);
        assert.ok(result, 'SIPp exits once the agent hung up');
        assert.equal(result.code, 0, `SIPp's calls both passed${readErrors(dir)}`);

        const log = messages();
        const byes = log.filter((m) => m.direction === 'received' && m.method === 'BYE');
        assert.deepEqual(
          byes.filter((m) => m.header('Call-ID') === originalCallId).map((m) => m.startLine),
          [],
          'no BYE ever reached the original dialog',
        );
        assert.equal(byes.filter((m) => m.header('Call-ID') === newCallId).length >= 1, true, "the agent's BYE came on the new dialog");
        assert.ok(
          log.some((m) => m.direction === 'sent' && m.status === 200 && m.header('Call-ID') === newCallId && / BYE$/.test(m.header('CSeq') ?? '')),
          'SIPp answered the BYE 200',
        );
        const invitedOn = new Set(log.filter((m) => m.direction === 'received' && m.method === 'INVITE').map((m) => m.header('Call-ID')));
        assert.deepEqual([...invitedOn], [newCallId], 'the only INVITE that reached SIPp is the one with Replaces (retransmissions aside)');

        const mine = () =>
          (app.data.list('Task', 10_000) as unknown as TaskRecord[]).filter((t) => !earlier.has(t.Id) && t.fields['WhoId'] === DEMO.uniqueContact.id);
        await waitUntil(() => mine().length > 0, 15_000, 'the Task is saved');
        await new Promise((r) => setTimeout(r, 2000));
        assert.equal(mine().length, 1, 'one Task');
        const duration = Number(mine()[0]!.fields['CallDurationInSeconds']);
        const talked = Math.floor((hangupAt - answeredAt) / 1000);
        assert.ok(duration >= talked && duration <= talked + 5, `CallDurationInSeconds ${duration} is the whole call (${talked} s)`);
      } catch (error) {
        if (error instanceof Error) error.message += context();
        throw error;
      } finally {
        if (!sippResult) {
          stopSipp.abort();
          await sipp;
        }
      }
    },
  );
});

function readErrors(dir: string): string {
  const path = join(dir, `${UAC.replace(/\.xml$/, '')}_errors.log`);
  return existsSync(path) ? `\n${readFileSync(path, 'utf8').slice(-3000)}` : '';
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function tagOf(nameAddr: string): string {
  return /;\s*tag=([^;\s>]+)/i.exec(nameAddr)?.[1] ?? '';
}

/** One SIP message of SIPp's -trace_msg log. */
interface SipLogEntry {
  readonly direction: 'sent' | 'received';
  readonly startLine: string;
  readonly method: string | undefined;
  readonly status: number | undefined;
  header(name: string): string | undefined;
}

/** SIPp's message log: entries after a line of dashes and a timestamp, "UDP message sent|received …:", a blank line, the message. */
function parseSippMessageLog(text: string): SipLogEntry[] {
  const entries: SipLogEntry[] = [];
  for (const block of text.split(/^-{20,}.*$/m)) {
    const m = /^\s*\S+ message (sent|received)[^\n]*\n+([\s\S]*)$/.exec(block);
    if (!m) continue;
    const lines = m[2]!.replace(/\r/g, '').split('\n');
    const startLine = lines[0]!.trim();
    const end = lines.indexOf('');
    const headers = lines.slice(1, end === -1 ? undefined : end);
    const status = /^SIP\/2\.0 (\d{3})/.exec(startLine)?.[1];
    entries.push({
      direction: m[1] as 'sent' | 'received',
      startLine,
      method: status ? undefined : startLine.split(' ')[0],
      status: status ? Number(status) : undefined,
      header: (name) =>
        headers
          .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
          ?.slice(name.length + 1)
          .trim(),
    });
  }
  return entries;
}

/** One media stream of an rtpengine call: where rtpengine sends it, and the packets it received on it. */
interface RtpengineStream {
  readonly endpointPort: number | undefined;
  readonly packets: number;
}

/** rtpengine's `query` (ng protocol) for `callId`: every stream of every party. */
async function rtpengineStreams(ngSocket: string, callId: string): Promise<RtpengineStream[]> {
  const reply = (await ngCommand(ngSocket, { command: 'query', 'call-id': callId })) as NgDict;
  assert.equal(reply['result'], 'ok', `rtpengine query ${callId}: ${JSON.stringify(reply)}`);
  const streams: RtpengineStream[] = [];
  for (const party of Object.values((reply['tags'] ?? {}) as Record<string, NgDict>)) {
    for (const media of (party['medias'] ?? []) as NgDict[]) {
      for (const stream of (media['streams'] ?? []) as NgDict[]) {
        const endpoint = stream['endpoint'] as NgDict | undefined;
        const stats = stream['stats'] as NgDict | undefined;
        streams.push({ endpointPort: endpoint?.['port'] as number | undefined, packets: Number(stats?.['packets'] ?? 0) });
      }
    }
  }
  return streams;
}

type NgValue = string | number | NgValue[] | NgDict;
interface NgDict {
  [key: string]: NgValue;
}

/** Sends one ng command (bencode over UDP, behind a cookie) to rtpengine and decodes its reply. */
function ngCommand(ngSocket: string, command: NgDict): Promise<NgValue> {
  const [, host, port] = /^udp:([^:]+):(\d+)$/.exec(ngSocket) ?? [];
  if (!host || !port) throw new Error(`unreadable ng socket ${ngSocket}`);
  const cookie = randomBytes(6).toString('hex');
  return new Promise((ok, fail) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      fail(new Error(`rtpengine did not answer ${String(command['command'])} within 3 s`));
    }, 3000);
    socket.on('message', (data) => {
      const text = data.toString('latin1');
      if (!text.startsWith(`${cookie} `)) return;
      clearTimeout(timer);
      socket.close();
      try {
        ok(bdecode(text, cookie.length + 1).value);
      } catch (e) {
        fail(e instanceof Error ? e : new Error(String(e)));
      }
    });
    socket.send(Buffer.from(`${cookie} ${bencode(command)}`, 'latin1'), Number(port), host);
  });
}

function bencode(value: NgValue): string {
  if (typeof value === 'number') return `i${Math.trunc(value)}e`;
  if (typeof value === 'string') return `${Buffer.byteLength(value, 'latin1')}:${value}`;
  if (Array.isArray(value)) return `l${value.map(bencode).join('')}e`;
  return `d${Object.keys(value)
    .sort()
    .map((k) => bencode(k) + bencode(value[k]!))
    .join('')}e`;
}

function bdecode(text: string, at: number): { value: NgValue; next: number } {
  const c = text[at];
  if (c === 'i') {
    const end = text.indexOf('e', at);
    return { value: Number(text.slice(at + 1, end)), next: end + 1 };
  }
  if (c === 'l' || c === 'd') {
    const items: NgValue[] = [];
    let next = at + 1;
    while (text[next] !== 'e') {
      if (next >= text.length) throw new Error('truncated bencode');
      const item = bdecode(text, next);
      items.push(item.value);
      next = item.next;
    }
    if (c === 'l') return { value: items, next: next + 1 };
    const dict: NgDict = {};
    for (let i = 0; i + 1 < items.length; i += 2) dict[String(items[i])] = items[i + 1]!;
    return { value: dict, next: next + 1 };
  }
  const colon = text.indexOf(':', at);
  const length = Number(text.slice(at, colon));
  if (colon < 0 || !Number.isInteger(length)) throw new Error(`bad bencode at ${at}`);
  return { value: text.slice(colon + 1, colon + 1 + length), next: colon + 1 + length };
}
