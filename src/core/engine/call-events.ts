/**
 * What the phone system reports about calls, applied to them: an offer (and whether it may ring),
 * progress, connection, hold, quality, transfer progress and the end, with what each means for the
 * screen pop, a call being taken back, wrap-up and the log.
 */
import { Call, type CallSnapshot } from '../call/call.ts';
import type { CallDirection, EndReason } from '../call/call-types.ts';
import { isLive } from '../call/call-state.ts';
import { SwitchboardError, toSwitchboardError } from '../errors/catalog.ts';
import type { CrmPort } from '../ports/crm-port.ts';
import type { Logger } from '../ports/logger.ts';
import type { IncomingCall, TelephonyPort } from '../ports/telephony-port.ts';
import type { ChosenStatus } from '../presence/presence.ts';
import type { CallBoard } from './call-board.ts';
import type { CallCloser } from './call-closer.ts';
import type { CallControl } from './call-control.ts';
import type { CallTransfers } from './call-transfers.ts';
import type { EngineState } from './engine-state.ts';
import { acceptsOffer } from './presence-policy.ts';
import type { ScreenPops } from './screen-pops.ts';
import type { TakeBackGate } from './take-back-gate.ts';
import type { WrapUp } from './wrap-up.ts';

/** How long an accepted inbound call may take to be announced before it stops holding a line. */
const ACCEPT_ANNOUNCE_MS = 10_000;

/** The engine's parts a call event goes on to. */
export interface CallEventParts {
  readonly calls: CallBoard;
  readonly pops: ScreenPops;
  readonly takeBacks: TakeBackGate;
  readonly transfers: CallTransfers;
  readonly wrapUp: WrapUp;
  readonly closer: CallCloser;
  readonly control: CallControl;
}

/** What call events read of the engine, and what they hand back to it. */
export interface CallEventsHost {
  /** The engine's state as last committed (phase, presence, settings). */
  state(): EngineState;
  /** The status sign-in restores, while it registers. */
  signingInAs(): ChosenStatus | undefined;
  telephony(): TelephonyPort;
  /** A new call (offered) joins the engine's calls. */
  add(call: Call): void;
  /** A call changed: commit the calls. */
  publish(): void;
  /** The calls changed: presence follows them. */
  presenceChanged(): void;
  /** Shown to the agent as the last error, not raised as an error event. */
  showError(error: SwitchboardError): void;
  offered(call: CallSnapshot): void;
  offerEnded(callId: string): void;
  error(error: SwitchboardError): void;
  now(): number;
}

export class CallEvents {
  /** Inbound calls the delegate accepted that the adapter has not announced yet (id → when). */
  private readonly accepting = new Map<string, number>();

  constructor(
    private readonly crm: CrmPort,
    private readonly logger: Logger,
    private readonly parts: CallEventParts,
    private readonly host: CallEventsHost,
  ) {}

  /** Follows the adapter's call events; answers the unsubscribes. */
  follow(telephony: TelephonyPort): (() => void)[] {
    const { transfers } = this.parts;
    const now = () => this.host.now();
    return [
      telephony.events.on('incoming', (c) => this.incoming(c)),
      telephony.events.on('progress', (id, kind) =>
        this.withCall(id, (call) => {
          if (call.state === 'dialing') call.transition('ringing-out', now(), kind);
        }),
      ),
      telephony.events.on('established', (id) => this.established(id)),
      telephony.events.on('held', (id, held) =>
        this.withCall(id, (call) => {
          if (held && call.state === 'active') call.transition('held', now(), 'hold confirmed');
          if (!held && call.state === 'held') call.transition('active', now(), 'resumed');
          transfers.heldChanged(call, held);
        }),
      ),
      telephony.events.on('ended', (id, reason, detail) => this.ended(id, reason, detail)),
      telephony.events.on('transfer', (id, progress, detail) => this.withCall(id, (call) => transfers.progress(call, progress, detail))),
      telephony.events.on('quality', (id, quality) => this.withCall(id, (call) => call.update({ quality }))),
    ];
  }

