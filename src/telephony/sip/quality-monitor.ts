/**
 * Call quality from RTCPeerConnection.getStats, sampled every few seconds: packet loss over the
 * last interval, jitter and round-trip time, and a MOS estimate (./mos.ts). While the media path
 * is interrupted (./media-watch.ts) it reports an outage instead: nothing arrives, which a sample
 * would read as "no loss" (a held call receives nothing either, so the stats alone cannot tell).
 */
import type { CallQuality, Clock, Logger } from '../../core/index.ts';
import { qualityOf } from './mos.ts';

export const QUALITY_INTERVAL_MS = 5000;

/** What an interrupted media path sounds like: everything lost (MOS 1). */
export const OUTAGE_QUALITY: CallQuality = qualityOf(100, 0, 0);

interface Counters {
  received: number;
  lost: number;
}

/** Reads one sample from a stats report; `previous` makes loss a per-interval figure. */
export function sampleQuality(report: RTCStatsReport, previous: Counters | undefined): { quality: CallQuality; counters: Counters } | undefined {
  let received = 0,
    lost = 0,
    jitter = 0,
    rtt: number | undefined,
    sawInbound = false;
  report.forEach((s: Record<string, unknown>) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      sawInbound = true;
      received += Number(s.packetsReceived ?? 0);
      lost += Math.max(0, Number(s.packetsLost ?? 0));
      jitter = Math.max(jitter, Number(s.jitter ?? 0) * 1000);
    } else if (s.type === 'remote-inbound-rtp' && typeof s.roundTripTime === 'number') {
      rtt = s.roundTripTime * 1000;
    } else if (s.type === 'candidate-pair' && s.nominated && typeof s.currentRoundTripTime === 'number' && rtt === undefined) {
      rtt = s.currentRoundTripTime * 1000;
    }
  });
  if (!sawInbound) return undefined;
  const dReceived = received - (previous?.received ?? 0);
  const dLost = lost - (previous?.lost ?? 0);
  const total = dReceived + dLost;
  const loss = total > 0 ? (100 * dLost) / total : 0;
  return { quality: qualityOf(loss, jitter, rtt ?? 0), counters: { received, lost } };
}

export class QualityMonitor {
  private cancel: (() => void) | undefined;
  private previous: Counters | undefined;
  private outage = false;

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly peerConnection: () => RTCPeerConnection | undefined,
    private readonly report: (quality: CallQuality) => void,
    private readonly intervalMs = QUALITY_INTERVAL_MS,
  ) {}

  start(): void {
    if (this.cancel) return;
    const tick = (): void => {
      this.cancel = this.clock.setTimeout(tick, this.intervalMs);
      this.sample();
    };
    this.cancel = this.clock.setTimeout(tick, this.intervalMs);
  }

  /**
   * The media path stopped (true) or came back (false). An outage is reported at once and on every
   * tick while it lasts; the end of one is sampled at once, so the indicator does not wait a tick.
   */
  setOutage(outage: boolean): void {
    if (this.outage === outage) return;
    this.outage = outage;
    this.sample();
  }

  private sample(): void {
    if (this.outage) {
      this.report(OUTAGE_QUALITY);
      return;
    }
    const pc = this.peerConnection();
    if (!pc || pc.connectionState === 'closed') return;
    pc.getStats().then(
      (stats) => {
        // An outage that began while getStats ran wins over the stale sample.
        if (this.outage || !this.cancel) return;
        const sample = sampleQuality(stats, this.previous);
        if (!sample) return;
        this.previous = sample.counters;
        this.report(sample.quality);
      },
      (e) => this.logger.log('debug', 'getStats failed', { error: String(e) }),
    );
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }
}
