import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EnoughCandidates, awaitedCandidateType } from './enough-candidates.ts';

test('the awaited candidate type follows the ICE configuration', () => {
  assert.equal(awaitedCandidateType({}), 'host');
  assert.equal(awaitedCandidateType({ iceServers: [{ urls: 'stun:stun.example.com:3478' }] }), 'srflx');
  assert.equal(awaitedCandidateType({ iceServers: [{ urls: ['stun:a.example.com', 'turn:a.example.com?transport=udp'] }] }), 'relay');
  assert.equal(awaitedCandidateType({ iceServers: [{ urls: 'turns:t.example.com:443' }] }), 'relay');
  assert.equal(awaitedCandidateType({ iceServers: [], iceTransportPolicy: 'relay' }), 'relay');
});

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

test('settles once the awaited type is in and gathering has been quiet', async () => {
  let done = 0;
  const e = new EnoughCandidates(
    'relay',
    () => 'u1',
    () => {
      done++;
    },
    30,
  );
  e.candidate({ type: 'host', usernameFragment: 'u1' });
  await sleep(60);
  assert.equal(done, 0, 'host candidates alone are not enough when a TURN server is configured');
  e.candidate({ type: 'relay', usernameFragment: 'u1' });
  await sleep(10);
  e.candidate({ type: 'host', usernameFragment: 'u1' }); // a late candidate restarts the quiet period
  await sleep(15);
  assert.equal(done, 0);
  await sleep(40);
  assert.equal(done, 1);
  e.dispose();
});

test('a TCP candidate of the awaited type is not enough; the UDP one is', async () => {
  let done = 0;
  const e = new EnoughCandidates(
    'host',
    () => 'u1',
    () => {
      done++;
    },
    10,
  );
  e.candidate({ type: 'host', usernameFragment: 'u1', protocol: 'tcp' });
  await sleep(30);
  assert.equal(done, 0);
  e.candidate({ type: 'host', usernameFragment: 'u1', protocol: 'udp' });
  await sleep(30);
  assert.equal(done, 1);
  e.dispose();
});

test('candidates of an earlier ICE generation do not count after a restart', async () => {
  let done = 0;
  let ufrag = 'old';
  const e = new EnoughCandidates(
    'host',
    () => ufrag,
    () => {
      done++;
    },
    10,
  );
  e.candidate({ type: 'host', usernameFragment: 'old' });
  await sleep(30);
  assert.equal(done, 1);
  ufrag = 'new';
  e.check();
  await sleep(30);
  assert.equal(done, 1, 'the restart waits for its own candidates');
  e.candidate({ type: 'host', usernameFragment: 'new' });
  await sleep(30);
  assert.equal(done, 2);
  e.candidate(null);
  e.dispose();
});
