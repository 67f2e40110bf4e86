/** The handle a test holds to play the far end of one of the fake phone system's calls. */
import { endReasonOfFailure } from '../sip/sip-outcomes.ts';
import type { CallQuality, EndReason } from '../../core/index.ts';
import type { FarEnd, PhoneCallRecord } from './far-end.ts';

/** What the far end can make the phone system do to its call. */
export interface FarEndActions {
  end(reason: EndReason, detail: string, sipCode: number): void;
  establish(): void;
  setFarEndHold(held: boolean): void;
  reportQuality(quality: CallQuality): void;
}

export function makeFarEnd(call: PhoneCallRecord, answeredPromise: Promise<boolean>, endedPromise: Promise<EndReason>, phone: FarEndActions): FarEnd {
  const misuse = (what: string) => new Error(`FakePhoneSystem: cannot ${what} call '${call.id}' (${call.direction}, ${call.status}).`);
  return {
    callId: call.id,
    direction: call.direction,
    get status() {
      return call.status;
    },
    get sipCode() {
      return call.sipCode;
    },
    get endReason() {
      return call.endReason;
    },
    get dtmf() {
      return call.dtmf;
    },
    get muted() {
      return call.muted;
    },
    get held() {
      return call.heldByAgent || call.heldByFarEnd;
    },
    get conferencedWith() {
      return call.conferencedWith;
    },
    get transferredTo() {
      return call.transferredTo;
    },
    get consultationFor() {
      return call.consultationFor;
    },
    attachedData: call.attachedData,
    answeredPromise,
    endedPromise,
    cancel(options = {}) {
      if (call.direction !== 'inbound' || call.status !== 'ringing') throw misuse('cancel');
      if (options.answeredElsewhere) phone.end('answered-elsewhere', 'answered by another phone (CANCEL, Reason cause=200)', 487);
      else phone.end('missed', 'caller hung up (CANCEL)', 487);
    },
    hangup() {
      if (call.status === 'ringing' && call.direction === 'inbound') return this.cancel();
      if (call.status !== 'active') throw misuse('hang up');
      phone.end('remote-hangup', 'BYE from the far end', 200);
    },
    answer() {
      if (call.direction !== 'outbound' || call.status !== 'ringing') throw misuse('answer');
      phone.establish();
    },
    reject(code = 486) {
      if (call.direction !== 'outbound' || call.status !== 'ringing') throw misuse('reject');
      phone.end(endReasonOfFailure(code), `${code} from the far end`, code);
    },
    hold() {
      if (call.status !== 'active') throw misuse('hold');
      phone.setFarEndHold(true);
    },
    resume() {
      if (call.status !== 'active') throw misuse('resume');
      phone.setFarEndHold(false);
    },
    reportQuality(quality: CallQuality) {
      if (call.status !== 'active') throw misuse('report quality of');
      phone.reportQuality(quality);
    },
  };
}
