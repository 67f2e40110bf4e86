/**
 * The transaction-stateful forking proxy (RFC 3261 16).
 *
 * A request the server does not answer itself is forwarded to one or more targets (the contacts of
 * an address of record, the members of a ring group, or the one socket an in-dialog request names).
 * Each target is a branch with its own Via branch id. Responses come back on the branch id, lose the
 * proxy's Via, and go up the socket the request came from:
 *   - 100 is hop by hop and stops here; other 1xx go up at once;
 *   - the first 2xx goes up and the other pending INVITE branches are cancelled
 *     (`Reason: SIP;cause=200;text="Call completed elsewhere"`); later 2xx go up too (RFC 3261 16.7);
 *   - non-2xx finals are ACKed hop by hop and kept; when every branch has ended, the best one goes up.
 * Over WebSocket (reliable) nothing is retransmitted, so no retransmission timers are needed; one
 * timer per branch bounds how long it may stay unanswered.
 */
import type { Clock } from '../../core/index.ts';
import type { SipConnection } from './connection.ts';
import type { DialogTracker } from './dialog-tracker.ts';
import { buildAckForFailure, buildCancel, buildResponse } from './message-build.ts';
import { RawMessage, newBranch, uriOf } from './message-edit.ts';
import type { SipRequest, SipResponse } from './sip-message.ts';

export interface ForwardTarget {
  readonly connection: SipConnection;
  readonly requestUri: string;
  /** The party reached through this branch (for dialog tracking), e.g. `sip:1002@domain`. */
  readonly entity?: string;
}

export interface ProxyPort {
  readonly clock: Clock;
  readonly tracker: DialogTracker;
  readonly inviteTimeoutMs: number;
  readonly nonInviteTimeoutMs: number;
  /**
   * How long an INVITE branch that rang a party whose socket closed waits for that party to
   * register again (a softphone page reloading while a call rings), to ring it there. 0: fail at once.
   */
  readonly offerGraceMs: number;
  /** Where a party can be reached now (its registered contacts). */
  targetsOf(entity: string): readonly ForwardTarget[];
  /** Our Via value for `branch`. */
  via(branch: string): string;
  /** Our Record-Route value. */
  recordRoute(): string;
  /** True when a Route value names this server. */
  isOwnRoute(route: string): boolean;
  /** The connection a host (of a Route or Request-URI) is reached through. */
  connectionForHost(host: string): SipConnection | undefined;
  send(connection: SipConnection, text: string): void;
  answered(callId: string, by: string | undefined): void;
  rejected(request: SipRequest, status: number, reason: string): void;
}

interface StoredResponse {
  readonly status: number;
  readonly text: string;
}

interface ServerTx {
  readonly key: string;
  readonly request: SipRequest;
  readonly source: SipConnection;
  readonly invite: boolean;
  /** Initial INVITE: dialog records are kept for it. */
  readonly tracked: boolean;
  readonly branches: ClientTx[];
  readonly responses: StoredResponse[];
  /** The request as forwarded, before each branch's Request-URI and Via (a re-offer copies it). */
  readonly base: RawMessage;
  finalSent: boolean;
  callerDialog: string | undefined;
  readonly options: ForwardOptions;
  /** An INVITE whose 2xx went up. */
  answered: boolean;
  /** The caller cancelled or its socket closed. */
  callerGone: boolean;
}

interface ClientTx {
  readonly branch: string;
  readonly via: string;
  readonly server: ServerTx;
  readonly target: ForwardTarget;
  readonly forwarded: RawMessage;
  state: 'calling' | 'proceeding' | 'completed';
  cancelSent: boolean;
  /** Cancelled because it rang too long: its 487 counts as 408 No answer. */
  timedOut: boolean;
  dialog: string | undefined;
  cancelTimer: () => void;
}

export interface ForwardOptions {
  readonly recordRoute: boolean;
  /** For an initial INVITE: the caller's AOR and what it called, to track dialogs. */
  readonly track?: { readonly caller: string; readonly called: string };
  /**
   * Headers the proxy sets on the forwarded request (e.g. the Salesforce VoiceCall id): each name's
   * values from upstream are removed first, so a caller cannot forge one; undefined only removes.
   */
  readonly setHeaders?: ReadonlyArray<readonly [string, string | undefined]>;
  /** How long an INVITE branch may ring (after its first provisional); default the port's `inviteTimeoutMs`. */
  readonly ringTimeoutMs?: number;
  /** Called once when an INVITE branch answers 2xx first. */
  readonly onAnswered?: (by: string | undefined) => void;
  /** Called once with the first 2xx to the request, whatever its method (e.g. to read a re-INVITE's SDP answer). */
  readonly onAccepted?: (response: SipResponse) => void;
  /**
   * Called once when an INVITE ends with no 2xx (every branch failed, or the caller cancelled or
   * left), before the best failure goes up. Returning true keeps that failure from the caller: the
   * caller's INVITE stays unanswered and whoever returned true MUST answer it later (a queue
   * offers the call again). The callback MUST NOT re-enter the proxy synchronously.
   */
  readonly onFailure?: (outcome: { readonly status: number; readonly callerGone: boolean; readonly entities: readonly string[] }) => boolean;
}

