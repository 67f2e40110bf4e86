// Interop with a SIP agent nobody here wrote: SIPp calls a browser agent through Kamailio with
// digest auth; rtpengine bridges SIPp's plain RTP (PCMU) to the browser's DTLS-SRTP/ICE. Either
// side hangs up, and the call ends cleanly on both: each BYE is answered 200, which the test reads
// on the browser's WebSocket (Chromium's DevTools protocol) and SIPp's exit status confirms.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, copyFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { startKamailio, type KamailioHandle } from '../support/kamailio.ts';
import { startRtpengine, type RtpengineHandle } from '../support/rtpengine.ts';
import { runSipp, writeUlawTone, type SippResult } from '../support/sipp.ts';
import { freeMediaPorts, freePort } from '../support/ports.ts';
import { Agent, poll } from './agents.ts';
import { DIST } from './scenarios.ts';

let browser: Browser, web: StaticServer, kamailio: KamailioHandle, rtpengine: RtpengineHandle, agent: Agent, dir: string, wire: SipWire;

before(async () => {
  rtpengine = await startRtpengine();
  [browser, web, kamailio] = await Promise.all([launchChromium(), serveStatic(DIST), startKamailio({ rtpengine: rtpengine.ngSocket })]);
  const server = {
    name: 'kamailio',
    wsUrl: kamailio.wsUrl,
    domain: kamailio.domain,
    passwordOf: () => 'secret',
    restart: async () => {},
    stop: async () => {},
  };
  agent = await Agent.open(browser, web.url, server, '1002');
  wire = await tapSip(agent.page);
  dir = mkdtempSync(join(tmpdir(), 'sb-sipp-'));
  writeUlawTone(join(dir, 'tone.ulaw'), 3);
  for (const xml of ['uac-to-browser.xml', 'uac-hangs-up.xml']) copyFileSync(resolve(import.meta.dirname, xml), join(dir, xml));
});

after(async () => {
  await agent?.close();
  await browser?.close();
  await web?.close();
  await kamailio?.stop();
  await rtpengine?.stop();
  if (dir && !process.env.SIPP_TRACE) rmSync(dir, { recursive: true, force: true });
});

test('SIPp calls the browser agent through Kamailio; its RTP reaches the browser via rtpengine; the agent hangs up', async () => {
  const { sipp, callId, mark } = await sippCallsAgent('uac-to-browser.xml');
  await agent.command('hangup', callId);
  const [, reason] = await agent.waitEvent('ended', callId, mark);
  assert.equal(reason, 'local-hangup');
  await wire.waitFor('received', (m) => isResponse(m, 200, callId, 'BYE'), "the 200 OK to the agent's BYE");
  assertSippPassed(await sipp);
});

test('SIPp hangs up: the agent answers its BYE with 200 and the call ends as remote-hangup', async () => {
  const { sipp, callId, mark } = await sippCallsAgent('uac-hangs-up.xml');
  // The agent presses 9 (SIP INFO): SIPp's cue to hang up, now that the test has heard it.
  await agent.page.evaluate((id) => window.harness.telephony.sendDtmfInfo(id, '9'), callId);
  const [, reason] = await agent.waitEvent('ended', callId, mark);
  assert.equal(reason, 'remote-hangup');
  await wire.waitFor('sent', (m) => isResponse(m, 200, callId, 'BYE'), "the agent's 200 OK to SIPp's BYE");
  // SIPp exits 0 only once that 200 reached it through Kamailio.
  assertSippPassed(await sipp);
});

/** SIPp runs `scenario` (a call to 1002); the agent answers and hears its tone. */
async function sippCallsAgent(scenario: string): Promise<{ sipp: Promise<SippResult>; callId: string; mark: number }> {
  const mark = await agent.mark();
  const [sipPort, mediaPort] = [await freePort(), await freeMediaPorts()];
  const sipp = runSipp(
    [
      `127.0.0.1:${kamailio.sipPort}`,
      '-sf',
      scenario,
      '-s',
      '1002',
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
      '25s',
      '-timeout_error',
      '-trace_err',
      ...(process.env.SIPP_TRACE ? ['-trace_msg'] : []),
    ],
    dir,
  );
  const offered = await agent.waitIncoming(mark);
  assert.equal(offered.remote.number, 'sipp');
  assert.equal(offered.remote.displayName, 'SIPp Caller');
  assert.deepEqual(offered.attachedData, { caseNumber: '00009999' });
  assert.equal(offered.internal, false);
  await agent.command('answer', offered.callId);
  await agent.waitEvent('established', offered.callId, mark);
  await agent.waitAudio(offered.callId, 4000);
  await agent.waitSound(offered.callId);
  return { sipp, callId: offered.callId, mark };
}

function assertSippPassed(result: SippResult): void {
  const errors = readdirSync(dir)
    .filter((n) => n.endsWith('errors.log'))
    .map((n) => readFileSync(join(dir, n), 'utf8'))
    .join('\n');
  assert.equal(result.code, 0, `sipp failed:\n${errors.slice(-4000)}\n${result.output.slice(-1500)}\n--- kamailio ---\n${kamailio.log().slice(-3000)}`);
}

/** The SIP messages on the page's WebSockets, both ways, as Chromium's DevTools protocol sees them. */
interface SipWire {
  readonly sent: string[];
  readonly received: string[];
  waitFor(direction: 'sent' | 'received', match: (message: string) => boolean, what: string, timeout?: number): Promise<void>;
}

async function tapSip(page: Page): Promise<SipWire> {
  const cdp = await page.context().newCDPSession(page);
  const wire: SipWire = {
    sent: [],
    received: [],
    waitFor: (direction, match, what, timeout = 5000) =>
      poll(
        async () => wire[direction].some(match),
        timeout,
        `${what} never went over the agent's WebSocket (${direction}: ${wire[direction].map((m) => m.split('\r\n')[0]).join(' | ')})`,
      ),
  };
  cdp.on('Network.webSocketFrameSent', (e) => wire.sent.push(e.response.payloadData));
  cdp.on('Network.webSocketFrameReceived', (e) => wire.received.push(e.response.payloadData));
  await cdp.send('Network.enable');
  return wire;
}

/** A SIP response `status` to `method` in the dialog with SIP Call-ID `callId`. */
function isResponse(message: string, status: number, callId: string, method: string): boolean {
  const lines = message.split('\r\n');
  const header = (name: string): string | undefined =>
    lines
      .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
      ?.slice(name.length + 1)
      .trim();
  return lines[0]?.startsWith(`SIP/2.0 ${status} `) === true && header('Call-ID') === callId && (header('CSeq') ?? '').endsWith(` ${method}`);
}
