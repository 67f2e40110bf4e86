import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { certificateKey, TelephonyApiError, verifyTelephonyToken, type TelephonyAuthOptions } from './telephony-auth.ts';
import { forgedToken, makeTelephonyKeys, telephonyToken, type TelephonyKeys } from './test-support/telephony-keys.ts';

const ORG = '00D5g000000SwBdEAK';
const NOW_S = Math.floor(Date.parse('2026-12-07T02:00:00Z') / 1000);
let keys: TelephonyKeys;
let other: TelephonyKeys;
let options: TelephonyAuthOptions;

before(() => {
  keys = makeTelephonyKeys();
  other = makeTelephonyKeys();
  const certificates: Record<string, string> = { SwitchboardVoice: keys.certificate, NoCert: '', BadCert: 'not a certificate' };
  options = { orgId: ORG, certificateOf: (cc) => certificates[cc], now: () => NOW_S * 1000 };
});

const token = (over: Partial<Parameters<typeof telephonyToken>[1]> = {}, key = keys.privateKey) =>
  telephonyToken(key, { orgId: ORG, callCenter: 'SwitchboardVoice', iat: NOW_S, ...over });

async function refusal(authorization: string | undefined, opts = options): Promise<TelephonyApiError> {
  try {
    await verifyTelephonyToken(authorization, opts);
  } catch (e) {
    if (e instanceof TelephonyApiError) return e;
    throw e;
  }
  assert.fail('expected a refusal');
}

test("a token signed with the call center's certificate key is accepted, with or without aud, 15- or 18-character org id", async () => {
  const caller = await verifyTelephonyToken(`Bearer ${await token()}`, options);
  assert.equal(caller.callCenter, 'SwitchboardVoice');
  assert.equal(caller.claims.iss, ORG);
  assert.equal((await verifyTelephonyToken(`Bearer ${await token({ aud: null })}`, options)).callCenter, 'SwitchboardVoice');
  assert.equal((await verifyTelephonyToken(`bearer ${await token({ orgId: ORG.slice(0, 15) })}`, options)).callCenter, 'SwitchboardVoice');
  // A clock a little behind or ahead of the vendor's is tolerated.
  assert.ok(await verifyTelephonyToken(`Bearer ${await token({ iat: NOW_S - 140 })}`, options), 'expired 20 s ago: within the skew');
  assert.ok(await verifyTelephonyToken(`Bearer ${await token({ iat: NOW_S + 20 })}`, options), 'issued 20 s ahead: within the skew');
});

test('the certificate is read with or without its BEGIN/END lines and line breaks', async () => {
  const body = keys.certificate.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '');
  assert.equal(certificateKey(body).asymmetricKeyType, 'rsa');
  assert.equal(certificateKey(body.replace(/\s+/g, '')).asymmetricKeyType, 'rsa');
  const bare = { ...options, certificateOf: () => body.replace(/\s+/g, '') };
  assert.equal((await verifyTelephonyToken(`Bearer ${await token()}`, bare)).callCenter, 'SwitchboardVoice');
});

test('refusals: header, algorithm, signature, expiry, issuer, audience, lifetime, iat, call center and certificate', async () => {
  const claims = { iss: ORG, sub: 'SwitchboardVoice', aud: 'https://scrt.salesforce.com', iat: NOW_S, exp: NOW_S + 120 };
  const cases: [string, string | undefined, number, string, RegExp][] = [
    ['no header', undefined, 401, 'MISSING_AUTH_TOKEN', /Bearer/],
    ['basic auth', 'Basic dXNlcjpwYXNz', 401, 'MISSING_AUTH_TOKEN', /Bearer/],
    ['not a JWT', 'Bearer abc.def', 401, 'INVALID_AUTH_TOKEN', /not a JWT/],
    ['alg none', `Bearer ${forgedToken('none', claims, keys.certificate)}`, 401, 'INVALID_AUTH_TOKEN', /'none' is refused/],
    ['HS256 keyed by the certificate', `Bearer ${forgedToken('HS256', claims, keys.certificate)}`, 401, 'INVALID_AUTH_TOKEN', /'HS256' is refused/],
    ['another key', `Bearer ${await token({}, other.privateKey)}`, 401, 'INVALID_AUTH_TOKEN', /signature does not verify/],
    ['expired', `Bearer ${await token({ iat: NOW_S - 600 })}`, 401, 'EXPIRED_AUTH_TOKEN', /expired at 2026-12-07T01:52:00.000Z/],
    ['no exp', `Bearer ${await token({ noExp: true })}`, 401, 'INVALID_AUTH_TOKEN', /exp/],
    ['wrong issuer', `Bearer ${await token({ orgId: '00D000000000001AAA' })}`, 401, 'INVALID_AUTH_TOKEN', /iss claim must be the org id 00D5g000000SwBdEAK/],
    [
      'wrong audience',
      `Bearer ${await token({ aud: 'https://login.salesforce.com' })}`,
      401,
      'INVALID_AUTH_TOKEN',
      /aud claim must be https:\/\/scrt.salesforce.com/,
    ],
    ['lives too long', `Bearer ${await token({ lifetime: 4 * 3600 })}`, 401, 'INVALID_AUTH_TOKEN', /lives 14400 s.*at most 3600/],
    ['issued in the future', `Bearer ${await token({ iat: NOW_S + 600 })}`, 401, 'INVALID_AUTH_TOKEN', /iat claim is in the future/],
    ['unknown call center', `Bearer ${await token({ callCenter: 'Nope' })}`, 403, 'INVALID_CALL_CENTER', /No call center with the API name 'Nope'/],
    [
      'call center without certificate',
      `Bearer ${await token({ callCenter: 'NoCert' })}`,
      403,
      'MISSING_CERTIFICATE',
      /has no Telephony Integration Certificate/,
    ],
    ['unreadable certificate', `Bearer ${await token({ callCenter: 'BadCert' })}`, 403, 'INVALID_CERTIFICATE', /unusable/],
  ];
  for (const [what, header, status, code, message] of cases) {
    const e = await refusal(header);
    assert.deepEqual([e.status, e.errorCode], [status, code], what);
    assert.match(e.message, message, what);
  }
});

test('a certificate of an EC key cannot verify RS256', async () => {
  const ec = makeTelephonyKeys('ec');
  const e = await refusal(`Bearer ${await token()}`, { ...options, certificateOf: () => ec.certificate });
  assert.deepEqual([e.status, e.errorCode], [403, 'INVALID_CERTIFICATE']);
  assert.match(e.message, /ec key/);
});
