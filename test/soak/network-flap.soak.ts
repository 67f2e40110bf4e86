/**
 * The network goes down and up again: the loopback link of a network namespace of the test's own
 * (a nested `unshare -n`, so the other soak tests sharing the runner's namespace are not cut off)
 * goes down for 4 s under the console, the SIP server and the connector, and comes back. Without
 * the agent doing anything, the connector is registered again and takes the next call.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const SCENARIO = resolve(import.meta.dirname, 'support/network-flap-scenario.ts');

it('reconnects by itself after the network goes down and up', { timeout: 150_000 }, async () => {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const child = spawn('unshare', [...(isRoot ? [] : ['-r']), '-n', 'sh', '-c', `ip link set lo up && exec "${process.execPath}" --import tsx "${SCENARIO}"`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 140_000);
  const code = await new Promise<number | null>((ok) => child.on('close', ok));
  clearTimeout(timer);
  const line = out.trim().split('\n').pop() ?? '';
  let result: { ok?: boolean } = {};
  try {
    result = JSON.parse(line) as { ok?: boolean };
  } catch {
    /* reported below */
  }
  process.stdout.write(`# network flap: ${line}\n`);
  assert.equal(code, 0, `scenario exited ${code}: ${line}\n${err.slice(-2000)}`);
  assert.equal(result.ok, true, line);
});
