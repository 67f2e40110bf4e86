/**
 * An in-memory phone system that behaves like one, for unit tests: a registrar with passwords, a
 * connection that can drop and come back, callers a test places to an agent, callees that answer,
 * ring out, are busy or refuse, hold confirmations, DTMF, blind and consultative transfer,
 * conference, presence PUBLISH and busy-lamp line states.
 *
 * Timing: confirmations of the agent's own commands (held, established after answer, ended after
 * hangup) go out on a microtask; what the far end does by itself (180 Ringing, 200 OK, 486, a
 * transfer's NOTIFYs) happens on later macrotasks, so it always arrives after the command that
 * caused it resolved, as on a real network. `settle()` waits until no far-end work is pending.
 *
 * Not modelled: media, and calls between two fake agents (dialling a known extension is an
 * internal call whose far end follows the configured behaviour).
 */
import { SwitchboardError } from '../../core/index.ts';
import { declineStatus } from '../sip/sip-outcomes.ts';
import type {
  AttachedData,
  DeclineOptions,
  DialResult,
  EndReason,
  ErrorCode,
  IncomingCall,
  LineState,
  Party,
  PresenceStatus,
  SipCredentials,
} from '../../core/index.ts';
import type { FarEnd, FarEndBehaviour, PhoneCallRecord } from './far-end.ts';
import type { CallAgentOptions, FakePhoneSystemOptions } from './fake-phone-options.ts';
import { makeFarEnd } from './far-end-handle.ts';
import { FarEndWork } from './far-end-work.ts';
import { FakeRegistrar, type FakeAuthAttempt, type FakeUser } from './fake-registrar.ts';
import { ScriptedFailures, type FailableCommand } from './scripted-failures.ts';
import * as transfers from './fake-transfers.ts';
// fake-telephony.ts imports this module for types only, so there is no runtime import cycle.
import { FakeTelephony } from './fake-telephony.ts';

export type { FakeAuthAttempt, FakeUser } from './fake-registrar.ts';
export type { FailableCommand } from './scripted-failures.ts';
export type { CallAgentOptions, FakePhoneSystemOptions } from './fake-phone-options.ts';

export class FakePhoneSystem {
  readonly domain: string;
  private readonly agents = new Set<FakeTelephony>();
  private readonly registrar: FakeRegistrar;
  /** Registered agents by extension. */
  private readonly registered: ReadonlyMap<string, FakeTelephony>;
  private readonly calls = new Map<string, PhoneCallRecord>();
  private readonly handles = new Map<string, FarEnd>();
  private readonly farEnds = new Map<string, FarEndBehaviour>();
  private readonly manualLines = new Map<string, LineState>();
  private readonly presence = new Map<string, PresenceStatus[]>();
  private readonly failures = new ScriptedFailures();
  private connected = true;
  /** What the far end does by itself, on later macrotasks. */
  private readonly work = new FarEndWork();
  private seq = 0;
  private readonly now: () => number;
  defaultFarEnd: FarEndBehaviour;
  /** Every answer to a challenge (REGISTER and refreshes), oldest first. */
  readonly authAttempts: FakeAuthAttempt[];
  private readonly control: transfers.CallControl = {
    agentCall: (telephony, callId, states, failable) => this.agentCall(telephony, callId, states, failable),
    setAgentHold: (call, held) => this.setAgentHold(call, held),
    behaviourOf: (number) => this.farEnds.get(number) ?? this.defaultFarEnd,
    later: (fn) => this.work.later(fn),
    end: (call, reason, detail, sipCode) => this.end(call, reason, detail, sipCode),
    dial: (telephony, target, attachedData, consultationFor) => this.dial(telephony, target, attachedData, consultationFor),
  };

  constructor(options: FakePhoneSystemOptions = {}) {
    this.domain = options.domain ?? 'pbx.test';
    this.now = options.now ?? (() => Date.now());
    this.defaultFarEnd = options.defaultFarEnd ?? 'answer';
    this.registrar = new FakeRegistrar({
      now: this.now,
      registrationSeconds: options.registrationSeconds ?? 600,
      ephemeralPassword: options.ephemeralPassword,
      isConnected: () => this.connected,
      linesChanged: () => this.refreshLines(),
    });
    this.registered = this.registrar.registered;
    this.authAttempts = this.registrar.authAttempts;
    for (const [ext, user] of Object.entries(options.users ?? {})) this.addUser(ext, typeof user === 'string' ? { password: user } : user);
  }

