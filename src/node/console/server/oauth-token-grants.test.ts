import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { openConsoleData } from './console-db-data.ts';
import { DEMO } from '../seed/index.ts';
import { CODE_LIFETIME_MS, OAuthGrants } from './oauth-grants.ts';
import { authorizationCodeGrant, refreshTokenGrant } from './oauth-token-grants.ts';

const REDIRECT = 'http://localhost:1717/OauthRedirect';
// One demo org for all: the grants only read its users.
const opened = openConsoleData({ file: ':memory:' });
after(() => opened.close());

function setup() {
  let now = 5_000_000;
  const grants = new OAuthGrants(() => now);
  const code = (extra: { scopes?: readonly string[]; codeChallenge?: string } = {}) =>
    grants.issueCode({ userId: DEMO.agent.id, clientId: 'app', redirectUri: REDIRECT, scopes: extra.scopes ?? ['api', 'refresh_token'], ...extra }).code;
  const form = (fields: Record<string, string>) => new URLSearchParams({ client_id: 'app', redirect_uri: REDIRECT, ...fields });
  return {
    options: { data: opened.data, grants },
    code,
    form,
    later: (ms: number) => {
      now += ms;
    },
  };
}

test('authorization_code: a code within its 15 minutes buys the user and a refresh grant; at 15 minutes it is expired', () => {
  const { options, code, form, later } = setup();
  const ok = authorizationCodeGrant(form({ code: code() }), options);
  assert.ok('user' in ok);
  assert.equal(ok.user.Id, DEMO.agent.id);
  assert.equal(ok.newRefreshToken, true);
  assert.equal(options.grants.refreshGrant(ok.grant!.token), ok.grant);

  const stale = code();
  later(CODE_LIFETIME_MS - 1);
  const fresh = code();
  later(1);
  assert.deepEqual(authorizationCodeGrant(form({ code: stale }), options), { error: 'invalid_grant', description: 'expired authorization code' });
  assert.ok('user' in authorizationCodeGrant(form({ code: fresh }), options), 'issued later, still good');
});

test('authorization_code: PKCE, scopes without refresh_token, no client id, a redirect URI that is not the same string', () => {
  const { options, code, form } = setup();
  const verifier = 'a-verifier-of-at-least-forty-three-characters-long';
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  assert.ok('user' in authorizationCodeGrant(form({ code: code({ codeChallenge: challenge }), code_verifier: verifier }), options));
  assert.deepEqual(authorizationCodeGrant(form({ code: code({ codeChallenge: challenge }) }), options), {
    error: 'invalid_grant',
    description: 'invalid code verifier',
  });

  const noRefresh = authorizationCodeGrant(form({ code: code({ scopes: ['api'] }) }), options);
  assert.ok('user' in noRefresh);
  assert.equal(noRefresh.grant, undefined);
  assert.equal(noRefresh.newRefreshToken, false);

  assert.deepEqual(authorizationCodeGrant(form({ code: code(), client_id: '' }), options), {
    error: 'invalid_client_id',
    description: 'client identifier invalid',
  });
  assert.deepEqual(
    authorizationCodeGrant(form({ code: code(), redirect_uri: `${REDIRECT}/` }), options),
    { error: 'redirect_uri_mismatch', description: 'redirect_uri must match configuration' },
    'an exact match: a trailing slash differs',
  );
});

test("refresh_token: the same grant each time, never a new refresh token; unknown or another client's is expired", () => {
  const { options, code, form } = setup();
  const first = authorizationCodeGrant(form({ code: code() }), options);
  assert.ok('grant' in first && first.grant);
  const refresh = (token: string, clientId = 'app') => refreshTokenGrant(new URLSearchParams({ refresh_token: token, client_id: clientId }), options);
  const again = refresh(first.grant.token);
  assert.ok('user' in again);
  assert.equal(again.grant, first.grant);
  assert.equal(again.newRefreshToken, false);
  assert.deepEqual(refresh(first.grant.token, 'other'), { error: 'invalid_grant', description: 'expired access/refresh token' });
  assert.deepEqual(refresh('nope'), { error: 'invalid_grant', description: 'expired access/refresh token' });
  options.grants.revokeRefreshToken(first.grant.token);
  assert.deepEqual(refresh(first.grant.token), { error: 'invalid_grant', description: 'expired access/refresh token' });
});
