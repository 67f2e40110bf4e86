/**
 * One WebSocket client of the server, and the map from the hosts a client uses to the client.
 *
 * sip.js puts one random `xxxx.invalid` host in its Via sent-by and its Contact for the whole life
 * of a UserAgent and never listens anywhere: the only way to reach it is the socket it opened. So
 * the server remembers, per socket, every host that appeared in a Contact or top Via it sent, and
 * routes a request whose Request-URI (or Route) names that host down that socket.
 *
 * Anyone who receives a request from a UA sees its host, so a host is learned only from an
 * authenticated request, and it belongs to the user who authenticated it:
 *   - nobody else may take it while that user's socket is open;
 *   - the same user may move it to a new socket (a UA that reconnected keeps its host);
 *   - once a password-authenticated user has held a host, no other user gets it even after the
 *     socket closed (a guest who saw an agent's host must not catch the agent's requests while the
 *     agent reconnects). These claims are bounded: past `maxClaims`, the oldest claims of hosts
 *     nobody is connected with are forgotten.
 * The same socket may change who it speaks for: it is one UA either way.
 */
import type { WebSocket } from 'ws';

export class SipConnection {
  readonly hosts = new Set<string>();
  closed = false;

  constructor(
    readonly id: number,
    private readonly socket: WebSocket,
    readonly remoteAddress: string,
    private readonly onSend: (connection: SipConnection, text: string) => void,
  ) {}

  /** Sends one message; a closed or failing socket is ignored (the close handler cleans up). */
  send(text: string): boolean {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return false;
    try {
      this.socket.send(text);
      this.onSend(this, text);
      return true;
    } catch {
      return false;
    }
  }

  close(code = 1000, reason = ''): void {
    try {
      this.socket.close(code, reason);
    } catch {
      // already closing
    }
  }

  terminate(): void {
    this.socket.terminate();
  }
}

/** Who learned a host: the address of record it authenticated as, and whether it is a guest. */
export interface HostOwner {
  readonly aor: string;
  /** Guests sign in without a password: they claim nothing beyond their open socket. */
  readonly guest: boolean;
}

interface HostRoute {
  readonly connection: SipConnection;
  owner: string;
}

export class ConnectionTable {
  private readonly byId = new Map<number, SipConnection>();
  private readonly byHost = new Map<string, HostRoute>();
  /** host -> the password-authenticated user who held it last (outlives the socket). */
  private readonly claims = new Map<string, string>();

  constructor(private readonly maxClaims = 10_000) {}

  add(connection: SipConnection): void {
    this.byId.set(connection.id, connection);
  }

  /**
   * Records that `host` (lower-cased) is reached through `connection`, on behalf of `owner`.
   * Returns false, changing nothing, when the host belongs to another user.
   */
  learnHost(host: string, connection: SipConnection, owner: HostOwner): boolean {
    const key = host.toLowerCase();
    if (this.ownerOf(key, connection, owner) !== undefined) return false;
    const previous = this.byHost.get(key);
    if (previous && previous.connection !== connection) previous.connection.hosts.delete(key);
    this.byHost.set(key, { connection, owner: owner.aor });
    connection.hosts.add(key);
    if (!owner.guest) this.claim(key, owner.aor);
    return true;
  }

  /** May `owner` learn `host` on `connection`? undefined when yes, else the user it belongs to. */
  ownerOf(host: string, connection: SipConnection, owner: HostOwner): string | undefined {
    const key = host.toLowerCase();
    const route = this.byHost.get(key);
    if (route && route.connection === connection) return undefined;
    const holder = route && !route.connection.closed ? route.owner : this.claims.get(key);
    if (holder === undefined || holder === owner.aor) return undefined;
    return holder;
  }

  byHostName(host: string): SipConnection | undefined {
    const route = this.byHost.get(host.toLowerCase());
    return route && !route.connection.closed ? route.connection : undefined;
  }

  get(id: number): SipConnection | undefined {
    return this.byId.get(id);
  }

  remove(connection: SipConnection): void {
    this.byId.delete(connection.id);
    for (const host of connection.hosts) {
      if (this.byHost.get(host)?.connection === connection) this.byHost.delete(host);
    }
  }

  all(): SipConnection[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }

  /** Claims remembered (bounded by `maxClaims` plus the hosts of open sockets). */
  get claimCount(): number {
    return this.claims.size;
  }

  private claim(host: string, aor: string): void {
    this.claims.delete(host);
    this.claims.set(host, aor);
    if (this.claims.size <= this.maxClaims) return;
    for (const old of this.claims.keys()) {
      if (this.claims.size <= this.maxClaims) break;
      if (this.byHostName(old)) continue;
      this.claims.delete(old);
    }
  }
}
