/**
 * The embedded SIP-over-WebSocket server (RFC 7118): registrar, forking proxy, ring groups,
 * presence and dialog event notifier, on the `ws` package. Zero-install phone system for
 * `npm start` and the tests; signalling only (media is peer to peer between browsers).
 *
 * This file is the shell: it builds the parts, wires them to each other and to the events, and
 * keeps the public API. The parts: websocket-transport.ts (sockets and framing), message-dispatch.ts
 * (each request by method and dialog, each response to its transaction), request-auth.ts (digest
 * and host learning), routing.ts (out-of-dialog requests) with group-queues.ts and
 * replaces-policy.ts, presence-handlers.ts (PUBLISH, SUBSCRIBE, NOTIFY bodies), proxy.ts,
 * registrar.ts, subscriptions.ts, voice-calls.ts.
 *
 * Every socket handler is wrapped: a bad frame is answered (400/513) or dropped, a bug is reported
 * on the `error` event, and the server keeps serving everyone else.
 */
import { Emitter, silentLogger, type Clock, type Logger } from '../../core/index.ts';
import { ConnectionTable, type SipConnection } from './connection.ts';
import { DialogTracker, type TrackedDialog } from './dialog-tracker.ts';
import { buildResponse, type ResponseOptions } from './message-build.ts';
import { newBranch } from './message-edit.ts';
import { PresenceHandlers } from './presence-handlers.ts';
import { PresenceStore, isAvailablePidf, summarisePidf, type PidfSummary } from './presence-store.ts';
import { Proxy, type ForwardTarget } from './proxy.ts';
import { GroupQueues } from './group-queues.ts';
import { LocalRequests } from './local-requests.ts';
import { MessageDispatch } from './message-dispatch.ts';
import { Registrar, type Binding } from './registrar.ts';
import { RegisterHandler } from './register-handler.ts';
import { ReplacesPolicy } from './replaces-policy.ts';
import { Router } from './routing.ts';
import { RequestAuth } from './request-auth.ts';
import type { MemberStatus } from './ring-group.ts';
import type { SipRequest } from './sip-message.ts';
import { SubscriptionManager } from './subscriptions.ts';
import { systemClock } from './system-clock.ts';
import type { DialogInfo, QueueInfo, RegistrationInfo, SipServer, SipServerEvents, SipServerOptions, SipServerStats } from './types.ts';
import type { SipUser } from './users.ts';
import { Directory } from './directory.ts';
import { ECHO_EXTENSION } from './echo-extension.ts';
import { VoiceCalls } from './voice-calls.ts';
import { WebSocketTransport } from './websocket-transport.ts';

/** Starts a server and resolves once it listens. */
export async function startSipServer(options: SipServerOptions = {}): Promise<SipServer> {
  const server = new EmbeddedSipServer(options);
  await server.listen();
  return server;
}

class EmbeddedSipServer extends Emitter<SipServerEvents> implements SipServer {
  readonly host: string;
  readonly domain: string;
  port = 0;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly directory: Directory;
  private readonly queues: GroupQueues;
  private readonly presenceHandlers: PresenceHandlers;
  private readonly connections = new ConnectionTable();
  private readonly auth: RequestAuth;
  private readonly registrar: Registrar;
  private readonly presence: PresenceStore;
  private readonly tracker: DialogTracker;
  private readonly subscriptions: SubscriptionManager;
  private readonly proxy: Proxy;
  /** The NOTIFYs this server sent, until answered. */
  private readonly localRequests: LocalRequests;
  private readonly transport: WebSocketTransport;
  private readonly tls: SipServerOptions['tls'];
  private counters = { messagesIn: 0, messagesOut: 0, errors: 0 };
  private closing: Promise<void> | undefined;
  private readonly dialogGraceMs: number;
  private readonly replaces: ReplacesPolicy;
  /** Salesforce Voice: VoiceCalls through the voice bridge, when one is configured. */
  private readonly voiceCalls: VoiceCalls | undefined;
  private readonly router: Router;
  private readonly dispatch: MessageDispatch;

