/**
 * What the calls do by themselves (a caller ringing, hanging up, a consulted colleague answering,
 * the line getting worse), published to Salesforce Voice from the engine's lifecycle events.
 *
 * Salesforce's rule is that a method's result is the event ("return a promise with the result;
 * don't publish the event yourself"): the lifecycle events a method causes are therefore expected
 * (`expect`) while it runs and not published again.
 */
import { isLive, type CallLifecycleEvent, type CallSnapshot, type EngineHandle, type Logger } from '../../core/index.ts';
import { callInfoOf, holdResultOf, toPhoneCall, voiceCallIdOf } from './phone-call.ts';
import { publishEvent, scv, SCV } from './scv.ts';

export interface CallEventPublisherOptions {
  readonly logger: Logger;
  /** The engine the connector drives; throws while the connector has not started. */
  readonly engine: () => EngineHandle;
}

export class CallEventPublisher {
  private readonly expected = new Map<string, number>();
  /** Calls whose audio stats were published (their completion is reported when they end). */
  private readonly statsSent = new Map<string, unknown>();
  private qualityFollowed = false;

  constructor(private readonly options: CallEventPublisherOptions) {}

  /**
   * Marks lifecycle events (type:callId, or type:* for any call) as a running method's own result,
   * not to be published; the returned function ends that (events that did not come are forgotten).
   */
  expect(keys: readonly string[]): () => void {
    for (const key of keys) this.expected.set(key, (this.expected.get(key) ?? 0) + 1);
    return () => {
      for (const key of keys) {
        const left = (this.expected.get(key) ?? 1) - 1;
        if (left > 0) this.expected.set(key, left);
        else this.expected.delete(key);
      }
    };
  }

  onLifecycle(event: CallLifecycleEvent): void {
    if (event.type === 'ended' || event.type === 'participant-removed') this.completeStats(event.call);
    if (this.consume(`${event.type}:${event.call.id}`) || this.consumeAny(event)) return;
    const call = event.call;
    switch (event.type) {
      case 'started':
        // A call a reload took back: Salesforce replays it from getActiveCalls (AGENT_AVAILABLE).
        if (event.restored) return;
        if (call.origin === 'offered' && !voiceCallIdOf(call)) {
          this.options.logger.log('warn', 'inbound call without X-Salesforce-VoiceCall-Id: Salesforce has no VoiceCall for it', { callId: call.id });
        }
        return this.publish(SCV.EVENT_TYPE.CALL_STARTED, new scv.CallResult({ call: toPhoneCall(call) }));
      case 'connected':
        return this.publish(SCV.EVENT_TYPE.CALL_CONNECTED, new scv.CallResult({ call: toPhoneCall(call) }));
      case 'hold':
        return this.publish(SCV.EVENT_TYPE.HOLD_TOGGLE, holdResultOf(this.options.engine().state));
      case 'mute':
        return this.publish(SCV.EVENT_TYPE.MUTE_TOGGLE, new scv.MuteToggleResult({ isMuted: event.muted }));
      case 'participant-added':
        return this.publish(SCV.EVENT_TYPE.PARTICIPANT_ADDED, this.participant(call, false));
      case 'participant-connected':
        return this.publish(SCV.EVENT_TYPE.PARTICIPANT_CONNECTED, this.participant(call, false));
      case 'participant-removed':
        // The base library turns this into HANGUP when no call is left.
        return this.publish(SCV.EVENT_TYPE.PARTICIPANT_REMOVED, new scv.CallResult({ call: toPhoneCall(call) }));
      case 'conferenced':
        return this.publish(SCV.EVENT_TYPE.PARTICIPANTS_CONFERENCED, holdResultOf(this.options.engine().state));
      case 'ended':
        return this.publish(SCV.EVENT_TYPE.HANGUP, new scv.HangupResult({ calls: [toPhoneCall(call)] }));
      case 'wrap-up-started':
        return this.afterCallWork(call);
      case 'wrap-up-ended':
        return this.publish(SCV.EVENT_TYPE.WRAP_UP_ENDED, { callId: call.id });
    }
  }

  afterCallWork(call: CallSnapshot): void {
    this.publish(SCV.EVENT_TYPE.AFTER_CALL_WORK_STARTED, { callId: call.id });
  }

  /** Quality changes come with no lifecycle event: the connector follows the state for them. */
  followQuality(): void {
    if (this.qualityFollowed) return;
    this.qualityFollowed = true;
    this.options.engine().onChange((state) => {
      for (const call of state.calls) this.publishStats(call);
    });
  }

  /**
   * Call quality as the telephony adapter measures it (RTP stats → loss, jitter, round trip), as
   * audio stats: the base library averages them and reports the call's MOS when the call ends.
   */
  private publishStats(call: CallSnapshot): void {
    const quality = call.quality;
    if (!quality || !isLive(call.state) || this.statsSent.get(call.id) === quality) return;
    this.statsSent.set(call.id, quality);
    const stats = new scv.StatsInfo({
      packetsCount: 1000,
      packetsLost: Math.round(quality.packetLossPercent * 10),
      jitterBufferMillis: quality.jitterMs,
      roundTripTimeMillis: quality.roundTripMs,
    });
    this.publish(
      SCV.EVENT_TYPE.UPDATE_AUDIO_STATS,
      new scv.AudioStats({ callId: call.id, stats: [new scv.AudioStatsElement({ inputChannelStats: stats, outputChannelStats: stats })] }),
    );
  }

  private completeStats(call: CallSnapshot): void {
    if (this.statsSent.delete(call.id))
      this.publish(SCV.EVENT_TYPE.UPDATE_AUDIO_STATS, new scv.AudioStats({ callId: call.id, stats: [], isAudioStatsCompleted: true }));
  }

  private publish(eventType: string, payload: unknown): void {
    void Promise.resolve(publishEvent({ eventType, payload })).catch((error: unknown) =>
      this.options.logger.log('error', 'could not publish a Salesforce Voice event', { eventType, error: String(error) }),
    );
  }

  private consume(key: string): boolean {
    const n = this.expected.get(key);
    if (!n) return false;
    if (n > 1) this.expected.set(key, n - 1);
    else this.expected.delete(key);
    return true;
  }

  private consumeAny(event: CallLifecycleEvent): boolean {
    return this.consume(`${event.type}:*`);
  }

  private participant(call: CallSnapshot, initialCallHasEnded: boolean): InstanceType<typeof scv.ParticipantResult> {
    return new scv.ParticipantResult({ initialCallHasEnded, callInfo: callInfoOf(call), phoneNumber: call.remote.number, callId: call.id });
  }
}
