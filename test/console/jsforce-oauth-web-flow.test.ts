/**
 * The OAuth 2.0 web server flow against the whole emulator (startConsole), driven by jsforce's own
 * `OAuth2` and `Connection` as an app would: the authorize URL, the browser's trip through it (an
 * HTTP client carrying the console's session cookie, or signing in on the login page first), the
 * code for tokens, queries, refreshes (asked for, and jsforce's own when its access token was
 * revoked), revocation, PKCE, and the failures with Salesforce's error shapes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { Connection, OAuth2 } from 'jsforce';
import { DEMO, startConsole, type RunningConsole } from '../../src/node/console/index.ts';

let app: RunningConsole;
const VERSION = '62.0';
// The Salesforce CLI's callback: a loopback URL, as the emulator requires.
const REDIRECT_URI = 'http://localhost:1717/OauthRedirect';
const CLIENT_ID = 'switchboard-web-app';
const CLIENT_SECRET = 'web-flow-secret';

before(async () => {
  app = await startConsole({ dbFile: ':memory:' });
});
after(async () => app?.close());

const oauth2 = (extra: { useVerifier?: boolean; redirectUri?: string } = {}): OAuth2 =>
  new OAuth2({ loginUrl: app.lightningOrigin, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, ...extra });

const rejection = async (p: Promise<unknown>): Promise<Error> => {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
};

/** The console's session cookie for a user, from the login form as a browser submits it. */
async function signIn(username: string, startURL = '/lightning/page/home'): Promise<{ cookie: string; location: string }> {
  const res = await fetch(app.loginUrl, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, startURL }).toString(),
  });
  assert.equal(res.status, 303);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  assert.match(cookie, /^sid_\d+=/);
  return { cookie, location: res.headers.get('location') ?? '' };
}

/** A GET as the browser makes it, not followed: the redirect's target. */
async function visit(url: string, cookie?: string): Promise<URL> {
  const res = await fetch(new URL(url, app.lightningOrigin), { redirect: 'manual', ...(cookie ? { headers: { cookie } } : {}) });
  assert.equal(res.status, 302, `${url} answered ${res.status}: ${await res.text()}`);
  return new URL(res.headers.get('location') ?? '', app.lightningOrigin);
}

/** The code the authorize endpoint sends the signed-in browser back with. */
async function authorizationCode(client: OAuth2, cookie: string, params: Record<string, string> = {}): Promise<string> {
  const back = await visit(client.getAuthorizationUrl(params), cookie);
  assert.equal(`${back.origin}${back.pathname}`, REDIRECT_URI);
  return back.searchParams.get('code') ?? assert.fail(`no code in ${back}`);
}

