/**
 * After-call work: a call the agent talked on waits in `wrap-up` for its notes and disposition
 * until the agent completes it or the call center's time limit runs out; then it is closed (and
 * logged). Where the CRM runs wrap-up itself (`externalWrapUp`), no limit is kept here.
 */
import type { Call, CallSnapshot } from '../call/call.ts';
import { SwitchboardError } from '../errors/catalog.ts';
import type { Clock } from '../ports/clock.ts';
import type { CrmPort } from '../ports/crm-port.ts';
import type { ConnectorSettings } from '../settings/connector-settings.ts';
import type { CallBoard } from './call-board.ts';
import type { AgentCommand } from './commands.ts';

export type WrapUpCommand = Extract<AgentCommand, { type: 'set-wrap-up' | 'complete-wrap-up' }>;

/** What wrap-up reads of the engine, and what it hands back to it. */
export interface WrapUpHost {
  settings(): ConnectorSettings | undefined;
  /** Calls that ended, newest first (the engine's `recent`). */
  recent(): readonly CallSnapshot[];
  /** Closes (and logs) the call. */
  close(call: Call, why: string): Promise<void>;
  /** A call changed: commit the calls. */
  publish(): void;
}

export class WrapUp {
  private readonly timers = new Map<string, () => void>();

  constructor(
    private readonly calls: CallBoard,
    private readonly crm: CrmPort,
    private readonly clock: Clock,
    private readonly host: WrapUpHost,
  ) {}

  async run(command: WrapUpCommand): Promise<void> {
    switch (command.type) {
      case 'set-wrap-up': {
        this.apply(this.calls.require(command.callId), command);
        this.host.publish();
        return;
      }
      case 'complete-wrap-up': {
        // Already closed (the time limit ran out, or a second surface sent it too): done, not an error.
        if (!this.calls.has(command.callId) && this.host.recent().some((c) => c.id === command.callId)) return;
        const call = this.calls.require(command.callId, ['wrap-up', 'ended']);
        this.apply(call, command);
        await this.host.close(call, 'wrap-up completed');
        return;
      }
    }
  }

  /** The call ended after the agent talked on it: after-call work, until `limitSeconds` (none when 0) or the CRM ends it. */
  begin(call: Call, limitSeconds: number): void {
    call.transition('wrap-up', this.clock.now(), 'after-call work');
    const limit = this.crm.capabilities.externalWrapUp ? 0 : limitSeconds;
    if (limit > 0) {
      const deadline = this.clock.now() + limit * 1000;
      call.update({ wrapUpDeadline: deadline });
      this.timers.set(
        call.id,
        this.clock.setTimeout(() => {
          if (call.state === 'wrap-up') void this.host.close(call, `wrap-up time limit (${limit} s) reached`);
        }, limit * 1000),
      );
    }
  }

  /** The call is closed: its time limit no longer runs. */
  ended(callId: string): void {
    this.timers.get(callId)?.();
    this.timers.delete(callId);
  }

  dispose(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  /**
   * Notes and disposition as the agent left them (null clears the disposition). A disposition
   * must be one the call center lists, when it lists any: reports group by it.
   */
  private apply(call: Call, edit: { readonly disposition?: string | null; readonly notes?: string }): void {
    const list = this.host.settings()?.dispositions ?? [];
    if (edit.disposition && list.length > 0 && !list.some((d) => d.code === edit.disposition)) {
      throw new SwitchboardError('SB40002', `'${edit.disposition}' is not a disposition of this call center (${list.map((d) => d.code).join(', ')}).`);
    }
    if (edit.notes !== undefined) call.update({ notes: edit.notes });
    if (edit.disposition !== undefined) call.setDisposition(edit.disposition);
  }
}
