// A ring group rings two agents (the real SIP adapter in Chromium); one answers. The other agent's
// offer must end as `answered-elsewhere` (the server's CANCEL carries `Reason: SIP;cause=200`), not
// as a missed call: the engine logs nothing for it, so the call has one log, the answering agent's.
// On the embedded server and on Kamailio (deploy/kamailio/kamailio.cfg WITH_RINGGROUPS).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { startKamailio } from '../support/kamailio.ts';
import { startSipServer } from '../../src/node/sip-server/index.ts';
import { Agent, type PhoneServer } from './agents.ts';
import { DIST } from './scenarios.ts';

const USERS = ['1001', '1002', '1003'] as const;
const password = (u: string): string => `pw-${u}`;

async function embedded(): Promise<PhoneServer> {
  const server = await startSipServer({
    host: '127.0.0.1',
    domain: '127.0.0.1',
    users: USERS.map((username) => ({ username, password: password(username) })),
    ringGroups: { '5000': ['1001', '1002'] },
  });
  return {
    name: 'embedded',
    wsUrl: server.url,
    domain: server.domain,
    passwordOf: password,
    restart: () => Promise.reject(new Error('not used')),
    stop: () => server.close(),
  };
}

async function kamailio(): Promise<PhoneServer> {
  const k = await startKamailio({ users: USERS.map((username) => ({ username, password: password(username) })), ringGroups: { '5000': ['1001', '1002'] } });
  return { name: 'kamailio', wsUrl: k.wsUrl, domain: k.domain, passwordOf: password, restart: () => k.restart(), stop: () => k.stop() };
}

for (const [name, start] of [
  ['the embedded SIP server', embedded],
  ['Kamailio', kamailio],
] as const) {
  describe(`ring group on ${name}`, { timeout: 120_000 }, () => {
    let browser: Browser;
    let web: StaticServer;
    let server: PhoneServer;
    let agents: Agent[] = [];
    before(async () => {
      [browser, web, server] = await Promise.all([launchChromium(), serveStatic(DIST), start()]);
      agents = await Promise.all(USERS.map((u) => Agent.open(browser, web.url, server, u)));
      await Promise.all(agents.map((a) => a.waitEvent('registration', 'registered')));
    });
    after(async () => {
      await Promise.all(agents.map((a) => a.close().catch(() => {})));
      await browser?.close();
      await web?.close();
      await server?.stop();
    });

    it('the colleague who did not answer sees the offer end as answered elsewhere, not missed', async () => {
      const [first, second, caller] = agents as [Agent, Agent, Agent];
      const [m1, m2] = await Promise.all([first.mark(), second.mark()]);
      const out = await caller.dial('5000');
      const [offer1, offer2] = await Promise.all([first.waitIncoming(m1), second.waitIncoming(m2)]);
      await first.command('answer', offer1.callId);
      const [, reason, detail] = await second.waitEvent('ended', offer2.callId, m2);
      assert.equal(reason, 'answered-elsewhere', `the second agent's offer ended as ${String(reason)} (${String(detail)})`);
      assert.equal(await second.page.evaluate(() => window.harness.telephony.audio.ringing), false, 'the ringer stopped');
      await Promise.all([first.waitAudio(offer1.callId), caller.waitAudio(out)]);
      await caller.command('hangup', out);
      const [, firstReason] = await first.waitEvent('ended', offer1.callId, m1);
      assert.equal(firstReason, 'remote-hangup');
    });

    it('a caller who gives up while the group rings is a missed call for every agent rung', async () => {
      const [first, second, caller] = agents as [Agent, Agent, Agent];
      const [m1, m2] = await Promise.all([first.mark(), second.mark()]);
      const out = await caller.dial('5000');
      const [offer1, offer2] = await Promise.all([first.waitIncoming(m1), second.waitIncoming(m2)]);
      await caller.command('hangup', out);
      const [[, r1], [, r2]] = await Promise.all([first.waitEvent('ended', offer1.callId, m1), second.waitEvent('ended', offer2.callId, m2)]);
      assert.deepEqual([r1, r2], ['missed', 'missed']);
    });
  });
}
