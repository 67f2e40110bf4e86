/**
 * Screen pops and the records a call is related to: the CRM's search for the caller (on ring or on
 * answer), what it found kept back for a waiting call until it is answered, and the records the
 * agent opens during a call.
 */
import type { Call, CallSnapshot } from '../call/call.ts';
import type { RecordRef } from '../call/call-types.ts';
import { SwitchboardError, toSwitchboardError } from '../errors/catalog.ts';
import type { CrmPort, ScreenPopOutcome } from '../ports/crm-port.ts';
import type { ConnectorSettings } from '../settings/connector-settings.ts';
import type { CallBoard } from './call-board.ts';
import type { AgentCommand } from './commands.ts';

/** How long after a call ended a navigation to one of its records is still its pop landing late. */
const LATE_POP_MS = 10_000;

export type RecordCommand = Extract<AgentCommand, { type: 'choose-record' | 'relate' }>;

/** What the pops read of the engine, and what they hand back to it. */
export interface ScreenPopHost {
  /** Calls that ended, newest first (the engine's `recent`). */
  recent(): readonly CallSnapshot[];
  now(): number;
  /** A call changed: commit the calls. */
  publish(): void;
  error(error: SwitchboardError): void;
}

export class ScreenPops {
  /**
   * Call waiting: what the pop found for a call that rang while another conversation held the
   * agent's workspace, opened only when the agent answers it.
   */
  private readonly waitingPops = new Map<string, ScreenPopOutcome>();
  /** Screen pops still searching, by call: a call's log waits for its pop (the pop never rejects). */
  private readonly popsInFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly crm: CrmPort,
    private readonly calls: CallBoard,
    private readonly host: ScreenPopHost,
  ) {}

  /** The agent chose a record for the call, or which of its records its log names. */
  async run(command: RecordCommand): Promise<void> {
    switch (command.type) {
      case 'choose-record': {
        const call = this.calls.require(command.callId);
        call.relate(command.record);
        call.note(this.host.now(), 'pop', `agent chose ${command.record.objectType} ${command.record.name ?? command.record.id}`);
        this.host.publish();
        if (this.crm.capabilities.screenPop) await this.crm.openRecord(command.record);
        return;
      }
      case 'relate': {
        const call = this.calls.require(command.callId);
        try {
          call.chooseRelations({
            ...(command.whoId !== undefined ? { whoId: command.whoId } : {}),
            ...(command.whatId !== undefined ? { whatId: command.whatId } : {}),
          });
        } catch (error) {
          throw new SwitchboardError('SB40002', error instanceof Error ? error.message : String(error));
        }
        const { who, what } = call.snapshot().relations;
        const named = [who, what].flatMap((r) => (r ? [`${r.objectType} ${r.name ?? r.id}`] : []));
        call.note(this.host.now(), 'pop', `agent related the call to ${named.join(' and ') || 'no record'}`);
        this.host.publish();
        return;
      }
    }
  }

  /** Searches the CRM for the call's caller; `navigate` false: look up only (a waiting call). Never rejects. */
  pop(call: Call, navigate = true): Promise<void> {
    const running = this.runScreenPop(call, navigate).finally(() => {
      if (this.popsInFlight.get(call.id) === running) this.popsInFlight.delete(call.id);
    });
    this.popsInFlight.set(call.id, running);
    return running;
  }

  /** The call's pop still searching, if it is. */
  inFlight(callId: string): Promise<void> | undefined {
    return this.popsInFlight.get(callId);
  }

  /**
   * An offered call was answered: pop now where the call center pops on answer, or open what a
   * waiting call's pop found.
   */
  answered(call: Call, popTiming: ConnectorSettings['popTiming'] | undefined): void {
    if (call.snapshot().direction === 'inbound' && this.crm.capabilities.screenPop && popTiming === 'answer') {
      void this.pop(call);
    }
    const waiting = this.waitingPops.get(call.id);
    this.waitingPops.delete(call.id);
    if (waiting) void this.openWaitingPop(call, waiting);
  }

  /** The call connected or ended: what its pop found is no longer waiting for an answer. */
  forget(callId: string): void {
    this.waitingPops.delete(callId);
  }

  /**
   * The console moved to a record: if the agent is working a call (the one in the panel, unless it
   * is still ringing) the record becomes one the call can be related to.
   */
  recordOpened(record: RecordRef): void {
    const call = this.calls.get(this.calls.active() ?? '');
    if (!call || call.state === 'offering' || call.snapshot().direction === 'internal') return;
    // A record the connector opened for another call (its pop can land after that call ended)
    // belongs to that call, not to the one in the panel.
    if (this.calls.belongsToAnotherCall(record.id, call.id, this.host.recent(), this.host.now() - LATE_POP_MS)) return;
    if (!call.opened(record)) return;
    call.note(this.host.now(), 'pop', `agent opened ${record.objectType} ${record.name ?? record.id} during the call`);
    this.host.publish();
  }

  /** The waiting call was answered: open what its pop found, as the pop would have on ring. */
  private async openWaitingPop(call: Call, outcome: ScreenPopOutcome): Promise<void> {
    const { crm, host } = this;
    if (outcome.kind === 'single' && outcome.records[0]) {
      const record = outcome.records[0];
      try {
        await crm.openRecord(record);
        call.note(host.now(), 'pop', `answered: opened ${record.objectType} ${record.name ?? record.id}`);
      } catch (error) {
        const e = toSwitchboardError(error, 'SB30002');
        call.note(host.now(), 'error', `screen pop failed: ${e.message}`);
        host.error(e);
      }
      host.publish();
    } else if (outcome.kind === 'none') {
      // The layout's no-match action (a new-record form) runs now, for this caller.
      await this.pop(call);
    }
  }

  private async runScreenPop(call: Call, navigate: boolean): Promise<void> {
    const { host } = this;
    const s = call.snapshot();
    try {
      const outcome = await this.crm.screenPop({
        callId: s.id,
        direction: s.direction,
        remote: s.remote,
        attachedData: s.attachedData,
        ...(navigate ? {} : { navigate }),
      });
      for (const line of outcome.explanation) call.note(host.now(), 'pop', line);
      if (!navigate) {
        // Answered while the search ran: open it now; else when answered (see `answered`).
        if (call.state === 'offering') this.waitingPops.set(call.id, outcome);
        else if (call.state === 'active') void this.openWaitingPop(call, outcome);
      }
      const current = call.snapshot().relations;
      if (outcome.kind === 'single' && outcome.records[0]) {
        call.setRelations({ ...current, candidates: outcome.records });
        call.relate(outcome.records[0]);
        for (const record of outcome.related ?? []) call.relate(record, false);
      } else if (outcome.kind === 'multiple') {
        call.setRelations({ ...current, candidates: outcome.records });
      }
    } catch (error) {
      const e = toSwitchboardError(error, 'SB30002');
      call.note(host.now(), 'error', `screen pop failed: ${e.message}`);
      host.error(e);
    }
    host.publish();
  }
}
