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
import { declineStatus, endReasonOfFailure } from '../sip/sip-outcomes.ts';
import type {
  AttachedData, CallQuality, DeclineOptions, DialResult, EndReason, ErrorCode, IncomingCall, LineState, Party, PresenceStatus, SipCredentials,
} from '../../core/index.ts';
import type { FarEnd, FarEndBehaviour, PhoneCallRecord } from './far-end.ts';
// fake-telephony.ts imports this module for types only, so there is no runtime import cycle.
import { FakeTelephony } from './fake-telephony.ts';

export interface FakeUser {
  readonly password: string;
  readonly displayName?: string;
}

export interface FakePhoneSystemOptions {
  /** Extensions and their passwords: `{ '1001': 'secret' }` or `{ '1001': { password, displayName } }`. */
  readonly users?: Readonly<Record<string, string | FakeUser>>;
  readonly domain?: string;
  /** Wall clock for registration expiry and reconnect times (a FakeClock's `now` in tests). */
  readonly now?: () => number;
  /** How callees behave unless `setFarEnd` says otherwise for their number. Default `answer`. */
  readonly defaultFarEnd?: FarEndBehaviour;
  /** Registration lifetime reported in `expiresAt`. */
  readonly registrationSeconds?: number;
  /**
   * Accepts short-lived credentials (Kamailio auth_ephemeral: digest user name `<expiry>:<extension>`)
   * for any extension: this computes the password a digest user name must come with (the HMAC of
   * it with the shared secret). Injected because the fake cannot reach a crypto library.
   */
  readonly ephemeralPassword?: (digestUsername: string) => string;
}

/** One answer to a digest challenge, as the registrar saw it. */
export interface FakeAuthAttempt {
  readonly extension: string;
  readonly digestUsername: string;
  readonly at: number;
  /** Undefined when accepted; else why not. */
  readonly refused?: string;
}

export interface CallAgentOptions {
  /** The caller's number. */
  readonly from: string;
  readonly displayName?: string;
  readonly e164?: string;
  readonly attachedData?: AttachedData;
  /** True when the caller is another extension of this phone system. */
  readonly internal?: boolean;
  /** The agent's extension; may be omitted when exactly one agent is registered. */
  readonly to?: string;
  /** The number that was dialled (a DID, a queue). */
  readonly dialed?: string;
}

/** Commands a test can make fail once with `failNext`. */
export type FailableCommand =
  | 'dial' | 'answer' | 'decline' | 'hangup' | 'hold' | 'resume' | 'setMuted' | 'sendDtmf'
  | 'blindTransfer' | 'consult' | 'completeTransfer' | 'conference' | 'publishPresence';

interface PendingRegistration {
  readonly telephony: FakeTelephony;
  readonly credentials: SipCredentials;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

const DEFAULT_FAILURE: Record<FailableCommand, ErrorCode> = {
  dial: 'SB20004', consult: 'SB20004', answer: 'SB20005', decline: 'SB20005', hangup: 'SB20005', hold: 'SB20005', resume: 'SB20005',
  setMuted: 'SB20005', sendDtmf: 'SB20005', blindTransfer: 'SB20005', completeTransfer: 'SB20005', conference: 'SB20005', publishPresence: 'SB20005',
};

export class FakePhoneSystem {
  readonly domain: string;
  private readonly users = new Map<string, FakeUser>();
  private readonly agents = new Set<FakeTelephony>();
  /** Registered agents by extension. */
  private readonly registered = new Map<string, FakeTelephony>();
  private readonly calls = new Map<string, PhoneCallRecord>();
  private readonly handles = new Map<string, FarEnd>();
  private readonly farEnds = new Map<string, FarEndBehaviour>();
  private readonly manualLines = new Map<string, LineState>();
  private readonly presence = new Map<string, PresenceStatus[]>();
  private readonly failures = new Map<FailableCommand, SwitchboardError>();
  private pendingRegistrations: PendingRegistration[] = [];
  private registrationsPaused = false;
  private connected = true;
  private pendingWork = 0;
  private seq = 0;
  private readonly now: () => number;
  defaultFarEnd: FarEndBehaviour;
  private readonly registrationSeconds: number;
  private readonly ephemeralPassword: ((digestUsername: string) => string) | undefined;
  /** The credentials each registered agent answers challenges with (renewed by updateCredentials). */
  private readonly credentialsOf = new Map<FakeTelephony, SipCredentials>();
  /** Every answer to a challenge (REGISTER and refreshes), oldest first. */
  readonly authAttempts: FakeAuthAttempt[] = [];

