/**
 * The requests the server sends on its own (the NOTIFYs of subscriptions), waiting for their final
 * response by Via branch. Over WebSocket nothing is retransmitted; a request unanswered within
 * 32 s (64×T1, Timer F), or that could not be sent, ends as 408.
 */
import type { Clock } from '../../core/index.ts';
import type { SipConnection } from './connection.ts';
import type { SipResponse } from './sip-message.ts';

const TIMEOUT_MS = 32_000;

export class LocalRequests {
  private readonly pending = new Map<string, { onFinal: (status: number) => void; cancel: () => void }>();

  constructor(private readonly clock: Pick<Clock, 'setTimeout'>) {}

  /** Sends `text` (whose top Via carries `branch`); `onFinal` gets the final status, 408 on timeout. */
  send(connection: SipConnection, text: string, branch: string, onFinal: (status: number) => void): void {
    const cancel = this.clock.setTimeout(() => {
      if (this.pending.delete(branch)) onFinal(408);
    }, TIMEOUT_MS);
    this.pending.set(branch, { onFinal, cancel });
    if (!connection.send(text)) {
      this.pending.delete(branch);
      cancel();
      onFinal(408);
    }
  }

  /** True when `response` answers one of ours (a final one settles it; a provisional one changes nothing). */
  settle(response: SipResponse): boolean {
    const local = response.viaBranch ? this.pending.get(response.viaBranch) : undefined;
    if (!local) return false;
    if (response.status >= 200) {
      this.pending.delete(response.viaBranch as string);
      local.cancel();
      local.onFinal(response.status);
    }
    return true;
  }

  /** Forgets every pending request (the server closes): no callback runs. */
  dispose(): void {
    for (const r of this.pending.values()) r.cancel();
    this.pending.clear();
  }
}
