/**
 * `switchboard voice-bridge keygen`: an RSA key pair for the Telephony Integration REST API. The
 * private key stays with the bridge (mode 0600); the self-signed X.509 certificate is what the
 * call center's `reqTelephonyIntegrationCertificate` holds (Salesforce verifies the JWT with it).
 * Made with the system's openssl, as the console emulator's dev certificate is.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KEY_FILE = 'voice-bridge-key.pem';
export const CERT_FILE = 'voice-bridge-cert.pem';

export interface KeyPairFiles {
  readonly keyPath: string;
  readonly certPath: string;
  readonly certificate: string;
}

export function generateKeyPair(
  outDir: string,
  options: { readonly days?: number; readonly commonName?: string; readonly force?: boolean } = {},
): KeyPairFiles {
  const keyPath = join(outDir, KEY_FILE);
  const certPath = join(outDir, CERT_FILE);
  if (!options.force) {
    for (const p of [keyPath, certPath])
      if (existsSync(p)) throw new Error(`${p} exists; pass --force to replace it (the call center's certificate must then be replaced too)`);
  }
  const days = options.days ?? 730;
  if (!Number.isInteger(days) || days < 1) throw new Error(`--days must be a whole number ≥ 1 (got ${days})`);
  const scratch = mkdtempSync(join(tmpdir(), 'sb-voice-keygen-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-sha256',
        '-keyout',
        join(scratch, 'key.pem'),
        '-out',
        join(scratch, 'cert.pem'),
        '-days',
        String(days),
        '-subj',
        `/CN=${(options.commonName ?? 'switchboard voice bridge').replace(/[/\\=]/g, ' ')}`,
      ],
      { stdio: 'pipe' },
    );
    const key = readFileSync(join(scratch, 'key.pem'), 'utf8');
    const certificate = readFileSync(join(scratch, 'cert.pem'), 'utf8');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(keyPath, key, { mode: 0o600 });
    chmodSync(keyPath, 0o600);
    writeFileSync(certPath, certificate);
    return { keyPath, certPath, certificate };
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    if ((e as { code?: string }).code === 'ENOENT') throw new Error('openssl was not found; install it (Debian: apt-get install openssl)');
    throw e instanceof Error && stderr ? new Error(`openssl failed: ${stderr}`) : e;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The key pair in `dir`, made on first use and reused after (a demo's `.switchboard/voice/`): a
 * certificate that has expired, or a pair missing one of its files, is made anew. Answers whether
 * it was made now.
 */
export function ensureKeyPair(dir: string, now: Date = new Date()): KeyPairFiles & { readonly created: boolean } {
  const keyPath = join(dir, KEY_FILE);
  const certPath = join(dir, CERT_FILE);
  if (existsSync(keyPath) && existsSync(certPath)) {
    const certificate = readFileSync(certPath, 'utf8');
    let valid = false;
    try {
      valid = new Date(new X509Certificate(certificate).validTo).getTime() > now.getTime();
    } catch (e) {
      throw new Error(`${certPath} is not a certificate (${(e as Error).message}); remove ${dir} to make a new pair`);
    }
    if (valid) return { keyPath, certPath, certificate, created: false };
  }
  return { ...generateKeyPair(dir, { force: true }), created: true };
}
