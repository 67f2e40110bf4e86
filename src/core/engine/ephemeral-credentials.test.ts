// Signing in with short-lived credentials the CRM mints (credentialScheme `ephemeral`), and
// renewing them before they expire without the agent noticing: driven against the fake phone
// system, which checks them as Kamailio's auth_ephemeral does (HMAC, expiry, extension).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { ConnectorEngine } from './connector-engine.ts';
import { CredentialRefresher } from './credential-refresher.ts';
import { SwitchboardError } from '../errors/catalog.ts';
import { refreshDelayMs, toSipCredentials, type MintedSipCredentials } from '../credentials/minted-credentials.ts';
import type { RegistrationState } from '../ports/telephony-port.ts';
import { CapturingLogger, FakeClock, MemoryStorage, RecordingCrm, settingsMap } from '../testing/index.ts';
import { FakePhoneSystem, type FakeTelephony } from '../../telephony/fake/index.ts';

const SECRET = 'shared-with-the-phone-system';
const TTL = 3600;

function password(digestUsername: string, secret = SECRET): string {
  return createHmac('sha1', secret).update(digestUsername).digest('base64');
}

/** What Salesforce's SwitchboardCredentials.mint answers, in the core's units (expiresAt in ms). */
function mintFor(extension: string, now: number, ttlSeconds = TTL, secret = SECRET): MintedSipCredentials {
  const expiry = Math.floor(now / 1000) + ttlSeconds;
  const username = `${expiry}:${extension}`;
  return { username, password: password(username, secret), extension, expiresAt: expiry * 1000, ttlSeconds };
}

const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Options {
  readonly scheme?: 'agent' | 'ephemeral';
  /** Replaces the minting (default: a good credential for 1001 with TTL). */
  readonly mint?: (now: number) => MintedSipCredentials | Promise<MintedSipCredentials>;
  /** A CRM that cannot mint at all. */
  readonly noMint?: boolean;
}

async function setup(options: Options = {}) {
  const clock = new FakeClock();
  const phone = new FakePhoneSystem({ users: { '1001': 'secret' }, now: () => clock.now(), ephemeralPassword: (u) => password(u) });
  const mint = options.mint ?? ((now: number) => mintFor('1001', now));
  const crm = new RecordingCrm({
    settings: settingsMap({ '/switchboard/credentialScheme': options.scheme ?? 'ephemeral' }),
    ...(options.noMint ? {} : { mint: () => mint(clock.now()) }),
  });
  const telephonies: FakeTelephony[] = [];
  const engine = new ConnectorEngine({
    crm,
    createTelephony: () => {
      const t = phone.createTelephony();
      telephonies.push(t);
      return t;
    },
    storage: new MemoryStorage(),
    clock,
    logger: new CapturingLogger(),
  });
  const errors: SwitchboardError[] = [];
  const registrations: RegistrationState[] = [];
  engine.events.on('error', (e) => errors.push(e));
  engine.events.on('change', (s) => {
    if (registrations.at(-1) !== s.registration) registrations.push(s.registration);
  });
  await engine.start();
  const settle = async () => {
    for (let i = 0; i < 5; i++) await macrotask();
    await phone.settle();
  };
  await settle();
  return {
    engine,
    phone,
    crm,
    clock,
    errors,
    registrations,
    settle,
    get telephony(): FakeTelephony {
      const t = telephonies[0];
      assert.ok(t, 'no telephony adapter was built');
      return t;
    },
    mints: () => crm.count('mintSipCredentials'),
    /** Moves the clock and lets the renewals it triggers finish. */
    async advance(ms: number) {
      clock.advance(ms);
      await settle();
    },
  };
}

