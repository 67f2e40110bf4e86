/**
 * Serving the connector page (V/softphone/index.html) as a deployment would: the built page with
 * this emulator's Lightning origin as its one trusted origin (local and strict origins carry a port,
 * which Salesforce's never do), and its Content-Security-Policy as a header naming the SIP
 * WebSockets of the org's call centers (as an org's CSP Trusted Sites would). The build's own
 * policy meta tag is dropped: both would apply, and the build's does not know this emulator.
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { configureConnectorPage, connectorCsp, type ConnectorPageConfig } from '../../connector-page/connector-page.ts';
import { sendText } from './http-util.ts';

export function serveConnectorPage(res: ServerResponse, file: string, config: ConnectorPageConfig): void {
  let html: string;
  try {
    html = readFileSync(file, 'utf8');
  } catch {
    sendText(res, 404, `The connector is not built: ${file} is missing (run npm run build).`);
    return;
  }
  const body = configureConnectorPage(html, { trustedOrigins: config.trustedOrigins, csp: undefined });
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-cache',
    'content-security-policy': connectorCsp(config),
  });
  res.end(body);
}

/** The ws(s) URLs of every call center's `sipWebSocketUrl`, for connect-src. */
export function callCenterWebSockets(settings: readonly Readonly<Record<string, string>>[]): string[] {
  return settings.map((s) => s['/switchboard/sipWebSocketUrl'] ?? '').filter((u) => /^wss?:\/\//i.test(u));
}
