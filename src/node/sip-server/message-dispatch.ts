/**
 * Where each message that arrives goes. A request: by Max-Forwards, then ACK and CANCEL, then in a
 * dialog (a subscription's, or one the proxy forwards along its route), then by method out of one
 * (REGISTER, OPTIONS, PUBLISH, SUBSCRIBE here; INVITE, MESSAGE, REFER to the router). A response:
 * to the transaction that waits for it. The rules read as one table here, apart from the wiring of
 * the parts in server.ts; no part of them keeps state but which ACKs end at this server.
 */
import type { ConnectionTable, SipConnection } from './connection.ts';
import type { Directory } from './directory.ts';
import { HopByHopAcks } from './hop-by-hop-acks.ts';
import type { LocalRequests } from './local-requests.ts';
import type { ResponseOptions } from './message-build.ts';
import type { PresenceHandlers } from './presence-handlers.ts';
import type { Proxy } from './proxy.ts';
import type { RegisterHandler } from './register-handler.ts';
import type { ReplacesPolicy } from './replaces-policy.ts';
import type { Router } from './routing.ts';
import { sdpOf } from './sdp-hold.ts';
import type { SipRequest, SipResponse } from './sip-message.ts';
import type { SubscriptionManager } from './subscriptions.ts';
import type { VoiceCalls } from './voice-calls.ts';

const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, PUBLISH, SUBSCRIBE, NOTIFY, REFER, INFO, MESSAGE, UPDATE, PRACK';
const PROXIED_OUT_OF_DIALOG = new Set(['INVITE', 'MESSAGE', 'REFER']);
const IN_DIALOG_ONLY = new Set(['BYE', 'INFO', 'UPDATE', 'NOTIFY', 'PRACK']);

export interface DispatchPort {
  readonly directory: Pick<Directory, 'isLocalHost'>;
  readonly connections: Pick<ConnectionTable, 'byHostName'>;
  readonly proxy: Pick<Proxy, 'forwardInDialog' | 'handleResponse'>;
  readonly router: Pick<Router, 'route' | 'cancel'>;
  readonly subscriptions: Pick<SubscriptionManager, 'owns' | 'refresh'>;
  readonly replaces: Pick<ReplacesPolicy, 'referred'>;
  /** Salesforce Voice: VoiceCalls through the voice bridge, when one is configured. */
  readonly voiceCalls: Pick<VoiceCalls, 'referred' | 'bye' | 'records' | 'mediaChanged'> | undefined;
  readonly registerHandler: Pick<RegisterHandler, 'handle'>;
  readonly presenceHandlers: Pick<PresenceHandlers, 'publish' | 'subscribe'>;
  /** The NOTIFYs this server sent, until answered. */
  readonly localRequests: Pick<LocalRequests, 'settle'>;
  /** `host:port` as it appears in our Via. */
  hostPort(): string;
  reply(request: SipRequest, connection: SipConnection, status: number, options?: ResponseOptions): void;
}

export class MessageDispatch {
  private readonly hopByHopAcks = new HopByHopAcks();

  constructor(private readonly port: DispatchPort) {}

  request(request: SipRequest, connection: SipConnection): void {
    const { proxy, voiceCalls } = this.port;
    if (request.maxForwards === 0 && request.method !== 'OPTIONS') {
      if (request.method !== 'ACK') this.port.reply(request, connection, 483);
      return;
    }
    const method = request.method;
    if (method === 'ACK') {
      // ACK for a 2xx travels in the dialog; ACK for a non-2xx the server sent ends here.
      if (this.hopByHopAcks.ends(request.viaBranch, request.callId)) return;
      if (request.toTag && !this.port.directory.isLocalHost(request.ruri.host)) proxy.forwardInDialog(request, connection);
      return;
    }
    if (method === 'INVITE') this.hopByHopAcks.invite(request.viaBranch, request.callId);
    if (method === 'CANCEL') return this.port.router.cancel(request, connection);
    if (request.toTag) {
      const subscriptions = this.port.subscriptions;
      if (subscriptions.owns(request)) {
        if (method === 'SUBSCRIBE') connection.send(subscriptions.refresh(request));
        else this.port.reply(request, connection, 405, { headers: [['Allow', 'SUBSCRIBE']] });
        return;
      }
      if (method === 'REFER') {
        this.port.replaces.referred(request, connection.id);
        voiceCalls?.referred(request.callId, connection.id);
      }
      if (method === 'BYE') voiceCalls?.bye(request.callId, connection.id);
      // A recorded call's re-INVITE or UPDATE may hold or resume it: measured once the other side accepts.
      const measure =
        voiceCalls && (method === 'INVITE' || method === 'UPDATE') && voiceCalls.records(request.callId)
          ? (response: SipResponse) => voiceCalls.mediaChanged(request.callId, sdpOf(request.raw), sdpOf(response.raw))
          : undefined;
      const failed = proxy.forwardInDialog(request, connection, measure);
      if (failed) this.port.reply(request, connection, failed.status, { reason: failed.reason });
      return;
    }
    switch (method) {
      case 'REGISTER':
        return this.port.registerHandler.handle(request, connection);
      case 'OPTIONS':
        return this.port.reply(request, connection, 200, {
          headers: [
            ['Allow', ALLOW],
            ['Accept', 'application/sdp, application/pidf+xml'],
            ['Supported', 'path, outbound'],
          ],
        });
      case 'PUBLISH':
        return this.port.presenceHandlers.publish(request, connection);
      case 'SUBSCRIBE':
        return this.port.presenceHandlers.subscribe(request, connection);
      default:
        if (PROXIED_OUT_OF_DIALOG.has(method)) return this.port.router.route(request, connection);
        if (IN_DIALOG_ONLY.has(method)) return this.port.reply(request, connection, 481);
        return this.port.reply(request, connection, 405, { headers: [['Allow', ALLOW]] });
    }
  }

  response(response: SipResponse): void {
    if (this.port.proxy.handleResponse(response)) return;
    if (this.port.localRequests.settle(response)) return;
    // A 2xx to INVITE after its transaction ended (a retransmission until the ACK arrives) is
    // forwarded statelessly along the Via (RFC 3261 16.7 step 10); anything else stray is dropped.
    if (response.cseqMethod === 'INVITE' && response.status >= 200 && response.status < 300) this.forwardStray(response);
  }

  private forwardStray(response: SipResponse): void {
    const vias = response.raw.getAll('via');
    const top = /^SIP\/2\.0\/\S+\s+([^;\s]+)/i.exec(vias[0] ?? '')?.[1]?.toLowerCase();
    if (top !== this.port.hostPort().toLowerCase() || vias.length < 2) return;
    const nextHost = /^SIP\/2\.0\/\S+\s+(\[[^\]]+\]|[^:;\s]+)/i.exec(vias[1])?.[1];
    const connection = nextHost ? this.port.connections.byHostName(nextHost) : undefined;
    if (!connection) return;
    const raw = response.raw.clone();
    raw.popFirst('via');
    connection.send(raw.toString());
  }
}
