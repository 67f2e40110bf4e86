/**
 * Starting rtpengine (userspace only, `--table=-1`, no kernel module) on 127.0.0.1 for tests that
 * bridge plain-RTP peers (SIPp, desk phones) with WebRTC browsers through Kamailio WITH_RTPENGINE.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from './ports.ts';

export const RTPENGINE_PATH = process.env.RTPENGINE_PATH ?? '/usr/bin/rtpengine';

export interface RtpengineHandle {
  /** For Kamailio's rtpengine_sock: `udp:127.0.0.1:<port>`. */
  readonly ngSocket: string;
  log(): string;
  stop(): Promise<void>;
}

export interface RtpengineOptions {
  readonly portMin?: number;
  readonly portMax?: number;
  readonly verbose?: boolean;
  /**
   * `127.0.0.1:<port>`: rtpengine reads the RFC 4733 events in the media it relays and sends each
   * one there as a JSON datagram (`--dtmf-log-dest`): a receiver nobody here wrote.
   */
  readonly dtmfLogDest?: string;
}

export async function startRtpengine(options: RtpengineOptions = {}): Promise<RtpengineHandle> {
  if (!existsSync(RTPENGINE_PATH)) throw new Error(`rtpengine is not installed at ${RTPENGINE_PATH} (apt-get install rtpengine-daemon).`);
  const ngPort = await freePort();
  const portMin = options.portMin ?? 30000 + Math.floor(Math.random() * 200) * 100;
  const portMax = options.portMax ?? portMin + 99;
  let output = '';
  const proc: ChildProcess = spawn(
    RTPENGINE_PATH,
    [
      '--config-file=none',
      '--interface=127.0.0.1',
      `--listen-ng=127.0.0.1:${ngPort}`,
      '--foreground',
      '--log-stderr',
      `--port-min=${portMin}`,
      `--port-max=${portMax}`,
      '--table=-1',
      ...(options.dtmfLogDest ? [`--dtmf-log-dest=${options.dtmfLogDest}`] : []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const collect = (b: Buffer): void => {
    output += b.toString();
    if (options.verbose) process.stderr.write(b);
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  // Ready once it logs that it listens (it has no TCP port to probe).
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`rtpengine did not start within 5 s:\n${output.slice(-2000)}`)), 5000);
    const check = (): void => {
      if (/Startup complete|listening/i.test(output)) {
        clearTimeout(timer);
        ok();
      }
    };
    proc.stderr?.on('data', check);
    proc.stdout?.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`rtpengine exited (${code}) while starting:\n${output.slice(-2000)}`));
    });
  });
  return {
    ngSocket: `udp:127.0.0.1:${ngPort}`,
    log: () => output,
    stop: async () => {
      if (proc.exitCode !== null) return;
      await new Promise<void>((ok) => {
        proc.once('exit', () => ok());
        proc.kill('SIGTERM');
      });
    },
  };
}
