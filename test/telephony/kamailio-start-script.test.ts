// deploy/kamailio/start-kamailio.sh, the way the README tells an admin to run the production shape:
// short-lived credentials with the secret read from a file, wss with a certificate. A minted
// credential registers over wss; the script refuses a secret Kamailio could not read safely.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../support/ports.ts';
import { mintEphemeral } from '../support/kamailio.ts';
import { SipWsClient } from './sip-ws-client.ts';

const SCRIPT = resolve(import.meta.dirname, '../../deploy/kamailio/start-kamailio.sh');
const SECRET = 'start-script-secret-abcdef0123456789';

describe('start-kamailio.sh with --ephemeral-secret-file and --tls-self-signed', { timeout: 60_000 }, () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let output = '';
  let wssPort: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-start-script-'));
    writeFileSync(join(dir, 'secret'), `${SECRET}\n`, { mode: 0o600 });
    const [ws, sip, wss] = [await freePort(), await freePort(), await freePort()];
    wssPort = wss;
    const proc = spawn(
      'bash',
      [
        SCRIPT,
        '--ws-port',
        String(ws),
        '--sip-port',
        String(sip),
        '--wss-port',
        String(wss),
        '--rundir',
        join(dir, 'run'),
        '--no-blf',
        '--ephemeral-secret-file',
        join(dir, 'secret'),
        '--tls-self-signed',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    child = proc;
    const collect = (b: Buffer): void => {
      output += b.toString();
    };
    proc.stdout.on('data', collect);
    proc.stderr.on('data', collect);
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`the script did not report ready within 20 s:\n${output.slice(-2000)}`)), 20_000);
      proc.stdout.on('data', () => {
        if (/Kamailio ready/.test(output)) {
          clearTimeout(timer);
          ok();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`the script exited (${code}):\n${output.slice(-2000)}`));
      });
    });
  });

  after(async () => {
    const proc = child;
    if (proc?.pid && proc.exitCode === null) {
      await new Promise<void>((ok) => {
        proc.once('exit', () => ok());
        process.kill(-proc.pid!, 'SIGKILL');
      });
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers a minted credential over wss; the secret is in no file of the run directory', async () => {
    assert.match(output, new RegExp(`wss://127\\.0\\.0\\.1:${wssPort}.*short-lived credentials`));
    const cert = readFileSync(join(dir, 'run', 'cert.pem'), 'utf8');
    const client = await SipWsClient.connect(`wss://127.0.0.1:${wssPort}`, '127.0.0.1', cert);
    try {
      const credential = mintEphemeral(SECRET, '1001', Math.floor(Date.now() / 1000) + 600);
      const reply = await client.request('REGISTER', { user: '1001', authUser: credential.username, password: credential.password });
      assert.equal(reply.status, 200, `${reply.status} ${reply.reason}\n${output.slice(-2000)}`);
    } finally {
      await client.close();
    }
    const leaked = spawnSync('grep', ['-rl', SECRET, join(dir, 'run')], { encoding: 'utf8' });
    assert.equal(leaked.stdout, '', 'no file in the run directory holds the secret');
  });

  it('refuses a short secret, or one with a quote, with a clear message', () => {
    for (const [secret, message] of [
      ['short', /at least 16 characters/],
      ['a-long-secret-with-"-quote', /must not contain quotes/],
    ] as const) {
      const r = spawnSync('bash', [SCRIPT, '--ephemeral-secret', secret, '--rundir', join(dir, 'never')], { encoding: 'utf8' });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
    }
  });
});
