import assert from 'node:assert/strict';
import { generateKeyPairSync, createPublicKey, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader, importX509, jwtVerify } from 'jose';
import type { Logger } from '../../core/index.ts';
import { startVoiceBridge, type VoiceBridge } from './bridge-server.ts';
import { generateKeyPair } from './keygen.ts';
import { KEY_ENV, loadPrivateKey } from './private-key.ts';
import { ScrtClient, apiBase } from './scrt-client.ts';
import { SCRT_AUDIENCE, TOKEN_LIFETIME_S } from './scrt-token.ts';
import { startFakeScrt, type FakeScrt } from './test-support/fake-scrt.ts';

const ORG = '00D5g000000SwBdEAK';
const CENTER = 'Switchboard_Voice';
const PROVIDER = 'Switchboard';

let dir: string;
let key: KeyObject;
let certificate: string;
let scrt: FakeScrt;
const logLines: string[] = [];
const logger: Logger = { log: (level, message, data) => logLines.push(JSON.stringify({ level, message, ...data })) };

async function bridgeWith(options: { timeoutMs?: number; attempts?: number; token?: string } = {}): Promise<VoiceBridge> {
  const client = new ScrtClient({
    scrtUrl: scrt.url,
    orgId: ORG,
    callCenter: CENTER,
    providerName: PROVIDER,
    key,
    logger,
    timeoutMs: options.timeoutMs ?? 2000,
    attempts: options.attempts ?? 3,
    backoffMs: 20,
  });
  return startVoiceBridge({ client, port: 0, logger, ...(options.token ? { token: options.token } : {}) });
}

