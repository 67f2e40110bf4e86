/**
 * Presence towards the phone system: PUBLISH the agent's status as PIDF where the server supports
 * it (a 405/501 or any refusal turns publishing off for the session, logged once), and SUBSCRIBE to
 * colleagues' `dialog` and `presence` event packages to show their lamp: on a call, ringing,
 * available, away or offline (colleague-lamp.ts).
 *
 * PUBLISH lifecycle (why it is more than `publisher.publish()`): sip.js's Publisher throws
 * "Invalid state transition from Terminated to Published" from inside the transport's message
 * handler (an uncaught error in the page) when a 2xx arrives for a Publisher that a failed
 * response (a 408 under load, a 500) already Terminated; the agent changes status twice per call,
 * so a second PUBLISH was often in flight when the first failed. So:
 * - at most one PUBLISH of ours is in flight; a status asked for meanwhile waits, and only the
 *   latest waiting one is sent (presence is a state, the intermediate ones are stale);
 * - a Publisher that Terminated is never used again: the next status gets a fresh one;
 * - dispose waits (bounded) for the PUBLISH in flight before unpublishing;
 * - and, as the last line, a response that still reaches a Publisher that ended is logged, never thrown.
 */
import { Publisher, PublisherState, Subscriber, SubscriptionState, type URI, type UserAgent } from 'sip.js';
import type { IncomingResponseMessage, OutgoingPublishRequest } from 'sip.js/lib/core/index.js';
import type { Clock, LineState, Logger, PresenceStatus } from '../../core/index.ts';
import { lineStateFromDialogInfo, pidfFor, presenceFromPidf } from './presence-documents.ts';
import { ColleagueLamp } from './colleague-lamp.ts';

/** How long dispose waits for a PUBLISH in flight before it unpublishes anyway. */
export const PUBLISH_SETTLE_MS = 3000;

/**
 * A sip.js Publisher that reports the final response to its latest request (412/423 recoveries,
 * which sip.js re-sends by itself, are not final) and never lets a late response throw.
 */
class TrackedPublisher extends Publisher {
  /** The latest request's Call-ID (each PUBLISH has its own; an authentication retry keeps it, with a new CSeq). */
  private lastCallId = '';
  /** Called once the latest request has its final answer (or the publisher ended). */
  onSettled: (() => void) | undefined;
  onLateResponse: ((statusCode: number, error: unknown) => void) | undefined;

  protected override send(): OutgoingPublishRequest {
    const request = super.send();
    this.lastCallId = request.message.callId;
    return request;
  }

  protected override receiveResponse(response: IncomingResponseMessage): void {
    const code = response.statusCode ?? 0;
    try {
      super.receiveResponse(response);
    } catch (error) {
      // sip.js refusing a state change: the response belongs to a publication that already ended.
      this.onLateResponse?.(code, error);
    }
    if (code < 200 || response.callId !== this.lastCallId) return;
    const recovering = (code === 412 || code === 423) && this.state !== PublisherState.Terminated;
    if (!recovering) this.onSettled?.();
  }
}

export class PresenceClient {
  private publisher: TrackedPublisher | undefined;
  private publishUnsupported = false;
  private disposed = false;
  /** The status to send once the PUBLISH in flight is answered (the latest asked for). */
  private pending: PresenceStatus | undefined;
  private inFlight = false;
  private readonly drained = new Set<() => void>();
  /** Each colleague's `dialog` and `presence` subscriptions. */
  private readonly watched = new Map<string, readonly Subscriber[]>();

  constructor(
    private readonly ua: UserAgent,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly uriFor: (user: string) => URI,
    private readonly ownUri: () => URI,
    private readonly report: (extension: string, state: LineState) => void,
  ) {}

  /**
   * Publishes `status`. Resolves once it (or a later status that replaced it) is answered: 200,
   * or a refusal that turns publishing off, or a failure that is logged.
   */
  publish(status: PresenceStatus): Promise<void> {
    if (this.publishUnsupported || this.disposed) return Promise.resolve();
    this.pending = status;
    const done = new Promise<void>((resolve) => this.drained.add(resolve));
    this.next();
    return done;
  }

