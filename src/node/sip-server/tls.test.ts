// The embedded server over secure WebSocket (wss://): what a remote agent on an https page needs.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:https';
import { fixture, DOMAIN, type Fixture } from './test-support/fixture.ts';
import { RawClient, rawRequest } from './test-support/raw-client.ts';
import { devCertificate } from '../console/server/dev-certificate.ts';

describe('wss: the embedded server over TLS', () => {
  let f: Fixture;
  const tls = devCertificate();
  before(async () => {
    f = await fixture({ tls });
  });
  after(async () => {
    await f.close();
  });

  test('listens on wss:// and answers SIP over it for a client that trusts the certificate', async () => {
    assert.match(f.server.url, /^wss:\/\/127\.0\.0\.1:\d+$/);
    const raw = await RawClient.connect(f.server.url, 'sip', { ca: tls.cert });
    assert.equal(raw.protocol, 'sip');
    raw.send(rawRequest('REGISTER', `sip:${DOMAIN}`, { host: raw.host, domain: DOMAIN, user: '1001' }));
    assert.match(await raw.response(401), /^SIP\/2\.0 401 /);
    raw.close();
  });

  test('a client that does not trust the certificate is refused at the handshake; the server goes on serving', async () => {
    await assert.rejects(RawClient.connect(f.server.url, 'sip'), /self[- ]signed|certificate/i);
    await assert.rejects(RawClient.connect(f.server.url.replace('wss:', 'ws:'), 'sip'));
    const raw = await RawClient.connect(f.server.url, 'sip', { ca: tls.cert });
    raw.send(rawRequest('REGISTER', `sip:${DOMAIN}`, { host: raw.host, domain: DOMAIN, user: '1002' }));
    assert.match(await raw.response(401), /^SIP\/2\.0 401 /);
    raw.close();
  });

  test('a plain https request is told to use a SIP WebSocket client (426)', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      get(f.server.url.replace('wss:', 'https:'), { ca: tls.cert }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += String(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      }).on('error', reject);
    });
    assert.equal(status, 426);
    assert.match(body, /SIP WebSocket client/);
  });
});
