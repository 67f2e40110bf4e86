/**
 * Starting Kamailio (deploy/kamailio/kamailio.cfg) for tests: on 127.0.0.1, on free ports, with a
 * private run directory and fresh db_text tables (presence/pua write into them at shutdown and
 * the next start would fail on them: telephony.md trap 4). `restart()` kills and starts it again
 * on the same ports, losing its registrations, as a real server crash would.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, waitForTcp } from './ports.ts';

export const KAMAILIO_PATH = process.env.KAMAILIO_PATH ?? '/usr/sbin/kamailio';
export const KAMCMD_PATH = process.env.KAMCMD_PATH ?? '/usr/sbin/kamcmd';
export const KAMAILIO_CONFIG = resolve(import.meta.dirname, '../../deploy/kamailio/kamailio.cfg');
const DBTEXT_TABLES = '/usr/share/kamailio/dbtext/kamailio';

export interface KamailioOptions {
  /** Digest auth; every password is `password` unless `users` is given. Default true. */
  readonly auth?: boolean;
  readonly password?: string;
  /** Users for the db_text subscriber table (WITH_USERS_FILE); implies auth. */
  readonly users?: readonly { readonly username: string; readonly password: string }[];
  /** Server-side busy lamp (dialog + pua_dialoginfo). Default true. */
  readonly blf?: boolean;
  /** rtpengine's ng socket, e.g. `udp:127.0.0.1:2223`, to bridge plain-RTP phones. */
  readonly rtpengine?: string;
  readonly sipPort?: number;
  readonly wsPort?: number;
  /** Ring groups (WITH_RINGGROUPS): group number -> member user names, e.g. `{ '5000': ['2001', '2002'] }`. */
  readonly ringGroups?: Readonly<Record<string, readonly string[]>>;
  /** Shared memory in MB (`kamailio -m`); the default 64 runs out under load (a ring group forks each call to every member, and BLF publishes every branch). */
  readonly shmMb?: number;
  /** Print Kamailio's log to stderr (default: only when it fails to start). */
  readonly verbose?: boolean;
}

export interface KamailioHandle {
  /** `ws://127.0.0.1:<port>` for sip.js. */
  readonly wsUrl: string;
  readonly wsPort: number;
  /** UDP/TCP SIP port (SIPp, baresip). */
  readonly sipPort: number;
  /** The SIP domain users register in. */
  readonly domain: string;
  readonly runDir: string;
  /** Kamailio's log so far. */
  log(): string;
  /** User names with at least one registered contact now (read from usrloc over the ctl socket). */
  registeredUsers(): Promise<string[]>;
  /** Kills Kamailio and starts it again on the same ports with fresh state. */
  restart(): Promise<void>;
  /** Kills Kamailio (without restarting). */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Kills it and removes the run directory. */
  stop(): Promise<void>;
}

