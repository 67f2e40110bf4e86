/**
 * The console emulator's session and request checks, and its SwitchboardCredentials.mint, from an
 * HTTP client's side: what a forged request meets (no session, a foreign Origin, a rebound Host, a
 * text/plain body) and what the emulator's own pages and API clients get.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { startConsole, DEMO, type RunningConsole } from '../../src/node/console/index.ts';

const SECRET = 'emulator-session-test-secret';
let app: RunningConsole;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

function send(method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = { ...(options.headers ?? {}), ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}) };
    const req = request({ host: '127.0.0.1', port: app.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.end(options.body);
  });
}

const json = (body: unknown, extra: Record<string, string> = {}) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...extra } });
const bearer = () => ({ authorization: `Bearer ${app.apiToken}` });
const contactCount = async (): Promise<number> =>
  ((await send('GET', '/emulator/api/console/objects/Contact/records?limit=100000')).json as { records: unknown[] }).records.length;
const newContact = { fields: { LastName: 'Forged', Phone: '+1 415 555 0999' } };

/** The console page's session cookie (`name=value`) for `user`, as a browser gets it. */
async function consoleCookie(user?: string): Promise<string> {
  const page = await send('GET', `/lightning/page/home${user ? `?user=${encodeURIComponent(user)}` : ''}`);
  assert.equal(page.status, 200, page.text.slice(0, 200));
  const cookie = String(page.headers['set-cookie'] ?? '');
  assert.match(cookie, new RegExp(`^sid_${app.port}=[\\w-]+; Path=/; HttpOnly; SameSite=Strict$`));
  return cookie.split(';')[0]!;
}

async function mint(
  headers: Record<string, string>,
): Promise<{ success: boolean; returnValue: { runApex: string } | null; errors: { code: string; description: string }[] | null }> {
  const r = await send(
    'POST',
    '/emulator/api/console/opencti/runApex',
    json({ args: { apexClass: 'SwitchboardCredentials', methodName: 'mint', methodParams: '' } }, headers),
  );
  assert.equal(r.status, 200, r.text);
  return r.json as never;
}

before(async () => {
  app = await startConsole({ dbFile: ':memory:', sipSecret: SECRET, credentialTtlSeconds: 600 });
});
after(async () => {
  await app?.close();
});