  /** The delegate's answer: whether an inbound call may ring. */
  acceptIncoming(incoming: IncomingCall): boolean {
    const { settings, phase, presence: current } = this.host.state();
    if (phase !== 'ready') return false;
    const signingInAs = this.host.signingInAs();
    const presence = signingInAs && current.status === 'offline' ? { status: signingInAs } : current;
    // Calls accepted but not yet announced count too: callers arriving in the same instant must not
    // all ring. An acceptance the adapter never announces (a CANCEL raced it) stops counting after a while.
    const now = this.host.now();
    for (const [id, at] of this.accepting) if (now - at > ACCEPT_ANNOUNCE_MS || this.parts.calls.has(id)) this.accepting.delete(id);
    const busy = this.parts.calls.live().length + this.accepting.size;
    if (acceptsOffer(presence.status, busy, settings?.callWaiting === true)) {
      this.accepting.set(incoming.callId, now);
      return true;
    }
    this.logger.log('info', 'refused an inbound call (agent not available)', { callId: incoming.callId, status: presence.status });
    return false;
  }

  private incoming(incoming: IncomingCall): void {
    this.accepting.delete(incoming.callId);
    if (this.parts.calls.has(incoming.callId)) return;
    const direction: CallDirection = incoming.internal ? 'internal' : 'inbound';
    const call = new Call({
      id: incoming.callId,
      direction,
      origin: 'offered',
      remote: incoming.remote,
      attachedData: incoming.attachedData,
      at: this.host.now(),
    });
    const from = incoming.remote.displayName ? `${incoming.remote.displayName} <${incoming.remote.number}>` : incoming.remote.number;
    call.note(this.host.now(), 'offer', `${direction} call from ${from}${incoming.dialed ? ` to ${incoming.dialed}` : ''}`);
    const popsOnRing = this.crm.capabilities.screenPop && direction !== 'internal' && this.host.state().settings?.popTiming !== 'answer';
    if (popsOnRing) {
      // The pop's request leaves first: the agent sees the caller's record sooner when the state
      // fan-out, presence (PUBLISH, Omni-Channel) and the panel's render come after it.
      // A second call must not take the workspace from the conversation in progress: look it up
      // now (the card shows who it is), open it when the agent answers.
      const navigate = !this.parts.calls.inConversation(call.id);
      this.parts.calls.set(call);
      void this.parts.pops.pop(call, navigate);
    }
    this.host.add(call);
    this.host.offered(call.snapshot());
    if (this.crm.capabilities.screenPop && direction === 'internal') {
      call.note(this.host.now(), 'pop', 'no screen pop: internal call');
      this.host.publish();
    }
  }

  private established(id: string): void {
    const call = this.parts.calls.get(id);
    if (call && this.parts.takeBacks.reattached(id)) {
      call.note(this.host.now(), 'state', 'taken back after the page reloaded');
      this.host.publish();
      this.remixConference(call);
      this.parts.takeBacks.settle(id, true);
      return;
    }
    if (!call || !isLive(call.state) || call.state === 'active') return;
    const wasOffered = call.state === 'offering';
    call.transition('active', this.host.now(), wasOffered ? 'answered' : 'connected');
    if (wasOffered) this.host.offerEnded(id);
    this.host.publish();
    // One talking call: a call that connects puts the others on hold (an outbound call may connect
    // after the agent went back to another call while it rang). Deferred: not from inside the adapter's event.
    if ([...this.parts.calls.values()].some((c) => c.id !== id && c.state === 'active')) {
      void Promise.resolve()
        .then(() => this.parts.control.holdOthers(id))
        .catch((e: unknown) => this.logger.log('warn', 'could not hold the other calls', { callId: id, error: String(e) }));
    }
    if (wasOffered) this.parts.pops.answered(call, this.host.state().settings?.popTiming);
    else this.parts.pops.forget(id);
  }