async function token(form: Record<string, string>): Promise<{ status: number; body: Record<string, string> }> {
  const res = await fetch(`${app.lightningOrigin}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

/** The token request for a code, as the app's server sends it. */
const codeGrant = (code: string, extra: Record<string, string> = {}) =>
  token({ grant_type: 'authorization_code', code, client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, ...extra });
const refreshGrant = (refreshToken: string, clientId = CLIENT_ID) => token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId });

test(
  'web server flow: a signed-in browser is sent back with a code and the state; the code buys an access and a refresh token that work',
  { timeout: 30_000 },
  async () => {
    const { cookie } = await signIn(DEMO.agent.username);
    const client = oauth2();
    const back = await visit(client.getAuthorizationUrl({ state: 'opaque/state=1' }), cookie);
    assert.equal(`${back.origin}${back.pathname}`, REDIRECT_URI);
    assert.equal(back.searchParams.get('state'), 'opaque/state=1');
    const code = back.searchParams.get('code')!;

    const conn = new Connection({ oauth2: client, version: VERSION });
    const info = await conn.authorize(code);
    assert.equal(info.id, DEMO.agent.id);
    assert.equal(conn.instanceUrl, app.lightningOrigin);
    assert.match(conn.refreshToken ?? '', /^5Aep/);
    assert.equal((await conn.identity()).username, DEMO.agent.username);
    const contacts = await conn.query<{ Name: string }>(`SELECT Name FROM Contact WHERE Id = '${DEMO.uniqueContact.id}'`);
    assert.deepEqual(
      contacts.records.map((r) => r.Name),
      [DEMO.uniqueContact.name],
    );

    // A code works once.
    const again = await rejection(new Connection({ oauth2: client, version: VERSION }).authorize(code));
    assert.equal(again.name, 'invalid_grant');
    assert.equal(again.message, 'invalid authorization code');
  },
);

test(
  "token response: Salesforce's fields, the signature over id + issued_at keyed with the client secret, the scopes granted",
  { timeout: 30_000 },
  async () => {
    const { cookie } = await signIn(DEMO.secondAgent.username);
    const code = await authorizationCode(oauth2(), cookie, { scope: 'api refresh_token' });
    const { status, body } = await codeGrant(code, { client_secret: CLIENT_SECRET });
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'id', 'instance_url', 'issued_at', 'refresh_token', 'scope', 'signature', 'token_type']);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.scope, 'api refresh_token');
    assert.equal(body.id, `${app.lightningOrigin}/id/00D5g000000SwBdEAK/${DEMO.secondAgent.id}`);
    assert.equal(
      body.signature,
      createHmac('sha256', CLIENT_SECRET)
        .update(body.id! + body.issued_at!)
        .digest('base64'),
    );

    // Without refresh_token (or offline_access) among the scopes there is no refresh token.
    const noRefresh = await authorizationCode(oauth2(), cookie, { scope: 'api' });
    const plain = await codeGrant(noRefresh);
    assert.equal(plain.status, 200);
    assert.equal(plain.body.refresh_token, undefined);
    assert.equal(plain.body.scope, 'api');
  },
);

test(
  'refresh: asked for, it gives a new access token and no new refresh token; with its access token revoked, jsforce refreshes by itself',
  { timeout: 30_000 },
  async () => {
    const { cookie } = await signIn(DEMO.thirdAgent.username);
    const client = oauth2();
    const conn = new Connection({ oauth2: client, version: VERSION });
    await conn.authorize(await authorizationCode(client, cookie));
    const refreshToken = conn.refreshToken!;

    const refreshed = await client.refreshToken(refreshToken);
    assert.notEqual(refreshed.access_token, conn.accessToken);
    assert.equal(refreshed.refresh_token, undefined, 'Salesforce keeps the refresh token by default');
    assert.equal(refreshed.instance_url, app.lightningOrigin);
    const identity = await fetch(refreshed.id, { headers: { authorization: `Bearer ${refreshed.access_token}` } });
    assert.equal(((await identity.json()) as { user_id: string }).user_id, DEMO.thirdAgent.id, "the new access token is the same user's session");

    // The app's access token is revoked (or expired): its next query is refused, jsforce refreshes and retries.
    await client.revokeToken(conn.accessToken!);
    const revoked = conn.accessToken!;
    const refreshes: string[] = [];
    conn.on('refresh', (accessToken: string) => refreshes.push(accessToken));
    assert.ok((await conn.query('SELECT Id FROM Contact')).totalSize > 0);
    assert.equal(refreshes.length, 1, 'one refresh');
    assert.notEqual(conn.accessToken, revoked);

    // A connection made from stored tokens alone, the access token long gone.
    const stored = new Connection({ oauth2: client, instanceUrl: app.lightningOrigin, accessToken: revoked, refreshToken, version: VERSION });
    assert.equal((await stored.query<{ Id: string }>(`SELECT Id FROM User WHERE Id = '${DEMO.thirdAgent.id}'`)).records[0]?.Id, DEMO.thirdAgent.id);
  },
);

test('revoking a refresh token ends it and every access token issued with it; an unknown token is unsupported_token_type', { timeout: 30_000 }, async () => {
  const { cookie } = await signIn(DEMO.agent.username);
  const client = oauth2();
  const conn = new Connection({ oauth2: client, version: VERSION });
  await conn.authorize(await authorizationCode(client, cookie));
  const first = conn.accessToken!;
  const second = (await client.refreshToken(conn.refreshToken!)).access_token;
  await conn.logout(true); // jsforce revokes the refresh token

  for (const access of [first, second]) {
    const res = await fetch(`${app.lightningOrigin}/services/data/v${VERSION}/query?q=SELECT+Id+FROM+Contact`, {
      headers: { authorization: `Bearer ${access}` },
    });
    assert.equal(res.status, 401, 'the access tokens ended with their refresh token');
  }
  const expired = await rejection(client.refreshToken(conn.refreshToken ?? ''));
  assert.equal(expired.name, 'invalid_grant');
  assert.equal(expired.message, 'expired access/refresh token');

  const unknown = await rejection(client.revokeToken('not-a-token-of-this-org'));
  assert.equal(unknown.name, 'unsupported_token_type');
  const res = await fetch(`${app.lightningOrigin}/services/oauth2/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'token=',
  });
  assert.equal(res.status, 400);
  assert.equal(new URLSearchParams(await res.text()).get('error'), 'invalid_token');
  // GET with ?token= revokes too, as Salesforce's endpoint allows.
  const { cookie: other } = await signIn(DEMO.agent.username);
  const code = await authorizationCode(client, other);
  const got = await codeGrant(code);
  assert.equal((await fetch(`${app.lightningOrigin}/services/oauth2/revoke?token=${encodeURIComponent(got.body.refresh_token!)}`)).status, 200);
  assert.equal((await refreshGrant(got.body.refresh_token!)).body.error, 'invalid_grant');
});

