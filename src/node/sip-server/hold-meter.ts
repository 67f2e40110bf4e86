/**
 * The hold and interaction metrics of one call, as Salesforce's VoiceCall takes them from the
 * phone system (`numberOfHolds`, `totalHoldDuration`, `longestHoldDuration`,
 * `agentInteractionDuration`, `acceptTime`): fed with the moment the agent answered and every
 * accepted change of the call's media direction, read once at the end.
 *
 * The state is the call's, not a dialog's: a softphone that takes its call back after a reload
 * (INVITE with Replaces) continues the same hold, so a held call stays one hold across it.
 */

export interface HoldMetrics {
  /** ISO 8601: when the agent answered. */
  readonly acceptTime: string;
  readonly numberOfHolds: number;
  /** Whole seconds. */
  readonly totalHoldDuration: number;
  readonly longestHoldDuration: number;
  /** Answered to end, minus the time on hold; whole seconds. */
  readonly agentInteractionDuration: number;
}

export class HoldMeter {
  private answeredAt: number | undefined;
  private heldSince: number | undefined;
  private holds = 0;
  private heldMs = 0;
  private longestMs = 0;

  /** The agent answered (only the first answer counts: a take-back is no new answer). */
  answered(at: number): void {
    this.answeredAt ??= at;
  }

  get isAnswered(): boolean {
    return this.answeredAt !== undefined;
  }

  get onHold(): boolean {
    return this.heldSince !== undefined;
  }

  /** The media direction the two sides agreed on at `at`: a new hold starts, or the one open ends. */
  held(held: boolean, at: number): void {
    if (this.answeredAt === undefined) return;
    if (held && this.heldSince === undefined) {
      this.heldSince = at;
      this.holds++;
    } else if (!held && this.heldSince !== undefined) {
      this.close(at);
    }
  }

  /** The metrics at the call's end (a hold still open counts until then); undefined for a call never answered. */
  end(at: number): HoldMetrics | undefined {
    if (this.answeredAt === undefined) return undefined;
    if (this.heldSince !== undefined) this.close(at);
    const talkedMs = Math.max(0, at - this.answeredAt - this.heldMs);
    return {
      acceptTime: new Date(this.answeredAt).toISOString(),
      numberOfHolds: this.holds,
      totalHoldDuration: seconds(this.heldMs),
      longestHoldDuration: seconds(this.longestMs),
      agentInteractionDuration: seconds(talkedMs),
    };
  }

  private close(at: number): void {
    const ms = Math.max(0, at - (this.heldSince ?? at));
    this.heldSince = undefined;
    this.heldMs += ms;
    this.longestMs = Math.max(this.longestMs, ms);
  }
}

function seconds(ms: number): number {
  return Math.round(ms / 1000);
}
