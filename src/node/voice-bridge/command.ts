/**
 * `switchboard voice-bridge …`: run the bridge, or make its key pair. Kept here so the CLI's
 * dispatcher only routes to it.
 *
 *   switchboard voice-bridge --scrt-url URL --call-center NAME --org-id 00D… [--key FILE]
 *                            [--provider-name NAME] [--port 8787] [--host 127.0.0.1] [--token T]
 *                            [--timeout MS] [--attempts N]
 *   switchboard voice-bridge keygen --out DIR [--days N] [--force]
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startVoiceBridge, DEFAULT_BRIDGE_PORT } from './bridge-server.ts';
import { jsonLineLogger } from './json-logger.ts';
import { generateKeyPair } from './keygen.ts';
import { KEY_ENV, KeyError, loadPrivateKey } from './private-key.ts';
import { ScrtClient } from './scrt-client.ts';

/** The environment variable that may carry the callers' token instead of `--token` (a command line is visible to every local user). */
export const TOKEN_ENV = 'SWITCHBOARD_VOICE_BRIDGE_TOKEN';

export const VOICE_BRIDGE_HELP = `Usage: switchboard voice-bridge --scrt-url URL --call-center NAME --org-id 00D… [--key FILE]
                               [--provider-name NAME] [--port ${DEFAULT_BRIDGE_PORT}] [--host 127.0.0.1] [--token T]
                               [--timeout 1000] [--attempts 3]
       switchboard voice-bridge keygen --out DIR [--days 730] [--force]

Salesforce Voice with partner telephony: the service your phone system calls on each new inbound
call (POST /v1/calls) and at its end (POST /v1/calls/{Call-ID}/end). It creates and closes the
VoiceCall through the Telephony Integration REST API, signing RS256 JWTs with the private key whose
certificate is the call center's reqTelephonyIntegrationCertificate, and answers the VoiceCall id
the phone system adds to the INVITE as X-Salesforce-VoiceCall-Id. Stateless; logs JSON lines on stderr.
  --scrt-url URL        https://MyDomain.my.salesforce-scrt.com (or the console emulator's origin)
  --call-center NAME    the call center's API name (internal name)
  --org-id ID           the org id (00D…)
  --key FILE            the PEM private key (default: the PEM text in ${KEY_ENV})
  --provider-name NAME  sent as Telephony-Provider-Name (default Switchboard)
  --port N --host H     where to listen (default 127.0.0.1:${DEFAULT_BRIDGE_PORT})
  --token T             callers must send Authorization: Bearer T (better: ${TOKEN_ENV})
  --timeout MS          one request to Salesforce (default 1000); --attempts N in all (default 3)
keygen writes voice-bridge-key.pem (0600) and voice-bridge-cert.pem to DIR and prints the
certificate to paste into the call center's Telephony Integration Certificate.
`;

export interface CommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the bridge should stop (default: SIGINT or SIGTERM). */
  readonly until?: Promise<void>;
}

/** Runs the command; answers the exit code (2: usage error, 1: could not start). */
export async function voiceBridgeCommand(args: readonly string[], io: CommandIo): Promise<number> {
  if (args[0] === 'keygen') return keygen(args.slice(1), io);
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: [...args],
      options: {
        'scrt-url': { type: 'string' },
        'call-center': { type: 'string' },
        'org-id': { type: 'string' },
        key: { type: 'string' },
        'provider-name': { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        token: { type: 'string' },
        timeout: { type: 'string' },
        attempts: { type: 'string' },
      },
      allowPositionals: false,
    }).values as Record<string, string | undefined>;
  } catch (e) {
    return usage(io, (e as Error).message);
  }
  for (const required of ['scrt-url', 'call-center', 'org-id']) {
    if (!values[required]) return usage(io, `--${required} is required`);
  }
  const port = values.port === undefined ? DEFAULT_BRIDGE_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usage(io, `--port must be 0..65535 (got "${values.port ?? ''}")`);
  const timeoutMs = values.timeout === undefined ? 1000 : Number(values.timeout);
  const attempts = values.attempts === undefined ? 3 : Number(values.attempts);
  if (!(timeoutMs > 0)) return usage(io, `--timeout must be a positive number of milliseconds (got "${values.timeout ?? ''}")`);
  if (!Number.isInteger(attempts) || attempts < 1) return usage(io, `--attempts must be a whole number ≥ 1 (got "${values.attempts ?? ''}")`);
  const logger = jsonLineLogger(io.err);
  let bridge;
  try {
    const key = loadPrivateKey(values.key !== undefined ? { file: resolve(io.cwd, values.key) } : { env: io.env });
    const client = new ScrtClient({
      scrtUrl: values['scrt-url'] as string,
      orgId: values['org-id'] as string,
      callCenter: values['call-center'] as string,
      providerName: values['provider-name'] ?? 'Switchboard',
      key,
      logger,
      timeoutMs,
      attempts,
    });
    const token = values.token ?? io.env[TOKEN_ENV];
    bridge = await startVoiceBridge({ client, logger, port, ...(values.host ? { host: values.host } : {}), ...(token ? { token } : {}) });
  } catch (e) {
    io.err(`switchboard voice-bridge: ${e instanceof KeyError || e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  io.out(`Voice bridge listening on ${bridge.url} (POST /v1/calls, POST /v1/calls/{vendorCallKey}/end, GET /healthz)\n`);
  await (io.until ??
    new Promise<void>((done) => {
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
    }));
  await bridge.close();
  return 0;
}

function keygen(args: readonly string[], io: CommandIo): number {
  let values: { out?: string; days?: string; force?: boolean };
  try {
    values = parseArgs({ args: [...args], options: { out: { type: 'string' }, days: { type: 'string' }, force: { type: 'boolean' } } }).values;
  } catch (e) {
    return usage(io, (e as Error).message);
  }
  if (!values.out) return usage(io, 'keygen needs --out DIR');
  try {
    const files = generateKeyPair(resolve(io.cwd, values.out), { ...(values.days ? { days: Number(values.days) } : {}), force: values.force === true });
    io.out(`Wrote the private key ${files.keyPath} (keep it on the bridge's host, mode 0600) and the certificate ${files.certPath}.
Paste this certificate into the call center's Telephony Integration Certificate (reqHvcc/reqTelephonyIntegrationCertificate):

${files.certificate}`);
    return 0;
  } catch (e) {
    io.err(`switchboard voice-bridge keygen: ${(e as Error).message}\n`);
    return 1;
  }
}

function usage(io: CommandIo, message: string): number {
  io.err(`switchboard voice-bridge: ${message}\n\n${VOICE_BRIDGE_HELP}`);
  return 2;
}
