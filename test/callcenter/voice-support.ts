/** Throwaway certificates for the Salesforce Voice tests, made with the system's openssl at test time. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  readonly cert: string;
  readonly key: string;
}

/** A self-signed certificate valid for `days` from now, of an RSA (default) or EC key. */
export function makeCertificate(options: { days?: number; keyType?: 'rsa' | 'ec' } = {}): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'sb-voice-cert-'));
  try {
    const key = options.keyType === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['-newkey', 'rsa:2048'];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        ...key,
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        String(options.days ?? 365),
        '-subj',
        '/CN=switchboard voice test',
      ],
      { stdio: 'pipe' },
    );
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let shared: TestCertificate | undefined;
/** One RSA certificate for the tests that only need a valid one (key generation is slow). */
export function rsaCertificate(): TestCertificate {
  shared ??= makeCertificate();
  return shared;
}

/** A temporary folder with the Voice config `callcenter init --surface voice` writes and a certificate beside it. */
export function voiceWorkspace(t: { after: (fn: () => void) => void }, configText: string, certificate: string = rsaCertificate().cert): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-voice-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'switchboard.yaml'), configText);
  writeFileSync(join(dir, 'voice-bridge-cert.pem'), certificate);
  return dir;
}
