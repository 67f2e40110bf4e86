/**
 * Runs the embedded SIP server on its own:
 *   tsx src/node/sip-server/main.ts [--host 127.0.0.1] [--port 5066] [--domain localhost]
 *       [--users users.json] [--guest name]... [--ring-group support=1001,1002]...
 *       [--queue support[,wait=SECONDS][,length=N][,strategy=ringall|least-recent][,ring=SECONDS]]...
 *       [--tls-cert cert.pem --tls-key key.pem] [--ephemeral-secret SECRET]
 *       [--voice-bridge http://127.0.0.1:8787 [--voice-bridge-wait MS]] [--verbose]
 * Short-lived credentials (see ephemeral-credentials.ts) are accepted when a secret is given by
 * --ephemeral-secret or, better (the command line is visible to every local user), by the
 * environment variable SWITCHBOARD_SIP_SECRET. With --voice-bridge, new calls from guests get a
 * Salesforce VoiceCall first (voice-calls.ts); the bridge's token comes from the environment variable
 * SWITCHBOARD_VOICE_BRIDGE_TOKEN.
 * Prints the WebSocket URL on stdout and runs until SIGINT/SIGTERM. A development server: it binds
 * 127.0.0.1 unless told otherwise, and is not meant for untrusted networks (use Kamailio).
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../../core/index.ts';
import type { CallQueueOptions } from './call-queue.ts';
import { checkEphemeralSecret } from './ephemeral-credentials.ts';
import { startSipServer } from './server.ts';
import { loadUsersFile, type SipUser } from './users.ts';

export interface CliOptions {
  host: string;
  port: number;
  domain: string;
  usersFile: string | undefined;
  guests: string[];
  ringGroups: Record<string, string[]>;
  queues: Record<string, CallQueueOptions>;
  /** PEM files: serve wss:// instead of ws://. */
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  /** The secret of short-lived credentials (`--ephemeral-secret`, else SWITCHBOARD_SIP_SECRET). */
  ephemeralSecret: string | undefined;
  /** Salesforce Voice: the voice bridge's URL, and how long a caller may wait for it (ms). */
  voiceBridge: string | undefined;
  voiceBridgeWaitMs: number | undefined;
  verbose: boolean;
}

/** The environment variable that carries the voice bridge's token. */
export const VOICE_BRIDGE_TOKEN_ENV = 'SWITCHBOARD_VOICE_BRIDGE_TOKEN';

/** The environment variable that carries the ephemeral credential secret. */
export const SECRET_ENV = 'SWITCHBOARD_SIP_SECRET';

const USAGE =
  'usage: sip-server [--host H] [--port N] [--domain D] [--users FILE] [--guest NAME]... [--ring-group NAME=U1,U2]... [--queue NAME[,wait=S][,length=N][,strategy=ringall|least-recent][,ring=S]]... [--tls-cert FILE --tls-key FILE] [--ephemeral-secret SECRET (or env SWITCHBOARD_SIP_SECRET)] [--voice-bridge URL [--voice-bridge-wait MS] (token: env SWITCHBOARD_VOICE_BRIDGE_TOKEN)] [--verbose]';

/** Parses the command line; throws with a message naming the bad argument. */
export function parseArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): CliOptions {
  const out: CliOptions = {
    host: '127.0.0.1',
    port: 5066,
    domain: 'localhost',
    usersFile: undefined,
    guests: [],
    ringGroups: {},
    queues: {},
    tlsCert: undefined,
    tlsKey: undefined,
    ephemeralSecret: undefined,
    voiceBridge: undefined,
    voiceBridgeWaitMs: undefined,
    verbose: false,
  };
  let secretFrom = '--ephemeral-secret';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    switch (arg) {
      case '--host':
        out.host = value();
        break;
      case '--port': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) > 65535) throw new Error(`--port must be 0..65535 (got "${v}")`);
        out.port = Number(v);
        break;
      }
      case '--domain':
        out.domain = value();
        break;
      case '--users':
        out.usersFile = value();
        break;
      case '--guest':
        out.guests.push(value());
        break;
      case '--ring-group': {
        const v = value();
        const m = /^([^=]+)=(.+)$/.exec(v);
        if (!m) throw new Error(`--ring-group must look like support=1001,1002 (got "${v}")`);
        out.ringGroups[m[1]] = m[2]
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      }
      case '--queue': {
        const [name, ...settings] = value()
          .split(',')
          .map((s) => s.trim());
        out.queues[name] = parseQueue(name, settings);
        break;
      }
      case '--tls-cert':
        out.tlsCert = value();
        break;
      case '--tls-key':
        out.tlsKey = value();
        break;
      case '--ephemeral-secret':
        out.ephemeralSecret = value();
        break;
      case '--voice-bridge': {
        const v = value();
        if (!/^https?:\/\/[^/]+/.test(v)) throw new Error(`--voice-bridge must be the bridge's http(s) URL, e.g. http://127.0.0.1:8787 (got "${v}")`);
        out.voiceBridge = v;
        break;
      }
      case '--voice-bridge-wait': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) < 1) throw new Error(`--voice-bridge-wait must be a whole number of milliseconds ≥ 1 (got "${v}")`);
        out.voiceBridgeWaitMs = Number(v);
        break;
      }
      case '--verbose':
        out.verbose = true;
        break;
      case '--help':
      case '-h':
        throw new Error(USAGE);
      default:
        throw new Error(`unknown argument "${arg}"\n${USAGE}`);
    }
  }
  const fromEnv = env[SECRET_ENV];
  if (out.ephemeralSecret === undefined && fromEnv !== undefined && fromEnv !== '') {
    out.ephemeralSecret = fromEnv;
    secretFrom = SECRET_ENV;
  }
  if (out.ephemeralSecret !== undefined) checkEphemeralSecret(out.ephemeralSecret, secretFrom);
  if (out.voiceBridgeWaitMs !== undefined && out.voiceBridge === undefined) throw new Error(`--voice-bridge-wait needs --voice-bridge\n${USAGE}`);
  if ((out.tlsCert === undefined) !== (out.tlsKey === undefined)) throw new Error(`--tls-cert and --tls-key go together (wss needs both)\n${USAGE}`);
  for (const name of Object.keys(out.queues)) {
    if (!out.ringGroups[name]) throw new Error(`--queue ${name}: no --ring-group ${name}=... to queue for`);
  }
  return out;
}

