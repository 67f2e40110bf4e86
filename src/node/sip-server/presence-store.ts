/**
 * Published presence (RFC 3903 PUBLISH with RFC 3863 PIDF bodies), in memory.
 *
 * Each publication has an entity tag and an expiry. A PUBLISH without SIP-If-Match and with a body
 * creates one; with SIP-If-Match it refreshes (no body) or modifies (body) that one; Expires 0
 * removes it. An unknown or expired tag is answered 412 by the caller. The newest publication of
 * an address of record is its presence.
 */
import type { Clock } from '../../core/index.ts';
import { randomHex } from './message-edit.ts';

export interface Publication {
  readonly aor: string;
  readonly etag: string;
  /** The connection the publisher used last; the publication ends with it (removeConnection). */
  readonly connectionId: number | undefined;
  body: string;
  contentType: string;
  expiresAt: number;
  updatedAt: number;
}

export interface PidfSummary {
  readonly basic: 'open' | 'closed' | undefined;
  readonly note: string | undefined;
  /** RPID activities (`<rpid:activities><rpid:busy/></rpid:activities>`), lower-case local names. */
  readonly activities: readonly string[];
}

export type PublishOutcome =
  { readonly status: 200; readonly etag: string; readonly expires: number } | { readonly status: 412 | 400; readonly reason: string };

export interface PublishRequest {
  readonly aor: string;
  readonly ifMatch: string | undefined;
  readonly expires: number;
  readonly body: string | undefined;
  readonly contentType: string | undefined;
  /** The connection it came over (see Publication.connectionId). */
  readonly connectionId?: number;
}

/** Activities that mean "do not offer calls to this person". */
const UNAVAILABLE_ACTIVITIES = new Set([
  'away',
  'busy',
  'on-the-phone',
  'meeting',
  'appointment',
  'vacation',
  'holiday',
  'sleeping',
  'permanent-absence',
  'lunch',
  'meal',
  'breakfast',
  'dinner',
  'in-transit',
  'travel',
]);

export function summarisePidf(body: string): PidfSummary {
  const basic = /<(?:[\w-]+:)?basic\s*>\s*(open|closed)\s*<\/(?:[\w-]+:)?basic\s*>/i.exec(body)?.[1]?.toLowerCase();
  const note = /<(?:[\w-]+:)?note(?:\s[^>]*)?>([^<]*)<\/(?:[\w-]+:)?note\s*>/i.exec(body)?.[1]?.trim();
  const activities: string[] = [];
  const block = /<(?:[\w-]+:)?activities\b[^>]*>([\s\S]*?)<\/(?:[\w-]+:)?activities\s*>/i.exec(body)?.[1];
  if (block) {
    for (const m of block.matchAll(/<(?:[\w-]+:)?([\w-]+)\s*\/?>/g)) activities.push(m[1].toLowerCase());
  }
  return { basic: basic === 'open' || basic === 'closed' ? basic : undefined, note: note || undefined, activities };
}

/** Notes softphones put on a status that is "signed in but do not offer calls" (wrap-up, break...). */
const UNAVAILABLE_NOTE = /\b(away|busy|on[- ]the[- ]phone|wrap[- ]?up|offline|do not disturb|dnd|meeting|lunch|break)\b/i;

/**
 * Default availability rule: basic open, no activity that means away or busy, and no note that
 * says so (the connector publishes `open` + "Wrap-up" after a call, which must not get the next one).
 */
export function isAvailablePidf(summary: PidfSummary): boolean {
  if (summary.basic !== 'open') return false;
  if (summary.note !== undefined && UNAVAILABLE_NOTE.test(summary.note)) return false;
  return !summary.activities.some((a) => UNAVAILABLE_ACTIVITIES.has(a));
}

export class PresenceStore {
  private readonly byAor = new Map<string, Map<string, Publication>>();
  private readonly timers = new Map<Publication, () => void>();