describe('ephemeral credentials: signing in', () => {
  it('start mints and registers by itself: the address is the extension, the digest user carries the expiry', async () => {
    const h = await setup();
    assert.equal(h.mints(), 1);
    assert.equal(h.engine.state.phase, 'ready');
    assert.equal(h.engine.state.registration.state, 'registered');
    assert.equal(h.telephony.extension, '1001');
    const expiry = Math.floor(h.clock.now() / 1000) + TTL;
    assert.deepEqual(h.engine.state.signedInAs, { extension: '1001', credentialExpiresAt: expiry * 1000 });
    assert.deepEqual(
      h.phone.authAttempts.map((a) => [a.extension, a.digestUsername, a.refused]),
      [['1001', `${expiry}:1001`, undefined]],
    );
    assert.equal(h.engine.state.presence.status, 'available');
    assert.deepEqual(h.errors, []);
  });

  it('typed credentials are refused under the ephemeral scheme; the agent scheme never mints', async () => {
    const h = await setup();
    await h.engine.execute({ type: 'sign-out' });
    await assert.rejects(
      h.engine.execute({ type: 'sign-in', username: '1001', password: 'secret' }),
      (e: SwitchboardError) => e.code === 'SB20001' && /no password to type/.test(e.message),
    );
    assert.equal(h.engine.state.phase, 'signed-out');

    const agent = await setup({ scheme: 'agent' });
    assert.equal(agent.engine.state.phase, 'signed-out', 'the agent scheme waits for the agent to sign in');
    await agent.engine.execute({ type: 'sign-in', username: '1001', password: 'secret' });
    await agent.settle();
    assert.equal(agent.engine.state.registration.state, 'registered');
    assert.deepEqual(agent.engine.state.signedInAs, { extension: '1001' });
    await agent.advance(2 * TTL * 1000);
    assert.equal(agent.mints(), 0);
    assert.deepEqual(
      agent.phone.authAttempts.map((a) => a.digestUsername),
      ['1001'],
    );
  });

  it('a CRM that cannot mint: a clear configuration error, nothing registered', async () => {
    const h = await setup({ noMint: true });
    assert.equal(h.engine.state.phase, 'signed-out');
    assert.equal(h.engine.state.lastError?.code, 'SB10001');
    assert.match(h.engine.state.lastError?.message ?? '', /credentialScheme is ephemeral/);
    assert.equal(h.phone.authAttempts.length, 0);
  });

  it('a failed mint is retried with backoff and surfaces SB30005 until one succeeds', async () => {
    let failuresLeft = 3;
    const h = await setup({
      mint: (now) => {
        if (failuresLeft-- > 0) throw new SwitchboardError('SB30005', 'SwitchboardCredentials.mint: your user has no extension.');
        return mintFor('1001', now);
      },
    });
    assert.equal(h.engine.state.phase, 'signed-out');
    assert.equal(h.engine.state.lastError?.code, 'SB30005');
    assert.match(h.engine.state.lastError?.message ?? '', /no extension/);
    assert.equal(h.errors.length, 1);
    // Backoff 2 s, 4 s, 8 s: nothing before each step is due.
    await h.advance(1999);
    assert.equal(h.mints(), 1);
    await h.advance(1);
    assert.equal(h.mints(), 2);
    assert.equal(h.errors.length, 2, 'each background failure is reported');
    await h.advance(3999);
    assert.equal(h.mints(), 2);
    await h.advance(1);
    assert.equal(h.mints(), 3);
    await h.advance(8000);
    assert.equal(h.mints(), 4);
    assert.equal(h.engine.state.phase, 'ready');
    assert.equal(h.engine.state.registration.state, 'registered');
    assert.equal(h.engine.state.lastError, undefined, 'the error clears once signed in');
  });

  it('a credential the phone system refuses ends the attempt (SB20001) instead of minting in a loop', async () => {
    const h = await setup({ mint: (now) => mintFor('1001', now, TTL, 'not-the-shared-secret') });
    assert.equal(h.engine.state.phase, 'signed-out');
    assert.equal(h.engine.state.lastError?.code, 'SB20001');
    await h.advance(10 * 60_000);
    assert.equal(h.mints(), 1);
  });
});

