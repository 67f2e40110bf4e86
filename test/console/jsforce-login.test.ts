/**
 * Salesforce's API clients sign in to the emulator as they do to an org: jsforce's `conn.login`
 * over SOAP and over the OAuth 2.0 username-password flow, `conn.identity()`, `conn.limits()`, and
 * the session working for REST afterwards; wrong credentials, an unknown grant and a made-up bearer
 * token fail with Salesforce's own errors. The whole emulator (startConsole), not the REST handler alone.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { Connection } from 'jsforce';
import { DEMO, DEMO_API_PASSWORD, startConsole, type RunningConsole } from '../../src/node/console/index.ts';

let app: RunningConsole;
const VERSION = '62.0';
const CLIENT_ID = '3MVG9switchboardEmulatorJwtApp';
const appKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });

before(async () => {
  app = await startConsole({
    dbFile: ':memory:',
    connectedApps: [{ clientId: CLIENT_ID, certificate: appKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString() }],
  });
});

/** An RS256 JWT as the Salesforce CLI or a server integration signs it for the JWT bearer flow. */
function jwt(claims: Record<string, unknown>, key = appKeys.privateKey): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${part({ alg: 'RS256' })}.${part(claims)}`;
  return `${body}.${createSign('RSA-SHA256').update(body).sign(key).toString('base64url')}`;
}
after(async () => app?.close());

const rejection = async (p: Promise<unknown>): Promise<Error & { errorCode?: string; name: string }> => {
  try {
    await p;
  } catch (e) {
    return e as Error & { errorCode?: string; name: string };
  }
  throw new Error('expected a rejection');
};

test("SOAP login (conn.login without a client id): the user's session, identity, limits and REST with it", { timeout: 30_000 }, async () => {
  const conn = new Connection({ loginUrl: app.lightningOrigin, version: VERSION });
  const info = await conn.login(DEMO.agent.username, DEMO_API_PASSWORD);
  assert.equal(info.id, DEMO.agent.id);
  assert.match(info.organizationId, /^00D[A-Za-z0-9]{15}$/);
  assert.equal(conn.instanceUrl, app.lightningOrigin);

  const me = await conn.identity();
  assert.equal(me.user_id, DEMO.agent.id);
  assert.equal(me.username, DEMO.agent.username);
  assert.equal(me.display_name, DEMO.agent.name);
  assert.equal(me.organization_id, info.organizationId);

  const contacts = await conn.query<{ Name: string }>(`SELECT Name FROM Contact WHERE Id = '${DEMO.uniqueContact.id}'`);
  assert.deepEqual(
    contacts.records.map((r) => r.Name),
    [DEMO.uniqueContact.name],
  );
  // Writes are the signed-in user's: a second user's session creates as that user.
  const bob = new Connection({ loginUrl: app.lightningOrigin, version: VERSION });
  await bob.login(DEMO.secondAgent.username, DEMO_API_PASSWORD);
  const made = await bob.sobject('Task').create({ Subject: 'Called back', Status: 'Completed' });
  assert.ok(made.success);
  const task = (await conn.sobject('Task').retrieve(made.id as string)) as { OwnerId?: string; CreatedById?: string };
  assert.equal(task.CreatedById ?? task.OwnerId, DEMO.secondAgent.id, 'created as Bob');

  const limits = await conn.limits();
  assert.equal(limits.DailyApiRequests.Max, 15000);
  assert.ok(limits.DailyApiRequests.Remaining < 15000, 'the requests served count against the daily allocation');
});

test('SOAP login with a wrong password or an unknown user: INVALID_LOGIN, as an org says it', { timeout: 30_000 }, async () => {
  for (const [user, password] of [
    [DEMO.agent.username, 'wrong'],
    ['nobody@switchboard.demo', DEMO_API_PASSWORD],
  ] as const) {
    const e = await rejection(new Connection({ loginUrl: app.lightningOrigin, version: VERSION }).login(user, password));
    assert.equal(e.message, 'INVALID_LOGIN: Invalid username, password, security token; or user locked out.');
  }
});

test(
  'OAuth 2.0 username-password flow (a client id and secret): token, instance URL, identity; bad password is invalid_grant',
  { timeout: 30_000 },
  async () => {
    const oauth2 = { loginUrl: app.lightningOrigin, clientId: 'switchboard-tests', clientSecret: 'any-secret', redirectUri: `${app.lightningOrigin}/callback` };
    const conn = new Connection({ oauth2, version: VERSION });
    const info = await conn.login(DEMO.thirdAgent.username, DEMO_API_PASSWORD);
    assert.equal(info.id, DEMO.thirdAgent.id);
    assert.equal(conn.instanceUrl, app.lightningOrigin);
    assert.equal((await conn.identity()).username, DEMO.thirdAgent.username);
    assert.equal((await conn.query('SELECT Id FROM User')).totalSize > 0, true);

    const bad = await rejection(new Connection({ oauth2, version: VERSION }).login(DEMO.thirdAgent.username, 'wrong'));
    assert.equal(bad.name, 'invalid_grant');
    assert.equal(bad.message, 'authentication failure');

    const res = await fetch(`${app.lightningOrigin}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=made_up_grant&code=x',
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'unsupported_grant_type');
  },
);

