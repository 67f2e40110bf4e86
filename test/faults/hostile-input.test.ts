/**
 * Hostile input against the whole product (console emulator + the real connector + the embedded SIP
 * server): script payloads in a caller's display name, a huge header, Open CTI messages forged by a
 * frame of another origin, malformed Call Center files and malformed console API input. Each must
 * get a clear error or be ignored: no crash, no script run, nothing lost.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { Inviter, UserAgent } from 'sip.js';
import { launchChromium } from '../support/chromium.ts';
import { agentUser, startStack, type Stack } from '../../bench/support/stack.ts';
import { openOurs, type Softphone } from '../../bench/support/pages.ts';
import { until } from '../../bench/support/measure.ts';
import { reach, SessionState, type TestPhone } from '../../src/node/sip-server/test-support/sip-phone.ts';

let stack: Stack;
let browser: Browser;
let phone: Softphone;
let forger: Server;
let forgerUrl: string;
const AGENT = agentUser(0);

/** A page of a third origin that posts whatever it is told to its parent's frame number `to`, with target '*'. */
const FORGER_HTML = `<!doctype html><meta charset="utf-8"><script>
  window.addEventListener('message', (e) => { if (e.data && e.data.forge) window.parent.frames[e.data.to].postMessage(e.data.forge, '*'); });
  window.parent.postMessage({ forgerReady: true }, '*');
</script>`;

before(async () => {
  stack = await startStack({ agents: 1 });
  browser = await launchChromium();
  forger = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(FORGER_HTML));
  await new Promise<void>((ok) => forger.listen(0, '127.0.0.1', ok));
  forgerUrl = `http://127.0.0.1:${(forger.address() as AddressInfo).port}/`;
  phone = await openOurs(browser, stack.console.consoleUrl());
  await stack.registered(AGENT);
});

after(async () => {
  await phone?.close();
  await browser?.close();
  await new Promise((ok) => forger?.close(ok));
  await stack?.close();
});

async function endCall(inviter: Inviter): Promise<void> {
  if (inviter.state === SessionState.Initial || inviter.state === SessionState.Establishing) await inviter.cancel().catch(() => undefined);
  else if (inviter.state === SessionState.Established) await inviter.bye().catch(() => undefined);
  await reach(inviter, SessionState.Terminated, 10_000);
}

