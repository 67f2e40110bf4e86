/**
 * Transfers, consultations and conferences: the commands that hand a call on or join calls, the
 * transfer under way (what the call becomes if it fails, what its log says if it succeeds), and
 * what the end of a call means for the calls it was joined with.
 */
import { Call } from '../call/call.ts';
import type { EndReason, Party, TransferRecord } from '../call/call-types.ts';
import { isLive, type CallState } from '../call/call-state.ts';
import { SwitchboardError, toSwitchboardError } from '../errors/catalog.ts';
import type { TelephonyPort } from '../ports/telephony-port.ts';
import type { ConnectorSettings } from '../settings/connector-settings.ts';
import type { CallBoard } from './call-board.ts';
import { consultationOutcome, consultationRecord } from './call-log-entry.ts';
import type { AgentCommand } from './commands.ts';

export type TransferCommand = Extract<AgentCommand, { type: 'blind-transfer' | 'consult' | 'complete-transfer' | 'leave-conference' | 'conference' }>;

/** What the transfers read of the engine, and what they hand back to it. */
export interface TransferHost {
  telephony(): TelephonyPort;
  settings(): ConnectorSettings | undefined;
  /** A new call (a consultation) joins the engine's calls. */
  add(call: Call): void;
  /** A call changed: commit the calls. */
  publish(): void;
  now(): number;
}

export class CallTransfers {
  /** Transfers under way: what the call becomes if it fails, and what its log says if it succeeds. */
  private readonly transfers = new Map<string, { readonly kind: TransferRecord['kind']; readonly target: Party; readonly before: CallState }>();

  constructor(
    private readonly calls: CallBoard,
    private readonly host: TransferHost,
  ) {}

  async run(command: TransferCommand): Promise<void> {
    const t = () => this.host.telephony();
    const now = () => this.host.now();
    switch (command.type) {
      case 'blind-transfer': {
        const call = this.calls.require(command.callId, ['active', 'held']);
        return this.transfer(
          call,
          { kind: 'blind', target: this.withDirectoryName({ number: command.target.trim() }) },
          `blind transfer to ${command.target}`,
          () => t().blindTransfer(call.id, command.target),
        );
      }
      case 'consult': {
        const call = this.calls.require(command.callId, ['active', 'held']);
        // The consultation is a call too: with a second call already up (one waiting), no line is free.
        if (this.calls.live().length >= 2) throw new SwitchboardError('SB40003');
        const result = await t().consult(call.id, command.target);
        const consultation = new Call({
          id: result.callId,
          direction: result.internal ? 'internal' : 'outbound',
          origin: 'dialed',
          remote: this.withDirectoryName(result.remote),
          at: now(),
          consultationFor: call.id,
        });
        consultation.note(now(), 'transfer', `consultation with ${command.target} about call ${call.id}`);
        this.host.add(consultation);
        return;
      }
      case 'complete-transfer': {
        const call = this.calls.require(command.callId, ['held', 'active']);
        const consultation = this.calls.require(command.consultationId, ['active', 'held', 'ringing-out', 'dialing']);
        const target = consultation.snapshot().remote;
        return this.transfer(call, { kind: 'consultative', target }, `consultative transfer to ${target.number}`, () =>
          t().completeTransfer(call.id, consultation.id),
        );
      }
      case 'leave-conference': {
        const call = this.calls.require(command.callId, ['active', 'held']);
        const mixedWith = call.snapshot().conferencedWith;
        if (mixedWith.length !== 1) throw new SwitchboardError('SB40001', 'Leaving hands the call to the one other party of a two-party conference.');
        const other = this.calls.require(mixedWith[0]!, ['active', 'held']);
        // The customer's call is the one handed on (REFER with Replaces of the consultation's
        // dialog), so its log says where it went; a consultation is folded into it.
        const [original, joined] = call.snapshot().consultationFor === other.id ? [other, call] : [call, other];
        const target = joined.snapshot().remote;
        // Two calls the agent took (neither a consultation) each get their own log, naming the other.
        if (!joined.snapshot().consultationFor) this.transfers.set(joined.id, { kind: 'conference', target: original.snapshot().remote, before: joined.state });
        try {
          return await this.transfer(
            original,
            { kind: 'conference', target },
            `left the conference; ${target.displayName ?? target.number} goes on with the call`,
            () => t().completeTransfer(original.id, joined.id),
          );
        } catch (error) {
          this.transfers.delete(joined.id);
          throw error;
        }
      }
      case 'conference': {
        const calls = command.callIds.map((id) => this.calls.require(id, ['active', 'held']));
        if (calls.length < 2) throw new SwitchboardError('SB40001', 'A conference needs at least two calls.');
        await t().conference(command.callIds);
        for (const call of calls) {
          if (call.state === 'held') call.transition('active', now(), 'joined the conference');
          call.update({ conferencedWith: command.callIds.filter((id) => id !== call.id) });
          call.note(now(), 'conference', `conferenced with ${command.callIds.filter((id) => id !== call.id).join(', ')}`);
        }
        this.host.publish();
        return;
      }
    }
  }

