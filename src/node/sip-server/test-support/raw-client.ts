/** A bare `ws` client speaking hand-written SIP, for malformed input and corner cases. */
import { WebSocket, type ClientOptions } from 'ws';
import { AsyncQueue, withTimeout } from './wait.ts';
import { randomHex } from '../message-edit.ts';

export class RawClient {
  readonly received = new AsyncQueue<string>();
  readonly host = `${randomHex(6)}.invalid`;
  private closedResolve: () => void = () => {};
  readonly closed = new Promise<void>((r) => {
    this.closedResolve = r;
  });

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => this.received.push(String(data)));
    socket.on('close', () => this.closedResolve());
  }

  /** `tls`: options for a wss:// server (e.g. `{ ca }` to trust a test certificate). */
  static async connect(url: string, protocol: string | undefined = 'sip', tls: ClientOptions = {}): Promise<RawClient> {
    const socket = protocol === undefined ? new WebSocket(url, tls) : new WebSocket(url, protocol, tls);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      }),
      3000,
      'raw client to connect',
    );
    return new RawClient(socket);
  }

  get protocol(): string {
    return this.socket.protocol;
  }

  send(text: string): void {
    this.socket.send(text);
  }

  /** The next response with `status` (and optional CSeq method). */
  response(status: number, what = `${status} response`, ms = 3000): Promise<string> {
    return this.received.next(what, (m) => m.startsWith(`SIP/2.0 ${status} `), ms);
  }

  close(): void {
    this.socket.close();
  }
}

/** A request from `raw@domain` with sane headers; `extra` lines are added before the blank line. */
export function rawRequest(
  method: string,
  ruri: string,
  options: {
    readonly host: string;
    readonly domain: string;
    readonly user?: string;
    readonly callId?: string;
    readonly extra?: readonly string[];
    readonly body?: string;
    readonly maxForwards?: number;
    readonly toTag?: string;
    readonly cseq?: number;
  },
): string {
  const user = options.user ?? 'raw';
  const body = options.body ?? '';
  const lines = [
    `${method} ${ruri} SIP/2.0`,
    `Via: SIP/2.0/WSS ${options.host};branch=z9hG4bK${randomHex(8)}`,
    `Max-Forwards: ${options.maxForwards ?? 70}`,
    `To: <${ruri}>${options.toTag ? `;tag=${options.toTag}` : ''}`,
    `From: <sip:${user}@${options.domain}>;tag=${randomHex(4)}`,
    `Call-ID: ${options.callId ?? randomHex(8)}`,
    `CSeq: ${options.cseq ?? 1} ${method}`,
    `Contact: <sip:${user}@${options.host};transport=ws>`,
    ...(options.extra ?? []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ];
  return lines.join('\r\n');
}
