import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CapturingLogger, FakeClock } from '../../core/testing/index.ts';
import { MemoryChannelHub, type MemoryChannel } from '../testing/memory-channel.ts';
import { ChannelElection, parseElectionMessage } from './channel-election.ts';

/** Moves fake time in small steps, letting the channel (real macrotasks) deliver in between. */
async function step(clock: FakeClock, ms: number, quantum = 10): Promise<void> {
  for (let t = 0; t < ms; t += quantum) {
    clock.advance(quantum);
    await new Promise((r) => setTimeout(r, 1));
  }
}

function tab(hub: MemoryChannelHub, clock: FakeClock, id: string, random = 0.5) {
  const channel = hub.open();
  const roles: string[] = [];
  const election = new ChannelElection({ channel, clock, logger: new CapturingLogger(), tabId: id, random: () => random, onRole: (r) => roles.push(r) });
  return { id, channel, election, roles };
}

const leaders = <T extends { election: ChannelElection }>(tabs: T[]): T[] => tabs.filter((t) => t.election.role === 'leader');

test('tabs that start together agree on exactly one leader', async () => {
  const hub = new MemoryChannelHub();
  const clock = new FakeClock();
  const tabs = ['c', 'a', 'b'].map((id) => tab(hub, clock, id));
  for (const t of tabs) t.election.start();
  await step(clock, 1000);
  assert.deepEqual(
    leaders(tabs).map((t) => t.id),
    ['a'],
    'the smallest id wins a simultaneous claim',
  );
  assert.ok(tabs.filter((t) => t.id !== 'a').every((t) => t.election.role === 'follower'));
  for (const t of tabs) t.election.stop();
});

test('a late tab follows the existing leader', async () => {
  const hub = new MemoryChannelHub();
  const clock = new FakeClock();
  const a = tab(hub, clock, 'z');
  a.election.start();
  await step(clock, 600);
  assert.equal(a.election.role, 'leader');
  const b = tab(hub, clock, 'a');
  b.election.start();
  await step(clock, 2000);
  assert.equal(b.election.role, 'follower');
  assert.equal(a.election.role, 'leader');
  assert.deepEqual(a.roles, ['leader']);
  a.election.stop();
  b.election.stop();
});

test('when the leader resigns, one follower takes over quickly', async () => {
  const hub = new MemoryChannelHub();
  const clock = new FakeClock();
  const tabs = ['a', 'b', 'c'].map((id, i) => tab(hub, clock, id, i / 3));
  for (const t of tabs) t.election.start();
  await step(clock, 1000);
  tabs[0]!.election.stop();
  const resigned = clock.now();
  let tookOver = 0;
  for (let i = 0; i < 300 && leaders(tabs).length === 0; i++) {
    await step(clock, 10);
    tookOver = clock.now() - resigned;
  }
  assert.equal(leaders(tabs).length, 1);
  assert.ok(tookOver < 2000, `took ${tookOver} ms`);
  await step(clock, 1500);
  assert.equal(leaders(tabs).length, 1, 'still exactly one');
  for (const t of tabs) t.election.stop();
});

test('when the leader tab dies silently, a follower takes over within two seconds', async () => {
  const hub = new MemoryChannelHub();
  const clock = new FakeClock();
  const a = tab(hub, clock, 'a');
  const b = tab(hub, clock, 'b');
  a.election.start();
  await step(clock, 600);
  b.election.start();
  await step(clock, 600);
  assert.equal(b.election.role as string, 'follower');
  // The tab is gone: its channel closes before it can resign.
  (a.channel as MemoryChannel).close();
  a.election.stop();
  const died = clock.now();
  while (b.election.role !== 'leader' && clock.now() - died < 3000) await step(clock, 10);
  assert.equal(b.election.role, 'leader');
  assert.ok(clock.now() - died < 2000, `took ${clock.now() - died} ms`);
  b.election.stop();
});

test('a leader that learns another tab led first steps down', async () => {
  const hub = new MemoryChannelHub();
  const clock = new FakeClock();
  const b = tab(hub, clock, 'b');
  b.election.start();
  await step(clock, 600);
  assert.equal(b.election.role, 'leader');
  hub.open().postMessage({ v: 1, t: 'election-lead', from: 'a', since: 0 });
  await step(clock, 20);
  assert.equal(b.election.role, 'follower');
  assert.deepEqual(b.roles, ['leader', 'follower']);
  b.election.stop();
});

test('election messages are validated', () => {
  assert.equal(parseElectionMessage({ v: 1, t: 'election-lead', from: 'a' }), undefined);
  assert.equal(parseElectionMessage({ v: 1, t: 'election-claim', from: 'a', at: 'now' }), undefined);
  assert.equal(parseElectionMessage({ v: 1, t: 'state', from: 'a' }), undefined);
  assert.ok(parseElectionMessage({ v: 1, t: 'election-resign', from: 'a' }));
});

test('takeOver(): a follower leads at once; the leader follows; a stale heartbeat of the old leader does not undo it', async () => {
  const hub = new MemoryChannelHub();
  const clock = new FakeClock();
  const a = tab(hub, clock, 'a');
  const b = tab(hub, clock, 'b');
  a.election.start();
  await step(clock, 600);
  b.election.start();
  await step(clock, 600);
  assert.equal(b.election.role, 'follower');
  // The old leader's heartbeat that crosses the take: `a` still believes it leads when it sends it.
  b.election.takeOver();
  hub.open().postMessage({ v: 1, t: 'election-lead', from: 'a', since: (a.election as unknown as { leaderSince: number }).leaderSince });
  assert.equal(b.election.role, 'leader');
  await step(clock, 3000);
  assert.equal(a.election.role, 'follower');
  assert.equal(b.election.role, 'leader');
  assert.deepEqual(a.roles, ['leader', 'follower']);
  assert.deepEqual(b.roles, ['follower', 'leader']);
  a.election.stop();
  b.election.stop();
});