  /** A colleague the phone system gave no name is named as the transfer directory names them. */
  withDirectoryName(party: Party): Party {
    if (party.displayName) return party;
    const name = this.host.settings()?.directory.find((d) => d.extension === party.number)?.name;
    return name ? { ...party, displayName: name } : party;
  }

  /** The phone system held or resumed the call. */
  heldChanged(call: Call, held: boolean): void {
    // Held or not while a transfer is tried (RFC 5589 holds first; not every phone does): a
    // transfer that fails returns the call to what the phone system really has.
    const pending = this.transfers.get(call.id);
    if (pending && call.state === 'transferring') this.transfers.set(call.id, { ...pending, before: held ? 'held' : 'active' });
  }

  progress(call: Call, progress: 'trying' | 'ringing' | 'succeeded' | 'failed', detail?: string): void {
    call.note(this.host.now(), 'transfer', `transfer ${progress}${detail ? `: ${detail}` : ''}`);
    if (progress === 'failed') this.transferFailed(call, `transfer failed${detail ? ` (${detail})` : ''}`);
  }

  /**
   * `call` ended at `endedAt`: a transfer names where it went, consultations still up about it are
   * folded into its log, and it leaves any conference.
   */
  callEnded(call: Call, reason: EndReason, endedAt: number): void {
    const id = call.id;
    const transfer = this.transfers.get(id);
    this.transfers.delete(id);
    if (transfer && reason === 'transferred') call.setTransfer({ kind: transfer.kind, target: transfer.target, at: endedAt });
    // A consultation still up when the call it is about ends is folded as it stands (it ends too
    // when the call was handed to it).
    for (const other of this.calls.values()) {
      if (other.snapshot().consultationFor !== id || !isLive(other.state)) continue;
      const outcome = reason !== 'transferred' ? 'open' : transfer?.kind === 'conference' ? 'conferenced' : 'transferred';
      call.foldConsultation(consultationRecord(other.snapshot(), outcome, endedAt));
    }
    // A call that leaves a conference is no longer mixed with the others (else holdOthers skips them).
    for (const other of this.calls.values()) {
      const mixed = other.snapshot().conferencedWith;
      if (mixed.includes(id)) other.update({ conferencedWith: mixed.filter((c) => c !== id) });
    }
  }

  /** A consultation about call `about` ended: it is folded into that call's log. Answers whether that call is still held. */
  consultationEnded(consultation: Call, about: string, reason: EndReason, endedAt: number): boolean {
    const parent = this.calls.get(about);
    const handedOn = this.transfers.get(about)?.kind ?? parent?.snapshot().transfer?.kind;
    const record = consultationRecord(consultation.snapshot(), consultationOutcome(consultation.snapshot(), reason, handedOn), endedAt);
    parent?.foldConsultation(record);
    return parent !== undefined;
  }

  /**
   * Puts `call` through a transfer: `transferring` while the phone system works on it, ended as
   * `transferred` (with `kind` and `target` in its log) when it succeeds, back where it was when it
   * fails, so the agent can resume or try again.
   */
  private async transfer(call: Call, what: Omit<TransferRecord, 'at'>, why: string, run: () => Promise<void>): Promise<void> {
    this.transfers.set(call.id, { ...what, before: call.state });
    call.transition('transferring', this.host.now(), why);
    this.host.publish();
    try {
      await run();
    } catch (error) {
      this.transferFailed(call, 'transfer refused');
      throw toSwitchboardError(error, 'SB20005');
    }
  }

  private transferFailed(call: Call, why: string): void {
    const pending = this.transfers.get(call.id);
    this.transfers.delete(call.id);
    if (call.state === 'transferring') call.transition(pending?.before ?? 'held', this.host.now(), why);
    this.host.publish();
  }
}