describe('ephemeral credentials: renewal', () => {
  it('renews at 80 % of the lifetime; the next re-REGISTER uses the new credential; the call in progress goes on', async () => {
    const h = await setup();
    const far = h.phone.callAgent({ from: '+14155550134' });
    await h.settle();
    await h.engine.execute({ type: 'answer', callId: far.callId });
    await h.settle();
    assert.equal(far.status, 'active');
    const firstExpiry = h.engine.state.signedInAs?.credentialExpiresAt;

    await h.advance(TTL * 800 - 1);
    assert.equal(h.mints(), 1, 'not renewed before 80 % of the lifetime');
    await h.advance(1);
    assert.equal(h.mints(), 2, 'renewed at 80 % of the lifetime');
    const renewed = h.engine.state.signedInAs?.credentialExpiresAt;
    assert.ok(renewed !== undefined && firstExpiry !== undefined && renewed > firstExpiry);
    assert.equal(h.phone.authAttempts.length, 1, 'renewal itself sends nothing: no unregister, no new REGISTER');

    // Past the first credential's expiry, the registrar refreshes the binding: it must pass.
    await h.advance(TTL * 200 + 1000);
    h.phone.refreshRegistrations();
    await h.settle();
    assert.equal(h.engine.state.registration.state, 'registered');
    const last = h.phone.authAttempts.at(-1);
    assert.equal(last?.refused, undefined);
    assert.equal(last?.digestUsername, `${renewed / 1000}:1001`);
    assert.ok(!h.registrations.some((r, i) => i > 0 && r.state === 'unregistered'), 'never unregistered');
    assert.equal(far.status, 'active', 'the call is untouched');
    assert.equal(h.engine.state.calls[0]?.state, 'active');
    assert.deepEqual(h.errors, []);
  });

  it('without a renewal the same refresh would fail: the fake registrar does check expiry', async () => {
    const clock = new FakeClock();
    const phone = new FakePhoneSystem({ now: () => clock.now(), ephemeralPassword: (u) => password(u) });
    const t = phone.createTelephony();
    await t.register(toSipCredentials(mintFor('1001', clock.now(), 60)));
    clock.advance(61_000);
    phone.refreshRegistrations();
    await macrotask();
    assert.equal(t.registration.state, 'failed');
    assert.match(phone.authAttempts.at(-1)?.refused ?? '', /expired/);
  });

  it('a failed renewal keeps the registration, reports SB30005 and retries before the credential expires', async () => {
    let fail = false;
    const h = await setup({
      mint: (now) => {
        if (fail) throw new Error('Salesforce is unreachable');
        return mintFor('1001', now);
      },
    });
    fail = true;
    await h.advance(TTL * 800);
    assert.equal(h.mints(), 2);
    assert.equal(h.engine.state.lastError?.code, 'SB30005');
    assert.match(h.engine.state.lastError?.message ?? '', /unreachable/);
    assert.equal(h.engine.state.registration.state, 'registered', 'the current credential is still good');
    assert.equal(h.engine.state.phase, 'ready');
    fail = false;
    await h.advance(2000);
    assert.equal(h.mints(), 3);
    assert.equal(h.engine.state.lastError, undefined);
    await h.advance(TTL * 200);
    h.phone.refreshRegistrations();
    await h.settle();
    assert.equal(h.engine.state.registration.state, 'registered');
  });

  it('a registration lost to an expired credential comes back with the next minted one, calls untouched', async () => {
    let fail = false;
    const h = await setup({
      mint: (now) => {
        if (fail) throw new Error('Salesforce is unreachable');
        return mintFor('1001', now, 120);
      },
    });
    const far = h.phone.callAgent({ from: '+14155550134' });
    await h.settle();
    await h.engine.execute({ type: 'answer', callId: far.callId });
    await h.settle();
    fail = true;
    // 120 s credential: renewal due at 60 s (never later than 60 s before expiry); it fails until 130 s.
    await h.advance(60_000);
    await h.advance(70_000);
    h.phone.refreshRegistrations();
    await h.settle();
    assert.equal(h.engine.state.registration.state, 'failed');
    fail = false;
    await h.advance(60_000);
    assert.equal(h.engine.state.registration.state, 'registered', 'registered again with the renewed credential');
    assert.equal(far.status, 'active');
    assert.equal(h.engine.state.calls[0]?.state, 'active');
  });

  it('sign-out stops renewing; signing in again mints afresh', async () => {
    const h = await setup();
    await h.engine.execute({ type: 'sign-out' });
    await h.settle();
    assert.equal(h.engine.state.phase, 'signed-out');
    assert.equal(h.engine.state.signedInAs, undefined);
    await h.advance(3 * TTL * 1000);
    assert.equal(h.mints(), 1, 'no renewal after sign-out');
    await h.engine.execute({ type: 'sign-in' });
    await h.settle();
    assert.equal(h.mints(), 2);
    assert.equal(h.engine.state.registration.state, 'registered');
  });

  it('dispose stops renewing too', async () => {
    const h = await setup();
    h.engine.dispose();
    await h.advance(3 * TTL * 1000);
    assert.equal(h.mints(), 1);
  });
});

describe('credential renewal schedule', () => {
  it('80 % of the lifetime, never later than 60 s before expiry, half-life when shorter', () => {
    assert.equal(refreshDelayMs(3_600_000), 2_880_000);
    assert.equal(refreshDelayMs(600_000), 480_000);
    assert.equal(refreshDelayMs(120_000), 60_000);
    assert.equal(refreshDelayMs(90_000), 45_000);
    assert.equal(refreshDelayMs(0), 0);
  });

  it('counts the lifetime from now when the minting clock is ahead; an expiry nearer by our clock wins', async () => {
    const clock = new FakeClock();
    const minted: MintedSipCredentials[] = [];
    const make = (expiresAt: number): MintedSipCredentials => ({
      username: `${expiresAt / 1000}:1001`,
      password: 'p',
      extension: '1001',
      expiresAt,
      ttlSeconds: 600,
    });
    const queue = [make(clock.now() + 3_600_000), make(clock.now() + 480_000 + 100_000)];
    const r = new CredentialRefresher({
      mint: async () => queue.shift() ?? make(clock.now() + 600_000),
      apply: async (c) => void minted.push(c),
      onError: () => assert.fail('no error expected'),
      clock,
      logger: new CapturingLogger(),
    });
    await r.start();
    // TTL 600 s, though the expiry (another clock) says an hour: renewal at 480 s.
    assert.equal(clock.nextDue(), clock.now() + 480_000);
    clock.advance(480_000);
    await macrotask();
    assert.equal(minted.length, 2);
    // This one expires 100 s from now by our clock (less than its TTL): renewal at half of that.
    assert.equal(clock.nextDue(), clock.now() + 50_000);
    r.stop();
    assert.equal(clock.pending, 0);
  });
});
