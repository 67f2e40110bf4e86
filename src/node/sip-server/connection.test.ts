import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { WebSocket } from 'ws';
import { ConnectionTable, SipConnection, type HostOwner } from './connection.ts';

let nextId = 1;
function connection(): SipConnection {
  const socket = { readyState: 1, OPEN: 1, send() {}, close() {}, terminate() {} } as unknown as WebSocket;
  return new SipConnection(nextId++, socket, 'test', () => {});
}

const agent: HostOwner = { aor: 'sip:1001@d', guest: false };
const colleague: HostOwner = { aor: 'sip:1002@d', guest: false };
const guest: HostOwner = { aor: 'sip:customer@d', guest: true };

function close(table: ConnectionTable, c: SipConnection): void {
  c.closed = true;
  table.remove(c);
}

describe('host ownership in the connection table', () => {
  test('nobody else takes a live host; the same user may move it to a new socket', () => {
    const table = new ConnectionTable();
    const a1 = connection();
    const g = connection();
    const a2 = connection();
    assert.equal(table.learnHost('ua.invalid', a1, agent), true);
    assert.equal(table.learnHost('UA.invalid', g, guest), false);
    assert.equal(table.learnHost('ua.invalid', g, colleague), false);
    assert.equal(table.byHostName('ua.invalid'), a1);
    assert.equal(table.learnHost('ua.invalid', a2, agent), true);
    assert.equal(table.byHostName('ua.invalid'), a2);
  });

  test("a password user keeps a host after its socket closed; a guest's host is free once it left", () => {
    const table = new ConnectionTable();
    const a = connection();
    table.learnHost('agent.invalid', a, agent);
    close(table, a);
    assert.equal(table.byHostName('agent.invalid'), undefined);
    assert.equal(table.ownerOf('agent.invalid', connection(), guest), agent.aor);
    assert.equal(table.learnHost('agent.invalid', connection(), colleague), false);
    assert.equal(table.learnHost('agent.invalid', connection(), agent), true);

    const g = connection();
    table.learnHost('guest.invalid', g, guest);
    close(table, g);
    assert.equal(table.learnHost('guest.invalid', connection(), colleague), true);
  });

  test('claims are bounded, and the claims of open sockets are never the ones forgotten', () => {
    const table = new ConnectionTable(3);
    const live = connection();
    table.learnHost('live.invalid', live, agent);
    for (let i = 0; i < 20; i++) {
      const c = connection();
      table.learnHost(`gone-${i}.invalid`, c, colleague);
      close(table, c);
    }
    assert.equal(table.claimCount, 3);
    assert.equal(table.ownerOf('live.invalid', connection(), guest), agent.aor);
    assert.equal(table.ownerOf('gone-19.invalid', connection(), guest), colleague.aor);
    assert.equal(table.ownerOf('gone-0.invalid', connection(), guest), undefined, 'the oldest claim was forgotten');
  });
});
