// Kamailio over secure WebSocket (WITH_TLS, kamailio-tls-modules), as production runs it: real
// Chromium and sip.js register over wss:// and call each other with media, hold and resume. The
// certificate is a throwaway self-signed one; Chromium trusts exactly its key (by SPKI hash) and a
// client that was not told about it is refused, so nothing here passes by ignoring TLS errors.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { startKamailio, type KamailioHandle } from '../support/kamailio.ts';
import { Agent, type PhoneServer } from './agents.ts';
import { DIST } from './scenarios.ts';

const PASSWORD = 'secret';

describe('SIP adapter against Kamailio over wss', { timeout: 150_000 }, () => {
  let kamailio: KamailioHandle;
  let browser: Browser;
  let web: StaticServer;
  let phone: PhoneServer;
  const agents: Agent[] = [];

  before(async () => {
    // One after the other: if Kamailio cannot start, `after` still closes the web server.
    web = await serveStatic(DIST);
    kamailio = await startKamailio({ password: PASSWORD, tls: true });
    const wssUrl = kamailio.wssUrl;
    if (!wssUrl) throw new Error('startKamailio({ tls: true }) gave no wss URL');
    phone = {
      name: 'kamailio-wss',
      wsUrl: wssUrl,
      domain: kamailio.domain,
      passwordOf: () => PASSWORD,
      chromiumArgs: kamailio.chromiumArgs,
      restart: () => kamailio.restart(),
      stop: () => kamailio.stop(),
    };
    browser = await launchChromium(phone.chromiumArgs);
  });

  after(async () => {
    await Promise.all(agents.map((a) => a.close().catch(() => {})));
    await browser?.close();
    await web?.close();
    await kamailio?.stop();
  });

  it('serves wss with its own certificate: a client that does not trust it is refused', async () => {
    assert.match(phone.wsUrl, /^wss:\/\/127\.0\.0\.1:\d+$/);
    const error = await new Promise<Error | undefined>((done) => {
      const ws = new WebSocket(phone.wsUrl, 'sip');
      ws.once('open', () => {
        ws.close();
        done(undefined);
      });
      ws.once('error', done);
    });
    assert.ok(error, 'a client with the system trust store must not accept the throwaway certificate');
    assert.match(String(error), /self[- ]signed|certificate/i);
  });

  it('registers two agents over wss; they call, hear each other, hold, resume and hang up', { timeout: 90_000 }, async () => {
    const [a, b] = await Promise.all(['1001', '1002'].map((u) => Agent.open(browser, web.url, phone, u)));
    agents.push(a!, b!);
    const caller = a!,
      callee = b!;
    await Promise.all([caller.waitEvent('registration', 'registered'), callee.waitEvent('registration', 'registered')]);
    assert.deepEqual((await kamailio.registeredUsers()).sort(), ['1001', '1002']);
    // Both bindings arrived over TLS: Kamailio keeps the socket each contact came in on.
    const sockets = [...(await kamailio.kamcmd('ul.dump')).matchAll(/Socket:\s*(\S+)/g)].map((m) => m[1]);
    assert.deepEqual(
      sockets,
      [`tls:127.0.0.1:${new URL(phone.wsUrl).port}`, `tls:127.0.0.1:${new URL(phone.wsUrl).port}`],
      'contacts bound to the wss listener',
    );

    const since = await callee.mark();
    const out = await caller.dial('1002');
    const { callId: inn } = await callee.waitIncoming(since);
    await callee.command('answer', inn);
    await Promise.all([caller.waitEvent('established', out), callee.waitEvent('established', inn)]);
    await Promise.all([caller.waitAudio(out), callee.waitAudio(inn)]);

    const held = await caller.mark();
    await caller.command('hold', out);
    await caller.waitEvent('held', out, held);
    await caller.command('resume', out);
    await Promise.all([caller.waitAudio(out), callee.waitAudio(inn)]);

    await caller.command('hangup', out);
    const [[, why]] = await Promise.all([callee.waitEvent('ended', inn), caller.waitEvent('ended', out)]);
    assert.equal(why, 'remote-hangup');
  });
});
