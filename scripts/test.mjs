#!/usr/bin/env node
// `npm test`: every test file under src/ and test/ in node's test runner, inside a loopback-only
// network namespace. Ends with node's summary and a plain `N passed, N failed` line for CI.
//   --soak           run the long fault and load tests (test/soak/*.soak.ts) instead
//   <paths...>       run only these test files
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, mkdtempSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { inNetns, reexecInNetns } from './in-netns.mjs';
import { missingMessage } from './check-system.mjs';

// A fresh machine without the system packages gets one message and the command that installs them.
if (!inNetns() && process.argv.slice(2).every((a) => a.startsWith('--'))) {
  const missing = missingMessage();
  if (missing) {
    console.error(missing);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}
if (!inNetns()) process.exit(reexecInNetns([process.execPath, ...process.argv.slice(1)]));

const args = process.argv.slice(2);
const soak = args.includes('--soak');
const explicit = args.filter((a) => !a.startsWith('--'));

function walk(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

// The suite runs two files at a time: the long ones (browsers, Kamailio, the static checks) go
// first, so none of them starts last and runs alone while the other slot has nothing left to do.
const LONG_FIRST = ['test/static/', 'test/telephony/', 'test/e2e/', 'test/voice/', 'test/faults/', 'src/telephony/sip/media-loss', 'test/callcenter/cli'];
const weight = (f) => {
  const i = LONG_FIRST.findIndex((prefix) => f.startsWith(prefix));
  return i < 0 ? LONG_FIRST.length : i;
};
const files = explicit.length
  ? explicit
  : soak
    ? walk('test/soak').filter((f) => f.endsWith('.soak.ts'))
    : [...walk('src'), ...walk('test')].filter((f) => f.endsWith('.test.ts')).sort((a, b) => weight(a) - weight(b) || a.localeCompare(b));

if (files.length === 0) {
  console.error('No test files found.');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

/** The whole run's limit: a normal full run takes 10-13 minutes on 2 cores, the soak run 2. */
const RUN_LIMIT_MS = Number(process.env.TEST_RUN_LIMIT_MINUTES ?? 30) * 60_000;

const reportDir = mkdtempSync(join(tmpdir(), 'switchboard-test-'));
const tap = join(reportDir, 'report.tap');
const times = join(reportDir, 'file-times.jsonl');
const r = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    // sip.js's grammar decoded once per process, as in npm start and the browser build (scripts/sip-grammar).
    '--import',
    new URL('./sip-grammar/register.mjs', import.meta.url).href,
    '--test',
    // The soak files load both cores on their own (20 consoles, 300 calls): two at once starve each
    // other's timers past the SIP keep-alive and answer deadlines they measure.
    `--test-concurrency=${process.env.TEST_CONCURRENCY ?? (soak ? 1 : 2)}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    `--test-reporter=${new URL('./file-times-reporter.mjs', import.meta.url).href}`,
    `--test-reporter-destination=${times}`,
    ...files,
  ],
  // A file whose tests are over but whose event loop stays alive (a server a failed `before` never
  // handed to its `after`) never ends, and would hold the run until CI's limit: the run is stopped
  // at RUN_LIMIT_MS and fails. (--test-force-exit would end such a file, but it also cuts off the
  // summary the TAP report ends with, which the count below reads.)
  { stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: '' }, timeout: RUN_LIMIT_MS, killSignal: 'SIGTERM' },
);
if (r.error && /ETIMEDOUT/.test(String(r.error))) {
  console.log(
    `\nThe test run was stopped after ${RUN_LIMIT_MS / 60_000} minutes: a test file did not end (a hook waiting without a timeout, ` +
      'or a server or socket left open after its tests). The slowest of the files that ended are listed below; set TEST_RUN_LIMIT_MINUTES to change the limit.',
  );
}

// The suite has a time budget in CI (12 minutes on 2 cores): name the files that spend most of it.
try {
  const slowest = readFileSync(times, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 12);
  if (slowest.length > 1) {
    console.log('\nslowest test files:');
    for (const { file, ms } of slowest) console.log(`  ${(ms / 1000).toFixed(1).padStart(6)} s  ${relative(process.cwd(), file)}`);
  }
} catch {
  /* no timings: the summary below still stands */
}

let passed = 0,
  failed = 0;
try {
  const report = readFileSync(tap, 'utf8');
  passed = Number(/^# pass (\d+)/m.exec(report)?.[1] ?? 0);
  failed = Number(/^# fail (\d+)/m.exec(report)?.[1] ?? 0) + Number(/^# cancelled (\d+)/m.exec(report)?.[1] ?? 0);
} catch {
  failed = Math.max(failed, 1);
}
if (r.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && r.status === 0 ? 0 : 1);