export async function startKamailio(options: KamailioOptions = {}): Promise<KamailioHandle> {
  if (!existsSync(KAMAILIO_PATH)) throw new Error(`Kamailio is not installed at ${KAMAILIO_PATH} (apt-get install kamailio kamailio-websocket-modules kamailio-presence-modules).`);
  const runDir = mkdtempSync(join(tmpdir(), 'sb-kamailio-'));
  const sipPort = options.sipPort ?? (await freePort());
  const wsPort = options.wsPort ?? (await freePort());
  const config = renderKamailioConfig(readFileSync(KAMAILIO_CONFIG, 'utf8'), {
    SB_IP: '127.0.0.1',
    SB_SIP_PORT: String(sipPort),
    SB_WS_PORT: String(wsPort),
    SB_WSS_PORT: String(wsPort + 1),
    SB_RUNDIR: runDir,
    SB_PASSWORD: options.password ?? 'secret',
    ...(options.rtpengine ? { SB_RTPENGINE: options.rtpengine } : {}),
  });
  const configPath = join(runDir, 'kamailio.cfg');
  writeFileSync(configPath, config);
  const defines = [
    ...(options.auth !== false || options.users ? ['WITH_AUTH'] : []),
    ...(options.users ? ['WITH_USERS_FILE'] : []),
    ...(options.blf !== false ? ['WITH_BLF'] : []),
    ...(options.rtpengine ? ['WITH_RTPENGINE'] : []),
    ...(options.ringGroups ? ['WITH_RINGGROUPS'] : []),
  ];
  let child: ChildProcess | undefined;
  let output = '';

  const freshTables = (): void => {
    const db = join(runDir, 'db');
    rmSync(db, { recursive: true, force: true });
    mkdirSync(db, { recursive: true });
    for (const t of ['version', 'presentity', 'active_watchers', 'watchers', 'xcap', 'pua', 'subscriber']) copyFileSync(join(DBTEXT_TABLES, t), join(db, t));
    if (options.users) {
      // ha1/ha1b may not be empty in db_text; they are the digest hashes for realm 127.0.0.1.
      const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
      const rows = options.users
        .map((u, i) => `${i + 1}:${esc(u.username)}:127.0.0.1:${esc(u.password)}:${md5(`${u.username}:127.0.0.1:${u.password}`)}:${md5(`${u.username}@127.0.0.1:127.0.0.1:${u.password}`)}`)
        .join('\n');
      writeFileSync(join(db, 'subscriber'), `${readFileSync(join(DBTEXT_TABLES, 'subscriber'), 'utf8').split('\n')[0]}\n${rows}\n`);
    }
    if (options.ringGroups) {
      // htable's table: key_type 0 and value_type 0 (a plain string), never expiring.
      const rows = Object.entries(options.ringGroups).map(([group, members], i) => `${i + 1}:${esc(group)}:0:0:${esc(members.join(','))}:0`);
      writeFileSync(join(db, 'ringgroups'), `${readFileSync(join(DBTEXT_TABLES, 'htable'), 'utf8').split('\n')[0]}\n${rows.join('\n')}\n`);
      writeFileSync(join(db, 'version'), `${readFileSync(join(db, 'version'), 'utf8').replace(/\n?$/, '\n')}0:ringgroups:2\n`);
    }
  };

  const start = async (): Promise<void> => {
    freshTables();
    const args = ['-f', configPath, '-DD', '-E', '-Y', runDir, '-P', join(runDir, 'kamailio.pid'), ...(options.shmMb ? ['-m', String(options.shmMb)] : []), ...defines.flatMap((d) => ['-A', d])];
    // Own process group: Kamailio forks workers, and a crash test must kill them all at once.
    const proc = spawn(KAMAILIO_PATH, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child = proc;
    const collect = (b: Buffer): void => {
      output += b.toString();
      if (options.verbose) process.stderr.write(b);
    };
    proc.stdout.on('data', collect);
    proc.stderr.on('data', collect);
    const exited = new Promise<never>((_, fail) => proc.once('exit', (code) => fail(new Error(`Kamailio exited (${code}) while starting:\n${output.slice(-3000)}`))));
    await Promise.race([waitForTcp(wsPort, 5000), exited]);
    exited.catch(() => {});
  };

  const kill = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((ok) => {
      proc.once('exit', () => ok());
      if (proc.pid) process.kill(-proc.pid, 'SIGKILL');
    });
    // Wait until the workers are gone too and the port is free again.
    await waitFree(wsPort);
  };

  await start();
  return {
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    wsPort,
    sipPort,
    domain: '127.0.0.1',
    runDir,
    log: () => output,
    registeredUsers: () => new Promise<string[]>((resolve, reject) => {
      execFile(KAMCMD_PATH, ['-s', `unix:${join(runDir, 'kamailio_ctl')}`, 'ul.dump', 'brief'], { timeout: 10_000 }, (error, stdout) => {
        if (error) return reject(new Error(`kamcmd ul.dump failed: ${String(error)}`));
        resolve([...new Set([...stdout.matchAll(/AoR:\s*(\S+)/g)].map((m) => m[1]!.replace(/^sip:/, '').split('@')[0]!))]);
      });
    }),
    restart: async () => {
      await kill();
      await start();
    },
    kill,
    start,
    stop: async () => {
      await kill();
      rmSync(runDir, { recursive: true, force: true });
    },
  };
}

/** Rewrites the `#!substdef "!NAME!value!g"` knobs of kamailio.cfg. */
export function renderKamailioConfig(config: string, values: Readonly<Record<string, string>>): string {
  let out = config;
  for (const [name, value] of Object.entries(values)) {
    const line = new RegExp(`^#!substdef "!${name}![^!]*!g"$`, 'm');
    if (!line.test(out)) throw new Error(`kamailio.cfg has no substdef knob ${name}`);
    out = out.replace(line, `#!substdef "!${name}!${value.replace(/!/g, '\\!')}!g"`);
  }
  return out;
}

function esc(s: string): string {
  return s.replace(/[:\\]/g, (c) => `\\${c}`);
}

async function waitFree(port: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    try {
      await waitForTcp(port, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
