/**
 * Where the agent is looking: each softphone tab says whether its page is visible and when it last
 * gained the agent's attention, so the leader can screen-pop in that tab's console rather than its
 * own (tab-relay.ts carries it; softphone-runtime.ts routes the pops).
 *
 * The softphone is a cross-origin frame inside Salesforce, so what it can observe is narrow and
 * that decides the signals: `document.visibilityState` (the page is the front tab of a window that
 * is not minimised; the browser tells every frame of the page when that changes), and focus or a
 * pointer press inside the frame itself (the agent works in this tab's softphone). Focus elsewhere
 * in the Salesforce page is invisible to a cross-origin frame. Opening counts as a gain too: a tab
 * the agent just opened is in front.
 *
 * Chosen: the visible tab that gained attention last. Two windows side by side are both visible;
 * the one the agent last brought up or clicked into wins. When no tab is visible (the browser is
 * minimised), the leader pops in its own console, as before.
 */
import type { Clock } from '../../core/index.ts';

export interface TabAttention {
  /** The page is visible (document.visibilityState === 'visible'). */
  readonly visible: boolean;
  /** When the tab last became visible or was focused or pressed (epoch ms); comparable across tabs of a browser. */
  readonly at: number;
}

/** A source of this tab's attention; injected so Node tests drive a fake. */
export interface AttentionSource {
  current(): TabAttention;
  onChange(listener: (attention: TabAttention) => void): () => void;
  dispose(): void;
}

export function isTabAttention(value: unknown): value is TabAttention {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Record<string, unknown>;
  return typeof o['visible'] === 'boolean' && typeof o['at'] === 'number' && Number.isFinite(o['at']);
}

/**
 * The tab (an id from `candidates`, or `self`) the agent is looking at: visible, with the latest
 * gain. `self` wins ties and is the answer when no tab is visible.
 */
export function attendedTab(self: { readonly id: string; readonly attention: TabAttention }, candidates: ReadonlyMap<string, TabAttention>): string {
  let best = self.attention.visible ? self : undefined;
  for (const [id, attention] of candidates) {
    if (!attention.visible || id === self.id) continue;
    if (!best || attention.at > best.attention.at) best = { id, attention };
  }
  return best?.id ?? self.id;
}

/** The part of the DOM the browser source listens to (a frame's document and window). */
export interface AttentionDocument {
  readonly visibilityState: string;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

export interface AttentionWindow {
  addEventListener(type: 'focus' | 'pointerdown', listener: () => void, options?: { capture?: boolean }): void;
  removeEventListener(type: 'focus' | 'pointerdown', listener: () => void, options?: { capture?: boolean }): void;
}

/** This frame's attention from its document's visibility and its window's focus and pointer presses. */
export class DocumentAttention implements AttentionSource {
  private state: TabAttention;
  private readonly listeners = new Set<(attention: TabAttention) => void>();
  /** Becoming visible, focus and a press are each a gain now; becoming hidden keeps the time of the last gain. */
  private readonly onEvent = (): void => {
    const visible = this.doc.visibilityState === 'visible';
    this.state = { visible, at: visible ? this.clock.now() : this.state.at };
    for (const listener of [...this.listeners]) listener(this.state);
  };

  constructor(
    private readonly doc: AttentionDocument,
    private readonly win: AttentionWindow,
    private readonly clock: Clock,
  ) {
    this.state = { visible: doc.visibilityState === 'visible', at: clock.now() };
    doc.addEventListener('visibilitychange', this.onEvent);
    win.addEventListener('focus', this.onEvent);
    win.addEventListener('pointerdown', this.onEvent, { capture: true });
  }

  current(): TabAttention {
    return this.state;
  }

  onChange(listener: (attention: TabAttention) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.doc.removeEventListener('visibilitychange', this.onEvent);
    this.win.removeEventListener('focus', this.onEvent);
    this.win.removeEventListener('pointerdown', this.onEvent, { capture: true });
    this.listeners.clear();
  }
}
