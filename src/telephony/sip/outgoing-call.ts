/**
 * A call the agent places: the INVITE (with the call's data as mapped headers), our ringback while
 * the far end rings, its early media once a 18x brings SDP, and why it failed when it did.
 */
import { Inviter, type URI, type UserAgent } from 'sip.js';
import { SwitchboardError, type ConnectorSettings, type DialRequest, type DialResult } from '../../core/index.ts';
import type { BrowserAudio } from './audio-control.ts';
import type { CallSessions } from './call-sessions.ts';
import { headersFor } from './header-mapping.ts';
import { normalizeDialTarget } from './number-normalizer.ts';
import { SipCall } from './sip-call.ts';
import type { EmitSipEvent } from './sip-events.ts';
import { endReasonOfFailure } from './sip-outcomes.ts';

/** What placing a call needs of the adapter. */
export interface OutgoingCallContext {
  readonly emit: EmitSipEvent;
  readonly settings: ConnectorSettings;
  /** The adapter's calls by id; the call placed is added to it. */
  readonly calls: Map<string, SipCall>;
  readonly audio: Pick<BrowserAudio, 'createOutput' | 'releaseOutput'>;
  readonly sessions: Pick<CallSessions, 'sessionDelegate' | 'watchSession' | 'startRingback' | 'stopRingback'>;
  /** The SIP address a dial string goes to. */
  targetUri(user: string): URI;
  /** Holds the other connected calls (call waiting). */
  holdOthers(call: SipCall): Promise<void>;
}

export async function placeCall(ctx: OutgoingCallContext, ua: UserAgent, request: DialRequest): Promise<DialResult> {
  const { settings, calls, sessions } = ctx;
  const target = await normalizeDialTarget(request.target, settings.dialing, settings.directory);
  const uri = ctx.targetUri(target.dialString);
  let extraHeaders: string[];
  try {
    extraHeaders = headersFor(request.attachedData ?? {}, settings.sip.headerMappings);
  } catch (error) {
    throw new SwitchboardError('SB20004', error instanceof Error ? error.message : String(error), error);
  }
  const inviter = new Inviter(ua, uri, {
    extraHeaders,
    earlyMedia: true,
    sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } },
  });
  const callId = inviter.request.callId;
  const internal = target.kind === 'extension';
  const call = new SipCall(callId, 'outbound', inviter, target.party, internal, ctx.audio.createOutput());
  await ctx.holdOthers(call);
  calls.set(callId, call);
  inviter.delegate = sessions.sessionDelegate(call, inviter);
  sessions.watchSession(call, inviter);
  let earlyMedia = false;
  try {
    await inviter.invite({
      requestDelegate: {
        onProgress: (response) => {
          const { statusCode } = response.message;
          if (statusCode !== 180 && statusCode !== 183) return;
          const sdp = response.message.body !== '' && /application\/sdp/i.test(response.message.getHeader('content-type') ?? '');
          // Once a 18x brought SDP the far end's media is what the caller hears (an announcement,
          // its own ringback): a later 180 without SDP, as carriers send after an announcement,
          // must not start our ringback over it (RFC 3960).
          if (sdp) earlyMedia = true;
          if (earlyMedia) sessions.stopRingback(call);
          else sessions.startRingback(call);
          ctx.emit('progress', callId, sdp ? 'early-media' : 'ringing');
        },
        onReject: (response) => {
          const { statusCode, reasonPhrase } = response.message;
          call.endReason ??= endReasonOfFailure(statusCode ?? 0);
          call.endDetail = `${statusCode} ${reasonPhrase}`;
        },
      },
    });
  } catch (error) {
    // Nothing was announced yet: the caller gets the error instead of an `ended` event.
    calls.delete(callId);
    ctx.audio.releaseOutput(call.output);
    call.phase = 'ended';
    if (error instanceof SwitchboardError) throw error;
    throw new SwitchboardError('SB20004', error instanceof Error ? error.message : String(error), error);
  }
  return { callId, remote: target.party, internal };
}