test(
  'token endpoint failures: unknown code, wrong redirect URI, another client, no client id, a refresh token of another client',
  { timeout: 30_000 },
  async () => {
    const { cookie } = await signIn(DEMO.agent.username);
    assert.deepEqual(await codeGrant('made-up-code'), { status: 400, body: { error: 'invalid_grant', error_description: 'invalid authorization code' } });
    assert.deepEqual(await codeGrant(await authorizationCode(oauth2(), cookie), { redirect_uri: 'http://localhost:1717/Other' }), {
      status: 400,
      body: { error: 'redirect_uri_mismatch', error_description: 'redirect_uri must match configuration' },
    });
    assert.deepEqual(await codeGrant(await authorizationCode(oauth2(), cookie), { client_id: 'another-app' }), {
      status: 400,
      body: { error: 'invalid_grant', error_description: 'invalid authorization code' },
    });
    assert.deepEqual(await codeGrant(await authorizationCode(oauth2(), cookie), { client_id: '' }), {
      status: 400,
      body: { error: 'invalid_client_id', error_description: 'client identifier invalid' },
    });

    const good = await codeGrant(await authorizationCode(oauth2(), cookie));
    assert.deepEqual(await refreshGrant(good.body.refresh_token!, 'another-app'), {
      status: 400,
      body: { error: 'invalid_grant', error_description: 'expired access/refresh token' },
    });
    assert.deepEqual(await refreshGrant('made-up'), { status: 400, body: { error: 'invalid_grant', error_description: 'expired access/refresh token' } });
  },
);

test("PKCE: jsforce's code verifier completes the flow; a wrong or missing verifier is invalid_grant", { timeout: 30_000 }, async () => {
  const { cookie } = await signIn(DEMO.agent.username);
  const client = oauth2({ useVerifier: true });
  const conn = new Connection({ oauth2: client, version: VERSION });
  assert.equal((await conn.authorize(await authorizationCode(client, cookie))).id, DEMO.agent.id);

  const code = await authorizationCode(client, cookie);
  assert.deepEqual(await codeGrant(code, { code_verifier: 'not-the-verifier-not-the-verifier-not-the-verifier' }), {
    status: 400,
    body: { error: 'invalid_grant', error_description: 'invalid code verifier' },
  });
  const missing = await authorizationCode(client, cookie);
  assert.equal((await codeGrant(missing)).body.error_description, 'invalid code verifier');
  // Only S256.
  const plain = await visit(`${client.getAuthorizationUrl()}&code_challenge_method=plain`, cookie);
  assert.equal(plain.searchParams.get('error'), 'invalid_request');
});

