/**
 * The emulator's HTTP shell: two listeners (Lightning origin and Visualforce origin) and the routes
 * on each. The data, REST and Open CTI rules are handed in; this file only routes and serves.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { HttpError, safeJoin, sendJson, sendText, serveFile } from './http-util.ts';
import { createOpenCtiRoutes } from './opencti-routes.ts';
import { findApexPage } from './apex-pages.ts';
import { CONSOLE_API } from './console-api.ts';
import type { ConsoleOrigins } from './origins.ts';
import { serveConnectorPage } from './connector-page-route.ts';
import { createIconSymbols } from './icon-symbols.ts';
import { closeAfterResponse, createWebListener } from './web-listener.ts';

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean;

export interface ConsoleServerOptions {
  readonly host: string;
  readonly port: number;
  readonly vfPort: number;
  /** Project dist folder (built pages, libraries and connector). */
  readonly distDir: string;
  /** node_modules/@salesforce-ux/design-system/assets */
  readonly sldsDir: string;
  readonly apexDir?: string;
  readonly allowLocalOrigins: boolean;
  readonly origins: (lightningPort: number, vfPort: number) => ConsoleOrigins;
  readonly consoleApi: (req: IncomingMessage, res: ServerResponse, path: string, url: URL) => Promise<void>;
  /** `/services/data/...` and the REST helper's `/emulator/api/...` endpoints; answers false when not its path. */
  readonly rest?: Handler;
  /** More Lightning-origin handlers tried before the REST layer (e.g. the customer phone page). */
  readonly extra?: readonly Handler[];
  /** More Visualforce-origin handlers tried before its pages (e.g. JavaScript remoting). */
  readonly vfExtra?: readonly Handler[];
  /** Serve HTTPS with this key and certificate (strict mode). */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** The SIP WebSocket URLs the connector page may connect to (its CSP connect-src), asked per page load. */
  readonly sipWebSocketUrls?: () => readonly string[];
  /** Checked before any route: a refusal (status and error body) is sent as is. See request-guard.ts. */
  readonly guard?: (req: IncomingMessage, path: string, listener: 'lightning' | 'vf') => { readonly status: number; readonly body: unknown } | undefined;
  /** Extra headers for the console pages (the session cookie). */
  readonly pageHeaders?: (req: IncomingMessage, url: URL) => Record<string, string>;
}

export interface RunningServers {
  readonly port: number;
  readonly vfPort: number;
  readonly origins: ConsoleOrigins;
  close(): Promise<void>;
}

