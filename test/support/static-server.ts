/**
 * A static file server for built pages (dist/). 127.0.0.1 counts as a secure context, so pages
 * served here may use getUserMedia. Binds an ephemeral port unless one is given; with `tls` it
 * serves HTTPS with HTTP/2 (as every softphone is served in Salesforce), for browsers that accept the certificate.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { createWebListener } from '../../src/node/console/server/web-listener.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

export interface StaticServer {
  /** `http://127.0.0.1:<port>` (`https:` with `tls`; no trailing slash). */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves files under `root`; a directory serves its index.html. Requests outside `root` get 404. */
export function staticHandler(root: string): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const base = resolve(root);
  return async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(404).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
    }
  };
}

export async function serveStatic(root: string, port = 0, tls?: { readonly key: string; readonly cert: string }): Promise<StaticServer> {
  const handler = staticHandler(root);
  const serve = (req: IncomingMessage, res: ServerResponse): void => void handler(req, res);
  const listener = createWebListener(serve, tls);
  await listener.listen(port, '127.0.0.1');
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${listener.port}`, close: () => listener.close() };
}
