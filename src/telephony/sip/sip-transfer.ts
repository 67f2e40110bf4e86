/**
 * Transfers in both directions. As transferor: blind (REFER to a plain URI), consultative (REFER
 * with Replaces for our dialog with the colleague), and the consultation call itself. As
 * transferee: a REFER we follow, and the dialog a transfer brings (REFER or INVITE with Replaces)
 * taking the old one's place under the same call.
 */
import { URI, type Referral, type Session } from 'sip.js';
import { SwitchboardError, type Clock, type DialRequest, type DialResult, type Logger } from '../../core/index.ts';
import type { CallSessions } from './call-sessions.ts';
import { callerIdentity } from './identity.ts';
import type { SipCall } from './sip-call.ts';
import type { EmitSipEvent } from './sip-events.ts';
import { terminate } from './session-ending.ts';

/** What transfers need of the adapter. */
export interface TransferContext {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly emit: EmitSipEvent;
  /** The call with this id; throws when there is none. */
  call(callId: string): SipCall;
  /** The call with this id, if it is still tracked. */
  findCall(callId: string): SipCall | undefined;
  /** The SIP address a dial string (number, extension, URI) goes to. */
  dialUri(target: string): Promise<URI>;
  hold(call: SipCall): Promise<void>;
  dial(request: DialRequest): Promise<DialResult>;
  /** Gives a replacing session the call's delegate and follows its state. */
  readonly sessions: Pick<CallSessions, 'sessionDelegate' | 'watchSession'>;
}

export class SipTransfers {
  constructor(private readonly ctx: TransferContext) {}

  async blindTransfer(callId: string, target: string): Promise<void> {
    const call = this.ctx.call(callId);
    if (call.phase !== 'established') throw new SwitchboardError('SB40001', `Call ${callId} is not connected.`);
    await this.refer(call, await this.ctx.dialUri(target), undefined);
  }

  async consult(callId: string, target: string): Promise<DialResult> {
    const call = this.ctx.call(callId);
    if (call.phase !== 'established') throw new SwitchboardError('SB40001', `Call ${callId} is not connected.`);
    if (!call.held) await this.ctx.hold(call);
    const result = await this.ctx.dial({ target });
    const consultation = this.ctx.findCall(result.callId);
    if (consultation) consultation.consultOf = callId;
    return result;
  }

  async completeTransfer(callId: string, consultationId: string): Promise<void> {
    const original = this.ctx.call(callId);
    const consultation = this.ctx.call(consultationId);
    if (original.phase !== 'established' || consultation.phase !== 'established') {
      throw new SwitchboardError('SB40001', 'Both the original call and the consultation must be connected.');
    }
    // Refer-To is the colleague's address of record with Replaces for our dialog with them
    // (RFC 3891). sip.js would use their Contact, which a proxy cannot route as a new request.
    const dialog = consultation.session.dialog;
    if (!dialog) throw new SwitchboardError('SB40001', `Call ${consultationId} has no dialog.`);
    const aor = consultation.session.remoteIdentity.uri;
    const target = new NameAddrUri(
      aor.scheme,
      aor.user ?? '',
      aor.host,
      aor.port,
      {},
      {
        Replaces: [encodeURIComponent(`${dialog.callId};to-tag=${dialog.remoteTag};from-tag=${dialog.localTag}`)],
      },
    );
    await this.refer(original, target, consultation);
  }

  /**
   * REFER `call`'s far end to `target` (a plain URI: blind; one with a Replaces header: attended). Resolves
   * on 202; NOTIFY sipfrag drives `transfer` events; on a 2xx sipfrag we hang up and the call (and
   * the consultation) end as `transferred`.
   */
  private async refer(call: SipCall, target: URI, consultation: SipCall | undefined): Promise<void> {
    const { emit, clock } = this.ctx;
    let finished = false;
    const finish = (progress: 'succeeded' | 'failed', detail: string): void => {
      if (finished) return;
      finished = true;
      emit('transfer', call.id, progress, detail);
      if (progress === 'failed' && consultation?.endReason === 'transferred') consultation.endReason = undefined;
      if (progress === 'succeeded') {
        call.endReason = 'transferred';
        void terminate(call.session);
        if (consultation) {
          consultation.endReason = 'transferred';
          // The transfer target drops our consultation dialog itself once replaced; make sure.
          const cs = consultation.session;
          clock.setTimeout(() => void terminate(cs), 2000);
        }
      }
    };
    await new Promise<void>((resolve, reject) => {
      call.session
        .refer(target, {
          requestDelegate: {
            onAccept: () => {
              // The colleague drops our consultation dialog as soon as the Replaces INVITE
              // arrives, possibly before the NOTIFY saying so: that BYE means "transferred".
              if (consultation) consultation.endReason ??= 'transferred';
              emit('transfer', call.id, 'trying');
              resolve();
            },
            onReject: (r) => {
              const detail = `${r.message.statusCode} ${r.message.reasonPhrase}`;
              finished = true;
              emit('transfer', call.id, 'failed', detail);
              reject(new SwitchboardError('SB20005', `Transfer refused: ${detail}`));
            },
          },
          onNotify: (notification) => {
            void notification.accept().catch(() => {});
            const frag = /SIP\/2\.0\s+(\d{3})\s*([^\r\n]*)/.exec(notification.request.body ?? '');
            if (!frag) return;
            const code = Number(frag[1]);
            const detail = `${code} ${frag[2] ?? ''}`.trim();
            if (code >= 200 && code < 300) finish('succeeded', detail);
            else if (code >= 300) finish('failed', detail);
            else if (code === 180 || code === 183) emit('transfer', call.id, 'ringing', detail);
          },
        })
        .catch((e) => reject(e instanceof SwitchboardError ? e : new SwitchboardError('SB20005', String(e), e)));
    });
  }

  /** We are the transferee: accept the REFER and call the new party; the call swaps dialogs when it answers. */
  onRefer(call: SipCall, session: Session, referral: Referral): void {
    const { logger } = this.ctx;
    if (call.session !== session || call.phase !== 'established') {
      void referral.reject().catch(() => {});
      return;
    }
    void referral.accept().then(
      () => {
        const inviter = referral.makeInviter({ earlyMedia: true, sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
        const identity = callerIdentity([], `<${referral.referTo.uri.toString().split('?')[0]}>`);
        if (identity) call.remote = identity.party;
        this.adoptReplacement(call, inviter);
        void inviter.invite().catch((e) => logger.log('warn', 'INVITE for the transfer failed', { error: String(e) }));
      },
      (e) => logger.log('warn', 'accepting REFER failed', { error: String(e) }),
    );
  }

  /** `session` will take `call`'s place once established (see the adapter's `onEstablished`). */
  adoptReplacement(call: SipCall, session: Session): void {
    call.replacing = session;
    session.delegate = { ...session.delegate, ...this.ctx.sessions.sessionDelegate(call, session) };
    this.ctx.sessions.watchSession(call, session);
  }
}

/**
 * A URI that prints itself in angle brackets. sip.js writes `Refer-To: <uri.toString()>` without
 * them, but a URI with `?headers` MUST be sent as a name-addr (RFC 3261 §20): without the brackets
 * parsers (sip.js's own, the embedded server's) refuse the REFER.
 */
class NameAddrUri extends URI {
  override toString(): string {
    return `<${super.toString()}>`;
  }
}