describe('state-changing requests need the emulator session, JSON and its own origin', () => {
  it('refuses a POST without a session, says why, and changes nothing', async () => {
    const count = await contactCount();
    const r = await send('POST', '/emulator/api/console/objects/Contact/records', json(newContact));
    assert.equal(r.status, 401);
    assert.deepEqual(Object.keys(r.json as object).sort(), ['error', 'errorCode']);
    assert.match((r.json as { error: string }).error, /session.*Authorization: Bearer/i);
    const setup = await send('POST', '/emulator/api/console/setup/call-centers/import', json({ text: '<callCenter/>', fileName: 'x.xml' }));
    assert.equal(setup.status, 401);
    assert.equal(await contactCount(), count);
  });

  it('refuses a text/plain body (the kind a page can send without a preflight) even with a session', async () => {
    const count = await contactCount();
    const r = await send('POST', '/emulator/api/console/objects/Contact/records', {
      body: JSON.stringify(newContact),
      headers: { 'content-type': 'text/plain', ...bearer() },
    });
    assert.equal(r.status, 415);
    assert.match((r.json as { error: string }).error, /text\/plain.*application\/json/);
    assert.equal(await contactCount(), count);
  });

  it('refuses a request from another origin even with a session', async () => {
    const cookie = await consoleCookie();
    const r = await send('POST', '/emulator/api/console/objects/Contact/records', json(newContact, { cookie, origin: 'http://127.0.0.1:1' }));
    assert.equal(r.status, 403);
    assert.match((r.json as { error: string }).error, /origin 'http:\/\/127\.0\.0\.1:1' is refused/);
  });

  it('refuses a rebound host name, even for reads', async () => {
    const r = await send('GET', '/emulator/api/console/session', { headers: { host: `attacker.example:${app.port}` } });
    assert.equal(r.status, 403);
    assert.match((r.json as { error: string }).error, /Host 'attacker\.example:\d+' is not this emulator's/);
    const vf = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: app.vfPort, path: '/softphone/', headers: { host: `attacker.example:${app.vfPort}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    assert.equal(vf, 403);
  });

  it('takes the console page cookie and the API token, from the emulator origin or none', async () => {
    const cookie = await consoleCookie();
    const byPage = await send('POST', '/emulator/api/console/objects/Contact/records', json(newContact, { cookie, origin: app.lightningOrigin }));
    assert.equal(byPage.status, 201, byPage.text);
    const byToken = await send('POST', '/emulator/api/console/objects/Contact/records', json(newContact, bearer()));
    assert.equal(byToken.status, 201, byToken.text);
    const badToken = await send(
      'POST',
      '/emulator/api/console/objects/Contact/records',
      json(newContact, { authorization: 'Bearer not-a-session-of-this-emulator' }),
    );
    assert.equal(badToken.status, 401);
  });

  it("the REST API wants a session of this emulator and answers in Salesforce's error shape", async () => {
    assert.equal((await send('GET', '/services/data/v62.0/sobjects')).status, 401);
    const forged = await send('GET', '/services/data/v62.0/sobjects', { headers: { authorization: 'Bearer anything' } });
    assert.equal(forged.status, 401);
    assert.deepEqual(forged.json, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    assert.equal((await send('GET', '/services/data/v62.0/sobjects', { headers: bearer() })).status, 200);
    const cookie = await consoleCookie();
    assert.equal((await send('GET', '/services/data/v62.0/sobjects', { headers: { cookie } })).status, 200);
    const plain = await send('POST', '/services/data/v62.0/sobjects/Contact', {
      body: JSON.stringify({ LastName: 'x' }),
      headers: { 'content-type': 'text/plain', cookie },
    });
    assert.equal(plain.status, 415);
    assert.equal((plain.json as { errorCode: string }[])[0]!.errorCode, 'UNSUPPORTED_MEDIA_TYPE');
    const helper = await send('POST', '/emulator/api/call-centers/import', json({ items: [] }));
    assert.equal(helper.status, 401);
    assert.equal((helper.json as { errorCode: string }[])[0]!.errorCode, 'INVALID_SESSION_ID');
  });
});

describe('signing in as a demo user, and SwitchboardCredentials.mint', () => {
  it('a console page opened as agent2 mints extension 1002 for its session, signed with the secret', async () => {
    const cookie = await consoleCookie(DEMO.secondAgent.username);
    const before = Math.floor(Date.now() / 1000);
    const reply = await mint({ cookie, origin: app.lightningOrigin });
    assert.equal(reply.success, true, JSON.stringify(reply.errors));
    const minted = JSON.parse(reply.returnValue!.runApex) as { username: string; password: string; extension: string; expiresAt: number; ttlSeconds: number };
    assert.deepEqual(Object.keys(minted), ['username', 'password', 'extension', 'expiresAt', 'ttlSeconds']);
    assert.equal(minted.extension, '1002');
    assert.equal(minted.ttlSeconds, 600);
    assert.ok(minted.expiresAt >= before + 600 && minted.expiresAt <= Math.floor(Date.now() / 1000) + 600, String(minted.expiresAt));
    assert.equal(minted.username, `${minted.expiresAt}:1002`);
    assert.equal(minted.password, createHmac('sha1', SECRET).update(minted.username).digest('base64'));
    assert.ok(!reply.returnValue!.runApex.includes(SECRET), 'the secret itself never leaves the emulator');
  });

  it('POST /login starts a session for that user; a form from another origin is refused', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const foreign = await send('POST', '/login', {
      body: `username=${encodeURIComponent(DEMO.thirdAgent.username)}`,
      headers: { ...form, origin: 'http://attacker.example' },
    });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers['set-cookie'], undefined);
    const ok = await send('POST', '/login', {
      body: `username=${encodeURIComponent(DEMO.thirdAgent.username)}&startURL=${encodeURIComponent('https://attacker.example/')}`,
      headers: { ...form, origin: app.lightningOrigin },
    });
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.location, '/lightning/page/home', 'never redirects off the emulator');
    const cookie = String(ok.headers['set-cookie']).split(';')[0]!;
    const minted = await mint({ cookie });
    assert.equal(JSON.parse(minted.returnValue!.runApex).extension, '1003');
    const session = await send('GET', '/emulator/api/console/session', { headers: { cookie } });
    assert.equal((session.json as { user: { Name: string } }).user.Name, 'Cara Cover');
    const unknown = await send('POST', '/login', json({ username: 'nobody@switchboard.demo' }));
    assert.equal(unknown.status, 400);
    assert.match((unknown.json as { error: string }).error, /no user 'nobody@switchboard\.demo'/);
    const page = await send('GET', '/login');
    for (const name of ['Ada Agent', 'Bob Backup', 'Cara Cover']) assert.ok(page.text.includes(`Log in as ${name}`), name);
  });

  it('mint fails clearly for a user without an extension', async () => {
    const cookie = await consoleCookie(DEMO.admin.username);
    const reply = await mint({ cookie });
    assert.equal(reply.success, false);
    assert.equal(reply.errors![0]!.code, 'SERVER_ERROR');
    assert.match(reply.errors![0]!.description, /SwitchboardCredentials\.mint: User admin@switchboard\.demo has no extension.*SwitchboardExtension__c/);
  });

  it('mint fails clearly when no SIP secret is configured', async () => {
    const bare = await startConsole({ dbFile: ':memory:' });
    try {
      const r = await fetch(`${bare.lightningOrigin}/emulator/api/console/opencti/runApex`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bare.apiToken}` },
        body: JSON.stringify({ args: { apexClass: 'SwitchboardCredentials', methodName: 'mint', methodParams: '' } }),
      });
      const reply = (await r.json()) as { success: boolean; errors: { description: string }[] };
      assert.equal(reply.success, false);
      assert.match(reply.errors[0]!.description, /SIP secret is not configured.*SwitchboardPhoneSecret__mdt/);
    } finally {
      await bare.close();
    }
  });
});
