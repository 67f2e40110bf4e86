/**
 * Call quality estimate: a simplified ITU-T G.107 E-model, as commonly used by WebRTC monitors.
 *
 * effective latency = RTT/2 + 2 × jitter + 10 ms (codec)
 * R = 93.2 − delay impairment − 2.5 × loss%
 *   delay impairment = latency/40 below 160 ms, (latency − 120)/10 above
 * MOS = 1 + 0.035 R + 7e-6 R (R − 60)(100 − R), clamped to [1, 4.5].
 */
import type { CallQuality } from '../../core/index.ts';

export function estimateMos(packetLossPercent: number, jitterMs: number, roundTripMs: number): number {
  const latency = Math.max(0, roundTripMs) / 2 + 2 * Math.max(0, jitterMs) + 10;
  const delayImpairment = latency < 160 ? latency / 40 : (latency - 120) / 10;
  const r = Math.min(100, Math.max(0, 93.2 - delayImpairment - 2.5 * Math.max(0, packetLossPercent)));
  const mos = 1 + 0.035 * r + 0.000007 * r * (r - 60) * (100 - r);
  return Math.round(Math.min(4.5, Math.max(1, mos)) * 100) / 100;
}

export function qualityOf(packetLossPercent: number, jitterMs: number, roundTripMs: number): CallQuality {
  return {
    packetLossPercent: Math.round(packetLossPercent * 100) / 100,
    jitterMs: Math.round(jitterMs * 10) / 10,
    roundTripMs: Math.round(roundTripMs * 10) / 10,
    mos: estimateMos(packetLossPercent, jitterMs, roundTripMs),
  };
}