  constructor(options: SipServerOptions) {
    super((event, error) => this.logger.log('error', `sip-server: a listener of "${event}" threw`, { error: String(error) }));
    this.host = options.host ?? '127.0.0.1';
    this.tls = options.tls;
    const clock = options.clock ?? systemClock;
    // Timers and deferred work run outside any socket handler: a bug there is reported, not thrown.
    this.clock = {
      now: () => clock.now(),
      setTimeout: (fn, ms) => clock.setTimeout(() => this.guard('timer', fn), ms),
    };
    this.logger = options.logger ?? silentLogger;
    this.directory = new Directory({
      domain: options.domain ?? 'localhost',
      hosts: [this.host, 'localhost', '127.0.0.1', ...(options.aliases ?? [])],
      users: options.users ?? [],
      guests: [...(options.guests ?? []), ...(options.echoExtension === false ? [] : [options.echoExtension ?? ECHO_EXTENSION])],
      ringGroups: options.ringGroups ?? {},
      anyUser: options.ephemeralSecret !== undefined,
    });
    this.domain = this.directory.domain;
    this.dialogGraceMs = options.dialogGraceMs ?? 30_000;
    const maxExpires = options.maxExpires ?? 3600;
    // Answers a request itself (the collaborators answer through this too, for the events it emits).
    const reply = (request: SipRequest, connection: SipConnection, status: number, replyOptions?: ResponseOptions): void =>
      this.reply(request, connection, status, replyOptions);
    this.queues = new GroupQueues(options.queues ?? {}, {
      clock: this.clock,
      directory: this.directory,
      // The proxy is made below; a queue offers a call only later.
      proxy: { forward: (...args) => this.proxy.forward(...args) },
      memberStatuses: (members, caller) => this.memberStatuses(members, caller),
      targetsOf: (aor) => this.targetsOf(aor),
      contact: () => this.contactValue,
      reply,
      inviteForwarded: (event) => this.emit('invite-forwarded', event),
      changed: (event) => this.emit('queue', event),
      defer: (fn) => this.defer('queue', fn),
    });
    this.auth = new RequestAuth(
      {
        realm: this.domain,
        clock: this.clock,
        nonceTtlMs: options.nonceTtlMs,
        maxTrackedNonces: options.maxTrackedNonces,
        ephemeralSecret: options.ephemeralSecret,
      },
      {
        directory: this.directory,
        connections: this.connections,
        logger: this.logger,
        reply,
        authFailed: (event) => this.emit('auth-failed', event),
      },
    );
    this.registrar = new Registrar(this.clock, {
      registered: (b, refreshed) => {
        if (!refreshed) this.logger.log('info', 'sip-server: registered', { aor: b.aor, contact: b.contactUri, connectionId: b.connection.id });
        this.emit('registered', { ...this.registrationInfo(b), refreshed });
        if (!refreshed) this.subscriptions.entityChanged('presence', b.aor);
        if (!refreshed) this.queues.wake();
      },
      unregistered: (b, reason) => {
        this.logger.log('info', 'sip-server: unregistered', { aor: b.aor, reason });
        this.emit('unregistered', { ...this.registrationInfo(b), reason });
        this.subscriptions.entityChanged('presence', b.aor);
      },
    });
    this.presence = new PresenceStore(this.clock, (aor) =>
      this.defer('presence change', () => {
        // Deferred: the publisher gets its 200 before the watchers get their NOTIFY.
        const current = this.presence.current(aor);
        this.emit('published', { aor, presence: current ? summarisePidf(current.body) : undefined });
        this.subscriptions.entityChanged('presence', aor);
        this.queues.wake();
      }),
    );
    this.tracker = new DialogTracker(() => this.clock.now(), {
      changed: (d) => this.dialogChanged(d),
    });
    this.localRequests = new LocalRequests(this.clock);
    this.subscriptions = new SubscriptionManager({
      clock: this.clock,
      contact: () => this.contactValue,
      defer: (fn) => this.defer('notify', fn),
      via: () => {
        const branch = newBranch();
        return { value: this.viaValue(branch), branch };
      },
      sendRequest: (connection, text, branch, onFinal) => this.localRequests.send(connection, text, branch, onFinal),
      body: (event, target, version) => this.presenceHandlers.notifyBody(event, target, version),
      changed: (s, state) => this.emit('subscription', { event: s.event, target: s.target, watcher: s.watcher, state }),
    });
    this.presenceHandlers = new PresenceHandlers({
      directory: this.directory,
      auth: this.auth,
      presence: this.presence,
      registrar: this.registrar,
      tracker: this.tracker,
      subscriptions: this.subscriptions,
      maxExpires,
      requirePresence: options.requirePublishedPresence ?? false,
      isAvailable: options.isAvailable ?? isAvailablePidf,
      reply,
    });
    this.replaces = new ReplacesPolicy({ tracker: this.tracker, clock: this.clock, logger: this.logger });
    this.proxy = new Proxy({
      clock: this.clock,
      tracker: this.tracker,
      inviteTimeoutMs: options.inviteTimeoutMs ?? 180_000,
      nonInviteTimeoutMs: options.nonInviteTimeoutMs ?? 32_000,
      offerGraceMs: options.offerGraceMs ?? 15_000,
      targetsOf: (entity) => this.targetsOf(entity),
      via: (branch) => this.viaValue(branch),
      recordRoute: () => `<sip:${this.hostPort};transport=ws;lr>`,
      isOwnRoute: (route) => this.isOwnRoute(route),
      connectionForHost: (host) => this.connections.byHostName(host),
      send: (connection, text) => {
        connection.send(text);
      },
      answered: (callId, by) => {
        this.voiceCalls?.answered(callId);
        this.emit('answered', { callId, by });
      },
      rejected: (request, status, reason) => this.emit('rejected', { method: request.method, callId: request.callId, status, reason }),
    });
    this.voiceCalls =
      options.voiceBridge === undefined
        ? undefined
        : new VoiceCalls(options.voiceBridge, {
            clock: this.clock,
            logger: this.logger,
            liveDialogs: (callId) => this.tracker.forCall(callId).length,
            queued: (key) => this.queues.holds(key),
            emit: (event) => this.emit('voice-call', event),
          });
    const registerHandler = new RegisterHandler({
      directory: this.directory,
      auth: this.auth,
      registrar: this.registrar,
      proxy: this.proxy,
      minExpires: options.minExpires ?? 1,
      maxExpires,
      targetsOf: (aor) => this.targetsOf(aor),
      reply,
    });
    this.router = new Router({
      directory: this.directory,
      auth: this.auth,
      replaces: this.replaces,
      queues: this.queues,
      proxy: this.proxy,
      voiceCalls: this.voiceCalls,
      connections: this.connections,
      logger: this.logger,
      entityOf: (connection) => this.registrar.all().find((b) => b.connection === connection)?.aor,
      memberStatuses: (members, caller) => this.memberStatuses(members, caller),
      targetsOf: (aor) => this.targetsOf(aor),
      reply,
      inviteForwarded: (event) => this.emit('invite-forwarded', event),
      guard: (where, fn) => this.guard(where, fn),
    });
    this.dispatch = new MessageDispatch({
      directory: this.directory,
      connections: this.connections,
      proxy: this.proxy,
      router: this.router,
      subscriptions: this.subscriptions,
      replaces: this.replaces,
      voiceCalls: this.voiceCalls,
      registerHandler,
      presenceHandlers: this.presenceHandlers,
      localRequests: this.localRequests,
      hostPort: () => this.hostPort,
      reply,
    });
    this.transport = new WebSocketTransport(
      { host: this.host, port: options.port ?? 0, tls: this.tls, maxBytes: options.maxMessageBytes ?? 65536, logger: this.logger },
      {
        accepted: (connection) => {
          this.connections.add(connection);
          this.emit('connected', { connectionId: connection.id, remoteAddress: connection.remoteAddress });
        },
        closed: (connection) => this.onClose(connection),
        received: (connection, text) => {
          this.counters.messagesIn++;
          if (this.listenerCount('message') > 0) this.emit('message', { direction: 'in', connectionId: connection.id, text });
        },
        sent: (connection, text) => {
          this.counters.messagesOut++;
          if (this.listenerCount('message') > 0) this.emit('message', { direction: 'out', connectionId: connection.id, text });
        },
        request: (request, connection) => this.dispatch.request(request, connection),
        response: (response) => this.dispatch.response(response),
        malformed: (event) => {
          this.counters.errors++;
          this.emit('malformed', event);
        },
        bug: (where, error) => this.bug(where, error),
      },
    );
  }

