/**
 * Who a request comes from, and which hosts its socket may be reached by: the digest check (with
 * its nonce state, and short-lived credentials when a secret is configured), then host learning.
 * Every request that is not answered before authentication goes through both, in that order: a
 * host is learned only from an authenticated request (see connection.ts).
 */
import type { Clock, Logger } from '../../core/index.ts';
import type { ConnectionTable, HostOwner, SipConnection } from './connection.ts';
import { DigestAuthenticator, STALE_REASONS } from './digest-auth.ts';
import type { Directory } from './directory.ts';
import { EphemeralCredentials } from './ephemeral-credentials.ts';
import type { ResponseOptions } from './message-build.ts';
import type { SipRequest } from './sip-message.ts';
import type { SipServerEvents } from './types.ts';

/** Who a request authenticated as: the user it speaks for, and the owner of the hosts it names. */
export interface Authenticated {
  readonly user: string;
  readonly owner: HostOwner;
}

export interface RequestAuthOptions {
  /** The digest realm: the server's domain. */
  readonly realm: string;
  readonly clock: Clock;
  readonly nonceTtlMs: number | undefined;
  readonly maxTrackedNonces: number | undefined;
  /** The shared secret of short-lived credentials, when they are on. */
  readonly ephemeralSecret: string | undefined;
}

export interface RequestAuthPort {
  readonly directory: Pick<Directory, 'aorOf' | 'isLocalHost' | 'isGuest' | 'passwordOf'>;
  readonly connections: Pick<ConnectionTable, 'ownerOf' | 'learnHost'>;
  readonly logger: Logger;
  /** Answers `request` itself (a challenge or a refusal). */
  reply(request: SipRequest, connection: SipConnection, status: number, options?: ResponseOptions): void;
  authFailed(event: SipServerEvents['auth-failed'][0]): void;
}

export class RequestAuth {
  private readonly digest: DigestAuthenticator;
  /** Short-lived credentials signed with the shared secret, when one is configured. */
  private readonly ephemeral: EphemeralCredentials | undefined;

  constructor(
    options: RequestAuthOptions,
    private readonly port: RequestAuthPort,
  ) {
    this.digest = new DigestAuthenticator({
      realm: options.realm,
      clock: options.clock,
      nonceTtlMs: options.nonceTtlMs,
      maxTrackedNonces: options.maxTrackedNonces,
    });
    this.ephemeral = options.ephemeralSecret === undefined ? undefined : new EphemeralCredentials(options.ephemeralSecret, options.clock);
  }

  /**
   * Digest check. REGISTER is challenged with 401 (WWW-Authenticate), everything else with 407
   * (Proxy-Authenticate). The authenticated user must be the one the request speaks for (To for
   * REGISTER, From otherwise). Returns who it is, or undefined after answering.
   *
   * Short-lived credentials (`ephemeralSecret`) answer as Kamailio's auth_ephemeral reference
   * config does: an expired one gets a final `403 Credential expired` (asking again cannot help,
   * and the reason tells the connector to mint a new one), one for another extension gets
   * `403 Credential is for another extension`, a wrong HMAC another challenge.
   */
  authenticate(request: SipRequest, connection: SipConnection): Authenticated | undefined {
    const { directory } = this.port;
    const register = request.method === 'REGISTER';
    const identity = register ? request.to.uri : request.from.uri;
    const user = identity.user ?? '';
    if (!directory.isLocalHost(identity.host)) {
      this.port.reply(request, connection, 403, { reason: `Forbidden (domain ${identity.host} is not served here)` });
      return undefined;
    }
    if (directory.isGuest(user)) return { user, owner: { aor: directory.aorOf(user), guest: true } };
    const header = request.raw.get(register ? 'authorization' : 'proxy-authorization');
    const result = this.digest.verify(request.method, header, (name) => directory.passwordOf(name) ?? this.ephemeral?.passwordOf(name));
    if (result.username !== undefined && this.ephemeral?.isExpired(result.username)) {
      this.port.authFailed({ method: request.method, username: result.username, reason: 'expired' });
      this.port.reply(request, connection, 403, { reason: 'Credential expired' });
      return undefined;
    }
    if (result.ok) {
      const verdict = this.ephemeral?.verdict(result.username, user);
      if (verdict === 'other-extension') {
        this.port.reply(request, connection, 403, { reason: 'Credential is for another extension' });
        return undefined;
      }
      if (verdict === undefined && result.username !== user) {
        this.port.reply(request, connection, 403, { reason: 'Forbidden (authentication user does not match the identity)' });
        return undefined;
      }
      return { user, owner: { aor: directory.aorOf(user), guest: false } };
    }
    if (result.reason !== 'missing') this.port.authFailed({ method: request.method, username: result.username, reason: result.reason });
    const challenge = this.digest.challenge(STALE_REASONS.has(result.reason));
    this.port.reply(request, connection, register ? 401 : 407, {
      headers: [[register ? 'WWW-Authenticate' : 'Proxy-Authenticate', challenge]],
    });
    return undefined;
  }

  /**
   * Learns the top Via host (and `more`, e.g. REGISTER's Contact hosts) of an authenticated request
   * as reached through `connection`. A host that belongs to another user gets 403 and nothing is
   * learned: only the UA that uses a host may be reached by it.
   */
  learnHosts(request: SipRequest, connection: SipConnection, who: Authenticated, more: readonly string[] = []): boolean {
    const { connections } = this.port;
    const hosts = [...new Set([request.viaHost, ...more].map((h) => h.toLowerCase()))].filter((h) => !this.port.directory.isLocalHost(h));
    for (const host of hosts) {
      const holder = connections.ownerOf(host, connection, who.owner);
      if (holder === undefined) continue;
      this.port.logger.log('warn', 'sip-server: refused a host that belongs to another user', { host, holder, by: who.owner.aor, connectionId: connection.id });
      this.port.reply(request, connection, 403, { reason: `Forbidden (host ${host} is in use by another user)` });
      return false;
    }
    for (const host of hosts) connections.learnHost(host, connection, who.owner);
    return true;
  }

  /** Authenticates `request` and learns its hosts; undefined after answering when either refuses. */
  admit(request: SipRequest, connection: SipConnection): Authenticated | undefined {
    const who = this.authenticate(request, connection);
    return who !== undefined && this.learnHosts(request, connection, who) ? who : undefined;
  }
}