  /** Sends the pending status when nothing is in flight; resolves waiters once all is answered. */
  private next(): void {
    if (this.inFlight) return;
    const status = this.pending;
    this.pending = undefined;
    if (status === undefined || this.publishUnsupported || this.disposed) {
      for (const resolve of [...this.drained]) resolve();
      this.drained.clear();
      return;
    }
    const publisher = this.currentPublisher();
    this.inFlight = true;
    let settled = false;
    publisher.onSettled = () => {
      if (settled) return;
      settled = true;
      this.inFlight = false;
      this.next();
    };
    void publisher.publish(pidfFor(this.ownUri().toString(), status)).catch((error: unknown) => {
      this.logger.log('warn', 'PUBLISH could not be sent', { error: String(error) });
      publisher.onSettled?.();
    });
  }

  private currentPublisher(): TrackedPublisher {
    if (this.publisher && this.publisher.state !== PublisherState.Terminated) return this.publisher;
    const publisher = new TrackedPublisher(this.ua, this.ownUri(), 'presence', { contentType: 'application/pidf+xml', expires: 600 });
    let published = false;
    publisher.onLateResponse = (statusCode, error) =>
      this.logger.log('warn', 'PUBLISH answered after its publication ended; ignored', { statusCode, error: String(error) });
    publisher.stateChange.addListener((s) => {
      if (s === PublisherState.Published) published = true;
      if (s !== PublisherState.Terminated) return;
      // sip.js disposes a Terminated publisher; it can never publish again.
      if (this.publisher === publisher) this.publisher = undefined;
      if (!published && !this.publishUnsupported) {
        // Refused before it ever worked: the server has no presence (405/501) or forbids it.
        this.publishUnsupported = true;
        this.logger.log('info', 'the phone system does not accept PUBLISH; presence is not sent to it');
      } else if (published) {
        this.logger.log('warn', 'the presence publication ended (a PUBLISH failed); the next status starts a new one');
      }
      // A failure is final for the request in flight (sip.js may report it before the response hook).
      publisher.onSettled?.();
    });
    this.publisher = publisher;
    return publisher;
  }

  async watch(extensions: readonly string[]): Promise<void> {
    const wanted = new Set(extensions);
    for (const [ext, subscribers] of this.watched) {
      if (!wanted.has(ext)) {
        this.watched.delete(ext);
        await Promise.all(subscribers.map((sub) => sub.unsubscribe().catch(() => {})));
      }
    }
    await Promise.all(
      [...wanted]
        .filter((ext) => !this.watched.has(ext))
        .map(async (ext) => {
          const lamp = new ColleagueLamp();
          const dialog = this.subscribe(ext, 'dialog', 'application/dialog-info+xml', (body) => {
            const state = lineStateFromDialogInfo(body);
            if (state) this.report(ext, lamp.dialog(state));
          });
          const presence = this.subscribe(ext, 'presence', 'application/pidf+xml', (body) => {
            const reading = presenceFromPidf(body);
            if (reading) this.report(ext, lamp.presenceChanged(reading));
          });
          const watch = [dialog, presence];
          // A refused or ended dialog subscription: we no longer know, the colleague is likely signed
          // out. A presence subscription a server refuses (no presence package) only loses that half.
          dialog.stateChange.addListener((s) => {
            if (s === SubscriptionState.Terminated && this.watched.get(ext) === watch) {
              this.watched.delete(ext);
              void presence.dispose().catch(() => {});
              this.report(ext, lamp.dialog('offline'));
            }
          });
          this.watched.set(ext, watch);
          await Promise.all([dialog.subscribe(), presence.subscribe()]);
        }),
    );
  }

  private subscribe(ext: string, event: 'dialog' | 'presence', accept: string, onBody: (body: string) => void): Subscriber {
    const subscriber = new Subscriber(this.ua, this.uriFor(ext), event, { expires: 600, extraHeaders: [`Accept: ${accept}`] });
    subscriber.delegate = {
      onNotify: (notification) => {
        notification.accept();
        onBody(notification.request.body ?? '');
      },
    };
    return subscriber;
  }

  /**
   * Ends the subscriptions and the publication. A PUBLISH in flight is waited for (at most
   * PUBLISH_SETTLE_MS) so the removal carries the current entity tag; statuses not yet sent are dropped.
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.pending = undefined;
    const subs = [...this.watched.values()].flat();
    this.watched.clear();
    await Promise.all(subs.map((s) => s.dispose().catch(() => {})));
    if (this.inFlight) {
      await new Promise<void>((resolve) => {
        const cancel = this.clock.setTimeout(resolve, PUBLISH_SETTLE_MS);
        this.drained.add(() => {
          cancel();
          resolve();
        });
      });
    }
    const publisher = this.publisher;
    this.publisher = undefined;
    await publisher?.dispose().catch(() => {});
  }
}