  // ── what a test does ──────────────────────────────────────────────────────────────────────

  addUser(extension: string, user: FakeUser): void {
    this.registrar.addUser(extension, user);
  }

  /** A new TelephonyPort connected to this phone system (one per agent/tab). */
  createTelephony(): FakeTelephony {
    return new FakeTelephony(this);
  }

  /** Sets how the far end at `number` behaves when called (dial, consult, transfer target). */
  setFarEnd(number: string, behaviour: FarEndBehaviour): void {
    this.farEnds.set(number, behaviour);
  }

  /** Makes the next `command` from any agent fail with `code` (default: the command's natural code). */
  failNext(command: FailableCommand, code?: ErrorCode, detail?: string): void {
    this.failures.failNext(command, code, detail);
  }

  /** Registrations wait (stay `connecting`) until `releaseRegistrations()`. */
  pauseRegistrations(): void {
    this.registrar.pause();
  }

  releaseRegistrations(): void {
    this.registrar.release();
  }

  /** The WebSocket drops: every registered agent goes `reconnecting`; optionally calls die with it. */
  dropConnection(options: { reason?: string; endCalls?: boolean } = {}): void {
    this.connected = false;
    const reason = options.reason ?? 'WebSocket closed (1006)';
    for (const agent of this.registered.values()) {
      agent.setRegistration({ state: 'reconnecting', attempt: 1, nextAttemptAt: this.now() + 2000, reason });
    }
    if (options.endCalls)
      for (const call of this.calls.values()) if (call.status === 'ringing' || call.status === 'active') this.end(call, 'failed', 'transport lost', 503);
    this.refreshLines();
  }

  /** The connection is back: agents that were registered register again. */
  restoreConnection(): void {
    this.connected = true;
    for (const agent of this.registered.values()) agent.setRegistration({ state: 'registered', expiresAt: this.registrar.expiresAt() });
    this.refreshLines();
  }

