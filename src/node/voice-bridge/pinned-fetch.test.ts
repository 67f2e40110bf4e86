import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devCertificate } from '../console/server/dev-certificate.ts';
import { generateKeyPair } from './keygen.ts';
import { pinnedFetch } from './pinned-fetch.ts';

const HOST = 'acme.lightning.force.com';
let server: Server;
let port: number;

before(async () => {
  server = createServer(devCertificate(), (req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2000);
      if (req.url === '/empty') return void res.writeHead(204).end();
      res.writeHead(201, { 'content-type': 'application/json', 'x-seen-host': req.headers.host ?? '' });
      res.end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

test('reaches a pinned host name at its address over verified TLS, with method, headers and body', async () => {
  const fetchIt = pinnedFetch({ ca: devCertificate().cert, resolve: { [HOST]: '127.0.0.1' } });
  const res = await fetchIt(`https://${HOST}:${port}/x`, {
    method: 'POST',
    headers: { authorization: 'Bearer t' },
    body: '{"a":1}',
    signal: AbortSignal.timeout(5000),
  });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('x-seen-host'), `${HOST}:${port}`, 'the Host header is the pinned name, not the address');
  assert.deepEqual(await res.json(), { method: 'POST', body: '{"a":1}', auth: 'Bearer t' });
  const empty = await fetchIt(`https://${HOST}:${port}/empty`, { method: 'GET' });
  assert.equal(empty.status, 204);
});

test('a certificate the given authority did not sign is refused (verification stays on)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-pinned-'));
  try {
    const other = generateKeyPair(dir).certificate;
    const fetchIt = pinnedFetch({ ca: other, resolve: { [HOST]: '127.0.0.1' } });
    await assert.rejects(fetchIt(`https://${HOST}:${port}/x`, { method: 'GET', signal: AbortSignal.timeout(5000) }), (e: Error & { code?: string }) =>
      /CERT|SIGNATURE|ISSUER/i.test(`${e.code} ${e.message}`),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a host name that is not pinned is not resolved; http is refused; a timeout aborts', async () => {
  const fetchIt = pinnedFetch({ ca: devCertificate().cert, resolve: { [HOST]: '127.0.0.1' } });
  await assert.rejects(
    fetchIt(`https://other.lightning.force.com:${port}/x`, { method: 'GET', signal: AbortSignal.timeout(5000) }),
    /not one of the pinned host names/,
  );
  await assert.rejects(fetchIt(`http://${HOST}:${port}/x`, { method: 'GET' }), /https only/);
  await assert.rejects(fetchIt(`https://${HOST}:${port}/slow`, { method: 'GET', signal: AbortSignal.timeout(200) }), (e: Error) => e.name === 'AbortError');
  assert.throws(() => pinnedFetch({ ca: 'x', resolve: { [HOST]: 'localhost' } }), /must map to an IP address/);
});
