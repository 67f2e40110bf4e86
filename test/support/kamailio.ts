/**
 * Starting Kamailio (deploy/kamailio/kamailio.cfg) for tests: on 127.0.0.1, on free ports, with a
 * private run directory and fresh db_text tables (presence/pua write into them at shutdown and
 * the next start would fail on them). `restart()` kills and starts it again
 * on the same ports, losing its registrations, as a real server crash would.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, createHmac, X509Certificate } from 'node:crypto';
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
  /**
   * Short-lived credentials (WITH_AUTHEPH): the secret shared with whoever mints them. Usernames are
   * `<expiry>:<extension>`, passwords base64(HMAC-SHA1(secret, username)); see `mintEphemeral`.
   * With `users` as well, plain usernames are checked against those users (desk phones).
   */
  readonly ephemeralSecret?: string;
  /**
   * wss (WITH_TLS) on its own port: `true` makes a throwaway self-signed certificate for 127.0.0.1
   * (Chromium trusts exactly its key through `chromiumArgs`), or pass a PEM key and certificate.
   */
  readonly tls?: boolean | { readonly key: string; readonly cert: string };
  /** Seconds a WebSocket may idle before Kamailio sends it a WebSocket Ping frame (default 30). */
  readonly wsKeepaliveSeconds?: number;
  /**
   * Grants every registration exactly this long (registrar min_expires = max_expires), whatever
   * the client asks: clients then send their REGISTER refreshes within a test's time.
   */
  readonly registrationSeconds?: number;
  /** Shared memory in MB (`kamailio -m`); the default 64 runs out under load (a ring group forks each call to every member, and BLF publishes every branch). */
  readonly shmMb?: number;
  /**
   * Salesforce Voice (WITH_VOICE_BRIDGE, needs kamailio-utils-modules): new inbound INVITEs (From
   * user matching `inbound`, default the config's) ask this voice bridge for their VoiceCall first.
   */
  readonly voiceBridge?: { readonly url: string; readonly token?: string; readonly inbound?: string };
  /** Print Kamailio's log to stderr (default: only when it fails to start). */
  readonly verbose?: boolean;
}

export interface KamailioHandle {
  /** `ws://127.0.0.1:<port>` for sip.js. */
  readonly wsUrl: string;
  readonly wsPort: number;
  /** `wss://127.0.0.1:<port>` when started with `tls`. */
  readonly wssUrl: string | undefined;
  /** Chromium flags that make it trust the throwaway wss certificate (and nothing else). */
  readonly chromiumArgs: readonly string[];
  /** UDP/TCP SIP port (SIPp, baresip). */
  readonly sipPort: number;
  /** The SIP domain users register in. */
  readonly domain: string;
  readonly runDir: string;
  /** Kamailio's log so far. */
  log(): string;
  /** User names with at least one registered contact now (read from usrloc over the ctl socket). */
  registeredUsers(): Promise<string[]>;
  /** Runs an RPC command over the ctl socket (`kamcmd <args>`) and returns its output. */
  kamcmd(...args: string[]): Promise<string>;
  /** Kills Kamailio and starts it again on the same ports with fresh state. */
  restart(): Promise<void>;
  /** Kills Kamailio (without restarting). */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Kills it and removes the run directory. */
  stop(): Promise<void>;
}