test(
  'a browser without a session meets the login page, and signing in there finishes the flow; prompt=login asks even with one',
  { timeout: 30_000 },
  async () => {
    const client = oauth2();
    const authorizeUrl = client.getAuthorizationUrl({ state: 's1', prompt: 'login consent' });
    const toLogin = await visit(authorizeUrl);
    assert.equal(toLogin.pathname, '/login');
    const startURL = toLogin.searchParams.get('startURL')!;
    assert.match(startURL, /^\/services\/oauth2\/authorize\?/);
    assert.equal(new URL(startURL, app.lightningOrigin).searchParams.get('prompt'), 'consent', 'prompt=login is not asked twice');
    const page = await fetch(new URL(`${toLogin.pathname}${toLogin.search}`, app.lightningOrigin));
    assert.match(await page.text(), /name="startURL" value="\/services\/oauth2\/authorize\?/, 'the login form carries the way back');

    const signedIn = await signIn(DEMO.secondAgent.username, startURL);
    assert.equal(signedIn.location, startURL, 'the login page sends the browser back to authorize');
    const back = await visit(signedIn.location, signedIn.cookie);
    assert.equal(back.searchParams.get('state'), 's1');
    const conn = new Connection({ oauth2: client, version: VERSION });
    assert.equal((await conn.authorize(back.searchParams.get('code')!)).id, DEMO.secondAgent.id);

    // Already signed in, prompt=login still goes to the login page; prompt=none without a session comes back with login_required.
    assert.equal((await visit(client.getAuthorizationUrl({ prompt: 'login' }), signedIn.cookie)).pathname, '/login');
    const none = await visit(client.getAuthorizationUrl({ prompt: 'none', state: 's2' }));
    assert.equal(`${none.origin}${none.pathname}`, REDIRECT_URI);
    assert.deepEqual([none.searchParams.get('error'), none.searchParams.get('state')], ['login_required', 's2']);
  },
);

test('authorize errors: a bad redirect URI or no client id is a 400 page; other errors go back to the app with the state', { timeout: 30_000 }, async () => {
  const { cookie } = await signIn(DEMO.agent.username);
  const authorize = (params: Record<string, string>) => `${app.lightningOrigin}/services/oauth2/authorize?${new URLSearchParams(params)}`;
  for (const [params, error] of [
    [{ response_type: 'code', client_id: 'app', redirect_uri: 'https://attacker.example/callback' }, 'redirect_uri_mismatch'],
    [{ response_type: 'code', client_id: 'app' }, 'redirect_uri_mismatch'],
    [{ response_type: 'code', client_id: 'app', redirect_uri: 'javascript:alert(1)' }, 'redirect_uri_mismatch'],
    [{ response_type: 'code', redirect_uri: REDIRECT_URI }, 'invalid_client_id'],
  ] as const) {
    const res = await fetch(authorize(params), { redirect: 'manual', headers: { cookie } });
    assert.equal(res.status, 400, JSON.stringify(params));
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await res.text(), new RegExp(`error=${error}`));
  }
  const hybrid = await visit(authorize({ response_type: 'code_credentials', client_id: 'app', redirect_uri: REDIRECT_URI, state: 'st' }), cookie);
  const answer = (url: URL, ...names: string[]) => names.map((n) => url.searchParams.get(n));
  assert.deepEqual(answer(hybrid, 'error', 'state', 'code'), ['unsupported_response_type', 'st', null]);
  const scope = await visit(authorize({ response_type: 'code', client_id: 'app', redirect_uri: REDIRECT_URI, scope: 'api everything' }), cookie);
  assert.deepEqual(answer(scope, 'error', 'error_description'), ['invalid_scope', 'the requested scope is not allowed: everything']);
  // The emulator's own origin is an acceptable redirect URI.
  const own = await visit(authorize({ response_type: 'code', client_id: 'app', redirect_uri: `${app.lightningOrigin}/callback?x=1` }), cookie);
  assert.equal(own.searchParams.get('x'), '1');
  assert.ok(own.searchParams.get('code'));
});

