/**
 * An engine call as Salesforce Voice sees it: a `PhoneCall` whose callId is the vendorCallKey (the
 * SIP Call-ID the phone system delivered), with the VoiceCall id the phone system put in the INVITE
 * (`X-Salesforce-VoiceCall-Id`, attached data `voiceCallId`). A consultation is the third party of
 * the call it is about (`AddParticipant`, transferring while it rings, transferred once connected,
 * which is what Salesforce replays after a reload).
 */
import { isLive, type CallSnapshot, type EndReason, type EngineState } from '../../core/index.ts';
import { scv, SCV } from './scv.ts';
import { VOICE_CALL_ID_KEY } from './voice-settings.ts';

type PhoneCall = InstanceType<typeof scv.PhoneCall>;
type CallInfo = InstanceType<typeof scv.CallInfo>;

/** Ends that mean the call did not go through (Salesforce's `error` hang-up reason); the rest `ended`. */
const FAILED: readonly EndReason[] = ['failed', 'busy', 'rejected', 'no-answer', 'not-found'];

export function voiceCallIdOf(call: CallSnapshot): string | undefined {
  return call.attachedData[VOICE_CALL_ID_KEY];
}

function callType(call: CallSnapshot): string {
  if (call.consultationFor !== undefined) return SCV.CALL_TYPE.ADD_PARTICIPANT;
  if (call.direction === 'internal') return SCV.CALL_TYPE.INTERNAL_CALL;
  return call.origin === 'dialed' ? SCV.CALL_TYPE.OUTBOUND : SCV.CALL_TYPE.INBOUND;
}

function callState(call: CallSnapshot): string {
  if (!isLive(call.state)) return SCV.CALL_STATE.ENDED;
  const answered = call.timestamps.answered !== undefined;
  if (call.consultationFor !== undefined) return answered ? SCV.CALL_STATE.TRANSFERRED : SCV.CALL_STATE.TRANSFERRING;
  return answered ? SCV.CALL_STATE.CONNECTED : SCV.CALL_STATE.RINGING;
}

export function callInfoOf(call: CallSnapshot): CallInfo {
  const t = call.timestamps;
  const at = t.ended ?? t.holds.at(-1)?.end ?? t.holds.at(-1)?.start ?? t.answered ?? t.offered;
  return new scv.CallInfo({
    callStateTimestamp: new Date(at),
    isOnHold: call.state === 'held',
    isMuted: call.muted,
    isRecordingPaused: false,
    initialCallId: call.consultationFor ?? call.id,
  });
}

export function toPhoneCall(call: CallSnapshot): PhoneCall {
  const voiceCallId = voiceCallIdOf(call);
  const consultation = call.consultationFor !== undefined;
  const name = call.remote.displayName;
  return new scv.PhoneCall({
    callId: call.id,
    callType: callType(call),
    contact: new scv.Contact({ phoneNumber: call.remote.number, ...(name ? { name } : {}) }),
    state: callState(call),
    callAttributes: new scv.PhoneCallAttributes({
      ...(voiceCallId ? { voiceCallId } : {}),
      participantType: consultation ? SCV.PARTICIPANT_TYPE.THIRD_PARTY : SCV.PARTICIPANT_TYPE.INITIAL_CALLER,
      ...(consultation ? { parentId: call.consultationFor } : {}),
      isOnHold: call.state === 'held',
    }),
    phoneNumber: call.remote.number,
    callInfo: callInfoOf(call),
    ...(call.endReason ? { reason: FAILED.includes(call.endReason) ? SCV.HANGUP_REASON.PHONE_CALL_ERROR : SCV.HANGUP_REASON.PHONE_CALL_ENDED } : {}),
  });
}

/** The hold state of the customer and the third party, with every live call (HOLD_TOGGLE and the methods that cause one). */
export function holdResultOf(state: EngineState): InstanceType<typeof scv.HoldToggleResult> {
  const live = state.calls.filter((c) => isLive(c.state));
  const customer = live.find((c) => c.consultationFor === undefined);
  const third = live.find((c) => c.consultationFor !== undefined);
  return new scv.HoldToggleResult({
    isCustomerOnHold: customer?.state === 'held',
    isThirdPartyOnHold: third?.state === 'held',
    calls: live.map(toPhoneCall),
  });
}
