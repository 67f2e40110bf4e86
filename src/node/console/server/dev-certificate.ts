/**
 * Strict mode serves HTTPS: force.com and salesforce.com are on Chromium's HSTS preload list, so a
 * browser always upgrades http://*.force.com to https. The emulator makes a throwaway self-signed
 * certificate for the Salesforce-shaped host names with the system's openssl (browsers then need
 * `--ignore-certificate-errors`, see STRICT_CHROMIUM_ARGS), unless a key and certificate are given.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TlsFiles {
  readonly key: string;
  readonly cert: string;
}

let cached: TlsFiles | undefined;

export function devCertificate(): TlsFiles {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'sb-console-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '30',
        '-subj',
        '/CN=switchboard console emulator',
        '-addext',
        'subjectAltName=DNS:*.lightning.force.com,DNS:*.vf.force.com,DNS:*.force.com,DNS:*.my.salesforce.com,DNS:*.salesforce.com,DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'pipe' },
    );
    cached = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
    return cached;
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new Error(`strict origins need HTTPS and the certificate could not be made with openssl (${detail}); install openssl or pass tls {key, cert}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
