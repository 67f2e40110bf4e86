/**
 * SUBSCRIBE / NOTIFY (RFC 6665) for the `presence` (RFC 3856, PIDF) and `dialog` (RFC 4235,
 * dialog-info) event packages. The server is the notifier: it answers SUBSCRIBE itself, sends a
 * NOTIFY at once and on every change of the watched entity, and a final
 * `Subscription-State: terminated` NOTIFY when the subscription expires or is ended (Expires 0).
 */
import type { Clock } from '../../core/index.ts';
import type { SipConnection } from './connection.ts';
import { buildResponse } from './message-build.ts';
import { RawMessage, randomHex, uriOf } from './message-edit.ts';
import type { SipRequest } from './sip-message.ts';

export type EventPackage = 'presence' | 'dialog';

export const EVENT_PACKAGES: readonly EventPackage[] = ['presence', 'dialog'];

export interface Subscription {
  readonly id: string;
  readonly event: EventPackage;
  /** The `Event` header value as the watcher sent it (keeps an `id` parameter). */
  readonly eventHeader: string;
  readonly target: string;
  readonly watcher: string;
  readonly connection: SipConnection;
  readonly callId: string;
  readonly localTag: string;
  readonly remoteFrom: string;
  readonly remoteUri: string;
  cseq: number;
  version: number;
  expiresAt: number;
  cancelTimer: () => void;
}

export interface NotifierPort {
  readonly clock: Clock;
  /** `<sip:...;transport=ws>` the server puts in Contact. */
  contact(): string;
  /** Runs `fn` after the current message is handled (so a 200 goes out before its NOTIFY). */
  defer(fn: () => void): void;
  /** A Via value with a fresh branch, and that branch. */
  via(): { value: string; branch: string };
  /** Sends a request the server originates; `onFinal` gets the final status (408 on timeout). */
  sendRequest(connection: SipConnection, text: string, branch: string, onFinal: (status: number) => void): void;
  /** The body to notify for `event` about `target`. */
  body(event: EventPackage, target: string, version: number): { body: string; contentType: string };
  changed(subscription: Subscription, state: 'active' | 'terminated'): void;
}

export const MAX_SUBSCRIPTION_SECONDS = 3600;

export class SubscriptionManager {
  private readonly subscriptions = new Map<string, Subscription>();

  constructor(private readonly port: NotifierPort) {}

  /** The key of the dialog a watcher's in-dialog request belongs to. */
  private static key(callId: string, localTag: string): string {
    return `${callId}\u0000${localTag}`;
  }

  /** True when `request` is inside one of our subscription dialogs. */
  owns(request: SipRequest): boolean {
    return request.toTag !== undefined && this.subscriptions.has(SubscriptionManager.key(request.callId, request.toTag));
  }

  /** Handles an initial SUBSCRIBE (already authorised) and returns the response to send. */
  subscribe(request: SipRequest, connection: SipConnection, event: EventPackage, target: string, watcher: string, expires: number): string {
    const raw = request.raw;
    const contact = raw.get('contact');
    if (!contact) return buildResponse(raw, 400, { reason: 'Missing Contact' });
    const seconds = Math.min(expires, MAX_SUBSCRIPTION_SECONDS);
    const localTag = randomHex(6);
    const subscription: Subscription = {
      id: randomHex(6),
      event,
      eventHeader: raw.get('event') ?? event,
      target,
      watcher,
      connection,
      callId: request.callId,
      localTag,
      remoteFrom: raw.get('from') ?? '',
      remoteUri: uriOf(contact),
      cseq: 0,
      version: 0,
      expiresAt: 0,
      cancelTimer: () => {},
    };
    const response = buildResponse(raw, seconds === 0 ? 200 : 200, {
      toTag: localTag,
      headers: [
        ['Contact', this.port.contact()],
        ['Expires', String(seconds)],
      ],
    });
    if (seconds === 0) {
      // A fetch (RFC 6665 4.4.3): one NOTIFY with the state, then done.
      this.port.defer(() => this.notify(subscription, 'terminated;reason=timeout'));
      return response;
    }
    this.subscriptions.set(SubscriptionManager.key(subscription.callId, localTag), subscription);
    this.arm(subscription, seconds);
    this.port.changed(subscription, 'active');
    this.port.defer(() => this.notify(subscription));
    return response;
  }

