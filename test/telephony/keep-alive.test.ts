// SIP keep-alive through a proxy that drops idle WebSockets (as load balancers and NATs do): an agent
// pinging every second stays connected and registered through two idle timeouts and still gets a
// call; an agent with keep-alive off, through the same kind of proxy, is dropped (the control that
// shows the proxy really drops idle connections).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { startIdleProxy, type IdleProxy } from '../support/idle-proxy.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { Agent, poll, type PhoneServer } from './agents.ts';
import { DIST } from './scenarios.ts';
import { embeddedPhoneServer } from './servers.ts';

const IDLE_MS = 3000;

describe('SIP keep-alive through a proxy that closes idle connections', { timeout: 90_000 }, () => {
  let browser: Browser;
  let web: StaticServer;
  let server: PhoneServer;
  let kept: IdleProxy, dropped: IdleProxy;
  const agents: Agent[] = [];

  before(async () => {
    [web, server] = await Promise.all([serveStatic(DIST), embeddedPhoneServer()]);
    [kept, dropped] = await Promise.all([startIdleProxy(server.wsUrl, IDLE_MS), startIdleProxy(server.wsUrl, IDLE_MS)]);
    browser = await launchChromium();
  });

  after(async () => {
    await Promise.all(agents.map((a) => a.close().catch(() => {})));
    await browser?.close();
    await Promise.all([kept?.close(), dropped?.close()]);
    await web?.close();
    await server?.stop();
  });

  it('keeps an idle agent registered and reachable; without keep-alive the proxy drops it', { timeout: 60_000 }, async () => {
    const pinging = await Agent.open(browser, web.url, { ...server, wsUrl: kept.url }, '1002', { settings: { '/switchboard/sipKeepAliveSeconds': '1' } });
    agents.push(pinging);
    const silent = await Agent.open(browser, web.url, { ...server, wsUrl: dropped.url }, '1003', { settings: { '/switchboard/sipKeepAliveSeconds': '0' } });
    agents.push(silent);
    const caller = await Agent.open(browser, web.url, server, '1001');
    agents.push(caller);
    await Promise.all([pinging, silent, caller].map((a) => a.waitEvent('registration', 'registered')));

    // Two idle timeouts go by: the silent agent's connection is dropped, reconnected, and dropped again.
    await poll(
      async () => dropped.idleCloses >= 2,
      4 * IDLE_MS + 10_000,
      `the proxy closed ${dropped.idleCloses} idle connection(s) of the agent without keep-alive`,
    );
    await silent.waitEvent('registration', 'reconnecting');

    assert.equal(kept.idleCloses, 0, 'the pinging agent was never idle long enough to be dropped');
    assert.equal(kept.connections, 1, 'the pinging agent kept its first WebSocket');
    assert.ok(kept.pings >= 4, `pings went through the proxy (${kept.pings})`);
    assert.ok(kept.pongs >= 1, `the server answered pings (${kept.pongs})`);
    const states = (await pinging.events()).filter((e) => e.event === 'registration').map((e) => (e.args[0] as { state: string }).state);
    assert.ok(!states.includes('reconnecting'), `registration states of the pinging agent: ${states.join(', ')}`);

    const since = await pinging.mark();
    const out = await caller.dial('1002');
    const { callId: inn } = await pinging.waitIncoming(since);
    await pinging.command('answer', inn);
    await Promise.all([caller.waitEvent('established', out), pinging.waitEvent('established', inn)]);
    await Promise.all([caller.waitAudio(out), pinging.waitAudio(inn)]);
    await caller.command('hangup', out);
    await Promise.all([caller.waitEvent('ended', out), pinging.waitEvent('ended', inn)]);
  });
});
