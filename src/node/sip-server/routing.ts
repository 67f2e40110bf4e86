/**
 * Out-of-dialog routing: an INVITE, MESSAGE or REFER that starts something is authorised (digest,
 * hosts, Replaces), may wait for its Salesforce VoiceCall (voice bridge), then goes to its targets: a
 * user's registered contacts, the free members of a ring group, a queued group's queue, or the one
 * socket a contact address names. A CANCEL finds its INVITE wherever it waits.
 */
import type { Logger } from '../../core/index.ts';
import type { ConnectionTable, SipConnection } from './connection.ts';
import { parseReplaces } from './dialog-tracker.ts';
import type { Directory } from './directory.ts';
import type { GroupQueues } from './group-queues.ts';
import { buildResponse, type ResponseOptions } from './message-build.ts';
import { newBranch } from './message-edit.ts';
import type { ForwardTarget, Proxy } from './proxy.ts';
import type { ReplacesPolicy } from './replaces-policy.ts';
import type { RequestAuth } from './request-auth.ts';
import { chooseMembers, type MemberStatus } from './ring-group.ts';
import type { SipRequest } from './sip-message.ts';
import type { SipServerEvents } from './types.ts';
import { VOICE_CALL_ID_HEADER, type VoiceCalls } from './voice-calls.ts';

export interface RouterPort {
  readonly directory: Pick<Directory, 'aorOf' | 'isLocalHost' | 'isKnownUser' | 'isGuest' | 'ringGroup'>;
  readonly auth: Pick<RequestAuth, 'admit'>;
  readonly replaces: Pick<ReplacesPolicy, 'refuse'>;
  readonly queues: Pick<GroupQueues, 'isQueued' | 'arrive' | 'abandon' | 'abandonFrom'>;
  readonly proxy: Pick<Proxy, 'forward' | 'cancel'>;
  /** Salesforce Voice: VoiceCalls through the voice bridge, when one is configured. */
  readonly voiceCalls: Pick<VoiceCalls, 'replaced' | 'transferOf' | 'wants' | 'start' | 'callerLeft' | 'cancelWaiting'> | undefined;
  readonly connections: Pick<ConnectionTable, 'byHostName'>;
  readonly logger: Logger;
  /** The address of record registered through `connection`, if any. */
  entityOf(connection: SipConnection): string | undefined;
  /** The state of each of `members` but `caller`. */
  memberStatuses(members: readonly string[], caller: string): MemberStatus[];
  targetsOf(aor: string): ForwardTarget[];
  reply(request: SipRequest, connection: SipConnection, status: number, options?: ResponseOptions): void;
  inviteForwarded(event: SipServerEvents['invite-forwarded'][0]): void;
  /** Runs `fn`, reporting what it throws (a callback outside any socket handler). */
  guard(where: string, fn: () => void): void;
}

export class Router {
  /** INVITEs waiting for their VoiceCall id (by transaction key), to answer a CANCEL meanwhile. */
  private readonly awaitingVoiceCall = new Map<string, { readonly request: SipRequest; readonly connection: SipConnection }>();

  constructor(private readonly port: RouterPort) {}

  /** INVITE, MESSAGE, REFER outside a dialog: authorise, find the targets, fork. */
  route(request: SipRequest, connection: SipConnection): void {
    const { directory } = this.port;
    const inviteKey = `${request.viaBranch ?? newBranch()}|INVITE|${request.callId}`;
    if (request.method === 'INVITE' && this.awaitingVoiceCall.has(inviteKey)) return; // a retransmission
    const who = this.port.auth.admit(request, connection);
    if (who === undefined) return;
    const caller = who.owner.aor;
    const ruri = request.ruri;
    const replaces = request.method === 'INVITE' ? request.raw.get('replaces') : undefined;
    if (replaces !== undefined) {
      const refused = this.port.replaces.refuse(replaces, caller);
      if (refused) return this.port.reply(request, connection, refused.status, { reason: refused.reason });
      const replaced = parseReplaces(replaces);
      if (replaced) this.port.voiceCalls?.replaced(request.callId, replaced.callId);
    }
    const voiceCalls = this.port.voiceCalls;
    // A caller an agent just REFERred elsewhere: this INVITE (with Replaces for a consultative transfer) is the transfer's leg.
    const transferOf = voiceCalls && request.method === 'INVITE' ? voiceCalls.transferOf(caller) : undefined;
    if (voiceCalls && request.method === 'INVITE' && (replaces === undefined || transferOf !== undefined) && directory.isLocalHost(ruri.host)) {
      const user = ruri.user ?? '';
      const called = directory.aorOf(user);
      const reachable = directory.ringGroup(user) !== undefined || (directory.isKnownUser(user) && this.port.targetsOf(called).length > 0);
      if (reachable && (transferOf !== undefined || voiceCalls.wants({ caller, called }, directory.isGuest(who.user)))) {
        this.awaitingVoiceCall.set(inviteKey, { request, connection });
        // 100 at once: a UA may send CANCEL only after a provisional answer (RFC 3261 9.1).
        connection.send(buildResponse(request.raw, 100));
        voiceCalls.start(
          {
            inviteKey,
            callId: request.callId,
            from: request.from.uri.user ?? caller,
            to: user,
            callerAor: caller,
            callerConnectionId: connection.id,
            ...(transferOf !== undefined ? { transferOf } : {}),
          },
          (voiceCallId) =>
            this.port.guard('voice bridge', () => {
              this.awaitingVoiceCall.delete(inviteKey);
              if (connection.closed) return;
              // Upstream's own header goes either way: agents trust only the id this server put there.
              this.forward(request, connection, caller, [[VOICE_CALL_ID_HEADER, voiceCallId]]);
            }),
        );
        return;
      }
    }
    this.forward(request, connection, caller, undefined);
  }