  constructor(options: FakePhoneSystemOptions = {}) {
    this.domain = options.domain ?? 'pbx.test';
    this.now = options.now ?? (() => Date.now());
    this.defaultFarEnd = options.defaultFarEnd ?? 'answer';
    this.registrationSeconds = options.registrationSeconds ?? 600;
    this.ephemeralPassword = options.ephemeralPassword;
    for (const [ext, user] of Object.entries(options.users ?? {})) this.addUser(ext, typeof user === 'string' ? { password: user } : user);
  }

  // ── what a test does ──────────────────────────────────────────────────────────────────────

  addUser(extension: string, user: FakeUser): void {
    this.users.set(extension, user);
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
  failNext(command: FailableCommand, code: ErrorCode = DEFAULT_FAILURE[command], detail = `injected ${command} failure`): void {
    this.failures.set(command, new SwitchboardError(code, detail));
  }

  /** Registrations wait (stay `connecting`) until `releaseRegistrations()`. */
  pauseRegistrations(): void {
    this.registrationsPaused = true;
  }

  releaseRegistrations(): void {
    this.registrationsPaused = false;
    const pending = this.pendingRegistrations;
    this.pendingRegistrations = [];
    for (const p of pending) this.completeRegistration(p);
  }

  /** The WebSocket drops: every registered agent goes `reconnecting`; optionally calls die with it. */
  dropConnection(options: { reason?: string; endCalls?: boolean } = {}): void {
    this.connected = false;
    const reason = options.reason ?? 'WebSocket closed (1006)';
    for (const agent of this.registered.values()) {
      agent.setRegistration({ state: 'reconnecting', attempt: 1, nextAttemptAt: this.now() + 2000, reason });
    }
    if (options.endCalls) for (const call of this.calls.values()) if (call.status === 'ringing' || call.status === 'active') this.end(call, 'failed', 'transport lost', 503);
    this.refreshLines();
  }

  /** The connection is back: agents that were registered register again. */
  restoreConnection(): void {
    this.connected = true;
    for (const agent of this.registered.values()) agent.setRegistration({ state: 'registered', expiresAt: this.now() + this.registrationSeconds * 1000 });
    this.refreshLines();
  }

  /**
   * Every registered agent refreshes its registration now (what REGISTER refreshes do on a timer),
   * answering the challenge with the credentials it holds at this moment. One whose credentials no
   * longer pass (an expired short-lived credential) goes `failed` (SB20001); its calls go on.
   */
  refreshRegistrations(): void {
    for (const [ext, agent] of this.registered) {
      const credentials = this.credentialsOf.get(agent);
      const refused = credentials ? this.authenticate(credentials) : 'no credentials';
      if (refused) agent.setRegistration({ state: 'failed', code: 'SB20001', reason: `re-REGISTER of ${ext}: ${refused}` });
      else agent.setRegistration({ state: 'registered', expiresAt: this.now() + this.registrationSeconds * 1000 });
    }
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
    const remote: Party = { number: options.from, ...(options.e164 ? { e164: options.e164 } : {}), ...(options.displayName ? { displayName: options.displayName } : {}) };
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
    if (!agent) return this.users.has(extension) ? 'offline' : 'unknown';
    if (!this.connected) return 'offline';
    const mine = [...this.calls.values()].filter((c) => c.agent === extension && (c.status === 'ringing' || c.status === 'active'));
    if (mine.some((c) => c.status === 'active')) return 'busy';
    if (mine.length) return 'ringing';
    return 'idle';
  }

  /** Waits until no far-end work is pending (bounded), then lets queued promise chains run. */
  async settle(maxRounds = 200): Promise<void> {
    for (let i = 0; i < maxRounds; i++) {
      await macrotask();
      if (this.pendingWork === 0) return;
    }
    throw new Error(`FakePhoneSystem.settle: far-end work still pending after ${maxRounds} rounds.`);
  }

  // ── used by FakeTelephony ─────────────────────────────────────────────────────────────────

  attach(telephony: FakeTelephony): void {
    this.agents.add(telephony);
  }

  async register(telephony: FakeTelephony, credentials: SipCredentials): Promise<void> {
    telephony.setRegistration({ state: 'connecting' });
    return new Promise<void>((resolve, reject) => {
      const pending = { telephony, credentials, resolve, reject };
      if (this.registrationsPaused) this.pendingRegistrations.push(pending);
      else this.completeRegistration(pending);
    });
  }

  /** Renewed credentials for the next challenge; a failed registration is tried again with them. */
  async updateCredentials(telephony: FakeTelephony, credentials: SipCredentials): Promise<void> {
    const ext = telephony.extension;
    if (ext === undefined || !this.credentialsOf.has(telephony)) throw new SwitchboardError('SB40001', 'Not registered: sign in first.');
    if (credentials.username !== ext) throw new SwitchboardError('SB40001', `Registered as ${ext}, not ${credentials.username}: a new address is a new sign-in.`);
    this.credentialsOf.set(telephony, credentials);
    if (telephony.registration.state === 'failed') {
      await new Promise<void>((resolve, reject) => this.completeRegistration({ telephony, credentials, resolve, reject }));
    }
  }

  async unregister(telephony: FakeTelephony): Promise<void> {
    this.credentialsOf.delete(telephony);
    const ext = telephony.extension;
    if (ext !== undefined && this.registered.get(ext) === telephony) this.registered.delete(ext);
    telephony.setRegistration({ state: 'unregistered' });
    this.refreshLines();
  }

  requireConnected(telephony: FakeTelephony): string {
    const ext = telephony.extension;
    if (!this.connected) throw new SwitchboardError('SB20002', 'The fake phone system is disconnected.');
    if (ext === undefined || this.registered.get(ext) !== telephony) throw new SwitchboardError('SB20002', 'Not registered with the fake phone system.');
    return ext;
  }

  async dial(telephony: FakeTelephony, target: string, attachedData: AttachedData, consultationFor?: string): Promise<DialResult> {
    const ext = this.requireConnected(telephony);
    this.takeFailure(consultationFor ? 'consult' : 'dial');
    const number = target.trim();
    if (!/^\+?[0-9*#\s().-]+$/.test(number) || !/[0-9]/.test(number)) throw new SwitchboardError('SB20004', `'${target}' is not a number the fake phone system can dial.`);
    const internal = this.users.has(number);
    const user = this.users.get(number);
    const remote: Party = { number, ...(user?.displayName ? { displayName: user.displayName } : {}) };
    const call = this.newCall({ agent: ext, direction: 'outbound', remote, internal, attachedData, ...(consultationFor ? { consultationFor } : {}) });
    call.announced = true;
    const behaviour = this.farEnds.get(number) ?? this.defaultFarEnd;
    // The far end acts after the dial resolved, as its responses arrive over the network.
    this.later(() => {
      if (call.status !== 'ringing') return;
      if (behaviour === 'busy') return this.end(call, 'busy', '486 Busy Here', 486);
      if (behaviour === 'reject') return this.end(call, 'rejected', '603 Decline', 603);
      telephony.emitSoon('progress', call.id, 'ringing');
      this.refreshLines();
      if (behaviour === 'manual') return;
      this.later(() => {
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
    const call = this.agentCall(telephony, callId, ['active'], 'blindTransfer');
    // RFC 5589: the transferee is put on hold before the REFER.
    this.setAgentHold(call, true);
    const behaviour = this.farEnds.get(target.trim()) ?? this.defaultFarEnd;
    this.later(() => {
      if (call.status !== 'active') return;
      telephony.emitSoon('transfer', call.id, 'trying');
      this.later(() => {
        if (call.status !== 'active') return;
        if (behaviour === 'busy' || behaviour === 'reject') {
          telephony.emitSoon('transfer', call.id, 'failed', behaviour === 'busy' ? '486 Busy Here' : '603 Decline');
          return;
        }
        telephony.emitSoon('transfer', call.id, 'ringing');
        this.later(() => {
          if (call.status !== 'active') return;
          if (behaviour === 'no-answer') {
            telephony.emitSoon('transfer', call.id, 'failed', '480 Temporarily Unavailable');
            return;
          }
          telephony.emitSoon('transfer', call.id, 'succeeded');
          call.transferredTo = target.trim();
          this.end(call, 'transferred', `to ${target.trim()}`, 200);
        });
      });
    });
  }

  async consult(telephony: FakeTelephony, callId: string, target: string): Promise<DialResult> {
    const call = this.agentCall(telephony, callId, ['active'], undefined);
    // The caller waits on hold while the agent consults.
    this.setAgentHold(call, true);
    return this.dial(telephony, target, {}, call.id);
  }

  async completeTransfer(telephony: FakeTelephony, callId: string, consultationId: string): Promise<void> {
    const call = this.agentCall(telephony, callId, ['active'], undefined);
    const consultation = this.agentCall(telephony, consultationId, ['ringing', 'active'], 'completeTransfer');
    if (consultation.direction !== 'outbound') throw new SwitchboardError('SB40001', `Call '${consultationId}' is not a call the agent placed.`);
    telephony.emitSoon('transfer', call.id, 'succeeded');
    call.transferredTo = consultation.remote.number;
    this.end(call, 'transferred', `joined with ${consultation.remote.number}`, 200);
    this.end(consultation, 'transferred', `joined with ${call.remote.number}`, 200);
  }

  async conference(telephony: FakeTelephony, callIds: readonly string[]): Promise<void> {
    if (callIds.length < 2) throw new SwitchboardError('SB40001', 'A conference needs at least two calls.');
    const calls = callIds.map((id, i) => this.agentCall(telephony, id, ['active'], i === 0 ? 'conference' : undefined));
    for (const call of calls) {
      call.conferencedWith = callIds.filter((id) => id !== call.id);
      // Everyone must hear everyone: held legs are taken off hold.
      if (call.heldByAgent) this.setAgentHold(call, false);
    }
  }

  async publishPresence(telephony: FakeTelephony, status: PresenceStatus): Promise<void> {
    const ext = this.requireConnected(telephony);
    this.takeFailure('publishPresence');
    this.presence.set(ext, [...(this.presence.get(ext) ?? []), status]);
  }

  /** Re-computes busy lamps and tells watchers about changes. */
  refreshLines(): void {
    for (const agent of this.agents) for (const ext of agent.watchedLines) agent.noteLineState(ext, this.lineStateOf(ext));
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────

  private completeRegistration({ telephony, credentials, resolve, reject }: PendingRegistration): void {
    const fail = (code: ErrorCode, reason: string) => {
      telephony.setRegistration({ state: 'failed', code, reason });
      reject(new SwitchboardError(code, reason));
    };
    if (!this.connected) return fail('SB20002', 'The fake phone system is unreachable.');
    const refused = this.authenticate(credentials);
    if (refused) return fail('SB20001', `403 Forbidden (${refused})`);
    this.credentialsOf.set(telephony, credentials);
    const previous = this.registered.get(credentials.username);
    if (previous && previous !== telephony) previous.setRegistration({ state: 'unregistered' });
    this.registered.set(credentials.username, telephony);
    telephony.setRegistration({ state: 'registered', expiresAt: this.now() + this.registrationSeconds * 1000 });
    this.refreshLines();
    resolve();
  }

  /** Checks an answer to a challenge as a registrar would; returns why it is refused, if it is. */
  private authenticate(credentials: SipCredentials): string | undefined {
    const digestUsername = credentials.authorizationUsername ?? credentials.username;
    const refused = this.check(credentials, digestUsername);
    this.authAttempts.push({ extension: credentials.username, digestUsername, at: this.now(), ...(refused ? { refused } : {}) });
    return refused;
  }

  private check(credentials: SipCredentials, digestUsername: string): string | undefined {
    const ephemeral = /^(\d+):(.+)$/.exec(digestUsername);
    if (ephemeral && this.ephemeralPassword) {
      if (ephemeral[2] !== credentials.username) return `credential of ${ephemeral[2]} used for ${credentials.username}`;
      if (Number(ephemeral[1]) * 1000 <= this.now()) return 'credential expired';
      return this.ephemeralPassword(digestUsername) === credentials.password ? undefined : 'wrong credential';
    }
    const user = this.users.get(digestUsername);
    if (!user || digestUsername !== credentials.username || user.password !== credentials.password) return 'wrong extension or password';
    return undefined;
  }

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

  private agentCall(telephony: FakeTelephony, callId: string, states: readonly PhoneCallRecord['status'][], failable: FailableCommand | undefined): PhoneCallRecord {
    const ext = this.requireConnected(telephony);
    const call = this.calls.get(callId);
    if (!call || call.agent !== ext || !call.announced) throw new SwitchboardError('SB20006', `No call '${callId}' on extension ${ext}.`);
    if (!states.includes(call.status)) throw new SwitchboardError(call.status === 'ended' ? 'SB20006' : 'SB40001', `Call '${callId}' is ${call.status}.`);
    if (failable) this.takeFailure(failable);
    return call;
  }

  private takeFailure(command: FailableCommand): void {
    const failure = this.failures.get(command);
    if (failure) {
      this.failures.delete(command);
      throw failure;
    }
  }

  private newCall(init: Pick<PhoneCallRecord, 'agent' | 'direction' | 'remote' | 'internal' | 'attachedData'> & { dialed?: string; consultationFor?: string }): PhoneCallRecord {
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
    this.handles.set(call.id, this.makeHandle(call, answeredPromise, endedPromise));
    return call;
  }

  private handle(call: PhoneCallRecord): FarEnd {
    return this.handles.get(call.id) as FarEnd;
  }

  private makeHandle(call: PhoneCallRecord, answeredPromise: Promise<boolean>, endedPromise: Promise<EndReason>): FarEnd {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the handle's methods act on the phone system
    const phone = this;
    const misuse = (what: string) => new Error(`FakePhoneSystem: cannot ${what} call '${call.id}' (${call.direction}, ${call.status}).`);
    return {
      callId: call.id,
      direction: call.direction,
      get status() { return call.status; },
      get sipCode() { return call.sipCode; },
      get endReason() { return call.endReason; },
      get dtmf() { return call.dtmf; },
      get muted() { return call.muted; },
      get held() { return call.heldByAgent || call.heldByFarEnd; },
      get conferencedWith() { return call.conferencedWith; },
      get transferredTo() { return call.transferredTo; },
      get consultationFor() { return call.consultationFor; },
      attachedData: call.attachedData,
      answeredPromise,
      endedPromise,
      cancel(options = {}) {
        if (call.direction !== 'inbound' || call.status !== 'ringing') throw misuse('cancel');
        if (options.answeredElsewhere) phone.end(call, 'answered-elsewhere', 'answered by another phone (CANCEL, Reason cause=200)', 487);
        else phone.end(call, 'missed', 'caller hung up (CANCEL)', 487);
      },
      hangup() {
        if (call.status === 'ringing' && call.direction === 'inbound') return this.cancel();
        if (call.status !== 'active') throw misuse('hang up');
        phone.end(call, 'remote-hangup', 'BYE from the far end', 200);
      },
      answer() {
        if (call.direction !== 'outbound' || call.status !== 'ringing') throw misuse('answer');
        phone.establish(call);
      },
      reject(code = 486) {
        if (call.direction !== 'outbound' || call.status !== 'ringing') throw misuse('reject');
        phone.end(call, endReasonOfFailure(code), `${code} from the far end`, code);
      },
      hold() {
        if (call.status !== 'active') throw misuse('hold');
        phone.setFarEndHold(call, true);
      },
      resume() {
        if (call.status !== 'active') throw misuse('resume');
        phone.setFarEndHold(call, false);
      },
      reportQuality(quality: CallQuality) {
        if (call.status !== 'active') throw misuse('report quality of');
        phone.telephonyOf(call)?.emitSoon('quality', call.id, quality);
      },
    };
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
    for (const other of this.calls.values()) if (other.conferencedWith.includes(call.id)) other.conferencedWith = other.conferencedWith.filter((id) => id !== call.id);
    this.refreshLines();
  }

  /** Runs far-end work on a later macrotask, counted so `settle()` can wait for it. */
  private later(fn: () => void): void {
    this.pendingWork++;
    setTimeout(() => {
      try {
        fn();
      } finally {
        this.pendingWork--;
      }
    }, 0);
  }
}

function macrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
