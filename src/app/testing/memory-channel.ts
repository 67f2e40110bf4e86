/**
 * BroadcastChannel between the "tabs" of a test: a message posted on one channel reaches every
 * other open channel of the same hub and name (never the sender), as a structured clone, on a
 * later task.
 */
import type { ChannelLike } from '../leadership/tab-relay.ts';

type Listener = (event: { readonly data: unknown }) => void;

export class MemoryChannelHub {
  private readonly channels = new Set<MemoryChannel>();
  /** Every message posted through the hub, on any name, in order (for assertions). */
  readonly log: unknown[] = [];
  /** Every message posted through the hub with its channel's name. */
  readonly named: { readonly name: string; readonly data: unknown }[] = [];

  open(name = 'default'): MemoryChannel {
    const channel = new MemoryChannel(this, name);
    this.channels.add(channel);
    return channel;
  }

  /** The names channels were opened with (for assertions). */
  get names(): string[] {
    return [...new Set([...this.channels].map((c) => c.name))];
  }

  /** @internal */
  deliver(from: MemoryChannel, message: unknown): void {
    const data = structuredClone(message);
    this.log.push(data);
    this.named.push({ name: from.name, data });
    for (const channel of this.channels) {
      if (channel !== from && channel.name === from.name) setTimeout(() => channel.receive(structuredClone(data)), 0);
    }
  }

  /** @internal */
  remove(channel: MemoryChannel): void {
    this.channels.delete(channel);
  }
}

export class MemoryChannel implements ChannelLike {
  private readonly listeners = new Set<Listener>();
  private closed = false;

  /** What this channel heard (for assertions: what a foreign page received). */
  readonly received: unknown[] = [];

  constructor(
    private readonly hub: MemoryChannelHub,
    readonly name: string,
  ) {}

  postMessage(message: unknown): void {
    if (this.closed) throw new DOMException('The channel is closed.', 'InvalidStateError');
    this.hub.deliver(this, message);
  }

  addEventListener(_type: 'message', listener: Listener): void {
    this.listeners.add(listener);
  }

  removeEventListener(_type: 'message', listener: Listener): void {
    this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    this.hub.remove(this);
  }

  /** @internal */
  receive(data: unknown): void {
    if (this.closed) return;
    this.received.push(data);
    for (const listener of [...this.listeners]) listener({ data });
  }
}