  /** Finds the targets of an authorised request and forks it (an INVITE to a queued group waits in its queue). */
  private forward(
    request: SipRequest,
    connection: SipConnection,
    caller: string,
    setHeaders: ReadonlyArray<readonly [string, string | undefined]> | undefined,
  ): void {
    const { directory } = this.port;
    const ruri = request.ruri;
    let targets: ForwardTarget[];
    let ringGroup: string | undefined;
    const called = directory.isLocalHost(ruri.host) ? directory.aorOf(ruri.user ?? '') : ruri.toString();
    if (directory.isLocalHost(ruri.host)) {
      const user = ruri.user ?? '';
      const members = directory.ringGroup(user);
      if (members && this.port.queues.isQueued(user) && request.method === 'INVITE') {
        const key = `${request.viaBranch ?? newBranch()}|INVITE|${request.callId}`;
        this.port.queues.arrive({ key, group: user, request, connection, caller, called, toTag: newBranch().slice(-12), setHeaders });
        return;
      }
      if (members) {
        ringGroup = user;
        const decision = chooseMembers(this.port.memberStatuses(members, caller));
        if ('status' in decision) return this.port.reply(request, connection, decision.status, { reason: decision.reason });
        targets = decision.ring.flatMap((aor) => this.port.targetsOf(aor));
      } else {
        if (!directory.isKnownUser(user)) return this.port.reply(request, connection, 404, { reason: 'Not Found (no such user)' });
        targets = this.port.targetsOf(called);
        if (targets.length === 0) return this.port.reply(request, connection, 480, { reason: 'Temporarily Unavailable (not registered)' });
      }
    } else {
      // A contact address (e.g. a GRUU-like `x@y.invalid`) of a connected UA.
      const reached = this.port.connections.byHostName(ruri.host);
      if (!reached) return this.port.reply(request, connection, 404, { reason: 'Not Found (unknown domain)' });
      // Whose contact it is, so the dialog is tracked for that party too (it may replace it later).
      const entity = this.port.entityOf(reached);
      targets = [{ connection: reached, requestUri: ruri.toString(), ...(entity ? { entity } : {}) }];
    }
    const initialInvite = request.method === 'INVITE';
    this.port.proxy.forward(request, connection, targets, {
      recordRoute: request.method !== 'MESSAGE',
      track: initialInvite ? { caller, called } : undefined,
      ...(setHeaders ? { setHeaders } : {}),
    });
    if (initialInvite) {
      this.port.logger.log('debug', 'sip-server: INVITE forwarded', { callId: request.callId, from: caller, to: called, branches: targets.length });
      this.port.inviteForwarded({
        callId: request.callId,
        from: caller,
        to: called,
        targets: targets.map((t) => t.entity ?? t.requestUri),
        ringGroup,
      });
    }
  }

  /** A CANCEL: its INVITE may wait for a VoiceCall, wait in a queue, or be ringing through the proxy. */
  cancel(request: SipRequest, connection: SipConnection): void {
    const { voiceCalls } = this.port;
    const key = `${request.viaBranch ?? ''}|INVITE|${request.callId}`;
    voiceCalls?.callerLeft(request.callId);
    const held = this.awaitingVoiceCall.get(key);
    if (held && voiceCalls?.cancelWaiting(key)) {
      this.awaitingVoiceCall.delete(key);
      this.port.reply(request, connection, 200);
      held.connection.send(buildResponse(held.request.raw, 487));
      return;
    }
    const waiting = this.port.queues.abandon(key);
    if (waiting) {
      this.port.reply(request, connection, 200);
      waiting.connection.send(buildResponse(waiting.request.raw, 487, { toTag: waiting.toTag }));
      return;
    }
    this.port.proxy.cancel(request, connection);
  }

  /** A socket closed: its calls waiting in queues or for a VoiceCall go. */
  connectionClosed(connection: SipConnection): void {
    this.port.queues.abandonFrom(connection);
    for (const [key, held] of this.awaitingVoiceCall) {
      if (held.connection !== connection) continue;
      this.awaitingVoiceCall.delete(key);
      this.port.voiceCalls?.cancelWaiting(key);
    }
  }
}
