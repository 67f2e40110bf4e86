// The engine's calls on hand-made calls: which one the panel shows, and whose records are whose.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Call } from '../call/call.ts';
import type { RecordRef } from '../call/call-types.ts';
import { SwitchboardError } from '../errors/catalog.ts';
import { CallBoard } from './call-board.ts';

const ACME: RecordRef = { id: '001000000000001AAA', objectType: 'Account', name: 'Acme' };

const offered = (id: string) => new Call({ id, direction: 'inbound', origin: 'offered', remote: { number: '+14155550134' }, at: 0 });

describe('CallBoard', () => {
  it('shows the talking call first, then one being dialled, offered, held', () => {
    const board = new CallBoard();
    const held = offered('held');
    held.transition('active', 1, 'answered');
    held.transition('held', 2, 'hold');
    board.set(held);
    assert.equal(board.active(), 'held');
    board.set(offered('ringing'));
    assert.equal(board.active(), 'ringing');
    board.set(new Call({ id: 'dialled', direction: 'outbound', origin: 'dialed', remote: { number: '1002' }, at: 3 }));
    assert.equal(board.active(), 'dialled');
    held.transition('active', 4, 'resumed');
    assert.equal(board.active(), 'held');
    assert.deepEqual(
      board
        .live()
        .map((c) => c.id)
        .sort(),
      ['dialled', 'held', 'ringing'],
    );
    assert.equal(board.inConversation('held'), true);
    assert.equal(board.inConversation('dialled'), true);
  });

  it('refuses a command on a call it does not hold, or in a state the command does not take', () => {
    const board = new CallBoard();
    board.set(offered('c1'));
    assert.throws(
      () => board.require('nope'),
      (e: SwitchboardError) => e.code === 'SB20006',
    );
    assert.throws(
      () => board.require('c1', ['active']),
      (e: SwitchboardError) => e.code === 'SB40001' && /offering/.test(e.message),
    );
    assert.equal(board.require('c1', ['offering']).id, 'c1');
  });

  it("knows a record as another call's while that call is up, and after it ended only since the time asked", () => {
    const board = new CallBoard();
    const other = offered('other');
    other.relate(ACME);
    board.set(other);
    board.set(offered('mine'));
    assert.equal(board.belongsToAnotherCall(ACME.id, 'mine', []), true);
    assert.equal(board.belongsToAnotherCall(ACME.id, 'other', []), false);
    other.end('remote-hangup', 100);
    const ended = other.snapshot();
    board.delete('other');
    assert.equal(board.belongsToAnotherCall(ACME.id, 'mine', [ended]), true, 'no time bound: any ended call');
    assert.equal(board.belongsToAnotherCall(ACME.id, 'mine', [ended], 100), true);
    assert.equal(board.belongsToAnotherCall(ACME.id, 'mine', [ended], 101), false);
  });
});
