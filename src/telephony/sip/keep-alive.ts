/**
 * SIP keep-alive on the WebSocket to the phone system (RFC 5626 §3.5.1 over RFC 7118): every
 * `intervalSeconds` (80-100 % of it, so agents spread out) we send a CRLF ping ("\r\n\r\n"); the
 * server answers with a CRLF pong ("\r\n"). The traffic keeps idle proxies, load balancers and NATs
 * from dropping the connection between re-REGISTERs (the registration lasts 300 s; idle timeouts of
 * 60 s are common).
 *
 * sip.js 0.21 has a `keepAliveInterval` transport option, but it only sends pings: it never notices
 * a missing pong, and sends no new ping while one is unanswered (so a 1 s interval becomes 10 s
 * against a server that does not answer). A flow that died silently (a NAT forgot it; no FIN ever
 * arrives) would go unnoticed until the next REGISTER times out, minutes later, with every call
 * offered meanwhile lost. So this watch sends its own pings and, once the server has shown that it
 * answers them on this connection, treats a ping left unanswered for `pongTimeoutMs` (RFC 5626:
 * 10 s) as a dead flow: it closes the socket, and the registration reconnects. The transport is
 * told at once (a `close` event on the socket): on a dead flow the browser's closing handshake
 * cannot complete, and Chromium waits up to a minute before it reports the socket closed.
 *
 * A server that never answers a ping (RFC 5626 is optional for it) still gets pings, which is all
 * NATs and proxies need; its connection is never declared dead for that.
 *
 * ```
 *   idle ──attach(socket)──▶ pinging ──pong──▶ pinging (answers proven)
 *   pinging (answers proven) ──ping unanswered for pongTimeoutMs──▶ closes the socket ──▶ idle
 *   any ──detach() / socket closes──▶ idle
 * ```
 */
import type { Clock, Logger } from '../../core/index.ts';
import type { RandomSource } from './backoff.ts';

/** RFC 5626 §4.4.1: a client that gets no pong within 10 s considers the flow failed. */
export const PONG_TIMEOUT_MS = 10_000;

export const PING = '\r\n\r\n';

/** What the watch needs of a WebSocket (a real one, or a test's stand-in). */
export type KeepAliveSocket = Pick<WebSocket, 'send' | 'close' | 'readyState' | 'addEventListener' | 'removeEventListener' | 'dispatchEvent'>;

export interface KeepAliveOptions {
  /** Seconds between pings; 0 turns keep-alive off. */
  readonly intervalSeconds: number;
  readonly pongTimeoutMs?: number;
  readonly random?: RandomSource;
}

const OPEN = 1;

export class KeepAlive {
  private socket: KeepAliveSocket | undefined;
  private cancelPing: (() => void) | undefined;
  private cancelPongWait: (() => void) | undefined;
  /** The server answered a ping on this connection: a missing answer now means the flow is dead. */
  private answers = false;
  private readonly pongTimeoutMs: number;
  private readonly random: RandomSource;
  private readonly onMessage = (event: MessageEvent): void => this.received(event.data);
  private readonly onClose = (): void => this.detach();

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: KeepAliveOptions,
  ) {
    const { intervalSeconds } = options;
    if (!(Number.isFinite(intervalSeconds) && intervalSeconds >= 0)) {
      throw new RangeError(`keep-alive interval must be a non-negative number of seconds, got ${intervalSeconds}`);
    }
    this.pongTimeoutMs = options.pongTimeoutMs ?? PONG_TIMEOUT_MS;
    if (!(Number.isFinite(this.pongTimeoutMs) && this.pongTimeoutMs > 0)) {
      throw new RangeError(`keep-alive pong timeout must be a positive number of milliseconds, got ${this.pongTimeoutMs}`);
    }
    this.random = options.random ?? Math.random;
  }

  get enabled(): boolean {
    return this.options.intervalSeconds > 0;
  }

  /** Starts pinging on a freshly connected socket (replaces any earlier one). */
  attach(socket: KeepAliveSocket): void {
    this.detach();
    if (!this.enabled) return;
    this.socket = socket;
    this.answers = false;
    socket.addEventListener('message', this.onMessage);
    socket.addEventListener('close', this.onClose);
    this.schedulePing();
  }

  /** Stops pinging (the socket closed, or we disconnect on purpose). */
  detach(): void {
    const socket = this.socket;
    this.socket = undefined;
    this.cancelPing?.();
    this.cancelPing = undefined;
    this.cancelPongWait?.();
    this.cancelPongWait = undefined;
    if (!socket) return;
    socket.removeEventListener('message', this.onMessage);
    socket.removeEventListener('close', this.onClose);
  }

  private schedulePing(): void {
    const ms = this.options.intervalSeconds * 1000 * (0.8 + 0.2 * Math.min(Math.max(this.random(), 0), 1));
    this.cancelPing = this.clock.setTimeout(() => this.ping(), Math.round(ms));
  }

  private ping(): void {
    const socket = this.socket;
    this.cancelPing = undefined;
    if (!socket) return;
    if (socket.readyState !== OPEN) return this.detach();
    try {
      socket.send(PING);
    } catch (error) {
      this.logger.log('warn', 'keep-alive ping could not be sent', { error: String(error) });
    }
    if (this.answers && !this.cancelPongWait) {
      this.cancelPongWait = this.clock.setTimeout(() => this.dead(), this.pongTimeoutMs);
    }
    this.schedulePing();
  }

  private received(data: unknown): void {
    // Only a pong proves the server answers pings; any frame proves the flow is alive right now.
    if (typeof data === 'string' && /^(\r\n)+$/.test(data)) this.answers = true;
    this.cancelPongWait?.();
    this.cancelPongWait = undefined;
  }

  private dead(): void {
    const socket = this.socket;
    this.cancelPongWait = undefined;
    if (!socket) return;
    this.logger.log('warn', 'phone system connection dead: keep-alive ping unanswered; reconnecting', { waitedMs: this.pongTimeoutMs });
    this.detach();
    const reason = 'keep-alive unanswered';
    socket.close(4000, reason);
    // The transport (sip.js listens for `close`) reports the connection lost now, and the
    // registration reconnects on a new socket; the real `close`, when it comes, is ignored.
    socket.dispatchEvent(typeof CloseEvent === 'function' ? new CloseEvent('close', { code: 4000, reason, wasClean: false }) : new Event('close'));
  }
}
