/**
 * Hold and resume by re-INVITE (sendonly, then sendrecv again), and the hold a reload must
 * restore while such a re-INVITE is still unanswered (`SipCall.holdWanted`).
 */
import type { Web } from 'sip.js';
import { SwitchboardError } from '../../core/index.ts';
import type { SipCall } from './sip-call.ts';

/** Holds or resumes `call`; `changed` runs once the far end accepted and the media follows. */
export async function setHold(call: SipCall, hold: boolean, changed: () => void): Promise<void> {
  call.holdWanted = hold;
  try {
    await reInviteHold(call, hold, changed);
  } finally {
    if (call.holdWanted === hold) call.holdWanted = undefined;
  }
}

async function reInviteHold(call: SipCall, hold: boolean, changed: () => void): Promise<void> {
  // A re-INVITE needs the dialog the take-back is still setting up.
  if (call.takeBack) await call.takeBack;
  if (call.phase !== 'established') throw new SwitchboardError('SB40001', `Call ${call.id} is not connected.`);
  if (call.held === hold) return;
  const session = call.session;
  session.sessionDescriptionHandlerOptionsReInvite = { hold } as Web.SessionDescriptionHandlerOptions;
  await new Promise<void>((resolve, reject) => {
    session
      .invite({
        requestDelegate: {
          onAccept: () => resolve(),
          onReject: (r) => reject(new SwitchboardError('SB20005', `${hold ? 'Hold' : 'Resume'} answered ${r.message.statusCode} ${r.message.reasonPhrase}`)),
        },
      })
      .catch((e) => reject(e instanceof SwitchboardError ? e : new SwitchboardError('SB20005', String(e), e)));
  });
  call.held = hold;
  // Silence both ways while held (the far end may still send music); honour mute on resume.
  call.sdh?.enableReceiverTracks(!hold);
  const mic = call.microphone;
  if (mic) mic.enabled = !hold && !call.muted;
  changed();
}
