/**
 * A fresh machine: `npm test` names the system packages it lacks and the one command that installs
 * them (scripts/system-packages.sh, which .ci/run uses too), instead of failing deep in the suite.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

test('a missing package is named with the command that installs it, and npm test ends with a CI line', () => {
  const env = { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium', SIPP_PATH: '/nonexistent/sipp', SWITCHBOARD_NETNS: '' };
  const check = spawnSync(process.execPath, [join(root, 'scripts/check-system.mjs')], { env, encoding: 'utf8' });
  assert.equal(check.status, 1);
  assert.match(check.stderr, /Chromium \(browser tests\) \(chromium\), SIPp \(sip-tester\)\./);
  assert.match(check.stderr, /sudo scripts\/system-packages\.sh/);
  assert.match(check.stderr, /sudo apt-get install --no-install-recommends chromium sip-tester\)/);
  const suite = spawnSync(process.execPath, [join(root, 'scripts/test.mjs')], { env, encoding: 'utf8', cwd: root, timeout: 60_000 });
  assert.equal(suite.status, 1);
  assert.match(suite.stderr, /npm test needs system packages that are not installed/);
  assert.equal(suite.stdout.trim().split('\n').at(-1), '0 passed, 1 failed');
});

test('one package list: what the install script installs covers every package the check asks for, and CI uses the script', async () => {
  const listed = spawnSync('bash', [join(root, 'scripts/system-packages.sh'), '--list'], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n');
  const { REQUIREMENTS } = (await import(join(root, 'scripts/check-system.mjs'))) as { REQUIREMENTS: [string, string, () => boolean][] };
  for (const [, pkg] of REQUIREMENTS) assert.ok(listed.includes(pkg), `${pkg} is in scripts/system-packages.sh`);
  assert.match(readFileSync(join(root, '.ci/run'), 'utf8'), /^scripts\/system-packages\.sh$/m);
});
