/**
 * Calls an earlier page of this tab left up, while the telephony adapter takes them back after a
 * reload: they are shown again at once, and call control waits until each is back (or ended).
 */
import { Call } from '../call/call.ts';
import type { CallDirection } from '../call/call-types.ts';
import { SwitchboardError } from '../errors/catalog.ts';
import type { Logger } from '../ports/logger.ts';
import type { ReattachingCall } from '../ports/telephony-port.ts';
import type { JournalRecord } from './call-journal.ts';
import type { AgentCommand } from './commands.ts';

/** Commands that act on calls at the phone system (they wait for calls being taken back). */
const CALL_CONTROL: ReadonlySet<AgentCommand['type']> = new Set<AgentCommand['type']>([
  'dial',
  'answer',
  'decline',
  'hangup',
  'hold',
  'resume',
  'swap',
  'mute',
  'dtmf',
  'blind-transfer',
  'consult',
  'complete-transfer',
  'conference',
  'leave-conference',
]);

/** What the gate reads of the engine, and what it hands back to it. */
export interface TakeBackHost {
  isOpen(callId: string): boolean;
  call(callId: string): Call | undefined;
  /** What the call journal kept of the call. */
  kept(callId: string): Promise<JournalRecord | undefined>;
  /** Shows the call again, among the engine's calls. */
  add(call: Call): void;
  publish(): void;
  now(): number;
}

export class TakeBackGate {
  /** Calls an earlier page of this tab left up that the adapter is taking back (see restore). */
  private readonly reattaching = new Map<string, ReattachingCall>();
  /**
   * One per call being taken back: settles `true` once it is back, `false` once it ended during
   * the reload. Call control waits for it (see waitFor).
   */
  private readonly takeBacks = new Map<string, { readonly settled: Promise<boolean>; readonly settle: (back: boolean) => void }>();
  private disposed = false;

  constructor(
    private readonly host: TakeBackHost,
    private readonly logger: Logger,
  ) {}

  /**
   * The page reloaded with calls up and the adapter is taking them back: they are shown again at
   * once, as the journal kept them (records, notes, timeline) or, without it, as the adapter knows
   * them, with their original answer time. Each then either goes on (`established`) or ends as
   * having ended during the reload (`ended`), and is logged once either way.
   */
  async restore(calls: readonly ReattachingCall[]): Promise<void> {
    const { host } = this;
    for (const r of calls) {
      if (host.isOpen(r.callId)) continue;
      const kept = await host.kept(r.callId).catch((error: unknown) => {
        this.logger.log('warn', 'could not read the journal of a call being taken back', { callId: r.callId, error: String(error) });
        return undefined;
      });
      const call = takenBackCall(r, kept);
      call.note(host.now(), 'state', 'the page reloaded; taking the call back');
      this.reattaching.set(r.callId, r);
      let settle: (back: boolean) => void = () => {};
      const settled = new Promise<boolean>((resolve) => {
        settle = resolve;
      });
      this.takeBacks.set(r.callId, { settled, settle });
      host.add(call);
    }
  }

  isTakingBack(callId: string): boolean {
    return this.reattaching.has(callId);
  }

  /** The call is back on this page; answers whether it was being taken back. Its waiters are released by `settle`. */
  reattached(callId: string): boolean {
    return this.reattaching.delete(callId);
  }

  /** The call ended: what the adapter knew of it if it was being taken back (it ended during the reload). */
  ended(callId: string): ReattachingCall | undefined {
    const left = this.reattaching.get(callId);
    this.reattaching.delete(callId);
    this.settle(callId, false);
    return left;
  }

  settle(callId: string, back: boolean): void {
    this.takeBacks.get(callId)?.settle(back);
    this.takeBacks.delete(callId);
  }

  /**
   * Call control waits while calls are being taken back after a reload: until then the page does
   * not hold their dialogs, and acting on them would be lost or, worse, act on the take-back (a
   * hang-up that cancels the INVITE with Replaces leaves the customer on the old dialog, up).
   * Every take-back is waited for, not only the named call's: answering, dialling, resuming and
   * swapping hold the other calls. Settles within the adapter's take-back window. Answers
   * 'ended' when a call the command names ended during the reload.
   */
  async waitFor(command: AgentCommand): Promise<'ended' | undefined> {
    if (!CALL_CONTROL.has(command.type) || !this.takeBacks.size) return undefined;
    const named = 'callIds' in command ? command.callIds : 'callId' in command ? [command.callId] : [];
    for (const id of named) {
      if (this.takeBacks.has(id)) this.host.call(id)?.note(this.host.now(), 'state', `${command.type} waits until the call is taken back`);
    }
    this.host.publish();
    const outcomes = new Map(await Promise.all([...this.takeBacks].map(async ([id, t]) => [id, await t.settled] as const)));
    if (this.disposed) throw new SwitchboardError('SB40001', 'The softphone closed while the call was being taken back.');
    return named.some((id) => outcomes.get(id) === false) ? 'ended' : undefined;
  }

  /** Commands waiting for a call to be taken back are released (and refused: see waitFor). */
  dispose(): void {
    this.disposed = true;
    for (const id of [...this.takeBacks.keys()]) this.settle(id, false);
  }
}

/** A call being taken back, as the journal kept it or, without it, as the adapter knows it. */
function takenBackCall(r: ReattachingCall, kept: JournalRecord | undefined): Call {
  const state = r.held ? 'held' : 'active';
  if (kept?.call) {
    const s = kept.call;
    return Call.restore({ ...s, state, muted: r.muted, timestamps: { ...s.timestamps, answered: s.timestamps.answered ?? r.answeredAt } });
  }
  const entry = kept?.entry;
  const direction: CallDirection = entry?.direction ?? (r.internal ? 'internal' : r.direction);
  const call = new Call({
    id: r.callId,
    direction,
    origin: entry?.origin ?? (r.direction === 'inbound' ? 'offered' : 'dialed'),
    remote: entry?.remote ?? r.remote,
    ...(entry ? { attachedData: entry.attachedData } : {}),
    at: entry?.startedAt ?? r.answeredAt,
  });
  call.transition('active', entry?.answeredAt ?? r.answeredAt, 'answered before the page reloaded');
  if (r.held) call.transition('held', r.leftAt, 'held before the page reloaded');
  call.update({ muted: r.muted, notes: entry?.notes ?? '', ...(entry?.disposition ? { disposition: entry.disposition } : {}) });
  if (entry?.who) call.relate(entry.who);
  if (entry?.what) call.relate(entry.what);
  return call;
}
