/**
 * `npm start`: builds the connector, starts the embedded SIP server and the console emulator with
 * demo data, and prints where to go. Its options are in USAGE below (`npm start -- --help`).
 * `--surface voice` runs the Salesforce Voice demo instead: the console with strict origins and the
 * SwitchboardVoice contact center, the voice bridge signing for it, and the SIP server asking the
 * bridge for each inbound call's VoiceCall.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname } from 'node:path';
import { startSipServer, type SipServer } from '../src/node/sip-server/index.ts';
import { startConsole, DEMO, STRICT_CHROMIUM_ARGS } from '../src/node/console/index.ts';
import { ORG_ID } from '../src/node/console/server/api-login.ts';
import { devCertificate } from '../src/node/console/server/dev-certificate.ts';
import { DEMO_VOICE_CALL_CENTER } from '../src/node/console/server/voice-demo.ts';
import {
  DEFAULT_BRIDGE_PORT,
  ScrtClient,
  ensureKeyPair,
  jsonLineLogger,
  loadPrivateKey,
  pinnedFetch,
  startVoiceBridge,
} from '../src/node/voice-bridge/index.ts';
import { TOKEN_ENV } from '../src/node/voice-bridge/command.ts';
import { DEMO_AGENTS, DEMO_CUSTOMERS, DEMO_RING_GROUPS, DEMO_SIP_DOMAIN, DEMO_SUPPORT_NUMBER, demoSipSecret } from '../src/node/demo/demo-phone-system.ts';
import { parseTtlSeconds } from '../src/node/console/server/sip-credentials.ts';

const USAGE = `Usage: npm start -- [options]

Builds the connector, starts the embedded SIP server and the console emulator with demo data, and
prints where to go.
  --port N            console (Lightning origin) port (default 4280); the Visualforce origin is N+1
  --sip-port N        embedded SIP server port (default 5066)
  --sip-server URL    use another SIP server (e.g. Kamailio: ws://127.0.0.1:8080) instead of the embedded one
  --db FILE           console database (default .switchboard/console.sqlite; '' or :memory: for a throwaway org)
  --host H            bind address (default 127.0.0.1)
  --sip-secret S      secret shared by the SIP server and the emulator's SwitchboardCredentials.mint
                      (default the environment's SWITCHBOARD_SIP_SECRET, else a fresh random one per run;
                      with --sip-server, the secret that server's auth_ephemeral is configured with)
  --credential-ttl N  lifetime of minted SIP credentials in seconds (default 3600)
  --surface S         opencti (default): the Open CTI softphone in the console; voice: Salesforce Voice
                      with partner telephony (Salesforce-shaped https origins, which Chromium reaches with
                      the flags printed; the SwitchboardVoice contact center; the voice bridge)
  --bridge-port N     with --surface voice: the voice bridge's port (default ${DEFAULT_BRIDGE_PORT}); callers send
                      Authorization: Bearer $${TOKEN_ENV} (default a random token per run)
  --voice-keys DIR    with --surface voice: the bridge's key pair and certificate, made on the first run
                      and reused (default .switchboard/voice)
  --no-build          skip the build (dist/ is already fresh)
  -h, --help          this text
`;

interface StartOptions {
  port: number;
  sipPort: number;
  sipServer?: string;
  db: string;
  host: string;
  build: boolean;
  sipSecret?: string;
  credentialTtlSeconds: number;
  surface: 'opencti' | 'voice';
  bridgePort: number;
  voiceKeys: string;
}

function parse(argv: readonly string[]): StartOptions {
  const o: StartOptions = {
    port: 4280,
    sipPort: 5066,
    db: '.switchboard/console.sqlite',
    host: '127.0.0.1',
    build: true,
    credentialTtlSeconds: 3600,
    surface: 'opencti',
    bridgePort: DEFAULT_BRIDGE_PORT,
    voiceKeys: '.switchboard/voice',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const port = (): number => {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) > 65535) throw new Error(`${arg} must be a port number 0..65535, got '${v}'`);
      return Number(v);
    };
    switch (arg) {
      case '-h':
      case '--help':
        console.log(USAGE);
        process.exit(0);
        break;
      case '--port':
        o.port = port();
        break;
      case '--sip-port':
        o.sipPort = port();
        break;
      case '--sip-server':
        o.sipServer = value();
        break;
      case '--db':
        o.db = value() || ':memory:';
        break;
      case '--host':
        o.host = value();
        break;
      case '--no-build':
        o.build = false;
        break;
      case '--sip-secret':
        o.sipSecret = value();
        break;
      case '--credential-ttl':
        o.credentialTtlSeconds = parseTtlSeconds(value(), arg);
        break;
      case '--surface': {
        const v = value();
        if (v !== 'opencti' && v !== 'voice') throw new Error(`--surface must be opencti or voice, got '${v}'`);
        o.surface = v;
        break;
      }
      case '--bridge-port':
        o.bridgePort = port();
        break;
      case '--voice-keys':
        o.voiceKeys = value();
        break;
      default:
        throw new Error(`unknown option '${arg}'\n\n${USAGE}`);
    }
  }
  return o;
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  if (options.build) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('the build failed');
  }
  // One secret for the SIP server and the emulator's mint; it is never printed.
  const sipSecret = options.sipSecret ?? process.env.SWITCHBOARD_SIP_SECRET ?? demoSipSecret();
  if (options.surface === 'voice') return startVoice(options, sipSecret);
  let sip: SipServer | undefined;
  if (!options.sipServer) {
    sip = await startDemoSipServer(options, sipSecret);
  }
  const sipUrl = options.sipServer ?? sip!.url;
  if (options.db !== ':memory:') mkdirSync(dirname(options.db), { recursive: true });
  const console_ = await startConsole({
    host: options.host,
    port: options.port,
    vfPort: options.port === 0 ? 0 : options.port + 1,
    dbFile: options.db,
    sipServer: sipUrl,
    sipDomain: DEMO_SIP_DOMAIN,
    sipSecret,
    credentialTtlSeconds: options.credentialTtlSeconds,
  });
  // A Voice run on the same database moved the demo agents to its contact center: back to Open CTI.
  const openCtiCenter = console_.data.callCenters().find((c) => c.InternalName === 'SwitchboardDemo');
  const voiceCenter = console_.data.callCenters().find((c) => c.InternalName === DEMO_VOICE_CALL_CENTER.internalName);
  if (openCtiCenter && voiceCenter) {
    for (const user of console_.data.users()) if (user.CallCenterId === voiceCenter.Id) console_.data.assignCallCenter(user.Id, openCtiCenter.Id);
  }
  const customer = `${console_.lightningOrigin}/customer-phone/?ws=${encodeURIComponent(sipUrl)}&domain=${DEMO_SIP_DOMAIN}&user=${encodeURIComponent(DEMO_CUSTOMERS[0]!)}&dial=${DEMO_SUPPORT_NUMBER}&autologin=1`;
  process.stdout.write(
    [
      '',
      'Switchboard is running.',
      '',
      `  Agent console (Lightning):  ${console_.consoleUrl()}`,
      `  Agent console (Classic):    ${console_.classicUrl()}`,
      `  Customer phone:             ${customer}`,
      `  Setup (call centers):       ${console_.lightningOrigin}/lightning/setup/CallCenters/home`,
      `  Log in as another agent:    ${console_.loginUrl}`,
      ...[DEMO.agent, DEMO.secondAgent, DEMO.thirdAgent].map(
        (a) => `      ${a.name.padEnd(12)} ${a.username.padEnd(26)} extension ${a.extension}: ${console_.consoleUrl(a.username)}`,
      ),
      `  SIP server:                 ${sipUrl}${sip ? ' (embedded)' : ''}`,
      `  Database:                   ${options.db}`,
      '',
      `Call the support line (${DEMO_SUPPORT_NUMBER}) from the customer phone: the agent's panel rings and pops the caller.`,
      'Stop with Ctrl+C.',
      '',
    ].join('\n'),
  );
  const stop = async (): Promise<void> => {
    await console_.close().catch(() => {});
    await sip?.close().catch(() => {});
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/** The embedded SIP server with the demo phone system; with a voice bridge for the Voice demo. */
function startDemoSipServer(options: StartOptions, sipSecret: string, voiceBridge?: { readonly url: string; readonly token: string }): Promise<SipServer> {
  // The static agent passwords stay for the tests that sign in with them; customers register as guests.
  return startSipServer({
    host: options.host,
    port: options.sipPort,
    domain: DEMO_SIP_DOMAIN,
    users: DEMO_AGENTS.map(({ username, password, displayName }) => ({ username, password, displayName })),
    guests: [...DEMO_CUSTOMERS],
    ringGroups: Object.fromEntries(Object.entries(DEMO_RING_GROUPS).map(([k, v]) => [k, [...v]])),
    ephemeralSecret: sipSecret,
    ...(voiceBridge ? { voiceBridge } : {}),
  });
}

