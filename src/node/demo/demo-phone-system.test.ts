import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_AGENTS, demoConnectorItems, demoSipSecret } from './demo-phone-system.ts';

test('the ephemeral demo call center carries no SIP user or password, and lists every agent', () => {
  const items = demoConnectorItems('ws://127.0.0.1:5066', { ephemeral: true });
  assert.deepEqual(items, {
    sipWebSocketUrl: 'ws://127.0.0.1:5066',
    sipDomain: 'localhost',
    credentialScheme: 'ephemeral',
    directory: '1001:Ada Agent;1002:Bob Backup;1003:Cara Cover',
  });
});

test('the static demo call center is marked as a demo, since it holds a shared password', () => {
  const items = demoConnectorItems('ws://127.0.0.1:5066', { ephemeral: false, agent: DEMO_AGENTS[0]! });
  assert.equal(items.sipUsername, '1001');
  assert.equal(items.demoCallCenter, 'true');
  assert.equal(items.credentialScheme, undefined);
});

test('each run gets its own secret', () => {
  const a = demoSipSecret();
  assert.match(a, /^[\w-]{43}$/);
  assert.notEqual(a, demoSipSecret());
});