  get url(): string {
    return `${this.tls ? 'wss' : 'ws'}://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  /** `host:port` as it appears in our Via and Record-Route. */
  private get hostPort(): string {
    return `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  private get contactValue(): string {
    return `<sip:switchboard@${this.hostPort};transport=ws>`;
  }

  async listen(): Promise<void> {
    this.port = await this.transport.listen();
    this.directory.addLocalHost(this.hostPort);
    this.logger.log('info', 'sip-server: listening', { url: this.url, domain: this.domain });
  }

  stats(): SipServerStats {
    return {
      connections: this.connections.size,
      registrations: this.registrar.all().length,
      registeredAors: this.registrar.aors().length,
      dialogs: this.tracker.size,
      subscriptions: this.subscriptions.size,
      publications: this.presence.count(),
      transactions: this.proxy.transactionCount,
      queued: this.queues.depth,
      ...this.counters,
    };
  }

  registrations(user?: string): RegistrationInfo[] {
    const list = user === undefined ? this.registrar.all() : this.registrar.lookup(this.directory.aorOf(user));
    return list.map((b) => this.registrationInfo(b));
  }

  dialogs(): DialogInfo[] {
    return this.tracker.all().map(toDialogInfo);
  }

  queueInfo(group: string): QueueInfo | undefined {
    return this.queues.info(group);
  }

  presenceOf(user: string): PidfSummary | undefined {
    const p = this.presence.current(this.directory.aorOf(user));
    return p ? summarisePidf(p.body) : undefined;
  }

  setUsers(users: readonly SipUser[]): void {
    this.directory.setUsers(users);
  }

  injectRaw(user: string, text: string): number {
    let n = 0;
    const seen = new Set<SipConnection>();
    for (const b of this.registrar.lookup(this.directory.aorOf(user))) {
      if (seen.has(b.connection)) continue;
      seen.add(b.connection);
      if (b.connection.send(text)) n++;
    }
    return n;
  }

  close(): Promise<void> {
    if (!this.closing) {
      for (const c of this.connections.all()) c.terminate();
      this.queues.clear();
      this.proxy.dispose();
      this.subscriptions.dispose();
      this.registrar.dispose();
      this.presence.dispose();
      this.localRequests.dispose();
      this.closing = this.transport.close();
    }
    return this.closing;
  }

  // ---------------------------------------------------------------- connections

  private onClose(connection: SipConnection): void {
    connection.closed = true;
    // First, so that the registration's end tells presence watchers the device is gone, not its last status.
    this.presence.removeConnection(connection.id);
    this.registrar.removeConnection(connection);
    this.subscriptions.removeConnection(connection);
    this.router.connectionClosed(connection);
    this.voiceCalls?.connectionClosed(connection.id);
    this.proxy.connectionClosed(connection);
    // Nothing is ended on the other parties' behalf: a page that reloads mid-call comes back and
    // replaces its dialog. Its records stay for the grace period, so that it (and only it) may.
    const kept = this.tracker.terminateConnection(connection.id, { keepConfirmed: this.dialogGraceMs > 0 });
    for (const d of kept) this.clock.setTimeout(() => this.tracker.transition(d.id, 'terminated'), this.dialogGraceMs);
    this.connections.remove(connection);
    this.emit('disconnected', { connectionId: connection.id });
  }

  private guard(where: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.bug(where, error);
    }
  }

