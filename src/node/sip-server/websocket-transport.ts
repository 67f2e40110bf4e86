/**
 * SIP over WebSocket (RFC 7118) for the embedded server: the listening socket (ws://, or wss:// on
 * an HTTPS server when given a certificate), one SipConnection per client, and each frame turned
 * into a SIP message. Keep-alive pings are answered here; a frame too large or unreadable is
 * answered (513/400) when it can be, reported, and dropped. Every socket handler is wrapped: a bug
 * is reported and the others are served on.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../core/index.ts';
import { SipConnection } from './connection.ts';
import { buildResponse } from './message-build.ts';
import { answerableRequest, readSipMessage, type SipRequest, type SipResponse } from './sip-message.ts';
import type { SipServerEvents, SipServerOptions } from './types.ts';

export interface WebSocketTransportOptions {
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  readonly tls: SipServerOptions['tls'];
  /** The largest SIP message accepted, in bytes. */
  readonly maxBytes: number;
  readonly logger: Logger;
}

export interface WebSocketTransportPort {
  accepted(connection: SipConnection): void;
  closed(connection: SipConnection): void;
  /** Every frame in, before anything else (a SIP trace, counters). */
  received(connection: SipConnection, text: string): void;
  /** Every message out. */
  sent(connection: SipConnection, text: string): void;
  request(request: SipRequest, connection: SipConnection): void;
  response(response: SipResponse): void;
  malformed(event: SipServerEvents['malformed'][0]): void;
  /** A bug caught in a handler. */
  bug(where: string, error: unknown): void;
}

export class WebSocketTransport {
  private wss: WebSocketServer | undefined;
  /** The TLS listener under `wss` when serving wss://. */
  private https: HttpsServer | undefined;
  private nextConnectionId = 1;

  constructor(
    private readonly options: WebSocketTransportOptions,
    private readonly port: WebSocketTransportPort,
  ) {}

  /** Listens; resolves with the port. */
  async listen(): Promise<number> {
    const { host, tls, logger } = this.options;
    const common = {
      maxPayload: Math.max(this.options.maxBytes * 4, 1 << 20),
      handleProtocols: (protocols: Set<string>) => (protocols.has('sip') ? 'sip' : false),
    };
    let wss: WebSocketServer;
    let port: number;
    if (tls) {
      // A plain HTTPS request (a browser opening the URL to accept the certificate) gets a readable answer.
      const https = createHttpsServer({ key: tls.key, cert: tls.cert }, (_req, res: ServerResponse) => {
        res.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', upgrade: 'websocket' });
        res.end('Switchboard SIP server: connect with a SIP WebSocket client (subprotocol "sip").\n');
      });
      this.https = https;
      wss = new WebSocketServer({ ...common, server: https });
      await new Promise<void>((resolve, reject) => {
        https.once('error', reject);
        https.listen(this.options.port, host, () => {
          https.off('error', reject);
          resolve();
        });
      });
      https.on('error', (error) => this.port.bug('https', error));
      // A client that fails the TLS handshake (wrong certificate, plain ws:// to a wss port) is its own problem.
      https.on('tlsClientError', (error) => logger.log('debug', 'sip-server: TLS handshake failed', { error: error.message }));
      port = (https.address() as AddressInfo).port;
    } else {
      wss = new WebSocketServer({ ...common, host, port: this.options.port });
      await new Promise<void>((resolve, reject) => {
        wss.once('listening', resolve);
        wss.once('error', reject);
      });
      port = (wss.address() as AddressInfo).port;
    }
    this.wss = wss;
    wss.on('error', (error) => this.port.bug('wss', error));
    wss.on('connection', (socket, request) => {
      try {
        this.accept(socket, request);
      } catch (error) {
        this.port.bug('accept', error);
      }
    });
    return port;
  }

  /** Stops listening (the connections are the caller's to end first). */
  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (!this.wss) return resolve();
      const https = this.https;
      this.wss.close(() => {
        if (!https) return resolve();
        https.close(() => resolve());
        https.closeAllConnections();
      });
    });
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    const id = this.nextConnectionId++;
    const remote = `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`;
    const connection = new SipConnection(id, socket, remote, (c, text) => this.port.sent(c, text));
    this.port.accepted(connection);
    socket.on('message', (data, isBinary) => {
      try {
        const text = Array.isArray(data)
          ? Buffer.concat(data).toString('utf8')
          : data instanceof ArrayBuffer
            ? Buffer.from(data).toString('utf8')
            : data.toString('utf8');
        this.onFrame(connection, text, isBinary);
      } catch (error) {
        this.port.bug('message handler', error);
      }
    });
    socket.on('error', (error) => this.options.logger.log('warn', 'sip-server: socket error', { connectionId: id, error: String(error) }));
    socket.on('close', () => {
      try {
        this.port.closed(connection);
      } catch (error) {
        this.port.bug('close handler', error);
      }
    });
  }

  private onFrame(connection: SipConnection, text: string, _isBinary: boolean): void {
    this.port.received(connection, text);
    // RFC 5626 3.5.1 keep-alive: a double-CRLF ping gets a single-CRLF pong; a lone CRLF is a pong
    // and gets nothing (answering it would start a ping-pong loop).
    if (/^(\r\n)+$/.test(text)) {
      if (text.length >= 4) connection.send('\r\n');
      return;
    }
    const { maxBytes } = this.options;
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > maxBytes) {
      const answerable = answerableRequest(text.slice(0, Math.min(text.length, maxBytes)).split('\r\n\r\n')[0] + '\r\n\r\n');
      if (answerable) connection.send(buildResponse(answerable, 513));
      this.malformed(connection, `message of ${bytes} bytes exceeds ${maxBytes}`, bytes, answerable ? 513 : undefined);
      return;
    }
    const result = readSipMessage(text);
    if (!result.ok) {
      if (result.answerable) connection.send(buildResponse(result.answerable, 400, { reason: `Bad Request (${result.reason})` }));
      this.malformed(connection, result.reason, bytes, result.answerable ? 400 : undefined);
      return;
    }
    const message = result.message;
    if (message.kind === 'response') return this.port.response(message);
    try {
      this.port.request(message, connection);
    } catch (error) {
      // A bug while handling a request: say so to the UA (500) rather than leave it waiting.
      this.port.bug(`${message.method} handler`, error);
      if (message.method !== 'ACK') connection.send(buildResponse(message.raw, 500));
    }
  }

  private malformed(connection: SipConnection, reason: string, bytes: number, answered: number | undefined): void {
    this.options.logger.log('warn', 'sip-server: malformed message', { connectionId: connection.id, reason, bytes });
    this.port.malformed({ connectionId: connection.id, reason, bytes, answered });
  }
}
