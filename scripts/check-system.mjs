// What `npm test` needs from the system besides node_modules, checked before any test runs, so a
// fresh machine gets one message naming what is missing and the one command that installs it
// (scripts/system-packages.sh), not a dozen failures deep in the suite.
import { existsSync, readdirSync } from 'node:fs';

/** Kamailio keeps its modules under /usr/lib/<multiarch triplet>/kamailio/modules. */
function kamailioModule(name) {
  const dirs = ['/usr/lib/kamailio/modules', '/usr/lib64/kamailio/modules'];
  try {
    for (const d of readdirSync('/usr/lib')) dirs.push(`/usr/lib/${d}/kamailio/modules`);
  } catch {
    /* no /usr/lib: nothing found */
  }
  return dirs.some((d) => existsSync(`${d}/${name}.so`));
}

const file = (path) => () => existsSync(path);
const onPath = (name) => () => (process.env.PATH ?? '').split(':').some((d) => d && existsSync(`${d}/${name}`));

/** [what, Debian package, check]. Environment overrides (CHROMIUM_PATH, KAMAILIO_PATH…) are honoured. */
export const REQUIREMENTS = [
  ['Chromium (browser tests)', 'chromium', file(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')],
  ['Kamailio', 'kamailio', file(process.env.KAMAILIO_PATH ?? '/usr/sbin/kamailio')],
  ['Kamailio websocket module', 'kamailio-websocket-modules', () => kamailioModule('websocket')],
  ['Kamailio presence modules', 'kamailio-presence-modules', () => kamailioModule('presence')],
  ['Kamailio tls module (wss)', 'kamailio-tls-modules', () => kamailioModule('tls')],
  ['Kamailio auth_ephemeral module', 'kamailio-autheph-modules', () => kamailioModule('auth_ephemeral')],
  ['Kamailio http_client module (voice bridge)', 'kamailio-utils-modules', () => kamailioModule('http_client')],
  ['SIPp', 'sip-tester', file(process.env.SIPP_PATH ?? '/usr/bin/sipp')],
  ['rtpengine', 'rtpengine-daemon', file(process.env.RTPENGINE_PATH ?? '/usr/bin/rtpengine')],
  ['coturn (TURN servers)', 'coturn', file(process.env.TURNSERVER_PATH ?? '/usr/bin/turnserver')],
  ['ip (network namespace)', 'iproute2', onPath('ip')],
  ['unshare (network namespace)', 'util-linux', onPath('unshare')],
  ['openssl (test certificates)', 'openssl', onPath('openssl')],
];

/** The requirements not met: [{ what, pkg }]. */
export function missingRequirements() {
  return REQUIREMENTS.filter(([, , ok]) => !ok()).map(([what, pkg]) => ({ what, pkg }));
}

/** One message for everything missing, with the command that installs it; undefined when all is there. */
export function missingMessage() {
  const missing = missingRequirements();
  if (missing.length === 0) return undefined;
  const pkgs = [...new Set(missing.map((m) => m.pkg))];
  return [
    `npm test needs system packages that are not installed: ${missing.map((m) => `${m.what} (${m.pkg})`).join(', ')}.`,
    'Install every package the tests use with one command (Debian or Ubuntu, as root):',
    '  sudo scripts/system-packages.sh',
    `(or only these: sudo apt-get install --no-install-recommends ${pkgs.join(' ')})`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const message = missingMessage();
  if (message) {
    console.error(message);
    process.exit(1);
  }
  console.log('Every system package npm test needs is installed.');
}
