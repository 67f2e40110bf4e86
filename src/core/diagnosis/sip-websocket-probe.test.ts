import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../testing/index.ts';
import { microphoneFact, probeSipWebSocket, type ProbeSocket } from './sip-websocket-probe.ts';

/** A socket the test drives: open, answer, fail or close it by hand. */
class FakeSocket implements ProbeSocket {
  static last: FakeSocket | undefined;
  onopen: ProbeSocket['onopen'] = null;
  onerror: ProbeSocket['onerror'] = null;
  onclose: ProbeSocket['onclose'] = null;
  onmessage: ProbeSocket['onmessage'] = null;
  sent: string[] = [];
  closed = false;
  constructor(
    readonly url: string,
    readonly protocol: string,
  ) {
    FakeSocket.last = this;
  }
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.closed = true;
  }
}

function start(clock = new FakeClock()) {
  const result = probeSipWebSocket('wss://pbx.example.com/ws', 'pbx.example.com', { WebSocket: FakeSocket, clock, timeoutMs: 5000 });
  return { result, clock, socket: FakeSocket.last! };
}

describe('probeSipWebSocket', () => {
  it('opens with the sip subprotocol, sends an OPTIONS, and answers the status and the round trip', async () => {
    const { result, clock, socket } = start();
    assert.equal(socket.protocol, 'sip');
    socket.onopen?.(undefined);
    assert.match(socket.sent[0]!, /^OPTIONS sip:pbx\.example\.com SIP\/2\.0\r\n/);
    // A page's clock (performance.now) has fractions: the round trip is told in whole milliseconds.
    clock.advance(41.6);
    socket.onmessage?.({ data: 'not SIP' });
    socket.onmessage?.({ data: 'SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n' });
    assert.deepEqual(await result, { outcome: 'answered', status: '200 OK', rttMs: 42 });
    assert.equal(socket.closed, true);
  });

  it('a socket that never opens: unopened on its error, or timed out when nothing comes back', async () => {
    const failed = start();
    failed.socket.onerror?.(undefined);
    assert.deepEqual(await failed.result, { outcome: 'unopened' });
    const waiting = start();
    waiting.clock.advance(5000);
    assert.deepEqual(await waiting.result, { outcome: 'unopened', timedOut: true });
  });

  it('opened but no SIP answer: silent after the wait, or closed by the server', async () => {
    const quiet = start();
    quiet.socket.onopen?.(undefined);
    quiet.clock.advance(5000);
    assert.deepEqual(await quiet.result, { outcome: 'silent', waitedMs: 5000 });
    const closing = start();
    closing.socket.onopen?.(undefined);
    closing.clock.advance(30);
    closing.socket.onclose?.(undefined);
    assert.deepEqual(await closing.result, { outcome: 'silent', waitedMs: 30, closed: true });
  });

  it("a URL the browser refuses to try carries the browser's own error", async () => {
    class Refusing extends FakeSocket {
      constructor(url: string, protocol: string) {
        super(url, protocol);
        throw Object.assign(new Error('An insecure WebSocket connection may not be initiated from a page loaded over HTTPS.'), { name: 'SecurityError' });
      }
    }
    const result = await probeSipWebSocket('ws://pbx.example.com/ws', 'pbx.example.com', { WebSocket: Refusing, clock: new FakeClock() });
    assert.deepEqual(result, {
      outcome: 'unopened',
      refused: 'SecurityError: An insecure WebSocket connection may not be initiated from a page loaded over HTTPS.',
    });
  });
});

describe('microphoneFact', () => {
  const nav = (state: 'granted' | 'denied' | 'prompt' | Error) => ({
    mediaDevices: { getUserMedia: () => undefined },
    permissions: {
      query: async () => {
        if (state instanceof Error) throw state;
        return { state };
      },
    },
  });
  it('reads the permission; unavailable outside a secure context or without getUserMedia; prompt when the browser cannot say', async () => {
    assert.equal(await microphoneFact(nav('granted'), true), 'granted');
    assert.equal(await microphoneFact(nav('denied'), true), 'denied');
    assert.equal(await microphoneFact(nav('granted'), false), 'unavailable');
    assert.equal(await microphoneFact({ permissions: nav('granted').permissions }, true), 'unavailable');
    assert.equal(await microphoneFact(nav(new TypeError('microphone is not a valid permission name')), true), 'prompt');
    assert.equal(await microphoneFact({ mediaDevices: { getUserMedia: () => undefined } }, true), 'prompt');
  });
});
