/**
 * The voice bridge's HTTP service: what a phone system calls on a new inbound call and at its end.
 *
 *   GET  /healthz                         → 200 {ok:true}
 *   POST /v1/calls                        {vendorCallKey, from, to, startTime?, initiationMethod?,
 *                                          parentVendorCallKey?, callAttributes?} → 200 {voiceCallId, vendorCallKey}
 *   POST /v1/calls/{vendorCallKey}/end    {endTime?, disconnectReason?, recordingLocation?,
 *                                          totalRecordingDuration?, acceptTime?, numberOfHolds?,
 *                                          totalHoldDuration?, longestHoldDuration?,
 *                                          agentInteractionDuration?} → 200 {ok:true}
 *
 * Stateless: every call is keyed by vendorCallKey (the SIP Call-ID), which Salesforce is idempotent
 * on, so any number of bridge processes may serve one site and a restart loses nothing. The only
 * memory is ordering: an end that arrives while this process is still creating the same call's
 * VoiceCall (a phone system that gave up waiting, then the caller hung up) waits for that create,
 * so the PATCH never overtakes the POST.
 * Errors answer `{error: {message, upstreamStatus?}}`: 400 bad input, 401 bad token, Salesforce's
 * own 4xx status as is, 502 when Salesforce answered 5xx or could not be reached, 504 when it did
 * not answer in time. Binds 127.0.0.1 unless told otherwise; with `token` set, callers MUST send
 * `Authorization: Bearer <token>`.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../core/index.ts';
import { BadRequest, readEndCall, readKeyFromPath, readStartCall } from './bridge-request.ts';
import { ScrtError, type ScrtClient } from './scrt-client.ts';

export const DEFAULT_BRIDGE_PORT = 8787;
const MAX_BODY = 64 * 1024;

export interface VoiceBridgeOptions {
  readonly client: ScrtClient;
  readonly host?: string;
  /** Default 8787; 0 picks a free port (see `VoiceBridge.port`). */
  readonly port?: number;
  /** When set, callers MUST send `Authorization: Bearer <token>`. */
  readonly token?: string;
  readonly logger: Logger;
  readonly now?: () => number;
}

export interface VoiceBridge {
  readonly host: string;
  readonly port: number;
  /** `http://host:port`. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startVoiceBridge(options: VoiceBridgeOptions): Promise<VoiceBridge> {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? Date.now;
  /** Creates in flight, by vendorCallKey: an end for the same call waits for its create. */
  const creating = new Map<string, Promise<unknown>>();
  const tokenHash = options.token !== undefined ? sha256(options.token) : undefined;
  if (options.token !== undefined && options.token.length < 16) throw new Error('the bridge token must be at least 16 characters');
  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      options.logger.log('error', 'voice-bridge: request handler failed', { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      if (!res.headersSent) send(res, 500, { error: { message: 'internal error (see the bridge log)' } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = now();
    const path = new URL(req.url ?? '/', 'http://bridge').pathname;
    const done = (status: number, body: unknown, fields: Record<string, unknown> = {}): void => {
      send(res, status, body);
      options.logger.log(status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info', 'voice-bridge: request', {
        method: req.method,
        path: logPath(path),
        status,
        ms: now() - started,
        ...fields,
      });
    };
    if (path === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return done(405, { error: { message: 'GET /healthz' } });
      return done(200, { ok: true });
    }
    if (tokenHash && !authorised(req.headers.authorization, tokenHash)) {
      res.setHeader('www-authenticate', 'Bearer realm="switchboard voice bridge"');
      return done(401, { error: { message: 'missing or wrong bearer token (Authorization: Bearer <the bridge token>)' } });
    }
    const end = /^\/v1\/calls\/([^/]+)\/end$/.exec(path);
    if (path !== '/v1/calls' && !end)
      return done(404, { error: { message: `no such endpoint ${path} (POST /v1/calls, POST /v1/calls/{vendorCallKey}/end, GET /healthz)` } });
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return done(405, { error: { message: `${path} takes POST` } });
    }
    let vendorCallKey: string | undefined;
    try {
      const body = await readJson(req);
      if (end) {
        vendorCallKey = readKeyFromPath(end[1]);
        const update = readEndCall(body, now);
        await creating.get(vendorCallKey)?.catch(() => {});
        await options.client.updateVoiceCall(vendorCallKey, update);
        return done(200, { ok: true }, { vendorCallKey });
      }
      const call = readStartCall(body, now);
      vendorCallKey = call.vendorCallKey;
      const pending = options.client.createVoiceCall(call);
      const key = vendorCallKey;
      creating.set(key, pending);
      const voiceCallId = await pending.finally(() => {
        if (creating.get(key) === pending) creating.delete(key);
      });
      return done(200, { voiceCallId, vendorCallKey }, { vendorCallKey, voiceCallId });
    } catch (e) {
      if (e instanceof BadRequest) return done(e.message.startsWith('body too large') ? 413 : 400, { error: { message: e.message } }, { vendorCallKey });
      if (e instanceof ScrtError) {
        const status = e.upstreamStatus === undefined ? (e.timedOut ? 504 : 502) : e.upstreamStatus >= 500 ? 502 : e.upstreamStatus;
        return done(
          status,
          {
            error: {
              message: `Salesforce: ${e.message}`,
              ...(e.upstreamStatus !== undefined ? { upstreamStatus: e.upstreamStatus } : {}),
              attempts: e.attempts,
            },
          },
          { vendorCallKey },
        );
      }
      throw e;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_BRIDGE_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  options.logger.log('info', 'voice-bridge: listening', { host, port, salesforce: options.client.apiBase, token: tokenHash !== undefined });
  return {
    host,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function authorised(header: string | undefined, expected: Buffer): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  // Hashes have equal length, so the comparison takes the same time whatever was sent.
  return m !== null && timingSafeEqual(sha256(m[1]), expected);
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new BadRequest(`body too large (limit ${MAX_BODY} bytes)`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new BadRequest(`the body is not JSON (${(e as Error).message})`);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function logPath(path: string): string {
  return path.replace(/^\/v1\/calls\/[^/]+\/end$/, '/v1/calls/{vendorCallKey}/end');
}
