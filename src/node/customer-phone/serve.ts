/**
 * Serves the customer phone page (built to dist/node/customer-phone/web/) so `npm start` and the
 * console emulator can mount it: `customerPhoneHandler(...)` for an existing http server, or
 * `serveCustomerPhone(...)` for a server of its own.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';

export const CUSTOMER_PHONE_FILES = ['index.html', 'customer-phone.js', 'customer-phone.js.map', 'customer-phone.css'] as const;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

export interface CustomerPhoneOptions {
  /** The build output root (default `<cwd>/dist`). */
  readonly distDir?: string;
  /** URL path the page lives under (default `/customer-phone/`). */
  readonly mountPath?: string;
}

/**
 * A request handler: answers requests under `mountPath` and returns true, or returns false so the
 * caller can route the request elsewhere. Only the page's own files are served (no directory walk).
 */
export function customerPhoneHandler(options: CustomerPhoneOptions = {}): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const dir = join(resolve(options.distDir ?? 'dist'), 'node/customer-phone/web');
  const mount = (options.mountPath ?? '/customer-phone/').replace(/\/?$/, '/');
  return async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === mount.slice(0, -1)) {
      res.writeHead(301, { location: mount + (req.url?.includes('?') ? req.url.slice(req.url.indexOf('?')) : '') }).end();
      return true;
    }
    if (!path.startsWith(mount)) return false;
    const name = path.slice(mount.length) || 'index.html';
    if (!(CUSTOMER_PHONE_FILES as readonly string[]).includes(name)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`customer phone: no file ${name}`);
      return true;
    }
    try {
      const body = await readFile(join(dir, name));
      res.writeHead(200, { 'content-type': TYPES[extname(name)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`customer phone: ${name} is not built; run npm run build`);
    }
    return true;
  };
}

export interface CustomerPhoneServer {
  /** The page's URL, e.g. `http://127.0.0.1:41234/customer-phone/`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the customer phone on its own http server (127.0.0.1, ephemeral port unless given). */
export async function serveCustomerPhone(
  options: CustomerPhoneOptions & { readonly host?: string; readonly port?: number } = {},
): Promise<CustomerPhoneServer> {
  const handler = customerPhoneHandler(options);
  const server = createServer((req, res) => {
    void handler(req, res).then((handled) => {
      if (!handled) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(options.port ?? 0, host, ok));
  const { port } = server.address() as AddressInfo;
  const mount = (options.mountPath ?? '/customer-phone/').replace(/\/?$/, '/');
  return {
    url: `http://${host}:${port}${mount}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
