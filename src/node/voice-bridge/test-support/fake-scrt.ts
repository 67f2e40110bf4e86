/**
 * A behaving stand-in for Salesforce's Telephony Integration REST API, for the bridge's tests: it
 * verifies each JWT against the call center's certificate (RS256, issuer, subject, audience,
 * expiry, a jti never seen before), keeps VoiceCalls keyed by vendorCallKey and answers a repeated
 * create with the existing id (Salesforce's idempotency), and can be told to hold its next answers
 * (a slow Salesforce) or to fail them with a status.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importX509, jwtVerify, type JWTPayload } from 'jose';
import { SCRT_AUDIENCE } from '../scrt-token.ts';

export interface FakeVoiceCall {
  readonly id: string;
  readonly vendorCallKey: string;
  readonly created: Record<string, unknown>;
  readonly updates: Record<string, unknown>[];
}

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
  readonly claims: JWTPayload | undefined;
  /** What the fake answered (0 when it never answered: held past the client's timeout). */
  status: number;
}

export interface FakeScrt {
  readonly url: string;
  readonly calls: Map<string, FakeVoiceCall>;
  readonly requests: ReceivedRequest[];
  /** Hold the next `count` requests `ms` before handling them (their work still happens, as Salesforce's would). */
  delayNext(count: number, ms: number): void;
  /** Answer the next `count` requests with this status and a Salesforce-shaped error. */
  failNext(count: number, status: number, message: string): void;
  close(): Promise<void>;
}

export async function startFakeScrt(options: {
  readonly certificatePem: string;
  readonly orgId: string;
  readonly callCenter: string;
  readonly providerName: string;
}): Promise<FakeScrt> {
  const publicKey = await importX509(options.certificatePem, 'RS256');
  const calls = new Map<string, FakeVoiceCall>();
  const requests: ReceivedRequest[] = [];
  const seenJti = new Set<string>();
  const delays: number[] = [];
  const failures: { status: number; message: string }[] = [];
  let next = 1;

  const server = createServer((req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const record: ReceivedRequest = {
      method: req.method ?? '',
      path,
      headers: req.headers,
      body: text ? (JSON.parse(text) as unknown) : undefined,
      claims: undefined,
      status: 0,
    };
    requests.push(record);
    const delay = delays.shift();
    if (delay !== undefined) await new Promise((r) => setTimeout(r, delay));
    const answer = (status: number, body: unknown): void => {
      record.status = status;
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return answer(401, [{ errorCode: 'INVALID_AUTH_HEADER', message: 'missing bearer token' }]);
    try {
      const { payload } = await jwtVerify(token, publicKey, {
        algorithms: ['RS256'],
        issuer: options.orgId,
        subject: options.callCenter,
        audience: SCRT_AUDIENCE,
        maxTokenAge: '3m',
      });
      if (!payload.jti || seenJti.has(payload.jti)) return answer(401, [{ errorCode: 'INVALID_JWT', message: 'jti missing or replayed' }]);
      seenJti.add(payload.jti);
      (record as { claims: JWTPayload | undefined }).claims = payload;
    } catch (e) {
      return answer(401, [{ errorCode: 'INVALID_JWT', message: (e as Error).message }]);
    }
    if (req.headers['telephony-provider-name'] !== options.providerName)
      return answer(400, [{ errorCode: 'INVALID_PROVIDER', message: 'Telephony-Provider-Name missing or wrong' }]);
    const failure = failures.shift();
    if (failure) return answer(failure.status, [{ errorCode: 'FAKE_FAILURE', message: failure.message }]);
    const body = record.body as Record<string, unknown>;
    if (req.method === 'POST' && path === '/telephony/v1/voiceCalls') {
      const key = String(body.vendorCallKey);
      if (body.callCenterApiName !== options.callCenter)
        return answer(400, [{ errorCode: 'INVALID_CALL_CENTER', message: `unknown call center ${String(body.callCenterApiName)}` }]);
      const existing = calls.get(key);
      if (existing) return answer(200, { voiceCallId: existing.id });
      const id = `0LQ5g00000${String(next++).padStart(8, '0')}`;
      calls.set(key, { id, vendorCallKey: key, created: body, updates: [] });
      return answer(201, { voiceCallId: id });
    }
    const patch = /^\/telephony\/v1\/voiceCalls\/([^/]+)$/.exec(path);
    if (req.method === 'PATCH' && patch) {
      const key = decodeURIComponent(patch[1]);
      const call = calls.get(key) ?? [...calls.values()].find((c) => c.id === key);
      if (!call) return answer(404, [{ errorCode: 'NOT_FOUND', message: `no VoiceCall ${key}` }]);
      call.updates.push(body);
      return answer(200, { success: true });
    }
    return answer(404, [{ errorCode: 'NOT_FOUND', message: `${req.method ?? ''} ${path}` }]);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    requests,
    delayNext(count, ms) {
      for (let i = 0; i < count; i++) delays.push(ms);
    },
    failNext(count, status, message) {
      for (let i = 0; i < count; i++) failures.push({ status, message });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