describe('hostile SIP input reaching the connector', () => {
  it('shows a script payload in the display name as text and runs nothing', async () => {
    const caller = await stack.caller('2125550201');
    // No double quote: inside a SIP quoted-string it would need escaping, which is a different test (the server's).
    const payload = `<img src=x onerror=top.__pwned=1><script>top.__pwned=2</script>`;
    const before = (await phone.pops()).length;
    const inviter = new Inviter(caller.ua, UserAgent.makeURI(`sip:${AGENT}@${'switchboard.test'}`)!, { params: { fromDisplayName: payload } });
    await inviter.invite();
    try {
      await phone.waitPop(before);
      const frame = phone.frame();
      // The panel names the caller somewhere as plain text (sip.js quotes the name; no match in the org).
      await until(
        'the caller to show in the panel',
        async () => ((await frame.getByText('onerror', { exact: false }).count()) > 0 ? true : undefined),
        10_000,
        50,
      );
      assert.equal(await frame.locator('img[src="x"]').count(), 0, 'an <img> from the display name reached the DOM');
      assert.equal(await frame.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
      assert.equal(await phone.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    } finally {
      await endCall(inviter);
    }
  });

  it('takes a call whose INVITE carries a 30 KB header, and stays registered', async () => {
    const caller = await stack.caller('2125550202');
    const before = (await phone.pops()).length;
    const inviter = new Inviter(caller.ua, UserAgent.makeURI(`sip:${AGENT}@switchboard.test`)!, {
      extraHeaders: [`X-Junk: ${'a'.repeat(30_000)}`, 'X-Evil: "><svg onload=alert(1)>'],
    });
    await inviter.invite();
    try {
      await phone.waitPop(before);
    } finally {
      await endCall(inviter);
    }
    assert.ok(stack.sip!.registrations(AGENT).length > 0, 'the agent lost its registration');
  });
});

describe('Open CTI messages from other origins', () => {
  it('dials on a click-to-dial from the console, never on the same message forged by another origin', async () => {
    const legit = await stack.caller('+14155550134');
    const target = await stack.caller('+12125550203');
    await Promise.all([legit.register(), target.register()]);
    const frame = phone.frame();
    const apiVersion = await frame.evaluate(() => {
      const src = [...document.scripts].map((s) => s.src).find((s) => s.includes('/lightning/opencti_min.js')) ?? '';
      return Number(/\/support\/api\/(\d+)\.0\//.exec(src)?.[1]);
    });
    assert.ok(apiVersion > 0, 'could not read the Open CTI version the connector loaded');
    const clickToDial = (number: string): Record<string, unknown> => ({
      methodName: 'onClickToDial',
      callId: -1,
      apiVersion,
      apiType: 'opencti',
      response: { number, recordId: '003000000000001AAA', recordName: 'Forged', objectType: 'Contact' },
    });
    // A third-origin frame beside the softphone (in the console page: the softphone's CSP lets no
    // foreign frame in) posts the forged event to it.
    await phone.page.evaluate(
      (src) =>
        new Promise<void>((resolve) => {
          window.addEventListener('message', (e) => {
            if ((e.data as { forgerReady?: boolean })?.forgerReady) resolve();
          });
          const f = document.createElement('iframe');
          f.id = 'forger';
          f.src = src;
          f.style.display = 'none';
          document.body.append(f);
        }),
      forgerUrl,
    );
    await phone.page.evaluate((m) => {
      const softphone = (document.querySelector('iframe[title="Softphone"]') as HTMLIFrameElement).contentWindow;
      const to = Array.from({ length: window.length }, (_, i) => i).find((i) => window[i] === softphone);
      (document.getElementById('forger') as HTMLIFrameElement).contentWindow!.postMessage({ forge: m, to }, '*');
    }, clickToDial('2125550203'));
    // The same event from the console's own origin (the top page) dials.
    await phone.page.evaluate(
      ([m, origin]) => (document.querySelector('iframe[title="Softphone"]') as HTMLIFrameElement).contentWindow!.postMessage(m, origin as string),
      [clickToDial('4155550134'), stack.console.vfOrigin] as const,
    );
    const invitation = await legit.invitations.next('INVITE');
    await invitation.reject();
    await reach(invitation, SessionState.Terminated);
    // Showing that something does NOT happen needs a bounded look: the forged call would have come first.
    await new Promise((ok) => setTimeout(ok, 300));
    assert.equal(target.invitations.seen.length, 0, 'a forged click-to-dial from another origin placed a call');
  });
});

describe('malformed console input', () => {
  it('answers malformed Call Center files with positioned errors and keeps the org intact', async () => {
    const before = await stack.api<{ callCenters: unknown[] }>('GET', '/emulator/api/console/setup/call-centers');
    const files = [
      '',
      '<callCenter><section',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><callCenter>&e;</callCenter>',
      '<callCenter><section sortOrder="0" name="reqGeneralInfo" label="x"><item sortOrder="0" name="reqInternalName" label="x"></item></section></callCenter>',
      `<callCenter>${'<section sortOrder="0" name="s" label="x">'.repeat(2000)}</callCenter>`,
      '\u0000\uffff<callCenter/>',
    ];
    for (const text of files) {
      const r = await stack.api<{ errors?: { line: number; column: number; message: string }[] }>('POST', '/emulator/api/console/setup/call-centers/import', {
        text,
        fileName: 'hostile.xml',
      });
      assert.equal(r.status, 422, `${JSON.stringify(text.slice(0, 60))}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      assert.ok(r.body.errors && r.body.errors.length > 0);
      for (const e of r.body.errors) {
        assert.ok(Number.isInteger(e.line) && Number.isInteger(e.column), `error without a position: ${JSON.stringify(e)}`);
        assert.ok(e.message.length > 10, `unclear error: ${JSON.stringify(e)}`);
      }
    }
    const afterwards = await stack.api<{ callCenters: unknown[] }>('GET', '/emulator/api/console/setup/call-centers');
    assert.equal(afterwards.body.callCenters.length, before.body.callCenters.length);
  });

  it('answers malformed SOQL, SOSL and REST input with Salesforce-shaped errors, and leaks nothing', async () => {
    const auth = { authorization: `Bearer ${stack.console.apiToken}` };
    const rest = <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> =>
      stack.api<T>(method, `/services/data/v62.0${path}`, body, auth);
    const q = (soql: string): string => `/query?q=${encodeURIComponent(soql)}`;
    const all = await rest<{ totalSize: number }>('GET', q('SELECT Id FROM Contact'));
    assert.equal(all.status, 200, JSON.stringify(all.body));
    const cases: [string, string, unknown][] = [
      ['GET', q('SELEC Id FROM Contact'), undefined],
      ['GET', q('SELECT Id FROM'), undefined],
      ['GET', q("SELECT Id FROM Contact WHERE LastName = 'x' OR 1=1"), undefined],
      ['GET', q("SELECT Id FROM Contact WHERE LastName = 'unterminated"), undefined],
      ['GET', q(`SELECT Id FROM Contact WHERE LastName IN (${Array.from({ length: 500 }, () => "'a'").join(',')}`), undefined],
      ['GET', q('SELECT Id FROM NoSuchObject__c'), undefined],
      ['GET', `/search?q=${encodeURIComponent('FIND {ab')}`, undefined],
      ['POST', '/sobjects/Contact', { LastName: 'x', NotAField__c: 1 }],
      ['PATCH', '/sobjects/Contact/003000000000000AAA', { LastName: 'x' }],
    ];
    for (const [method, path, body] of cases) {
      const r = await rest<{ errorCode?: string; message?: string }[]>(method, path, body);
      assert.ok(r.status >= 400 && r.status < 500, `${method} ${path.slice(0, 80)}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      assert.ok(
        Array.isArray(r.body) && typeof r.body[0]?.errorCode === 'string' && (r.body[0]?.message ?? '').length > 5,
        `${method} ${path.slice(0, 80)}: ${JSON.stringify(r.body).slice(0, 200)}`,
      );
    }
    const again = await rest<{ totalSize: number }>('GET', q('SELECT Id FROM Contact'));
    assert.equal(again.body.totalSize, all.body.totalSize, 'hostile REST input changed the data');
  });

  it('refuses malformed API input with a 4xx that says what is wrong, and stays up', async () => {
    const contacts = async (): Promise<number> =>
      (await stack.api<{ records: unknown[] }>('GET', '/emulator/api/console/objects/Contact/records?limit=1000')).body.records.length;
    const count = await contacts();
    const cases: [string, string, unknown, RegExp][] = [
      ['POST', '/emulator/api/console/objects/Contact/records', { fields: { Bogus: 1 } }, /Bogus/],
      ['POST', '/emulator/api/console/objects/Contact/records', { fields: { LastName: 'x', AccountId: "'; DROP TABLE records; --" } }, /AccountId|Account/i],
      ['POST', '/emulator/api/console/objects/NoSuchObject__c/records', { fields: {} }, /NoSuchObject__c/],
      ['GET', '/emulator/api/console/search?q=a', undefined, /3 characters/],
      ['PUT', '/emulator/api/console/setup/softphone-layout', { Inbound: 5 }, /Inbound/],
      ['POST', '/emulator/api/console/setup/assign', { userId: 42 }, /userId/],
      ['GET', '/emulator/api/console/records/%27%20OR%201=1', undefined, /endpoint|record/i],
    ];
    for (const [method, path, body, says] of cases) {
      const r = await stack.api(method, path, body);
      assert.ok(r.status >= 400 && r.status < 500, `${method} ${path}: ${r.status}`);
      assert.match(JSON.stringify(r.body), says, `${method} ${path}: ${JSON.stringify(r.body)}`);
    }
    // Open CTI calls with junk arguments get a failed reply, not a crash.
    for (const args of [{ object: 'not an object' }, { object: [] }, { object: { entityApiName: 'Task', Status: 'Nonsense' } }, {}]) {
      const r = await stack.api<{ success: boolean; errors: { description: string }[] }>('POST', '/emulator/api/console/opencti/saveLog', { args });
      assert.equal(r.status, 200);
      assert.equal(r.body.success, false, JSON.stringify(r.body));
      assert.ok(r.body.errors[0]!.description.length > 10);
    }
    assert.equal(await contacts(), count, 'malformed input changed the data');
    // And the connector still pops the next caller.
    const caller: TestPhone = await stack.caller('4155550134');
    const before = (await phone.pops()).length;
    const { inviter } = caller.call(AGENT);
    try {
      await phone.waitPop(before);
    } finally {
      await endCall(inviter);
    }
  });
});
