/**
 * One listening socket of the emulator. With TLS (strict mode) it speaks HTTP/2 as Salesforce's
 * hosts do, so a page and its scripts share one connection instead of paying a TLS handshake per
 * parallel request, and HTTP/1.1 to clients that offer only that (Node's fetch, jsforce, curl).
 * Without TLS it is plain HTTP/1.1: browsers speak HTTP/2 only over TLS.
 *
 * Routes are written against node:http's request and response. For an HTTP/2 request Node hands
 * its compatibility objects, which have every member the routes use (method, url, headers, the body
 * as a stream, setHeader, writeHead, write, end, headersSent, destroy, socket); HTTP/2 names the
 * host in `:authority`, so it is copied to `host`, where the rebinding guard and the routes read it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createSecureServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo, Server, Socket } from 'node:net';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface WebListener {
  listen(port: number, host: string): Promise<void>;
  readonly port: number;
  /** Stops listening and drops every open connection (HTTP/1.1 keep-alive and HTTP/2 sessions). */
  close(): Promise<void>;
}

export function createWebListener(handler: RequestHandler, tls?: { readonly key: string; readonly cert: string }): WebListener {
  const server: Server = tls
    ? createSecureServer({ key: tls.key, cert: tls.cert, allowHTTP1: true }, (req: Http2ServerRequest, res: Http2ServerResponse) => {
        if (req.httpVersionMajor >= 2 && req.headers.host === undefined && req.authority) req.headers.host = req.authority;
        handler(req as unknown as IncomingMessage, res as unknown as ServerResponse);
      })
    : createServer(handler);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      }),
    get port() {
      return (server.address() as AddressInfo).port;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** HTTP/1 only: HTTP/2 has no `Connection` header (Node drops one with a warning). */
export function closeAfterResponse(req: IncomingMessage, res: ServerResponse): void {
  if (req.httpVersionMajor < 2) res.setHeader('connection', 'close');
}
