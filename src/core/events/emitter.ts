/**
 * Typed event maps with isolated listeners.
 *
 * `type CallEvents = { ringing: [Call]; ended: [Call, EndReason] }`: the map names each event and the
 * tuple of its arguments. A listener that throws is reported to `onListenerError` and never breaks
 * the emitter or the other listeners (a broken UI must not stop a call from being logged).
 */
/** Constraint for event maps: every event names a tuple of arguments. */
export type EventMap<Events> = { [E in keyof Events]: readonly unknown[] };

export type Listener<Args extends readonly unknown[]> = (...args: Args) => void;

/** The read side of an emitter: what a port exposes to its users. */
export interface EventSource<Events extends EventMap<Events>> {
  /** Adds a listener and returns a function that removes it. */
  on<E extends keyof Events & string>(event: E, listener: Listener<Events[E]>): () => void;
  off<E extends keyof Events & string>(event: E, listener: Listener<Events[E]>): void;
}

export class Emitter<Events extends EventMap<Events>> implements EventSource<Events> {
  private readonly listeners = new Map<keyof Events, Set<Listener<Events[keyof Events]>>>();

  constructor(private readonly onListenerError: (event: string, error: unknown) => void = () => {}) {}

  on<E extends keyof Events & string>(event: E, listener: Listener<Events[E]>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener<Events[keyof Events]>);
    return () => this.off(event, listener);
  }

  off<E extends keyof Events & string>(event: E, listener: Listener<Events[E]>): void {
    this.listeners.get(event)?.delete(listener as Listener<Events[keyof Events]>);
  }

  emit<E extends keyof Events & string>(event: E, ...args: Events[E]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    // Copy: a listener may remove itself or add others while we iterate.
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[E]>)(...args);
      } catch (error) {
        this.onListenerError(event, error);
      }
    }
  }

  listenerCount(event: keyof Events & string): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.listeners.clear();
  }
}