test('user-agent flow: the access token comes back in the fragment with the state and works; errors come back there too', { timeout: 30_000 }, async () => {
  const { cookie } = await signIn(DEMO.agent.username);
  const authorize = (params: Record<string, string>) => `${app.lightningOrigin}/services/oauth2/authorize?${new URLSearchParams(params)}`;
  const fragment = (url: URL) => new URLSearchParams(url.hash.slice(1));
  const back = await visit(authorize({ response_type: 'token', client_id: 'app', redirect_uri: REDIRECT_URI, state: 'st 1', scope: 'api id' }), cookie);
  assert.equal(`${back.origin}${back.pathname}`, REDIRECT_URI);
  assert.equal(back.search, '', 'nothing in the query: the token stays in the browser');
  const f = fragment(back);
  assert.deepEqual([...f.keys()].sort(), ['access_token', 'id', 'instance_url', 'issued_at', 'scope', 'state', 'token_type']);
  assert.deepEqual([f.get('state'), f.get('token_type'), f.get('scope'), f.get('instance_url')], ['st 1', 'Bearer', 'api id', app.lightningOrigin]);
  assert.match(f.get('id')!, new RegExp(`^${app.lightningOrigin}/id/00D\\w{15}/005\\w{15}$`));
  const conn = new Connection({ instanceUrl: f.get('instance_url')!, accessToken: f.get('access_token')!, version: VERSION });
  const me = await conn.identity();
  assert.equal(me.username, DEMO.agent.username);
  assert.ok((await conn.query('SELECT Id FROM Contact LIMIT 1')).totalSize >= 1);
  // Errors go back in the fragment as well.
  const scope = fragment(
    await visit(authorize({ response_type: 'token', client_id: 'app', redirect_uri: REDIRECT_URI, scope: 'api everything', state: 's' }), cookie),
  );
  assert.deepEqual([scope.get('error'), scope.get('state'), scope.get('access_token')], ['invalid_scope', 's', null]);
  const silent = await visit(authorize({ response_type: 'token', client_id: 'app', redirect_uri: REDIRECT_URI, prompt: 'none' }));
  assert.deepEqual([fragment(silent).get('error'), silent.search], ['login_required', '']);
  // Without a session: the login page first, as in the web server flow.
  const login = await visit(authorize({ response_type: 'token', client_id: 'app', redirect_uri: REDIRECT_URI }));
  assert.equal(login.pathname, '/login');
});

