// ICE restart mid-call, in real Chromium with real WebRTC: two agents whose media may only go
// through TURN, both configured with two coturn servers on 127.0.0.1. The call starts while only
// server A runs, so every candidate pair goes through A (there is no backup path for ICE to fall
// back on by itself); then B comes up and A dies, as when the network changes. Only an ICE restart
// (new gathering, new offer/answer) finds the path through B. The call goes on with audio both
// ways, and ends once, when hung up.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { SelectedPair } from '../../src/telephony/sip/web/sip-harness.entry.ts';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { freePort } from '../support/ports.ts';
import { startTurnServer, turnIceServerAt, type TurnServer } from '../support/turn.ts';
import { Agent, poll, type PhoneServer } from './agents.ts';
import { DIST } from './scenarios.ts';
import { embeddedPhoneServer } from './servers.ts';

function selectedPair(agent: Agent, callId: string): Promise<SelectedPair | undefined> {
  return agent.page.evaluate((id) => window.harness.selectedPair(id), callId);
}

describe('ICE restart when the media path dies mid-call', { timeout: 120_000 }, () => {
  let browser: Browser;
  let web: StaticServer;
  let server: PhoneServer;
  let turnA: TurnServer;
  let turnB: TurnServer | undefined;
  let portB: number;
  const base = 40_000 + Math.floor(Math.random() * 100) * 200;
  const agents: Agent[] = [];

  before(async () => {
    [web, server, turnA, portB] = await Promise.all([serveStatic(DIST), embeddedPhoneServer(), startTurnServer({ min: base, max: base + 99 }), freePort()]);
    browser = await launchChromium();
  });

  after(async () => {
    await Promise.all(agents.map((a) => a.close().catch(() => {})));
    await browser?.close();
    await Promise.all([turnA, turnB].map((t) => t?.kill()));
    await web?.close();
    await server?.stop();
  });

  it('moves the call to the surviving TURN server and keeps audio flowing both ways', { timeout: 100_000 }, async () => {
    const config = {
      settings: { '/switchboard/sipIceServers': JSON.stringify([turnA.iceServer, turnIceServerAt(portB)]) },
      iceTransportPolicy: 'relay' as const,
      iceRestart: { disconnectedDelayMs: 500 },
    };
    const [caller, callee] = await Promise.all(['1001', '1002'].map((u) => Agent.open(browser, web.url, server, u, config)));
    agents.push(caller!, callee!);
    const a = caller!,
      b = callee!;
    await Promise.all([a, b].map((x) => x.waitEvent('registration', 'registered')));

    const since = await b.mark();
    const out = await a.dial('1002');
    const { callId: inn } = await b.waitIncoming(since);
    await b.command('answer', inn);
    await Promise.all([a.waitEvent('established', out), b.waitEvent('established', inn)]);
    await Promise.all([a.waitAudio(out), b.waitAudio(inn)]);

    const before = await selectedPair(a, out);
    assert.ok(before, 'the caller has a selected candidate pair');
    assert.equal(before.local.type, 'relay', `media goes through TURN: ${JSON.stringify(before)}`);
    const beforeB = await selectedPair(b, inn);
    assert.ok(
      turnA.relays(before.local.port) && beforeB && turnA.relays(beforeB.local.port),
      `both ends relay through A: ${JSON.stringify([before, beforeB])}`,
    );

    const [markA, markB] = [await a.mark(), await b.mark()];
    const surviving = (turnB = await startTurnServer({ min: base + 100, max: base + 199 }, portB));
    await turnA.kill();

    // The path moves: both ends' selected pairs now relay through the surviving server only.
    let after: SelectedPair | undefined, afterB: SelectedPair | undefined;
    const diagnose = async (): Promise<string> => {
      const lines = await Promise.all([a, b].map(async (x) => `${x.user}: ${JSON.stringify(await x.page.evaluate(() => window.harness.logs.slice(-15)))}`));
      return lines.join('\n');
    };
    await poll(
      async () => {
        [after, afterB] = await Promise.all([selectedPair(a, out), selectedPair(b, inn)]);
        return !!after && !!afterB && surviving.relays(after.local.port) && surviving.relays(afterB.local.port) && after.id !== before.id;
      },
      45_000,
      'no new path through the surviving TURN server',
    ).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\ncaller: ${JSON.stringify(after)}, callee: ${JSON.stringify(afterB)}\n${await diagnose()}`);
    });
    await Promise.all([a.waitAudio(out, 3000, 15_000), b.waitAudio(inn, 3000, 15_000)]);

    const logs = await a.page.evaluate(() => window.harness.logs.map((l) => l.message));
    const logsB = await b.page.evaluate(() => window.harness.logs.map((l) => l.message));
    assert.ok([...logs, ...logsB].includes('restarting ICE'), 'an ICE restart was sent');
    for (const [agent, id, mark] of [
      [a, out, markA],
      [b, inn, markB],
    ] as const) {
      const ended = (await agent.events()).slice(mark).filter((e) => e.event === 'ended' && e.args[0] === id);
      assert.equal(ended.length, 0, `${agent.user}: the call stayed up through the path change`);
    }

    await a.command('hangup', out);
    const [[, ra], [, rb]] = await Promise.all([a.waitEvent('ended', out, markA), b.waitEvent('ended', inn, markB)]);
    assert.equal(ra, 'local-hangup');
    assert.equal(rb, 'remote-hangup');
  });
});
