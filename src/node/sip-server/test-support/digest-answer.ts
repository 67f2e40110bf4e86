/** Hand-made digest answers (RFC 2617, MD5, qop=auth) for raw clients in tests. */
import { md5, parseDigest } from '../digest-auth.ts';

export interface DigestAnswerOptions {
  readonly username: string;
  readonly password: string;
  readonly method: string;
  readonly uri: string;
  /** Nonce count, written as 8 hex digits (default 1). */
  readonly nc?: number;
  readonly cnonce?: string;
  /** false: the RFC 2069 form without qop, nc and cnonce. */
  readonly qop?: boolean;
}

/** The challenge header value of a 401/407 response text. */
export function challengeOf(response: string): string {
  const value = /^(?:WWW|Proxy)-Authenticate: (.*)$/im.exec(response)?.[1];
  if (!value) throw new Error(`no challenge in:\n${response}`);
  return value.trim();
}

/** The `Digest ...` value answering `challenge`. */
export function digestAnswer(challenge: string, o: DigestAnswerOptions): string {
  const p = parseDigest(challenge);
  if (!p?.realm || !p.nonce) throw new Error(`not a digest challenge: ${challenge}`);
  const ha1 = md5(`${o.username}:${p.realm}:${o.password}`);
  const ha2 = md5(`${o.method}:${o.uri}`);
  const common = `username="${o.username}", realm="${p.realm}", nonce="${p.nonce}", uri="${o.uri}", algorithm=MD5`;
  if (o.qop === false) return `Digest ${common}, response="${md5(`${ha1}:${p.nonce}:${ha2}`)}"`;
  const nc = (o.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = o.cnonce ?? 'test-cnonce';
  const response = md5(`${ha1}:${p.nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return `Digest ${common}, response="${response}", qop=auth, nc=${nc}, cnonce="${cnonce}"`;
}