  /** Handles a SUBSCRIBE inside one of our dialogs (refresh or Expires 0). */
  refresh(request: SipRequest): string {
    const subscription = request.toTag ? this.subscriptions.get(SubscriptionManager.key(request.callId, request.toTag)) : undefined;
    if (!subscription) return buildResponse(request.raw, 481);
    const expires = expiresOf(request.raw, 3600);
    const seconds = Math.min(expires, MAX_SUBSCRIPTION_SECONDS);
    const response = buildResponse(request.raw, 200, {
      headers: [
        ['Contact', this.port.contact()],
        ['Expires', String(seconds)],
      ],
    });
    if (seconds === 0) {
      this.port.defer(() => this.end(subscription, 'timeout'));
    } else {
      this.arm(subscription, seconds);
      this.port.defer(() => this.notify(subscription));
    }
    return response;
  }

  /** Sends the current state to every watcher of `target` for `event`. */
  entityChanged(event: EventPackage, target: string): void {
    for (const s of this.subscriptions.values()) if (s.event === event && s.target === target) this.notify(s);
  }

  removeConnection(connection: SipConnection): void {
    for (const s of [...this.subscriptions.values()]) if (s.connection === connection) this.drop(s);
  }

  list(): Subscription[] {
    return [...this.subscriptions.values()];
  }

  get size(): number {
    return this.subscriptions.size;
  }

  dispose(): void {
    for (const s of this.subscriptions.values()) s.cancelTimer();
    this.subscriptions.clear();
  }

  private arm(subscription: Subscription, seconds: number): void {
    subscription.cancelTimer();
    subscription.expiresAt = this.port.clock.now() + seconds * 1000;
    subscription.cancelTimer = this.port.clock.setTimeout(() => this.end(subscription, 'timeout'), seconds * 1000);
  }

  private end(subscription: Subscription, reason: string): void {
    if (!this.subscriptions.has(SubscriptionManager.key(subscription.callId, subscription.localTag))) return;
    this.notify(subscription, `terminated;reason=${reason}`);
    this.drop(subscription);
  }

  private drop(subscription: Subscription): void {
    subscription.cancelTimer();
    if (this.subscriptions.delete(SubscriptionManager.key(subscription.callId, subscription.localTag))) {
      this.port.changed(subscription, 'terminated');
    }
  }

  private notify(subscription: Subscription, terminated?: string): void {
    const left = Math.max(0, Math.round((subscription.expiresAt - this.port.clock.now()) / 1000));
    const state = terminated ?? `active;expires=${left}`;
    const { body, contentType } = this.port.body(subscription.event, subscription.target, subscription.version++);
    const { value: via, branch } = this.port.via();
    subscription.cseq += 1;
    const out = RawMessage.parse(`NOTIFY ${subscription.remoteUri} SIP/2.0\r\n\r\n`) as RawMessage;
    out.append('Via', via);
    out.append('Max-Forwards', '70');
    out.append('From', `<${subscription.target}>;tag=${subscription.localTag}`);
    out.append('To', subscription.remoteFrom);
    out.append('Call-ID', subscription.callId);
    out.append('CSeq', `${subscription.cseq} NOTIFY`);
    out.append('Contact', this.port.contact());
    out.append('Event', subscription.eventHeader);
    out.append('Subscription-State', state);
    out.append('Content-Type', contentType);
    out.body = body;
    this.port.sendRequest(subscription.connection, out.toString(), branch, (status) => {
      // RFC 6665 4.2.2: a watcher that answers 481 (or not at all) has gone away.
      if (status === 481 || status === 408) this.drop(subscription);
    });
  }
}

/** Expires header (or default). Bad values count as the default. */
export function expiresOf(raw: RawMessage, fallback: number): number {
  const value = raw.get('expires');
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return fallback;
  return Number(value.trim());
}

/** The event package a SUBSCRIBE asks for, or undefined when it is not one we serve. */
export function eventPackageOf(raw: RawMessage): EventPackage | undefined {
  const value = raw.get('event');
  if (!value) return undefined;
  const name = value.split(';')[0].trim().toLowerCase();
  return (EVENT_PACKAGES as readonly string[]).includes(name) ? (name as EventPackage) : undefined;
}