async function post(bridge: VoiceBridge, path: string, body: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${bridge.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A loopback port nobody listens on. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-voice-bridge-'));
  const files = generateKeyPair(dir);
  certificate = files.certificate;
  key = loadPrivateKey({ file: files.keyPath });
  scrt = await startFakeScrt({ certificatePem: certificate, orgId: ORG, callCenter: CENTER, providerName: PROVIDER });
});
after(async () => {
  await scrt.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('voice bridge: create and close a VoiceCall', () => {
  it('signs an RS256 JWT the certificate verifies, with the contract claims and a fresh jti each request', async () => {
    const bridge = await bridgeWith();
    try {
      const from = scrt.requests.length;
      const before = Math.floor(Date.now() / 1000);
      assert.equal((await post(bridge, '/v1/calls', { vendorCallKey: 'jwt-1@host', from: '+15550100', to: '+15550199' })).status, 200);
      assert.equal((await post(bridge, '/v1/calls/jwt-1%40host/end', {})).status, 200);
      const seen = scrt.requests.slice(from);
      assert.equal(seen.length, 2);
      const publicKey = await importX509(certificate, 'RS256');
      const jtis = new Set<string>();
      for (const r of seen) {
        const token = /^Bearer (.+)$/.exec(r.headers.authorization ?? '')?.[1] ?? '';
        assert.deepEqual(decodeProtectedHeader(token), { alg: 'RS256', typ: 'JWT' });
        const { payload } = await jwtVerify(token, publicKey, { algorithms: ['RS256'] });
        assert.equal(payload.iss, ORG);
        assert.equal(payload.sub, CENTER);
        assert.equal(payload.aud, SCRT_AUDIENCE);
        assert.ok(payload.iat !== undefined && payload.iat >= before && payload.iat <= Math.ceil(Date.now() / 1000));
        assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), TOKEN_LIFETIME_S);
        assert.match(String(payload.jti), /^[0-9a-f-]{36}$/);
        jtis.add(String(payload.jti));
        assert.equal(r.headers['telephony-provider-name'], PROVIDER);
        assert.equal(r.headers['content-type'], 'application/json');
      }
      assert.equal(jtis.size, 2);
      // A token signed by another key is refused by the same verification.
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      const stranger = new ScrtClient({ scrtUrl: scrt.url, orgId: ORG, callCenter: CENTER, providerName: PROVIDER, key: other, logger, attempts: 1 });
      await assert.rejects(
        stranger.createVoiceCall({ vendorCallKey: 'x', from: 'a', to: 'b', startTime: new Date().toISOString(), initiationMethod: 'Inbound' }),
        (e: Error & { upstreamStatus?: number }) => e.upstreamStatus === 401 && /signature/i.test(e.message),
      );
    } finally {
      await bridge.close();
    }
  });

  it('POSTs /voiceCalls with every field Salesforce needs, callAttributes as a JSON string', async () => {
    const bridge = await bridgeWith();
    try {
      const from = scrt.requests.length;
      const res = await post(bridge, '/v1/calls', {
        vendorCallKey: 'abc123@10.0.0.1',
        from: 'sip:+15550100@carrier',
        to: '+15550199',
        startTime: '2026-12-07T02:00:00+01:00',
        callAttributes: { IVR_Choice__c: 'billing', Language__c: 'fr' },
      });
      assert.equal(res.status, 200);
      const stored = scrt.calls.get('abc123@10.0.0.1');
      assert.ok(stored);
      assert.deepEqual(res.body, { voiceCallId: stored.id, vendorCallKey: 'abc123@10.0.0.1' });
      const sent = scrt.requests[from];
      assert.equal(sent.method, 'POST');
      assert.equal(sent.path, '/telephony/v1/voiceCalls');
      assert.deepEqual(sent.body, {
        callCenterApiName: CENTER,
        vendorCallKey: 'abc123@10.0.0.1',
        to: '+15550199',
        from: 'sip:+15550100@carrier',
        initiationMethod: 'Inbound',
        startTime: '2026-12-07T01:00:00.000Z',
        participants: [{ participantKey: 'sip:+15550100@carrier', type: 'END_USER' }],
        callAttributes: '{"IVR_Choice__c":"billing","Language__c":"fr"}',
      });
      // A transfer names its parent; the start time defaults to now.
      const t0 = Date.now();
      assert.equal(
        (
          await post(bridge, '/v1/calls', {
            vendorCallKey: 'xfer-1',
            from: '+1',
            to: '2001',
            initiationMethod: 'Transfer',
            parentVendorCallKey: 'abc123@10.0.0.1',
          })
        ).status,
        200,
      );
      const xfer = scrt.requests.at(-1)?.body as Record<string, unknown>;
      assert.equal(xfer.initiationMethod, 'Transfer');
      assert.equal(xfer.parentVoiceCallId, 'abc123@10.0.0.1');
      assert.equal(xfer.callAttributes, undefined);
      const start = Date.parse(String(xfer.startTime));
      assert.ok(start >= t0 - 1000 && start <= Date.now() + 1000, String(xfer.startTime));
    } finally {
      await bridge.close();
    }
  });

  it('PATCHes /voiceCalls/{vendorCallKey} at the end with the end time, reason and recording', async () => {
    const bridge = await bridgeWith();
    try {
      await post(bridge, '/v1/calls', { vendorCallKey: 'end-1@h', from: '+1', to: '+2' });
      const res = await post(bridge, `/v1/calls/${encodeURIComponent('end-1@h')}/end`, {
        endTime: '2026-12-07T02:05:00Z',
        disconnectReason: 'CUSTOMER_DISCONNECT',
        recordingLocation: 'https://rec.example/end-1.wav',
        totalRecordingDuration: 42,
      });
      assert.deepEqual(res, { status: 200, body: { ok: true } });
      const sent = scrt.requests.at(-1);
      assert.equal(sent?.method, 'PATCH');
      assert.equal(sent?.path, '/telephony/v1/voiceCalls/end-1%40h');
      assert.deepEqual(sent?.body, {
        endTime: '2026-12-07T02:05:00.000Z',
        disconnectReason: 'CUSTOMER_DISCONNECT',
        recordingLocation: 'https://rec.example/end-1.wav',
        totalRecordingDuration: 42,
      });
      assert.deepEqual(scrt.calls.get('end-1@h')?.updates, [sent?.body]);
      // Without a body: only the end time, now.
      await post(bridge, '/v1/calls/end-1%40h/end', {});
      assert.deepEqual(Object.keys(scrt.requests.at(-1)?.body as object), ['endTime']);
    } finally {
      await bridge.close();
    }
  });

  it('passes the hold and interaction metrics and the accept time on in the end PATCH, once', async () => {
    const bridge = await bridgeWith();
    try {
      await post(bridge, '/v1/calls', { vendorCallKey: 'holds-1', from: '+1', to: '+2' });
      const res = await post(bridge, '/v1/calls/holds-1/end', {
        endTime: '2026-12-07T02:10:00Z',
        disconnectReason: 'TRANSFER',
        acceptTime: '2026-12-07T03:00:05+01:00',
        numberOfHolds: 2,
        totalHoldDuration: 47,
        longestHoldDuration: 30,
        agentInteractionDuration: 248,
      });
      assert.deepEqual(res, { status: 200, body: { ok: true } });
      assert.deepEqual(scrt.calls.get('holds-1')?.updates, [
        {
          endTime: '2026-12-07T02:10:00.000Z',
          disconnectReason: 'TRANSFER',
          acceptTime: '2026-12-07T02:00:05.000Z',
          numberOfHolds: 2,
          totalHoldDuration: 47,
          longestHoldDuration: 30,
          agentInteractionDuration: 248,
        },
      ]);
      // A call without holds: zeros are values, sent as such.
      await post(bridge, '/v1/calls', { vendorCallKey: 'holds-2', from: '+1', to: '+2' });
      await post(bridge, '/v1/calls/holds-2/end', { numberOfHolds: 0, totalHoldDuration: 0, longestHoldDuration: 0, agentInteractionDuration: 12 });
      const sent = scrt.calls.get('holds-2')?.updates[0];
      assert.deepEqual(
        [sent?.numberOfHolds, sent?.totalHoldDuration, sent?.longestHoldDuration, sent?.agentInteractionDuration, sent?.acceptTime],
        [0, 0, 0, 12, undefined],
      );
    } finally {
      await bridge.close();
    }
  });

  it('retries a create whose first answer timed out, and Salesforce keeps exactly one VoiceCall', async () => {
    const bridge = await bridgeWith({ timeoutMs: 600 });
    try {
      const from = scrt.requests.length;
      scrt.delayNext(1, 1500); // Salesforce makes the record, but answers after the bridge gave up.
      const res = await post(bridge, '/v1/calls', { vendorCallKey: 'slow-1@h', from: '+1', to: '+2' });
      assert.equal(res.status, 200);
      const creates = scrt.requests.slice(from).filter((r) => r.path === '/telephony/v1/voiceCalls');
      assert.equal(creates.length, 2, 'one retry');
      assert.equal([...scrt.calls.values()].filter((c) => c.vendorCallKey === 'slow-1@h').length, 1);
      assert.equal(res.body.voiceCallId, scrt.calls.get('slow-1@h')?.id);
      assert.ok(logLines.some((l) => l.includes('"timedOut":true') && l.includes('slow-1@h')));
    } finally {
      await bridge.close();
    }
  });

  it('an end that arrives while the same call is still being created waits for the create', async () => {
    const bridge = await bridgeWith();
    try {
      scrt.delayNext(1, 400);
      const created = post(bridge, '/v1/calls', { vendorCallKey: 'race-1', from: '+1', to: '+2' });
      await new Promise((r) => setTimeout(r, 100));
      const ended = await post(bridge, '/v1/calls/race-1/end', { disconnectReason: 'CUSTOMER_ABANDONED' });
      assert.deepEqual(ended, { status: 200, body: { ok: true } });
      assert.equal((await created).status, 200);
      assert.deepEqual(
        scrt.calls.get('race-1')?.updates.map((u) => u.disconnectReason),
        ['CUSTOMER_ABANDONED'],
      );
    } finally {
      await bridge.close();
    }
  });

  it('retries a 5xx, answers 504 when every attempt times out, and 502 for a dead Salesforce', async () => {
    const patient = await bridgeWith({ attempts: 2 });
    try {
      scrt.failNext(1, 503, 'Service Unavailable');
      assert.equal((await post(patient, '/v1/calls', { vendorCallKey: '5xx-1', from: '+1', to: '+2' })).status, 200);
    } finally {
      await patient.close();
    }
    const bridge = await bridgeWith({ timeoutMs: 200, attempts: 2 });
    try {
      scrt.delayNext(2, 500);
      const timedOut = await post(bridge, '/v1/calls', { vendorCallKey: 'to-1', from: '+1', to: '+2' });
      assert.equal(timedOut.status, 504);
      assert.match(String((timedOut.body.error as { message: string }).message), /no answer within 200 ms/);
      await new Promise((r) => setTimeout(r, 600)); // the held requests finish before the next test counts
    } finally {
      await bridge.close();
    }
    const closed = await freePort();
    const deadClient = new ScrtClient({
      scrtUrl: `http://127.0.0.1:${closed}`,
      orgId: ORG,
      callCenter: CENTER,
      providerName: PROVIDER,
      key,
      logger,
      attempts: 2,
      backoffMs: 10,
    });
    const dead = await startVoiceBridge({ client: deadClient, port: 0, logger });
    try {
      const res = await post(dead, '/v1/calls', { vendorCallKey: 'dead-1', from: '+1', to: '+2' });
      assert.equal(res.status, 502);
      assert.match(String((res.body.error as { message: string }).message), /ECONNREFUSED/);
      assert.equal((res.body.error as { attempts: number }).attempts, 2);
    } finally {
      await dead.close();
    }
  });

  it('passes Salesforce 4xx back with its status and message, without retrying', async () => {
    const bridge = await bridgeWith();
    try {
      const from = scrt.requests.length;
      scrt.failNext(1, 400, 'Invalid vendorCallKey');
      const res = await post(bridge, '/v1/calls', { vendorCallKey: 'bad-1', from: '+1', to: '+2' });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { error: { message: 'Salesforce: FAKE_FAILURE: Invalid vendorCallKey', upstreamStatus: 400, attempts: 1 } });
      assert.equal(scrt.requests.length - from, 1);
      const missing = await post(bridge, '/v1/calls/never-made/end', {});
      assert.equal(missing.status, 404);
      assert.match(String((missing.body.error as { message: string }).message), /no VoiceCall never-made/);
    } finally {
      await bridge.close();
    }
  });

  it('refuses bad input naming the field, and callers without the token', async () => {
    const token = 'a-long-enough-shared-token';
    const bridge = await bridgeWith({ token });
    try {
      assert.equal((await fetch(`${bridge.url}/healthz`)).status, 200);
      const anonymous = await post(bridge, '/v1/calls', { vendorCallKey: 'k', from: '+1', to: '+2' });
      assert.equal(anonymous.status, 401);
      assert.equal((await post(bridge, '/v1/calls', { vendorCallKey: 'k', from: '+1', to: '+2' }, 'wrong-token-wrong-token')).status, 401);
      const cases: [unknown, RegExp][] = [
        [{ from: '+1', to: '+2' }, /vendorCallKey is required/],
        [{ vendorCallKey: 'k', from: '', to: '+2' }, /from must be a non-empty string/],
        [{ vendorCallKey: 'k', from: '+1', to: '+2', startTime: '2026-12-07 02:00' }, /startTime must be an ISO 8601/],
        [{ vendorCallKey: 'k', from: '+1', to: '+2', initiationMethod: 'Outbound' }, /initiationMethod must be "Inbound" or "Transfer"/],
        [{ vendorCallKey: 'k', from: '+1', to: '+2', initiationMethod: 'Transfer' }, /needs parentVendorCallKey/],
        [{ vendorCallKey: 'k', from: '+1', to: '+2', callAttributes: { Score__c: 3 } }, /callAttributes.Score__c must be a string/],
        [[1], /must be a JSON object/],
      ];
      for (const [body, message] of cases) {
        const res = await post(bridge, '/v1/calls', body, token);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.match(String((res.body.error as { message: string }).message), message);
      }
      const half = await post(bridge, '/v1/calls/k/end', { recordingLocation: 'https://r' }, token);
      assert.match(String((half.body.error as { message: string }).message), /go together/);
      const endCases: [unknown, RegExp][] = [
        [{ numberOfHolds: -1 }, /numberOfHolds must be a whole number ≥ 0 \(got -1\)/],
        [{ totalHoldDuration: 1.5 }, /totalHoldDuration must be a whole number ≥ 0 \(seconds\) \(got 1\.5\)/],
        [{ longestHoldDuration: '3' }, /longestHoldDuration must be a whole number ≥ 0 \(seconds\) \(got "3"\)/],
        [{ agentInteractionDuration: Number.MAX_VALUE }, /agentInteractionDuration must be a whole number/],
        [{ acceptTime: '2026-12-07 02:00' }, /acceptTime must be an ISO 8601/],
        [{ totalHoldDuration: 5, longestHoldDuration: 6 }, /longestHoldDuration \(6\) cannot exceed totalHoldDuration \(5\)/],
      ];
      const before = scrt.requests.length;
      for (const [body, message] of endCases) {
        const res = await post(bridge, '/v1/calls/k/end', body, token);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.match(String((res.body.error as { message: string }).message), message);
      }
      assert.equal(scrt.requests.length, before, 'nothing bad reaches Salesforce');
      assert.equal((await post(bridge, '/v2/nothing', {}, token)).status, 404);
      assert.equal((await post(bridge, '/v1/calls', { vendorCallKey: 'tok-1', from: '+1', to: '+2' }, token)).status, 200);
    } finally {
      await bridge.close();
    }
  });

  it('never logs the JWT, the key or the token', () => {
    const all = logLines.join('\n');
    assert.ok(logLines.length > 10);
    assert.doesNotMatch(all, /eyJ[A-Za-z0-9_-]{10,}/);
    assert.doesNotMatch(all, /PRIVATE KEY|a-long-enough-shared-token/);
  });
});

