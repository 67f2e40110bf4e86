/**
 * Keeps short-lived SIP credentials fresh: mints, hands them over, and mints again before they
 * expire (see ../credentials/minted-credentials.ts for the schedule). A failed mint is retried with
 * capped exponential backoff; the current credential stays in use meanwhile, so a short Salesforce
 * outage costs nothing while the credential still has time to live.
 *
 * ```
 *   idle ──start()──▶ minting ──ok──▶ apply(first) ──▶ waiting ──timer──▶ minting ──ok──▶ apply(renewal)
 *                        │                                ▲                  │
 *                        └── fails ──▶ retry (backoff) ───┴──────────────────┘
 *   any ──stop()──▶ stopped (timers cancelled; a mint in flight is dropped when it returns)
 * ```
 *
 * Contract: `apply` is never called after `stop()`, and never twice at once.
 */
import { SwitchboardError, toSwitchboardError } from '../errors/catalog.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import { refreshDelayMs, type MintedSipCredentials } from '../credentials/minted-credentials.ts';

export interface CredentialRefresherOptions {
  readonly mint: () => Promise<MintedSipCredentials>;
  /**
   * Puts fresh credentials to use: `first` is the sign-in (register), later ones are renewals of a
   * live registration. A first apply that rejects ends the refresher (the phone system said no:
   * minting again would not change that); a renewal that rejects is retried like a failed mint.
   */
  readonly apply: (credentials: MintedSipCredentials, first: boolean) => Promise<void>;
  /**
   * A background attempt failed (the one `start()` awaits rejects instead). `retryAt` is when the
   * next attempt leaves; undefined when there is none.
   */
  readonly onError: (error: SwitchboardError, retryAt: number | undefined) => void;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly retry?: { readonly initialMs: number; readonly maxMs: number };
}

export const DEFAULT_MINT_RETRY = { initialMs: 2_000, maxMs: 60_000 } as const;
/** Renewals never come closer together than this, whatever the clocks say (no minting storm). */
const MIN_REFRESH_MS = 5_000;

export class CredentialRefresher {
  private cancelTimer: (() => void) | undefined;
  private stopped = false;
  private applied = false;
  private failures = 0;

  constructor(private readonly options: CredentialRefresherOptions) {}

  /** Mints and applies the first credentials; rejects when that fails (a failed mint is retried in the background). */
  start(): Promise<void> {
    return this.cycle();
  }

  /** Stops renewing. Idempotent. */
  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  get running(): boolean {
    return !this.stopped;
  }

  private async cycle(): Promise<void> {
    if (this.stopped) return;
    const first = !this.applied;
    let minted: MintedSipCredentials;
    try {
      minted = await this.options.mint();
    } catch (error) {
      throw this.failed(toSwitchboardError(error, 'SB30005'), true);
    }
    if (this.stopped) return;
    try {
      await this.options.apply(minted, first);
    } catch (error) {
      throw this.failed(toSwitchboardError(error), !first);
    }
    if (this.stopped) return;
    this.applied = true;
    this.failures = 0;
    const { clock, logger } = this.options;
    const delay = Math.max(MIN_REFRESH_MS, refreshDelayMs(lifetimeMs(minted, clock.now())));
    logger.log('info', first ? 'signed in with short-lived credentials' : 'short-lived credentials renewed', {
      extension: minted.extension,
      expiresAt: minted.expiresAt,
      renewInMs: delay,
    });
    this.schedule(delay);
  }

  /** Logs a failure and schedules the next attempt (when `retry`); returns the error to throw. */
  private failed(error: SwitchboardError, retry: boolean): SwitchboardError {
    if (this.stopped) return error;
    const { clock, logger } = this.options;
    let retryAt: number | undefined;
    if (retry) {
      const { initialMs, maxMs } = this.options.retry ?? DEFAULT_MINT_RETRY;
      const delay = Math.min(maxMs, initialMs * 2 ** this.failures);
      this.failures++;
      retryAt = clock.now() + delay;
      this.schedule(delay);
    } else {
      this.stop();
    }
    this.lastFailure = { error, retryAt };
    logger.log('warn', 'short-lived credentials could not be obtained or used', {
      code: error.code,
      message: error.message,
      attempt: this.failures,
      ...(retryAt !== undefined ? { retryAt } : {}),
    });
    return error;
  }

  private lastFailure: { readonly error: SwitchboardError; readonly retryAt: number | undefined } | undefined;

  private schedule(delayMs: number): void {
    this.cancelTimer?.();
    this.cancelTimer = this.options.clock.setTimeout(() => {
      this.cancelTimer = undefined;
      this.lastFailure = undefined;
      // A background attempt: nobody awaits it, so its failure is reported through onError.
      this.cycle().catch(() => {
        const failure = this.lastFailure;
        this.lastFailure = undefined;
        if (failure) this.options.onError(failure.error, failure.retryAt);
      });
    }, delayMs);
  }
}

/**
 * The credential's remaining life as seen here. The TTL counts from now, because the minting
 * server's clock may differ from ours; an `expiresAt` that is nearer by our clock wins (renewing
 * early costs a mint, renewing late costs the registration).
 */
function lifetimeMs(minted: MintedSipCredentials, now: number): number {
  const ttl = minted.ttlSeconds * 1000;
  const left = minted.expiresAt - now;
  return left > 0 && left < ttl ? left : ttl;
}