export async function startKamailio(options: KamailioOptions = {}): Promise<KamailioHandle> {
  if (!existsSync(KAMAILIO_PATH))
    throw new Error(`Kamailio is not installed at ${KAMAILIO_PATH} (apt-get install kamailio kamailio-websocket-modules kamailio-presence-modules).`);
  if (options.ephemeralSecret !== undefined) checkEphemeralSecret(options.ephemeralSecret);
  const keepalive = options.wsKeepaliveSeconds ?? 30;
  if (!(Number.isInteger(keepalive) && keepalive > 0))
    throw new RangeError(`startKamailio: wsKeepaliveSeconds must be a positive whole number of seconds, got ${keepalive}`);
  const granted = options.registrationSeconds;
  if (granted !== undefined && !(Number.isInteger(granted) && granted > 0))
    throw new RangeError(`startKamailio: registrationSeconds must be a positive whole number of seconds, got ${granted}`);
  const runDir = mkdtempSync(join(tmpdir(), 'sb-kamailio-'));
  const sipPort = options.sipPort ?? (await freePort());
  const wsPort = options.wsPort ?? (await freePort());
  // Without tls the wss knob still needs a value: one that is never listened on.
  const wssPort = options.tls ? await freePort() : wsPort;
  const tls = options.tls === true ? throwawayCertificate() : options.tls || undefined;
  if (tls) {
    writeFileSync(join(runDir, 'key.pem'), tls.key, { mode: 0o600 });
    writeFileSync(join(runDir, 'cert.pem'), tls.cert);
    writeFileSync(join(runDir, 'tls.cfg'), tlsProfile(runDir));
  }
  const config = renderKamailioConfig(readFileSync(KAMAILIO_CONFIG, 'utf8'), {
    SB_IP: '127.0.0.1',
    SB_SIP_PORT: String(sipPort),
    SB_WS_PORT: String(wsPort),
    SB_WSS_PORT: String(wssPort),
    SB_RUNDIR: runDir,
    SB_PASSWORD: options.password ?? 'secret',
    SB_WS_KEEPALIVE: String(keepalive),
    ...(options.rtpengine ? { SB_RTPENGINE: options.rtpengine } : {}),
    ...(options.voiceBridge ? { SB_VOICE_BRIDGE: options.voiceBridge.url.replace(/\/+$/, '') } : {}),
    ...(options.voiceBridge?.inbound ? { SB_VOICE_INBOUND: options.voiceBridge.inbound } : {}),
  });
  const configPath = join(runDir, 'kamailio.cfg');
  writeFileSync(configPath, grantRegistrations(config, options.registrationSeconds));
  const defines = [
    ...(options.auth !== false || options.users || options.ephemeralSecret !== undefined ? ['WITH_AUTH'] : []),
    ...(options.users ? ['WITH_USERS_FILE'] : []),
    ...(options.ephemeralSecret !== undefined ? ['WITH_AUTHEPH'] : []),
    ...(tls ? ['WITH_TLS'] : []),
    ...(options.blf !== false ? ['WITH_BLF'] : []),
    ...(options.rtpengine ? ['WITH_RTPENGINE'] : []),
    ...(options.ringGroups ? ['WITH_RINGGROUPS'] : []),
    ...(options.voiceBridge ? ['WITH_VOICE_BRIDGE'] : []),
    ...(options.voiceBridge?.token ? ['WITH_VOICE_BRIDGE_TOKEN'] : []),
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
        .map(
          (u, i) =>
            `${i + 1}:${esc(u.username)}:127.0.0.1:${esc(u.password)}:${md5(`${u.username}:127.0.0.1:${u.password}`)}:${md5(`${u.username}@127.0.0.1:127.0.0.1:${u.password}`)}`,
        )
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
    const args = [
      '-f',
      configPath,
      '-DD',
      '-E',
      '-Y',
      runDir,
      '-P',
      join(runDir, 'kamailio.pid'),
      ...(options.shmMb ? ['-m', String(options.shmMb)] : []),
      ...defines.flatMap((d) => ['-A', d]),
    ];
    // Own process group: Kamailio forks workers, and a crash test must kill them all at once.
    // The secret travels in the environment (the config reads it with #!defenvs), never in a file.
    const env = {
      ...process.env,
      ...(options.ephemeralSecret !== undefined ? { SB_AUTHEPH_SECRET: options.ephemeralSecret } : {}),
      ...(options.voiceBridge?.token ? { SB_VOICE_BRIDGE_TOKEN: options.voiceBridge.token } : {}),
    };
    const proc = spawn(KAMAILIO_PATH, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env });
    child = proc;
    const collect = (b: Buffer): void => {
      output += b.toString();
      if (options.verbose) process.stderr.write(b);
    };
    proc.stdout.on('data', collect);
    proc.stderr.on('data', collect);
    const exited = new Promise<never>((_, fail) =>
      proc.once('exit', (code) => fail(new Error(`Kamailio exited (${code}) while starting:\n${output.slice(-3000)}`))),
    );
    await Promise.race([Promise.all([waitForTcp(wsPort, 5000), ...(tls ? [waitForTcp(wssPort, 5000)] : [])]), exited]);
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
    if (tls) await waitFree(wssPort);
  };

  const kamcmd = (...args: string[]): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      execFile(KAMCMD_PATH, ['-s', `unix:${join(runDir, 'kamailio_ctl')}`, ...args], { timeout: 10_000 }, (error, stdout) => {
        if (error) return reject(new Error(`kamcmd ${args.join(' ')} failed: ${String(error)}`));
        resolve(stdout);
      });
    });

  await start();
  return {
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    wsPort,
    wssUrl: tls ? `wss://127.0.0.1:${wssPort}` : undefined,
    chromiumArgs: tls ? [`--ignore-certificate-errors-spki-list=${spkiHash(tls.cert)}`] : [],
    sipPort,
    domain: '127.0.0.1',
    runDir,
    log: () => output,
    registeredUsers: async () => {
      const dump = await kamcmd('ul.dump', 'brief');
      return [...new Set([...dump.matchAll(/AoR:\s*(\S+)/g)].map((m) => m[1]!.replace(/^sip:/, '').split('@')[0]!))];
    },
    kamcmd,
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

/**
 * A short-lived credential as Salesforce mints it for auth_ephemeral (username_format 1, SHA-1):
 * username `<expiresAt>:<extension>`, password base64(HMAC-SHA1(secret, username)).
 */
export function mintEphemeral(secret: string, extension: string, expiresAt: number): { username: string; password: string } {
  if (!/^[^\s:@]+$/.test(extension)) throw new Error(`mintEphemeral: extension must be a SIP user part without ':' or '@', got ${JSON.stringify(extension)}`);
  if (!Number.isInteger(expiresAt) || expiresAt <= 0) throw new Error(`mintEphemeral: expiresAt must be a Unix time in whole seconds, got ${expiresAt}`);
  const username = `${expiresAt}:${extension}`;
  return { username, password: createHmac('sha1', secret).update(username).digest('base64') };
}

/**
 * The secret reaches Kamailio through `#!defenvs`, which wraps it in double quotes: a quote, a
 * backslash or a line break would end the string early, and a short secret can be guessed offline
 * from any credential seen on the wire.
 */
export function checkEphemeralSecret(secret: string): void {
  if (secret.length < 16) throw new Error(`ephemeral secret: at least 16 characters are needed, got ${secret.length}`);
  if (/["\\\s]/.test(secret)) throw new Error('ephemeral secret: must not contain quotes, backslashes or white space (Kamailio reads it as a quoted string)');
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

/** Adds registrar min_expires/max_expires of `seconds` to a rendered kamailio.cfg (unchanged when undefined). */
function grantRegistrations(config: string, seconds: number | undefined): string {
  if (seconds === undefined) return config;
  const anchor = 'modparam("registrar", "method_filtering", 1)';
  if (!config.includes(anchor)) throw new Error(`kamailio.cfg has no line ${anchor} to add the registrar's expiry limits after`);
  return config.replace(anchor, `${anchor}\nmodparam("registrar", "min_expires", ${seconds})\nmodparam("registrar", "max_expires", ${seconds})`);
}

function tlsProfile(runDir: string): string {
  // verify_certificate=no: browsers present no client certificate.
  return [
    '[server:default]',
    'method = TLSv1.2+',
    'verify_certificate = no',
    'require_certificate = no',
    `private_key = ${join(runDir, 'key.pem')}`,
    `certificate = ${join(runDir, 'cert.pem')}`,
    '',
  ].join('\n');
}

/** A self-signed certificate for 127.0.0.1 made with the system's openssl (valid for a day). */
function throwawayCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sb-kamailio-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=switchboard kamailio test',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'pipe' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } catch (e) {
    throw new Error(
      `startKamailio({ tls: true }) could not make a certificate with openssl (apt-get install openssl): ${e instanceof Error ? e.message : String(e)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** base64 SHA-256 of the certificate's public key, as `--ignore-certificate-errors-spki-list` wants it. */
function spkiHash(certPem: string): string {
  return createHash('sha256')
    .update(new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');
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