  /**
   * Every registered agent refreshes its registration now (what REGISTER refreshes do on a timer),
   * answering the challenge with the credentials it holds at this moment. One whose credentials no
   * longer pass (an expired short-lived credential) goes `failed` (SB20001); its calls go on.
   */
  refreshRegistrations(): void {
    this.registrar.refreshAll();
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /**
   * A caller rings the agent. The agent's delegate is asked first: if it refuses, the caller gets
   * 486 Busy Here and the agent never hears of the call. Otherwise `incoming` follows on a microtask.
   */
  callAgent(options: CallAgentOptions): FarEnd {
    const agent = this.routeTo(options.to);
    const remote: Party = {
      number: options.from,
      ...(options.e164 ? { e164: options.e164 } : {}),
      ...(options.displayName ? { displayName: options.displayName } : {}),
    };
    const call = this.newCall({
      agent: agent?.extension ?? options.to ?? '',
      direction: 'inbound',
      remote,
      internal: options.internal ?? false,
      attachedData: options.attachedData ?? {},
      ...(options.dialed ? { dialed: options.dialed } : {}),
    });
    if (!agent || !this.connected) {
      this.end(call, 'rejected', 'agent not registered', 480);
      return this.handle(call);
    }
    const incoming: IncomingCall = {
      callId: call.id,
      remote,
      attachedData: call.attachedData,
      internal: call.internal,
      ...(call.dialed ? { dialed: call.dialed } : {}),
    };
    if (!agent.consultDelegate(incoming)) {
      call.status = 'refused';
      call.sipCode = 486;
      call.answered(false);
      call.ended('rejected');
      return this.handle(call);
    }
    call.announced = true;
    agent.emitSoon('incoming', incoming);
    this.refreshLines();
    return this.handle(call);
  }

  /** The far end of a call by id (any call this phone system carried). */
  farEnd(callId: string): FarEnd {
    const handle = this.handles.get(callId);
    if (!handle) throw new Error(`FakePhoneSystem: no call '${callId}'.`);
    return handle;
  }

  /** Far ends of every call the agents placed, oldest first. */
  get outboundCalls(): FarEnd[] {
    return [...this.calls.values()].filter((c) => c.direction === 'outbound').map((c) => this.handle(c));
  }

  /**
   * The page holding `telephony` went away without hanging up (a reload, a crash): its calls go on
   * at the phone system, but what lived in the page goes with it: a conference is mixed in the
   * agent's page, so its calls are no longer mixed until a new page mixes them again.
   */
  pageLeft(telephony: FakeTelephony): void {
    const ext = this.requireConnected(telephony);
    for (const call of this.calls.values()) if (call.agent === ext) call.conferencedWith = [];
  }

  /** Far ends of every call, oldest first. */
  get allCalls(): FarEnd[] {
    return [...this.calls.values()].map((c) => this.handle(c));
  }

  /** Presence statuses `extension` published, oldest first. */
  publishedPresence(extension: string): readonly PresenceStatus[] {
    return this.presence.get(extension) ?? [];
  }

  /** Overrides the busy lamp of `extension` (for colleagues who are not fake agents). */
  setLineState(extension: string, state: LineState): void {
    this.manualLines.set(extension, state);
    this.refreshLines();
  }

  lineStateOf(extension: string): LineState {
    const manual = this.manualLines.get(extension);
    if (manual) return manual;
    const agent = this.registered.get(extension);
    if (!agent) return this.registrar.user(extension) ? 'offline' : 'unknown';
    if (!this.connected) return 'offline';
    // As a SIP watcher reads a colleague who published Away or Offline (colleague-lamp.ts).
    const published = this.presence.get(extension)?.at(-1);
    if (published === 'away' || published === 'offline') return published;
    const mine = [...this.calls.values()].filter((c) => c.agent === extension && (c.status === 'ringing' || c.status === 'active'));
    if (mine.some((c) => c.status === 'active')) return 'busy';
    if (mine.length) return 'ringing';
    return 'idle';
  }

  /** Waits until no far-end work is pending (bounded), then lets queued promise chains run. */
  async settle(maxRounds = 200): Promise<void> {
    return this.work.settle(maxRounds);
  }

  // ── used by FakeTelephony ─────────────────────────────────────────────────────────────────

  attach(telephony: FakeTelephony): void {
    this.agents.add(telephony);
  }

  async register(telephony: FakeTelephony, credentials: SipCredentials): Promise<void> {
    return this.registrar.register(telephony, credentials);
  }

  /** Renewed credentials for the next challenge; a failed registration is tried again with them. */
  async updateCredentials(telephony: FakeTelephony, credentials: SipCredentials): Promise<void> {
    return this.registrar.updateCredentials(telephony, credentials);
  }

  async unregister(telephony: FakeTelephony): Promise<void> {
    return this.registrar.unregister(telephony);
  }

  requireConnected(telephony: FakeTelephony): string {
    const ext = telephony.extension;
    if (!this.connected) throw new SwitchboardError('SB20002', 'The fake phone system is disconnected.');
    if (ext === undefined || this.registered.get(ext) !== telephony) throw new SwitchboardError('SB20002', 'Not registered with the fake phone system.');
    return ext;
  }

  async dial(telephony: FakeTelephony, target: string, attachedData: AttachedData, consultationFor?: string): Promise<DialResult> {
    const ext = this.requireConnected(telephony);
    this.failures.take(consultationFor ? 'consult' : 'dial');
    const number = target.trim();
    if (!/^\+?[0-9*#\s().-]+$/.test(number) || !/[0-9]/.test(number))
      throw new SwitchboardError('SB20004', `'${target}' is not a number the fake phone system can dial.`);
    const user = this.registrar.user(number);
    const internal = user !== undefined;
    const remote: Party = { number, ...(user?.displayName ? { displayName: user.displayName } : {}) };
    const call = this.newCall({ agent: ext, direction: 'outbound', remote, internal, attachedData, ...(consultationFor ? { consultationFor } : {}) });
    call.announced = true;
    const behaviour = this.farEnds.get(number) ?? this.defaultFarEnd;
    // The far end acts after the dial resolved, as its responses arrive over the network.
    this.work.later(() => {
      if (call.status !== 'ringing') return;
      if (behaviour === 'busy') return this.end(call, 'busy', '486 Busy Here', 486);
      if (behaviour === 'reject') return this.end(call, 'rejected', '603 Decline', 603);
      telephony.emitSoon('progress', call.id, 'ringing');
      this.refreshLines();
      if (behaviour === 'manual') return;
      this.work.later(() => {
        if (call.status !== 'ringing') return;
        if (behaviour === 'no-answer') this.end(call, 'no-answer', '480 Temporarily Unavailable', 480);
        else this.establish(call);
      });
    });
    this.refreshLines();
    return { callId: call.id, remote, internal };
  }

  async answer(telephony: FakeTelephony, callId: string): Promise<void> {
    const call = this.agentCall(telephony, callId, ['ringing'], 'answer');
    if (call.direction !== 'inbound') throw new SwitchboardError('SB40001', `Call '${callId}' is outbound; only its far end can answer it.`);
    this.establish(call);
  }

  async decline(telephony: FakeTelephony, callId: string, options: DeclineOptions = {}): Promise<void> {
    const call = this.agentCall(telephony, callId, ['ringing'], 'decline');
    if (call.direction !== 'inbound') throw new SwitchboardError('SB40001', `Call '${callId}' is outbound; hang it up instead.`);
    this.declineCall(call, options);
  }

  /** Declines as the SIP adapter does (declineStatus in telephony/sip/sip-outcomes.ts): 603 only for a call to the agent's own extension. */
  private declineCall(call: PhoneCallRecord, options: DeclineOptions): void {
    const code = declineStatus({
      ownExtension: call.agent,
      // A caller who did not name a number called the agent directly (callAgent's `to`).
      dialed: call.dialed ?? call.agent,
      retargeted: false,
      unavailable: options.unavailable === true,
    });
    this.end(call, 'declined', code === 603 ? '603 Decline' : code === 486 ? '486 Busy Here' : '480 Temporarily Unavailable', code);
  }

  async hangup(telephony: FakeTelephony, callId: string): Promise<void> {
    const call = this.agentCall(telephony, callId, ['ringing', 'active'], 'hangup');
    if (call.status === 'ringing' && call.direction === 'inbound') this.declineCall(call, {});
    else this.end(call, 'local-hangup', call.status === 'ringing' ? 'CANCEL' : 'BYE', call.status === 'ringing' ? 487 : 200);
  }

  async setHeld(telephony: FakeTelephony, callId: string, held: boolean): Promise<void> {
    const call = this.agentCall(telephony, callId, ['active'], held ? 'hold' : 'resume');
    this.setAgentHold(call, held);
  }

  async setMuted(telephony: FakeTelephony, callId: string, muted: boolean): Promise<void> {
    const call = this.agentCall(telephony, callId, ['active'], 'setMuted');
    call.muted = muted;
  }

  async sendDtmf(telephony: FakeTelephony, callId: string, digits: string): Promise<void> {
    const call = this.agentCall(telephony, callId, ['active'], 'sendDtmf');
    if (!/^[0-9*#A-Da-d]+$/.test(digits)) throw new SwitchboardError('SB40001', `'${digits}' is not a DTMF digit string.`);
    call.dtmf += digits.toUpperCase();
  }

  async blindTransfer(telephony: FakeTelephony, callId: string, target: string): Promise<void> {
    transfers.blindTransfer(this.control, telephony, callId, target);
  }

  async consult(telephony: FakeTelephony, callId: string, target: string): Promise<DialResult> {
    return transfers.consult(this.control, telephony, callId, target);
  }

  async completeTransfer(telephony: FakeTelephony, callId: string, consultationId: string): Promise<void> {
    transfers.completeTransfer(this.control, telephony, callId, consultationId);
  }

  async conference(telephony: FakeTelephony, callIds: readonly string[]): Promise<void> {
    transfers.conference(this.control, telephony, callIds);
  }

  async publishPresence(telephony: FakeTelephony, status: PresenceStatus): Promise<void> {
    const ext = this.requireConnected(telephony);
    this.failures.take('publishPresence');
    this.presence.set(ext, [...(this.presence.get(ext) ?? []), status]);
    this.refreshLines();
  }

  /** Re-computes busy lamps and tells watchers about changes. */
  refreshLines(): void {
    for (const agent of this.agents) for (const ext of agent.watchedLines) agent.noteLineState(ext, this.lineStateOf(ext));
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────

  private routeTo(to: string | undefined): FakeTelephony | undefined {
    if (to !== undefined) return this.registered.get(to);
    if (this.registered.size > 1) throw new Error('FakePhoneSystem.callAgent: several agents are registered; say which one with `to`.');
    return [...this.registered.values()][0];
  }

  private telephonyOf(call: PhoneCallRecord): FakeTelephony | undefined {
    const agent = this.registered.get(call.agent);
    if (agent) return agent;
    for (const a of this.agents) if (a.extension === call.agent) return a;
    return undefined;
  }

  private agentCall(
    telephony: FakeTelephony,
    callId: string,
    states: readonly PhoneCallRecord['status'][],
    failable: FailableCommand | undefined,
  ): PhoneCallRecord {
    const ext = this.requireConnected(telephony);
    const call = this.calls.get(callId);
    if (!call || call.agent !== ext || !call.announced) throw new SwitchboardError('SB20006', `No call '${callId}' on extension ${ext}.`);
    if (!states.includes(call.status)) throw new SwitchboardError(call.status === 'ended' ? 'SB20006' : 'SB40001', `Call '${callId}' is ${call.status}.`);
    if (failable) this.failures.take(failable);
    return call;
  }

  private newCall(
    init: Pick<PhoneCallRecord, 'agent' | 'direction' | 'remote' | 'internal' | 'attachedData'> & { dialed?: string; consultationFor?: string },
  ): PhoneCallRecord {
    let answered!: (v: boolean) => void;
    let ended!: (r: EndReason) => void;
    const answeredPromise = new Promise<boolean>((r) => (answered = r));
    const endedPromise = new Promise<EndReason>((r) => (ended = r));
    const call: PhoneCallRecord = {
      id: `fake-${++this.seq}-${this.now().toString(36)}@${this.domain}`,
      ...init,
      status: 'ringing',
      announced: false,
      heldByAgent: false,
      heldByFarEnd: false,
      muted: false,
      dtmf: '',
      conferencedWith: [],
      answered,
      ended,
    };
    this.calls.set(call.id, call);
    this.handles.set(
      call.id,
      makeFarEnd(call, answeredPromise, endedPromise, {
        end: (reason, detail, sipCode) => this.end(call, reason, detail, sipCode),
        establish: () => this.establish(call),
        setFarEndHold: (held) => this.setFarEndHold(call, held),
        reportQuality: (quality) => this.telephonyOf(call)?.emitSoon('quality', call.id, quality),
      }),
    );
    return call;
  }

  private handle(call: PhoneCallRecord): FarEnd {
    return this.handles.get(call.id) as FarEnd;
  }

  private establish(call: PhoneCallRecord): void {
    call.status = 'active';
    call.sipCode = 200;
    call.answered(true);
    this.telephonyOf(call)?.emitSoon('established', call.id);
    this.refreshLines();
  }

  private setAgentHold(call: PhoneCallRecord, held: boolean): void {
    const before = call.heldByAgent || call.heldByFarEnd;
    call.heldByAgent = held;
    const after = call.heldByAgent || call.heldByFarEnd;
    // A hold that changes nothing is still confirmed (200 OK), so the engine hears the outcome.
    if (before !== after || held) this.telephonyOf(call)?.emitSoon('held', call.id, after);
  }

  private setFarEndHold(call: PhoneCallRecord, held: boolean): void {
    const before = call.heldByAgent || call.heldByFarEnd;
    call.heldByFarEnd = held;
    const after = call.heldByAgent || call.heldByFarEnd;
    if (before !== after) this.telephonyOf(call)?.emitSoon('held', call.id, after);
  }

  /** Ends a call once; the agent hears `ended` exactly once, and only for calls it was told of. */
  private end(call: PhoneCallRecord, reason: EndReason, detail: string, sipCode: number): void {
    if (call.status === 'ended' || call.status === 'refused') return;
    call.status = 'ended';
    call.endReason = reason;
    call.sipCode = sipCode;
    call.answered(false);
    call.ended(reason);
    if (call.announced) this.telephonyOf(call)?.emitSoon('ended', call.id, reason, detail);
    // Calls mixed with this one are no longer mixed with it.
    for (const other of this.calls.values())
      if (other.conferencedWith.includes(call.id)) other.conferencedWith = other.conferencedWith.filter((id) => id !== call.id);
    this.refreshLines();
  }
}
