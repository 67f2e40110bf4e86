/**
 * Test keys for the Telephony Integration API: an RSA key pair with a self-signed X.509 certificate
 * made by the system's openssl (as a vendor makes the call center's certificate), and JWTs signed as
 * a telephony system signs them, with any claim or header changed for the refusal tests.
 */
import { execFileSync } from 'node:child_process';
import { createHmac, createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';

export interface TelephonyKeys {
  readonly privateKey: KeyObject;
  /** PEM, BEGIN/END lines included. */
  readonly certificate: string;
}

export function makeTelephonyKeys(keyType: 'rsa' | 'ec' = 'rsa'): TelephonyKeys {
  const dir = mkdtempSync(join(tmpdir(), 'sb-telephony-keys-'));
  try {
    const newkey = keyType === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        ...newkey,
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=switchboard telephony test',
      ],
      { stdio: 'pipe' },
    );
    return { privateKey: createPrivateKey(readFileSync(join(dir, 'key.pem'))), certificate: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface TokenOptions {
  readonly orgId: string;
  readonly callCenter: string;
  /** Seconds since the epoch; default now. */
  readonly iat?: number;
  /** Seconds after iat; default 120 (the voice bridge's). */
  readonly lifetime?: number;
  /** Default https://scrt.salesforce.com; null leaves it out. */
  readonly aud?: string | null;
  /** Leave exp out. */
  readonly noExp?: boolean;
}

/** An RS256 JWT as the voice bridge signs it. */
export async function telephonyToken(key: KeyObject, options: TokenOptions): Promise<string> {
  const iat = options.iat ?? Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer(options.orgId)
    .setSubject(options.callCenter)
    .setIssuedAt(iat)
    .setJti(randomUUID());
  if (!options.noExp) jwt = jwt.setExpirationTime(iat + (options.lifetime ?? 120));
  if (options.aud !== null) jwt = jwt.setAudience(options.aud ?? 'https://scrt.salesforce.com');
  return jwt.sign(key);
}

const part = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

/** The same claims unsigned (`alg: none`), or signed with HS256 keyed by the certificate text (the classic algorithm-confusion attack). */
export function forgedToken(kind: 'none' | 'HS256', claims: Record<string, unknown>, certificate: string): string {
  const body = `${part({ alg: kind, typ: 'JWT' })}.${part(claims)}`;
  return kind === 'none' ? `${body}.` : `${body}.${createHmac('sha256', certificate).update(body).digest('base64url')}`;
}