/** Cancelled branches get this long to answer 487 before the proxy gives up on them. */
const CANCEL_GRACE_MS = 5000;

export class Proxy {
  private readonly servers = new Map<string, ServerTx>();
  private readonly clients = new Map<string, ClientTx>();
  /** INVITE branches whose party's socket closed while they rang: waiting for it to register again. */
  private readonly orphans = new Set<ClientTx>();

  constructor(private readonly port: ProxyPort) {}

  get transactionCount(): number {
    return this.servers.size;
  }

  /** Forwards `request` (already checked and authorised) to every target. */
  forward(request: SipRequest, source: SipConnection, targets: readonly ForwardTarget[], options: ForwardOptions): void {
    const invite = request.method === 'INVITE';
    // A request without a branch cannot be matched later (no CANCEL, no retransmission): unique key.
    const key = `${request.viaBranch ?? newBranch()}|${request.method}|${request.callId}`;
    if (this.servers.has(key)) return; // a retransmission: already being handled
    const base = this.prepare(request.raw);
    if (options.recordRoute) base.prepend('Record-Route', this.port.recordRoute());
    for (const [name, value] of options.setHeaders ?? []) {
      base.remove(name);
      if (value !== undefined) base.append(name, value);
    }
    const server: ServerTx = {
      key,
      request,
      source,
      invite,
      tracked: options.track !== undefined,
      branches: [],
      responses: [],
      base,
      finalSent: false,
      callerDialog: undefined,
      options,
      answered: false,
      callerGone: false,
    };
    this.servers.set(key, server);
    if (invite) source.send(buildResponse(request.raw, 100));
    if (options.track) {
      server.callerDialog = this.port.tracker.start({
        callId: request.callId,
        entity: options.track.caller,
        direction: 'initiator',
        remote: options.track.called,
        localTag: request.fromTag,
        connectionId: source.id,
      }).id;
    }
    for (const target of targets) this.addBranch(server, target);
  }

  private addBranch(server: ServerTx, target: ForwardTarget): void {
    const { request, options } = server;
    const branch = newBranch();
    const via = this.port.via(branch);
    const message = server.base.clone();
    message.setRequestUri(target.requestUri);
    message.prepend('Via', via);
    const client: ClientTx = {
      branch,
      via,
      server,
      target,
      forwarded: message,
      state: 'calling',
      cancelSent: false,
      timedOut: false,
      dialog: undefined,
      cancelTimer: () => {},
    };
    if (options.track && target.entity) {
      client.dialog = this.port.tracker.start({
        callId: request.callId,
        entity: target.entity,
        direction: 'recipient',
        remote: options.track.caller,
        localTag: undefined,
        connectionId: target.connection.id,
      }).id;
    }
    server.branches.push(client);
    this.clients.set(branch, client);
    this.arm(client, server.invite ? 32_000 : this.port.nonInviteTimeoutMs);
    this.port.send(target.connection, message.toString());
  }

  /**
   * `entity` registered on a new socket: INVITEs that were ringing it when its old socket closed
   * (a page reloading while a call rings) ring it again there, as new branches of the same call.
   */
  partyRegistered(entity: string, targets: readonly ForwardTarget[]): void {
    for (const client of [...this.orphans]) {
      if (client.target.entity !== entity) continue;
      const server = client.server;
      const fresh = targets.filter((t) => !t.connection.closed);
      if (server.finalSent || server.callerGone || fresh.length === 0) continue;
      // The old branch is gone without a word (its socket is); the new ones carry the call on.
      this.complete(client);
      this.port.tracker.transition(client.dialog, 'terminated');
      for (const target of fresh) this.addBranch(server, target);
    }
  }

  /**
   * Routes a request inside a dialog (it has a To tag): pops our Route, then sends it toward the
   * next Route or the Request-URI. ACK (for a 2xx) is forwarded without a transaction.
   * Returns the status to answer with when the target cannot be reached. `onAccepted` gets the
   * request's first 2xx.
   */
  forwardInDialog(request: SipRequest, source: SipConnection, onAccepted?: (response: SipResponse) => void): { status: number; reason: string } | undefined {
    const target = this.inDialogTarget(request);
    if (request.method === 'BYE') this.port.tracker.terminateCall(request.callId);
    if (!target) return { status: 404, reason: 'Not Here' };
    if (request.method === 'ACK') {
      const message = this.prepare(request.raw);
      message.prepend('Via', this.port.via(newBranch()));
      this.port.send(target.connection, message.toString());
      return undefined;
    }
    this.forward(request, source, [target], { recordRoute: false, ...(onAccepted ? { onAccepted } : {}) });
    return undefined;
  }

