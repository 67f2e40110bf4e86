import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../cli/main.ts';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { voiceBridgeCommand, type CommandIo } from './command.ts';

const dir = mkdtempSync(join(tmpdir(), 'sb-voice-cmd-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function capture(env: Record<string, string | undefined> = {}, until?: Promise<void>): CommandIo & { readonly output: string[]; readonly errors: string[] } {
  const output: string[] = [];
  const errors: string[] = [];
  return { out: (t) => output.push(t), err: (t) => errors.push(t), cwd: dir, env, output, errors, ...(until ? { until } : {}) };
}

describe('switchboard voice-bridge', () => {
  it('keygen writes the key pair and prints the certificate of its RSA public key', async () => {
    const io = capture();
    assert.equal(await runCli(['voice-bridge', 'keygen', '--out', 'keys'], io), 0);
    const printed = io.output.join('');
    const cert = /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.exec(printed)?.[0] ?? '';
    assert.equal(cert, readFileSync(join(dir, 'keys', 'voice-bridge-cert.pem'), 'utf8').trim());
    assert.doesNotMatch(printed, /PRIVATE KEY/);
    const x509 = new X509Certificate(cert);
    assert.equal(x509.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
    assert.ok(new Date(x509.validTo).getTime() > Date.now() + 700 * 24 * 3600 * 1000, x509.validTo);
    const privateKey = createPrivateKey(readFileSync(join(dir, 'keys', 'voice-bridge-key.pem'), 'utf8'));
    assert.ok(x509.checkPrivateKey(privateKey));
    assert.equal(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }), x509.publicKey.export({ type: 'spki', format: 'pem' }));
    assert.equal(await runCli(['voice-bridge', 'keygen', '--out', 'keys'], io), 1);
    assert.match(io.errors.join(''), /exists; pass --force/);
  });

  it('has help, refuses a missing option with usage, and names the missing key', async () => {
    const help = capture();
    assert.equal(await runCli(['voice-bridge', '--help'], help), 0);
    assert.match(help.output.join(''), /--scrt-url URL/);
    const usage = capture();
    assert.equal(await voiceBridgeCommand(['--scrt-url', 'https://x.my.salesforce-scrt.com', '--call-center', 'CC'], usage), 2);
    assert.match(usage.errors.join(''), /--org-id is required/);
    const noKey = capture({});
    assert.equal(
      await voiceBridgeCommand(
        ['--scrt-url', 'https://x.my.salesforce-scrt.com', '--call-center', 'CC', '--org-id', '00D5g000000SwBdEAK', '--port', '0'],
        noKey,
      ),
      1,
    );
    assert.match(noKey.errors.join(''), /no private key: pass --key FILE or set SWITCHBOARD_VOICE_KEY/);
  });

  it('serves /healthz with the key from the environment until told to stop', async () => {
    let stop = (): void => {};
    const until = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const pem = readFileSync(join(dir, 'keys', 'voice-bridge-key.pem'), 'utf8');
    const io = capture({ SWITCHBOARD_VOICE_KEY: pem }, until);
    const running = voiceBridgeCommand(['--scrt-url', 'http://127.0.0.1:1/', '--call-center', 'CC', '--org-id', '00D5g000000SwBdEAK', '--port', '0'], io);
    for (let i = 0; i < 100 && io.output.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const url = /listening on (http:\/\/\S+)/.exec(io.output.join(''))?.[1];
    assert.ok(url, io.output.join('') + io.errors.join(''));
    assert.deepEqual(await (await fetch(`${url}/healthz`)).json(), { ok: true });
    stop();
    assert.equal(await running, 0);
    const lines = io.errors
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(lines.some((l) => l.message === 'voice-bridge: listening' && l.salesforce === 'http://127.0.0.1:1/telephony/v1'));
  });
});
