/**
 * HTTP Digest authentication for SIP (RFC 3261 22, RFC 2617; MD5, qop=auth or none).
 *
 * Nonces are self-validating: `<issued-at hex>.<sequence hex>.<HMAC(secret, both)>`. Nothing is
 * kept per challenge, a forged nonce fails the HMAC, and an expired one is answered with
 * `stale=true` so the UA retries with the new nonce without asking its user for the password again.
 * State is kept only per nonce that produced a right answer, to refuse replays (nonce-counts.ts):
 * a digest covers the method and the Request-URI but not the Contact, so a sniffed REGISTER
 * replayed as is could bind the sniffer's Contact.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../core/index.ts';
import { NonceCounts } from './nonce-counts.ts';

export type DigestFailure =
  | 'missing'
  | 'malformed'
  | 'unknown-user'
  | 'wrong-realm'
  | 'bad-nonce'
  | 'stale'
  | 'bad-response'
  /** A right answer seen before (same nonce, cnonce and a count not above the last one). */
  | 'replayed';

export type DigestResult =
  { readonly ok: true; readonly username: string } | { readonly ok: false; readonly reason: DigestFailure; readonly username?: string };

export interface DigestOptions {
  readonly realm: string;
  readonly clock: Clock;
  /** How long a nonce is accepted (default 5 minutes). */
  readonly nonceTtlMs?: number;
  /** HMAC key for nonces; random per server by default. */
  readonly secret?: Buffer;
  /** How many used nonces are remembered for replay checks (default 4096); older ones go stale. */
  readonly maxTrackedNonces?: number;
}

/** Answers that fail only on their nonce: the UA knows the password and is simply asked again. */
export const STALE_REASONS: ReadonlySet<DigestFailure> = new Set(['stale', 'replayed']);

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
  private readonly counts: NonceCounts;
  private nextSeq = 0;

  constructor(options: DigestOptions) {
    this.realm = options.realm;
    this.clock = options.clock;
    this.ttl = options.nonceTtlMs ?? 300_000;
    this.secret = options.secret ?? randomBytes(32);
    this.counts = new NonceCounts(options.maxTrackedNonces ?? 4096, this.ttl);
  }

  /** Used nonces currently remembered (bounded by `maxTrackedNonces`). */
  get trackedNonces(): number {
    return this.counts.size;
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
    const nonce = this.readNonce(p.nonce);
    if (nonce === 'bad') return { ok: false, reason: 'bad-nonce', username };
    const ha1 = md5(`${username}:${this.realm}:${password}`);
    const ha2 = md5(`${method}:${p.uri}`);
    let expected: string;
    let nc: number | undefined;
    if (p.qop === undefined) expected = md5(`${ha1}:${p.nonce}:${ha2}`);
    else if (p.qop.toLowerCase() === 'auth' && p.nc && /^[0-9a-f]{8}$/i.test(p.nc) && p.cnonce) {
      expected = md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`);
      nc = parseInt(p.nc, 16);
    } else return { ok: false, reason: 'malformed', username };
    const a = Buffer.from(expected);
    const b = Buffer.from(p.response.toLowerCase());
    if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'bad-response', username };
    // A right answer to an expired nonce: the UA knows the password, just ask again (stale=true).
    const now = this.clock.now();
    const age = now - nonce.issuedAt;
    if (age < 0 || age > this.ttl) return { ok: false, reason: 'stale', username };
    // Counted only once the answer is right: a wrong one must not use up the real client's counts.
    const use = this.counts.use(p.nonce, nonce.seq, nonce.issuedAt, p.qop === undefined ? undefined : p.cnonce, nc, now);
    if (use === 'replayed') return { ok: false, reason: 'replayed', username };
    if (use === 'forgotten') return { ok: false, reason: 'stale', username };
    return { ok: true, username };
  }

  private newNonce(): string {
    // The sequence number keeps nonces of the same millisecond apart, and orders them for forgetting.
    const body = `${this.clock.now().toString(16)}.${(this.nextSeq++).toString(16)}`;
    return `${body}.${this.sign(body)}`;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('hex').slice(0, 32);
  }

  /** The issue time and sequence number of a nonce this authenticator signed, else 'bad'. */
  private readNonce(nonce: string): { readonly issuedAt: number; readonly seq: number } | 'bad' {
    const m = /^([0-9a-f]{1,13})\.([0-9a-f]{1,13})\.([0-9a-f]+)$/.exec(nonce);
    if (!m) return 'bad';
    const a = Buffer.from(this.sign(`${m[1]}.${m[2]}`));
    const b = Buffer.from(m[3]);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return 'bad';
    return { issuedAt: parseInt(m[1], 16), seq: parseInt(m[2], 16) };
  }
}