test('a made-up bearer token is no session: INVALID_SESSION_ID for REST, Bad_OAuth_Token for identity', { timeout: 30_000 }, async () => {
  const conn = new Connection({ instanceUrl: app.lightningOrigin, accessToken: '00D5g000000SwBdEAK!madeUpTokenThatNobodyIssued', version: VERSION });
  const e = await rejection(Promise.resolve(conn.query('SELECT Id FROM Contact')));
  assert.equal(e.errorCode ?? e.name, 'INVALID_SESSION_ID');
  const id = await fetch(`${app.lightningOrigin}/id/00D5g000000SwBdEAK/${DEMO.agent.id}?format=json&oauth_token=nope`);
  assert.equal(id.status, 403);
  assert.equal(await id.text(), 'Bad_OAuth_Token');
});

test(
  'OAuth 2.0 JWT bearer flow: a JWT signed for the connected app signs its subject in; a wrong key, audience, expiry, app or user is refused',
  { timeout: 30_000 },
  async () => {
    const oauth2 = { loginUrl: app.lightningOrigin, clientId: CLIENT_ID };
    const claims = { iss: CLIENT_ID, sub: DEMO.secondAgent.username, aud: app.lightningOrigin, exp: Math.floor(Date.now() / 1000) + 120 };
    const conn = new Connection({ oauth2, version: VERSION });
    const info = await conn.authorize({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt(claims) });
    assert.equal(info.id, DEMO.secondAgent.id);
    assert.equal((await conn.identity()).username, DEMO.secondAgent.username);
    assert.ok((await conn.query('SELECT Id FROM Contact')).totalSize > 0);
    // The Salesforce login host is an audience an org accepts too.
    await new Connection({ oauth2, version: VERSION }).authorize({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: jwt({ ...claims, aud: 'https://login.salesforce.com' }),
    });

    const refused = async (assertion: string): Promise<[string, string]> => {
      const res = await fetch(`${app.lightningOrigin}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
      });
      assert.equal(res.status, 400);
      const body = (await res.json()) as { error: string; error_description: string };
      return [body.error, body.error_description];
    };
    assert.deepEqual(await refused(jwt(claims, otherKeys.privateKey)), ['invalid_grant', 'invalid assertion']);
    assert.deepEqual(await refused(jwt({ ...claims, aud: 'https://evil.example.com' })), ['invalid_grant', 'audience is invalid']);
    assert.deepEqual(await refused(jwt({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 })), ['invalid_grant', 'expired authorization code']);
    assert.deepEqual(await refused(jwt({ ...claims, iss: 'unknown-app' })), ['invalid_client_id', 'client identifier invalid']);
    assert.deepEqual(await refused(jwt({ ...claims, sub: 'nobody@switchboard.demo' })), ['invalid_grant', "user hasn't approved this consumer"]);
    assert.deepEqual(await refused('not-a-jwt'), ['invalid_grant', 'invalid assertion']);
  },
);
