/**
 * A fetch for ScrtClient that trusts one extra certificate authority and reaches chosen host names
 * at a fixed address, for this connection only: how the voice bridge of `npm start -- --surface
 * voice` talks to the console emulator's Telephony Integration API at its Salesforce-shaped HTTPS
 * origin (`https://<org>.lightning.force.com:<port>`, a throwaway self-signed certificate, a name
 * no DNS resolves). TLS verification stays on: the certificate must chain to `ca` and match the
 * host name. Node's global fetch has no public way to take a CA or a resolver, hence node:https.
 */
import { Agent, request } from 'node:https';
import type { LookupFunction } from 'node:net';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface PinnedFetchOptions {
  /** PEM certificate(s) trusted in addition to Node's roots. */
  readonly ca: string;
  /** Host name → IP address used instead of DNS (like Chromium's --host-resolver-rules). */
  readonly resolve?: Readonly<Record<string, string>>;
}

export function pinnedFetch(options: PinnedFetchOptions): FetchLike {
  const pinned = new Map(Object.entries(options.resolve ?? {}).map(([name, address]) => [name.toLowerCase(), address]));
  for (const [name, address] of pinned) {
    if (!/^[\d.]+$|:/.test(address)) throw new Error(`pinnedFetch: ${name} must map to an IP address, got '${address}'`);
  }
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    const address = pinned.get(hostname.toLowerCase());
    if (address === undefined) {
      callback(
        Object.assign(new Error(`pinnedFetch: ${hostname} is not one of the pinned host names (${[...pinned.keys()].join(', ')})`), { code: 'ENOTFOUND' }),
        '',
        4,
      );
      return;
    }
    const family = address.includes(':') ? 6 : 4;
    // net.connect asks for every address (all: true) when it may try several families.
    if (lookupOptions.all) (callback as unknown as (e: null, all: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const agent = new Agent({ ca: options.ca, ...(pinned.size > 0 ? { lookup } : {}) });
  return (url, init) =>
    new Promise<Response>((resolvePromise, reject) => {
      const target = new URL(url);
      if (target.protocol !== 'https:') {
        reject(new TypeError(`pinnedFetch speaks https only, not ${target.protocol} (${url})`));
        return;
      }
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const req = request(target, { method: init.method ?? 'GET', headers, agent, ...(init.signal ? { signal: init.signal } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('the answer broke off')));
        res.on('end', () => {
          const status = res.statusCode ?? 502;
          const answerHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) answerHeaders.append(name, v);
          }
          // A Response may not carry a body with these statuses.
          const body = [101, 204, 205, 304].includes(status) ? null : Buffer.concat(chunks);
          resolvePromise(new Response(body, { status, headers: answerHeaders }));
        });
      });
      req.on('error', reject);
      if (typeof init.body === 'string' || init.body instanceof Uint8Array) req.end(init.body);
      else if (init.body === undefined || init.body === null) req.end();
      else reject(new TypeError('pinnedFetch sends string or byte bodies only'));
    });
}
