// Reading Salesforce's SwitchboardCredentials.mint answer at the edge: through Lightning's and
// Classic's runApex over the fake org, and every way the answer can be wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SwitchboardError } from '../../core/index.ts';
import { FakeCrm } from '../fake/fake-crm.ts';
import { FakeOrg, type FakeCredentialMinting } from '../fake/fake-org.ts';
import { OpenCtiClassicApi } from '../opencti-classic/classic-api.ts';
import { readInteraction } from '../opencti-classic/interaction-library.ts';
import { OpenCtiLightningApi } from '../opencti-lightning/lightning-api.ts';
import { readOpenCti } from '../opencti-lightning/opencti-library.ts';
import { FakeClock } from '../testing/fake-clock.ts';
import { installFakeSforce } from '../testing/fake-sforce.ts';
import { testSettings } from '../testing/test-fixtures.ts';
import { CREDENTIALS_APEX_CLASS, CREDENTIALS_APEX_METHOD, mintThroughApex, readMintedCredentials } from './sip-credentials.ts';
import { SalesforceApiError } from './salesforce-error.ts';

const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const EXPIRY = NOW / 1000 + 3600;
/** Not a real HMAC: the adapters never compute one; they carry what Salesforce signed. */
const sign = (username: string) => `sig(${username})`;
const GOOD = { username: `${EXPIRY}:1001`, password: `sig(${EXPIRY}:1001)`, extension: '1001', expiresAt: EXPIRY, ttlSeconds: 3600 };

function orgMinting(minting: Partial<FakeCredentialMinting> = {}): FakeOrg {
  return new FakeOrg({ sipCredentials: { extension: '1001', sign, now: () => NOW, ...minting } });
}

function lightning(org: FakeOrg) {
  const win: { sforce?: unknown } = {};
  const control = installFakeSforce(win, org);
  const lib = readOpenCti({ sforce: win.sforce, location: { search: '', protocol: 'https:' }, addEventListener: () => {}, removeEventListener: () => {} });
  assert.ok(lib);
  const api = new OpenCtiLightningApi(lib, new FakeClock(), 5_000);
  return { surface: { runApex: (c: string, m: string, p: string) => api.runApex(c, m, p) }, control };
}

function classic(org: FakeOrg) {
  const win: { sforce?: unknown } = {};
  const control = installFakeSforce(win, org);
  const lib = readInteraction({ sforce: win.sforce, location: { search: '', protocol: 'https:' }, addEventListener: () => {}, removeEventListener: () => {} });
  assert.ok(lib);
  const api = new OpenCtiClassicApi(lib, new FakeClock(), 5_000);
  return { surface: { runApex: (c: string, m: string, p: string) => api.runApex(c, m, p) }, control };
}

async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<SwitchboardError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SwitchboardError, `expected a SwitchboardError, got ${String(error)}`);
    assert.equal(error.code, 'SB30005');
    assert.match(error.message, pattern);
    return error;
  }
  assert.fail(`expected SB30005 matching ${pattern}`);
}

for (const [name, over] of [
  ['Lightning', lightning],
  ['Classic', classic],
] as const) {
  test(`${name}: mints through runApex SwitchboardCredentials.mint; expiresAt becomes epoch ms`, async () => {
    const { surface, control } = over(orgMinting());
    const minted = await mintThroughApex(surface);
    assert.deepEqual(minted, { ...GOOD, expiresAt: EXPIRY * 1000 });
    const call = control.calls.find((c) => c.method === 'runApex');
    assert.ok(call);
    const args =
      name === 'Lightning'
        ? [(call.args[0] as Record<string, unknown>).apexClass, (call.args[0] as Record<string, unknown>).methodName]
        : call.args.slice(0, 2);
    assert.deepEqual(args, [CREDENTIALS_APEX_CLASS, CREDENTIALS_APEX_METHOD]);
  });

  test(`${name}: the Apex method's refusal reaches the agent as SB30005 with Salesforce's reason`, async () => {
    await rejects(mintThroughApex(over(orgMinting({ extension: undefined })).surface), /no extension \(User\.SwitchboardExtension__c is empty\)/);
    await rejects(mintThroughApex(over(orgMinting({ sign: undefined })).surface), /shared secret is not configured/);
    const org = orgMinting();
    org.unregisterApexClass(CREDENTIALS_APEX_CLASS);
    await rejects(mintThroughApex(over(org).surface), /SwitchboardCredentials is not deployed/);
  });
}

test('FakeCrm mints through the same path (SalesforceCrm over the fake surface)', async () => {
  const crm = new FakeCrm({ settings: testSettings(), sipCredentials: { extension: '1002', sign, now: () => NOW, ttlSeconds: 600 } });
  const minted = await crm.mintSipCredentials();
  assert.equal(minted.username, `${NOW / 1000 + 600}:1002`);
  assert.equal(minted.extension, '1002');
  assert.equal(minted.ttlSeconds, 600);
  crm.dispose();
});

test('a malformed answer is refused with the field at fault, never echoing the password', () => {
  const cases: [unknown, RegExp][] = [
    ['', /not JSON|nothing/],
    ['not json', /not JSON/],
    [null, /nothing/],
    [[GOOD], /a list, not an object/],
    [{ ...GOOD, extension: undefined }, /"extension"/],
    [{ ...GOOD, extension: '10 01' }, /"extension"/],
    [{ ...GOOD, username: undefined }, /"username" is missing/],
    [{ ...GOOD, username: '1001' }, /"<expiry seconds>:<extension>"/],
    [{ ...GOOD, username: `${EXPIRY}:1002` }, /names extension 1002, "extension" is 1001/],
    [{ ...GOOD, password: '' }, /"password" is missing/],
    [{ ...GOOD, expiresAt: EXPIRY * 1000 }, /differs from the expiry in "username"/],
    [{ ...GOOD, expiresAt: String(EXPIRY) }, /whole seconds/],
    [{ ...GOOD, ttlSeconds: 0 }, /"ttlSeconds"/],
    [{ error: 'Your user has no extension.' }, /Your user has no extension/],
  ];
  for (const [value, pattern] of cases) {
    assert.throws(
      () => readMintedCredentials(value),
      (e: unknown) => {
        assert.ok(e instanceof SwitchboardError, String(e));
        assert.equal(e.code, 'SB30005');
        assert.match(e.message, pattern, JSON.stringify(value));
        assert.ok(!e.message.includes(GOOD.password), 'the password never appears in an error');
        return true;
      },
    );
  }
  assert.deepEqual(readMintedCredentials(JSON.stringify(GOOD)), { ...GOOD, expiresAt: EXPIRY * 1000 });
});

test('a runApex that times out or throws is SB30005 too, keeping the cause', async () => {
  const timeout = new SalesforceApiError('runApex', [{ code: 'TIMEOUT', description: 'no answer' }], 'timeout');
  const e = await rejects(mintThroughApex({ runApex: () => Promise.reject(timeout) }), /did not answer in time/);
  assert.equal(e.cause, timeout);
  await rejects(mintThroughApex({ runApex: () => Promise.reject(new Error('boom')) }), /failed: boom/);
});
