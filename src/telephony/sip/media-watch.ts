/**
 * Watches an established call's RTCPeerConnection for the media path dying with no hang-up: the far
 * end's BYE was lost (the SIP server was down) or the far end vanished (browser crashed, network
 * gone). Signalling cannot tell; the ICE consent checks (RFC 7675) that every WebRTC peer keeps
 * sending, held or not, can. Chromium reports the path `disconnected` a few seconds after the last
 * answered check, and `failed` when consent expires (about 30 s after the last packet received).
 *
 * ```
 *   up ──disconnected──▶ interrupted ──connected/completed──▶ up
 *   up / interrupted ──failed (or `graceMs` spent interrupted)──▶ failed   (terminal)
 *   any ──closed (we hung up) or stop()──▶ stopped                        (terminal)
 * ```
 *
 * `disconnected` alone MUST NOT end a call: a brief network blip recovers by itself. Without
 * recovery `failed` is the end of the call. A `recoverable` watch (its owner restarts ICE) reports
 * the browser's `failed` as `broken` and stays interrupted, watching for the restarted path to come
 * up; the owner calls `giveUp()` when it cannot bring it back:
 *
 * ```
 *   up / interrupted ──failed (recoverable)──▶ interrupted, broken() ──connected──▶ up
 *   interrupted ──giveUp()──▶ failed   (terminal)
 * ```
 */
import type { Clock } from '../../core/index.ts';

export type MediaPathState = 'up' | 'interrupted' | 'failed' | 'stopped';

export const MEDIA_PATH_TRANSITIONS: Readonly<Record<MediaPathState, readonly MediaPathState[]>> = {
  up: ['interrupted', 'failed', 'stopped'],
  interrupted: ['up', 'failed', 'stopped'],
  failed: [],
  stopped: [],
};

/** What the watch needs of a peer connection (a real RTCPeerConnection, or a test's stand-in). */
export type WatchedConnection = Pick<RTCPeerConnection, 'connectionState' | 'iceConnectionState' | 'addEventListener' | 'removeEventListener'>;

export interface MediaWatchHandlers {
  /** The path stopped answering consent checks; it may still come back. */
  interrupted(): void;
  /** The path answers again after an interruption. */
  restored(): void;
  /** The path is dead for good; called at most once, and nothing is called after it. */
  failed(detail: string): void;
  /**
   * Recoverable watches only: the browser gave the path up (`failed`); it is dead unless the owner
   * restarts ICE. Called once per interruption.
   */
  broken?(detail: string): void;
}

export class MediaWatch {
  private state: MediaPathState = 'up';
  private cancelGrace: (() => void) | undefined;
  private brokenReported = false;
  private readonly listener = (): void => this.check();

  /**
   * @param graceMs when set, an interruption that lasts this long counts as a failure even before the
   *   browser says `failed` (undefined: only the browser's `failed` state ends the path).
   * @param recoverable the owner restarts ICE: the browser's `failed` is reported as `broken`, not
   *   as the end (see the class comment).
   */
  constructor(
    private readonly pc: WatchedConnection,
    private readonly clock: Clock,
    private readonly handlers: MediaWatchHandlers,
    private readonly graceMs?: number,
    private readonly recoverable = false,
  ) {
    if (graceMs !== undefined && !(Number.isFinite(graceMs) && graceMs >= 0)) {
      throw new RangeError(`media loss grace must be a non-negative number of milliseconds, got ${graceMs}`);
    }
    pc.addEventListener('connectionstatechange', this.listener);
    pc.addEventListener('iceconnectionstatechange', this.listener);
    // The path may already be down by the time the call is established.
    this.check();
  }

  get pathState(): MediaPathState {
    return this.state;
  }

  stop(): void {
    this.transition('stopped');
  }

  /** Recoverable watches: the owner could not bring the path back; it is dead for good. */
  giveUp(detail: string): void {
    this.fail(detail);
  }

  private check(): void {
    const { connectionState, iceConnectionState } = this.pc;
    if (connectionState === 'closed' || iceConnectionState === 'closed') {
      this.transition('stopped');
    } else if (connectionState === 'failed' || iceConnectionState === 'failed') {
      const detail = `media connection lost (${connectionState === 'failed' ? 'connection' : 'ICE connection'} state failed)`;
      if (!this.recoverable) return this.fail(detail);
      if (this.transition('interrupted')) this.interrupt();
      if (this.state === 'interrupted' && !this.brokenReported) {
        this.brokenReported = true;
        this.handlers.broken?.(detail);
      }
    } else if (connectionState === 'disconnected' || iceConnectionState === 'disconnected') {
      if (this.transition('interrupted')) this.interrupt();
    } else if (this.state === 'interrupted' && isUp(connectionState, iceConnectionState)) {
      if (this.transition('up')) {
        this.brokenReported = false;
        this.handlers.restored();
      }
    }
  }

  private interrupt(): void {
    if (this.graceMs !== undefined) {
      const ms = this.graceMs;
      this.cancelGrace = this.clock.setTimeout(() => this.fail(`media connection lost (disconnected for ${ms} ms)`), ms);
    }
    this.handlers.interrupted();
  }

  private fail(detail: string): void {
    if (this.transition('failed')) this.handlers.failed(detail);
  }

  private transition(to: MediaPathState): boolean {
    if (!MEDIA_PATH_TRANSITIONS[this.state].includes(to)) return false;
    this.state = to;
    if (to !== 'interrupted') {
      this.cancelGrace?.();
      this.cancelGrace = undefined;
    }
    if (to === 'failed' || to === 'stopped') {
      this.pc.removeEventListener('connectionstatechange', this.listener);
      this.pc.removeEventListener('iceconnectionstatechange', this.listener);
    }
    return true;
  }
}

function isUp(connection: RTCPeerConnectionState, ice: RTCIceConnectionState): boolean {
  return connection === 'connected' && (ice === 'connected' || ice === 'completed');
}
