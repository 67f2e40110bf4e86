/**
 * One WebSocket client of the server, and the map from the hosts a client uses to the client.
 *
 * sip.js puts one random `xxxx.invalid` host in its Via sent-by and its Contact for the whole life
 * of a UserAgent and never listens anywhere: the only way to reach it is the socket it opened. So
 * the server remembers, per socket, every host that appeared in a Contact or top Via it sent, and
 * routes a request whose Request-URI (or Route) names that host down that socket.
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

export class ConnectionTable {
  private readonly byId = new Map<number, SipConnection>();
  private readonly byHost = new Map<string, SipConnection>();

  add(connection: SipConnection): void {
    this.byId.set(connection.id, connection);
  }

  /** Records that `host` (lower-cased) is reached through `connection`. */
  learnHost(host: string, connection: SipConnection): void {
    const key = host.toLowerCase();
    const previous = this.byHost.get(key);
    if (previous === connection) return;
    if (previous) previous.hosts.delete(key);
    this.byHost.set(key, connection);
    connection.hosts.add(key);
  }

  byHostName(host: string): SipConnection | undefined {
    const c = this.byHost.get(host.toLowerCase());
    return c && !c.closed ? c : undefined;
  }

  get(id: number): SipConnection | undefined {
    return this.byId.get(id);
  }

  remove(connection: SipConnection): void {
    this.byId.delete(connection.id);
    for (const host of connection.hosts) {
      if (this.byHost.get(host) === connection) this.byHost.delete(host);
    }
  }

  all(): SipConnection[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }
}
