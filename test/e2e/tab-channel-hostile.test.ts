/**
 * Hostile: a page of the softphone's own origin that is not the softphone (here a page the
 * emulator serves on the Visualforce origin, as another Visualforce page of the org would be)
 * opens the channel name it can guess, says `hello` and forges a `dial`. It must hear nothing (no
 * state, no credentials) and the phone must not dial. The softphone's own tabs talk on a channel
 * whose name carries the session secret; every message they post or hear is recorded, and none
 * carries the agent's SIP password.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_AGENTS } from '../../src/node/demo/demo-phone-system.ts';
import { openAgentConsole, startHarness, waitRegistered, waitUntil, type AgentConsole, type Harness } from './harness.ts';
import { RECORD_CHANNELS, type ChannelRecord } from '../support/channel-recorder.ts';

describe("the tabs' channel against a foreign page of the same origin", { concurrency: false }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h?.close());

  test('a foreign page gets no state and no credentials, and its forged dial is not carried out', { timeout: 120_000 }, async () => {
    const context = await h.browser.newContext({ ignoreHTTPSErrors: true });
    await context.addInitScript(RECORD_CHANNELS);
    // The credentials the leader signs in with: minted by Salesforce (runApex), different every time.
    const minted: { username: string; password: string }[] = [];
    context.on('response', (response) => {
      if (!response.url().includes('/opencti/runApex')) return;
      void response
        .json()
        .then((reply: { returnValue?: { runApex?: unknown } }) => {
          const value = reply.returnValue?.runApex;
          const parsed = typeof value === 'string' && value.startsWith('{') ? (JSON.parse(value) as { username?: unknown; password?: unknown }) : {};
          if (typeof parsed.username === 'string' && typeof parsed.password === 'string') minted.push({ username: parsed.username, password: parsed.password });
        })
        .catch(() => undefined);
    });
    const tabs: AgentConsole[] = [];
    for (let i = 0; i < 2; i++) tabs.push(await openAgentConsole(h, { context }));
    await waitRegistered(h);
    const followerOf = async (t: AgentConsole) => (await t.phone.getByText(/active in another Salesforce tab/).count()) > 0;
    await waitUntil(async () => (await Promise.all(tabs.map(followerOf))).filter(Boolean).length === 1, 15_000, 'one tab follows');
    const isFollower = await Promise.all(tabs.map(followerOf));
    const follower = tabs[isFollower.indexOf(true)]!;
    const leader = tabs[isFollower.indexOf(false)]!;
    const frameOf = (t: AgentConsole) => t.page.frames().find((f) => f.url().startsWith(`${h.console.vfOrigin}/softphone/`));
    const leaderFrame = frameOf(leader);
    const followerFrame = frameOf(follower);
    assert.ok(leaderFrame && followerFrame, 'both softphone frames are found');
    await followerFrame.waitForFunction('window.__channelLog.some((m) => m.dir === "in" && m.json.includes("\\"registered\\""))', undefined, {
      timeout: 10_000,
    });

    // The foreign page: same origin as the softphone frames, not the softphone.
    const foreign = await context.newPage();
    await foreign.goto(`${h.console.vfOrigin}/softphone/not-the-softphone`);
    assert.equal(new URL(foreign.url()).origin, h.console.vfOrigin);
    await foreign.evaluate(`(() => {
      const channel = new BroadcastChannel('switchboard-softphone');
      window.__foreignHeard = [];
      channel.addEventListener('message', (e) => window.__foreignHeard.push(JSON.stringify(e.data)));
      channel.postMessage({ v: 1, t: 'hello', from: 'evil' });
      channel.postMessage({ v: 1, t: 'command', from: 'evil', id: 'e1', command: { type: 'dial', number: '+19005550100' } });
      window.__foreignChannel = channel;
    })()`);

    // Barrier: a legitimate command from the follower after the forged one; once the leader has
    // carried it out and the follower has heard the resulting state, the forged dial had its chance.
    await followerFrame.evaluate(`window.switchboard.host.execute({ type: 'set-presence', status: 'away', reasonId: 'Break' })`).catch(() => {});
    await waitUntil(
      async () => (await followerFrame.evaluate('window.__channelLog.some((m) => m.dir === "in" && m.json.includes("\\"Break\\""))')) === true,
      10_000,
      'the follower hears the presence change',
    );
    // Calls and recent calls both: a dial to a number nobody answers ends at once, but stays in recent.
    const dialled = (await leaderFrame.evaluate(
      '[...window.switchboard.host.state.calls, ...window.switchboard.host.state.recent].map((c) => c.remote.number)',
    )) as string[];
    assert.deepEqual(
      dialled.filter((n) => n.includes('9005550100')),
      [],
      'the forged dial was not carried out',
    );
    assert.deepEqual(await foreign.evaluate('window.__foreignHeard'), [], 'the foreign page heard nothing: no state, no credentials, no result');

    const logs = [
      ...((await leaderFrame.evaluate('window.__channelLog')) as ChannelRecord[]),
      ...((await followerFrame.evaluate('window.__channelLog')) as ChannelRecord[]),
    ];
    const names = [...new Set(logs.map((m) => m.name))];
    assert.ok(
      names.every((n) => /^switchboard-softphone\.[0-9a-f]{32}$/.test(n)),
      `the tabs' channel name carries the secret: ${names.join(', ')}`,
    );
    assert.ok(minted.length > 0, 'the leader signed in with credentials minted through runApex (so there is something to look for)');
    const secrets = [...minted.flatMap((c) => [c.password, c.username]), DEMO_AGENTS[0]!.password];
    assert.deepEqual(
      logs.filter((m) => m.json.includes('"credentials"') || secrets.some((secret) => m.json.includes(secret))),
      [],
      'no message carries SIP credentials: neither the minted username and password nor the demo password',
    );
    await context.close();
  });
});
