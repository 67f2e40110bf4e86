/**
 * The calls the engine holds (from offer or dial until closed), and the questions every part of
 * the engine asks of them: which is in the panel, which are live, which records they know.
 */
import { knownRecords, type Call, type CallSnapshot } from '../call/call.ts';
import { isLive } from '../call/call-state.ts';
import { SwitchboardError } from '../errors/catalog.ts';

export class CallBoard {
  private readonly calls = new Map<string, Call>();

  get size(): number {
    return this.calls.size;
  }

  get(id: string): Call | undefined {
    return this.calls.get(id);
  }

  has(id: string): boolean {
    return this.calls.has(id);
  }

  values(): IterableIterator<Call> {
    return this.calls.values();
  }

  set(call: Call): void {
    this.calls.set(call.id, call);
  }

  delete(id: string): void {
    this.calls.delete(id);
  }

  /** The call a command names, in one of `states` (any when absent); SB20006 / SB40001 otherwise. */
  require(id: string, states?: readonly string[]): Call {
    const call = this.calls.get(id);
    if (!call) throw new SwitchboardError('SB20006', `No call '${id}'.`);
    if (states && !states.includes(call.state)) throw new SwitchboardError('SB40001', `The call is ${call.state}.`);
    return call;
  }

  live(): Call[] {
    return [...this.calls.values()].filter((c) => isLive(c.state));
  }

  /** The call the panel shows: the talking one first, then one being set up, offered, held, wrapped up. */
  active(): string | undefined {
    const calls = [...this.calls.values()];
    return (
      calls.find((c) => c.state === 'active' || c.state === 'transferring')?.id ??
      calls.find((c) => c.state === 'dialing' || c.state === 'ringing-out')?.id ??
      calls.find((c) => c.state === 'offering')?.id ??
      calls.find((c) => c.state === 'held')?.id ??
      calls.find((c) => c.state === 'wrap-up' || c.state === 'ended')?.id
    );
  }

  snapshots(): CallSnapshot[] {
    return [...this.calls.values()].map((c) => c.snapshot());
  }

  /** The agent is in a conversation other than `exceptId` (talking, holding, dialling or wrapping up one). */
  inConversation(exceptId: string): boolean {
    return [...this.calls.values()].some((c) => c.id !== exceptId && c.state !== 'offering' && c.state !== 'ended');
  }

  /**
   * `recordId` is a record of a call other than `exceptId`: one still up, or one of `recent` that
   * ended at or after `since`.
   */
  belongsToAnotherCall(recordId: string, exceptId: string, recent: readonly CallSnapshot[], since = -Infinity): boolean {
    const knows = (c: CallSnapshot) => c.id !== exceptId && knownRecords(c.relations).some((r) => r.id === recordId);
    if ([...this.calls.values()].some((c) => knows(c.snapshot()))) return true;
    return recent.some((c) => knows(c) && (c.timestamps.ended ?? c.timestamps.closed ?? 0) >= since);
  }
}
