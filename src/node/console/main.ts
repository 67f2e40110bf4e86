/**
 * Command line for the console emulator:
 *   tsx src/node/console/main.ts [--port 5173] [--vf-port 5174] [--db console.sqlite]
 *                                [--apex-dir path] [--sip-server ws://127.0.0.1:5066] [--strict]
 * Prints the console URLs. `--strict` uses Salesforce-shaped host names (map *.force.com to
 * 127.0.0.1 in the browser, see server/origins.ts).
 */
import { parseArgs } from 'node:util';
import { startConsole, STRICT_CHROMIUM_ARGS } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '5173' },
    'vf-port': { type: 'string', default: '5174' },
    host: { type: 'string', default: '127.0.0.1' },
    db: { type: 'string', default: 'console.sqlite' },
    'apex-dir': { type: 'string' },
    'sip-server': { type: 'string' },
    strict: { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
const vfPort = Number(values['vf-port']);
if (!Number.isInteger(port) || !Number.isInteger(vfPort)) {
  console.error('--port and --vf-port must be integers');
  process.exit(2);
}
const app = await startConsole({
  port, vfPort, host: values.host, dbFile: values.db, strictOrigins: values.strict,
  ...(values['apex-dir'] ? { apexDir: values['apex-dir'] } : {}),
  ...(values['sip-server'] ? { sipServer: values['sip-server'] } : {}),
});
console.log(`Lightning console: ${app.consoleUrl()}`);
console.log(`Classic console:   ${app.classicUrl()}`);
console.log(`Setup:             ${app.lightningOrigin}/lightning/setup/CallCenters/home`);
console.log(`Connector:         ${app.softphoneUrl}`);
if (values.strict) console.log(`Strict origins: start Chromium with ${STRICT_CHROMIUM_ARGS.map((a) => `"${a}"`).join(' ')}`);
const stop = (): void => void app.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
