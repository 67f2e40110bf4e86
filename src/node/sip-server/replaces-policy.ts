/**
 * Who may send an INVITE with Replaces (RFC 3891) through this server.
 *
 * RFC 3891 leaves authorising a Replaces to the UA that receives it; a UA cannot know who sits
 * behind a guest's or a reloaded page's new socket, so this server does: a dialog may be replaced
 * by a party of it, with its own tag as from-tag (a softphone taking its call back after a reload),
 * or by someone a party REFERred to it (consultative transfer).
 */
import type { Clock, Logger } from '../../core/index.ts';
import { ownTag, parseReplaces, type DialogTracker } from './dialog-tracker.ts';
import type { SipRequest } from './sip-message.ts';

/** How long a REFER with Replaces lets its recipient send the INVITE that replaces (consultative transfer). */
const REFER_GRANT_MS = 64_000;

export interface ReplacesPolicyPort {
  readonly tracker: Pick<DialogTracker, 'forCall'>;
  readonly clock: Pick<Clock, 'now'>;
  readonly logger: Logger;
}

export class ReplacesPolicy {
  /**
   * INVITEs with Replaces allowed to someone who is not a party of the replaced dialog: a party of
   * it REFERred them (consultative transfer). Replaced Call-ID → who may, until when.
   */
  private readonly referGrants = new Map<string, { readonly entities: readonly string[]; readonly until: number }>();

  constructor(private readonly port: ReplacesPolicyPort) {}

  /** Answers the refusal of an INVITE's Replaces `value` from `caller`, or undefined to let the INVITE through. */
  refuse(value: string, caller: string): { status: number; reason: string } | undefined {
    const target = parseReplaces(value);
    if (!target) return { status: 400, reason: 'Bad Request (unreadable Replaces)' };
    const dialogs = this.port.tracker.forCall(target.callId).filter((d) => d.state === 'confirmed' || d.state === 'early');
    if (dialogs.length === 0) return { status: 481, reason: 'Call/Transaction Does Not Exist' };
    if (dialogs.some((d) => d.entity === caller && ownTag(d) === target.fromTag)) return undefined;
    const grant = this.referGrants.get(target.callId);
    if (grant && grant.until >= this.port.clock.now() && grant.entities.includes(caller)) return undefined;
    this.port.logger.log('warn', 'sip-server: refused an INVITE with Replaces from someone not in the dialog', { callId: target.callId, by: caller });
    return { status: 403, reason: 'Forbidden (not a party of the replaced dialog)' };
  }

  /**
   * An in-dialog REFER, sent on `fromConnectionId`. When its Refer-To carries Replaces (consultative
   * transfer) and its sender is a party of the dialog to replace, the other parties of the REFER's
   * dialog may send that INVITE.
   */
  referred(request: SipRequest, fromConnectionId: number): void {
    const referTo = request.raw.get('refer-to') ?? '';
    const encoded = /[?&]replaces=([^&>]*)/i.exec(referTo)?.[1];
    if (!encoded) return;
    let target: ReturnType<typeof parseReplaces>;
    try {
      target = parseReplaces(decodeURIComponent(encoded));
    } catch {
      return;
    }
    if (!target) return;
    const { tracker } = this.port;
    const referDialog = tracker.forCall(request.callId);
    const senders = referDialog.filter((d) => d.connectionId === fromConnectionId).map((d) => d.entity);
    if (!tracker.forCall(target.callId).some((d) => senders.includes(d.entity))) return;
    const entities = referDialog.filter((d) => d.connectionId !== fromConnectionId).map((d) => d.entity);
    const now = this.port.clock.now();
    for (const [callId, grant] of this.referGrants) if (grant.until < now) this.referGrants.delete(callId);
    this.referGrants.set(target.callId, { entities, until: now + REFER_GRANT_MS });
  }
}
