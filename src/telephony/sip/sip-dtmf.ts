/**
 * DTMF on an established call: RFC 4733 in the media when telephone-event is negotiated, SIP INFO
 * (application/dtmf-relay) otherwise or when asked for; and the digits a far end sends as INFO.
 */
import type { Info } from 'sip.js';
import { SwitchboardError } from '../../core/index.ts';
import type { SipCall } from './sip-call.ts';

const DTMF_DIGITS = /^[0-9A-D*#,]+$/i;

export async function sendDtmf(call: SipCall, digits: string): Promise<void> {
  requireDtmf(call, digits, '0-9, *, #, A-D, comma for a pause');
  // RFC 4733 in the media when telephone-event is negotiated at the send codec's rate
  // (sdp-dtmf.ts keeps no other); SIP INFO otherwise.
  if (call.sdh?.sendDtmf(digits, { duration: 100, interToneGap: 70 })) return;
  await sendInfoDigits(call, digits);
}

/** Sends DTMF as SIP INFO whatever the media supports (some servers only relay INFO). */
export async function sendDtmfInfo(call: SipCall, digits: string): Promise<void> {
  requireDtmf(call, digits, '0-9, *, #, A-D');
  await sendInfoDigits(call, digits);
}

function requireDtmf(call: SipCall, digits: string, allowed: string): void {
  if (call.phase !== 'established') throw new SwitchboardError('SB40001', `Call ${call.id} is not connected.`);
  if (!DTMF_DIGITS.test(digits)) throw new SwitchboardError('SB20005', `'${digits}' is not a DTMF string (${allowed}).`);
}

/**
 * One SIP INFO per digit, each sent once the previous one was answered: sip.js resolves `info()`
 * when the request leaves, and digits sent back to back can reach a far end out of order.
 */
async function sendInfoDigits(call: SipCall, digits: string): Promise<void> {
  for (const digit of digits.replace(/,/g, '')) {
    await new Promise<void>((resolve, reject) => {
      call.session
        .info({
          requestOptions: { body: { contentDisposition: 'render', contentType: 'application/dtmf-relay', content: `Signal=${digit}\r\nDuration=160` } },
          requestDelegate: {
            onAccept: () => resolve(),
            onReject: (r) => reject(new SwitchboardError('SB20005', `DTMF ${digit} answered ${r.message.statusCode} ${r.message.reasonPhrase}`)),
          },
        })
        .catch((e: unknown) => reject(e instanceof SwitchboardError ? e : new SwitchboardError('SB20005', String(e), e)));
    });
  }
}

/** Answers an in-dialog INFO; the DTMF digit it carries (upper case), if any. */
export function receivedDigit(info: Info): string | undefined {
  const type = info.request.getHeader('content-type') ?? '';
  const body = info.request.body ?? '';
  void info.accept().catch(() => {});
  let digit: string | undefined;
  if (/application\/dtmf-relay/i.test(type)) digit = /Signal\s*=\s*([0-9A-D*#])/i.exec(body)?.[1];
  else if (/application\/dtmf/i.test(type)) digit = /^\s*([0-9A-D*#]|1[01])\s*$/i.exec(body)?.[1]?.replace(/^10$/, '*').replace(/^11$/, '#');
  return digit?.toUpperCase();
}