  /**
   * A conference is mixed in the page, so a reload loses the mix while its calls go on: once the
   * last of them is taken back, they are mixed again (the others hear each other again).
   */
  private remixConference(call: Call): void {
    const members = [call.id, ...call.snapshot().conferencedWith];
    if (members.length < 2) return;
    const calls = members.map((m) => this.parts.calls.get(m));
    if (calls.some((c) => !c || c.state !== 'active' || this.parts.takeBacks.isTakingBack(c.id))) return;
    void Promise.resolve()
      .then(() => this.host.telephony().conference(members))
      .then(() => {
        for (const c of calls) c?.note(this.host.now(), 'conference', 'mixed again after the page reloaded');
        this.logger.log('info', 'conference mixed again after the page reloaded', { callIds: members.join(',') });
        this.host.publish();
      })
      .catch((error: unknown) => {
        const e = toSwitchboardError(error, 'SB20005');
        this.logger.log('warn', 'could not mix the conference again after the reload', { callIds: members.join(','), error: e.message });
        this.host.error(e);
      });
  }

  private ended(id: string, reason: EndReason, detail?: string): void {
    const call = this.parts.calls.get(id);
    if (!call || !isLive(call.state)) return;
    const wasOffered = call.state === 'offering';
    this.parts.pops.forget(id);
    // A call that could not be taken back after a reload ended while no page held it: it ended,
    // as far as anyone can tell, when the page that held it left.
    const left = this.parts.takeBacks.ended(id);
    const endedAt = left ? Math.min(this.host.now(), Math.max(left.leftAt, call.snapshot().timestamps.answered ?? left.leftAt)) : this.host.now();
    call.end(reason, endedAt, detail ? `${reason}: ${detail}` : reason);
    if (left) {
      const who = call.snapshot().remote;
      this.host.showError(new SwitchboardError('SB20006', `The call with ${who.displayName ?? who.number} ended during the reload.`));
    }
    if (wasOffered) this.host.offerEnded(id);
    this.parts.transfers.callEnded(call, reason, endedAt);
    const settings = this.host.state().settings;
    const answered = call.snapshot().timestamps.answered !== undefined;
    const about = call.snapshot().consultationFor;
    if (about !== undefined) {
      // A consultation is part of the customer's conversation: no wrap-up of its own, and by
      // default no Task either (README "Call logging").
      if (this.parts.transfers.consultationEnded(call, about, reason, endedAt)) this.host.publish();
      const separate = settings?.log.consultations === 'separate';
      void this.parts.closer.close(call, separate ? 'consultation; logged on its own' : `consultation; folded into call ${about}`, separate);
      return;
    }
    // Wrap-up for every conversation the agent had, however it ended (hung up, transferred, left a
    // conference); a missed or declined call is logged at once.
    if (settings?.wrapUp.enabled && answered && reason !== 'replaced') {
      this.parts.wrapUp.begin(call, settings.wrapUp.timeLimitSeconds);
      this.host.publish();
      this.host.presenceChanged();
    } else {
      // The agent is free now, not when close() is done: it may still wait for the call's pop, and
      // the next caller must not be refused meanwhile.
      this.host.publish();
      this.host.presenceChanged();
      if (reason === 'answered-elsewhere') {
        // A colleague's phone took it (ring group): their log is the call's one; this agent has none.
        void this.parts.closer.close(call, 'answered by another phone; not logged here', false);
      } else {
        void this.parts.closer.close(call, answered ? 'no wrap-up configured' : `not answered (${reason})`);
      }
    }
  }

  private withCall(id: string, fn: (call: Call) => void): void {
    const call = this.parts.calls.get(id);
    if (!call) return;
    try {
      fn(call);
    } catch (error) {
      this.logger.log('error', 'call event could not be applied', { callId: id, error: String(error) });
    }
    this.host.publish();
  }
}
