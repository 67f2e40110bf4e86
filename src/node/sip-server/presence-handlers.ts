/**
 * The presence and dialog event packages seen from the SIP side: PUBLISH of one's own presence
 * (RFC 3903), SUBSCRIBE to a user's presence or dialogs (RFC 6665), the bodies of the NOTIFYs that
 * follow (PIDF, RFC 4235 dialog-info), and whether a ring-group member is available by presence.
 */
import type { SipConnection } from './connection.ts';
import { dialogInfoXml, type DialogTracker, type TrackedDialog } from './dialog-tracker.ts';
import type { Directory } from './directory.ts';
import type { ResponseOptions } from './message-build.ts';
import { defaultPidf, summarisePidf, type PidfSummary, type PresenceStore } from './presence-store.ts';
import type { Registrar } from './registrar.ts';
import type { RequestAuth } from './request-auth.ts';
import type { SipRequest } from './sip-message.ts';
import { eventPackageOf, expiresOf, type EventPackage, type SubscriptionManager } from './subscriptions.ts';

export interface PresenceHandlersPort {
  readonly directory: Pick<Directory, 'aorOf' | 'isLocalHost' | 'isKnownUser'>;
  readonly auth: Pick<RequestAuth, 'admit'>;
  readonly presence: Pick<PresenceStore, 'publish' | 'current'>;
  readonly registrar: Pick<Registrar, 'lookup'>;
  readonly tracker: Pick<DialogTracker, 'forEntity'>;
  readonly subscriptions: Pick<SubscriptionManager, 'subscribe' | 'entityChanged'>;
  /** The longest Expires granted, in seconds. */
  readonly maxExpires: number;
  /** Without a publication, a member counts as unavailable. */
  readonly requirePresence: boolean;
  /** Whether a published presence means "may be offered a call". */
  isAvailable(presence: PidfSummary): boolean;
  reply(request: SipRequest, connection: SipConnection, status: number, options?: ResponseOptions): void;
}

export class PresenceHandlers {
  /** Dialogs that terminated during the current change, shown once as terminated. */
  private justEnded: TrackedDialog[] = [];

  constructor(private readonly port: PresenceHandlersPort) {}

  publish(request: SipRequest, connection: SipConnection): void {
    const who = this.port.auth.admit(request, connection);
    if (who === undefined) return;
    const username = who.user;
    const target = request.ruri.user ?? '';
    if (target !== username || !this.port.directory.isLocalHost(request.ruri.host)) {
      return this.port.reply(request, connection, 403, { reason: 'Forbidden (you may publish only your own presence)' });
    }
    if (eventPackageOf(request.raw) !== 'presence') {
      return this.port.reply(request, connection, 489, { headers: [['Allow-Events', 'presence']] });
    }
    const body = request.message.body ?? '';
    const contentType = request.raw.get('content-type');
    if (body.trim() !== '' && !/^application\/pidf\+xml/i.test(contentType ?? '')) {
      return this.port.reply(request, connection, 415, { reason: 'Unsupported Media Type', headers: [['Accept', 'application/pidf+xml']] });
    }
    const outcome = this.port.presence.publish({
      aor: this.port.directory.aorOf(username),
      ifMatch: request.raw.get('sip-if-match')?.trim(),
      expires: Math.min(expiresOf(request.raw, 3600), this.port.maxExpires),
      body: body.trim() === '' ? undefined : body,
      contentType,
      connectionId: connection.id,
    });
    if (outcome.status !== 200) return this.port.reply(request, connection, outcome.status, { reason: outcome.reason });
    this.port.reply(request, connection, 200, {
      headers: [
        ['SIP-ETag', outcome.etag],
        ['Expires', String(outcome.expires)],
      ],
    });
  }

  subscribe(request: SipRequest, connection: SipConnection): void {
    const event = eventPackageOf(request.raw);
    if (!event) return this.port.reply(request, connection, 489, { headers: [['Allow-Events', 'presence, dialog']] });
    const who = this.port.auth.admit(request, connection);
    if (who === undefined) return;
    const username = who.user;
    const user = request.ruri.user ?? '';
    if (!this.port.directory.isLocalHost(request.ruri.host) || !this.port.directory.isKnownUser(user)) {
      return this.port.reply(request, connection, 404, { reason: 'Not Found (no such user here)' });
    }
    const expires = Math.min(expiresOf(request.raw, 3600), this.port.maxExpires);
    connection.send(
      this.port.subscriptions.subscribe(request, connection, event, this.port.directory.aorOf(user), this.port.directory.aorOf(username), expires),
    );
  }

  notifyBody(event: EventPackage, target: string, version: number): { body: string; contentType: string } {
    const { presence, registrar, tracker } = this.port;
    if (event === 'presence') {
      const published = presence.current(target);
      return {
        body: published?.body ?? defaultPidf(target, registrar.lookup(target).length > 0),
        contentType: published?.contentType ?? 'application/pidf+xml',
      };
    }
    const dialogs = [...tracker.forEntity(target), ...this.justEnded.filter((d) => d.entity === target)];
    return { body: dialogInfoXml(target, version, dialogs), contentType: 'application/dialog-info+xml' };
  }

  /** Tells the watchers of the dialog's party; a dialog that just terminated is shown this once. */
  dialogChanged(dialog: TrackedDialog): void {
    if (dialog.state === 'terminated') this.justEnded.push(dialog);
    try {
      this.port.subscriptions.entityChanged('dialog', dialog.entity);
    } finally {
      if (dialog.state === 'terminated') this.justEnded = this.justEnded.filter((d) => d !== dialog);
    }
  }

  /** May ring-group member `aor` be offered a call, by its published presence? */
  available(aor: string): boolean {
    const published = this.port.presence.current(aor);
    if (!published) return !this.port.requirePresence;
    return this.port.isAvailable(summarisePidf(published.body));
  }
}
