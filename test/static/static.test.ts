// The project's static gate inside `npm test`: lint (layer rules included), the per-layer type
// check and the formatter's check must all pass on the whole tree.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// A bound for a hung tool, not a speed target: each takes 10-30 s on a quiet 2-core machine, but
// minutes when the machine is saturated.
const LIMIT_MS = 480_000;

function run(script: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', script], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm run ${script} did not finish within ${LIMIT_MS / 1000} s:\n${output}`));
    }, LIMIT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** npm's own chatter about the user's config is not a finding. */
const findings = (output: string) =>
  output
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .filter((l) => l.trim() && !/^npm warn /i.test(l))
    .join('\n');

// One after the other: together they would fight the other test files for the same two cores.
describe('static gate', () => {
  it('npm run lint passes', { timeout: LIMIT_MS + 10_000 }, async () => {
    const { code, output } = await run('lint');
    assert.equal(code, 0, `npm run lint failed:\n${findings(output)}`);
  });

  it('npm run format:check passes (the code is as Prettier lays it out; `npm run format` fixes it)', { timeout: LIMIT_MS + 10_000 }, async () => {
    const { code, output } = await run('format:check');
    assert.equal(code, 0, `npm run format:check failed (run npm run format):\n${findings(output)}`);
  });

  it('npm run typecheck passes (every layer with its own tsconfig)', { timeout: LIMIT_MS + 10_000 }, async () => {
    const { code, output } = await run('typecheck');
    assert.equal(code, 0, `npm run typecheck failed:\n${findings(output)}`);
    assert.match(output, /typecheck: (\d+) of \1 configs clean/);
  });
});