/**
 * The Voice demo. Start order: the console first (the bridge signs for its contact center and
 * calls its Telephony API), then the bridge, then the SIP server (which asks the bridge for each
 * inbound call's VoiceCall); the contact center then learns the SIP server's URL.
 */
async function startVoice(options: StartOptions, sipSecret: string): Promise<void> {
  const keys = ensureKeyPair(options.voiceKeys);
  const key = loadPrivateKey({ file: keys.keyPath });
  const envToken = process.env[TOKEN_ENV];
  if (options.sipServer && !envToken) {
    throw new Error(`with --sip-server, set ${TOKEN_ENV} (16 characters or more): the phone system must send it to the voice bridge`);
  }
  // The bridge is for this machine's phone system only; a token nobody else knows unless given one.
  const bridgeToken = envToken ?? randomBytes(24).toString('base64url');
  // Where the Salesforce-shaped host names lead (for the bridge, and for Chromium's flags).
  const address = options.host === '0.0.0.0' || !isIP(options.host) ? '127.0.0.1' : options.host === '::' ? '::1' : options.host;
  const tls = devCertificate();
  if (options.db !== ':memory:') mkdirSync(dirname(options.db), { recursive: true });
  // With the SIP secret the demo contact center loads the connector as the package's Visualforce
  // page, which mints each agent's SIP credentials (as the Open CTI demo does).
  const embeddedSipUrl = (port: number): string => `ws://${address.includes(':') ? `[${address}]` : address}:${port}`;
  const console_ = await startConsole({
    host: options.host,
    port: options.port,
    vfPort: options.port === 0 ? 0 : options.port + 1,
    dbFile: options.db,
    sipServer: options.sipServer ?? embeddedSipUrl(options.sipPort),
    sipDomain: DEMO_SIP_DOMAIN,
    sipSecret,
    credentialTtlSeconds: options.credentialTtlSeconds,
    surface: 'voice',
    voiceCertificate: keys.certificate,
    strictOrigins: true,
    tls,
  });
  const stack: { close(): Promise<void> }[] = [console_];
  const stop = async (): Promise<void> => {
    for (const part of stack.reverse()) await part.close().catch(() => {});
  };
  try {
    const lightningHost = new URL(console_.lightningOrigin).hostname;
    const logger = jsonLineLogger((line) => process.stderr.write(line));
    const client = new ScrtClient({
      scrtUrl: console_.lightningOrigin,
      orgId: ORG_ID,
      callCenter: DEMO_VOICE_CALL_CENTER.internalName,
      providerName: 'Switchboard',
      key,
      logger,
      // Trusts the emulator's certificate for these requests only, and reaches its host name here.
      fetch: pinnedFetch({ ca: tls.cert, resolve: { [lightningHost]: address } }),
    });
    const bridge = await startVoiceBridge({ client, logger, host: options.host, port: options.bridgePort, token: bridgeToken });
    stack.push(bridge);
    const bridgeUrl = `http://${address.includes(':') ? `[${address}]` : address}:${bridge.port}`;
    let sip: SipServer | undefined;
    if (!options.sipServer) {
      sip = await startDemoSipServer(options, sipSecret, { url: bridgeUrl, token: bridgeToken });
      stack.push(sip);
    }
    const sipUrl = options.sipServer ?? sip!.url;
    const voiceCenter = console_.data.callCenters().find((c) => c.InternalName === DEMO_VOICE_CALL_CENTER.internalName);
    if (!voiceCenter) throw new Error(`the console has no ${DEMO_VOICE_CALL_CENTER.internalName} contact center`);
    console_.data.setCallCenterItem(voiceCenter.Id, 'switchboard', 'sipWebSocketUrl', sipUrl);
    const customer = `${console_.lightningOrigin}/customer-phone/?ws=${encodeURIComponent(sipUrl)}&domain=${DEMO_SIP_DOMAIN}&user=${encodeURIComponent(DEMO_CUSTOMERS[0]!)}&dial=${DEMO_SUPPORT_NUMBER}&autologin=1`;
    const flags = STRICT_CHROMIUM_ARGS.map((arg) => arg.replaceAll(' 127.0.0.1', ` ${address}`)).map((arg) => arg.replace(/^(--[\w-]+)=(.*\s.*)$/, '$1="$2"'));
    process.stdout.write(
      [
        '',
        'Switchboard is running: Salesforce Voice with partner telephony.',
        '',
        `  Agent console (Voice):      ${console_.consoleUrl(DEMO.agent.username)}`,
        `  Chromium flags:             ${flags.join(' ')}`,
        "      (Salesforce's host names lead to this machine, and its throwaway certificate is accepted; the Voice",
        '      base library talks only to Salesforce host names over https.) In a profile of its own, e.g.:',
        `      chromium ${flags.join(' ')} --user-data-dir="$(mktemp -d)" '${console_.consoleUrl(DEMO.agent.username)}'`,
        `  Customer phone:             ${customer}`,
        `  Voice bridge:               ${bridgeUrl} (POST /v1/calls; Authorization: Bearer ${envToken ? `$${TOKEN_ENV}` : `<a random token of this run; set ${TOKEN_ENV} to choose it>`})`,
        `  Telephony API (emulator):   ${client.apiBase}`,
        `  Setup (contact centers):    ${console_.lightningOrigin}/lightning/setup/CallCenters/home`,
        `  Log in as another agent:    ${console_.loginUrl}`,
        ...[DEMO.agent, DEMO.secondAgent, DEMO.thirdAgent].map(
          (a) => `      ${a.name.padEnd(12)} ${a.username.padEnd(26)} extension ${a.extension}: ${console_.consoleUrl(a.username)}`,
        ),
        `  SIP server:                 ${sipUrl}${sip ? " (embedded, asks the voice bridge for each inbound call's VoiceCall)" : ` (point it at the voice bridge: deploy/kamailio/start-kamailio.sh --voice-bridge ${bridgeUrl} --voice-bridge-token-file FILE)`}`,
        `  Bridge key, certificate:    ${options.voiceKeys} (${keys.created ? 'made now' : 'reused'}; the certificate is ${DEMO_VOICE_CALL_CENTER.internalName}'s Telephony Integration Certificate)`,
        `  Database:                   ${options.db}`,
        '',
        `Call the support line (${DEMO_SUPPORT_NUMBER}) from the customer phone: the voice bridge creates the VoiceCall,`,
        "and Salesforce's phone in the console of every Available agent rings and pops it.",
        'Stop with Ctrl+C.',
        '',
      ].join('\n'),
    );
  } catch (e) {
    await stop();
    throw e;
  }
  const shutdown = async (): Promise<void> => {
    await stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
