// Interop with a SIP agent nobody here wrote: SIPp calls a browser agent through Kamailio with
// digest auth; rtpengine bridges SIPp's plain RTP (PCMU) to the browser's DTLS-SRTP/ICE.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, copyFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { startKamailio, type KamailioHandle } from '../support/kamailio.ts';
import { startRtpengine, type RtpengineHandle } from '../support/rtpengine.ts';
import { runSipp, writeUlawTone } from '../support/sipp.ts';
import { freePort } from '../support/ports.ts';
import { Agent } from './agents.ts';
import { DIST } from './scenarios.ts';

let browser: Browser, web: StaticServer, kamailio: KamailioHandle, rtpengine: RtpengineHandle, agent: Agent, dir: string;

before(async () => {
  rtpengine = await startRtpengine();
  [browser, web, kamailio] = await Promise.all([launchChromium(), serveStatic(DIST), startKamailio({ rtpengine: rtpengine.ngSocket })]);
  const server = { name: 'kamailio', wsUrl: kamailio.wsUrl, domain: kamailio.domain, passwordOf: () => 'secret', restart: async () => {}, stop: async () => {} };
  agent = await Agent.open(browser, web.url, server, '1002');
  dir = mkdtempSync(join(tmpdir(), 'sb-sipp-'));
  writeUlawTone(join(dir, 'tone.ulaw'), 3);
  copyFileSync(resolve(import.meta.dirname, 'uac-to-browser.xml'), join(dir, 'uac.xml'));
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
  const mark = await agent.mark();
  const [sipPort, mediaPort] = [await freePort(), await freePort()];
  const sipp = runSipp(
    [`127.0.0.1:${kamailio.sipPort}`, '-sf', 'uac.xml', '-s', '1002', '-i', '127.0.0.1', '-p', String(sipPort), '-mi', '127.0.0.1', '-mp', String(mediaPort),
      '-m', '1', '-l', '1', '-nostdin', '-timeout', '25s', '-timeout_error', '-trace_err', ...(process.env.SIPP_TRACE ? ['-trace_msg'] : [])],
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
  await agent.command('hangup', offered.callId);
  const [, reason] = await agent.waitEvent('ended', offered.callId, mark);
  assert.equal(reason, 'local-hangup');
  const result = await sipp;
  const errors = readdirSync(dir).filter((n) => n.endsWith('errors.log')).map((n) => readFileSync(join(dir, n), 'utf8')).join('\n');
  assert.equal(result.code, 0, `sipp failed:\n${errors.slice(-4000)}\n${result.output.slice(-1500)}\n--- kamailio ---\n${kamailio.log().slice(-3000)}`);
});
