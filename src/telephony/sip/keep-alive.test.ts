// The keep-alive's rules on a stand-in WebSocket (the real one, through a proxy that drops idle
// connections: test/telephony/keep-alive.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CapturingLogger, FakeClock } from '../../core/testing/index.ts';
import { KeepAlive, PING, type KeepAliveSocket } from './keep-alive.ts';

/** A WebSocket stand-in: records what is sent and closed; `receive` plays a frame from the server. */
class StandIn extends EventTarget {
  readyState = 1;
  readonly sent: string[] = [];
  readonly closed: { code?: number; reason?: string }[] = [];
  readonly closeEvents: Event[] = [];

  constructor() {
    super();
    this.addEventListener('close', (e) => this.closeEvents.push(e));
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closed.push({ code, reason });
    this.readyState = 2;
  }

  receive(data: string): void {
    this.dispatchEvent(Object.assign(new Event('message'), { data }));
  }
}

function setup(intervalSeconds: number, random = 1) {
  const clock = new FakeClock();
  const logger = new CapturingLogger();
  const socket = new StandIn();
  const keepAlive = new KeepAlive(clock, logger, { intervalSeconds, random: () => random });
  keepAlive.attach(socket as unknown as KeepAliveSocket);
  return { clock, logger, socket, keepAlive };
}

test('sends a CRLF ping every interval, spread over 80-100 % of it', () => {
  const late = setup(2, 1);
  late.clock.advance(1999);
  assert.deepEqual(late.socket.sent, []);
  late.clock.advance(1);
  assert.deepEqual(late.socket.sent, [PING]);
  late.clock.advance(2000);
  assert.deepEqual(late.socket.sent, [PING, PING]);

  const early = setup(2, 0);
  early.clock.advance(1600);
  assert.deepEqual(early.socket.sent, [PING]);
});

test('keeps pinging a server that never answers, and never calls its connection dead', () => {
  const { clock, socket } = setup(1);
  clock.advance(120_000);
  assert.equal(socket.sent.length, 120);
  assert.deepEqual(socket.closed, []);
});

test('once the server answered a ping, one left unanswered for 10 s closes the socket and reports it closed', () => {
  const { clock, socket, logger } = setup(1);
  clock.advance(1000);
  socket.receive('\r\n');
  clock.advance(1000); // the ping the server will not answer
  clock.advance(9999);
  assert.deepEqual(socket.closed, []);
  clock.advance(1);
  assert.deepEqual(socket.closed, [{ code: 4000, reason: 'keep-alive unanswered' }]);
  assert.equal(socket.closeEvents.length, 1, 'the transport must learn at once, not after the closing handshake');
  assert.ok(logger.entries.some((e) => /keep-alive ping unanswered/.test(e.message)));
  const pings = socket.sent.length;
  clock.advance(10_000);
  assert.equal(socket.sent.length, pings, 'no pings after the connection was given up');
});

test('any frame from the server within the wait shows the flow is alive', () => {
  const { clock, socket } = setup(1);
  clock.advance(1000);
  socket.receive('\r\n');
  for (let i = 0; i < 30; i++) {
    clock.advance(1000);
    // A SIP request (or a pong) keeps arriving now and then: never dead.
    if (i % 5 === 0) socket.receive('OPTIONS sip:1001@127.0.0.1 SIP/2.0\r\n\r\n');
  }
  assert.deepEqual(socket.closed, []);
});

test('interval 0 sends nothing; detach stops the pings', () => {
  const off = setup(0);
  assert.equal(off.keepAlive.enabled, false);
  off.clock.advance(600_000);
  assert.deepEqual(off.socket.sent, []);

  const on = setup(1);
  on.clock.advance(1000);
  on.keepAlive.detach();
  on.clock.advance(60_000);
  assert.deepEqual(on.socket.sent, [PING]);
});

test('a socket that closes stops the pings', () => {
  const { clock, socket } = setup(1);
  socket.readyState = 3;
  socket.dispatchEvent(new Event('close'));
  clock.advance(60_000);
  assert.deepEqual(socket.sent, []);
});

test('refuses a negative or non-numeric interval', () => {
  const clock = new FakeClock();
  const logger = new CapturingLogger();
  assert.throws(() => new KeepAlive(clock, logger, { intervalSeconds: -1 }), /non-negative number of seconds, got -1/);
  assert.throws(() => new KeepAlive(clock, logger, { intervalSeconds: Number.NaN }), /got NaN/);
});
