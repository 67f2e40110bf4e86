/**
 * Debian's coturn as a TURN server on 127.0.0.1 (UDP, long-term credentials), for tests that need
 * the media path to go through a relay they can take away. Each server relays from its own port
 * range, so a test can tell from a relay candidate's port which server carries it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { freePort } from './ports.ts';

export const TURNSERVER_PATH = process.env.TURNSERVER_PATH ?? '/usr/bin/turnserver';

export interface TurnServer {
  readonly port: number;
  /** Relay ports this server allocates from (inclusive). */
  readonly relayPorts: { readonly min: number; readonly max: number };
  /** An RTCIceServer for it. */
  readonly iceServer: { urls: string; username: string; credential: string };
  /** True when a relay candidate at `port` was allocated by this server. */
  relays(port: number): boolean;
  log(): string;
  /** Kills it at once (SIGKILL): its allocations vanish without a word, as when a server dies. */
  kill(): Promise<void>;
}

const USER = 'switchboard';
const PASSWORD = 'turn-test-only';

/** The RTCIceServer for a TURN server of this module on `port` (also before it runs). */
export function turnIceServerAt(port: number): { urls: string; username: string; credential: string } {
  return { urls: `turn:127.0.0.1:${port}?transport=udp`, username: USER, credential: PASSWORD };
}

/** Starts coturn relaying from `relayPorts`, listening on `port` (default: a free one). */
export async function startTurnServer(relayPorts: { min: number; max: number }, port?: number): Promise<TurnServer> {
  if (!existsSync(TURNSERVER_PATH)) throw new Error(`coturn is not installed at ${TURNSERVER_PATH} (apt-get install coturn).`);
  port ??= await freePort();
  let output = '';
  const proc: ChildProcess = spawn(
    TURNSERVER_PATH,
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${relayPorts.min}`,
      `--max-port=${relayPorts.max}`,
      '--lt-cred-mech',
      `--user=${USER}:${PASSWORD}`,
      '--realm=switchboard.test',
      '--fingerprint',
      '--no-tls',
      '--no-dtls',
      '--no-tcp',
      '--no-cli',
      '--allow-loopback-peers',
      '--no-multicast-peers',
      '--log-file=stdout',
      '--simple-log',
      `--pidfile=/tmp/switchboard-turn-${port}.pid`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  proc.stdout?.on('data', (b: Buffer) => (output += b.toString()));
  proc.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<never>((_, fail) =>
    proc.once('exit', (code) => fail(new Error(`turnserver exited (${code}) while starting:\n${output.slice(-2000)}`))),
  );
  await Promise.race([stunReachable(port, 5000), exited]).catch(async (error: unknown) => {
    proc.kill('SIGKILL');
    throw new Error(`${String(error)}\n${output.slice(-2000)}`);
  });
  exited.catch(() => {});
  return {
    port,
    relayPorts,
    iceServer: turnIceServerAt(port),
    relays: (p) => p >= relayPorts.min && p <= relayPorts.max,
    log: () => output,
    kill: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      await new Promise<void>((ok) => {
        proc.once('exit', () => ok());
        proc.kill('SIGKILL');
      });
    },
  };
}

/** Resolves once a STUN Binding request to 127.0.0.1:`port` is answered. */
async function stunReachable(port: number, timeoutMs: number): Promise<void> {
  const socket = createSocket('udp4');
  const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), randomBytes(12)]);
  try {
    await new Promise<void>((ok, fail) => {
      const resend = setInterval(() => socket.send(request, port, '127.0.0.1'), 100);
      const timer = setTimeout(() => {
        clearInterval(resend);
        fail(new Error(`no STUN answer from 127.0.0.1:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.on('message', () => {
        clearTimeout(timer);
        clearInterval(resend);
        ok();
      });
      socket.on('error', () => {}); // port unreachable while it starts
      socket.bind(0, '127.0.0.1', () => socket.send(request, port, '127.0.0.1'));
    });
  } finally {
    socket.close();
  }
}
