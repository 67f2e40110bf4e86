/**
 * The connection test every page runs (the softphone's diagnosis, Setup > Switchboard in the
 * emulator, the package's setup tab): a WebSocket with the `sip` subprotocol (RFC 7118), then an
 * OPTIONS; any SIP response proves a SIP server answered. The page hands in its WebSocket
 * constructor and a clock, so one implementation serves them all and runs under test.
 */
import type { Clock } from '../ports/clock.ts';
import { sipOptionsProbe, sipResponseStatus, type MicrophoneFact, type WebSocketProbe } from './softphone-diagnosis.ts';

/** A handler slot a browser WebSocket accepts (method-declared, so its richer event types fit). */
type Handler<E> = { handle(event: E): void }['handle'];

/** The part of a browser WebSocket the probe uses. */
export interface ProbeSocket {
  onopen: Handler<unknown> | null;
  onerror: Handler<unknown> | null;
  onclose: Handler<unknown> | null;
  onmessage: Handler<{ readonly data: unknown }> | null;
  send(data: string): void;
  close(): void;
}

export type ProbeSocketConstructor = new (url: string, protocol: string) => ProbeSocket;

export interface ProbeOptions {
  readonly WebSocket: ProbeSocketConstructor;
  readonly clock: Clock;
  readonly timeoutMs?: number;
}

/** Opens `url` with the `sip` subprotocol and sends an OPTIONS for `domain`; answers how it went, in whole milliseconds (never rejects). */
export function probeSipWebSocket(url: string, domain: string, options: ProbeOptions): Promise<WebSocketProbe> {
  const { clock } = options;
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise((resolve) => {
    let socket: ProbeSocket;
    try {
      socket = new options.WebSocket(url, 'sip');
    } catch (error) {
      resolve({ outcome: 'unopened', refused: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      return;
    }
    let sentAt: number | undefined;
    const done = (probe: WebSocketProbe): void => {
      cancel();
      socket.onclose = null;
      socket.onerror = null;
      socket.onmessage = null;
      try {
        socket.close();
      } catch {
        /* already closed */
      }
      resolve(probe);
    };
    const cancel = clock.setTimeout(
      () => done(sentAt === undefined ? { outcome: 'unopened', timedOut: true } : { outcome: 'silent', waitedMs: timeoutMs }),
      timeoutMs,
    );
    socket.onerror = () => {
      if (sentAt === undefined) done({ outcome: 'unopened' });
    };
    socket.onclose = () =>
      done(sentAt === undefined ? { outcome: 'unopened' } : { outcome: 'silent', waitedMs: Math.round(clock.now() - sentAt), closed: true });
    socket.onopen = () => {
      sentAt = clock.now();
      socket.send(sipOptionsProbe(domain, Math.random().toString(36).slice(2, 12)));
    };
    socket.onmessage = (event) => {
      const status = typeof event.data === 'string' ? sipResponseStatus(event.data) : undefined;
      if (status && sentAt !== undefined) done({ outcome: 'answered', status, rttMs: Math.round(clock.now() - sentAt) });
    };
  });
}

/** The part of `navigator` the microphone fact reads. */
export interface MicrophoneSource {
  readonly permissions?: { query(descriptor: { readonly name: 'microphone' }): Promise<{ readonly state: 'granted' | 'denied' | 'prompt' }> };
  readonly mediaDevices?: { readonly getUserMedia?: unknown };
}

/** The microphone permission, or `unavailable` where the page can never have one (not a secure context, no media devices). */
export async function microphoneFact(nav: MicrophoneSource | undefined, isSecureContext: boolean): Promise<MicrophoneFact> {
  if (!isSecureContext || !nav?.mediaDevices?.getUserMedia) return 'unavailable';
  // No Permissions API (older browsers): the browser asks at the first call.
  if (!nav.permissions) return 'prompt';
  try {
    return (await nav.permissions.query({ name: 'microphone' })).state;
  } catch {
    // No Permissions API entry for the microphone: the browser asks at the first call.
    return 'prompt';
  }
}
