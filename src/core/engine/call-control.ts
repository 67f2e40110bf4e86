/**
 * The agent's commands on calls at the phone system: dial, answer, decline, hang up, hold, resume,
 * swap, mute, DTMF, with the one-talking-call rule (the others go on hold first).
 */
import { Call } from '../call/call.ts';
import type { Party, RecordRef } from '../call/call-types.ts';
import { isLive } from '../call/call-state.ts';
import { SwitchboardError } from '../errors/catalog.ts';
import type { TelephonyPort } from '../ports/telephony-port.ts';
import type { CallBoard } from './call-board.ts';
import type { AgentCommand } from './commands.ts';
import type { EngineState } from './engine-state.ts';
import { declineOptions } from './presence-policy.ts';

export type CallControlCommand = Extract<AgentCommand, { type: 'dial' | 'answer' | 'decline' | 'hangup' | 'hold' | 'resume' | 'swap' | 'mute' | 'dtmf' }>;

/** What call control reads of the engine, and what it hands back to it. */
export interface CallControlHost {
  telephony(): TelephonyPort;
  /** The engine's state as last committed (phase, presence, record in view, recent calls). */
  state(): EngineState;
  /** A colleague's number named as the transfer directory names them. */
  named(party: Party): Party;
  /** A new call (dialled) joins the engine's calls. */
  add(call: Call): void;
  /** A dialled number is looked up in the CRM as an inbound caller's is. */
  lookUp(call: Call): void;
  /** A call changed: commit the calls. */
  publish(): void;
  now(): number;
}

export class CallControl {
  constructor(
    private readonly calls: CallBoard,
    private readonly host: CallControlHost,
  ) {}

  async run(command: CallControlCommand): Promise<void> {
    const t = () => this.host.telephony();
    const presence = () => this.host.state().presence;
    switch (command.type) {
      case 'dial':
        return this.dial(command.number, command.record);
      case 'answer': {
        const call = this.calls.require(command.callId, ['offering']);
        // Answering while on another call: that one goes on hold first (one active call).
        await this.holdOthers(call.id);
        await t().answer(call.id);
        return;
      }
      case 'decline': {
        this.calls.require(command.callId, ['offering']);
        await t().decline(command.callId, declineOptions(presence()));
        return;
      }
      case 'hangup': {
        const call = this.calls.require(command.callId);
        if (call.state === 'offering') return t().decline(call.id, declineOptions(presence()));
        if (!isLive(call.state)) throw new SwitchboardError('SB40001', `The call is already ${call.state}.`);
        await t().hangup(call.id);
        return;
      }
      case 'hold':
        this.calls.require(command.callId, ['active']);
        return t().hold(command.callId);
      case 'resume':
        this.calls.require(command.callId, ['held']);
        await this.holdOthers(command.callId);
        return t().resume(command.callId);
      case 'swap': {
        const call = this.calls.require(command.callId, ['held', 'active']);
        await this.holdOthers(call.id);
        if (call.state === 'held') await t().resume(call.id);
        return;
      }
      case 'mute': {
        const call = this.calls.require(command.callId, ['active', 'held', 'transferring']);
        await t().setMuted(call.id, command.muted);
        call.update({ muted: command.muted });
        call.note(this.host.now(), 'mute', command.muted ? 'muted' : 'unmuted');
        this.host.publish();
        return;
      }
      case 'dtmf': {
        if (!/^[0-9*#A-Da-d]+$/.test(command.digits)) throw new SwitchboardError('SB40001', `'${command.digits}' is not a DTMF digit string.`);
        this.calls.require(command.callId, ['active']);
        return t().sendDtmf(command.callId, command.digits);
      }
    }
  }

  /** Puts every talking call but `exceptId` on hold (calls mixed in a conference stay as they are). */
  async holdOthers(exceptId: string | undefined): Promise<void> {
    for (const other of this.calls.values()) {
      if (other.id !== exceptId && other.state === 'active' && other.snapshot().conferencedWith.length === 0) {
        await this.host.telephony().hold(other.id);
      }
    }
  }

  private async dial(number: string, record?: RecordRef): Promise<void> {
    const { host } = this;
    const state = host.state();
    const trimmed = number.trim();
    if (!trimmed) throw new SwitchboardError('SB20004', 'Enter a number to dial.');
    if (state.phase !== 'ready') throw new SwitchboardError('SB20001', 'Sign in before dialling.');
    if (state.presence.status === 'offline') throw new SwitchboardError('SB40002', 'Go available or away before dialling.');
    if (this.calls.live().length >= 2) throw new SwitchboardError('SB40003');
    await this.holdOthers(undefined);
    const result = await host.telephony().dial({ target: trimmed, ...(record ? { attachedData: { recordId: record.id } } : {}) });
    // The record in view is the call's context, unless the connector put it there for another call.
    const { recordInView: inView, recent } = host.state();
    const related = record ?? (inView && !result.internal && !this.calls.belongsToAnotherCall(inView.id, result.callId, recent) ? inView : undefined);
    const call = new Call({
      id: result.callId,
      direction: result.internal ? 'internal' : 'outbound',
      origin: 'dialed',
      remote: host.named(result.remote),
      at: host.now(),
      ...(related ? { relatedRecord: related } : {}),
    });
    if (related)
      call.note(host.now(), 'pop', `related to ${related.objectType} ${related.name ?? related.id} (${record ? 'click-to-dial' : 'record in view'})`);
    host.add(call);
    // A number dialled without a record (keypad, call back from history) is searched as an inbound
    // caller's is, with the softphone layout's outbound section: one match becomes the call's who or
    // what (and pops if the layout says so), several are offered to the agent to choose from.
    if (!record && !result.internal) host.lookUp(call);
  }
}
