/**
 * Command line for the console emulator; its options are in USAGE below (`--help`). Prints the
 * console URLs and the API token. `--strict` uses Salesforce-shaped host names (see
 * server/origins.ts). The SIP secret (`--sip-secret` or SWITCHBOARD_SIP_SECRET) is the one shared
 * with the phone system for `SwitchboardCredentials.mint`; it is never printed.
 */
import { parseArgs } from 'node:util';
import { startConsole, STRICT_CHROMIUM_ARGS } from './index.ts';
import { parseTtlSeconds } from './server/sip-credentials.ts';

const USAGE = `Usage: tsx src/node/console/main.ts [options]

The Lightning console emulator alone (npm start runs it with the embedded SIP server and demo data).
  --port N            Lightning origin port (default 5173)
  --vf-port N         Visualforce origin port, where the softphone frame loads (default 5174)
  --host H            bind address (default 127.0.0.1)
  --db FILE           the org's database (default console.sqlite; :memory: for a throwaway org)
  --apex-dir DIR      Apex classes the emulator serves to runApex
  --sip-server URL    the SIP WebSocket URL the demo call centers point at
  --strict            Salesforce-shaped host names (map *.force.com to 127.0.0.1 in the browser)
  --surface S         opencti (default) or voice: the demo agents use the Salesforce Voice
                      contact center SwitchboardVoice and the console speaks the Voice protocol
                      (the real connector base library needs --strict)
  --sip-secret S      the secret shared with the phone system for SwitchboardCredentials.mint
                      (default the environment's SWITCHBOARD_SIP_SECRET; never printed)
  --credential-ttl N  lifetime of minted SIP credentials in seconds (default 3600)
  -h, --help          this text
`;

let parsed;
try {
  parsed = parseArgs({
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      port: { type: 'string', default: '5173' },
      'vf-port': { type: 'string', default: '5174' },
      host: { type: 'string', default: '127.0.0.1' },
      db: { type: 'string', default: 'console.sqlite' },
      'apex-dir': { type: 'string' },
      'sip-server': { type: 'string' },
      strict: { type: 'boolean', default: false },
      surface: { type: 'string', default: 'opencti' },
      'sip-secret': { type: 'string' },
      'credential-ttl': { type: 'string', default: '3600' },
    },
  });
} catch (e) {
  console.error(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
  process.exit(2);
}
const { values } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

if (values.surface !== 'opencti' && values.surface !== 'voice') {
  console.error(`--surface must be opencti or voice; got '${values.surface}'`);
  process.exit(2);
}
const surface: 'opencti' | 'voice' = values.surface;
const port = Number(values.port);
const vfPort = Number(values['vf-port']);
if (!Number.isInteger(port) || !Number.isInteger(vfPort)) {
  console.error('--port and --vf-port must be integers');
  process.exit(2);
}
let credentialTtlSeconds: number;
try {
  credentialTtlSeconds = parseTtlSeconds(values['credential-ttl'], '--credential-ttl');
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(2);
}
const sipSecret = values['sip-secret'] ?? process.env.SWITCHBOARD_SIP_SECRET;
const app = await startConsole({
  port,
  vfPort,
  host: values.host,
  dbFile: values.db,
  strictOrigins: values.strict,
  credentialTtlSeconds,
  surface,
  ...(sipSecret ? { sipSecret } : {}),
  ...(values['apex-dir'] ? { apexDir: values['apex-dir'] } : {}),
  ...(values['sip-server'] ? { sipServer: values['sip-server'] } : {}),
});
console.log(`Lightning console: ${app.consoleUrl()}`);
console.log(`Classic console:   ${app.classicUrl()}`);
console.log(`Setup:             ${app.lightningOrigin}/lightning/setup/CallCenters/home`);
console.log(`Connector:         ${app.softphoneUrl}`);
console.log(`Log in as a user:  ${app.loginUrl}`);
console.log(`API token:         ${app.apiToken} (send as Authorization: Bearer; the console page has its own session)`);
if (!sipSecret) console.log('No --sip-secret: SwitchboardCredentials.mint answers that the SIP secret is not configured.');
if (surface === 'voice' && !values.strict)
  console.log(
    'Salesforce Voice without --strict: the real connector base library ignores SETUP_CONNECTOR from http://127.0.0.1 (it accepts only Salesforce host names over HTTPS); start with --strict.',
  );
if (values.strict) console.log(`Strict origins: start Chromium with ${STRICT_CHROMIUM_ARGS.map((a) => `"${a}"`).join(' ')}`);
const stop = (): void => void app.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
