import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QualityMonitor, sampleQuality } from './quality-monitor.ts';
import { FakeClock } from '../../core/testing/index.ts';

/** A stats report as Chromium gives it: a map of stats objects. */
function report(entries: Record<string, unknown>[]): RTCStatsReport {
  return new Map(entries.map((e, i) => [String(i), e])) as unknown as RTCStatsReport;
}

test('loss is computed over the interval since the previous sample; jitter and RTT in ms', () => {
  const first = sampleQuality(
    report([
      { type: 'inbound-rtp', kind: 'audio', packetsReceived: 1000, packetsLost: 0, jitter: 0.004 },
      { type: 'remote-inbound-rtp', roundTripTime: 0.05 },
    ]),
    undefined,
  );
  assert.deepEqual({ ...first!.quality, mos: 0 }, { packetLossPercent: 0, jitterMs: 4, roundTripMs: 50, mos: 0 });
  const second = sampleQuality(
    report([
      { type: 'inbound-rtp', kind: 'audio', packetsReceived: 1190, packetsLost: 10, jitter: 0.02 },
      { type: 'candidate-pair', nominated: true, currentRoundTripTime: 0.1 },
    ]),
    first!.counters,
  );
  assert.equal(second!.quality.packetLossPercent, 5);
  assert.equal(second!.quality.jitterMs, 20);
  assert.equal(second!.quality.roundTripMs, 100);
  assert.ok(second!.quality.mos < first!.quality.mos);
});

test('no inbound audio yet gives no sample', () => {
  assert.equal(sampleQuality(report([{ type: 'outbound-rtp', kind: 'audio' }]), undefined), undefined);
});

test('the monitor samples on the injected clock and stops cleanly', async () => {
  const clock = new FakeClock();
  let received = 100;
  const pc = {
    connectionState: 'connected',
    getStats: async () => report([{ type: 'inbound-rtp', kind: 'audio', packetsReceived: (received += 100), packetsLost: 0, jitter: 0.001 }]),
  } as unknown as RTCPeerConnection;
  const seen: number[] = [];
  const monitor = new QualityMonitor(
    clock,
    { log: () => {} },
    () => pc,
    (q) => seen.push(q.mos),
    1000,
  );
  monitor.start();
  for (let i = 0; i < 3; i++) {
    clock.advance(1000);
    await new Promise((r) => setImmediate(r));
  }
  assert.equal(seen.length, 3);
  monitor.stop();
  assert.equal(clock.pending, 0, 'no timer left after stop');
});

test('an outage is reported at once and on every tick instead of the (empty) stats; its end is sampled at once', async () => {
  const clock = new FakeClock();
  let received = 100;
  const pc = {
    connectionState: 'connected',
    getStats: async () => report([{ type: 'inbound-rtp', kind: 'audio', packetsReceived: (received += 100), packetsLost: 0, jitter: 0.001 }]),
  } as unknown as RTCPeerConnection;
  const seen: number[] = [];
  const monitor = new QualityMonitor(
    clock,
    { log: () => {} },
    () => pc,
    (q) => seen.push(q.packetLossPercent),
    1000,
  );
  monitor.start();
  const tick = async (): Promise<void> => {
    clock.advance(1000);
    await new Promise((r) => setImmediate(r));
  };
  monitor.setOutage(true);
  assert.deepEqual(seen, [100], 'reported at once');
  await tick();
  await tick();
  assert.deepEqual(seen, [100, 100, 100], 'and on every tick, not as a 0 % loss sample');
  monitor.setOutage(false);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(seen, [100, 100, 100, 0], 'the end of the outage sampled at once');
  monitor.stop();
});