  constructor(
    private readonly clock: Clock,
    private readonly onChange: (aor: string) => void,
  ) {}

  publish(request: PublishRequest): PublishOutcome {
    const forAor = this.byAor.get(request.aor) ?? new Map<string, Publication>();
    const now = this.clock.now();
    if (request.ifMatch !== undefined) {
      const existing = forAor.get(request.ifMatch);
      if (!existing) return { status: 412, reason: 'Conditional Request Failed' };
      if (request.expires === 0) {
        this.remove(existing);
        return { status: 200, etag: existing.etag, expires: 0 };
      }
      // RFC 3903: a new entity tag for every successful refresh or modification.
      forAor.delete(existing.etag);
      this.timers.get(existing)?.();
      this.timers.delete(existing);
      const etag = randomHex(8);
      const next: Publication = {
        aor: request.aor,
        etag,
        connectionId: request.connectionId ?? existing.connectionId,
        body: request.body ?? existing.body,
        contentType: request.contentType ?? existing.contentType,
        expiresAt: now + request.expires * 1000,
        updatedAt: request.body !== undefined ? now : existing.updatedAt,
      };
      this.store(forAor, next, request.expires);
      if (request.body !== undefined && request.body !== existing.body) this.onChange(request.aor);
      return { status: 200, etag, expires: request.expires };
    }
    if (request.body === undefined || request.body.trim() === '') {
      return { status: 400, reason: 'Initial PUBLISH needs a body' };
    }
    if (request.expires === 0) return { status: 200, etag: randomHex(8), expires: 0 };
    const etag = randomHex(8);
    this.store(
      forAor,
      {
        aor: request.aor,
        etag,
        connectionId: request.connectionId,
        body: request.body,
        contentType: request.contentType ?? 'application/pidf+xml',
        expiresAt: now + request.expires * 1000,
        updatedAt: now,
      },
      request.expires,
    );
    this.onChange(request.aor);
    return { status: 200, etag, expires: request.expires };
  }

  /** The newest publication of `aor`. */
  current(aor: string): Publication | undefined {
    let best: Publication | undefined;
    for (const p of this.byAor.get(aor)?.values() ?? []) if (!best || p.updatedAt >= best.updatedAt) best = p;
    return best;
  }

  /**
   * Ends the publications made over a connection that closed: the device that published is gone
   * (a browser closed without unpublishing), so its last status must not outlive it for the
   * watchers until it expires. A publisher that comes back publishes again.
   */
  removeConnection(connectionId: number): void {
    for (const forAor of [...this.byAor.values()]) for (const p of [...forAor.values()]) if (p.connectionId === connectionId) this.remove(p);
  }

  count(): number {
    let n = 0;
    for (const m of this.byAor.values()) n += m.size;
    return n;
  }

  dispose(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    this.byAor.clear();
  }

  private store(forAor: Map<string, Publication>, publication: Publication, expires: number): void {
    forAor.set(publication.etag, publication);
    this.byAor.set(publication.aor, forAor);
    this.timers.set(
      publication,
      this.clock.setTimeout(() => {
        this.remove(publication);
      }, expires * 1000),
    );
  }

  private remove(publication: Publication): void {
    const forAor = this.byAor.get(publication.aor);
    if (!forAor || forAor.get(publication.etag) !== publication) return;
    forAor.delete(publication.etag);
    if (forAor.size === 0) this.byAor.delete(publication.aor);
    this.timers.get(publication)?.();
    this.timers.delete(publication);
    this.onChange(publication.aor);
  }
}

/** A PIDF document for an entity with no publication (open when registered, else closed). */
export function defaultPidf(aor: string, open: boolean): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\r\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${escapeXml(aor)}">\r\n` +
    `  <tuple id="sb-default"><status><basic>${open ? 'open' : 'closed'}</basic></status></tuple>\r\n</presence>\r\n`
  );
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);
}
