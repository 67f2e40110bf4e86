// Minting SIP credentials by Visualforce JavaScript remoting (Salesforce Voice): the call as the
// Visualforce page makes it, Salesforce's success and failure events, and every wrong answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SwitchboardError } from '../../core/index.ts';
import { isResolvedAction, mintByRemoting, remotingManager, REMOTING_TIMEOUT_MS, type RemotingEvent, type RemotingManager } from './visualforce-remoting.ts';

const EXPIRY = 1_767_603_600;
const GOOD = JSON.stringify({ username: `${EXPIRY}:1001`, password: 'c2lnbmVk', extension: '1001', expiresAt: EXPIRY, ttlSeconds: 3600 });

/** A manager that answers each call as Salesforce's does: asynchronously, `(result, event)`. */
function answering(result: unknown, event: RemotingEvent): RemotingManager & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    invokeAction(...args: unknown[]) {
      calls.push(args);
      const callback = args[1] as (r: unknown, e: RemotingEvent) => void;
      setTimeout(() => callback(result, event), 0);
    },
  };
}

const sb30005 = (pattern: RegExp) => (e: unknown) => e instanceof SwitchboardError && e.code === 'SB30005' && pattern.test(e.message);

test("a successful call: the action by its resolved name, unescaped and unbuffered, the answer read into the core's units", async () => {
  const manager = answering(GOOD, { status: true, type: 'rpc', message: '' });
  const minted = await mintByRemoting(manager, 'switchboard.SwitchboardCredentials.mintForVoice');
  assert.deepEqual(minted, { username: `${EXPIRY}:1001`, password: 'c2lnbmVk', extension: '1001', expiresAt: EXPIRY * 1000, ttlSeconds: 3600 });
  assert.equal(manager.calls.length, 1);
  const [action, callback, options] = manager.calls[0]!;
  assert.equal(action, 'switchboard.SwitchboardCredentials.mintForVoice');
  assert.equal(typeof callback, 'function');
  assert.deepEqual(options, { escape: false, buffer: false, timeout: REMOTING_TIMEOUT_MS });
});

test("the Apex method threw: SB30005 with Salesforce's message", async () => {
  const message = 'User agent@example.com has no SIP extension: an admin sets the SIP Extension field (User.SwitchboardExtension__c) on the user record.';
  await assert.rejects(
    mintByRemoting(
      answering(null, { status: false, type: 'exception', message, where: 'Class.SwitchboardCredentials.mint: line 40' }),
      'SwitchboardCredentials.mintForVoice',
    ),
    sb30005(/SwitchboardCredentials\.mintForVoice failed: User agent@example\.com has no SIP extension/),
  );
});

test('a failed call of another kind names the event type; an event without a message says so', async () => {
  await assert.rejects(
    mintByRemoting(answering(undefined, { status: false, type: 'timeout' }), 'SwitchboardCredentials.mintForVoice'),
    sb30005(/failed \(timeout\): no reason given$/),
  );
  await assert.rejects(
    mintByRemoting(answering(GOOD, { status: 'true' }), 'SwitchboardCredentials.mintForVoice'),
    sb30005(/failed \(no event\)/),
    'only status === true is success',
  );
});

test('an answer that is no credential is refused by the shared validation', async () => {
  await assert.rejects(
    mintByRemoting(answering('{"username":"1001"}', { status: true, type: 'rpc' }), 'SwitchboardCredentials.mintForVoice'),
    sb30005(/not a credential/),
  );
  await assert.rejects(
    mintByRemoting(answering(JSON.stringify({ error: 'no secret configured' }), { status: true, type: 'rpc' }), 'SwitchboardCredentials.mintForVoice'),
    sb30005(/no secret configured/),
  );
  // escape: true would have turned the JSON's quotes into &quot;: not JSON any more.
  await assert.rejects(
    mintByRemoting(answering(GOOD.replace(/"/g, '&quot;'), { status: true, type: 'rpc' }), 'SwitchboardCredentials.mintForVoice'),
    sb30005(/not JSON/),
  );
});

test('no usable action: missing, empty or the unrendered Visualforce expression', async () => {
  const manager = answering(GOOD, { status: true, type: 'rpc' });
  await assert.rejects(mintByRemoting(manager, null), sb30005(/names no remote action .*is missing/));
  await assert.rejects(mintByRemoting(manager, ''), sb30005(/is missing/));
  await assert.rejects(mintByRemoting(manager, '{!$RemoteAction.SwitchboardCredentials.mintForVoice}'), sb30005(/is '\{!\$RemoteAction/));
  assert.equal(manager.calls.length, 0, 'nothing is called');
  assert.ok(isResolvedAction('SwitchboardCredentials.mintForVoice'));
  assert.ok(isResolvedAction('ns.SwitchboardCredentials.mintForVoice'));
  assert.ok(!isResolvedAction('a.b.c.d'));
});

test('a manager that throws when called rejects with SB30005', async () => {
  const manager: RemotingManager = {
    invokeAction() {
      throw new Error('No remoting provider for action SwitchboardCredentials.mintForVoice');
    },
  };
  await assert.rejects(mintByRemoting(manager, 'SwitchboardCredentials.mintForVoice'), sb30005(/could not be called: No remoting provider/));
});

test('remotingManager finds Visualforce.remoting.Manager only when it can invoke actions', () => {
  const manager = { invokeAction() {} };
  assert.equal(remotingManager({ Visualforce: { remoting: { Manager: manager } } }), manager);
  assert.equal(remotingManager({}), undefined);
  assert.equal(remotingManager(undefined), undefined);
  assert.equal(remotingManager({ Visualforce: { remoting: { Manager: { invokeAction: 'no' } } } }), undefined);
});
