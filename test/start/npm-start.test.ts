/**
 * `npm start` as a person runs it: one command brings up the SIP server, the console emulator and
 * the customer phone, and prints URLs that answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

test('npm start prints the agent console and customer phone URLs, and they answer', async () => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      './scripts/sip-grammar/register.mjs',
      'scripts/start.ts',
      '--no-build',
      '--db',
      ':memory:',
      '--port',
      '0',
      '--sip-port',
      '0',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  try {
    const deadline = Date.now() + 60_000;
    while (!out.includes('Stop with Ctrl+C')) {
      if (child.exitCode !== null) assert.fail(`npm start exited with ${child.exitCode}:\n${out}`);
      if (Date.now() > deadline) assert.fail(`npm start printed no URLs within 60 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = (label: string): string => {
      const m = new RegExp(`${label}:\\s+(\\S+)`).exec(out);
      assert.ok(m, `'${label}' missing from:\n${out}`);
      return m[1]!;
    };
    for (const label of ['Agent console \\(Lightning\\)', 'Agent console \\(Classic\\)', 'Customer phone']) {
      const res = await fetch(url(label));
      assert.equal(res.status, 200, `${label} answers`);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    }
    assert.match(url('SIP server'), /^ws:\/\/127\.0\.0\.1:\d+$/);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
});
