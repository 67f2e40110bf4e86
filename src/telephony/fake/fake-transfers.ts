/**
 * Transfers and conference on the fake phone system: blind transfer (the target's progress comes
 * back as NOTIFYs on later macrotasks), consultative transfer, and a conference mixed in the
 * agent's page.
 */
import { SwitchboardError } from '../../core/index.ts';
import type { AttachedData, DialResult, EndReason } from '../../core/index.ts';
import type { FarEndBehaviour, PhoneCallRecord } from './far-end.ts';
import type { FakeTelephony } from './fake-telephony.ts';
import type { FailableCommand } from './scripted-failures.ts';

/** What transfers and conference need of the phone system that carries the calls. */
export interface CallControl {
  /** The agent's call in one of `states`; throws the failure scripted for `failable`, if any. */
  agentCall(telephony: FakeTelephony, callId: string, states: readonly PhoneCallRecord['status'][], failable: FailableCommand | undefined): PhoneCallRecord;
  setAgentHold(call: PhoneCallRecord, held: boolean): void;
  /** How the far end at `number` behaves when called. */
  behaviourOf(number: string): FarEndBehaviour;
  /** Runs far-end work on a later macrotask. */
  later(fn: () => void): void;
  end(call: PhoneCallRecord, reason: EndReason, detail: string, sipCode: number): void;
  dial(telephony: FakeTelephony, target: string, attachedData: AttachedData, consultationFor?: string): Promise<DialResult>;
}

export function blindTransfer(phone: CallControl, telephony: FakeTelephony, callId: string, target: string): void {
  const call = phone.agentCall(telephony, callId, ['active'], 'blindTransfer');
  // RFC 5589: the transferee is put on hold before the REFER.
  phone.setAgentHold(call, true);
  const behaviour = phone.behaviourOf(target.trim());
  phone.later(() => {
    if (call.status !== 'active') return;
    telephony.emitSoon('transfer', call.id, 'trying');
    phone.later(() => {
      if (call.status !== 'active') return;
      if (behaviour === 'busy' || behaviour === 'reject') {
        telephony.emitSoon('transfer', call.id, 'failed', behaviour === 'busy' ? '486 Busy Here' : '603 Decline');
        return;
      }
      telephony.emitSoon('transfer', call.id, 'ringing');
      phone.later(() => {
        if (call.status !== 'active') return;
        if (behaviour === 'no-answer') {
          telephony.emitSoon('transfer', call.id, 'failed', '480 Temporarily Unavailable');
          return;
        }
        telephony.emitSoon('transfer', call.id, 'succeeded');
        call.transferredTo = target.trim();
        phone.end(call, 'transferred', `to ${target.trim()}`, 200);
      });
    });
  });
}

export async function consult(phone: CallControl, telephony: FakeTelephony, callId: string, target: string): Promise<DialResult> {
  const call = phone.agentCall(telephony, callId, ['active'], undefined);
  // The caller waits on hold while the agent consults.
  phone.setAgentHold(call, true);
  return phone.dial(telephony, target, {}, call.id);
}

export function completeTransfer(phone: CallControl, telephony: FakeTelephony, callId: string, consultationId: string): void {
  const call = phone.agentCall(telephony, callId, ['active'], undefined);
  const consultation = phone.agentCall(telephony, consultationId, ['ringing', 'active'], 'completeTransfer');
  if (consultation.direction !== 'outbound') throw new SwitchboardError('SB40001', `Call '${consultationId}' is not a call the agent placed.`);
  telephony.emitSoon('transfer', call.id, 'succeeded');
  call.transferredTo = consultation.remote.number;
  phone.end(call, 'transferred', `joined with ${consultation.remote.number}`, 200);
  phone.end(consultation, 'transferred', `joined with ${call.remote.number}`, 200);
}

export function conference(phone: CallControl, telephony: FakeTelephony, callIds: readonly string[]): void {
  if (callIds.length < 2) throw new SwitchboardError('SB40001', 'A conference needs at least two calls.');
  const calls = callIds.map((id, i) => phone.agentCall(telephony, id, ['active'], i === 0 ? 'conference' : undefined));
  for (const call of calls) {
    call.conferencedWith = callIds.filter((id) => id !== call.id);
    // Everyone must hear everyone: held legs are taken off hold.
    if (call.heldByAgent) phone.setAgentHold(call, false);
  }
}
