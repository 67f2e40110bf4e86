import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { CODE_LIFETIME_MS, DEFAULT_SCOPES, OAuthGrants, allowsRefresh, parseScopes, verifierMatches } from './oauth-grants.ts';

const code = { userId: '005000000000001AAA', clientId: 'app', redirectUri: 'http://localhost:1717/OauthRedirect', scopes: ['api', 'refresh_token'] };

test('an authorization code works once, and not after its 15 minutes', () => {
  let now = 1_000_000;
  const grants = new OAuthGrants(() => now);
  const first = grants.issueCode(code);
  assert.equal(first.expiresAt, now + CODE_LIFETIME_MS);
  assert.deepEqual(grants.redeemCode(first.code), first);
  assert.equal(grants.redeemCode(first.code), undefined, 'a used code is gone');
  assert.equal(grants.redeemCode('never-issued'), undefined);

  const late = grants.issueCode(code);
  now += CODE_LIFETIME_MS;
  assert.equal(grants.redeemCode(late.code), 'expired');
  assert.equal(grants.redeemCode(late.code), undefined, 'an expired code is gone too');
  assert.notEqual(grants.issueCode(code).code, grants.issueCode(code).code, 'codes are random');
});

test('codes nobody redeemed are dropped once expired, when the next one is issued', () => {
  let now = 0;
  const grants = new OAuthGrants(() => now);
  const stale = grants.issueCode(code);
  now = CODE_LIFETIME_MS + 1;
  grants.issueCode(code);
  assert.equal(grants.redeemCode(stale.code), undefined, 'swept, not merely expired');
});

test('revoking a refresh token hands back the access tokens issued with it, once', () => {
  const grants = new OAuthGrants();
  const grant = grants.issueRefreshToken('005000000000001AAA', 'app', ['refresh_token']);
  assert.match(grant.token, /^5Aep[\w-]{40,}$/);
  assert.equal(grants.refreshGrant(grant.token), grant);
  grant.accessTokens.add('access-1');
  grant.accessTokens.add('access-2');
  grants.forgetAccessToken('access-1');
  assert.deepEqual(grants.revokeRefreshToken(grant.token), ['access-2']);
  assert.equal(grants.refreshGrant(grant.token), undefined);
  assert.equal(grants.revokeRefreshToken(grant.token), undefined);
});

test('scopes: the default set when none is asked for, the first unknown one named, refresh only with refresh_token or offline_access', () => {
  assert.deepEqual(parseScopes(null), { scopes: DEFAULT_SCOPES });
  assert.deepEqual(parseScopes('  '), { scopes: DEFAULT_SCOPES });
  assert.deepEqual(parseScopes('api id api'), { scopes: ['api', 'id'] });
  assert.deepEqual(parseScopes('api+web'), { scopes: ['api', 'web'] });
  assert.deepEqual(parseScopes('api everything web'), { unknown: 'everything' });
  assert.equal(allowsRefresh(['api', 'refresh_token']), true);
  assert.equal(allowsRefresh(['offline_access']), true);
  assert.equal(allowsRefresh(['api', 'web']), false);
});

test('PKCE S256: the verifier must hash to the challenge', () => {
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  assert.equal(challenge, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'RFC 7636 appendix B');
  assert.equal(verifierMatches(verifier, challenge), true);
  assert.equal(verifierMatches(`${verifier}x`, challenge), false);
  assert.equal(verifierMatches('', challenge), false);
});
