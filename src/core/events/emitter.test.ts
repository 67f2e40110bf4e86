import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Emitter } from './emitter.ts';

type Events = { ringing: [id: string]; ended: [id: string, reason: 'a' | 'b']; empty: [] };

describe('Emitter', () => {
  it('delivers typed arguments to every listener in order of subscription', () => {
    const e = new Emitter<Events>();
    const seen: string[] = [];
    e.on('ended', (id, reason) => seen.push(`1:${id}:${reason}`));
    e.on('ended', (id, reason) => seen.push(`2:${id}:${reason}`));
    e.on('empty', () => seen.push('empty'));
    e.emit('ended', 'c1', 'b');
    e.emit('empty');
    e.emit('ringing', 'nobody listens');
    assert.deepEqual(seen, ['1:c1:b', '2:c1:b', 'empty']);
  });

  it('a throwing listener is reported and does not stop the others or the emitter', () => {
    const reported: [string, unknown][] = [];
    const e = new Emitter<Events>((event, error) => reported.push([event, error]));
    const seen: string[] = [];
    const boom = new Error('listener bug');
    e.on('ringing', () => {
      throw boom;
    });
    e.on('ringing', (id) => seen.push(id));
    e.emit('ringing', 'c1');
    e.emit('ringing', 'c2');
    assert.deepEqual(seen, ['c1', 'c2']);
    assert.deepEqual(reported, [
      ['ringing', boom],
      ['ringing', boom],
    ]);
  });

  it('the default error callback swallows listener errors', () => {
    const e = new Emitter<Events>();
    e.on('ringing', () => {
      throw new Error('x');
    });
    assert.doesNotThrow(() => e.emit('ringing', 'c1'));
  });

  it('on returns an unsubscribe function; off removes; both are idempotent', () => {
    const e = new Emitter<Events>();
    const seen: string[] = [];
    const a = (id: string) => seen.push(`a${id}`);
    const b = (id: string) => seen.push(`b${id}`);
    const offA = e.on('ringing', a);
    e.on('ringing', b);
    assert.equal(e.listenerCount('ringing'), 2);
    offA();
    offA();
    e.emit('ringing', '1');
    e.off('ringing', b);
    e.off('ringing', b);
    e.emit('ringing', '2');
    assert.deepEqual(seen, ['b1']);
    assert.equal(e.listenerCount('ringing'), 0);
  });

  it('removing a listener during emit: the current round still reaches everyone subscribed at its start', () => {
    const e = new Emitter<Events>();
    const seen: string[] = [];
    let offB: () => void = () => {};
    e.on('ringing', (id) => {
      seen.push(`a${id}`);
      offB();
    });
    offB = e.on('ringing', (id) => seen.push(`b${id}`));
    e.emit('ringing', '1');
    e.emit('ringing', '2');
    assert.deepEqual(seen, ['a1', 'b1', 'a2']);
  });

  it('a listener that unsubscribes itself runs once; one added during emit waits for the next round', () => {
    const e = new Emitter<Events>();
    const seen: string[] = [];
    const off = e.on('ringing', (id) => {
      seen.push(`once${id}`);
      off();
      e.on('ringing', (id2) => seen.push(`late${id2}`));
    });
    e.emit('ringing', '1');
    e.emit('ringing', '2');
    assert.deepEqual(seen, ['once1', 'late2']);
  });

  it('the same function subscribed twice is one listener', () => {
    const e = new Emitter<Events>();
    let n = 0;
    const l = () => {
      n++;
    };
    e.on('empty', l);
    e.on('empty', l);
    e.emit('empty');
    assert.equal(n, 1);
  });

  it('removeAllListeners silences every event', () => {
    const e = new Emitter<Events>();
    let n = 0;
    e.on('empty', () => {
      n++;
    });
    e.on('ringing', () => {
      n++;
    });
    e.removeAllListeners();
    e.emit('empty');
    e.emit('ringing', 'x');
    assert.equal(n, 0);
  });
});