/** `wait=60,length=20,strategy=least-recent,ring=25` -> queue options (seconds on the command line). */
function parseQueue(name: string, settings: readonly string[]): CallQueueOptions {
  const options: { maxWaitMs?: number; maxLength?: number; strategy?: CallQueueOptions['strategy']; offerTimeoutMs?: number } = {};
  const seconds = (key: string, v: string): number => {
    if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0) throw new Error(`--queue ${name}: ${key} must be a positive number of seconds (got "${v}")`);
    return Math.round(Number(v) * 1000);
  };
  for (const setting of settings) {
    const [key, v = ''] = setting.split('=');
    switch (key) {
      case 'wait':
        options.maxWaitMs = seconds(key, v);
        break;
      case 'ring':
        options.offerTimeoutMs = seconds(key, v);
        break;
      case 'length':
        if (!/^\d+$/.test(v) || Number(v) < 1) throw new Error(`--queue ${name}: length must be a whole number ≥ 1 (got "${v}")`);
        options.maxLength = Number(v);
        break;
      case 'strategy':
        if (v !== 'ringall' && v !== 'least-recent') throw new Error(`--queue ${name}: strategy must be ringall or least-recent (got "${v}")`);
        options.strategy = v;
        break;
      default:
        throw new Error(`--queue ${name}: unknown setting "${setting}" (wait=, length=, strategy=, ring=)`);
    }
  }
  return options;
}

const consoleLogger: Logger = {
  log: (level, message, data) => {
    const line = `${new Date().toISOString()} ${level} ${message}${data ? ` ${JSON.stringify(data)}` : ''}`;
    if (level === 'error' || level === 'warn') console.error(line);
    else console.log(line);
  },
};

/** Reads a PEM file, saying which option and file is wrong when it is not one. */
async function readPem(file: string, option: string, kind: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`${option} ${file}: cannot read it (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!text.includes(`-----BEGIN `) || !text.includes(kind))
    throw new Error(`${option} ${file}: not a PEM ${kind.toLowerCase()} (no "-----BEGIN ...${kind}-----" line)`);
  return text;
}

export async function main(argv: readonly string[]): Promise<void> {
  const options = parseArgs(argv);
  const users: SipUser[] = options.usersFile ? await loadUsersFile(options.usersFile) : [];
  if (users.length === 0 && options.guests.length === 0 && options.ephemeralSecret === undefined) {
    console.error(`warning: no --users file, no --guest and no --ephemeral-secret (${SECRET_ENV}): nobody can register`);
  }
  const tls =
    options.tlsCert !== undefined && options.tlsKey !== undefined
      ? { cert: await readPem(options.tlsCert, '--tls-cert', 'CERTIFICATE'), key: await readPem(options.tlsKey, '--tls-key', 'PRIVATE KEY') }
      : undefined;
  const server = await startSipServer({
    host: options.host,
    port: options.port,
    domain: options.domain,
    users,
    guests: options.guests,
    ringGroups: options.ringGroups,
    queues: options.queues,
    logger: options.verbose ? consoleLogger : undefined,
    ...(tls ? { tls } : {}),
    ...(options.ephemeralSecret !== undefined ? { ephemeralSecret: options.ephemeralSecret } : {}),
    ...(options.voiceBridge !== undefined
      ? {
          voiceBridge: {
            url: options.voiceBridge,
            ...(options.voiceBridgeWaitMs !== undefined ? { waitMs: options.voiceBridgeWaitMs } : {}),
            ...(process.env[VOICE_BRIDGE_TOKEN_ENV] ? { token: process.env[VOICE_BRIDGE_TOKEN_ENV] } : {}),
          },
        }
      : {}),
  });
  if (options.voiceBridge !== undefined)
    server.on('voice-call', (e) =>
      console.log(`voice call ${e.kind} ${e.callId}${'voiceCallId' in e ? ` ${e.voiceCallId}` : ''}${'error' in e ? `: ${e.error}` : ''}`),
    );
  if (options.verbose) {
    server.on('message', (m) => console.log(`--- ${m.direction} #${m.connectionId}\n${m.text}`));
  }
  server.on('registered', (r) => {
    if (!r.refreshed) console.log(`registered ${r.aor} -> ${r.contact}`);
  });
  server.on('unregistered', (r) => console.log(`unregistered ${r.aor} (${r.reason})`));
  console.log(
    `SIP over WebSocket at ${server.url} (domain ${server.domain}, ${users.length} users${options.ephemeralSecret !== undefined ? ', short-lived credentials accepted' : ''})`,
  );
  console.log('This is a development server: keep it on 127.0.0.1, never on an untrusted network (use Kamailio there).');
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  });
}
