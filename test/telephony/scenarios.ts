/**
 * The telephony scenario suite, run once per phone system (sip-embedded.test.ts,
 * sip-kamailio.test.ts): real Chromium, real sip.js, real WebRTC media on loopback. One browser is
 * shared; each agent has its own context. Agents 1001 (plays the customer), 1002 (the agent),
 * 1003 (a colleague), 1004 (a second caller) stay registered for the whole suite; every scenario
 * leaves no call behind.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { Agent, poll, type PhoneServer } from './agents.ts';

export const DIST = resolve(import.meta.dirname, '../../dist');

export function telephonySuite(name: string, startServer: () => Promise<PhoneServer>): void {
  describe(`SIP adapter against ${name}`, { timeout: 240_000 }, () => {
    let browser: Browser;
    let web: StaticServer;
    let server: PhoneServer;
    let a: Agent, b: Agent, c: Agent, d: Agent;

    before(async () => {
      [web, server] = await Promise.all([serveStatic(DIST), startServer()]);
      browser = await launchChromium(server.chromiumArgs ?? []);
      [a, b, c, d] = await Promise.all(['1001', '1002', '1003', '1004'].map((u) => Agent.open(browser, web.url, server, u)));
    });

    after(async () => {
      await Promise.all([a, b, c, d].map((x) => x?.close().catch(() => {})));
      await browser?.close();
      await web?.close();
      await server?.stop();
    });

    /** A calls B and B answers; returns both call ids once media flows both ways. */
    async function connect(from: Agent, to: Agent, attached?: Record<string, string>): Promise<{ out: string; inn: string }> {
      const since = await to.mark();
      const out = await from.dial(to.user, attached);
      const { callId: inn } = await to.waitIncoming(since);
      await to.command('answer', inn);
      await Promise.all([from.waitEvent('established', out), to.waitEvent('established', inn)]);
      await Promise.all([from.waitAudio(out), to.waitAudio(inn)]);
      return { out, inn };
    }

    async function hangupBoth(x: Agent, xId: string, y: Agent, yId: string): Promise<void> {
      await x.command('hangup', xId);
      const [[, xr], [, yr]] = await Promise.all([x.waitEvent('ended', xId), y.waitEvent('ended', yId)]);
      assert.equal(xr, 'local-hangup');
      assert.equal(yr, 'remote-hangup');
    }

    it('registers every agent with digest auth', async () => {
      for (const agent of [a, b, c, d]) {
        const [state] = await agent.waitEvent('registration', 'registered');
        assert.equal((state as { state: string }).state, 'registered');
      }
    });

    it('inbound call: caller id, attached data, internal flag, audio both ways, hang up', async () => {
      const since = await b.mark();
      const out = await a.dial('1002', { caseNumber: '00001042', accountNumber: 'A-77' });
      const offered = await b.waitIncoming(since);
      assert.equal(offered.remote.number, '1001');
      assert.equal(offered.remote.displayName, 'Agent 1001');
      assert.deepEqual(offered.attachedData, { caseNumber: '00001042', accountNumber: 'A-77' });
      assert.equal(offered.internal, true);
      await a.waitEvent('progress', out);
      await b.command('answer', offered.callId);
      await Promise.all([a.waitEvent('established', out), b.waitEvent('established', offered.callId)]);
      await Promise.all([a.waitAudio(out), b.waitAudio(offered.callId)]);
      // Quality is sampled every second in the harness.
      const [, quality] = await b.waitEvent('quality', offered.callId);
      const q = quality as { mos: number; packetLossPercent: number };
      assert.ok(q.mos >= 4, `MOS on loopback ${q.mos}`);
      await hangupBoth(a, out, b, offered.callId);
    });

    it('decline ends the call on both sides; a call the delegate refuses never rings', async () => {
      let since = await b.mark();
      const out = await a.dial('1002');
      const { callId } = await b.waitIncoming(since);
      await b.command('decline', callId);
      const [[, ar], [, br]] = await Promise.all([a.waitEvent('ended', out), b.waitEvent('ended', callId)]);
      assert.equal(br, 'declined');
      assert.equal(ar, 'rejected');

      await b.page.evaluate(() => (window.harness.acceptIncoming = false));
      since = await b.mark();
      const refused = await a.dial('1002');
      const [, reason, detail] = await a.waitEvent('ended', refused);
      assert.equal(reason, 'busy', `detail ${String(detail)}`);
      assert.equal((await b.events()).slice(since).filter((e) => e.event === 'incoming').length, 0);
      await b.page.evaluate(() => (window.harness.acceptIncoming = true));
    });

    it('missed call: the caller gives up while it rings', async () => {
      const since = await b.mark();
      const out = await a.dial('1002');
      const { callId } = await b.waitIncoming(since);
      assert.equal(await b.page.evaluate(() => window.harness.telephony.audio.ringing), true);
      await a.command('hangup', out);
      const [[, ar], [, br]] = await Promise.all([a.waitEvent('ended', out), b.waitEvent('ended', callId)]);
      assert.equal(br, 'missed');
      assert.equal(ar, 'local-hangup');
      assert.equal(await b.page.evaluate(() => window.harness.telephony.audio.ringing), false);
    });

    it('outbound call from the agent: ringing progress, answer, audio', async () => {
      const since = await a.mark();
      const out = await b.dial('1001');
      const [, kind] = await b.waitEvent('progress', out);
      assert.equal(kind, 'ringing');
      const { callId } = await a.waitIncoming(since);
      await a.command('answer', callId);
      await Promise.all([b.waitAudio(out), a.waitAudio(callId)]);
      await hangupBoth(b, out, a, callId);
    });

    it('hold stops inbound audio; resume brings it back', async () => {
      const { out, inn } = await connect(a, b);
      await b.command('hold', inn);
      await b.waitEvent('held', inn);
      await b.waitNoAudio(inn);
      await b.command('resume', inn);
      await b.waitAudio(inn);
      await a.waitAudio(out);
      await hangupBoth(a, out, b, inn);
    });

    it('mute silences the microphone towards the far end', async () => {
      const { out, inn } = await connect(a, b);
      await a.waitSound(out);
      await b.page.evaluate((id) => window.harness.telephony.setMuted(id, true), inn);
      await a.waitSilence(out);
      await b.page.evaluate((id) => window.harness.telephony.setMuted(id, false), inn);
      await a.waitSound(out);
      await hangupBoth(a, out, b, inn);
    });

    it('DTMF: SIP INFO reaches the far side; RFC 4733 tones are played by the DTMF sender', async () => {
      const { out, inn } = await connect(a, b);
      const since = await b.mark();
      await a.page.evaluate((id) => window.harness.telephony.sendDtmfInfo(id, '5#'), out);
      await b.waitEvent('dtmfReceived', inn, since);
      const digits = (await b.events())
        .slice(since)
        .filter((e) => e.event === 'dtmfReceived')
        .map((e) => e.args[1]);
      await poll(async () => (await b.events()).slice(since).filter((e) => e.event === 'dtmfReceived').length >= 2, 5000, 'second INFO digit');
      const all = (await b.events())
        .slice(since)
        .filter((e) => e.event === 'dtmfReceived')
        .map((e) => e.args[1])
        .join('');
      assert.equal(all, '5#', `got ${digits.join('')}`);

      await b.page.evaluate((id) => window.harness.watchTones(id), inn);
      await b.page.evaluate((id) => window.harness.telephony.sendDtmf(id, '123#'), inn);
      await poll(async () => (await b.page.evaluate((id) => window.harness.tones[id], inn)) === '123#', 5000, 'RFC 4733 tones 123#');
      await hangupBoth(a, out, b, inn);
    });

    it('blind transfer: the caller ends up talking to the colleague; the agent leg ends transferred', async () => {
      const { out, inn } = await connect(a, b);
      const sinceC = await c.mark();
      const sinceB = await b.mark();
      await b.page.evaluate((id) => window.harness.telephony.blindTransfer(id, '1003'), inn);
      const { callId: atC } = await c.waitIncoming(sinceC);
      await c.command('answer', atC);
      const [, endReason] = await b.waitEvent('ended', inn, sinceB);
      assert.equal(endReason, 'transferred');
      const progress = (await b.events())
        .slice(sinceB)
        .filter((e) => e.event === 'transfer')
        .map((e) => e.args[1]);
      assert.deepEqual([progress[0], progress.at(-1)], ['trying', 'succeeded']);
      await Promise.all([a.waitAudio(out), c.waitAudio(atC)]);
      assert.equal((await a.events()).filter((e) => e.event === 'ended' && e.args[0] === out).length, 0, "the caller's call must continue");
      await hangupBoth(a, out, c, atC);
    });

    it('consultative transfer: consult, then join caller and colleague (REFER with Replaces)', async () => {
      const { out, inn } = await connect(a, b);
      const sinceC = await c.mark();
      const sinceB = await b.mark();
      const consult = await b.page.evaluate((id) => window.harness.telephony.consult(id, '1003'), inn);
      await b.waitEvent('held', inn, sinceB);
      const { callId: atC } = await c.waitIncoming(sinceC);
      await c.command('answer', atC);
      await Promise.all([b.waitAudio(consult.callId), c.waitAudio(atC)]);
      await b.page.evaluate(({ inn, cid }) => window.harness.telephony.completeTransfer(inn, cid), { inn, cid: consult.callId });
      const [[, r1], [, r2]] = await Promise.all([b.waitEvent('ended', inn, sinceB), b.waitEvent('ended', consult.callId, sinceB)]);
      assert.equal(r1, 'transferred');
      assert.equal(r2, 'transferred');
      // A and C keep their call ids; their calls now connect them to each other.
      await Promise.all([a.waitAudio(out), c.waitAudio(atC)]);
      const cEnded = (await c.events()).slice(sinceC).filter((e) => e.event === 'ended');
      assert.equal(cEnded.length, 0, `colleague's call must continue, got ${JSON.stringify(cEnded)}`);
      await hangupBoth(a, out, c, atC);
    });

    it('three-way conference: every party hears the other two', async () => {
      const { out, inn } = await connect(a, b);
      const sinceC = await c.mark();
      const consult = await b.page.evaluate((id) => window.harness.telephony.consult(id, '1003'), inn);
      const { callId: atC } = await c.waitIncoming(sinceC);
      await c.command('answer', atC);
      await c.waitAudio(atC);
      await b.page.evaluate(({ ids }) => window.harness.telephony.conference(ids), { ids: [inn, consult.callId] });
      await Promise.all([a.waitSound(out), c.waitSound(atC), b.waitSound(inn), b.waitSound(consult.callId)]);
      // With the bridge (B) muted on both legs, A still hears C and C hears A through B's mix.
      await b.page.evaluate(({ ids }) => Promise.all(ids.map((id) => window.harness.telephony.setMuted(id, true))), { ids: [inn, consult.callId] });
      // And with A muted too, C must hear nothing: proves the sound C got came from A.
      await Promise.all([a.waitSound(out), c.waitSound(atC)]);
      await a.page.evaluate((id) => window.harness.telephony.setMuted(id, true), out);
      await c.waitSilence(atC);
      await a.page.evaluate((id) => window.harness.telephony.setMuted(id, false), out);
      await c.waitSound(atC);
      await b.command('hangup', inn);
      await b.command('hangup', consult.callId);
      await Promise.all([a.waitEvent('ended', out), c.waitEvent('ended', atC)]);
    });

    it('call waiting: a second call rings during a call; answering it holds the first', async () => {
      const { out, inn } = await connect(a, b);
      const since = await b.mark();
      const second = await d.dial('1002');
      const { callId: waiting } = await b.waitIncoming(since);
      await b.command('answer', waiting);
      await b.waitEvent('held', inn, since);
      await Promise.all([b.waitAudio(waiting), d.waitAudio(second)]);
      await hangupBoth(d, second, b, waiting);
      await b.command('resume', inn);
      await b.waitAudio(inn);
      await hangupBoth(a, out, b, inn);
    });

    it('a wrong password fails registration with SB20001, without retrying', async () => {
      const page = await (await browser.newContext()).newPage();
      try {
        await page.goto(`${web.url}/telephony/sip/web/index.html`);
        await page.waitForFunction(() => 'harness' in window);
        const error = await page.evaluate(
          (c) =>
            window.harness.start(c).then(
              () => 'registered?!',
              (e: { code?: string; message: string }) => `${e.code}: ${e.message}`,
            ),
          { wsUrl: server.wsUrl, domain: server.domain, username: '1005', password: 'wrong' },
        );
        assert.match(error, /^SB20001: /);
        const states = await page.evaluate(() =>
          window.harness.events.filter((e) => e.event === 'registration').map((e) => (e.args[0] as { state: string }).state),
        );
        assert.deepEqual(states, ['connecting', 'failed']);
      } finally {
        await page.context().close();
      }
    });

    it('busy lamp: a watcher sees a colleague ring, talk and hang up; presence is published', async () => {
      const since = await b.mark();
      await b.page.evaluate(() => window.harness.telephony.watchLines(['1003']));
      await b.page.evaluate(() => window.harness.telephony.publishPresence('available'));
      const presenceOf = server.presenceOf?.bind(server);
      if (presenceOf) await poll(async () => presenceOf('1002') === 'open', 5000, 'the server holds 1002 as open');
      await b.waitEvent('lineState', '1003', since);
      const lampShows = (state: string, from: number) =>
        poll(
          async () => (await b.events()).slice(from).some((e) => e.event === 'lineState' && e.args[0] === '1003' && e.args[1] === state),
          5000,
          `busy lamp shows 1003 ${state}`,
        );
      const sinceC = await c.mark();
      const out = await a.dial('1003');
      const { callId: inn } = await c.waitIncoming(sinceC);
      await lampShows('ringing', since);
      const ringingAt = (await b.events()).length;
      await c.command('answer', inn);
      await Promise.all([a.waitEvent('established', out), c.waitEvent('established', inn)]);
      await lampShows('busy', ringingAt);
      const busyAt = (await b.events()).length;
      await hangupBoth(a, out, c, inn);
      await poll(
        async () => (await b.events()).slice(busyAt).some((e) => e.event === 'lineState' && e.args[1] === 'idle'),
        5000,
        'busy lamp shows 1003 idle again',
      );
      await b.page.evaluate(() => window.harness.telephony.watchLines([]));
    });

    it('audio: devices listed and chosen, input level meter, ringer, test tone', async () => {
      const result = await b.page.evaluate(async () => {
        const audio = window.harness.telephony.audio;
        const devices = await audio.listDevices();
        const mic = devices.find((d) => d.kind === 'audioinput');
        const out = devices.find((d) => d.kind === 'audiooutput');
        if (mic) await audio.setMicrophone(mic.deviceId);
        if (out) {
          await audio.setSpeaker(out.deviceId);
          await audio.setRinger(out.deviceId);
        }
        const levels: number[] = [];
        const stop = audio.onInputLevel((l) => levels.push(l));
        const t0 = performance.now();
        while (performance.now() - t0 < 5000 && !levels.some((l) => l > 0.05)) await new Promise((r) => setTimeout(r, 50));
        stop();
        audio.startRinging();
        const ringing = audio.ringing;
        audio.stopRinging();
        await audio.playTestTone(200);
        // Hot-plug: the adapter re-lists devices on devicechange and reports them.
        const before = window.harness.events.length;
        navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
        const t1 = performance.now();
        while (performance.now() - t1 < 3000 && !window.harness.events.slice(before).some((e) => e.event === 'devices'))
          await new Promise((r) => setTimeout(r, 25));
        const reported = window.harness.events.slice(before).find((e) => e.event === 'devices')?.args[0] as { kind: string }[] | undefined;
        return {
          kinds: devices.map((d) => d.kind),
          reported: reported?.length ?? -1,
          selection: audio.selection,
          maxLevel: Math.max(...levels),
          ringing,
          stillRinging: audio.ringing,
        };
      });
      assert.ok(result.kinds.includes('audioinput'), `devices: ${result.kinds.join(', ')}`);
      assert.equal(result.reported, result.kinds.length, 'devicechange reported the device list');
      assert.ok(result.maxLevel > 0.05, `the meter never moved (max ${result.maxLevel})`);
      assert.equal(result.ringing, true);
      assert.equal(result.stillRinging, false);
      assert.ok(result.selection.microphone, 'microphone choice remembered');
      // Calls still work with the chosen devices.
      const { out, inn } = await connect(a, b);
      await hangupBoth(a, out, b, inn);
    });

    it('the browser coming back online re-registers at once instead of waiting out the backoff', async () => {
      const page = await (await browser.newContext()).newPage();
      try {
        await page.goto(`${web.url}/telephony/sip/web/index.html`);
        await page.waitForFunction(() => 'harness' in window);
        await page.evaluate((c) => window.harness.start(c), {
          wsUrl: server.wsUrl,
          domain: server.domain,
          username: '1005',
          password: server.passwordOf('1005'),
          backoff: { initialMs: 60_000, maxMs: 60_000, factor: 2, jitter: 0 },
        });
        const mark = await page.evaluate(() => window.harness.events.length);
        await server.restart();
        await page.waitForFunction(
          (m) => window.harness.events.slice(m).some((e) => e.event === 'registration' && (e.args[0] as { state: string }).state === 'reconnecting'),
          mark,
          { timeout: 5000, polling: 25 },
        );
        const next = await page.evaluate(
          () => window.harness.events.filter((e) => e.event === 'registration').at(-1)!.args[0] as { nextAttemptAt: number; attempt: number },
        );
        assert.equal(next.attempt, 1);
        assert.ok(next.nextAttemptAt - Date.now() > 50_000, 'backoff scheduled a minute away');
        const t0 = Date.now();
        await page.evaluate(() => window.dispatchEvent(new Event('online')));
        await page.waitForFunction(
          (m) => window.harness.events.slice(m).some((e) => e.event === 'registration' && (e.args[0] as { state: string }).state === 'registered'),
          mark,
          { timeout: 5000, polling: 25 },
        );
        assert.ok(Date.now() - t0 < 5000);
        // The suite's agents went through the restart too; wait until they are back.
        await Promise.all(
          [a, b, c, d].map(async (x) => {
            const evs = await x.events();
            const last = evs.filter((e) => e.event === 'registration').at(-1)?.args[0] as { state: string } | undefined;
            if (last?.state !== 'registered') await x.waitEvent('registration', 'registered', evs.length, 5000);
          }),
        );
      } finally {
        await page.evaluate(() => window.harness.tel?.dispose()).catch(() => {});
        await page.context().close();
      }
    });

    it('server restarted while idle: agents are registered again within 5 s', async () => {
      const marks = await Promise.all([a, b].map((x) => x.mark()));
      const t0 = Date.now();
      await server.restart();
      await Promise.all(
        [a, b].map(async (x, i) => {
          await x.waitEvent('registration', 'reconnecting', marks[i]);
          await x.waitEvent('registration', 'registered', marks[i], 5000);
        }),
      );
      assert.ok(Date.now() - t0 < 5000);
      // And calls work again.
      const { out, inn } = await connect(a, b);
      await hangupBoth(a, out, b, inn);
    });

    it('server restarted during a call: media keeps flowing and the call stays up', async () => {
      const { out, inn } = await connect(a, b);
      const marks = await Promise.all([a, b].map((x) => x.mark()));
      await server.restart();
      await Promise.all([a, b].map((x, i) => x.waitEvent('registration', 'registered', marks[i], 5000)));
      await Promise.all([a.waitAudio(out), b.waitAudio(inn)]);
      for (const [x, id] of [
        [a, out],
        [b, inn],
      ] as const) {
        assert.equal((await x.events()).filter((e) => e.event === 'ended' && e.args[0] === id).length, 0);
      }
      // The server lost the dialog's route; each side hangs up its own end.
      await a.command('hangup', out);
      await a.waitEvent('ended', out);
      const bEnded = (await b.events()).some((e) => e.event === 'ended' && e.args[0] === inn);
      if (!bEnded) await b.command('hangup', inn).catch(() => {});
      await b.waitEvent('ended', inn);
    });
  });
}
