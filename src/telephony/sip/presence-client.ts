/**
 * Presence towards the phone system: PUBLISH the agent's status as PIDF where the server supports
 * it (a 405/501 or any refusal turns publishing off for the session, logged once), and SUBSCRIBE to
 * colleagues' `dialog` event package to show their line state (busy lamp).
 */
import { Publisher, PublisherState, Subscriber, SubscriptionState, type URI, type UserAgent } from 'sip.js';
import type { LineState, Logger, PresenceStatus } from '../../core/index.ts';
import { lineStateFromDialogInfo, pidfFor } from './presence-documents.ts';

export class PresenceClient {
  private publisher: Publisher | undefined;
  private publishUnsupported = false;
  private readonly watched = new Map<string, Subscriber>();

  constructor(
    private readonly ua: UserAgent,
    private readonly logger: Logger,
    private readonly uriFor: (user: string) => URI,
    private readonly ownUri: () => URI,
    private readonly report: (extension: string, state: LineState) => void,
  ) {}

  async publish(status: PresenceStatus): Promise<void> {
    if (this.publishUnsupported) return;
    if (!this.publisher) {
      const publisher = new Publisher(this.ua, this.ownUri(), 'presence', { contentType: 'application/pidf+xml', expires: 600 });
      let published = false;
      publisher.stateChange.addListener((s) => {
        if (s === PublisherState.Published) published = true;
        // Refused before it ever worked: the server has no presence (405/501) or forbids it.
        if (s === PublisherState.Terminated && !published && !this.publishUnsupported) {
          this.publishUnsupported = true;
          this.publisher = undefined;
          this.logger.log('info', 'the phone system does not accept PUBLISH; presence is not sent to it');
        }
      });
      this.publisher = publisher;
    }
    const publisher = this.publisher;
    // The first PUBLISH resolves once answered (200, or a refusal that turns publishing off);
    // refreshes with a new status resolve when sent (sip.js reports no state change for them).
    const answered =
      publisher.state === PublisherState.Initial
        ? new Promise<void>((resolve) => {
            const listener = (s: PublisherState): void => {
              if (s === PublisherState.Published || s === PublisherState.Terminated) {
                publisher.stateChange.removeListener(listener);
                resolve();
              }
            };
            publisher.stateChange.addListener(listener);
          })
        : Promise.resolve();
    await publisher.publish(pidfFor(this.ownUri().toString(), status));
    await answered;
  }

  async watch(extensions: readonly string[]): Promise<void> {
    const wanted = new Set(extensions);
    for (const [ext, sub] of this.watched) {
      if (!wanted.has(ext)) {
        this.watched.delete(ext);
        await sub.unsubscribe().catch(() => {});
      }
    }
    await Promise.all(
      [...wanted].filter((ext) => !this.watched.has(ext)).map(async (ext) => {
        const subscriber = new Subscriber(this.ua, this.uriFor(ext), 'dialog', {
          expires: 600,
          extraHeaders: ['Accept: application/dialog-info+xml'],
        });
        subscriber.delegate = {
          onNotify: (notification) => {
            notification.accept();
            const state = lineStateFromDialogInfo(notification.request.body ?? '');
            if (state) this.report(ext, state);
          },
        };
        subscriber.stateChange.addListener((s) => {
          // A refused or ended subscription: we no longer know, the colleague is likely signed out.
          if (s === SubscriptionState.Terminated && this.watched.get(ext) === subscriber) {
            this.watched.delete(ext);
            this.report(ext, 'offline');
          }
        });
        this.watched.set(ext, subscriber);
        await subscriber.subscribe();
      }),
    );
  }

  async dispose(): Promise<void> {
    const subs = [...this.watched.values()];
    this.watched.clear();
    await Promise.all(subs.map((s) => s.dispose().catch(() => {})));
    await this.publisher?.dispose().catch(() => {});
    this.publisher = undefined;
  }
}
