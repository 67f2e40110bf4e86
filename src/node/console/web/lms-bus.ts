/**
 * Lightning Message Service inside the console page: channels are the org's message channels;
 * every subscriber of a channel (the softphone frame's subscriptions and the page's own utilities,
 * such as Omni-Channel) receives each publish, the publisher included when it is subscribed.
 */
import { MESSAGE_CHANNELS } from '../opencti/web/protocol.ts';

export interface Subscription {
  readonly subscriptionId: string;
  readonly channelName: string;
}

type Deliver = (message: unknown, subscription: Subscription) => void;

export class LmsBus {
  private readonly subs = new Map<string, { sub: Subscription; deliver: Deliver; owner: string }>();
  private next = 1;

  knows(channelName: unknown): channelName is string {
    return typeof channelName === 'string' && MESSAGE_CHANNELS.includes(channelName);
  }

  subscribe(channelName: string, owner: string, deliver: Deliver): Subscription {
    const sub: Subscription = { subscriptionId: `${owner}-${this.next++}`, channelName };
    this.subs.set(sub.subscriptionId, { sub, deliver, owner });
    return sub;
  }

  unsubscribe(subscriptionId: string): boolean {
    return this.subs.delete(subscriptionId);
  }

  publish(channelName: string, message: unknown): number {
    let n = 0;
    for (const { sub, deliver } of [...this.subs.values()]) {
      if (sub.channelName !== channelName) continue;
      // Each subscriber gets its own copy, as structured clone across frames would give it.
      deliver(JSON.parse(JSON.stringify(message ?? null)), sub);
      n++;
    }
    return n;
  }

  list(): Subscription[] {
    return [...this.subs.values()].map((s) => s.sub);
  }

  dropOwner(owner: string): void {
    for (const [id, s] of this.subs) if (s.owner === owner) this.subs.delete(id);
  }
}