  private defer(where: string, fn: () => void): void {
    queueMicrotask(() => this.guard(where, fn));
  }

  private bug(where: string, error: unknown): void {
    this.counters.errors++;
    this.logger.log('error', `sip-server: ${where} failed`, { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    this.emit('error', { where, error });
  }

  // ---------------------------------------------------------------- responses

  private reply(request: SipRequest, connection: SipConnection, status: number, options: ResponseOptions = {}): void {
    connection.send(buildResponse(request.raw, status, options));
    if (status >= 300 && request.method === 'INVITE') this.voiceCalls?.changed(request.callId);
    if (status >= 300 && status !== 401 && status !== 407) {
      this.emit('rejected', { method: request.method, callId: request.callId, status, reason: options.reason ?? String(status) });
    }
  }

  // ---------------------------------------------------------------- helpers

  private memberStatuses(members: readonly string[], caller: string): MemberStatus[] {
    return members
      .filter((m) => m !== caller)
      .map((aor) => ({
        aor,
        registered: this.registrar.lookup(aor).length > 0,
        available: this.presenceHandlers.available(aor),
        busy: this.tracker.isBusy(aor),
      }));
  }

  private targetsOf(aor: string): ForwardTarget[] {
    return this.registrar.lookup(aor).map((b) => ({ connection: b.connection, requestUri: b.contactUri, entity: aor }));
  }

  private isOwnRoute(route: string): boolean {
    const uri = /<([^>]*)>/.exec(route)?.[1] ?? route;
    const m = /^sips?:(?:[^@;]*@)?(\[[^\]]+\]|[^:;>]+)(?::(\d+))?/i.exec(uri.trim());
    if (!m) return false;
    const port = m[2] ? Number(m[2]) : undefined;
    return m[1].toLowerCase() === this.host.toLowerCase() && port === this.port;
  }

  private viaValue(branch: string): string {
    return `SIP/2.0/${this.tls ? 'WSS' : 'WS'} ${this.hostPort};branch=${branch}`;
  }

  private registrationInfo(b: Binding): RegistrationInfo {
    return { aor: b.aor, contact: b.contactUri, connectionId: b.connection.id, expires: this.registrar.secondsLeft(b) };
  }

  private dialogChanged(dialog: TrackedDialog): void {
    this.emit('dialog', toDialogInfo(dialog));
    if (dialog.state === 'terminated') {
      this.voiceCalls?.changed(dialog.callId);
      this.queues.wake();
    }
    this.presenceHandlers.dialogChanged(dialog);
  }
}

function toDialogInfo(d: TrackedDialog): DialogInfo {
  return { id: d.id, callId: d.callId, entity: d.entity, direction: d.direction, remote: d.remote, state: d.state };
}