test(
  "the request guard: token and revoke need no session, but another site's Origin and a body that is no form are still refused",
  { timeout: 30_000 },
  async () => {
    const post = (path: string, headers: Record<string, string>) => fetch(`${app.lightningOrigin}${path}`, { method: 'POST', headers, body: 'token=x' });
    for (const path of ['/services/oauth2/token', '/services/oauth2/revoke']) {
      assert.equal((await post(path, { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://attacker.example' })).status, 403, path);
      assert.equal((await post(path, { 'content-type': 'text/plain' })).status, 415, path);
      const reached = await post(path, { 'content-type': 'application/x-www-form-urlencoded' });
      assert.equal(reached.status, 400, `${path}: reaches the endpoint, which refuses the token`);
    }
  },
);

test(
  "OpenID Connect: with openid the code and refresh grants answer an ID token the org signs (its keys at /id/keys), with the nonce and the scopes' claims; userinfo answers the token's user",
  { timeout: 30_000 },
  async () => {
    const origin = app.lightningOrigin;
    const config = (await (await fetch(`${origin}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(config['issuer'], origin);
    assert.equal(config['jwks_uri'], `${origin}/id/keys`);
    assert.equal(config['userinfo_endpoint'], `${origin}/services/oauth2/userinfo`);
    assert.equal(config['token_endpoint'], `${origin}/services/oauth2/token`);
    const keys = createRemoteJWKSet(new URL(String(config['jwks_uri'])));

    const { cookie } = await signIn(DEMO.agent.username);
    const code = await authorizationCode(oauth2(), cookie, { scope: 'openid profile email api refresh_token', nonce: 'n-0S6_WzA2Mj' });
    const { status, body } = await codeGrant(code);
    assert.equal(status, 200);
    const { payload, protectedHeader } = await jwtVerify(body.id_token!, keys, { issuer: origin, audience: CLIENT_ID });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(payload.sub, body.id, 'sub is the identity URL');
    assert.equal(payload['nonce'], 'n-0S6_WzA2Mj');
    assert.equal(payload['at_hash'], createHash('sha256').update(body.access_token!).digest().subarray(0, 16).toString('base64url'));
    assert.equal(payload['preferred_username'], DEMO.agent.username);
    assert.equal(typeof payload['name'], 'string');
    assert.equal(payload['email_verified'], true);
    assert.ok(payload.exp! > payload.iat! && payload.exp! - payload.iat! <= 300);

    // Refreshed: a new ID token for the new access token, without a nonce (there was no authorize).
    const refreshed = await refreshGrant(body.refresh_token!);
    const again = await jwtVerify(refreshed.body.id_token!, keys, { issuer: origin, audience: CLIENT_ID });
    assert.equal(again.payload.sub, body.id);
    assert.equal(again.payload['nonce'], undefined);

    // Without openid, no ID token; with openid alone, no profile or email claims.
    const plain = await codeGrant(await authorizationCode(oauth2(), cookie, { scope: 'api' }));
    assert.equal(plain.body.id_token, undefined);
    const bare = decodeJwt((await codeGrant(await authorizationCode(oauth2(), cookie, { scope: 'openid' }))).body.id_token!);
    assert.deepEqual([bare['email'], bare['name'], bare['nonce']], [undefined, undefined, undefined]);

    // userinfo: the access token's user; a token the org does not know is Bad_OAuth_Token.
    const info = await fetch(`${origin}/services/oauth2/userinfo`, { headers: { authorization: `Bearer ${body.access_token}` } });
    assert.equal(info.status, 200);
    const claims = (await info.json()) as Record<string, unknown>;
    assert.deepEqual([claims['sub'], claims['user_id'], claims['preferred_username']], [body.id, DEMO.agent.id, DEMO.agent.username]);
    const bad = await fetch(`${origin}/services/oauth2/userinfo`, { headers: { authorization: 'Bearer not-a-token' } });
    assert.deepEqual([bad.status, await bad.text()], [403, 'Bad_OAuth_Token']);
  },
);

test(
  'OpenID Connect, user-agent flow: response_type token id_token puts a signed ID token with the nonce in the fragment; it needs openid and a nonce',
  { timeout: 30_000 },
  async () => {
    const origin = app.lightningOrigin;
    const { cookie } = await signIn(DEMO.agent.username);
    const authorize = (params: Record<string, string>) =>
      `${origin}/services/oauth2/authorize?${new URLSearchParams({ client_id: 'spa', redirect_uri: REDIRECT_URI, ...params })}`;
    const fragment = async (params: Record<string, string>) => new URLSearchParams((await visit(authorize(params), cookie)).hash.slice(1));
    const f = await fragment({ response_type: 'token id_token', scope: 'openid api', nonce: 'abc' });
    const { payload } = await jwtVerify(f.get('id_token')!, createRemoteJWKSet(new URL(`${origin}/id/keys`)), { issuer: origin, audience: 'spa' });
    assert.deepEqual([payload.sub, payload['nonce']], [f.get('id'), 'abc']);
    assert.equal(payload['at_hash'], createHash('sha256').update(f.get('access_token')!).digest().subarray(0, 16).toString('base64url'));
    // Plain `token` gets no ID token, whatever the scopes.
    assert.equal((await fragment({ response_type: 'token', scope: 'openid api' })).get('id_token'), null);
    assert.equal((await fragment({ response_type: 'token id_token', scope: 'api', nonce: 'abc' })).get('error'), 'invalid_request');
    const noNonce = await fragment({ response_type: 'id_token token', scope: 'openid' });
    assert.deepEqual([noNonce.get('error'), noNonce.get('access_token')], ['invalid_request', null]);
  },
);