  /** A CANCEL from upstream: answers it and cancels the pending branches of its INVITE. */
  cancel(request: SipRequest, source: SipConnection): void {
    const server = this.servers.get(`${request.viaBranch ?? ''}|INVITE|${request.callId}`);
    if (!server) {
      source.send(buildResponse(request.raw, 481));
      return;
    }
    source.send(buildResponse(request.raw, 200));
    if (server.finalSent) return;
    server.callerGone = true;
    for (const client of server.branches) this.cancelBranch(client);
  }

  /** Handles a response to something the proxy forwarded; false when it is not ours. */
  handleResponse(response: SipResponse): boolean {
    const branch = response.viaBranch;
    if (!branch) return false;
    const client = this.clients.get(branch);
    if (!client) return false;
    if (response.cseqMethod === 'CANCEL') return true; // the answer to our CANCEL: nothing to do
    if (client.state === 'completed') return true;
    const raw = response.raw.clone();
    raw.popFirst('via');
    const server = client.server;
    const status = response.status;
    const tracker = this.port.tracker;
    if (status < 200) {
      if (client.state === 'calling') {
        client.state = 'proceeding';
        if (server.invite && !client.cancelSent) this.arm(client, server.options.ringTimeoutMs ?? this.port.inviteTimeoutMs);
      }
      if (status === 100) return true;
      if (server.tracked && response.toTag) {
        tracker.transition(client.dialog, 'early', response.toTag);
        tracker.transition(server.callerDialog, 'early', response.toTag);
      }
      if (!server.finalSent) this.port.send(server.source, raw.toString());
      return true;
    }
    this.complete(client);
    if (status < 300) {
      if (!server.finalSent) server.options.onAccepted?.(response);
      if (server.tracked) {
        tracker.transition(client.dialog, 'confirmed', response.toTag);
        tracker.transition(server.callerDialog, 'confirmed', response.toTag);
        if (!server.finalSent) this.port.answered(server.request.callId, client.target.entity);
      }
      if (server.invite && !server.finalSent) {
        server.answered = true;
        server.options.onAnswered?.(client.target.entity);
      }
      if (server.invite || !server.finalSent) this.port.send(server.source, raw.toString());
      server.finalSent = true;
      if (server.invite) {
        for (const other of server.branches) this.cancelBranch(other, 'SIP;cause=200;text="Call completed elsewhere"');
      }
    } else {
      if (server.invite) {
        this.port.send(client.target.connection, buildAckForFailure(client.forwarded, client.via, raw.get('to') ?? ''));
      }
      tracker.transition(client.dialog, 'terminated');
      if (client.timedOut && status === 487) server.responses.push({ status: 408, text: buildResponse(server.request.raw, 408, { reason: 'No answer' }) });
      else server.responses.push({ status, text: raw.toString() });
      if (status >= 600 && server.invite) for (const other of server.branches) this.cancelBranch(other);
    }
    this.maybeFinish(server);
    return true;
  }

  /**
   * A socket went away: its pending branches end with 480 (a ringing INVITE branch to a party
   * first waits `offerGraceMs` for the party to come back), its requests' branches are cancelled.
   */
  connectionClosed(connection: SipConnection): void {
    for (const client of [...this.clients.values()]) {
      if (client.target.connection !== connection) continue;
      const grace = this.port.offerGraceMs;
      if (grace > 0 && client.server.invite && client.target.entity && !client.cancelSent && client.state !== 'completed') {
        this.orphans.add(client);
        client.cancelTimer();
        client.cancelTimer = this.port.clock.setTimeout(() => this.failBranch(client, 480, 'Connection closed'), grace);
        // The new page may have registered before the old socket closed.
        this.partyRegistered(client.target.entity, this.port.targetsOf(client.target.entity));
        continue;
      }
      this.failBranch(client, 480, 'Connection closed');
    }
    for (const server of [...this.servers.values()]) {
      if (server.source !== connection) continue;
      server.finalSent = true;
      server.callerGone = true;
      this.port.tracker.transition(server.callerDialog, 'terminated');
      for (const client of server.branches) this.cancelBranch(client);
      this.maybeFinish(server);
    }
  }

  dispose(): void {
    for (const client of this.clients.values()) client.cancelTimer();
    this.clients.clear();
    this.orphans.clear();
    this.servers.clear();
  }

