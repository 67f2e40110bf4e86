/**
 * The emulator's Visualforce hosting of the Voice connector and its JavaScript remoting, over HTTP:
 * the session bridge from the Lightning session to a page of the Visualforce origin (one-time code),
 * the page as the package renders it (remote action, providers, remoting library, policy), a remote
 * action run as the page's user, and every request remoting must refuse: no session, a wrong or
 * another page's CSRF token, a session without a page, another origin, another content type, a
 * method that is not @RemoteAction.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { startConsole, DEMO, type RunningConsole } from '../../src/node/console/index.ts';
import { DEMO_VOICE_CALL_CENTER, DEMO_VOICE_VF_ADAPTER_URL } from '../../src/node/console/server/voice-demo.ts';
import { VF_REMOTE_SCRIPT_PATH } from '../../src/node/console/server/vf-remote-script.ts';

const SECRET = 'vf-remoting-test-secret';
let app: RunningConsole;

before(async () => {
  app = await startConsole({ dbFile: ':memory:', surface: 'voice', sipSecret: SECRET });
});

after(async () => {
  await app?.close();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request to one of the emulator's origins, by 127.0.0.1 with the origin's Host. */
function send(origin: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  const u = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: Number(u.port),
        method,
        path,
        headers: { host: u.host, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The console page's session cookie for `user`. */
async function consoleCookie(user: string): Promise<string> {
  const page = await send(app.lightningOrigin, 'GET', `/lightning/page/home?user=${encodeURIComponent(user)}`);
  const set = ([] as string[]).concat(page.headers['set-cookie'] ?? []);
  const cookie = set.map((c) => c.split(';')[0]!).find((c) => c.startsWith('sid_'));
  assert.ok(cookie, `the console sets its session cookie: ${JSON.stringify(page.headers)}`);
  return cookie;
}

interface Providers {
  vf: { vid: string; sid: string };
  actions: Record<string, { ms: { name: string; len: number; csrf: string }[] }>;
  service: string;
}

/** Opens the Voice page as `user` through the session bridge; the page's providers and HTML. */
async function openPage(user: string): Promise<{ providers: Providers; html: string; page: Answer }> {
  const cookie = await consoleCookie(user);
  const first = await send(app.vfOrigin, 'GET', DEMO_VOICE_VF_ADAPTER_URL);
  assert.equal(first.status, 302);
  const bridge = new URL(String(first.headers.location));
  assert.equal(bridge.origin, app.lightningOrigin);
  const back = await send(app.lightningOrigin, 'GET', `${bridge.pathname}${bridge.search}`, { cookie });
  assert.equal(back.status, 302, back.body);
  const target = new URL(String(back.headers.location));
  assert.equal(target.origin, app.vfOrigin);
  assert.equal(target.pathname, DEMO_VOICE_VF_ADAPTER_URL);
  const page = await send(app.vfOrigin, 'GET', `${target.pathname}${target.search}`);
  assert.equal(page.status, 200, page.body);
  const json = /<script type="application\/json" id="vf-remoting-providers">([^<]*)<\/script>/.exec(page.body)?.[1];
  assert.ok(json, 'the page carries its remoting providers');
  return { providers: JSON.parse(json) as Providers, html: page.body, page };
}

function remote(
  providers: Providers,
  overrides: { csrf?: string; method?: string; headers?: Record<string, string>; noAuth?: boolean; vid?: string } = {},
): Promise<Answer> {
  const action = providers.actions.SwitchboardCredentials!.ms[0]!;
  const body = JSON.stringify({
    action: 'SwitchboardCredentials',
    method: overrides.method ?? action.name,
    data: null,
    type: 'rpc',
    tid: 7,
    ctx: { csrf: overrides.csrf ?? action.csrf, vid: overrides.vid ?? providers.vf.vid, ns: '', ver: 62 },
  });
  return send(
    app.vfOrigin,
    'POST',
    providers.service,
    {
      origin: app.vfOrigin,
      'content-type': 'application/json',
      ...(overrides.noAuth ? {} : { authorization: `Bearer ${providers.vf.sid}` }),
      ...overrides.headers,
    },
    body,
  );
}

const exception = (a: Answer) => JSON.parse(a.body) as [{ statusCode: number; type: string; message: string; tid: number | null }];

describe('the Voice connector as a Visualforce page', () => {
  it('the demo Voice contact center (the console has a SIP secret) points at the page and mints', () => {
    const cc = app.data.callCenters().find((c) => c.InternalName === DEMO_VOICE_CALL_CENTER.internalName);
    assert.ok(cc);
    const settings = app.data.callCenterSettings(cc.Id);
    assert.equal(settings['/reqGeneralInfo/reqAdapterUrl'], '/apex/switchboard__SwitchboardVoice');
    assert.equal(settings['/switchboard/credentialScheme'], 'ephemeral');
  });

  it('the session bridge: no Lightning session, no page; a foreign or non-Visualforce url is refused', async () => {
    const bridge = `/visualforce/session?url=${encodeURIComponent(DEMO_VOICE_VF_ADAPTER_URL)}`;
    const none = await send(app.lightningOrigin, 'GET', bridge);
    assert.equal(none.status, 401);
    assert.match(none.body, /No Salesforce session/);
    const cookie = await consoleCookie(DEMO.agent.username);
    for (const url of ['//evil.example/apex/x', '/softphone/', 'https://evil.example/apex/x']) {
      const r = await send(app.lightningOrigin, 'GET', `/visualforce/session?url=${encodeURIComponent(url)}`, { cookie });
      assert.equal(r.status, 400, url);
    }
    // A bearer token (an API client's) does not open a page: only the console's own cookie does.
    const bearer = await send(app.lightningOrigin, 'GET', bridge, { authorization: `Bearer ${app.apiToken}` });
    assert.equal(bearer.status, 401);
  });

  it("the page: the connector under the page's policy, the remote action named, the providers and library before the connector; a code works once", async () => {
    const { providers, html, page } = await openPage(DEMO.secondAgent.username);
    assert.match(html, /<meta name="switchboard-remote-mint" content="SwitchboardCredentials.mintForVoice" \/>/);
    assert.match(html, /<script type="module" src="\/voice\/voice.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="\/voice\/voice.css" \/>/);
    assert.ok(html.indexOf(VF_REMOTE_SCRIPT_PATH) > 0 && html.indexOf(VF_REMOTE_SCRIPT_PATH) < html.indexOf('</head>'));
    assert.match(html, new RegExp(`<meta name="switchboard-trusted-origins" content="${app.lightningOrigin.replace(/[.]/g, '\\.')}"`));
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(providers.service, '/apexremote');
    assert.match(providers.vf.vid, /^066\w{15}$/);
    assert.deepEqual(
      providers.actions.SwitchboardCredentials!.ms.map((m) => [m.name, m.len]),
      [['mintForVoice', 0]],
    );
    const code = new URL(
      String(
        (
          await send(app.lightningOrigin, 'GET', `/visualforce/session?url=${encodeURIComponent(DEMO_VOICE_VF_ADAPTER_URL)}`, {
            cookie: await consoleCookie(DEMO.agent.username),
          })
        ).headers.location,
      ),
    );
    assert.equal((await send(app.vfOrigin, 'GET', `${code.pathname}${code.search}`)).status, 200);
    const again = await send(app.vfOrigin, 'GET', `${code.pathname}${code.search}`);
    assert.equal(again.status, 302, 'a used code (a reload) goes through the bridge again');
    assert.doesNotMatch(String(again.headers.location), /vfcode/);
    const script = await send(app.vfOrigin, 'GET', VF_REMOTE_SCRIPT_PATH);
    assert.equal(script.status, 200);
    assert.match(String(script.headers['content-type']), /^text\/javascript/);
    assert.match(script.body, /invokeAction/);
  });

  it("a remote action runs as the page's user: that user's extension, signed with the org's secret", async () => {
    const { providers } = await openPage(DEMO.secondAgent.username);
    const r = await remote(providers);
    assert.equal(r.status, 200, r.body);
    const [answer] = JSON.parse(r.body) as [{ statusCode: number; type: string; tid: number; result: string }];
    assert.equal(answer.statusCode, 200);
    assert.equal(answer.type, 'rpc');
    assert.equal(answer.tid, 7);
    const minted = JSON.parse(answer.result) as { username: string; password: string; extension: string; expiresAt: number };
    assert.equal(minted.extension, DEMO.secondAgent.extension);
    assert.equal(minted.username, `${minted.expiresAt}:${DEMO.secondAgent.extension}`);
    assert.equal(minted.password, createHmac('sha1', SECRET).update(minted.username).digest('base64'));
  });

  it("refused: no session, a wrong CSRF token, another page's token, a session without a page, another origin, text/plain, a method that is not @RemoteAction", async () => {
    const { providers } = await openPage(DEMO.agent.username);
    const other = (await openPage(DEMO.agent.username)).providers;

    const noSession = await remote(providers, { noAuth: true });
    assert.equal(noSession.status, 401);
    assert.equal(exception(noSession)[0].type, 'exception');
    assert.match(exception(noSession)[0].message, /Session expired or invalid/);

    const forgedCsrf = await remote(providers, { csrf: 'x'.repeat(43) });
    assert.equal(forgedCsrf.status, 403);
    assert.match(exception(forgedCsrf)[0].message, /CSRF token/);
    assert.equal(exception(forgedCsrf)[0].tid, 7);

    const othersToken = await remote(providers, { csrf: other.actions.SwitchboardCredentials!.ms[0]!.csrf });
    assert.equal(othersToken.status, 403, 'a token is bound to its session and page');

    const wrongVid = await remote(providers, { vid: other.vf.vid });
    assert.equal(wrongVid.status, 403);
    assert.match(exception(wrongVid)[0].message, /ctx\.vid/);

    const apiSession = await remote(providers, { headers: { authorization: `Bearer ${app.apiToken}` } });
    assert.equal(apiSession.status, 403, 'a session that rendered no page has no page tokens');

    const foreign = await remote(providers, { headers: { origin: app.lightningOrigin } });
    assert.equal(foreign.status, 403);
    assert.match(exception(foreign)[0].message, /origin/);
    const noOrigin = await send(app.vfOrigin, 'POST', '/apexremote', { 'content-type': 'application/json', authorization: `Bearer ${providers.vf.sid}` }, '{}');
    assert.equal(noOrigin.status, 403);

    const plain = await remote(providers, { headers: { 'content-type': 'text/plain' } });
    assert.equal(plain.status, 415);

    const notRemote = await remote(providers, { method: 'mint' });
    assert.equal(notRemote.status, 400);
    assert.match(exception(notRemote)[0].message, /No @RemoteAction SwitchboardCredentials\.mint /);

    // After all that, the page's own call still works.
    assert.equal((await remote(providers)).status, 200);
  });

  it('an Apex exception is an exception event with its message', async () => {
    const { providers } = await openPage(DEMO.admin.username);
    const r = await remote(providers);
    assert.equal(r.status, 400);
    const [answer] = exception(r);
    assert.equal(answer.type, 'exception');
    assert.match(answer.message, /has no extension/);
  });
});