export async function startConsoleServers(options: ConsoleServerOptions): Promise<RunningServers> {
  const webDir = join(options.distDir, 'node', 'console', 'web');
  const softphoneDir = join(options.distDir, 'app', 'softphone');
  // The Salesforce Voice connector page (a Voice call center's adapter URL), served like the softphone's.
  const voiceDir = join(options.distDir, 'app', 'voice');
  const openCti = createOpenCtiRoutes({ libraryDir: join(options.distDir, 'node', 'console', 'opencti', 'web'), allowLocalOrigins: options.allowLocalOrigins });
  let origins: ConsoleOrigins = { lightning: '', vf: '' };

  const serveFrom = (res: ServerResponse, root: string, rel: string): boolean => {
    const file = safeJoin(root, rel);
    return file !== undefined && serveFile(res, file);
  };
  const page = (res: ServerResponse, name: string, headers: Record<string, string> = {}): void => {
    if (!serveFile(res, join(webDir, name), headers)) sendText(res, 500, `Console page ${name} is not built (run npm run build): ${join(webDir, name)}`);
  };

  const iconSymbol = createIconSymbols(options.sldsDir);
  const common = (path: string, res: ServerResponse): boolean => {
    if (openCti(path, res)) return true;
    if (path.startsWith('/assets/icons/')) {
      const svg = iconSymbol(path);
      if (!svg) return notFound(res, path);
      res.writeHead(200, { 'content-type': 'image/svg+xml; charset=utf-8', 'cache-control': 'public, max-age=86400' });
      res.end(svg);
      return true;
    }
    if (path.startsWith('/assets/slds/')) {
      // SLDS changes only with the package: the icon sprite (hundreds of KB, used by every utility
      // bar render) is not fetched again on each call, which would hold up the console's own requests.
      const file = safeJoin(options.sldsDir, path.slice('/assets/slds/'.length));
      return (file !== undefined && serveFile(res, file, { 'cache-control': 'public, max-age=86400' })) || notFound(res, path);
    }
    return false;
  };

  async function lightning(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const path = url.pathname;
    if (refused(req, res, path, 'lightning')) return;
    if (common(path, res)) return;
    if (path === '/' || path === '/lightning' || path === '/lightning/') {
      res.writeHead(302, { location: `/lightning/page/home${url.search}` });
      res.end();
      return;
    }
    if (path.startsWith('/lightning/')) return page(res, 'index.html', options.pageHeaders?.(req, url));
    if (path === '/console/classic' || path === '/console/classic/') return page(res, 'classic.html', options.pageHeaders?.(req, url));
    if (path.startsWith('/assets/console/')) {
      if (!serveFrom(res, webDir, path.slice('/assets/console/'.length))) notFound(res, path);
      return;
    }
    if (path.startsWith(CONSOLE_API)) return options.consoleApi(req, res, path, url);
    if (path.startsWith('/apex/')) {
      // An org sends Visualforce to its own domain.
      res.writeHead(302, { location: `${origins.vf}${path}${url.search}` });
      res.end();
      return;
    }
    for (const handler of options.extra ?? []) if (await handler(req, res)) return;
    if (options.rest && (await options.rest(req, res))) return;
    notFound(res, path);
  }

  async function vf(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const path = url.pathname;
    if (refused(req, res, path, 'vf')) return;
    if (common(path, res)) return;
    for (const handler of options.vfExtra ?? []) if (await handler(req, res)) return;
    const apex = /^\/apex\/([^/]+)$/.exec(path);
    if (apex) {
      const found = findApexPage(options.apexDir, decodeURIComponent(apex[1]!));
      if (found.kind === 'page') return sendText(res, 200, found.html, 'text/html; charset=utf-8');
      if (found.kind === 'error') return sendText(res, 500, found.message);
      return sendText(res, 404, `Visualforce page ${apex[1]} does not exist${options.apexDir ? ` in ${options.apexDir}` : ' (no apexDir configured)'}.`);
    }
    if (path === '/softphone') {
      res.writeHead(302, { location: `/softphone/${url.search}` });
      res.end();
      return;
    }
    if (path.startsWith('/softphone/')) {
      const rel = path.slice('/softphone/'.length) || 'index.html';
      if (rel === 'index.html')
        return serveConnectorPage(res, join(softphoneDir, 'index.html'), {
          trustedOrigins: [origins.lightning],
          sipWebSocketUrls: options.sipWebSocketUrls?.() ?? [],
        });
      if (serveFrom(res, softphoneDir, rel)) return;
      notFound(res, path);
      return;
    }
    if (path === '/voice') {
      res.writeHead(302, { location: `/voice/${url.search}` });
      res.end();
      return;
    }
    if (path.startsWith('/voice/')) {
      const rel = path.slice('/voice/'.length) || 'index.html';
      if (rel === 'index.html')
        return serveConnectorPage(res, join(voiceDir, 'index.html'), {
          trustedOrigins: [origins.lightning],
          sipWebSocketUrls: options.sipWebSocketUrls?.() ?? [],
        });
      if (serveFrom(res, voiceDir, rel)) return;
      notFound(res, path);
      return;
    }
    notFound(res, path);
  }

  const refused = (req: IncomingMessage, res: ServerResponse, path: string, listener: 'lightning' | 'vf'): boolean => {
    const refusal = options.guard?.(req, path, listener);
    if (!refusal) return false;
    // The body is left unread: the request is refused whatever it says.
    closeAfterResponse(req, res);
    sendJson(res, refusal.status, refusal.body);
    return true;
  };

  const wrap = (handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>) => (req: IncomingMessage, res: ServerResponse) => {
    handler(req, res).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof HttpError) sendJson(res, e.status, { error: e.message });
      else sendJson(res, 500, { error: e instanceof Error ? e.message : String(e) });
    });
  };

  const lightningListener = createWebListener(wrap(lightning), options.tls);
  const vfListener = createWebListener(wrap(vf), options.tls);
  await lightningListener.listen(options.port, options.host);
  await vfListener.listen(options.vfPort, options.host);
  const port = lightningListener.port;
  const vfPort = vfListener.port;
  origins = options.origins(port, vfPort);
  return {
    port,
    vfPort,
    origins,
    close: async () => {
      await Promise.all([lightningListener.close(), vfListener.close()]);
    },
  };
}

function notFound(res: ServerResponse, path: string): true {
  sendText(res, 404, `Not found: ${path}`);
  return true;
}