  /** Copy of a request ready to forward: Max-Forwards decremented, our Route removed. */
  private prepare(raw: RawMessage): RawMessage {
    const message = raw.clone();
    // Credentials for this server's realm are of no use downstream (RFC 3261 22.3).
    message.remove('proxy-authorization');
    const mf = message.get('max-forwards');
    message.set('Max-Forwards', String(mf === undefined ? 70 : Math.max(0, Number(mf) - 1)));
    while (true) {
      const top = message.getAll('route')[0];
      if (top === undefined || !this.port.isOwnRoute(top)) break;
      message.popFirst('route');
    }
    return message;
  }

  private inDialogTarget(request: SipRequest): ForwardTarget | undefined {
    const routes = request.raw.getAll('route');
    while (routes.length > 0 && this.port.isOwnRoute(routes[0])) routes.shift();
    const ruri = request.ruri.toString();
    const nextHop = routes.length > 0 ? uriOf(routes[0]) : ruri;
    const host = /^sips?:(?:[^@;]*@)?(\[[^\]]+\]|[^:;>?]+)/i.exec(nextHop)?.[1];
    const connection = host ? this.port.connectionForHost(host) : undefined;
    return connection ? { connection, requestUri: ruri } : undefined;
  }

  private arm(client: ClientTx, ms: number): void {
    client.cancelTimer();
    client.cancelTimer = this.port.clock.setTimeout(() => {
      if (client.server.invite && !client.cancelSent) {
        // Wait for the 487 and ACK it: a UA left without that ACK holds the transaction (Timer H,
        // 32 s) and answers the same INVITE offered again (a queue's re-offer) with 482.
        client.timedOut = true;
        this.cancelBranch(client);
        return;
      }
      this.failBranch(client, 408, 'No answer');
    }, ms);
  }

  private cancelBranch(client: ClientTx, reason?: string): void {
    if (client.state === 'completed' || client.cancelSent || !client.server.invite) return;
    if (this.orphans.has(client)) return this.failBranch(client, 487, 'Request Terminated');
    client.cancelSent = true;
    this.port.send(client.target.connection, buildCancel(client.forwarded, client.via, reason));
    client.cancelTimer();
    client.cancelTimer = this.port.clock.setTimeout(() => {
      if (client.timedOut) this.failBranch(client, 408, 'No answer');
      else this.failBranch(client, 487, 'Request Terminated');
    }, CANCEL_GRACE_MS);
  }

  /** Ends a branch with a response the proxy makes up (timeout, closed socket). */
  private failBranch(client: ClientTx, status: number, reason: string): void {
    if (client.state === 'completed') return;
    this.complete(client);
    this.port.tracker.transition(client.dialog, 'terminated');
    client.server.responses.push({ status, text: buildResponse(client.server.request.raw, status, { reason }) });
    this.maybeFinish(client.server);
  }

  private complete(client: ClientTx): void {
    client.state = 'completed';
    this.orphans.delete(client);
    client.cancelTimer();
    this.clients.delete(client.branch);
  }

  private maybeFinish(server: ServerTx): void {
    if (server.branches.some((b) => b.state !== 'completed')) return;
    this.servers.delete(server.key);
    const entities = server.branches.map((b) => b.target.entity).filter((e): e is string => e !== undefined);
    if (server.finalSent) {
      if (server.invite && !server.answered && server.callerGone) server.options.onFailure?.({ status: 487, callerGone: true, entities });
      return;
    }
    server.finalSent = true;
    const best = bestResponse(server.responses);
    this.port.tracker.transition(server.callerDialog, 'terminated');
    if (server.invite && server.options.onFailure?.({ status: best?.status ?? 408, callerGone: server.callerGone, entities })) return;
    if (best) {
      this.port.send(server.source, best.text);
      if (best.status !== 487) this.port.rejected(server.request, best.status, 'all branches failed');
    }
  }
}

/** RFC 3261 16.7 step 6, with a preference order inside a class that suits call centres. */
export function bestResponse(responses: readonly StoredResponse[]): StoredResponse | undefined {
  const sixes = responses.filter((r) => r.status >= 600);
  if (sixes.length > 0) return sixes[0];
  const preference = (status: number): number => {
    const order = [486, 487, 480, 404];
    const i = order.indexOf(status);
    if (status === 408) return 100;
    return i === -1 ? 50 : i;
  };
  let best: StoredResponse | undefined;
  for (const r of responses) {
    if (!best) best = r;
    else {
      const a = Math.floor(r.status / 100);
      const b = Math.floor(best.status / 100);
      if (a < b || (a === b && preference(r.status) < preference(best.status))) best = r;
    }
  }
  return best;
}