describe('voice bridge: the private key', () => {
  it('loads the key keygen wrote (mode 0600) whose certificate holds the matching public key', async () => {
    const keyPath = join(dir, 'voice-bridge-key.pem');
    assert.equal(statSync(keyPath).mode & 0o777, 0o600);
    const fromEnv = loadPrivateKey({ env: { [KEY_ENV]: readFileSync(keyPath, 'utf8') } });
    const certKey = createPublicKey(certificate);
    assert.equal(createPublicKey(fromEnv).export({ format: 'pem', type: 'spki' }), certKey.export({ format: 'pem', type: 'spki' }));
    assert.throws(() => generateKeyPair(dir), /exists; pass --force/);
  });

  it('names the file or variable when the key is missing or not an RSA private key of 2048+ bits', () => {
    assert.throws(() => loadPrivateKey({ env: {} }), /no private key: pass --key FILE or set SWITCHBOARD_VOICE_KEY/);
    assert.throws(() => loadPrivateKey({ file: join(dir, 'nope.pem') }), new RegExp(`cannot read the private key file ${join(dir, 'nope.pem')}`));
    assert.throws(
      () => loadPrivateKey({ file: join(dir, 'voice-bridge-cert.pem') }),
      /the file .*voice-bridge-cert\.pem holds a certificate, not a private key/,
    );
    const write = (name: string, text: string): string => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    assert.throws(() => loadPrivateKey({ file: write('ec.pem', ec) }), /holds a ec key; the Telephony Integration REST API signs with RS256/);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    assert.throws(
      () => loadPrivateKey({ env: { [KEY_ENV]: small } }),
      /the environment variable SWITCHBOARD_VOICE_KEY holds a 1024-bit RSA key; use 2048 bits or more/,
    );
    const pub = createPublicKey(certificate).export({ format: 'pem', type: 'spki' }).toString();
    assert.throws(() => loadPrivateKey({ env: { [KEY_ENV]: pub } }), /holds a public key, not a private key/);
    assert.throws(
      () => loadPrivateKey({ env: { [KEY_ENV]: '-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----' } }),
      /is not a readable PEM private key/,
    );
  });

  it('takes the SCRT URL with or without /telephony/v1 and refuses other shapes', () => {
    assert.equal(apiBase('https://acme.my.salesforce-scrt.com'), 'https://acme.my.salesforce-scrt.com/telephony/v1');
    assert.equal(apiBase('http://127.0.0.1:4000/telephony/v1/'), 'http://127.0.0.1:4000/telephony/v1');
    assert.throws(() => apiBase('acme.my.salesforce-scrt.com'), /is not a URL/);
    assert.throws(() => apiBase('ftp://x'), /must be https/);
    assert.throws(
      () => new ScrtClient({ scrtUrl: 'https://x', orgId: '005xx', callCenter: CENTER, providerName: 'P', key, logger }),
      /not a Salesforce org id/,
    );
  });
});
