import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadUsersFile, parseUsers } from './users.ts';
import { parseArgs } from './main.ts';

describe('users file', () => {
  test('reads a valid file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sip-users-'));
    const file = join(dir, 'users.json');
    writeFileSync(
      file,
      JSON.stringify({
        users: [
          { username: '1001', password: 'a', displayName: 'Ann Agent' },
          { username: '1002', password: 'b' },
        ],
      }),
    );
    assert.deepEqual(await loadUsersFile(file), [
      { username: '1001', password: 'a', displayName: 'Ann Agent' },
      { username: '1002', password: 'b' },
    ]);
  });

  test('says what is wrong and where', async () => {
    assert.throws(() => parseUsers([], 'f.json'), /f\.json: expected an object \{ "users"/);
    assert.throws(() => parseUsers({ users: [{ username: 'a b', password: 'x' }] }, 'f.json'), /f\.json: users\[0\]\.username must be/);
    assert.throws(() => parseUsers({ users: [{ username: 'a', password: '' }] }), /users\[0\]\.password/);
    assert.throws(
      () =>
        parseUsers({
          users: [
            { username: 'a', password: 'x' },
            { username: 'a', password: 'y' },
          ],
        }),
      /users\[1\]\.username "a" appears twice/,
    );
    await assert.rejects(loadUsersFile('/nonexistent/users.json'), /\/nonexistent\/users\.json: cannot read/);
    const dir = mkdtempSync(join(tmpdir(), 'sip-users-'));
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    await assert.rejects(loadUsersFile(join(dir, 'bad.json')), /bad\.json: not valid JSON/);
  });
});

describe('command line', () => {
  test('parses options', () => {
    assert.deepEqual(parseArgs(['--port', '0', '--domain', 'pbx.test', '--users', 'u.json', '--guest', 'g', '--ring-group', 'support=1001, 1002'], {}), {
      host: '127.0.0.1',
      port: 0,
      domain: 'pbx.test',
      usersFile: 'u.json',
      guests: ['g'],
      ringGroups: { support: ['1001', '1002'] },
      queues: {},
      tlsCert: undefined,
      tlsKey: undefined,
      ephemeralSecret: undefined,
      voiceBridge: undefined,
      voiceBridgeWaitMs: undefined,
      verbose: false,
    });
  });
  test('parses the voice bridge', () => {
    const o = parseArgs(['--voice-bridge', 'http://127.0.0.1:8787', '--voice-bridge-wait', '1500'], {});
    assert.deepEqual([o.voiceBridge, o.voiceBridgeWaitMs], ['http://127.0.0.1:8787', 1500]);
    assert.throws(() => parseArgs(['--voice-bridge', '127.0.0.1:8787'], {}), /--voice-bridge must be the bridge's http\(s\) URL/);
    assert.throws(
      () => parseArgs(['--voice-bridge', 'http://b', '--voice-bridge-wait', '0'], {}),
      /--voice-bridge-wait must be a whole number of milliseconds/,
    );
    assert.throws(() => parseArgs(['--voice-bridge-wait', '100'], {}), /--voice-bridge-wait needs --voice-bridge/);
  });
  test('parses queues', () => {
    assert.deepEqual(parseArgs(['--ring-group', 'support=1001', '--queue', 'support,wait=90,length=10,strategy=least-recent,ring=20']).queues, {
      support: { maxWaitMs: 90_000, maxLength: 10, strategy: 'least-recent', offerTimeoutMs: 20_000 },
    });
    assert.deepEqual(parseArgs(['--ring-group', 'support=1001', '--queue', 'support']).queues, { support: {} });
    assert.throws(() => parseArgs(['--queue', 'support']), /no --ring-group support=/);
    assert.throws(() => parseArgs(['--ring-group', 'q=1', '--queue', 'q,wait=0']), /wait must be a positive number of seconds/);
    assert.throws(() => parseArgs(['--ring-group', 'q=1', '--queue', 'q,strategy=random']), /strategy must be ringall or least-recent/);
    assert.throws(() => parseArgs(['--ring-group', 'q=1', '--queue', 'q,colour=blue']), /unknown setting "colour=blue"/);
  });
  test('takes the ephemeral secret from --ephemeral-secret, else SWITCHBOARD_SIP_SECRET, and checks it', () => {
    const secret = 'a-secret-of-enough-length';
    assert.equal(parseArgs(['--ephemeral-secret', secret], {}).ephemeralSecret, secret);
    assert.equal(parseArgs([], { SWITCHBOARD_SIP_SECRET: secret }).ephemeralSecret, secret);
    assert.equal(parseArgs(['--ephemeral-secret', `${secret}-cli`], { SWITCHBOARD_SIP_SECRET: secret }).ephemeralSecret, `${secret}-cli`);
    assert.equal(parseArgs([], { SWITCHBOARD_SIP_SECRET: '' }).ephemeralSecret, undefined);
    assert.throws(() => parseArgs(['--ephemeral-secret', 'short'], {}), /--ephemeral-secret: the ephemeral credential secret needs at least 16 characters/);
    assert.throws(() => parseArgs([], { SWITCHBOARD_SIP_SECRET: 'short' }), /SWITCHBOARD_SIP_SECRET: the ephemeral credential secret needs at least 16/);
  });
  test('rejects bad arguments with a message', () => {
    assert.throws(() => parseArgs(['--port', 'x']), /--port must be 0\.\.65535/);
    assert.throws(() => parseArgs(['--bogus']), /unknown argument "--bogus"/);
    assert.throws(() => parseArgs(['--host']), /--host needs a value/);
    assert.throws(() => parseArgs(['--ring-group', 'nope']), /--ring-group must look like/);
    assert.throws(() => parseArgs(['--tls-cert', 'c.pem']), /--tls-cert and --tls-key go together/);
    assert.deepEqual(
      [parseArgs(['--tls-cert', 'c.pem', '--tls-key', 'k.pem'])].map((o) => [o.tlsCert, o.tlsKey]),
      [['c.pem', 'k.pem']],
    );
  });
});
