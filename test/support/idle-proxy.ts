/**
 * A SIP WebSocket proxy that behaves like the load balancers and NATs between an agent and the phone
 * system: it forwards frames both ways unchanged, and closes any connection on which no frame went
 * either way for `idleMs` (both sides see a normal close, as behind an idle-timeout proxy).
 */
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { AddressInfo } from 'node:net';

export interface IdleProxy {
  /** ws:// URL agents connect to. */
  readonly url: string;
  /** Connections accepted from agents so far. */
  readonly connections: number;
  /** Connections closed for being idle so far. */
  readonly idleCloses: number;
  /** Frames seen from agents that were CRLF keep-alive pings, and answers to them from upstream. */
  readonly pings: number;
  readonly pongs: number;
  close(): Promise<void>;
}

export async function startIdleProxy(upstreamUrl: string, idleMs: number): Promise<IdleProxy> {
  if (!(Number.isFinite(idleMs) && idleMs > 0)) throw new RangeError(`startIdleProxy: idleMs must be a positive number, got ${idleMs}`);
  let connections = 0,
    idleCloses = 0,
    pings = 0,
    pongs = 0;
  const open = new Set<{ client: WebSocket; upstream: WebSocket; timer: NodeJS.Timeout }>();
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (p: Set<string>) => (p.has('sip') ? 'sip' : false) });
  await new Promise<void>((ok, fail) => server.once('listening', ok).once('error', fail));

  server.on('connection', (client) => {
    connections++;
    const upstream = new WebSocket(upstreamUrl, 'sip');
    const pending: { data: RawData; binary: boolean }[] = [];
    const entry = { client, upstream, timer: setTimeout(() => {}, 0) };
    const idle = (): void => {
      idleCloses++;
      client.close(1001, 'idle');
      upstream.close(1001, 'idle');
    };
    const active = (): void => {
      clearTimeout(entry.timer);
      entry.timer = setTimeout(idle, idleMs);
    };
    active();
    open.add(entry);
    client.on('message', (data, binary) => {
      active();
      if (isCrlf(data, '\r\n\r\n')) pings++;
      if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary });
      else pending.push({ data, binary });
    });
    upstream.on('open', () => {
      for (const p of pending.splice(0)) upstream.send(p.data, { binary: p.binary });
    });
    upstream.on('message', (data, binary) => {
      active();
      if (isCrlf(data, '\r\n')) pongs++;
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary });
    });
    const end = (): void => {
      clearTimeout(entry.timer);
      open.delete(entry);
      if (client.readyState === WebSocket.OPEN) client.close();
      if (upstream.readyState === WebSocket.OPEN || upstream.readyState === WebSocket.CONNECTING) upstream.terminate();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });

  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    get idleCloses() {
      return idleCloses;
    },
    get pings() {
      return pings;
    },
    get pongs() {
      return pongs;
    },
    close: async () => {
      for (const e of open) {
        clearTimeout(e.timer);
        e.client.terminate();
        e.upstream.terminate();
      }
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

function isCrlf(data: RawData, text: string): boolean {
  const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  return buffer.toString('utf8') === text;
}
