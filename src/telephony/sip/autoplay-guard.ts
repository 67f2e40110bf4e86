/**
 * Whether the browser lets the ringer be heard. Browsers' autoplay policies hold sound back in a page
 * nobody has clicked yet (Chromium's `document-user-activation-required`): an <audio> element's
 * play() rejects with NotAllowedError, and an AudioContext stays 'suspended' — its resume() neither
 * resolves nor rejects until a user gesture. The ringer is a tone made in the AudioContext and
 * played through an <audio> element, so either refusal means a call that rings in silence, which
 * the agent must be told about (they would miss calls otherwise).
 *
 * The guard records both refusals and says when they are gone: a later play that starts, the
 * context running. Only the latest check counts (a ring that stopped before its check ended says
 * nothing about the next one).
 */
import type { Clock } from '../../core/index.ts';

/** The part of AudioContext the guard uses. */
export interface ContextLike {
  readonly state: string;
  resume(): Promise<void>;
  addEventListener(type: 'statechange', listener: () => void): void;
  removeEventListener(type: 'statechange', listener: () => void): void;
}

/** How long a suspended context gets to start after resume() before the ring counts as held back. */
export const RESUME_GRACE_MS = 1000;

/** A play() refused by the autoplay policy (not one interrupted by a pause, which says nothing). */
export function isAutoplayRefusal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'NotAllowedError';
}

/** What a play() answered: heard, refused by the policy, or unknown (interrupted, another failure). */
async function playOutcome(started: Promise<void>): Promise<boolean | undefined> {
  try {
    await started;
    return true;
  } catch (error) {
    return isAutoplayRefusal(error) ? false : undefined;
  }
}

export class AutoplayGuard {
  /** The last play() of the ringer was refused by the autoplay policy. */
  private refused = false;
  /** The AudioContext would not run (so the ringer's tone is silence even if its element plays). */
  private held = false;
  private seq = 0;
  private watched: ContextLike | undefined;
  private readonly onState = (): void => {
    if (this.watched?.state === 'running') this.set({ held: false });
  };

  constructor(
    private readonly clock: Clock,
    private readonly onChange: () => void,
    private readonly graceMs = RESUME_GRACE_MS,
  ) {}

  /** The browser keeps the ringer silent until a user gesture. */
  get blocked(): boolean {
    return this.refused || this.held;
  }

  /**
   * The ringer was asked to start on `context`; `started` is its element's play(). Settles once it
   * is known whether the ring is heard; never rejects.
   */
  async check(context: ContextLike, started: Promise<void>): Promise<void> {
    const seq = ++this.seq;
    this.watch(context);
    const [played, running] = await Promise.all([playOutcome(started), this.running(context)]);
    if (seq !== this.seq) return;
    this.set({ held: !running, ...(played !== undefined ? { refused: !played } : {}) });
  }

  /**
   * Runs in a user gesture (a click): resumes the context and replays the ringer when it rings
   * (`replay`). Clears the block once sound plays; never rejects.
   */
  async unblock(context: ContextLike, replay?: () => Promise<void>): Promise<void> {
    const seq = ++this.seq;
    this.watch(context);
    // Both start inside the gesture, before anything is awaited.
    const resumed = context.resume().then(
      () => true,
      () => false,
    );
    const played = replay ? playOutcome(replay()) : undefined;
    const running = (await resumed) && context.state === 'running';
    const heard = played ? await played : running || undefined;
    if (seq !== this.seq) return;
    this.set({ held: !running, ...(heard !== undefined ? { refused: !heard } : {}) });
  }

  dispose(): void {
    this.watched?.removeEventListener('statechange', this.onState);
    this.watched = undefined;
  }

  private watch(context: ContextLike): void {
    if (this.watched === context) return;
    this.dispose();
    this.watched = context;
    context.addEventListener('statechange', this.onState);
  }

  /** Whether the context runs, giving a suspended one `graceMs` to start (resume() may never settle). */
  private async running(context: ContextLike): Promise<boolean> {
    if (context.state === 'running') return true;
    let cancel = (): void => {};
    const timeout = new Promise<void>((resolve) => {
      cancel = this.clock.setTimeout(resolve, this.graceMs);
    });
    await Promise.race([context.resume().catch(() => {}), timeout]);
    cancel();
    return context.state === 'running';
  }

  private set(next: { readonly refused?: boolean; readonly held?: boolean }): void {
    const before = this.blocked;
    if (next.refused !== undefined) this.refused = next.refused;
    if (next.held !== undefined) this.held = next.held;
    if (this.blocked !== before) this.onChange();
  }
}
