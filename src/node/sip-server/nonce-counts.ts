/**
 * Replay protection for digest answers (RFC 2617 3.2.2: the nonce count lets the server "detect
 * request replays by maintaining its own copy of this count").
 *
 * For every (nonce, cnonce) that produced a right answer it keeps the highest `nc` seen; an answer
 * with the same or a lower `nc` is a replay. An answer without qop carries no count, so its nonce
 * is good once. Memory is bounded:
 *   - an entry is useless once its nonce is older than the nonce lifetime (the authenticator calls
 *     that stale before asking here), so expired entries are dropped;
 *   - past `max` entries the oldest are forgotten, and with them every nonce of a sequence number at
 *     or below theirs: such a nonce is answered stale (the UA retries with a fresh challenge) rather
 *     than trusted, because it might have been used before.
 */

export type NonceUse = 'fresh' | 'replayed' | 'forgotten';

interface Entry {
  readonly seq: number;
  readonly issuedAt: number;
  /** Highest nonce count accepted; Infinity for a nonce used without qop. */
  lastNc: number;
}

export class NonceCounts {
  private readonly entries = new Map<string, Entry>();
  /** Nonces with a sequence number at or below this were forgotten (or may have been). */
  private floor = -1;

  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
  ) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxTrackedNonces must be a whole number >= 1 (got ${max})`);
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Records one right answer to the nonce `nonce` (sequence `seq`, issued at `issuedAt`) with client
   * nonce `cnonce` and count `nc` (undefined: no qop). Returns whether it is a first use.
   */
  use(nonce: string, seq: number, issuedAt: number, cnonce: string | undefined, nc: number | undefined, now: number): NonceUse {
    const key = cnonce === undefined ? nonce : `${nonce}\n${cnonce}`;
    const entry = this.entries.get(key);
    if (entry) {
      if (nc === undefined || nc <= entry.lastNc) return 'replayed';
      entry.lastNc = nc;
      return 'fresh';
    }
    if (seq <= this.floor) return 'forgotten';
    this.entries.set(key, { seq, issuedAt, lastNc: nc ?? Infinity });
    this.prune(now);
    return 'fresh';
  }

  private prune(now: number): void {
    for (const [key, e] of this.entries) {
      if (now - e.issuedAt <= this.ttlMs) continue;
      this.entries.delete(key);
    }
    for (const [key, e] of this.entries) {
      if (this.entries.size <= this.max) break;
      this.entries.delete(key);
      this.floor = Math.max(this.floor, e.seq);
    }
  }
}
