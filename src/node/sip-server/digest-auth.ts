/**
 * HTTP Digest authentication for SIP (RFC 3261 22, RFC 2617; MD5, qop=auth or none).
 *
 * Nonces are self-validating: `<issued-at hex>.<HMAC(secret, issued-at)>`. No state is kept per
 * challenge, a forged nonce fails the HMAC, and an expired one is answered with `stale=true` so the
 * UA retries with the new nonce without asking its user for the password again.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../core/index.ts';

export type DigestFailure =
  | 'missing' | 'malformed' | 'unknown-user' | 'wrong-realm' | 'bad-nonce' | 'stale' | 'bad-response';

export type DigestResult =
  | { readonly ok: true; readonly username: string }
  | { readonly ok: false; readonly reason: DigestFailure; readonly username?: string };

export interface DigestOptions {
  readonly realm: string;
  readonly clock: Clock;
  /** How long a nonce is accepted (default 5 minutes). */
  readonly nonceTtlMs?: number;
  /** HMAC key for nonces; random per server by default. */
  readonly secret?: Buffer;
}

export function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** Parses `Digest k=v, k="v", ...`; undefined when it is not a Digest header. */
export function parseDigest(value: string): Record<string, string> | undefined {
  const match = /^\s*Digest\s+(.*)$/is.exec(value);
  if (!match) return undefined;
  const out: Record<string, string> = {};
  const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))\s*(?:,|$)/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(match[1])) !== null) {
    out[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
    consumed = re.lastIndex;
  }
  if (consumed === 0) return undefined;
  return out;
}

export class DigestAuthenticator {
  readonly realm: string;
  private readonly clock: Clock;
  private readonly ttl: number;
  private readonly secret: Buffer;

  constructor(options: DigestOptions) {
    this.realm = options.realm;
    this.clock = options.clock;
    this.ttl = options.nonceTtlMs ?? 300_000;
    this.secret = options.secret ?? randomBytes(32);
  }

  /** The value of a WWW-Authenticate / Proxy-Authenticate header. */
  challenge(stale = false): string {
    const nonce = this.newNonce();
    return `Digest realm="${this.realm}", nonce="${nonce}", algorithm=MD5, qop="auth"${stale ? ', stale=true' : ''}`;
  }

  /** Checks an Authorization / Proxy-Authorization value for `method`. */
  verify(method: string, header: string | undefined, passwordOf: (username: string) => string | undefined): DigestResult {
    if (header === undefined) return { ok: false, reason: 'missing' };
    const p = parseDigest(header);
    if (!p || !p.username || !p.nonce || !p.uri || !p.response) return { ok: false, reason: 'malformed' };
    const username = p.username;
    if (p.realm !== this.realm) return { ok: false, reason: 'wrong-realm', username };
    if (p.algorithm && p.algorithm.toUpperCase() !== 'MD5') return { ok: false, reason: 'malformed', username };
    const password = passwordOf(username);
    if (password === undefined) return { ok: false, reason: 'unknown-user', username };
    const nonceState = this.checkNonce(p.nonce);
    if (nonceState === 'bad') return { ok: false, reason: 'bad-nonce', username };
    const ha1 = md5(`${username}:${this.realm}:${password}`);
    const ha2 = md5(`${method}:${p.uri}`);
    let expected: string;
    if (p.qop === undefined) expected = md5(`${ha1}:${p.nonce}:${ha2}`);
    else if (p.qop.toLowerCase() === 'auth' && p.nc && p.cnonce) expected = md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`);
    else return { ok: false, reason: 'malformed', username };
    const a = Buffer.from(expected);
    const b = Buffer.from(p.response.toLowerCase());
    if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'bad-response', username };
    // A right answer to an expired nonce: the UA knows the password, just ask again (stale=true).
    if (nonceState === 'stale') return { ok: false, reason: 'stale', username };
    return { ok: true, username };
  }

  private newNonce(): string {
    const issued = this.clock.now().toString(16);
    return `${issued}.${this.sign(issued)}`;
  }

  private sign(issued: string): string {
    return createHmac('sha256', this.secret).update(issued).digest('hex').slice(0, 32);
  }

  private checkNonce(nonce: string): 'fresh' | 'stale' | 'bad' {
    const [issued, mac] = nonce.split('.');
    if (!issued || !mac || !/^[0-9a-f]+$/.test(issued)) return 'bad';
    const a = Buffer.from(this.sign(issued));
    const b = Buffer.from(mac);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return 'bad';
    const age = this.clock.now() - parseInt(issued, 16);
    if (age < 0 || age > this.ttl) return 'stale';
    return 'fresh';
  }
}
