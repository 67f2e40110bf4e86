/**
 * A fake SIP-over-WebSocket peer for bad-input tests: it answers REGISTER (and any other request
 * but ACK) with 200 so a UA registers against it, records everything the UA sends, and lets the
 * test push arbitrary text (garbage, broken messages, hand-written requests) at the UA.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';

export interface FakeSipPeer {
  readonly url: string;
  /** Every frame the UA sent, in order. */
  readonly received: string[];
  /** Sends raw text to every connected UA. */
  push(text: string): void;
  /** Resolves with the first received frame (after `from`) that matches. */
  waitFor(match: RegExp, from?: number, timeoutMs?: number): Promise<string>;
  /** Drops every connection at once, as a crashed server would (it keeps listening: the UA reconnects). */
  drop(): void;
  close(): Promise<void>;
}

export interface FakeSipPeerOptions {
  /**
   * How to answer a request from the UA (never called for ACK). Default: 200 OK to everything.
   * Scripted tests answer an INVITE with 100/180 only, and so on.
   */
  readonly answer?: (request: string, method: string, send: (text: string) => void) => void;
}

export async function startFakeSipPeer(options: FakeSipPeerOptions = {}): Promise<FakeSipPeer> {
  const answer = options.answer ?? ((request: string, _method: string, send: (text: string) => void) => send(okFor(request)));
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (p) => (p.has('sip') ? 'sip' : false) });
  await new Promise<void>((ok) => wss.once('listening', ok));
  const received: string[] = [];
  const sockets = new Set<WebSocket>();
  const waiters: { match: RegExp; from: number; resolve: (s: string) => void }[] = [];
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (data) => {
      const text = data.toString();
      received.push(text);
      for (const w of [...waiters]) {
        const i = received.length - 1;
        if (i >= w.from && w.match.test(text)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(text);
        }
      }
      const method = /^([A-Z]+) sip:/.exec(text)?.[1];
      if (method && method !== 'ACK') answer(text, method, (reply) => ws.send(reply));
    });
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    received,
    push: (text) => {
      for (const ws of sockets) ws.send(text);
    },
    waitFor: (match, from = 0, timeoutMs = 5000) => {
      const found = received.slice(from).find((t) => match.test(t));
      if (found) return Promise.resolve(found);
      return new Promise<string>((resolve, reject) => {
        const waiter = {
          match,
          from,
          resolve: (s: string) => {
            clearTimeout(timer);
            resolve(s);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`fake SIP peer: nothing matching ${match} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    drop: () => {
      for (const ws of sockets) ws.terminate();
    },
    close: async () => {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((ok) => wss.close(() => ok()));
    },
  };
}

/** A 200 OK for a request: Via, From, To (with a tag), Call-ID, CSeq copied; Contact echoed with expires. */
export function okFor(request: string): string {
  const header = (name: string): string[] => request.split('\r\n').filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  const to = header('To')[0] ?? 'To: <sip:unknown@invalid>';
  const lines = [
    'SIP/2.0 200 OK',
    ...header('Via'),
    ...header('From'),
    /;tag=/.test(to) ? to : `${to};tag=fake${Math.random().toString(36).slice(2, 8)}`,
    ...header('Call-ID'),
    ...header('CSeq'),
    ...header('Contact').map((c) => `${c};expires=300`),
    'Content-Length: 0',
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}
