/**
 * `npm start`: builds the connector, starts the embedded SIP server and the console emulator with
 * demo data, and prints where to go. Its options are in USAGE below (`npm start -- --help`).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { startSipServer, type SipServer } from '../src/node/sip-server/index.ts';
import { startConsole, DEMO } from '../src/node/console/index.ts';
import {
  DEMO_AGENTS, DEMO_CUSTOMERS, DEMO_RING_GROUPS, DEMO_SIP_DOMAIN, DEMO_SUPPORT_NUMBER, demoSipSecret,
} from '../src/node/demo/demo-phone-system.ts';
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
}

function parse(argv: readonly string[]): StartOptions {
  const o: StartOptions = { port: 4280, sipPort: 5066, db: '.switchboard/console.sqlite', host: '127.0.0.1', build: true, credentialTtlSeconds: 3600 };
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
      case '--port': o.port = port(); break;
      case '--sip-port': o.sipPort = port(); break;
      case '--sip-server': o.sipServer = value(); break;
      case '--db': o.db = value() || ':memory:'; break;
      case '--host': o.host = value(); break;
      case '--no-build': o.build = false; break;
      case '--sip-secret': o.sipSecret = value(); break;
      case '--credential-ttl': o.credentialTtlSeconds = parseTtlSeconds(value(), arg); break;
      default: throw new Error(`unknown option '${arg}'\n\n${USAGE}`);
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
  let sip: SipServer | undefined;
  if (!options.sipServer) {
    // The static agent passwords stay for the tests that sign in with them; customers register as guests.
    sip = await startSipServer({
      host: options.host,
      port: options.sipPort,
      domain: DEMO_SIP_DOMAIN,
      users: DEMO_AGENTS.map(({ username, password, displayName }) => ({ username, password, displayName })),
      guests: [...DEMO_CUSTOMERS],
      ringGroups: Object.fromEntries(Object.entries(DEMO_RING_GROUPS).map(([k, v]) => [k, [...v]])),
      ephemeralSecret: sipSecret,
    });
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
  const customer = `${console_.lightningOrigin}/customer-phone/?ws=${encodeURIComponent(sipUrl)}&domain=${DEMO_SIP_DOMAIN}&user=${encodeURIComponent(DEMO_CUSTOMERS[0]!)}&dial=${DEMO_SUPPORT_NUMBER}&autologin=1`;
  process.stdout.write([
    '',
    'Switchboard is running.',
    '',
    `  Agent console (Lightning):  ${console_.consoleUrl()}`,
    `  Agent console (Classic):    ${console_.classicUrl()}`,
    `  Customer phone:             ${customer}`,
    `  Setup (call centers):       ${console_.lightningOrigin}/lightning/setup/CallCenters/home`,
    `  Log in as another agent:    ${console_.loginUrl}`,
    ...[DEMO.agent, DEMO.secondAgent, DEMO.thirdAgent].map((a) => `      ${a.name.padEnd(12)} ${a.username.padEnd(26)} extension ${a.extension}: ${console_.consoleUrl(a.username)}`),
    `  SIP server:                 ${sipUrl}${sip ? ' (embedded)' : ''}`,
    `  Database:                   ${options.db}`,
    '',
    `Call the support line (${DEMO_SUPPORT_NUMBER}) from the customer phone: the agent's panel rings and pops the caller.`,
    'Stop with Ctrl+C.',
    '',
  ].join('\n'));
  const stop = async (): Promise<void> => {
    await console_.close().catch(() => {});
    await sip?.close().catch(() => {});
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
