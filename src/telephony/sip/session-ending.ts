/**
 * Ending sip.js sessions whatever state they are in, and what a lost connection to the phone
 * system does to the calls still being set up.
 */
import { Invitation, Inviter, SessionState, type Session } from 'sip.js';
import type { EndReason, Logger } from '../../core/index.ts';
import type { SipCall } from './sip-call.ts';

export function settingUp(session: Session): boolean {
  return session.state === SessionState.Initial || session.state === SessionState.Establishing;
}

/**
 * Gives up a session that is still being set up while the transport is down: an Invitation is
 * rejected (Terminated at once; the response has nowhere to go), an Inviter is cancelled (sip.js
 * answers a 200 that may still arrive after a reconnect with ACK and BYE) and disposed of.
 */
export function abandon(session: Session): void {
  if (!settingUp(session)) return;
  if (session instanceof Invitation) {
    void session.reject({ statusCode: 480 }).catch(() => {});
  } else if (session instanceof Inviter) {
    void session.cancel().catch(() => {});
    void session.dispose().catch(() => {});
  }
}

/** Ends a session whatever its state: CANCEL, reject, or BYE. */
export async function terminate(session: Session): Promise<void> {
  try {
    switch (session.state) {
      case SessionState.Initial:
      case SessionState.Establishing:
        if (session instanceof Inviter) await session.cancel();
        else if (session instanceof Invitation) await session.reject();
        return;
      case SessionState.Established:
        await session.bye();
        return;
      default:
        return;
    }
  } catch {
    /* already ending */
  }
}

/**
 * The WebSocket to the phone system is gone. A call still being set up can never complete: the
 * 200 for an offered INVITE would go nowhere (the server that relayed the INVITE holds its
 * transaction on the dead connection, or lost it in a restart), and an INVITE we sent gets no
 * final response any more (sip.js has no Timer C), so both would wait for ever. They end now as
 * `failed`. Established calls stay up: their media is peer to peer, and in-dialog requests
 * can still reach the far end once we are connected again.
 */
export function dropCallsBeingSetUp(calls: Iterable<SipCall>, logger: Logger, end: (call: SipCall, reason: EndReason) => void): void {
  const detail = 'connection to the phone system lost';
  for (const call of [...calls]) {
    if (call.phase === 'ended') continue;
    const replacing = call.replacing;
    if (call.phase === 'established') {
      // A transfer's new dialog that is still being set up is as lost as any other; the call
      // carries on with its current dialog.
      if (replacing && settingUp(replacing)) {
        call.replacing = undefined;
        abandon(replacing);
        logger.log('warn', 'transfer dialog lost with the connection; the call stays on its dialog', { callId: call.id });
        if (call.session.state === SessionState.Terminated) end(call, call.endReason ?? (call.mediaLost ? 'failed' : 'remote-hangup'));
      }
      continue;
    }
    logger.log('warn', 'call being set up lost with the connection; ending it', { callId: call.id, phase: call.phase });
    call.endReason ??= 'failed';
    call.endDetail ??= detail;
    if (replacing) abandon(replacing);
    call.replacing = undefined;
    abandon(call.session);
    // An Invitation is Terminated at once by its reject(); an Inviter stays Terminating (its
    // CANCEL cannot leave), so the call ends here rather than from its state change.
    if (call.session.state !== SessionState.Terminated) end(call, call.endReason);
  }
}

/**
 * Hangs up the call whatever its state: its dialog (and a transfer's dialog being set up in its
 * place) ends by CANCEL, reject or BYE.
 */
export async function hangUp(call: SipCall, logger: Logger): Promise<void> {
  if (call.takeBack) {
    // CANCELling the INVITE with Replaces would end only the take-back: the old dialog, and the
    // customer on it, would stay up. The BYE goes once the call is back; a call that ended
    // during the reload instead has nothing left to end (it is reported ended as such).
    call.hangupQueued = true;
    logger.log('info', 'hang-up while the call is being taken back after the reload: sent once it is back', { callId: call.id });
    if (!(await call.takeBack)) return;
  }
  call.endReason ??= 'local-hangup';
  const s = call.session;
  if (call.replacing && call.replacing.state !== SessionState.Terminated) await terminate(call.replacing);
  await terminate(s);
}
