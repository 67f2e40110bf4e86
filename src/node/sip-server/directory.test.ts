import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Directory } from './directory.ts';

const directory = (anyUser = false): Directory =>
  new Directory({
    domain: 'Switchboard.TEST',
    hosts: ['127.0.0.1', 'PBX.example'],
    users: [{ username: '1001', password: 'secret' }],
    guests: ['customer'],
    ringGroups: { support: ['1001', 'sip:1002@elsewhere'] },
    anyUser,
  });

describe('directory of the embedded SIP server', () => {
  test('addresses of record are on the domain (lower-cased), whatever host a user was written with', () => {
    const d = directory();
    assert.equal(d.domain, 'switchboard.test');
    assert.equal(d.aorOf('1001'), 'sip:1001@switchboard.test');
    assert.equal(d.aorOf('sips:1002@other.example'), 'sip:1002@switchboard.test');
    assert.deepEqual(d.ringGroup('support'), ['sip:1001@switchboard.test', 'sip:1002@switchboard.test']);
    assert.equal(d.ringGroup('sales'), undefined);
    assert.deepEqual(d.ringGroupNames, ['support']);
  });

  test('local hosts: the domain, the configured names (any case), bracketed IPv6, and names added later', () => {
    const d = directory();
    for (const host of ['switchboard.test', 'SWITCHBOARD.test', '127.0.0.1', 'pbx.example']) assert.ok(d.isLocalHost(host), host);
    assert.equal(d.isLocalHost('elsewhere.example'), false);
    assert.equal(d.isLocalHost(undefined), false);
    assert.equal(d.isLocalHost('[::1]'), false);
    d.addLocalHost('::1');
    assert.ok(d.isLocalHost('[::1]'));
  });

  test('users, guests and groups are known; a new user list replaces the old one', () => {
    const d = directory();
    assert.equal(d.passwordOf('1001'), 'secret');
    assert.equal(d.passwordOf('customer'), undefined, 'a guest has no password');
    assert.ok(d.isGuest('customer'));
    assert.equal(d.isGuest('1001'), false);
    for (const user of ['1001', 'customer', 'support']) assert.ok(d.isKnownUser(user), user);
    assert.equal(d.isKnownUser('1003'), false);
    d.setUsers([{ username: '1003', password: 'other' }]);
    assert.equal(d.passwordOf('1001'), undefined);
    assert.ok(d.isKnownUser('1003'));
  });

  test('under short-lived credentials any non-empty user name may be signed in', () => {
    const d = directory(true);
    assert.ok(d.isKnownUser('4711'));
    assert.equal(d.isKnownUser(''), false);
  });
});
