/**
 * An INVITE outside any dialog: either an INVITE with Replaces for one of our dialogs (the far end
 * completes a consultative transfer through us) or a new call offered to the agent, announced
 * and rung unless the adapter's delegate or call waiting refuses it.
 */
import type { Invitation, Session } from 'sip.js';
import type { ConnectorSettings, IncomingCall, Logger } from '../../core/index.ts';
import type { AudioOutput } from './audio-output.ts';
import type { CallSessions } from './call-sessions.ts';
import { answeredElsewhere } from './cancel-reason.ts';
import { mapHeaders } from './header-mapping.ts';
import { callerIdentity, isInternalCaller } from './identity.ts';
import { SipCall } from './sip-call.ts';
import type { EmitSipEvent } from './sip-events.ts';

/** What receiving an offer needs of the adapter. */
export interface IncomingOfferContext {
  readonly logger: Logger;
  readonly emit: EmitSipEvent;
  readonly settings: ConnectorSettings;
  /** The adapter's calls by id; an offer taken is added to it. */
  readonly calls: Map<string, SipCall>;
  /** The adapter's delegate: whether the agent takes this offer (it may throw). */
  acceptIncoming(call: IncomingCall): boolean;
  createOutput(): AudioOutput;
  startRinging(): void;
  /** `session` takes `call`'s place once established (see SipTransfers). */
  adoptReplacement(call: SipCall, session: Session): void;
  readonly sessions: Pick<CallSessions, 'sessionDelegate' | 'watchSession'>;
}

export function receiveOffer(ctx: IncomingOfferContext, invitation: Invitation): void {
  const { logger, settings, calls } = ctx;
  const request = invitation.request;
  const callId = request.callId;

  // INVITE with Replaces for one of our dialogs: the far end completes a consultative transfer
  // through us; the new dialog takes the old one's place under the same call.
  const replacee = invitation.replacee;
  const replaced = replacee && [...calls.values()].find((c) => c.session === replacee);
  if (replaced) {
    logger.log('info', 'INVITE with Replaces: swapping the dialog under the call', { callId: replaced.id });
    const identity = callerIdentity(request.getHeaders('p-asserted-identity'), request.getHeader('from') ?? '');
    if (identity) replaced.remote = identity.party;
    ctx.adoptReplacement(replaced, invitation);
    void invitation.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } }).catch((e) => {
      logger.log('warn', 'accepting the replacing INVITE failed', { error: String(e) });
    });
    return;
  }

  const identity = callerIdentity(request.getHeaders('p-asserted-identity'), request.getHeader('from') ?? '', request.from);
  if (!identity) {
    logger.log('warn', 'inbound INVITE with an unreadable caller; refused', { callId });
    void invitation.reject({ statusCode: 400 }).catch(() => {});
    return;
  }
  const mapped = mapHeaders((name) => request.getHeader(name), settings.sip.headerMappings);
  for (const p of mapped.problems) logger.log('warn', 'SIP header not attached to the call', { callId, header: p.header, reason: p.reason });
  const dialed = request.to.uri.user ?? undefined;
  const call: IncomingCall = {
    callId,
    remote: identity.party,
    ...(dialed ? { dialed } : {}),
    attachedData: mapped.data,
    internal: isInternalCaller(identity, settings.sip.domain, settings.directory),
  };
  const busy = [...calls.values()].some((c) => c.phase !== 'ended');
  let accept = !(busy && !settings.callWaiting);
  if (accept) {
    try {
      accept = ctx.acceptIncoming(call);
    } catch (error) {
      logger.log('error', 'acceptIncoming threw; refusing the call', { callId, error: String(error) });
      accept = false;
    }
  }
  if (!accept) {
    // sip.js already sent 180 (sendInitialProvisionalResponse); we never announce nor ring.
    void invitation.reject({ statusCode: 486 }).catch(() => {});
    return;
  }
  const sipCall = new SipCall(callId, 'inbound', invitation, call.remote, call.internal, ctx.createOutput());
  calls.set(callId, sipCall);
  invitation.delegate = {
    ...ctx.sessions.sessionDelegate(sipCall, invitation),
    onCancel: (cancel) => {
      // A ring group cancels the colleagues' branches when one answers: not a missed call for them.
      sipCall.endReason ??= answeredElsewhere(cancel.request.getHeaders('reason')) ? 'answered-elsewhere' : 'missed';
    },
  };
  ctx.sessions.watchSession(sipCall, invitation);
  ctx.emit('incoming', call);
  ctx.startRinging();
}
